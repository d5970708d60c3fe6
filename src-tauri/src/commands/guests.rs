use tauri::ipc::Channel;
use tauri::State;
use zenoti::{Guest, HeldPackage};

use crate::error::CommandResult;
use crate::redeem::RedeemProgress;
use crate::redeem_package::{PackageDetails, PackageOutcome, RedeemPackageRequest};
use crate::session::AppState;

#[tauri::command]
pub async fn search_guests(state: State<'_, AppState>, center_id: String, text: String) -> CommandResult<Vec<Guest>> {
    state.search_guests(center_id, text).await
}

/// The guest's packages of every status, usable ones first.
#[tauri::command]
pub async fn guest_packages(
    state: State<'_, AppState>,
    guest_id: String,
    center_id: String,
) -> CommandResult<Vec<HeldPackage>> {
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
) -> CommandResult<PackageOutcome> {
    state
        .redeem_package(request, |step| {
            // The screen only loses a status line if the window has gone.
            let _ = on_progress.send(step);
        })
        .await
}
