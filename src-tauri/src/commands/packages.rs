use tauri::ipc::Channel;
use tauri::State;
use zenoti::Category;

use crate::catalog::{CatalogEvent, MemberPrice};
use crate::error::CommandResult;
use crate::services::{catalog, Catalog, Connection};

/// Streams the center's whole catalog over `on_event` (see `CatalogEvent`).
#[tauri::command]
pub async fn open_catalog(
    connection: State<'_, Connection>,
    catalog: State<'_, Catalog>,
    center_id: String,
    on_event: Channel<CatalogEvent>,
) -> CommandResult<()> {
    let connected = connection.connected().await?;
    catalog
        .open(&connected, &center_id, |event| {
            if let Err(err) = on_event.send(event) {
                tracing::warn!(%err, "the catalog screen went away");
            }
        })
        .await
}

#[tauri::command]
pub async fn member_prices(
    connection: State<'_, Connection>,
    center_id: String,
    guest_id: String,
) -> CommandResult<Vec<MemberPrice>> {
    catalog::member_prices(&connection.connected().await?, &center_id, &guest_id).await
}

#[tauri::command]
pub async fn gift_card_packages(connection: State<'_, Connection>, center_id: String) -> CommandResult<Vec<String>> {
    catalog::gift_card_packages(&connection.connected().await?, &center_id).await
}

#[tauri::command]
pub async fn list_categories(connection: State<'_, Connection>, center_id: String) -> CommandResult<Vec<Category>> {
    catalog::categories(&connection.connected().await?, &center_id).await
}
