use tauri::{AppHandle, Manager, Runtime, State};

use std::sync::Arc;

use zenoti::ConnectionReport;

use crate::diagnostics::{DiagnosticEntry, DiagnosticsLog};
use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::services::{check, Connection, Workstation};
use crate::support::{self as bundle, About, BuildInfo};

fn log_dir<R: Runtime>(app: &AppHandle<R>) -> std::path::PathBuf {
    app.path().app_log_dir().unwrap_or_else(|_| std::env::temp_dir().join("frontdesk-logs"))
}

/// This build, with the version the app was packaged as.
pub fn build_info<R: Runtime>(app: &AppHandle<R>) -> BuildInfo {
    BuildInfo::new(app.package_info().version.to_string())
}

async fn about_now<R: Runtime>(app: &AppHandle<R>, connection: &Connection, workstation: &Workstation) -> About {
    About::new(build_info(app), connection.info().await, workstation.settings().base_url, &log_dir(app))
}

#[tauri::command]
pub async fn about<R: Runtime>(
    app: AppHandle<R>,
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
) -> CommandResult<About> {
    Ok(about_now(&app, &connection, &workstation).await)
}

/// Writes the support bundle to the Downloads folder (or the app's data folder) and returns where.
#[tauri::command]
pub async fn export_support_bundle<R: Runtime>(
    app: AppHandle<R>,
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
) -> CommandResult<String> {
    let unlocked = connection.unlocked()?;
    let dir = app.path().download_dir().or_else(|_| app.path().app_data_dir()).map_err(|e| {
        IpcError::new(ErrorCode::SettingsError, "No folder to save the support bundle in was found on this computer.")
            .with_detail(e.to_string())
    })?;
    let about = about_now(&app, &connection, &workstation).await;
    let diagnostics = app.state::<Arc<DiagnosticsLog>>();
    bundle::export(&unlocked, &dir, &log_dir(&app), workstation.settings_path(), diagnostics.path(), &about)
}

/// Settings → Check connection: read-only probes of every call Front Desk uses.
#[tauri::command]
pub async fn check_connection(connection: State<'_, Connection>) -> CommandResult<ConnectionReport> {
    let c = connection.connected().await?;
    check::check_connection(&connection, &c, check::PROBE_TIMEOUT).await
}

/// Check connection on the sign-in screen, with the credentials typed there (nothing is kept
/// but what the check finds out about the organization's answers).
#[tauri::command]
pub async fn check_connection_before_sign_in(
    connection: State<'_, Connection>,
    request: crate::services::connection::SignInRequest,
) -> CommandResult<ConnectionReport> {
    check::check_before_sign_in(&connection, request, check::PROBE_TIMEOUT).await
}

/// The answers from Zenoti that were not as expected, the most recent first.
#[tauri::command]
pub fn diagnostics(diagnostics: State<'_, Arc<DiagnosticsLog>>) -> Vec<DiagnosticEntry> {
    diagnostics.entries()
}

#[tauri::command]
pub fn clear_diagnostics(
    connection: State<'_, Connection>,
    diagnostics: State<'_, Arc<DiagnosticsLog>>,
) -> CommandResult<()> {
    connection.unlocked()?;
    diagnostics.clear();
    Ok(())
}
