//! The workstation's hub: its state, joining with an enrollment code, leaving.

use std::sync::Arc;

use tauri::State;

use crate::error::CommandResult;
use crate::services::hub::HubStatus;
use crate::services::{Connection, HubDesk};

#[tauri::command]
pub fn hub_status(hub: State<'_, Arc<HubDesk>>) -> HubStatus {
    hub.status()
}

/// Joins the hub at `url` with the one-time enrollment code IT gave.
#[tauri::command]
pub async fn join_hub(
    connection: State<'_, Connection>,
    hub: State<'_, Arc<HubDesk>>,
    url: String,
    code: String,
) -> CommandResult<HubStatus> {
    let unlocked = connection.unlocked()?;
    hub.inner().join(&unlocked, &url, &code).await
}

/// Leaves the hub: the desk token is removed from the keychain and calls go straight to Zenoti.
#[tauri::command]
pub async fn leave_hub(connection: State<'_, Connection>, hub: State<'_, Arc<HubDesk>>) -> CommandResult<HubStatus> {
    let unlocked = connection.unlocked()?;
    hub.leave(&unlocked).await
}
