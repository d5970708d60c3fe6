//! The books the sandbox keeps: loyalty programs and balances, invoices with their lines and
//! payments, the ledger of redemptions, and the rules that read them.

use std::collections::HashMap;

use crate::wire::hex_id;

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

impl Program {
    /// What these points are worth, in cents.
    pub fn cents_for(&self, points: i64) -> i64 {
        points * self.cents_per_100_points / 100
    }

    /// The most of `balance` points this program lets go on an invoice with `due_cents` left to
    /// pay: within its maximum and in its steps, worth no more than what is due.
    pub fn most_on_invoice(&self, balance: i64, due_cents: i64) -> i64 {
        let due_points = due_cents.max(0) * 100 / self.cents_per_100_points;
        let take = balance.min(self.max_points_per_invoice).min(due_points);
        take - take % self.increment
    }

    /// Zenoti's refusal of `points` of this program by its own rules (balance, maximum, steps),
    /// checked in that order; `balance` is what the guest has.
    pub fn refusal(&self, points: i64, balance: i64) -> Option<String> {
        if points > balance {
            return Some(format!(
                "Points to redeem can not be more than the Points Balance. Current balance: {balance}."
            ));
        }
        if points > self.max_points_per_invoice {
            return Some(format!(
                "Points to redeem can not be more than the Maximum points allowed for redemption. Max points to redeem: {}.00.",
                self.max_points_per_invoice
            ));
        }
        if points % self.increment != 0 {
            return Some(format!("Points to redeem should be in the multiples of {}.", self.increment));
        }
        None
    }
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

/// The index in [`SERVICES`] of the service with this name ("Swedish Massage").
pub fn service_named(name: &str) -> Option<usize> {
    SERVICES.iter().position(|s| s.0.eq_ignore_ascii_case(name))
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

impl Books {
    pub(crate) fn invoice(&self, id: &str) -> Option<&Invoice> {
        self.invoices.iter().find(|i| i.id.eq_ignore_ascii_case(id))
    }

    /// The invoice with this number, as printed ("SDS16671") or without its prefix ("16671"),
    /// in any letter case.
    pub fn invoice_numbered(&self, number: &str) -> Option<&Invoice> {
        let number = number.trim();
        self.invoices.iter().find(|i| i.printed_number().eq_ignore_ascii_case(number) || i.number == number)
    }

    /// The program with this name ("Serenity Rewards", "Glow Club").
    pub fn program_named(&self, name: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The guest's points in the program, as a test reads them (ids in any letter case).
    pub fn points_of(&self, guest_id: &str, program_id: &str) -> i64 {
        self.points(guest_id, program_id)
    }

    /// A fresh number for a payment id.
    pub(crate) fn take_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }

    pub(crate) fn program(&self, id: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.id.eq_ignore_ascii_case(id))
    }

    /// The guest's points in the program; ids in any letter case, also in keys a test wrote.
    pub(crate) fn points(&self, guest: &str, program: &str) -> i64 {
        self.balance_of(guest, program).map_or(0, |(_, points)| *points)
    }

    fn balance_of(&self, guest: &str, program: &str) -> Option<(&(String, String), &i64)> {
        self.balances.iter().find(|((g, p), _)| g.eq_ignore_ascii_case(guest) && p.eq_ignore_ascii_case(program))
    }

    /// Takes points from the guest's balance in the program.
    pub(crate) fn spend(&mut self, guest: &str, program: &str, points: i64) {
        let key = self.balance_of(guest, program).map_or_else(|| balance_key(guest, program), |(k, _)| k.clone());
        *self.balances.entry(key).or_default() -= points;
    }

    pub(crate) fn guest_programs(&self, guest: &str) -> Vec<&Program> {
        self.programs.iter().filter(|p| self.balance_of(guest, &p.id).is_some()).collect()
    }

    /// The override code of a center that asks for an OTP, if it does.
    pub(crate) fn otp_override(&self, center_id: &str) -> Option<&str> {
        self.otp_centers.iter().find(|(c, _)| c.eq_ignore_ascii_case(center_id)).map(|(_, code)| code.as_str())
    }

    pub(crate) fn non_redeemable(&self, guest: &str) -> bool {
        self.non_redeemable.iter().any(|g| g.eq_ignore_ascii_case(guest))
    }
}

/// The key of [`Books::balances`]: the guest's and the program's ids in lower case, so an id
/// in any letter case finds the balance (the seeded ids are lower case already).
pub fn balance_key(guest_id: &str, program_id: &str) -> (String, String) {
    (guest_id.to_ascii_lowercase(), program_id.to_ascii_lowercase())
}
