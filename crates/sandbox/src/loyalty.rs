//! Invoices and loyalty points: the books the sandbox keeps, and the endpoints that read and
//! change them. Every documented redemption error comes from the rule the docs describe.
//!
//! The invoice answers in the recorded wire format (`dump-invoice-detail.json`). UNKNOWN in the
//! docs, and our reading (the client reads the same): the inner fields of the redemption
//! response (`payment` in the shape of an invoice transaction, `redemptions`, `invoice`), the
//! `type` integers of lines other than services and packages ([`ItemType::code`]), the payment
//! options other than cash ([`PAYMENT_OPTIONS`]), the `search_type` of the open-invoice lookup,
//! and the error for a closed invoice.

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

/// What an invoice line sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemType {
    Service,
    Product,
    Membership,
    Package,
    GiftCard,
    PrepaidCard,
}

impl ItemType {
    /// The line's `type` on the wire. UNKNOWN beyond the recorded invoice, which shows a service
    /// as 0 and a class pack (a package) as 4: the other integers are our reading, and the
    /// client reads the same ones. This is the only place the sandbox maps them.
    pub fn code(self) -> i64 {
        match self {
            ItemType::Service => 0,
            ItemType::Product => 2,
            ItemType::Membership => 3,
            ItemType::Package => 4,
            ItemType::GiftCard => 5,
            ItemType::PrepaidCard => 6,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ItemType::Service => "Service",
            ItemType::Product => "Product",
            ItemType::Membership => "Membership",
            ItemType::Package => "Package",
            ItemType::GiftCard => "GiftCard",
            ItemType::PrepaidCard => "PrepaidCard",
        }
    }
}

/// `item.kind == "Service"` reads as before the kinds were a type.
impl PartialEq<&str> for ItemType {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// An invoice line. On the wire, `invoice_item_id` is the line ([`Item::id`]) and `id` what it
/// sells ([`Item::service_id`]).
#[derive(Debug, Clone)]
pub struct Item {
    /// The line: `invoice_item_id` on the wire, what a package redemption names.
    pub id: String,
    pub name: String,
    pub kind: ItemType,
    /// The line's `code` (the code of what it sells).
    pub code: String,
    pub cents: i64,
    /// What the line sells (a service, product, package or gift card): the line's `id` on the
    /// wire. Named for the services most lines sell.
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

    /// A line selling service `index` of [`SERVICES`].
    pub fn service(id: String, index: usize) -> Item {
        let (name, cents, _, code) = SERVICES[index];
        Item {
            id,
            name: name.into(),
            kind: ItemType::Service,
            code: code.into(),
            cents,
            service_id: Some(service_id(index)),
            redeemed_by: None,
        }
    }
}

/// The services the sandbox's invoices sell and its guests' packages hold: name, price in
/// cents, minutes, code.
pub const SERVICES: [(&str, i64, i64, &str); 5] = [
    ("Swedish Massage", 12000, 60, "SWM60"),
    ("Signature Facial", 9500, 50, "SGF50"),
    ("Gel Manicure", 4500, 45, "GLM45"),
    ("Blowout", 5500, 30, "BLO30"),
    ("Laser Hair Removal", 15000, 30, "LHR30"),
];

pub fn service_id(index: usize) -> String {
    hex_id(index as u64 + 1, 0x5e7c)
}

/// The index in [`SERVICES`] of the service with this id, in any letter case.
pub fn service_index(id: &str) -> Option<usize> {
    (0..SERVICES.len()).find(|&s| service_id(s).eq_ignore_ascii_case(id))
}

/// The payment option names the sandbox's payments use (`payment_option.payment_name`).
pub const CARD: &str = "Card";
pub const GIFT_CARD: &str = "Gift Card";
pub const MEMBERSHIP: &str = "Membership";
pub const PREPAID_CARD: &str = "Prepaid Card";
/// UNKNOWN: the name (and mode) Zenoti gives the payment a loyalty redemption adds; no
/// recorded answer shows one. Ours, in [`PAYMENT_OPTIONS`] with the others.
pub const LOYALTY_POINTS: &str = "Loyalty Points";

/// Every payment option of the sandbox: `payment_name`, `payment_mode`, and the tag of its id.
/// UNKNOWN beyond the recorded invoice, which shows one cash payment ("CASH", mode 0): the
/// names, modes and ids of the others are our reading. The only place they are written.
pub const PAYMENT_OPTIONS: [(&str, i64, u32); 6] = [
    ("CASH", 0, 0xca54),
    (CARD, 1, 0xca4d),
    (GIFT_CARD, 3, 0x91f7),
    (MEMBERSHIP, 4, 0x3e3b),
    (PREPAID_CARD, 5, 0x94e9),
    (LOYALTY_POINTS, 7, 0x10a7),
];

/// Paid with a pre-paid instrument (membership, gift card, pre-paid card or loyalty points),
/// read from the payment's `payment_name`: after one, Zenoti applies no package redemption and
/// no points (but another points payment).
pub fn is_prepaid(payment_name: &str) -> bool {
    [GIFT_CARD, MEMBERSHIP, PREPAID_CARD, LOYALTY_POINTS].iter().any(|n| n.eq_ignore_ascii_case(payment_name))
}

/// A payment on an invoice: one of its `transactions[]` on the wire.
#[derive(Debug, Clone)]
pub struct Payment {
    /// `transaction_id`.
    pub id: String,
    /// `payment_option.payment_name`: one of [`PAYMENT_OPTIONS`].
    pub payment_name: &'static str,
    /// `amount_paid` (and `total_amount_paid`: the sandbox takes no tips or fees).
    pub cents: i64,
    /// The loyalty points this payment redeemed, 0 for others. Not on the wire.
    pub points: i64,
    /// The loyalty program the points came from. Not on the wire.
    pub program_id: Option<String>,
    /// `payment_date`: center-local, without an offset.
    pub at: String,
    /// `cash_regester_id` (Zenoti's spelling).
    pub cash_register_id: Option<String>,
}

impl Payment {
    /// A payment that redeemed no points.
    pub fn new(id: String, payment_name: &'static str, cents: i64, at: String) -> Payment {
        Payment { id, payment_name, cents, points: 0, program_id: None, at, cash_register_id: None }
    }
}

#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: String,
    /// `invoice_number_prefix`: "SDS".
    pub number_prefix: String,
    /// `invoice_number`: digits only, "16671".
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

    /// The number as printed on the invoice and typed by a barcode scanner: "SDS16671".
    pub fn printed_number(&self) -> String {
        format!("{}{}", self.number_prefix, self.number)
    }

    /// A closed invoice's receipt number ("SDSR16671"); "" while it is open.
    pub fn receipt_number(&self) -> String {
        if self.closed {
            format!("{}R{}", self.number_prefix, self.number)
        } else {
            String::new()
        }
    }

    /// Whether a receptionist's search text finds this invoice: part of its number, with or
    /// without its prefix, in any letter case ("SDS16671", "sds16671", "16671").
    pub fn number_matches(&self, text: &str) -> bool {
        let text = text.trim().to_lowercase();
        !text.is_empty() && (self.printed_number().to_lowercase().contains(&text) || self.number.contains(&text))
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
    /// Points per (guest, program), keyed by [`balance_key`].
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
            balances.insert(balance_key(&guest.id, &programs[0].id), [6430, 1200, 250, 80][(i / 4) % 4]);
            if (i / 4) % 2 == 0 {
                balances.insert(balance_key(&guest.id, &programs[1].id), [900, 3000, 45][i % 3]);
            }
        }
        let mut invoices = Vec::new();
        let mut n = 0u64;
        for (c, center) in org.centers.iter().enumerate().take(3) {
            // Today's invoices are of the center's own day, at 10 in the morning.
            let today = format!("{}T10:00:00", center.local_today());
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
                    .map(|j| Item::service(hex_id(n * 10 + j as u64, 0x17e3), (k + j) % 4))
                    .collect();
                if k == 8 {
                    items = vec![Item {
                        id: hex_id(n * 10, 0x17e3),
                        name: "Gift card $100".into(),
                        kind: ItemType::GiftCard,
                        code: "GC100".into(),
                        cents: 10000,
                        service_id: Some(hex_id(100, 0x91f7)),
                        redeemed_by: None,
                    }];
                }
                let mut invoice = Invoice {
                    id: hex_id(n, 0x1e7a),
                    number_prefix: ["SDS", "SMS", "SSH"][c].into(),
                    number: (16670 + n).to_string(),
                    center_id: center.id.clone(),
                    guest_id: guest.id.clone(),
                    closed: k == 6,
                    items,
                    payments: Vec::new(),
                    date: today.clone(),
                };
                if k == 6 {
                    let cents = invoice.total();
                    invoice.payments.push(Payment::new(hex_id(n, 0x9a7), CARD, cents, today.clone()));
                }
                if k == 7 {
                    invoice.payments.push(Payment::new(hex_id(n, 0x9a7), GIFT_CARD, 2000, today.clone()));
                }
                if k == 5 {
                    // Part paid by card: points can still pay the rest.
                    invoice.payments.push(Payment::new(hex_id(n, 0x9a7), CARD, 1000, today.clone()));
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

    /// The guest's points in the program; ids in any letter case, also in keys a test wrote.
    fn points(&self, guest: &str, program: &str) -> i64 {
        self.balance_of(guest, program).map_or(0, |(_, points)| *points)
    }

    fn balance_of(&self, guest: &str, program: &str) -> Option<(&(String, String), &i64)> {
        self.balances.iter().find(|((g, p), _)| g.eq_ignore_ascii_case(guest) && p.eq_ignore_ascii_case(program))
    }

    /// Takes points from the guest's balance in the program.
    fn spend(&mut self, guest: &str, program: &str, points: i64) {
        let key = self.balance_of(guest, program).map_or_else(|| balance_key(guest, program), |(k, _)| k.clone());
        *self.balances.entry(key).or_default() -= points;
    }

    fn guest_programs(&self, guest: &str) -> Vec<&Program> {
        self.programs.iter().filter(|p| self.balance_of(guest, &p.id).is_some()).collect()
    }

    /// The override code of a center that asks for an OTP, if it does.
    pub(crate) fn otp_override(&self, center_id: &str) -> Option<&str> {
        self.otp_centers.iter().find(|(c, _)| c.eq_ignore_ascii_case(center_id)).map(|(_, code)| code.as_str())
    }

    fn non_redeemable(&self, guest: &str) -> bool {
        self.non_redeemable.iter().any(|g| g.eq_ignore_ascii_case(guest))
    }
}

/// The key of [`Books::balances`]: the guest's and the program's ids in lower case, so an id
/// in any letter case finds the balance (the seeded ids are lower case already).
pub fn balance_key(guest_id: &str, program_id: &str) -> (String, String) {
    (guest_id.to_ascii_lowercase(), program_id.to_ascii_lowercase())
}

pub(crate) fn money(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

fn amount_for(program: &Program, points: i64) -> i64 {
    points * program.cents_per_100_points / 100
}

/// An id derived from another sandbox id (all are [`hex_id`]s): the same number, another tag.
fn derived_id(id: &str, tag: u32) -> String {
    format!("{tag:08x}{}", id.get(8..).unwrap_or(""))
}

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
    let start = chrono::NaiveDateTime::parse_from_str(&inv.date, "%Y-%m-%dT%H:%M:%S").ok();
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
            let time = |t: Option<chrono::NaiveDateTime>| t.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string());
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
    let today = state.org.center(&center_id).map(|c| c.local_today()).unwrap_or_default();
    let list: Vec<Value> = books
        .invoices
        .iter()
        .filter(|i| i.center_id.eq_ignore_ascii_case(&center_id))
        .filter(|i| if searching { text.is_some_and(|t| i.number_matches(t)) } else { i.date.starts_with(&today) })
        .map(|i| {
            let guest =
                state.org.guests.iter().find(|g| g.id.eq_ignore_ascii_case(&i.guest_id)).map(|g| &g.json["personal_info"]);
            json!({
                "invoice_id": i.id,
                // UNKNOWN: whether the list prints the prefix; ours does ("SDS16671").
                "invoice_no": i.printed_number(),
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
    if books.otp_override(&inv.center_id).is_some() && !inv.closed && !books.otps.contains_key(&inv.id) {
        let code = format!("{:06}", fastrand::u32(..1_000_000));
        tracing::info!(invoice = %inv.printed_number(), otp = %code, "sandbox: OTP sent to the guest");
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
        "otp_required": books.otp_override(&inv.center_id).is_some(),
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
    if let Some(override_code) = books.otp_override(&inv.center_id) {
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
    let id = books.next_id;
    books.next_id += 1;
    let payment_id = hex_id(id, 0x7a1d);
    books.spend(&inv.guest_id, &program.id, points);
    // Business times are the center's wall-clock time, without an offset.
    let now = state.org.center(&inv.center_id).map(|c| c.local_now()).unwrap_or_default();
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
    Json(json!({
        "payment": payment_json(&payment),
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
        .map(|e| json!({"invoice_no": inv.printed_number(), "receipt_no": null, "points": e.points, "amount": money(e.cents), "payment_id": e.payment_id}))
        .collect();
    Json(json!({"redeemed_points": entries, "error": null})).into_response()
}

pub(crate) async fn ledger(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    let books = state.books.lock().unwrap();
    Json(json!({"ledger": books.ledger, "otps": books.otps, "override_codes": books.otp_centers}))
}
