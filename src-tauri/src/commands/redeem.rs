use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use zenoti::{Invoice, InvoiceSummary, RedeemableInfo};

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::redemption::points::{self, PointsQuote, RedeemPointsRequest};
use crate::redemption::{AuditEntry, RedeemProgress, RedemptionOutcome};
use crate::services::demo::{self, DemoCodes};
use crate::services::{invoices, Connection, Redemptions, Workstation};

/// Today's invoices of the center, or those whose number contains `number`.
#[tauri::command]
pub async fn find_invoices(
    connection: State<'_, Connection>,
    center_id: String,
    number: Option<String>,
) -> CommandResult<Vec<InvoiceSummary>> {
    invoices::find(&connection.connected().await?, &center_id, number.as_deref()).await
}

#[tauri::command]
pub async fn get_invoice(connection: State<'_, Connection>, invoice_id: String) -> CommandResult<Invoice> {
    invoices::get(&connection.connected().await?, &invoice_id).await
}

#[tauri::command]
pub async fn redeemable_points(connection: State<'_, Connection>, invoice_id: String) -> CommandResult<RedeemableInfo> {
    invoices::redeemable_points(&connection.connected().await?, &invoice_id).await
}

/// What the points typed would pay, by the redemption's own reads and rules; sends nothing.
#[tauri::command]
pub async fn quote_points(
    connection: State<'_, Connection>,
    request: RedeemPointsRequest,
) -> CommandResult<PointsQuote> {
    points::quote(connection.connected().await?.client(), &request).await
}

/// Sends one redemption (never twice; see `crate::redemption`), reporting its steps on
/// `on_progress`.
#[tauri::command]
pub async fn redeem_points(
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
    redemptions: State<'_, Redemptions>,
    hub: State<'_, std::sync::Arc<crate::services::HubDesk>>,
    request: RedeemPointsRequest,
    on_progress: Channel<RedeemProgress>,
) -> CommandResult<RedemptionOutcome> {
    let connected = connection.connected().await?;
    redemptions
        .redeem_points(&connected, &workstation, &hub, request, |step| {
            // The screen only loses a status line if the window has gone.
            let _ = on_progress.send(step);
        })
        .await
}

/// Check again: reads Zenoti once more for a redemption whose answer was lost.
#[tauri::command]
pub async fn check_redemption(
    connection: State<'_, Connection>,
    redemptions: State<'_, Redemptions>,
    attempt_id: String,
) -> CommandResult<RedemptionOutcome> {
    redemptions.check_again(&connection.connected().await?, &attempt_id).await
}

/// The receptionist checked in Zenoti that a redemption not seen yet did not go through.
#[tauri::command]
pub async fn dismiss_redemption(
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
    redemptions: State<'_, Redemptions>,
    attempt_id: String,
) -> CommandResult<()> {
    redemptions.dismiss(&connection.connected().await?, &workstation, &attempt_id)
}

#[tauri::command]
pub async fn audit_log(
    connection: State<'_, Connection>,
    redemptions: State<'_, Redemptions>,
) -> CommandResult<Vec<AuditEntry>> {
    Ok(redemptions.audit_log(&connection.connected().await?))
}

#[tauri::command]
pub fn set_cash_register(
    connection: State<'_, Connection>,
    workstation: State<'_, Workstation>,
    cash_register_id: String,
) -> CommandResult<()> {
    workstation.set_cash_register(&connection.unlocked()?, cash_register_id)
}

/// Writes the redemption log as CSV to the Downloads folder (or the app's data folder) and
/// returns where.
#[tauri::command]
pub async fn export_audit_csv<R: Runtime>(
    app: AppHandle<R>,
    connection: State<'_, Connection>,
    redemptions: State<'_, Redemptions>,
) -> CommandResult<String> {
    let unlocked = connection.unlocked()?;
    let dir = app.path().download_dir().or_else(|_| app.path().app_data_dir()).map_err(|e| {
        IpcError::new(ErrorCode::SettingsError, "No folder to save the log in was found on this computer.")
            .with_detail(e.to_string())
    })?;
    redemptions.export_audit_csv(&unlocked, connection.in_demo().await, &dir)
}

#[tauri::command]
pub async fn demo_codes(connection: State<'_, Connection>) -> CommandResult<DemoCodes> {
    demo::codes(&connection.connected().await?)
}
