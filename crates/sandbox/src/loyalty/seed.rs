//! The seeded books (see `Books::seed`): the same seed and day always give the same books.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::books::{balance_key, Books, Invoice, Item, ItemType, Payment, Program, CARD, GIFT_CARD};
use crate::data::Organization;
use crate::wire::hex_id;

impl Books {
    /// The seeded books: two programs, balances for every guest, and ten invoices of today at
    /// each of the first three centers, of every kind the redemption rules tell apart.
    pub fn seed(org: &Organization, seed: u64, now: DateTime<Utc>) -> Books {
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
            let today = format!("{}T10:00:00", center.local_time(now).date());
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
}
