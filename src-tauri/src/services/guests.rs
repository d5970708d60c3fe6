//! Guests: search, and the packages they hold with their balances and history.

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::guest_packages::{sort_for_desk, DeskPackage, PackageDetails};
use crate::services::connection::Connected;

/// One page (from 1) of the guests matching what was typed (name, phone, email or code), at the
/// center or at every center.
pub async fn search(
    c: &Connected,
    center_id: &str,
    text: &str,
    page: u32,
    across_centers: bool,
) -> CommandResult<zenoti::GuestPage> {
    if text.trim().chars().count() < 2 {
        return Err(IpcError::new(ErrorCode::InvalidInput, "Type at least two letters or digits to search."));
    }
    let mut search = zenoti::GuestSearch::from_text(center_id, text);
    search.page = page.max(1);
    search.across_centers = across_centers;
    Ok(c.client().search_guests(&search).await?)
}

/// The guest's packages of every status, usable ones first (see `sort_for_desk`), judged on
/// this computer's local day.
pub async fn packages(c: &Connected, guest_id: &str, center_id: &str) -> CommandResult<Vec<DeskPackage>> {
    let mut packages = c.client().guest_packages(guest_id, center_id).await?;
    let today = chrono::Local::now().date_naive();
    sort_for_desk(&mut packages, today);
    Ok(packages.into_iter().map(|p| DeskPackage::new(p, today)).collect())
}

/// A package's balances and its history, read together.
pub async fn package_details(c: &Connected, guest_id: &str, user_package_id: &str) -> CommandResult<PackageDetails> {
    let client = c.client();
    let (benefits, history) = tokio::join!(
        client.package_benefits(guest_id, user_package_id),
        client.package_history(guest_id, user_package_id)
    );
    Ok(PackageDetails { benefits: benefits?, history: history?.newest_first() })
}
