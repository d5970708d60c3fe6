use tauri::ipc::Channel;
use tauri::State;
use zenoti::Category;

use crate::catalog::{CatalogEvent, MemberPrice};
use crate::error::CommandResult;
use crate::session::AppState;

/// Streams the center's whole catalog over `on_event` (see `CatalogEvent`).
#[tauri::command]
pub async fn open_catalog(
    state: State<'_, AppState>,
    center_id: String,
    on_event: Channel<CatalogEvent>,
) -> CommandResult<()> {
    state
        .open_catalog(center_id, |event| {
            if let Err(err) = on_event.send(event) {
                tracing::warn!(%err, "the catalog screen went away");
            }
        })
        .await
}

#[tauri::command]
pub async fn member_prices(
    state: State<'_, AppState>,
    center_id: String,
    guest_id: String,
) -> CommandResult<Vec<MemberPrice>> {
    state.member_prices(center_id, guest_id).await
}

#[tauri::command]
pub async fn gift_card_packages(state: State<'_, AppState>, center_id: String) -> CommandResult<Vec<String>> {
    state.gift_card_packages(center_id).await
}

#[tauri::command]
pub async fn list_categories(state: State<'_, AppState>, center_id: String) -> CommandResult<Vec<Category>> {
    state.list_categories(center_id).await
}
