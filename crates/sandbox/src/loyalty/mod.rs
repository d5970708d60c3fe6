//! Invoices and loyalty points: the books the sandbox keeps and their rules (`books.rs`), how
//! they are seeded (`seed.rs`), written on the wire (`wire.rs`) and served (`handlers.rs`).
//! Every documented redemption error comes from the rule the docs describe.
//!
//! The invoice answers in the recorded wire format (`dump-invoice-detail.json`). UNKNOWN in the
//! docs, and our reading (the client reads the same): the inner fields of the redemption
//! response (`payment` in the shape of an invoice transaction, `redemptions`, `invoice`), the
//! `type` integers of lines other than services and packages ([`ItemType::code`]), the payment
//! options other than cash ([`PAYMENT_OPTIONS`]), the `search_type` of the open-invoice lookup,
//! and the error for a closed invoice.

mod books;
mod handlers;
mod seed;
mod wire;

pub use books::{
    balance_key, is_prepaid, service_id, service_index, service_named, Books, Invoice, Item, ItemType, LedgerEntry,
    Payment, Program, CARD, GIFT_CARD, LOYALTY_POINTS, MEMBERSHIP, PAYMENT_OPTIONS, PREPAID_CARD, PREPAID_MESSAGE,
    SERVICES,
};
pub(crate) use handlers::{
    center_invoices, close, close_invoice, get_invoice, ledger, redeem, redeemable, redeemed_points,
};
pub(crate) use wire::redeemed_invoice_json;
