use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use zenoti::{Invoice, InvoiceSummary, RedeemableInfo};

use crate::error::CommandResult;
use crate::error::{ErrorCode, IpcError};
use crate::redemption::points::RedeemPointsRequest;
use crate::redemption::{AuditEntry, RedeemProgress, RedemptionOutcome};
use crate::session::{AppState, DemoCodes};

/// Today's invoices of the center, or those whose number contains `number`.
#[tauri::command]
pub async fn find_invoices(
    state: State<'_, AppState>,
    center_id: String,
    number: Option<String>,
) -> CommandResult<Vec<InvoiceSummary>> {
    state.find_invoices(center_id, number).await
}

#[tauri::command]
pub async fn get_invoice(state: State<'_, AppState>, invoice_id: String) -> CommandResult<Invoice> {
    state.get_invoice(invoice_id).await
}

#[tauri::command]
pub async fn redeemable_points(state: State<'_, AppState>, invoice_id: String) -> CommandResult<RedeemableInfo> {
    state.redeemable_points(invoice_id).await
}

/// Sends one redemption (never twice; see `redeem`), reporting its steps on `on_progress`.
#[tauri::command]
pub async fn redeem_points(
    state: State<'_, AppState>,
    request: RedeemPointsRequest,
    on_progress: Channel<RedeemProgress>,
) -> CommandResult<RedemptionOutcome> {
    state
        .redeem_points(request, |step| {
            // The screen only loses a status line if the window has gone.
            let _ = on_progress.send(step);
        })
        .await
}

/// Check again: reads Zenoti once more for a redemption whose answer was lost.
#[tauri::command]
pub async fn check_redemption(state: State<'_, AppState>, attempt_id: String) -> CommandResult<RedemptionOutcome> {
    state.check_redemption(attempt_id).await
}

/// The receptionist checked in Zenoti that a redemption not seen yet did not go through.
#[tauri::command]
pub async fn dismiss_redemption(state: State<'_, AppState>, attempt_id: String) -> CommandResult<()> {
    state.dismiss_redemption(attempt_id).await
}

#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>) -> CommandResult<Vec<AuditEntry>> {
    Ok(state.audit_log().await)
}

#[tauri::command]
pub fn set_cash_register(state: State<'_, AppState>, cash_register_id: String) -> CommandResult<()> {
    state.set_cash_register(cash_register_id)
}

/// Writes the redemption log as CSV to the Downloads folder (or the app's data folder) and
/// returns where.
#[tauri::command]
pub async fn export_audit_csv(app: AppHandle, state: State<'_, AppState>) -> CommandResult<String> {
    let dir = app.path().download_dir().or_else(|_| app.path().app_data_dir()).map_err(|e| {
        IpcError::new(ErrorCode::SettingsError, "No folder to save the log in was found on this computer.")
            .with_detail(e.to_string())
    })?;
    state.export_audit_csv(&dir).await
}

#[tauri::command]
pub async fn demo_codes(state: State<'_, AppState>) -> CommandResult<DemoCodes> {
    state.demo_codes().await
}
