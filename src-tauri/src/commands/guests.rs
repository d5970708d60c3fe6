use tauri::ipc::Channel;
use tauri::State;
use zenoti::GuestPage;

use crate::error::CommandResult;
use crate::guest_packages::{DeskPackage, PackageDetails};
use crate::redemption::package::RedeemPackageRequest;
use crate::redemption::{RedeemProgress, RedemptionOutcome};
use crate::services::{guests, Connection, Redemptions, Workstation};

/// One page of the guests matching `text` (name, phone, email or guest code).
#[tauri::command]
pub async fn search_guests(
    connection: State<'_, Connection>,
    center_id: String,
    text: String,
    page: Option<u32>,
    across_centers: Option<bool>,
) -> CommandResult<GuestPage> {
    let connected = connection.connected().await?;
    guests::search(&connected, &center_id, &text, page.unwrap_or(1), across_centers.unwrap_or(false)).await
}

/// The guest's packages of every status, usable ones first.
#[tauri::command]
pub async fn guest_packages(
    connection: State<'_, Connection>,
    guest_id: String,
    center_id: String,
) -> CommandResult<Vec<DeskPackage>> {
    guests::packages(&connection.connected().await?, &guest_id, &center_id).await
}

#[tauri::command]
pub async fn package_details(
    connection: State<'_, Connection>,
    guest_id: String,
    user_package_id: String,
) -> CommandResult<PackageDetails> {
    guests::package_details(&connection.connected().await?, &guest_id, &user_package_id).await
}

/// Redeems one session (never sent twice; see `crate::redemption`), reporting its steps on
/// `on_progress`.
#[tauri::command]
pub async fn redeem_package(
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
    redemptions: State<'_, Redemptions>,
    hub: State<'_, std::sync::Arc<crate::services::HubDesk>>,
    request: RedeemPackageRequest,
    on_progress: Channel<RedeemProgress>,
) -> CommandResult<RedemptionOutcome> {
    let connected = connection.connected().await?;
    redemptions
        .redeem_package(&connected, &workstation, &hub, request, |step| {
            // The screen only loses a status line if the window has gone.
            let _ = on_progress.send(step);
        })
        .await
}
