//! The seeded holdings (see `Holdings::seed`): what each guest holds, sold and used on closed
//! invoices, with dates counted back from today on the guest's center's clock.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use super::holdings::{
    product_id, Benefit, Held, Holdings, Use, PRODUCT, STATE_CLOSED, STATE_OPEN, STATE_WITH_PROCESSING, STATUS_ACTIVE,
    STATUS_CANCELLED_REFUND, STATUS_EXPIRED, STATUS_FROZEN, STATUS_NOT_STARTED,
};
use crate::data::{therapist, Organization};
use crate::loyalty::{service_id, Invoice, Item, ItemType, Payment, CARD, SERVICES};
use crate::wire::{hex_id, local_time};

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
    pub fn seed(org: &Organization, invoices: &mut Vec<Invoice>, now: DateTime<Utc>) -> Holdings {
        let mut holdings = Holdings::default();
        let mut n = 0u64;
        for (gi, guest) in org.guests.iter().enumerate() {
            let home = guest.json["center_id"].as_str().unwrap_or_default().to_owned();
            let showcase = gi < org.centers.len();
            let kinds: Vec<usize> =
                if showcase { (0..TEMPLATES.len()).collect() } else { vec![0, 1, 2 + gi % (TEMPLATES.len() - 2)] };
            for t in kinds {
                n += 1;
                let local_now = org.center(&home).map_or(now.naive_utc(), |c| c.local_time(now));
                let held = seed_one(org, &TEMPLATES[t], t, n, gi, &guest.id, &home, invoices, local_now);
                holdings.held.push(held);
            }
        }
        holdings
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
    now: NaiveDateTime,
) -> Held {
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
        payments: vec![Payment::new(hex_id(n, 0x5a20), CARD, t.price_cents, local_time(purchased))],
        date: local_time(purchased),
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
                date: local_time(day),
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
