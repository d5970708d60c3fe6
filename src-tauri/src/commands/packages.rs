use tauri::State;
use zenoti::PackagePage;

use crate::error::CommandResult;
use crate::session::AppState;

#[tauri::command]
pub async fn list_packages(
    state: State<'_, AppState>,
    center_id: String,
    page: u32,
    size: u32,
) -> CommandResult<PackagePage> {
    state.list_packages(center_id, page, size).await
}
