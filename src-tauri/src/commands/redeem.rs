use tauri::State;
use zenoti::{Invoice, InvoiceSummary, RedeemableInfo};

use crate::error::CommandResult;
use crate::redeem::{AuditEntry, RedeemOutcome, RedeemPointsRequest};
use crate::session::AppState;

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

/// Sends one redemption (never twice; see `redeem`).
#[tauri::command]
pub async fn redeem_points(state: State<'_, AppState>, request: RedeemPointsRequest) -> CommandResult<RedeemOutcome> {
    state.redeem_points(request).await
}

#[tauri::command]
pub fn audit_log(state: State<'_, AppState>) -> Vec<AuditEntry> {
    state.audit_log()
}

#[tauri::command]
pub fn set_cash_register(state: State<'_, AppState>, cash_register_id: String) -> CommandResult<()> {
    state.set_cash_register(cash_register_id)
}
