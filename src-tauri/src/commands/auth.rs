use secrecy::SecretString;
use tauri::State;

use crate::error::CommandResult;
use crate::session::{AppSettings, AppState, SessionInfo, SignInRequest};

#[tauri::command]
pub fn app_settings(state: State<'_, AppState>) -> AppSettings {
    state.app_settings()
}

#[tauri::command]
pub async fn restore_session(state: State<'_, AppState>) -> CommandResult<Option<SessionInfo>> {
    state.restore_session().await
}

#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>, request: SignInRequest) -> CommandResult<SessionInfo> {
    state.sign_in(request).await
}

#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> CommandResult<SessionInfo> {
    state.start_demo().await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> CommandResult<()> {
    state.sign_out().await
}

/// Locks the workstation after it has been idle (not in the demo).
#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> CommandResult<SessionInfo> {
    state.lock().await
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, secret: SecretString) -> CommandResult<SessionInfo> {
    state.unlock(secret).await
}

#[tauri::command]
pub async fn set_workstation_pin(state: State<'_, AppState>, pin: SecretString) -> CommandResult<SessionInfo> {
    state.set_workstation_pin(pin).await
}

#[tauri::command]
pub fn set_idle_lock_minutes(state: State<'_, AppState>, minutes: u32) -> CommandResult<()> {
    state.set_idle_lock_minutes(minutes)
}

/// How long a payment whose answer was lost is checked for, in seconds.
#[tauri::command]
pub fn set_payment_check_seconds(state: State<'_, AppState>, seconds: u32) -> CommandResult<()> {
    state.set_payment_check_seconds(seconds)
}
