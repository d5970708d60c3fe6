use tauri::State;
use zenoti::Guest;

use crate::error::CommandResult;
use crate::session::AppState;

#[tauri::command]
pub async fn search_guests(state: State<'_, AppState>, center_id: String, text: String) -> CommandResult<Vec<Guest>> {
    state.search_guests(center_id, text).await
}
