use tauri::ipc::Channel;
use tauri::State;
use zenoti::GuestPage;

use crate::error::CommandResult;
use crate::guest_packages::{DeskPackage, PackageDetails};
use crate::redemption::package::RedeemPackageRequest;
use crate::redemption::{RedeemProgress, RedemptionOutcome};
use crate::session::AppState;

/// One page of the guests matching `text` (name, phone, email or guest code).
#[tauri::command]
pub async fn search_guests(
    state: State<'_, AppState>,
    center_id: String,
    text: String,
    page: Option<u32>,
    across_centers: Option<bool>,
) -> CommandResult<GuestPage> {
    state.search_guests(center_id, text, page.unwrap_or(1), across_centers.unwrap_or(false)).await
}

/// The guest's packages of every status, usable ones first.
#[tauri::command]
pub async fn guest_packages(
    state: State<'_, AppState>,
    guest_id: String,
    center_id: String,
) -> CommandResult<Vec<DeskPackage>> {
    state.guest_packages(guest_id, center_id).await
}

#[tauri::command]
pub async fn package_details(
    state: State<'_, AppState>,
    guest_id: String,
    user_package_id: String,
) -> CommandResult<PackageDetails> {
    state.package_details(guest_id, user_package_id).await
}

/// Redeems one session (never sent twice; see `redeem_package`), reporting its steps on
/// `on_progress`.
#[tauri::command]
pub async fn redeem_package(
    state: State<'_, AppState>,
    request: RedeemPackageRequest,
    on_progress: Channel<RedeemProgress>,
) -> CommandResult<RedemptionOutcome> {
    state
        .redeem_package(request, |step| {
            // The screen only loses a status line if the window has gone.
            let _ = on_progress.send(step);
        })
        .await
}
