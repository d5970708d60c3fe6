//! Invoices and loyalty points: the books the sandbox keeps, and the endpoints that read and
//! change them. Every documented redemption error comes from the rule the docs describe.
//!
//! UNKNOWN in the docs, and our reading (the client reads the same): the inner fields of the
//! redemption response (`payment`, `redemptions`, `invoice`), of invoice transactions, the
//! `search_type` of the open-invoice lookup, and the error for a closed invoice.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::catalog::param;
use crate::data::Organization;
use crate::{business_error, State};

pub const PREPAID_MESSAGE: &str = "Redemptions cannot be applied once a payment is made using a pre-paid instrument such as membership, gift card, pre-paid card or loyalty points. To continue with redemption, you must first remove these payments.";

/// A loyalty program: its value and its per-invoice rules.
#[derive(Debug, Clone)]
pub struct Program {
    pub id: String,
    pub name: String,
    /// Cents that 100 points are worth.
    pub cents_per_100_points: i64,
    pub max_points_per_invoice: i64,
    pub increment: i64,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub name: String,
    /// `Service`, `Product`, `GiftCard`, …
    pub kind: &'static str,
    pub cents: i64,
    /// The service sold on this line, for services.
    pub service_id: Option<String>,
    /// The guest's package that paid for this line, once a session is redeemed on it.
    pub redeemed_by: Option<String>,
}

impl Item {
    /// What the line costs: nothing once a package session pays for it.
    pub fn charged(&self) -> i64 {
        if self.redeemed_by.is_some() {
            0
        } else {
            self.cents
        }
    }
}

/// The services the sandbox's invoices sell and its guests' packages hold: name, price in
/// cents, minutes.
pub const SERVICES: [(&str, i64, i64); 5] = [
    ("Swedish Massage", 12000, 60),
    ("Signature Facial", 9500, 50),
    ("Gel Manicure", 4500, 45),
    ("Blowout", 5500, 30),
    ("Laser Hair Removal", 15000, 30),
];

pub fn service_id(index: usize) -> String {
    hex_id(index as u64 + 1, 0x5e7c)
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: String,
    pub option: &'static str,
    pub cents: i64,
    pub points: i64,
    pub program_id: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: String,
    pub number: String,
    pub center_id: String,
    pub guest_id: String,
    pub closed: bool,
    pub items: Vec<Item>,
    pub payments: Vec<Payment>,
    pub date: String,
}

impl Invoice {
    pub fn total(&self) -> i64 {
        self.items.iter().map(Item::charged).sum()
    }
    pub fn paid(&self) -> i64 {
        self.payments.iter().map(|p| p.cents).sum()
    }
    pub fn balance(&self) -> i64 {
        self.total() - self.paid()
    }
}

/// One applied redemption, as the sandbox's ledger records it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LedgerEntry {
    pub payment_id: String,
    pub invoice_id: String,
    pub guest_id: String,
    pub program_id: String,
    pub points: i64,
    pub cents: i64,
}

pub struct Books {
    pub programs: Vec<Program>,
    /// Points per (guest, program).
    pub balances: HashMap<(String, String), i64>,
    /// Guests whose tier may not redeem.
    pub non_redeemable: Vec<String>,
    pub invoices: Vec<Invoice>,
    pub ledger: Vec<LedgerEntry>,
    /// Centers that require an OTP, with their override code.
    pub otp_centers: HashMap<String, String>,
    /// The last OTP sent per invoice (Zenoti texts it to the guest; the sandbox shows it).
    pub otps: HashMap<String, String>,
    /// The organization allows paying with points at all.
    pub redemption_allowed: bool,
    pub(crate) next_id: u64,
}

pub(crate) fn hex_id(n: u64, tag: u32) -> String {
    format!("{tag:08x}-0000-4000-8000-{n:012x}")
}

impl Books {
    pub fn new(org: &Organization, seed: u64) -> Books {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed_1017);
        let programs = vec![
            Program {
                id: hex_id(1, 0x10a1),
                name: "Serenity Rewards".into(),
                cents_per_100_points: 1000,
                max_points_per_invoice: 5000,
                increment: 10,
            },
            Program {
                id: hex_id(2, 0x10a1),
                name: "Glow Club".into(),
                cents_per_100_points: 500,
                max_points_per_invoice: 3000,
                increment: 3,
            },
        ];
        let mut balances = HashMap::new();
        let mut non_redeemable = Vec::new();
        for (i, guest) in org.guests.iter().enumerate() {
            // Guests are spread over the centers round-robin: vary balances within each center.
            balances.insert((guest.id.clone(), programs[0].id.clone()), [6430, 1200, 250, 80][(i / 4) % 4]);
            if (i / 4) % 2 == 0 {
                balances.insert((guest.id.clone(), programs[1].id.clone()), [900, 3000, 45][i % 3]);
            }
        }
        let today = chrono::Utc::now().format("%Y-%m-%dT10:00:00").to_string();
        let mut invoices = Vec::new();
        let mut n = 0u64;
        for (c, center) in org.centers.iter().enumerate().take(3) {
            let guests_here: Vec<&crate::data::Guest> =
                org.guests.iter().filter(|g| g.json["center_id"] == center.id.as_str()).collect();
            // The center's last guest is in a tier that may not redeem; the others may.
            let (tier_guest, regulars) = match guests_here.split_last() {
                Some((last, rest)) if !rest.is_empty() => (*last, rest.to_vec()),
                _ => (&org.guests[0], vec![&org.guests[0]]),
            };
            non_redeemable.push(tier_guest.id.clone());
            for k in 0..10usize {
                n += 1;
                let guest = if k == 9 { tier_guest } else { regulars[k % regulars.len()] };
                let mut items: Vec<Item> = (0..1 + rng.usize(..3))
                    .map(|j| {
                        let s = (k + j) % 4;
                        let (name, cents, _) = SERVICES[s];
                        Item {
                            id: hex_id(n * 10 + j as u64, 0x17e3),
                            name: name.into(),
                            kind: "Service",
                            cents,
                            service_id: Some(service_id(s)),
                            redeemed_by: None,
                        }
                    })
                    .collect();
                if k == 8 {
                    items = vec![Item {
                        id: hex_id(n * 10, 0x17e3),
                        name: "Gift card $100".into(),
                        kind: "GiftCard",
                        cents: 10000,
                        service_id: None,
                        redeemed_by: None,
                    }];
                }
                let mut invoice = Invoice {
                    id: hex_id(n, 0x1e7a),
                    number: format!("{}{}", ["SDS", "SMS", "SSH"][c], 16670 + n),
                    center_id: center.id.clone(),
                    guest_id: guest.id.clone(),
                    closed: k == 6,
                    items,
                    payments: Vec::new(),
                    date: today.clone(),
                };
                if k == 6 {
                    let cents = invoice.total();
                    invoice.payments.push(Payment {
                        id: hex_id(n, 0x9a7),
                        option: "Card",
                        cents,
                        points: 0,
                        program_id: None,
                        at: today.clone(),
                    });
                }
                if k == 7 {
                    invoice.payments.push(Payment {
                        id: hex_id(n, 0x9a7),
                        option: "Gift Card",
                        cents: 2000,
                        points: 0,
                        program_id: None,
                        at: today.clone(),
                    });
                }
                invoices.push(invoice);
            }
        }
        let otp_centers = org.centers.first().map(|c| (c.id.clone(), "246810".to_owned())).into_iter().collect();
        Books {
            programs,
            balances,
            non_redeemable,
            invoices,
            ledger: Vec::new(),
            otp_centers,
            otps: HashMap::new(),
            redemption_allowed: true,
            next_id: 1,
        }
    }

    pub(crate) fn invoice(&self, id: &str) -> Option<&Invoice> {
        self.invoices.iter().find(|i| i.id.eq_ignore_ascii_case(id))
    }

    fn program(&self, id: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.id.eq_ignore_ascii_case(id))
    }

    fn points(&self, guest: &str, program: &str) -> i64 {
        self.balances.get(&(guest.to_owned(), program.to_owned())).copied().unwrap_or(0)
    }

    fn guest_programs(&self, guest: &str) -> Vec<&Program> {
        self.programs.iter().filter(|p| self.balances.contains_key(&(guest.to_owned(), p.id.clone()))).collect()
    }
}

pub(crate) fn money(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

fn amount_for(program: &Program, points: i64) -> i64 {
    points * program.cents_per_100_points / 100
}

pub(crate) fn invoice_json(org: &Organization, books: &Books, inv: &Invoice) -> Value {
    let guest = org.guests.iter().find(|g| g.id == inv.guest_id).map(|g| &g.json);
    let info = guest.map(|g| &g["personal_info"]);
    json!({
        "id": inv.id,
        "invoice_number": inv.number,
        "receipt_number": if inv.closed { json!(format!("R{}", &inv.number[3..])) } else { Value::Null },
        "center_id": inv.center_id,
        "invoice_date": inv.date,
        "is_closed": inv.closed,
        "lock": inv.closed,
        "is_refund": false,
        "has_redemptions": inv.payments.iter().any(|p| p.points > 0) || inv.items.iter().any(|i| i.redeemed_by.is_some()),
        "guest": {
            "id": inv.guest_id,
            "first_name": info.map(|i| i["first_name"].clone()),
            "last_name": info.map(|i| i["last_name"].clone()),
            "code": guest.map(|g| g["code"].clone()),
            "mobile_phone": info.map(|i| i["mobile_phone"]["number"].clone()),
        },
        "total_price": {"currency_id": 148, "net_price": money(inv.total()), "tax": 0, "sum_total": money(inv.total())},
        "invoice_dues": {"total": money(inv.total()), "paid": money(inv.paid()), "balance": money(inv.balance())},
        "invoice_items": inv.items.iter().map(|i| json!({
            "invoice_item_id": i.id, "id": i.id, "name": i.name, "type": i.kind,
            "item": {"id": i.service_id, "name": i.name},
            "price": {"currency_id": 148, "sales": money(i.cents), "tax": 0, "final": money(i.charged()), "discount": money(i.cents - i.charged())},
            "quantity": 1,
            "package_redemption": i.redeemed_by.as_ref().map(|id| json!({"user_package_id": id})),
        })).collect::<Vec<_>>(),
        "transactions": inv.payments.iter().map(|p| json!({
            "id": p.id, "payment_option": p.option, "amount": money(p.cents), "points": p.points,
            "program_id": p.program_id, "date": p.at,
        })).collect::<Vec<_>>(),
        "otp_required": books.otp_centers.contains_key(&inv.center_id),
    })
}

pub(crate) async fn get_invoice(AxumState(state): AxumState<Arc<State>>, Path(id): Path<String>) -> Response {
    let books = state.books.lock().unwrap();
    match books.invoice(&id) {
        Some(inv) => Json(json!({"invoice": invoice_json(&state.org, &books, inv), "error": null})).into_response(),
        None => business_error(502, 502, "Invalid InvoiceId."),
    }
}

/// Without `search_type`: today's invoices of the center. With it: those whose number contains
/// `search_text` (our reading of "search by invoice number").
pub(crate) async fn center_invoices(
    AxumState(state): AxumState<Arc<State>>,
    Path(center_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if state.org.center(&center_id).is_none() {
        return business_error(502, 502, "invalid center_id.");
    }
    let books = state.books.lock().unwrap();
    let text = param(&query, "search_text").map(str::to_lowercase);
    let searching = param(&query, "search_type").is_some();
    // Today on the seeding clock (UTC): older invoices (package sales, past visits) are found
    // by number only.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let list: Vec<Value> = books
        .invoices
        .iter()
        .filter(|i| i.center_id.eq_ignore_ascii_case(&center_id))
        .filter(|i| if searching { text.as_deref().is_some_and(|t| i.number.to_lowercase().contains(t)) } else { i.date.starts_with(&today) })
        .map(|i| {
            let guest = state.org.guests.iter().find(|g| g.id == i.guest_id).map(|g| &g.json["personal_info"]);
            json!({
                "invoice_id": i.id,
                "invoice_no": i.number,
                "name": guest.map(|g| format!("{} {}", g["first_name"].as_str().unwrap_or(""), g["last_name"].as_str().unwrap_or(""))),
                "mobile_phone": guest.map(|g| g["mobile_phone"]["number"].clone()),
                "sale_date": i.date,
                "final_price": money(i.total()),
                "user_id": i.guest_id,
                "is_closed": i.closed,
            })
        })
        .collect();
    let key = if searching { "invoices" } else { "todays_invoices" };
    Json(json!({key: list, "error": null})).into_response()
}

/// `GET /v1/guests/{invoice_id}/payments/loyalty_points/redeemable` (the docs put an invoice id
/// under `guests`). At a center that requires an OTP, this is when the guest is sent one.
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
    let programs: Vec<Program> = books
        .guest_programs(&inv.guest_id)
        .into_iter()
        .filter(|p| across || only.as_deref().is_none_or(|id| p.id.eq_ignore_ascii_case(id)))
        .cloned()
        .collect();
    let total_points: i64 = programs.iter().map(|p| books.points(&inv.guest_id, &p.id)).sum();
    let total_cents: i64 = programs.iter().map(|p| amount_for(p, books.points(&inv.guest_id, &p.id))).sum();
    // What can go on this invoice: each program in turn, within its balance, its maximum and
    // its steps, until the balance due is covered.
    let (mut redeemable_points, mut redeemable_cents) = (0i64, 0i64);
    for p in &programs {
        let due_points = (inv.balance().max(0) - redeemable_cents) * 100 / p.cents_per_100_points;
        let take = books.points(&inv.guest_id, &p.id).min(p.max_points_per_invoice).min(due_points);
        let take = take - take % p.increment;
        redeemable_points += take;
        redeemable_cents += amount_for(p, take);
    }
    // The guest is sent a code when the invoice's points are first read; reading them again
    // (as the app does right before paying) keeps that code until a redemption uses it.
    if books.otp_centers.contains_key(&inv.center_id) && !inv.closed && !books.otps.contains_key(&inv.id) {
        let code = format!("{:06}", fastrand::u32(..1_000_000));
        tracing::info!(invoice = %inv.number, otp = %code, "sandbox: OTP sent to the guest");
        books.otps.insert(inv.id.clone(), code);
    }
    let list: Vec<Value> = programs
        .iter()
        .map(|p| {
            let points = books.points(&inv.guest_id, &p.id);
            json!({
                "id": p.id, "name": p.name,
                "points": {"earned": points, "available": points, "redeemable": points.min(p.max_points_per_invoice)},
                "exchange_rate": p.cents_per_100_points as f64 / 10_000.0,
                "max_points_per_invoice": p.max_points_per_invoice,
                "increment": p.increment,
            })
        })
        .collect();
    let rate = programs.first().map(|p| p.cents_per_100_points as f64 / 10_000.0).unwrap_or(0.0);
    Json(json!({
        "lp_redeemable": {
            "points": redeemable_points,
            "amount": money(redeemable_cents),
            "loyalty_programs": list,
            "total_available_points": total_points,
            "total_available_amount": money(total_cents),
            "exchange_rate": rate,
        },
        "otp_required": books.otp_centers.contains_key(&inv.center_id),
        "error": null,
    }))
    .into_response()
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
    if books.non_redeemable.contains(&inv.guest_id) {
        return business_error(502, 502, "Can't redeem points as the guest is in non redeemable tier.");
    }
    if inv.closed {
        return business_error(502, 502, "Invoice is closed. Redemptions can be applied only to open invoices.");
    }
    if inv.payments.iter().any(|p| p.option == "Gift Card" || p.option == "Membership" || p.option == "Prepaid Card") {
        return business_error(502, 502, PREPAID_MESSAGE);
    }
    if !inv.items.iter().any(|i| i.kind == "Service" || i.kind == "Product") {
        return business_error(502, 502, "Loyalty points can not be used to redeem any item in the invoice.");
    }
    let balance: i64 = if across {
        books.guest_programs(&inv.guest_id).iter().map(|p| books.points(&inv.guest_id, &p.id)).sum()
    } else {
        books.points(&inv.guest_id, &program.id)
    };
    if points > balance {
        return business_error(
            502,
            502,
            &format!("Points to redeem can not be more than the Points Balance. Current balance: {balance}."),
        );
    }
    if points > program.max_points_per_invoice {
        return business_error(
            502,
            502,
            &format!(
                "Points to redeem can not be more than the Maximum points allowed for redemption. Max points to redeem: {}.00.",
                program.max_points_per_invoice
            ),
        );
    }
    if points % program.increment != 0 {
        return business_error(
            502,
            502,
            &format!("Points to redeem should be in the multiples of {}.", program.increment),
        );
    }
    if let Some(override_code) = books.otp_centers.get(&inv.center_id) {
        let given = body.otp.as_deref().map(str::trim).unwrap_or("");
        let sent = books.otps.get(&inv.id).map(String::as_str);
        if given.is_empty() || (given != override_code && Some(given) != sent) {
            return business_error(502, 502, "Please enter a valid OTP.");
        }
    }
    let cents = amount_for(&program, points);
    if cents > inv.balance() {
        return business_error(502, 502, "Balance Insufficient.");
    }
    // Apply: the guest's points go down, the invoice gets a payment, the ledger an entry.
    let _ = &body.cash_register_id;
    let id = books.next_id;
    books.next_id += 1;
    let payment_id = hex_id(id, 0x7a1d);
    let key = (inv.guest_id.clone(), program.id.clone());
    *books.balances.entry(key).or_default() -= points;
    // Business times are the center's wall-clock time, without an offset.
    let now = state.org.center(&inv.center_id).map(|c| c.local_now()).unwrap_or_default();
    let payment = Payment {
        id: payment_id.clone(),
        option: "Loyalty Points",
        cents,
        points,
        program_id: Some(program.id.clone()),
        at: now.clone(),
    };
    let updated = {
        let target = books.invoices.iter_mut().find(|i| i.id == inv.id).unwrap();
        target.payments.push(payment);
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
    Json(json!({
        "payment": {"id": payment_id, "payment_option": "Loyalty Points", "amount": money(cents), "points": points, "date": now},
        "redemptions": {"program_id": program.id, "program_name": program.name, "points": points, "amount": money(cents), "balance_points": left},
        "invoice": {"id": updated.id, "invoice_number": updated.number, "balance": money(updated.balance())},
        "error": null,
    }))
    .into_response()
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
        .map(|e| json!({"invoice_no": inv.number, "receipt_no": null, "points": e.points, "amount": money(e.cents), "payment_id": e.payment_id}))
        .collect();
    Json(json!({"redeemed_points": entries, "error": null})).into_response()
}

pub(crate) async fn ledger(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    let books = state.books.lock().unwrap();
    Json(json!({"ledger": books.ledger, "otps": books.otps, "override_codes": books.otp_centers}))
}
