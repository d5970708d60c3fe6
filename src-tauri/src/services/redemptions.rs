//! Redemptions of points and package sessions through the one engine (`crate::redemption`),
//! with the audit log of the real organization or of the demo.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::CommandResult;
use crate::redemption::package::RedeemPackageRequest;
use crate::redemption::points::RedeemPointsRequest;
use crate::redemption::{AuditEntry, Desk, RedeemProgress, RedeemStatus, Redeemer, RedemptionOutcome};
use crate::services::connection::{Connected, Unlocked};
use crate::services::hub::{HeldLease, HubDesk};
use crate::services::workstation::Workstation;

/// The cash register the demo pays on when none is set.
const DEMO_CASH_REGISTER: &str = "demo-register-1";

pub struct Redemptions {
    redeemer: Redeemer,
    /// Overrides the workstation's payment check window (tests shorten it).
    check_window: Option<Duration>,
    /// The hub's leases kept while their redemption is not seen yet, by attempt id: the payment
    /// may still land, so no other desk may pay on the invoice until it is settled.
    unsettled_leases: Mutex<HashMap<String, HeldLease>>,
}

impl Redemptions {
    pub fn new(data_dir: &std::path::Path, check_window: Option<Duration>) -> Self {
        Redemptions { redeemer: Redeemer::new(data_dir), check_window, unsettled_leases: Mutex::default() }
    }

    /// Who and where, for the audit log and the receipt.
    fn desk(&self, c: &Connected, workstation: &Workstation) -> Desk {
        let settings = workstation.settings();
        Desk {
            workstation: settings.device_id,
            employee: c.employee(),
            cash_register_id: settings.cash_register_id.or_else(|| c.is_demo().then(|| DEMO_CASH_REGISTER.to_owned())),
            demo: c.is_demo(),
            check_window: self.check_window.unwrap_or_else(|| workstation.payment_check_window()),
        }
    }

    /// The hub's lease on the invoice first (another desk's is a refusal, and nothing is
    /// sent; held until the result), then the engine with payment priority.
    pub async fn redeem_points(
        &self,
        c: &Connected,
        workstation: &Workstation,
        hub: &HubDesk,
        request: RedeemPointsRequest,
        progress: impl Fn(RedeemProgress) + Send + Sync,
    ) -> CommandResult<RedemptionOutcome> {
        let lease = self.lease(c, hub, &request.invoice_id).await?;
        let client = c.client().with_priority(zenoti::Priority::Payment);
        let outcome = self.redeemer.run(&client, &self.desk(c, workstation), request, progress).await;
        self.keep_while_unsettled(&outcome, lease);
        outcome
    }

    pub async fn redeem_package(
        &self,
        c: &Connected,
        workstation: &Workstation,
        hub: &HubDesk,
        request: RedeemPackageRequest,
        progress: impl Fn(RedeemProgress) + Send + Sync,
    ) -> CommandResult<RedemptionOutcome> {
        let lease = self.lease(c, hub, &request.invoice_id).await?;
        let client = c.client().with_priority(zenoti::Priority::Payment);
        let outcome = self.redeemer.run(&client, &self.desk(c, workstation), request, progress).await;
        self.keep_while_unsettled(&outcome, lease);
        outcome
    }

    /// A redemption not seen yet keeps its lease (renewed) until Check again finds it or the
    /// receptionist says it did not go through; any other end releases it (when dropped).
    fn keep_while_unsettled(&self, outcome: &CommandResult<RedemptionOutcome>, lease: Option<HeldLease>) {
        if let (Ok(o), Some(lease)) = (outcome, lease) {
            if o.status == RedeemStatus::NotSeenYet {
                self.unsettled_leases.lock().unwrap().insert(o.attempt_id.clone(), lease);
            }
        }
    }

    async fn lease(&self, c: &Connected, hub: &HubDesk, invoice_id: &str) -> CommandResult<Option<HeldLease>> {
        if c.is_demo() {
            return Ok(None);
        }
        hub.take_lease(invoice_id.trim(), &c.employee()).await
    }

    /// Check again: reads Zenoti once more for a redemption whose answer was lost (reads of a
    /// payment: payment priority at the hub).
    pub async fn check_again(&self, c: &Connected, attempt_id: &str) -> CommandResult<RedemptionOutcome> {
        let client = c.client().with_priority(zenoti::Priority::Payment);
        let outcome = self.redeemer.check_again(&client, attempt_id).await;
        let settled = match &outcome {
            Ok(o) => o.status == RedeemStatus::Applied,
            // No longer pending here (settled or forgotten): nothing to keep the invoice for.
            Err(e) => e.code == crate::error::ErrorCode::InvalidInput,
        };
        if settled {
            self.unsettled_leases.lock().unwrap().remove(attempt_id);
        }
        outcome
    }

    /// The receptionist checked in Zenoti that a redemption not seen yet did not go through.
    pub fn dismiss(&self, c: &Connected, workstation: &Workstation, attempt_id: &str) -> CommandResult<()> {
        self.redeemer.dismiss(&self.desk(c, workstation), attempt_id)?;
        self.unsettled_leases.lock().unwrap().remove(attempt_id);
        Ok(())
    }

    /// Leases this desk keeps for redemptions not seen yet.
    pub fn leases_kept(&self) -> usize {
        self.unsettled_leases.lock().unwrap().len()
    }

    /// The audit log of this session (the demo's own in the demo), oldest first.
    pub fn audit_log(&self, c: &Connected) -> Vec<AuditEntry> {
        self.redeemer.log(c.is_demo()).entries()
    }

    /// Writes the audit log (the demo's own in the demo) as CSV into `dir`; returns its path.
    pub fn export_audit_csv(&self, _: &Unlocked, demo: bool, dir: &std::path::Path) -> CommandResult<String> {
        let name = format!(
            "front-desk-{}redemptions-{}.csv",
            if demo { "demo-" } else { "" },
            chrono::Local::now().format("%Y-%m-%d-%H%M%S")
        );
        let path = dir.join(name);
        self.redeemer.log(demo).export_csv(&path)?;
        Ok(path.display().to_string())
    }

    /// Redemptions (points or package sessions) being sent or checked right now.
    pub fn in_flight(&self) -> usize {
        self.redeemer.in_flight()
    }

    /// Refused while a redemption is being sent; otherwise no new one starts (see
    /// [`Redeemer::close_for_restart`]).
    pub fn close_for_restart(&self) -> CommandResult<()> {
        self.redeemer.close_for_restart()
    }

    /// After an install that failed: redemptions may start again.
    pub fn reopen(&self) {
        self.redeemer.reopen()
    }

    /// Before the app quits: no new redemption starts; waits (at most `bound`) for those in
    /// flight to have their result, and returns how many are still unsettled.
    pub async fn drain(&self, bound: Duration) -> usize {
        self.redeemer.drain(bound).await
    }
}
