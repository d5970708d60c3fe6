//! The guest-package endpoints: the list, benefits and history reads, and the package
//! redemption, whose refusals come from the holdings' rules (`Held::benefit_refusal`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::holdings::{Held, Holdings, PackageLedgerEntry, Use};
use super::wire::{benefit_json, center_ref, history_json, list_json, shared_json, use_json};
use crate::catalog::param;
use crate::data::therapist;
use crate::loyalty::{is_prepaid, redeemed_invoice_json, PREPAID_MESSAGE};
use crate::{business_error, State};

fn guest_exists(state: &State, guest_id: &str) -> bool {
    state.org.guests.iter().any(|g| g.id.eq_ignore_ascii_case(guest_id))
}

/// `GET /v1/guests/{guest_id}/packages?center_id=&status=&page_num=&page_size=`: every status
/// with `status=-1` (or without it), else that status only.
pub(crate) async fn list(
    AxumState(state): AxumState<Arc<State>>,
    Path(guest_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(center) = param(&query, "center_id").filter(|c| !c.is_empty()) else {
        return business_error(502, 502, "center_id is required.");
    };
    if state.org.center(center).is_none() {
        return business_error(502, 502, "Invalid CenterId.");
    }
    if !guest_exists(&state, &guest_id) {
        return business_error(502, 502, "Invalid GuestId.");
    }
    let page: usize = param(&query, "page_num").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let size: usize = param(&query, "page_size").and_then(|v| v.parse().ok()).unwrap_or(10);
    if size == 0 {
        return business_error(400, 400, "The request is invalid.");
    }
    let status: i64 = param(&query, "status").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let holdings = state.packages.lock().unwrap();
    let today = state.local_now(center).date();
    let all: Vec<&Held> = holdings
        .held
        .iter()
        .filter(|h| h.guest_id.eq_ignore_ascii_case(&guest_id))
        .filter(|h| status == -1 || h.status == status)
        .collect();
    let total = all.len();
    let packages: Vec<Value> =
        all.into_iter().skip((page - 1) * size).take(size).map(|h| list_json(&state.org, h, today)).collect();
    Json(json!({"packages": packages, "page_info": {"total": total, "page": page, "size": size}, "error": null}))
        .into_response()
}

fn held_of<'a>(holdings: &'a Holdings, guest_id: &str, user_package_id: &str) -> Option<&'a Held> {
    holdings.find(user_package_id).map(|i| &holdings.held[i]).filter(|h| h.guest_id.eq_ignore_ascii_case(guest_id))
}

/// `GET /v1/guests/{guest_id}/packages/{user_package_id}/benefits`. For a package that asks
/// for a code, this is when the guest is sent one (kept until a redemption uses it).
pub(crate) async fn benefits(
    AxumState(state): AxumState<Arc<State>>,
    Path((guest_id, package_id)): Path<(String, String)>,
) -> Response {
    let mut holdings = state.packages.lock().unwrap();
    let Some(h) = held_of(&holdings, &guest_id, &package_id).cloned() else {
        return business_error(502, 502, "Invalid UserPackageId.");
    };
    if h.otp_required && !holdings.otps.contains_key(&h.user_package_id) {
        let code = state.random_code();
        tracing::info!(package = %h.name, otp = %code, "sandbox: package OTP sent to the guest");
        holdings.otps.insert(h.user_package_id.clone(), code);
    }
    let list: Vec<Value> = h.benefits.iter().map(|b| benefit_json(&h, b)).collect();
    Json(json!({"benefits": list, "error": null})).into_response()
}

/// `GET /v1/guests/{guest_id}/packages/{user_package_id}/redemptions`.
pub(crate) async fn history(
    AxumState(state): AxumState<Arc<State>>,
    Path((guest_id, package_id)): Path<(String, String)>,
) -> Response {
    let holdings = state.packages.lock().unwrap();
    match held_of(&holdings, &guest_id, &package_id) {
        Some(h) => Json(history_json(&state.org, h)).into_response(),
        None => business_error(502, 502, "Invalid UserPackageId."),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct RedeemBody {
    center_id: Option<String>,
    guest_id: Option<String>,
    user_package_id: Option<String>,
    invoice_item_id: Option<String>,
    service_id: Option<String>,
    #[serde(default)]
    otp: Option<String>,
}

/// `POST /v1/invoices/{invoice_id}/redemptions/packages`: one session of a package's service,
/// paid on the invoice line of that service.
pub(crate) async fn redeem(
    AxumState(state): AxumState<Arc<State>>,
    Path(invoice_id): Path<String>,
    body: Option<Json<RedeemBody>>,
) -> Response {
    let Some(Json(body)) = body else {
        return business_error(400, 400, "The request is invalid.");
    };
    // Always the books first, then the holdings.
    let mut books = state.books.lock().unwrap();
    let mut holdings = state.packages.lock().unwrap();
    let Some(inv) = books.invoice(&invoice_id).cloned() else {
        return business_error(502, 502, "Invalid InvoiceId.");
    };
    if !body.center_id.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&inv.center_id)) {
        return business_error(502, 502, "Invalid CenterId.");
    }
    let guest_ok = body.guest_id.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(&inv.guest_id));
    let Some(index) = body.user_package_id.as_deref().and_then(|p| holdings.find(p)).filter(|_| guest_ok) else {
        return business_error(502, 502, "Invalid UserPackageId.");
    };
    if !holdings.held[index].guest_id.eq_ignore_ascii_case(&inv.guest_id) {
        return business_error(502, 502, "Invalid UserPackageId.");
    }
    if inv.closed {
        return business_error(502, 502, "Invoice is closed. Redemptions can be applied only to open invoices.");
    }
    // Read from each payment's `payment_name`.
    if inv.payments.iter().any(|p| is_prepaid(p.payment_name)) {
        return business_error(502, 502, PREPAID_MESSAGE);
    }
    let service = body.service_id.as_deref().unwrap_or("");
    let Some(item) = body
        .invoice_item_id
        .as_deref()
        .and_then(|i| inv.items.iter().find(|x| x.id.eq_ignore_ascii_case(i)))
        .filter(|x| x.service_id.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(service)))
        .cloned()
    else {
        return business_error(502, 502, "Invalid InvoiceItemId.");
    };
    if item.redeemed_by.is_some() {
        return business_error(502, 502, "Invoice item is already redeemed.");
    }
    let held = holdings.held[index].clone();
    let Some(benefit) = held.benefits.iter().find(|b| b.id.eq_ignore_ascii_case(service) && !b.product).cloned() else {
        return business_error(502, 502, "Service is not part of the package.");
    };
    let now = state.local_now(&inv.center_id);
    if let Some(refusal) = held.benefit_refusal(&benefit, now.date()) {
        return business_error(502, 502, refusal);
    }
    if held.otp_required {
        let given = body.otp.as_deref().map(str::trim).unwrap_or("");
        let sent = holdings.otps.get(&held.user_package_id).map(String::as_str);
        let override_code = books.otp_override(&inv.center_id);
        if given.is_empty() || (Some(given) != sent && Some(given) != override_code) {
            return business_error(502, 502, "Please enter a valid OTP.");
        }
    }
    if item.cents > inv.balance() {
        return business_error(502, 502, "The invoice item is already paid.");
    }

    // Apply: the line is paid by the package, the package records the use.
    let updated = {
        let target = books.invoices.iter_mut().find(|i| i.id == inv.id).expect("invoice exists");
        let line = target.items.iter_mut().find(|x| x.id == item.id).expect("item exists");
        line.redeemed_by = Some(held.user_package_id.clone());
        target.clone()
    };
    let the_use = Use {
        benefit_id: benefit.id.clone(),
        invoice_id: inv.id.clone(),
        invoice_no: inv.printed_number(),
        invoice_item_id: item.id.clone(),
        therapist: therapist(inv.items.iter().position(|x| x.id == item.id).unwrap_or(0)),
        center_id: inv.center_id.clone(),
        at: now,
        reversed_at: None,
    };
    let stored = &mut holdings.held[index];
    let started = stored.record(the_use.clone(), now);
    let stored = stored.clone();
    holdings.otps.remove(&stored.user_package_id);
    holdings.ledger.push(PackageLedgerEntry {
        user_package_id: stored.user_package_id.clone(),
        invoice_id: inv.id.clone(),
        invoice_item_id: item.id.clone(),
        service_id: benefit.id.clone(),
    });
    let redemption = use_json(&state.org, &stored, &the_use, now);
    let printed = inv.printed_number();
    let event_invoice = (inv.id.as_str(), printed.as_str(), 0);
    let mut data = shared_json(&state.org, &stored, event_invoice);
    data["service_redemptions"] = json!([redemption.clone()]);
    let stamp = state.clock.now();
    holdings.raise("GuestPackage.Redemption", data, stamp);
    if started {
        holdings.raise("GuestPackage.StatusUpdate", shared_json(&state.org, &stored, event_invoice), stamp);
    }
    Json(json!({
        "redemption": redemption,
        "benefit": benefit_json(&stored, &benefit),
        "invoice": redeemed_invoice_json(&updated),
        "error": null,
    }))
    .into_response()
}

pub(crate) async fn events(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(json!({"events": state.packages.lock().unwrap().events}))
}

pub(crate) async fn package_ledger(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(json!({"package_ledger": state.packages.lock().unwrap().ledger}))
}

/// Raises `count` synthetic `GuestPackage.StatusUpdate` events of seeded packages, in turn
/// (those sold at `center` when it has some), each with the package's shared fields and
/// `data.center` the package's center or `center`; delivered like every other event. Returns
/// the envelopes' ids, all distinct.
pub(crate) fn raise_status_updates(state: &State, count: usize, center: Option<&str>) -> Vec<String> {
    let mut holdings = state.packages.lock().unwrap();
    let at_center: Vec<usize> = match center {
        Some(c) => (0..holdings.held.len()).filter(|&i| holdings.held[i].center_id.eq_ignore_ascii_case(c)).collect(),
        None => Vec::new(),
    };
    let packages: Vec<usize> = if at_center.is_empty() { (0..holdings.held.len()).collect() } else { at_center };
    if packages.is_empty() {
        return Vec::new();
    }
    let stamp = state.clock.now();
    (0..count)
        .map(|k| {
            let h = &holdings.held[packages[k % packages.len()]];
            let mut data = shared_json(&state.org, h, (&h.sale_invoice.0, &h.sale_invoice.1, 1));
            if let Some(c) = center {
                data["center"] = center_ref(&state.org, c);
            }
            holdings.raise("GuestPackage.StatusUpdate", data, stamp)
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub(crate) struct RaiseBody {
    count: usize,
    #[serde(default)]
    center_id: Option<String>,
}

/// `POST /_sandbox/events/raise {"count": N, "center_id": optional}`: [`raise_status_updates`],
/// answering `{"ids": [...]}`.
pub(crate) async fn raise_events(AxumState(state): AxumState<Arc<State>>, Json(body): Json<RaiseBody>) -> Json<Value> {
    Json(json!({"ids": raise_status_updates(&state, body.count, body.center_id.as_deref())}))
}
