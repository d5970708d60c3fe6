//! Guests' packages: the seeded holdings, the list, benefits and history endpoints, and the
//! package-redemption POST.
//!
//! The list, benefits and history answers, and the redemption's body and answer, are our reading
//! of what Zenoti leaves undocumented; `crates/zenoti/src/guest_packages.rs` reads exactly this.
//! Every redemption also builds the guest-package webhook events Zenoti would send (a
//! redemption, and a status update when the package starts), kept for tests at
//! `GET /_sandbox/events`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::catalog::param;
use crate::data::therapist;
use crate::data::Organization;
use crate::loyalty::{
    hex_id, is_prepaid, money, service_id, Invoice, Item, ItemType, Payment, CARD, PREPAID_MESSAGE, SERVICES,
};
use crate::{business_error, State};

pub const STATUS_ACTIVE: i64 = 1;
pub const STATUS_FROZEN: i64 = 3;
pub const STATUS_EXPIRED: i64 = 5;
pub const STATUS_CANCELLED_REFUND: i64 = 6;
pub const STATUS_NOT_STARTED: i64 = 7;
pub const STATE_CLOSED: i64 = 0;
pub const STATE_OPEN: i64 = 1;
pub const STATE_WITH_PROCESSING: i64 = 2;

/// The product packages can hold: name, price in cents, code.
const PRODUCT: (&str, i64, &str) = ("Hydrating Serum", 4800, "HYS50");

fn product_id() -> String {
    hex_id(1, 0x9d0c)
}

/// A service or product of a held package.
#[derive(Debug, Clone)]
pub struct Benefit {
    pub id: String,
    pub name: String,
    pub product: bool,
    /// Minutes (services).
    pub minutes: i64,
    pub total: i64,
    pub transferred: i64,
    pub refunded: i64,
    /// What one session or unit is worth inside the package.
    pub unit_cents: i64,
}

/// One redemption of a benefit, and its reversal if it was undone.
#[derive(Debug, Clone)]
pub struct Use {
    pub benefit_id: String,
    pub invoice_id: String,
    pub invoice_no: String,
    pub invoice_item_id: String,
    pub therapist: (String, String),
    pub center_id: String,
    pub at: NaiveDateTime,
    pub reversed_at: Option<NaiveDateTime>,
}

/// A package a guest holds.
#[derive(Debug, Clone)]
pub struct Held {
    pub user_package_id: String,
    pub guest_id: String,
    pub package_id: String,
    pub code: String,
    pub name: String,
    pub otp_required: bool,
    pub status: i64,
    pub state: i64,
    /// Where it was sold.
    pub center_id: String,
    pub sale_invoice: (String, String),
    pub price_cents: i64,
    pub purchased: NaiveDateTime,
    pub start: Option<NaiveDateTime>,
    pub end: Option<NaiveDateTime>,
    pub grace_days: i64,
    pub never_expires: bool,
    pub start_at_first_redemption: bool,
    pub expiration_days: i64,
    pub next_schedule: Option<NaiveDateTime>,
    pub refunded: bool,
    pub benefits: Vec<Benefit>,
    pub uses: Vec<Use>,
}

impl Held {
    pub fn used(&self, benefit_id: &str) -> i64 {
        self.uses.iter().filter(|u| u.benefit_id == benefit_id && u.reversed_at.is_none()).count() as i64
    }

    pub fn balance(&self, b: &Benefit) -> i64 {
        (b.total - self.used(&b.id) - b.transferred - b.refunded).max(0)
    }

    fn end_with_grace(&self) -> Option<NaiveDateTime> {
        self.end.map(|e| e + Duration::days(self.grace_days))
    }
}

/// The packages of every guest, and what their redemptions raised.
#[derive(Debug, Default)]
pub struct Holdings {
    pub held: Vec<Held>,
    /// The code a guest was sent for a package that asks for one, until a redemption uses it.
    pub otps: HashMap<String, String>,
    /// Webhook events, oldest first.
    pub events: Vec<Value>,
    /// Every package redemption applied through the API, in order.
    pub ledger: Vec<PackageLedgerEntry>,
    next_event: u64,
}

/// One package redemption applied, as the sandbox's package ledger records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PackageLedgerEntry {
    pub user_package_id: String,
    pub invoice_id: String,
    /// The line the session paid for.
    pub invoice_item_id: String,
    /// The service redeemed (the line's `id` on the wire).
    pub service_id: String,
}

/// What the seeded packages are like. Days are counted back from today on the center's clock.
struct Template {
    name: &'static str,
    code: &'static str,
    /// (index in `SERVICES`, sessions); `usize::MAX` is the product.
    benefits: &'static [(usize, i64)],
    price_cents: i64,
    purchased_days_ago: i64,
    /// Validity in days from the start; 0 never expires.
    valid_days: i64,
    grace_days: i64,
    status: i64,
    state: i64,
    /// Sessions used per benefit, in order.
    used: &'static [i64],
    otp: bool,
    starts_at_first_redemption: bool,
    refunded: bool,
    /// One used session was reversed.
    reversal: bool,
}

const TEMPLATES: [Template; 9] = [
    Template {
        name: "Massage Series 10",
        code: "MS10",
        benefits: &[(0, 10)],
        price_cents: 95000,
        purchased_days_ago: 120,
        valid_days: 365,
        grace_days: 30,
        status: STATUS_ACTIVE,
        state: STATE_OPEN,
        used: &[3],
        otp: false,
        starts_at_first_redemption: false,
        refunded: false,
        reversal: true,
    },
    Template {
        name: "Facial Glow 6",
        code: "FG6",
        benefits: &[(1, 6), (usize::MAX, 2)],
        price_cents: 54000,
        purchased_days_ago: 200,
        valid_days: 0,
        grace_days: 0,
        status: STATUS_ACTIVE,
        state: STATE_OPEN,
        used: &[2, 1],
        otp: true,
        starts_at_first_redemption: false,
        refunded: false,
        reversal: false,
    },
    Template {
        name: "Manicure Monthly 12",
        code: "MM12",
        benefits: &[(2, 12)],
        price_cents: 45000,
        purchased_days_ago: 20,
        valid_days: 180,
        grace_days: 14,
        status: STATUS_NOT_STARTED,
        state: STATE_OPEN,
        used: &[0],
        otp: false,
        starts_at_first_redemption: true,
        refunded: false,
        reversal: false,
    },
    Template {
        name: "Blowout Bundle 5",
        code: "BB5",
        benefits: &[(3, 5)],
        price_cents: 24000,
        purchased_days_ago: 300,
        valid_days: 365,
        grace_days: 0,
        status: STATUS_ACTIVE,
        state: STATE_CLOSED,
        used: &[5],
        otp: false,
        starts_at_first_redemption: false,
        refunded: false,
        reversal: false,
    },
    Template {
        name: "Winter Renewal 4",
        code: "WR4",
        benefits: &[(1, 4)],
        price_cents: 34000,
        purchased_days_ago: 380,
        valid_days: 365,
        grace_days: 30,
        status: STATUS_EXPIRED,
        state: STATE_OPEN,
        used: &[1],
        otp: false,
        starts_at_first_redemption: false,
        refunded: false,
        reversal: false,
    },
    Template {
        name: "Body Sculpt 8",
        code: "BS8",
        benefits: &[(0, 8)],
        price_cents: 84000,
        purchased_days_ago: 60,
        valid_days: 365,
        grace_days: 0,
        status: STATUS_FROZEN,
        state: STATE_OPEN,
        used: &[2],
        otp: false,
        starts_at_first_redemption: false,
        refunded: false,
        reversal: false,
    },
    Template {
        name: "Summer Glow 3",
        code: "SG3",
        benefits: &[(1, 3)],
        price_cents: 25500,
        purchased_days_ago: 500,
        valid_days: 365,
        grace_days: 30,
        status: STATUS_EXPIRED,
        state: STATE_CLOSED,
        used: &[1],
        otp: false,
        starts_at_first_redemption: false,
        refunded: false,
        reversal: false,
    },
    Template {
        name: "Couples Retreat 2",
        code: "CR2",
        benefits: &[(0, 2)],
        price_cents: 22000,
        purchased_days_ago: 90,
        valid_days: 180,
        grace_days: 0,
        status: STATUS_CANCELLED_REFUND,
        state: STATE_CLOSED,
        used: &[0],
        otp: false,
        starts_at_first_redemption: false,
        refunded: true,
        reversal: false,
    },
    Template {
        name: "Laser Series 6",
        code: "LS6",
        benefits: &[(4, 6)],
        price_cents: 72000,
        purchased_days_ago: 45,
        valid_days: 365,
        grace_days: 0,
        status: STATUS_ACTIVE,
        state: STATE_WITH_PROCESSING,
        used: &[1],
        otp: false,
        starts_at_first_redemption: false,
        refunded: false,
        reversal: false,
    },
];

fn local_now(org: &Organization, center_id: &str) -> NaiveDateTime {
    let offset = org.center(center_id).map(|c| c.utc_offset_hours).unwrap_or(0);
    (chrono::Utc::now() + Duration::hours(offset)).naive_utc()
}

fn at_hour(day: NaiveDateTime, hour: u32) -> NaiveDateTime {
    day.date().and_hms_opt(hour, 0, 0).expect("valid hour")
}

fn center_prefix(org: &Organization, center_id: &str) -> &'static str {
    let i = org.centers.iter().position(|c| c.id.eq_ignore_ascii_case(center_id)).unwrap_or(0);
    ["SDS", "SMS", "SSH", "SQS"][i % 4]
}

impl Holdings {
    /// Packages for every guest: the first guest of each center holds one of every kind (every
    /// status and state); the others hold a massage series, a facial package and one more.
    /// Their sales and past visits are added to `invoices` as closed invoices.
    pub fn seed(org: &Organization, invoices: &mut Vec<Invoice>) -> Holdings {
        let mut holdings = Holdings::default();
        let mut n = 0u64;
        for (gi, guest) in org.guests.iter().enumerate() {
            let home = guest.json["center_id"].as_str().unwrap_or_default().to_owned();
            let showcase = gi < org.centers.len();
            let kinds: Vec<usize> =
                if showcase { (0..TEMPLATES.len()).collect() } else { vec![0, 1, 2 + gi % (TEMPLATES.len() - 2)] };
            for t in kinds {
                n += 1;
                let held = seed_one(org, &TEMPLATES[t], t, n, gi, &guest.id, &home, invoices);
                holdings.held.push(held);
            }
        }
        holdings
    }

    fn find(&self, user_package_id: &str) -> Option<usize> {
        self.held.iter().position(|h| h.user_package_id.eq_ignore_ascii_case(user_package_id))
    }
}

#[allow(clippy::too_many_arguments)]
fn seed_one(
    org: &Organization,
    t: &Template,
    template_index: usize,
    n: u64,
    guest_index: usize,
    guest_id: &str,
    home: &str,
    invoices: &mut Vec<Invoice>,
) -> Held {
    let now = local_now(org, home);
    let purchased = at_hour(now - Duration::days(t.purchased_days_ago), 11);
    let prefix = center_prefix(org, home);
    let package_id = hex_id(template_index as u64 + 1, 0x9ac4);
    let sale = Invoice {
        id: hex_id(n, 0x5a1e),
        number_prefix: prefix.to_owned(),
        number: (12000 + n).to_string(),
        center_id: home.to_owned(),
        guest_id: guest_id.to_owned(),
        closed: true,
        items: vec![Item {
            id: hex_id(n * 10, 0x5a1f),
            name: t.name.to_owned(),
            kind: ItemType::Package,
            code: t.code.to_owned(),
            cents: t.price_cents,
            service_id: Some(package_id.clone()),
            redeemed_by: None,
        }],
        payments: vec![Payment::new(
            hex_id(n, 0x5a20),
            CARD,
            t.price_cents,
            purchased.format("%Y-%m-%dT%H:%M:%S").to_string(),
        )],
        date: purchased.format("%Y-%m-%dT%H:%M:%S").to_string(),
    };
    let sessions: i64 = t.benefits.iter().map(|b| b.1).sum();
    let benefits: Vec<Benefit> = t
        .benefits
        .iter()
        .map(|&(s, total)| {
            let (id, name, minutes, product) = if s == usize::MAX {
                (product_id(), PRODUCT.0.to_owned(), 0, true)
            } else {
                (service_id(s), SERVICES[s].0.to_owned(), SERVICES[s].2, false)
            };
            Benefit {
                id,
                name,
                product,
                minutes,
                total,
                transferred: 0,
                refunded: if t.refunded { total } else { 0 },
                unit_cents: t.price_cents / sessions.max(1),
            }
        })
        .collect();
    let user_package_id = hex_id(n, 0x3a9e);
    // Past visits: spread between the purchase and two days ago, alternating between the home
    // center and another, with several therapists.
    let mut uses = Vec::new();
    let mut visit = 0u64;
    for (b, &count) in benefits.iter().zip(t.used.iter()) {
        let extra = if t.reversal { 1 } else { 0 };
        for k in 0..count + extra {
            visit += 1;
            let span = (t.purchased_days_ago - 2).max(1);
            let days_ago = t.purchased_days_ago - 1 - (span * (k + 1) / (count + extra + 1));
            let day = at_hour(now - Duration::days(days_ago.max(2)), 9 + (k as u32 * 2) % 9);
            // Every other visit was at another center of the organization.
            let elsewhere = org.centers.iter().find(|c| c.id != home).map_or(home, |c| c.id.as_str());
            let center_id = if k % 2 == 1 { elsewhere.to_owned() } else { home.to_owned() };
            let visit_prefix = center_prefix(org, &center_id);
            let invoice_id = hex_id(n * 100 + visit, 0x7151);
            let item_id = hex_id(n * 100 + visit, 0x7152);
            let (unit, code) = if b.product {
                (PRODUCT.1, PRODUCT.2)
            } else {
                SERVICES.iter().find(|s| s.0 == b.name).map_or((0, ""), |s| (s.1, s.3))
            };
            invoices.push(Invoice {
                id: invoice_id.clone(),
                number_prefix: visit_prefix.to_owned(),
                number: (20000 + n * 100 + visit).to_string(),
                center_id: center_id.clone(),
                guest_id: guest_id.to_owned(),
                closed: true,
                items: vec![Item {
                    id: item_id.clone(),
                    name: b.name.clone(),
                    kind: if b.product { ItemType::Product } else { ItemType::Service },
                    code: code.to_owned(),
                    cents: unit,
                    service_id: Some(b.id.clone()),
                    redeemed_by: Some(user_package_id.clone()),
                }],
                payments: Vec::new(),
                date: day.format("%Y-%m-%dT%H:%M:%S").to_string(),
            });
            // The second visit of a reversing package was undone the next day.
            let reversed_at = (t.reversal && k == 1).then(|| day + Duration::days(1));
            uses.push(Use {
                benefit_id: b.id.clone(),
                invoice_no: invoices.last().map(Invoice::printed_number).unwrap_or_default(),
                invoice_id,
                invoice_item_id: item_id,
                therapist: therapist(guest_index + template_index + k as usize),
                center_id,
                at: day,
                reversed_at,
            });
        }
    }
    invoices.push(sale.clone());
    let (start, end) = if t.starts_at_first_redemption {
        (None, None)
    } else {
        let start = purchased;
        (Some(start), (t.valid_days > 0).then(|| start + Duration::days(t.valid_days)))
    };
    let next_schedule = (t.status == STATUS_ACTIVE && t.state == STATE_OPEN)
        .then(|| at_hour(now + Duration::days(7 + (guest_index % 5) as i64), 14));
    Held {
        user_package_id,
        guest_id: guest_id.to_owned(),
        package_id,
        code: t.code.to_owned(),
        name: t.name.to_owned(),
        otp_required: t.otp,
        status: t.status,
        state: t.state,
        center_id: home.to_owned(),
        sale_invoice: (sale.id.clone(), sale.printed_number()),
        price_cents: t.price_cents,
        purchased,
        start,
        end,
        grace_days: t.grace_days,
        never_expires: t.valid_days == 0,
        start_at_first_redemption: t.starts_at_first_redemption,
        expiration_days: t.valid_days,
        next_schedule,
        refunded: t.refunded,
        benefits,
        uses,
    }
}

fn time(t: Option<NaiveDateTime>) -> Value {
    t.map(|t| json!(t.format("%Y-%m-%dT%H:%M:%S").to_string())).unwrap_or(Value::Null)
}

fn center_ref(org: &Organization, id: &str) -> Value {
    json!({"id": id, "name": org.center(id).map(|c| c.center["name"].clone()).unwrap_or(Value::Null)})
}

/// The fields every guest-package event and list item share. `invoice` is the invoice of the
/// event (the sale invoice in the list).
fn shared_json(org: &Organization, h: &Held, invoice: (&str, &str, i64)) -> Value {
    let sessions_done = h.uses.iter().filter(|u| u.reversed_at.is_none()).count();
    json!({
        "user_package_id": h.user_package_id,
        "status": h.status,
        "user_package_state": h.state,
        "invoice": {"status": invoice.2, "receipt_no": null, "id": invoice.0, "no": invoice.1},
        "package": {"code": h.code, "is_OTP_required": h.otp_required, "type": 1, "id": h.package_id, "name": h.name},
        "purchase": {
            "price": {"currency_id": 148, "sales": money(h.price_cents), "tax": 0, "final": money(h.price_cents)},
            "date": time(Some(h.purchased)),
        },
        "date": {"start": time(h.start), "end": time(h.end), "end_date_with_grace": time(h.end_with_grace())},
        "schedule": {"completed_schedules": sessions_done, "next_schedule_date": time(h.next_schedule)},
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

fn list_json(org: &Organization, h: &Held, today: NaiveDateTime) -> Value {
    let mut v = shared_json(org, h, (&h.sale_invoice.0, &h.sale_invoice.1, 1));
    let within = h.never_expires || h.end_with_grace().is_none_or(|e| e.date() >= today.date());
    let active = matches!(h.status, STATUS_ACTIVE | STATUS_NOT_STARTED)
        || (h.status == STATUS_EXPIRED && h.end_with_grace().is_some_and(|e| e.date() >= today.date()));
    v["redeemable"] = json!(active && within && h.state == STATE_OPEN);
    let balance = |b: &Benefit| {
        json!({
            "total": b.total, "used": h.used(&b.id), "balance": h.balance(b),
            "balance_amount": money(h.balance(b) * b.unit_cents),
        })
    };
    v["services"] = h
        .benefits
        .iter()
        .filter(|b| !b.product)
        .map(|b| {
            let mut s = balance(b);
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
            let mut p = balance(b);
            p["product_type_info"] = json!({"id": b.id, "name": b.name, "product_category_type": 1});
            p
        })
        .collect();
    v
}

fn use_json(org: &Organization, h: &Held, u: &Use, at: NaiveDateTime) -> Value {
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

fn history_json(org: &Organization, h: &Held) -> Value {
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
    let today = local_now(&state.org, center);
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
        let code = format!("{:06}", fastrand::u32(..1_000_000));
        tracing::info!(package = %h.name, otp = %code, "sandbox: package OTP sent to the guest");
        holdings.otps.insert(h.user_package_id.clone(), code);
    }
    let list: Vec<Value> = h
        .benefits
        .iter()
        .map(|b| {
            json!({
                "item": {"id": b.id, "name": b.name, "type": if b.product { "Product" } else { "Service" }},
                "total": b.total, "redeemed": h.used(&b.id), "transferred": b.transferred, "refunded": b.refunded,
                "balance": h.balance(b), "balance_amount": money(h.balance(b) * b.unit_cents),
            })
        })
        .collect();
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
    let now = local_now(&state.org, &inv.center_id);
    let in_grace = held.end_with_grace().is_some_and(|e| e.date() >= now.date());
    match held.status {
        STATUS_FROZEN => return business_error(502, 502, "Package is frozen."),
        STATUS_EXPIRED if !in_grace => return business_error(502, 502, "Package has expired."),
        STATUS_ACTIVE | STATUS_NOT_STARTED | STATUS_EXPIRED => {}
        _ => return business_error(502, 502, "Package is not active."),
    }
    if held.state == STATE_WITH_PROCESSING {
        return business_error(502, 502, "Package is not active.");
    }
    if !held.never_expires && held.end_with_grace().is_some_and(|e| e.date() < now.date()) {
        return business_error(502, 502, "Package has expired.");
    }
    if held.state == STATE_CLOSED || held.balance(&benefit) == 0 {
        return business_error(502, 502, "Package has no balance for this service.");
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
    let stored = &mut holdings.held[index];
    let started = stored.status == STATUS_NOT_STARTED;
    if started {
        stored.status = STATUS_ACTIVE;
        stored.start = Some(now);
        stored.end = (stored.expiration_days > 0).then(|| now + Duration::days(stored.expiration_days));
    }
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
    stored.uses.push(the_use.clone());
    if stored.benefits.iter().all(|b| stored.balance(b) == 0) {
        stored.state = STATE_CLOSED;
    }
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
    holdings.raise("GuestPackage.Redemption", data);
    if started {
        holdings.raise("GuestPackage.StatusUpdate", shared_json(&state.org, &stored, event_invoice));
    }
    let balance = stored.balance(&benefit);
    Json(json!({
        "redemption": redemption,
        "benefit": {
            "item": {"id": benefit.id, "name": benefit.name, "type": "Service"},
            "total": benefit.total, "redeemed": stored.used(&benefit.id), "transferred": benefit.transferred,
            "refunded": benefit.refunded, "balance": balance, "balance_amount": money(balance * benefit.unit_cents),
        },
        "invoice": {"id": updated.id, "invoice_number": updated.number, "balance": money(updated.balance())},
        "error": null,
    }))
    .into_response()
}

impl Holdings {
    /// Records the webhook event Zenoti would post. UNKNOWN: the package `event_type` strings;
    /// ours are "GuestPackage." and the event's name.
    fn raise(&mut self, event_type: &str, data: Value) {
        self.next_event += 1;
        let n = self.next_event;
        // UTC with 7 fractional digits, as Zenoti sends it.
        let stamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f").to_string() + "0";
        self.events.push(json!({
            "id": hex_id(n, 0xe1e7),
            "event_id": hex_id(n, 0xe1e8),
            "event_schema": "v1",
            "event_resource": "GuestPackage",
            "event_type": event_type,
            "event_timestamp": stamp,
            "data": data,
        }));
    }
}

pub(crate) async fn events(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(json!({"events": state.packages.lock().unwrap().events}))
}

pub(crate) async fn package_ledger(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(json!({"package_ledger": state.packages.lock().unwrap().ledger}))
}
