use tauri::State;
use zenoti::Center;

use crate::error::CommandResult;
use crate::session::{AppState, SessionInfo};
use crate::settings::CenterChoice;

#[tauri::command]
pub async fn list_centers(state: State<'_, AppState>) -> CommandResult<Vec<Center>> {
    state.list_centers().await
}

#[tauri::command]
pub async fn select_center(state: State<'_, AppState>, center: CenterChoice) -> CommandResult<SessionInfo> {
    state.select_center(center).await
}
