use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::session::AppState;
use crate::update::{UpdateProgress, UpdateStatus, Updates};

/// What the last check found (the screen asks now and then; checks run in the background).
#[tauri::command]
pub fn update_status(updates: State<'_, Updates>) -> UpdateStatus {
    updates.status.lock().unwrap().clone()
}

/// Checks for an update now.
#[tauri::command]
pub async fn check_for_update(
    app: AppHandle,
    state: State<'_, AppState>,
    updates: State<'_, Updates>,
) -> CommandResult<UpdateStatus> {
    #[cfg(feature = "updater")]
    {
        Ok(crate::update::run_check(&app, &updates, state.update_endpoint()).await)
    }
    #[cfg(not(feature = "updater"))]
    {
        let _ = (app, state);
        Ok(updates.status.lock().unwrap().clone())
    }
}

/// Downloads and installs the update found, then restarts into it. Refused while a redemption
/// is being sent: a restart must never cut one off.
#[tauri::command]
pub async fn install_update(
    app: AppHandle,
    state: State<'_, AppState>,
    updates: State<'_, Updates>,
    on_progress: Channel<UpdateProgress>,
) -> CommandResult<()> {
    if state.redemptions_in_flight() > 0 {
        return Err(crate::redemption::restart_waits_for_redemption());
    }
    #[cfg(feature = "updater")]
    {
        let found = updates.found.lock().await.clone();
        let Some(update) = found else {
            return Err(IpcError::new(ErrorCode::UpdateFailed, "No update is waiting. Check for updates first."));
        };
        crate::update::download_and_install(&update, |p| {
            let _ = on_progress.send(p);
        })
        .await?;
        state.close_for_restart().map_err(|_| {
            IpcError::new(
                ErrorCode::UpdateFailed,
                "The update is installed. A redemption started meanwhile: restart Front Desk once it is done.",
            )
        })?;
        tracing::info!(version = %update.version, "update installed; restarting");
        app.restart();
    }
    #[cfg(not(feature = "updater"))]
    {
        let _ = (app, updates, on_progress);
        Err(IpcError::new(
            ErrorCode::UpdateFailed,
            "This build of Front Desk is updated by your system's package manager.",
        ))
    }
}

/// Where this workstation looks for updates (https), or empty for the built-in address.
#[tauri::command]
pub fn set_update_endpoint(state: State<'_, AppState>, endpoint: String) -> CommandResult<()> {
    state.set_update_endpoint(endpoint)
}
