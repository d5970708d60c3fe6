use tauri::{AppHandle, Manager, State};

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::session::AppState;
use crate::support::{About, BuildInfo};

fn log_dir(app: &AppHandle) -> std::path::PathBuf {
    app.path().app_log_dir().unwrap_or_else(|_| std::env::temp_dir().join("frontdesk-logs"))
}

/// This build, with the version the app was packaged as.
pub fn build_info(app: &AppHandle) -> BuildInfo {
    BuildInfo::new(app.package_info().version.to_string())
}

#[tauri::command]
pub async fn about(app: AppHandle, state: State<'_, AppState>) -> CommandResult<About> {
    Ok(state.about(build_info(&app), &log_dir(&app)).await)
}

/// Writes the support bundle to the Downloads folder (or the app's data folder) and returns where.
#[tauri::command]
pub async fn export_support_bundle(app: AppHandle, state: State<'_, AppState>) -> CommandResult<String> {
    let dir = app.path().download_dir().or_else(|_| app.path().app_data_dir()).map_err(|e| {
        IpcError::new(ErrorCode::SettingsError, "No folder to save the support bundle in was found on this computer.")
            .with_detail(e.to_string())
    })?;
    state.export_support_bundle(build_info(&app), &dir, &log_dir(&app)).await
}
