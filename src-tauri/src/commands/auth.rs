use secrecy::SecretString;
use tauri::State;

use crate::error::CommandResult;
use crate::services::connection::{SessionInfo, SignInRequest};
use crate::services::workstation::AppSettings;
use crate::services::{Connection, Workstation};

#[tauri::command]
pub fn app_settings(workstation: State<'_, Workstation>) -> AppSettings {
    workstation.app_settings()
}

#[tauri::command]
pub async fn restore_session(connection: State<'_, Connection>) -> CommandResult<Option<SessionInfo>> {
    connection.restore_session().await
}

#[tauri::command]
pub async fn sign_in(connection: State<'_, Connection>, request: SignInRequest) -> CommandResult<SessionInfo> {
    connection.sign_in(request).await
}

#[tauri::command]
pub async fn start_demo(connection: State<'_, Connection>) -> CommandResult<SessionInfo> {
    connection.start_demo().await
}

#[tauri::command]
pub async fn sign_out(connection: State<'_, Connection>) -> CommandResult<()> {
    connection.sign_out().await
}

/// Locks the workstation after it has been idle (not in the demo).
#[tauri::command]
pub async fn lock(connection: State<'_, Connection>) -> CommandResult<SessionInfo> {
    connection.lock().await
}

#[tauri::command]
pub async fn unlock(connection: State<'_, Connection>, secret: SecretString) -> CommandResult<SessionInfo> {
    connection.unlock(secret).await
}

#[tauri::command]
pub async fn set_workstation_pin(connection: State<'_, Connection>, pin: SecretString) -> CommandResult<SessionInfo> {
    connection.set_workstation_pin(pin).await
}

#[tauri::command]
pub fn set_idle_lock_minutes(
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
    minutes: u32,
) -> CommandResult<()> {
    workstation.set_idle_lock_minutes(&connection.unlocked()?, minutes)
}

/// How long a payment whose answer was lost is checked for, in seconds.
#[tauri::command]
pub fn set_payment_check_seconds(
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
    seconds: u32,
) -> CommandResult<()> {
    workstation.set_payment_check_seconds(&connection.unlocked()?, seconds)
}
