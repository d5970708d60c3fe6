use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::services::{Redemptions, Workstation};
use crate::update::{UpdateProgress, UpdateStatus, Updates};

/// What the last check found (the screen asks now and then; checks run in the background).
#[tauri::command]
pub fn update_status(updates: State<'_, Updates>) -> UpdateStatus {
    updates.status.lock().unwrap().clone()
}

/// Checks for an update now.
#[tauri::command]
pub async fn check_for_update<R: Runtime>(
    app: AppHandle<R>,
    workstation: State<'_, Workstation>,
    updates: State<'_, Updates>,
) -> CommandResult<UpdateStatus> {
    #[cfg(feature = "updater")]
    {
        Ok(crate::update::run_check(&app, &updates, workstation.update_endpoint()).await)
    }
    #[cfg(not(feature = "updater"))]
    {
        let _ = (app, workstation);
        Ok(updates.status.lock().unwrap().clone())
    }
}

/// Downloads the update found, then installs it and restarts into it. The restart door closes
/// before the install starts (on Windows the installer ends the process inside `install`), and
/// it is refused while a redemption is being sent or checked: an install never cuts one off.
#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    redemptions: State<'_, Redemptions>,
    updates: State<'_, Updates>,
    on_progress: Channel<UpdateProgress>,
) -> CommandResult<()> {
    if redemptions.in_flight() > 0 {
        return Err(crate::redemption::restart_waits_for_redemption());
    }
    #[cfg(feature = "updater")]
    {
        let found = updates.found.lock().await.clone();
        let Some(update) = found else {
            return Err(IpcError::new(ErrorCode::UpdateFailed, "No update is waiting. Check for updates first."));
        };
        let progress = |p| {
            let _ = on_progress.send(p);
        };
        let bytes = crate::update::download(&update, progress).await?;
        // A redemption may have started during the download: it is waited for, never cut off.
        redemptions.close_for_restart().map_err(|_| {
            IpcError::new(
                ErrorCode::UpdateFailed,
                "A redemption started while the update downloaded. Install the update once it is done.",
            )
        })?;
        if let Err(err) = crate::update::install(&update, bytes, progress) {
            redemptions.reopen();
            return Err(err);
        }
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
pub fn set_update_endpoint(
    connection: State<'_, crate::services::Connection>,
    workstation: State<'_, Workstation>,
    endpoint: String,
) -> CommandResult<()> {
    workstation.set_update_endpoint(&connection.unlocked()?, endpoint)
}
