//! Invoices, payments and loyalty answers as Zenoti writes them: the keys and JSON types of the
//! recorded invoice (`dump-invoice-detail.json`).

use serde_json::{json, Value};

use super::books::{service_index, Invoice, ItemType, Payment, Program, CARD, PAYMENT_OPTIONS, SERVICES};
use crate::data::Organization;
use crate::wire::{derived_id, hex_id, local_time, money, parse_local_time};

/// A payment as Zenoti writes it: an invoice's `transactions[]`, and the `payment` of a
/// loyalty redemption's answer.
pub(crate) fn payment_json(p: &Payment) -> Value {
    let (name, mode, tag) =
        PAYMENT_OPTIONS.iter().copied().find(|o| o.0 == p.payment_name).unwrap_or((p.payment_name, 0, 0));
    json!({
        "payment_option": {
            "id": hex_id(1, tag),
            "payment_mode": mode,
            "payment_name": name,
            "card_number": if name == CARD { "XXXXXXXXXXXX4242" } else { "" },
            "additional_data": null,
        },
        "total_amount_paid": money(p.cents),
        "amount_paid": money(p.cents),
        "tip_amount": 0,
        "ssg_amount": 0,
        "donation_amount": 0,
        "fee_amount": 0,
        "cash_back_amount": 0,
        "transaction_id": p.id,
        "payment_date": p.at,
        "cash_regester_id": p.cash_register_id,
        "gst_sequences": [],
    })
}

/// `GET /v1/invoices/{id}`'s `invoice`, with the keys and JSON types of the recorded answer, and
/// one extension on a line: `package_redemption{user_package_id}` (or null) once a package
/// session pays for it (UNKNOWN: how Zenoti marks such a line).
pub(crate) fn invoice_json(org: &Organization, inv: &Invoice) -> Value {
    let guest = org.guests.iter().find(|g| g.id.eq_ignore_ascii_case(&inv.guest_id)).map(|g| &g.json);
    let info = guest.map(|g| &g["personal_info"]);
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
    let currency = org.center(&inv.center_id).map_or(148, |c| c.currency_id);
    let items: Vec<Value> = inv
        .items
        .iter()
        .enumerate()
        .map(|(j, i)| {
            let (therapist_id, therapist_name) = crate::data::therapist(j);
            json!({
                "invoice_item_id": i.id,
                "id": i.service_id,
                "name": i.name,
                "type": i.kind.code(),
                // UNKNOWN: the recorded lines (a service, a package) send null.
                "is_giftcard": (i.kind == ItemType::GiftCard).then_some(true),
                "code": i.code,
                "price": {
                    "currency_id": currency,
                    "sales": money(i.cents),
                    "tax": 0,
                    "final": money(i.charged()),
                    "discount": money(i.cents - i.charged()),
                },
                "quantity": 1,
                "sale_by_id": therapist_id,
                "therapist_name": therapist_name,
                "sac": "",
                "package_redemption": i.redeemed_by.as_ref().map(|id| json!({"user_package_id": id})),
            })
        })
        .collect();
    // Each service line was an appointment, one after the other from the invoice's time.
    let start = parse_local_time(&inv.date);
    let mut at = start;
    let appointments: Vec<Value> = inv
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind == ItemType::Service)
        .map(|(j, i)| {
            let minutes = i.service_id.as_deref().and_then(service_index).map_or(30, |s| SERVICES[s].2);
            let begin = at;
            let end = begin.map(|t| t + chrono::Duration::minutes(minutes));
            at = end;
            let time = |t: Option<chrono::NaiveDateTime>| t.map(local_time);
            let (therapist_id, therapist_name) = crate::data::therapist(j);
            json!({
                "id": derived_id(&i.id, 0xa990),
                "invoice_item_id": i.id,
                "service_name": i.name,
                "service_id": i.service_id,
                "start_time": time(begin),
                "end_time": time(end),
                // Zenoti's spelling.
                "serviceduration_in_miutes": minutes,
                "has_add_ons": false,
                "is_add_on": false,
                "therapist_name": therapist_name,
                // Zenoti's case.
                "TherapistId": therapist_id,
                "package_id": null,
                "is_recurring": false,
                "cart_item_id": null,
                "appointment_type": 0,
                "therapist_request_type": 0,
                "room_id": null,
                "room_name": format!("Room {}", 1 + j % 4),
                "equipment_id": null,
                "equipment_name": "",
            })
        })
        .collect();
    json!({
        "group_invoice_id": null,
        "id": inv.id,
        "invoice_number": inv.number,
        "invoice_number_prefix": inv.number_prefix,
        "receipt_number": inv.receipt_number(),
        "appointment_group_id": derived_id(&inv.id, 0xa99c),
        "lock": inv.closed,
        "is_closed": inv.closed,
        "is_refund": false,
        "invoice_date": inv.date,
        "has_redemptions": inv.payments.iter().any(|p| p.points > 0) || inv.items.iter().any(|i| i.redeemed_by.is_some()),
        "center_id": inv.center_id,
        "gstin": "",
        "gst_sequence": {"prefix": "", "number": ""},
        "invoice_dues": {"total": money(inv.total()), "paid": money(inv.paid()), "balance": money(inv.balance())},
        "environmental_fee": {"total": 0, "paid": 0, "balance": 0},
        "total_price": {
            "currency_id": currency,
            "net_price": money(inv.total()),
            "tax": 0,
            "rounding_adjustment": 0,
            "sum_total": money(inv.total()),
        },
        "guest": {
            "id": inv.guest_id,
            "first_name": text(info.map(|i| &i["first_name"])),
            "last_name": text(info.map(|i| &i["last_name"])),
            "gender": info.map_or(Value::Null, |i| i["gender"].clone()),
            "code": text(guest.map(|g| &g["code"])),
            // A string here (an object in the guest endpoints).
            "mobile_phone": info.and_then(|i| i["mobile_phone"]["number"].as_str()).map(|n| format!("+1 {n}")),
            "email": info.map_or(Value::Null, |i| i["email"].clone()),
        },
        "invoice_items": items,
        "appointments": appointments,
        "transactions": inv.payments.iter().map(payment_json).collect::<Vec<_>>(),
        "additional_fields": [],
    })
}

/// The `data` of an `Invoice.Closed` webhook event, in the documented shape as far as the
/// sandbox knows it: the invoice's `id`, `invoice_number`, `center_id`, `guest`, `total_price`
/// and `items` (its lines, as the invoice answer writes them), with its date and receipt number.
pub(crate) fn invoice_closed_json(org: &Organization, inv: &Invoice) -> Value {
    let full = invoice_json(org, inv);
    json!({
        "id": inv.id,
        "invoice_number": inv.number,
        "invoice_number_prefix": inv.number_prefix,
        "receipt_number": inv.receipt_number(),
        "invoice_date": inv.date,
        "center_id": inv.center_id,
        "guest": full["guest"],
        "total_price": full["total_price"],
        "items": full["invoice_items"],
    })
}

/// An invoice as the center's invoice lists show it.
pub(crate) fn invoice_summary_json(org: &Organization, inv: &Invoice) -> Value {
    let guest = org.guests.iter().find(|g| g.id.eq_ignore_ascii_case(&inv.guest_id)).map(|g| &g.json["personal_info"]);
    json!({
        "invoice_id": inv.id,
        // UNKNOWN: whether the list prints the prefix; ours does ("SDS16671").
        "invoice_no": inv.printed_number(),
        "name": guest.map(|g| format!("{} {}", g["first_name"].as_str().unwrap_or(""), g["last_name"].as_str().unwrap_or(""))),
        "mobile_phone": guest.map(|g| g["mobile_phone"]["number"].clone()),
        "sale_date": inv.date,
        "final_price": money(inv.total()),
        "user_id": inv.guest_id,
        "is_closed": inv.closed,
    })
}

/// Money per point, as the redeemable answer writes a program's rate.
fn exchange_rate(program: &Program) -> f64 {
    program.cents_per_100_points as f64 / 10_000.0
}

/// A program of the redeemable answer, with the guest's `points` in it.
pub(crate) fn program_json(program: &Program, points: i64) -> Value {
    json!({
        "id": program.id, "name": program.name,
        "points": {"earned": points, "available": points, "redeemable": points.min(program.max_points_per_invoice)},
        "exchange_rate": exchange_rate(program),
        "max_points_per_invoice": program.max_points_per_invoice,
        "increment": program.increment,
    })
}

/// What can be redeemed on an invoice: `programs` with the guest's points in each, what can go
/// on this invoice (`points`, worth `cents`) and in all (`total_points`, worth `total_cents`).
pub(crate) struct RedeemableAnswer<'a> {
    pub programs: Vec<(&'a Program, i64)>,
    pub points: i64,
    pub cents: i64,
    pub total_points: i64,
    pub total_cents: i64,
    pub otp_required: bool,
}

pub(crate) fn redeemable_json(answer: &RedeemableAnswer) -> Value {
    let rate = answer.programs.first().map_or(0.0, |(p, _)| exchange_rate(p));
    json!({
        "lp_redeemable": {
            "points": answer.points,
            "amount": money(answer.cents),
            "loyalty_programs": answer.programs.iter().map(|(p, points)| program_json(p, *points)).collect::<Vec<_>>(),
            "total_available_points": answer.total_points,
            "total_available_amount": money(answer.total_cents),
            "exchange_rate": rate,
        },
        "otp_required": answer.otp_required,
        "error": null,
    })
}

/// The answer of a points redemption: the payment it added, what it redeemed (`left` points
/// stay in the program) and the invoice's new balance.
pub(crate) fn redemption_json(payment: &Payment, program: &Program, left: i64, invoice: &Invoice) -> Value {
    json!({
        "payment": payment_json(payment),
        "redemptions": {
            "program_id": program.id, "program_name": program.name, "points": payment.points,
            "amount": money(payment.cents), "balance_points": left,
        },
        "invoice": redeemed_invoice_json(invoice),
        "error": null,
    })
}

/// The invoice a redemption (of points or a package session) answers with: its new balance.
pub(crate) fn redeemed_invoice_json(invoice: &Invoice) -> Value {
    json!({"id": invoice.id, "invoice_number": invoice.number, "balance": money(invoice.balance())})
}

/// One of the guest's redemptions on an invoice, as the points history lists it.
pub(crate) fn redeemed_points_json(invoice: &Invoice, entry: &super::books::LedgerEntry) -> Value {
    json!({"invoice_no": invoice.printed_number(), "receipt_no": null, "points": entry.points,
        "amount": money(entry.cents), "payment_id": entry.payment_id})
}
