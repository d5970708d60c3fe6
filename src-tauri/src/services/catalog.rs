//! The center's catalog: streamed from the cached copy, then from Zenoti (see `crate::catalog`),
//! with member prices, gift-card packages and categories.

use crate::catalog::{self, CatalogEvent, MemberPrice};
use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::services::connection::Connected;

pub struct Catalog {
    /// Where catalogs are cached (no secrets).
    dir: std::path::PathBuf,
}

impl Catalog {
    pub fn new(data_dir: &std::path::Path) -> Self {
        Catalog { dir: data_dir.join("catalog") }
    }

    /// Streams the center's whole catalog: the cached copy first, then Zenoti's.
    pub async fn open(&self, c: &Connected, center_id: &str, send: impl FnMut(CatalogEvent)) -> CommandResult<()> {
        let center_id = center_id.trim();
        let cache = catalog::cache_path(&self.dir, c.connection_key(), center_id);
        catalog::stream(c.client(), center_id, &cache, send).await
    }
}

pub async fn member_prices(c: &Connected, center_id: &str, guest_id: &str) -> CommandResult<Vec<MemberPrice>> {
    if guest_id.trim().is_empty() {
        return Err(IpcError::new(ErrorCode::InvalidInput, "Choose the guest whose member prices to show."));
    }
    catalog::member_prices(c.client(), center_id.trim(), guest_id.trim()).await
}

pub async fn gift_card_packages(c: &Connected, center_id: &str) -> CommandResult<Vec<String>> {
    catalog::gift_card_packages(c.client(), center_id.trim()).await
}

pub async fn categories(c: &Connected, center_id: &str) -> CommandResult<Vec<zenoti::Category>> {
    Ok(c.client().list_categories(center_id.trim()).await?)
}
