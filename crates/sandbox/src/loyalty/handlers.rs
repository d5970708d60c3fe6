//! The invoice and loyalty endpoints: each reads the books, applies the documented rules in the
//! order a careful server checks them, and answers through `wire.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::books::{is_prepaid, Invoice, ItemType, LedgerEntry, Payment, Program, LOYALTY_POINTS, PREPAID_MESSAGE};
use super::wire::{
    invoice_closed_json, invoice_json, invoice_summary_json, redeemable_json, redeemed_points_json, redemption_json,
    RedeemableAnswer,
};
use crate::catalog::param;
use crate::wire::{hex_id, local_time};
use crate::{business_error, State};

pub(crate) async fn get_invoice(AxumState(state): AxumState<Arc<State>>, Path(id): Path<String>) -> Response {
    let books = state.books.lock().unwrap();
    match books.invoice(&id) {
        Some(inv) => Json(json!({"invoice": invoice_json(&state.org, inv), "error": null})).into_response(),
        None => business_error(502, 502, "Invalid InvoiceId."),
    }
}

/// Without `search_type`: today's invoices of the center. With it: those whose number contains
/// `search_text`, typed with its prefix or without, in any case (our reading of "search by
/// invoice number").
pub(crate) async fn center_invoices(
    AxumState(state): AxumState<Arc<State>>,
    Path(center_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if state.org.center(&center_id).is_none() {
        return business_error(502, 502, "invalid center_id.");
    }
    let books = state.books.lock().unwrap();
    let text = param(&query, "search_text");
    let searching = param(&query, "search_type").is_some();
    // Today on the center's clock: older invoices (package sales, past visits) are found by
    // number only.
    let today = state.local_now(&center_id).date().to_string();
    let list: Vec<Value> = books
        .invoices
        .iter()
        .filter(|i| i.center_id.eq_ignore_ascii_case(&center_id))
        .filter(|i| if searching { text.is_some_and(|t| i.number_matches(t)) } else { i.date.starts_with(&today) })
        .map(|i| invoice_summary_json(&state.org, i))
        .collect();
    let key = if searching { "invoices" } else { "todays_invoices" };
    Json(json!({key: list, "error": null})).into_response()
}

/// `GET /v1/guests/{invoice_id}/payments/loyalty_points/redeemable` (the docs put an invoice id
/// under `guests`), also served under `/v1/invoices/{invoice_id}/…`. At a center that requires
/// an OTP, this is when the guest is sent one.
pub(crate) async fn redeemable(
    AxumState(state): AxumState<Arc<State>>,
    Path(invoice_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut books = state.books.lock().unwrap();
    let Some(inv) = books.invoice(&invoice_id).cloned() else {
        return business_error(502, 502, "Invalid InvoiceId.");
    };
    let across = param(&query, "redeem_across_programs") == Some("1");
    let only = param(&query, "lp_program_id").filter(|v| !v.is_empty()).map(str::to_owned);
    // The guest is sent a code when the invoice's points are first read; reading them again
    // (as the app does right before paying) keeps that code until a redemption uses it.
    let otp_required = books.otp_override(&inv.center_id).is_some();
    if otp_required && !inv.closed && !books.otps.contains_key(&inv.id) {
        let code = state.random_code();
        tracing::info!(invoice = %inv.printed_number(), otp = %code, "sandbox: OTP sent to the guest");
        books.otps.insert(inv.id.clone(), code);
    }
    let programs: Vec<(&Program, i64)> = books
        .guest_programs(&inv.guest_id)
        .into_iter()
        .filter(|p| across || only.as_deref().is_none_or(|id| p.id.eq_ignore_ascii_case(id)))
        .map(|p| (p, books.points(&inv.guest_id, &p.id)))
        .collect();
    // What can go on this invoice: each program in turn, within its rules, until the balance due
    // is covered.
    let (mut points, mut cents) = (0i64, 0i64);
    for (p, balance) in &programs {
        let take = p.most_on_invoice(*balance, inv.balance() - cents);
        points += take;
        cents += p.cents_for(take);
    }
    let answer = RedeemableAnswer {
        total_points: programs.iter().map(|(_, balance)| balance).sum(),
        total_cents: programs.iter().map(|(p, balance)| p.cents_for(*balance)).sum(),
        programs,
        points,
        cents,
        otp_required,
    };
    Json(redeemable_json(&answer)).into_response()
}

#[derive(Debug, Deserialize)]
pub(crate) struct RedeemBody {
    points: Option<Value>,
    center_id: Option<String>,
    program_id: Option<String>,
    #[serde(default)]
    cash_register_id: Option<String>,
    #[serde(default)]
    redeem_across_programs: Option<i64>,
    #[serde(default)]
    otp: Option<String>,
}

/// `POST /v1/invoices/{invoice_id}/payments/loyalty_points`, with the documented errors in the
/// order a careful server checks them.
pub(crate) async fn redeem(
    AxumState(state): AxumState<Arc<State>>,
    Path(invoice_id): Path<String>,
    body: Option<Json<RedeemBody>>,
) -> Response {
    let Some(Json(body)) = body else {
        return business_error(400, 400, "The request is invalid.");
    };
    let mut books = state.books.lock().unwrap();
    if invoice_id.trim().is_empty() {
        return business_error(502, 502, "InvoiceId is not passed.");
    }
    let Some(inv) = books.invoice(&invoice_id).cloned() else {
        return business_error(502, 502, "InvoiceId is not passed.");
    };
    if !body.center_id.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&inv.center_id)) {
        return business_error(502, 502, "Invalid CenterId.");
    }
    let points = match &body.points {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let points = match points {
        Some(p) if p.is_finite() && p > 0.0 && p.fract() == 0.0 => p as i64,
        _ => return business_error(502, 502, "Invalid points."),
    };
    let across = body.redeem_across_programs == Some(1);
    let program = match body.program_id.as_deref().and_then(|id| books.program(id)) {
        Some(p) => p.clone(),
        None if across => match books.guest_programs(&inv.guest_id).first() {
            Some(p) => (*p).clone(),
            None => return business_error(502, 502, "ProgramId is not valid."),
        },
        None => return business_error(502, 502, "ProgramId is not valid."),
    };
    if !books.redemption_allowed {
        return business_error(
            502,
            502,
            "Can not redeem points to purchase any items as per the organization settings.",
        );
    }
    if books.non_redeemable(&inv.guest_id) {
        return business_error(502, 502, "Can't redeem points as the guest is in non redeemable tier.");
    }
    if inv.closed {
        return business_error(502, 502, "Invoice is closed. Redemptions can be applied only to open invoices.");
    }
    // Read from each payment's `payment_name`; another points payment is allowed.
    if inv.payments.iter().any(|p| p.payment_name != LOYALTY_POINTS && is_prepaid(p.payment_name)) {
        return business_error(502, 502, PREPAID_MESSAGE);
    }
    if !inv.items.iter().any(|i| matches!(i.kind, ItemType::Service | ItemType::Product)) {
        return business_error(502, 502, "Loyalty points can not be used to redeem any item in the invoice.");
    }
    let balance: i64 = if across {
        books.guest_programs(&inv.guest_id).iter().map(|p| books.points(&inv.guest_id, &p.id)).sum()
    } else {
        books.points(&inv.guest_id, &program.id)
    };
    if let Some(refusal) = program.refusal(points, balance) {
        return business_error(502, 502, &refusal);
    }
    if let Some(override_code) = books.otp_override(&inv.center_id) {
        let given = body.otp.as_deref().map(str::trim).unwrap_or("");
        let sent = books.otps.get(&inv.id).map(String::as_str);
        if given.is_empty() || (given != override_code && Some(given) != sent) {
            return business_error(502, 502, "Please enter a valid OTP.");
        }
    }
    let cents = program.cents_for(points);
    if cents > inv.balance() {
        return business_error(502, 502, "Balance Insufficient.");
    }
    // Apply: the guest's points go down, the invoice gets a payment, the ledger an entry.
    let id = books.take_id();
    let payment_id = hex_id(id, 0x7a1d);
    books.spend(&inv.guest_id, &program.id, points);
    // Business times are the center's wall-clock time, without an offset.
    let now = local_time(state.local_now(&inv.center_id));
    let payment = Payment {
        id: payment_id.clone(),
        payment_name: LOYALTY_POINTS,
        cents,
        points,
        program_id: Some(program.id.clone()),
        at: now,
        cash_register_id: body.cash_register_id.clone().filter(|c| !c.is_empty()),
    };
    let updated = {
        let target = books.invoices.iter_mut().find(|i| i.id == inv.id).unwrap();
        target.payments.push(payment.clone());
        target.clone()
    };
    books.otps.remove(&inv.id);
    books.ledger.push(LedgerEntry {
        payment_id: payment_id.clone(),
        invoice_id: inv.id.clone(),
        guest_id: inv.guest_id.clone(),
        program_id: program.id.clone(),
        points,
        cents,
    });
    let left = books.points(&inv.guest_id, &program.id);
    Json(redemption_json(&payment, &program, left, &updated)).into_response()
}

/// `GET /v1/guests/{guest_id}/points/1?invoice_id=`: the guest's redemptions on one invoice.
pub(crate) async fn redeemed_points(
    AxumState(state): AxumState<Arc<State>>,
    Path((guest_id, kind)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if kind != "1" {
        return business_error(400, 400, "The request is invalid.");
    }
    let Some(invoice_id) = param(&query, "invoice_id").filter(|v| !v.is_empty()) else {
        return business_error(502, 502, "InvoiceId is not passed.");
    };
    let books = state.books.lock().unwrap();
    let Some(inv) = books.invoice(invoice_id) else {
        return business_error(502, 502, "Invalid InvoiceId.");
    };
    let entries: Vec<Value> = books
        .ledger
        .iter()
        .filter(|e| e.invoice_id == inv.id && e.guest_id.eq_ignore_ascii_case(&guest_id))
        .map(|e| redeemed_points_json(inv, e))
        .collect();
    Json(json!({"redeemed_points": entries, "error": null})).into_response()
}

pub(crate) async fn ledger(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    let books = state.books.lock().unwrap();
    Json(json!({"ledger": books.ledger, "otps": books.otps, "override_codes": books.otp_centers}))
}

/// Closes an open invoice and raises `Invoice.Closed` (`event_resource: "Invoice"`) with the
/// guest-package events. A test hook: the API Front Desk uses closes no invoice, and no
/// redemption closes one (a paid invoice stays open until it is closed at checkout).
pub(crate) fn close(state: &State, invoice_id: &str) -> Result<Invoice, &'static str> {
    // Always the books first, then the holdings.
    let mut books = state.books.lock().unwrap();
    let Some(inv) = books.invoices.iter_mut().find(|i| i.id.eq_ignore_ascii_case(invoice_id)) else {
        return Err("Invalid InvoiceId.");
    };
    if inv.closed {
        return Err("Invoice is already closed.");
    }
    inv.closed = true;
    let closed = inv.clone();
    let data = invoice_closed_json(&state.org, &closed);
    state.packages.lock().unwrap().raise_event("Invoice", "Invoice.Closed", data, state.clock.now());
    Ok(closed)
}

/// `POST /_sandbox/invoices/{invoice_id}/close`: [`close`], answering the event's `data` shape
/// of the invoice, or 404 / 409 with `{"error": message}`.
pub(crate) async fn close_invoice(AxumState(state): AxumState<Arc<State>>, Path(invoice_id): Path<String>) -> Response {
    use axum::http::StatusCode;
    match close(&state, &invoice_id) {
        Ok(inv) => Json(invoice_closed_json(&state.org, &inv)).into_response(),
        Err(message) => {
            let status = if message.starts_with("Invalid") { StatusCode::NOT_FOUND } else { StatusCode::CONFLICT };
            (status, Json(json!({"error": message}))).into_response()
        }
    }
}
