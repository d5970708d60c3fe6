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
