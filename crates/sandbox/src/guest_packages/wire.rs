//! Guests' packages as the sandbox writes them: the list, benefits and history answers and the
//! webhook events' `data`, all from one set of shared fields.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{json, Value};

use super::holdings::{Benefit, Held, Use};
use crate::data::Organization;
use crate::loyalty::SERVICES;
use crate::wire::{local_time_or_null, money};

pub(crate) fn center_ref(org: &Organization, id: &str) -> Value {
    json!({"id": id, "name": org.center(id).map(|c| c.center["name"].clone()).unwrap_or(Value::Null)})
}

/// The fields every guest-package event and list item share. `invoice` is the invoice of the
/// event (the sale invoice in the list).
pub(crate) fn shared_json(org: &Organization, h: &Held, invoice: (&str, &str, i64)) -> Value {
    let sessions_done = h.uses.iter().filter(|u| u.reversed_at.is_none()).count();
    json!({
        "user_package_id": h.user_package_id,
        "status": h.status,
        "user_package_state": h.state,
        "invoice": {"status": invoice.2, "receipt_no": null, "id": invoice.0, "no": invoice.1},
        "package": {"code": h.code, "is_OTP_required": h.otp_required, "type": 1, "id": h.package_id, "name": h.name},
        "purchase": {
            "price": {"currency_id": 148, "sales": money(h.price_cents), "tax": 0, "final": money(h.price_cents)},
            "date": local_time_or_null(Some(h.purchased)),
        },
        "date": {"start": local_time_or_null(h.start), "end": local_time_or_null(h.end), "end_date_with_grace": local_time_or_null(h.end_with_grace())},
        "schedule": {"completed_schedules": sessions_done, "next_schedule_date": local_time_or_null(h.next_schedule)},
        "center": center_ref(org, &h.center_id),
        "is_refunded": h.refunded,
        "sale_invoice": {"id": h.sale_invoice.0, "no": h.sale_invoice.1},
        "lookup_package_user_id": h.user_package_id,
        "start_validity_at_first_redemption": h.start_at_first_redemption,
        "never_expires": h.never_expires,
        "has_first_redemption": !h.uses.is_empty(),
        "expiration_days": h.expiration_days,
    })
}

/// A benefit's counts as the list writes them (`services[]`, `products[]`).
fn balance_json(h: &Held, b: &Benefit) -> Value {
    json!({
        "total": b.total, "used": h.used(&b.id), "balance": h.balance(b),
        "balance_amount": money(h.balance(b) * b.unit_cents),
    })
}

/// A package of the guest's list: the shared fields, whether it can be redeemed `today` (the
/// center's date) and the balances of its services and products.
pub(crate) fn list_json(org: &Organization, h: &Held, today: NaiveDate) -> Value {
    let mut v = shared_json(org, h, (&h.sale_invoice.0, &h.sale_invoice.1, 1));
    v["redeemable"] = json!(h.redeemable_on(today));
    v["services"] = h
        .benefits
        .iter()
        .filter(|b| !b.product)
        .map(|b| {
            let mut s = balance_json(h, b);
            s["service_type_info"] = json!({"service_category_type": 0, "id": b.id, "name": b.name, "duration": b.minutes, "has_segments": false});
            s["exists_in_current_center"] = json!(true);
            s["price"] = money(SERVICES.iter().find(|x| x.0 == b.name).map_or(0, |x| x.1));
            s["package_service_price"] = money(b.unit_cents);
            s["sale_as_part_of_package_or_membership_only"] = json!(false);
            s["book_with_partial_balance"] = json!(false);
            s
        })
        .collect();
    v["products"] = h
        .benefits
        .iter()
        .filter(|b| b.product)
        .map(|b| {
            let mut p = balance_json(h, b);
            p["product_type_info"] = json!({"id": b.id, "name": b.name, "product_category_type": 1});
            p
        })
        .collect();
    v
}

/// A benefit as the benefits answer and a redemption's answer write it.
pub(crate) fn benefit_json(h: &Held, b: &Benefit) -> Value {
    json!({
        "item": {"id": b.id, "name": b.name, "type": if b.product { "Product" } else { "Service" }},
        "total": b.total, "redeemed": h.used(&b.id), "transferred": b.transferred, "refunded": b.refunded,
        "balance": h.balance(b), "balance_amount": money(h.balance(b) * b.unit_cents),
    })
}

pub(crate) fn use_json(org: &Organization, h: &Held, u: &Use, at: NaiveDateTime) -> Value {
    let b = h.benefits.iter().find(|b| b.id == u.benefit_id);
    let name = b.map(|b| b.name.clone());
    let mut v = json!({
        "invoice": {"status": 1, "id": u.invoice_id, "no": u.invoice_no, "item_id": u.invoice_item_id},
        "therapist": {"id": u.therapist.0, "name": u.therapist.1},
        // As Zenoti sends it: a space, and milliseconds.
        "usage_date": at.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        "center": center_ref(org, &u.center_id),
    });
    if b.is_some_and(|b| b.product) {
        v["product"] = json!({"id": u.benefit_id, "name": name});
        v["product_type_info"] = json!({"id": u.benefit_id, "name": name, "product_category_type": 1});
    } else {
        v["service"] = json!({"id": u.benefit_id, "name": name});
        v["service_type_info"] = json!({"service_category_type": 0, "id": u.benefit_id, "name": name,
            "duration": b.map(|b| b.minutes), "has_segments": false});
    }
    v
}

fn is_product(h: &Held, u: &Use) -> bool {
    h.benefits.iter().any(|b| b.id == u.benefit_id && b.product)
}

pub(crate) fn history_json(org: &Organization, h: &Held) -> Value {
    let list = |product: bool, reversal: bool| -> Vec<Value> {
        h.uses
            .iter()
            .filter(|u| is_product(h, u) == product)
            .filter_map(|u| if reversal { u.reversed_at.map(|r| (u, r)) } else { Some((u, u.at)) })
            .map(|(u, at)| use_json(org, h, u, at))
            .collect()
    };
    json!({
        "service_redemptions": list(false, false),
        "product_redemptions": list(true, false),
        "service_redemptions_reversal": list(false, true),
        "product_redemptions_reversal": list(true, true),
        "error": null,
    })
}
