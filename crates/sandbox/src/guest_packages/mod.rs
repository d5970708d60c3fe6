//! Guests' packages: the holdings and their redemption rules (`holdings.rs`), how they are
//! seeded (`seed.rs`), written on the wire (`wire.rs`) and served (`handlers.rs`): the list,
//! benefits and history endpoints, and the package-redemption POST.
//!
//! The list, benefits and history answers, and the redemption's body and answer, are our reading
//! of what Zenoti leaves undocumented; the client's `guest_packages.rs` and
//! `package_redemptions.rs` read exactly this. Every redemption also builds the guest-package
//! webhook events Zenoti would send (a redemption, and a status update when the package starts),
//! kept for tests at `GET /_sandbox/events` and posted to the configured webhook
//! (`crate::webhook`). `POST /_sandbox/events/raise` raises synthetic status updates.

mod handlers;
mod holdings;
mod seed;
mod wire;

pub(crate) use handlers::{
    benefits, events, history, list, package_ledger, raise_events, raise_status_updates, redeem,
};
pub use holdings::{
    Benefit, Held, Holdings, PackageLedgerEntry, Use, STATE_CLOSED, STATE_OPEN, STATE_WITH_PROCESSING, STATUS_ACTIVE,
    STATUS_CANCELLED_REFUND, STATUS_EXPIRED, STATUS_FROZEN, STATUS_NOT_STARTED,
};
