//! The organization's centers, and a center's invoices with what their guest can redeem.

use zenoti::{Center, Invoice, InvoiceSummary, RedeemableInfo};

use crate::error::CommandResult;
use crate::services::connection::Connected;

pub async fn centers(c: &Connected) -> CommandResult<Vec<Center>> {
    Ok(c.client().list_centers().await?)
}

/// Today's invoices of the center, or those whose number contains `number`.
pub async fn find(c: &Connected, center_id: &str, number: Option<&str>) -> CommandResult<Vec<InvoiceSummary>> {
    Ok(c.client().find_invoices(center_id, number).await?)
}

pub async fn get(c: &Connected, invoice_id: &str) -> CommandResult<Invoice> {
    Ok(c.client().get_invoice(invoice_id).await?)
}

/// What the invoice's guest can redeem on it, across all their programs.
pub async fn redeemable_points(c: &Connected, invoice_id: &str) -> CommandResult<RedeemableInfo> {
    Ok(c.client().redeemable_points(invoice_id, None, true).await?)
}
