use tauri::State;
use zenoti::Center;

use crate::error::{CommandResult, IpcError};
use crate::services::connection::SessionInfo;
use crate::services::{invoices, Connection, Workstation};
use crate::settings::CenterChoice;

#[tauri::command]
pub async fn list_centers(connection: State<'_, Connection>) -> CommandResult<Vec<Center>> {
    invoices::centers(&connection.connected().await?).await
}

/// Remembers the center for this workstation and connection.
#[tauri::command]
pub async fn select_center(
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
    center: CenterChoice,
) -> CommandResult<SessionInfo> {
    workstation.select_center(&connection.connected().await?, center)?;
    connection.info().await.ok_or_else(IpcError::not_signed_in)
}
