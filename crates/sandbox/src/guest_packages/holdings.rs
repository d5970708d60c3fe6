//! The packages guests hold, their uses, and the redemption rules that read them; the events
//! and the ledger their redemptions write.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde_json::{json, Value};

use crate::webhook::Webhook;
use crate::wire::hex_id;

pub const STATUS_ACTIVE: i64 = 1;
pub const STATUS_FROZEN: i64 = 3;
pub const STATUS_EXPIRED: i64 = 5;
pub const STATUS_CANCELLED_REFUND: i64 = 6;
pub const STATUS_NOT_STARTED: i64 = 7;
pub const STATE_CLOSED: i64 = 0;
pub const STATE_OPEN: i64 = 1;
pub const STATE_WITH_PROCESSING: i64 = 2;

/// The product packages can hold: name, price in cents, code.
pub(crate) const PRODUCT: (&str, i64, &str) = ("Hydrating Serum", 4800, "HYS50");

pub(crate) fn product_id() -> String {
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

/// Zenoti's words when a package has nothing left to redeem (or is closed).
const NO_BALANCE: &str = "Package has no balance for this service.";

/// The redemption rules of a held package: the list's `redeemable`, the benefits' balances and
/// the redemption's refusals all come from these.
impl Held {
    /// Sessions (or units) of a benefit used and not reversed.
    pub fn used(&self, benefit_id: &str) -> i64 {
        self.uses.iter().filter(|u| u.benefit_id == benefit_id && u.reversed_at.is_none()).count() as i64
    }

    /// What is left of a benefit.
    pub fn balance(&self, b: &Benefit) -> i64 {
        (b.total - self.used(&b.id) - b.transferred - b.refunded).max(0)
    }

    /// The benefit with this id (a service's or the product's), in any letter case.
    pub fn benefit(&self, id: &str) -> Option<&Benefit> {
        self.benefits.iter().find(|b| b.id.eq_ignore_ascii_case(id))
    }

    /// The benefit with this name ("Swedish Massage", "Hydrating Serum"), in any letter case.
    pub fn benefit_named(&self, name: &str) -> Option<&Benefit> {
        self.benefits.iter().find(|b| b.name.eq_ignore_ascii_case(name.trim()))
    }

    /// [`Held::benefit_named`], to change it (a test gives a benefit more sessions).
    pub fn benefit_named_mut(&mut self, name: &str) -> Option<&mut Benefit> {
        self.benefits.iter_mut().find(|b| b.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The end of its validity with the grace period; `None` while it has no end.
    pub fn end_with_grace(&self) -> Option<NaiveDateTime> {
        self.end.map(|e| e + Duration::days(self.grace_days))
    }

    /// Within its validity on the center's date `today`: it never expires, has no end yet, or
    /// its grace period has not passed.
    pub fn valid_on(&self, today: NaiveDate) -> bool {
        self.never_expires || self.end_with_grace().is_none_or(|e| e.date() >= today)
    }

    /// Past its end date but within its grace period on `today`.
    pub fn in_grace_on(&self, today: NaiveDate) -> bool {
        self.end_with_grace().is_some_and(|e| e.date() >= today)
    }

    /// Why no session of it can be redeemed on `today`, in Zenoti's words and in the order it
    /// checks (status, processing, validity, state); `None`: it can be.
    pub fn refusal_on(&self, today: NaiveDate) -> Option<&'static str> {
        match self.status {
            STATUS_FROZEN => return Some("Package is frozen."),
            STATUS_EXPIRED if !self.in_grace_on(today) => return Some("Package has expired."),
            STATUS_ACTIVE | STATUS_NOT_STARTED | STATUS_EXPIRED => {}
            _ => return Some("Package is not active."),
        }
        if self.state == STATE_WITH_PROCESSING {
            return Some("Package is not active.");
        }
        if !self.valid_on(today) {
            return Some("Package has expired.");
        }
        (self.state != STATE_OPEN).then_some(NO_BALANCE)
    }

    /// Why a session of this benefit cannot be redeemed on `today`: the package's refusal, or
    /// nothing left of it.
    pub fn benefit_refusal(&self, b: &Benefit, today: NaiveDate) -> Option<&'static str> {
        self.refusal_on(today).or_else(|| (self.balance(b) == 0).then_some(NO_BALANCE))
    }

    /// Whether a session can be redeemed on `today` (the list's `redeemable`).
    pub fn redeemable_on(&self, today: NaiveDate) -> bool {
        self.refusal_on(today).is_none()
    }

    /// Records a redemption at `now` (center-local). A package whose validity starts at its
    /// first redemption starts then; one with nothing left closes. Returns whether it started.
    pub fn record(&mut self, the_use: Use, now: NaiveDateTime) -> bool {
        let started = self.status == STATUS_NOT_STARTED;
        if started {
            self.status = STATUS_ACTIVE;
            self.start = Some(now);
            self.end = (self.expiration_days > 0).then(|| now + Duration::days(self.expiration_days));
        }
        self.uses.push(the_use);
        if self.benefits.iter().all(|b| self.balance(b) == 0) {
            self.state = STATE_CLOSED;
        }
        started
    }
}

/// The packages of every guest, and what their redemptions raised.
#[derive(Debug, Default)]
pub struct Holdings {
    pub held: Vec<Held>,
    /// The code a guest was sent for a package that asks for one, until a redemption uses it.
    pub otps: HashMap<String, String>,
    /// Webhook events, oldest first (the guest-package events and `Invoice.Closed`).
    pub events: Vec<Value>,
    /// Every package redemption applied through the API, in order.
    pub ledger: Vec<PackageLedgerEntry>,
    next_event: u64,
    /// Where the raised events are queued for delivery, when a webhook is configured.
    pub(crate) webhook: Option<Arc<Webhook>>,
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

impl Holdings {
    pub(crate) fn find(&self, user_package_id: &str) -> Option<usize> {
        self.held.iter().position(|h| h.user_package_id.eq_ignore_ascii_case(user_package_id))
    }

    /// The guest's package with this name ("Massage Series 10") or code ("MS10").
    pub fn held_named(&self, guest_id: &str, name: &str) -> Option<&Held> {
        self.held.iter().find(|h| {
            h.guest_id.eq_ignore_ascii_case(guest_id)
                && (h.name.eq_ignore_ascii_case(name) || h.code.eq_ignore_ascii_case(name))
        })
    }

    /// Records the guest-package webhook event Zenoti would post, and queues it for delivery;
    /// returns the envelope's `id`. UNKNOWN: the package `event_type` strings; ours are
    /// "GuestPackage." and the event's name.
    pub(crate) fn raise(&mut self, event_type: &str, data: Value, at: DateTime<Utc>) -> String {
        self.raise_event("GuestPackage", event_type, data, at)
    }

    /// Records a webhook event of any resource ("GuestPackage", "Invoice") and queues it for
    /// delivery; returns the envelope's `id`.
    pub(crate) fn raise_event(&mut self, resource: &str, event_type: &str, data: Value, at: DateTime<Utc>) -> String {
        self.next_event += 1;
        let n = self.next_event;
        let id = hex_id(n, 0xe1e7);
        // UTC with 7 fractional digits, as Zenoti sends it.
        let stamp = at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string() + "0";
        let envelope = json!({
            "id": id,
            "event_id": hex_id(n, 0xe1e8),
            "event_schema": "v1",
            "event_resource": resource,
            "event_type": event_type,
            "event_timestamp": stamp,
            "data": data,
        });
        if let Some(webhook) = &self.webhook {
            webhook.enqueue(&envelope);
        }
        self.events.push(envelope);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn held(status: i64, state: i64, end: Option<&str>, grace_days: i64) -> Held {
        let at = |d: &str| day(d).and_hms_opt(11, 0, 0).unwrap();
        Held {
            user_package_id: "u".into(),
            guest_id: "g".into(),
            package_id: "p".into(),
            code: "C".into(),
            name: "N".into(),
            otp_required: false,
            status,
            state,
            center_id: "c".into(),
            sale_invoice: ("i".into(), "SDS1".into()),
            price_cents: 10000,
            purchased: at("2026-01-01"),
            start: Some(at("2026-01-01")),
            end: end.map(at),
            grace_days,
            never_expires: end.is_none(),
            start_at_first_redemption: false,
            expiration_days: 365,
            next_schedule: None,
            refunded: false,
            benefits: vec![Benefit {
                id: "s".into(),
                name: "Swedish Massage".into(),
                product: false,
                minutes: 60,
                total: 2,
                transferred: 0,
                refunded: 0,
                unit_cents: 5000,
            }],
            uses: Vec::new(),
        }
    }

    #[test]
    fn the_rules_in_zenotis_order() {
        let today = day("2026-11-22");
        let open = held(STATUS_ACTIVE, STATE_OPEN, Some("2026-12-01"), 0);
        assert_eq!(open.refusal_on(today), None);
        assert!(open.redeemable_on(today));
        assert_eq!(held(STATUS_FROZEN, STATE_OPEN, None, 0).refusal_on(today), Some("Package is frozen."));
        assert_eq!(
            held(STATUS_CANCELLED_REFUND, STATE_CLOSED, None, 0).refusal_on(today),
            Some("Package is not active.")
        );
        assert_eq!(
            held(STATUS_ACTIVE, STATE_WITH_PROCESSING, None, 0).refusal_on(today),
            Some("Package is not active.")
        );
        assert_eq!(held(STATUS_ACTIVE, STATE_CLOSED, None, 0).refusal_on(today), Some(NO_BALANCE));
        // Expired: redeemable within its grace period, not after.
        let grace = held(STATUS_EXPIRED, STATE_OPEN, Some("2026-11-20"), 5);
        assert_eq!(grace.refusal_on(today), None);
        assert_eq!(grace.refusal_on(day("2026-11-26")), Some("Package has expired."));
        // Active, but past its end with its grace: expired too.
        assert_eq!(
            held(STATUS_ACTIVE, STATE_OPEN, Some("2026-11-20"), 0).refusal_on(today),
            Some("Package has expired.")
        );
    }

    #[test]
    fn a_benefit_is_found_by_its_name_in_any_letter_case() {
        let mut h = held(STATUS_ACTIVE, STATE_OPEN, None, 0);
        assert_eq!(h.benefit_named(" swedish MASSAGE").map(|b| b.id.as_str()), Some("s"));
        assert!(h.benefit_named("Signature Facial").is_none());
        h.benefit_named_mut("Swedish Massage").unwrap().total = 10;
        let massage = h.benefit_named("Swedish Massage").unwrap().clone();
        assert_eq!(h.balance(&massage), 10);
        assert!(h.benefit_named_mut("Blowout").is_none());
    }

    #[test]
    fn a_use_spends_the_balance_and_the_last_one_closes_the_package() {
        let today = day("2026-11-22");
        let mut h = held(STATUS_NOT_STARTED, STATE_OPEN, None, 0);
        h.start = None;
        let b = h.benefits[0].clone();
        let now = today.and_hms_opt(10, 0, 0).unwrap();
        let the_use = Use {
            benefit_id: "s".into(),
            invoice_id: "i".into(),
            invoice_no: "SDS2".into(),
            invoice_item_id: "l".into(),
            therapist: ("t".into(), "T".into()),
            center_id: "c".into(),
            at: now,
            reversed_at: None,
        };
        assert!(h.record(the_use.clone(), now), "the first use starts it");
        assert_eq!((h.status, h.start, h.balance(&b)), (STATUS_ACTIVE, Some(now), 1));
        assert!(!h.record(the_use, now));
        assert_eq!((h.state, h.balance(&b)), (STATE_CLOSED, 0));
        assert_eq!(h.benefit_refusal(&b, today), Some(NO_BALANCE));
    }
}
