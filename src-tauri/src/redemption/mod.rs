//! Money: one redemption engine for loyalty points and package sessions.
//!
//! claim (one in flight per invoice, in this app and across app instances on this PC) → fresh
//! reads (in parallel) → rules (named pure functions) → audit "attempt" (written and synced, or
//! nothing is sent) → send once (never retried, no redirect followed) → classify the answer →
//! settle. Only a documented refusal, or an error envelope with a 4xx or 200 status, is
//! "refused"; a timeout, a broken connection, any 5xx or a 200 that shows no redemption is
//! "lost", and a lost answer is settled by reading Zenoti again for the whole check window. The
//! receptionist is told "not sent" only when the request provably never reached Zenoti.

mod audit;
mod claims;
pub mod package;
#[cfg(test)]
mod package_tests;
pub mod points;
#[cfg(test)]
pub(crate) mod points_tests;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;
use zenoti::Client;

pub use audit::{AuditEntry, AuditLog};
use claims::Claims;

use crate::error::{ErrorCode, IpcError};

/// How long a lost answer is checked for by default: long enough for a slow server to commit.
pub const DEFAULT_CHECK_SECONDS: u32 = 60;

/// What the screen says while a redemption is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(tag = "step", rename_all = "snake_case")]
#[ts(export)]
pub enum RedeemProgress {
    /// The checks passed and the redemption is being sent.
    Sending,
    /// The answer was lost: Zenoti is read again until the countdown ends. Do not redeem again.
    Checking { seconds_left: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RedeemStatus {
    /// Zenoti applied it; `evidence` says what shows it.
    Applied,
    /// The answer was lost and Zenoti did not show it within the check window. It may still
    /// have gone through: check in Zenoti before redeeming again (or press Check again).
    NotSeenYet,
}

/// The result of a redemption of points or of a package session, and its receipt.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RedemptionOutcome {
    pub kind: RedemptionKind,
    pub status: RedeemStatus,
    /// Names this attempt (in the audit log, and for Check again).
    pub attempt_id: String,
    /// The answer was lost and the outcome was learned (or looked for) by reading Zenoti again.
    pub checked_after_lost_answer: bool,
    /// What shows it was applied, in words.
    pub evidence: Option<String>,
    /// Not seen yet because the reads themselves failed: the last one's error.
    pub check_error: Option<String>,
    /// Seconds the check went on for (not seen yet).
    pub checked_for_seconds: Option<u32>,
    pub invoice_id: String,
    /// As printed, with its prefix.
    pub invoice_number: Option<String>,
    /// Points redeemed, and what they paid.
    pub points: Option<String>,
    pub amount: Option<String>,
    pub program_name: Option<String>,
    pub points_left: Option<String>,
    pub package_name: Option<String>,
    pub service_name: Option<String>,
    /// Sessions of the service left in the package after this one.
    pub sessions_left: Option<i64>,
    pub balance_due: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
    /// When Zenoti recorded it, on the center's clock (no offset), for the receipt.
    pub center_time: Option<String>,
    /// This workstation, for the receipt.
    pub workstation: String,
}

/// What was redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RedemptionKind {
    Points,
    Session,
}

impl RedemptionOutcome {
    fn new(kind: RedemptionKind, invoice_id: &str, invoice_number: Option<String>, workstation: &str) -> Self {
        RedemptionOutcome {
            kind,
            status: RedeemStatus::Applied,
            attempt_id: String::new(),
            checked_after_lost_answer: false,
            evidence: None,
            check_error: None,
            checked_for_seconds: None,
            invoice_id: invoice_id.to_owned(),
            invoice_number,
            points: None,
            amount: None,
            program_name: None,
            points_left: None,
            package_name: None,
            service_name: None,
            sessions_left: None,
            balance_due: None,
            at: now(),
            center_time: None,
            workstation: workstation.to_owned(),
        }
    }
}

/// Who and where, for the audit log and the receipt.
#[derive(Debug, Clone)]
pub struct Desk {
    pub workstation: String,
    pub employee: String,
    pub cash_register_id: Option<String>,
    /// The demo writes its own audit log, never the real one.
    pub demo: bool,
    /// How long a lost answer is checked for.
    pub check_window: Duration,
}

/// One kind of redemption: its fresh reads and rules, what it sends, and how its evidence is
/// read. The engine ([`Redeemer::run`]) does everything else, the same way for every kind.
pub(crate) trait Kind: Send + Sized + 'static {
    /// What the rules allowed: what is sent, and what the receipt and the checks need.
    type Plan: Send + Sync + 'static;
    type Answer: Send;

    fn invoice_id(&self) -> &str;
    /// Fresh reads (in parallel where independent), then the rules. Nothing is sent.
    fn prepare(self, client: &Client, desk: &Desk) -> impl Future<Output = Result<Self::Plan, IpcError>> + Send;
    /// The audit line of the attempt (its outcome is filled in by the engine).
    fn audit_entry(plan: &Self::Plan) -> AuditEntry;
    /// Sends it once.
    fn send(plan: &Self::Plan, client: &Client) -> impl Future<Output = zenoti::Result<Self::Answer>> + Send;
    /// The receipt, when Zenoti's answer shows the redemption; `None` for an answer that does not.
    fn applied_by_answer(plan: &Self::Plan, answer: Self::Answer, desk: &Desk) -> Option<RedemptionOutcome>;
    /// Reads Zenoti for evidence that it was applied; the receipt if it was.
    fn look(
        plan: &Self::Plan,
        client: &Client,
        desk: &Desk,
    ) -> impl Future<Output = zenoti::Result<Option<RedemptionOutcome>>> + Send;
    /// The receipt without evidence (not seen yet).
    fn unseen(plan: &Self::Plan, desk: &Desk) -> RedemptionOutcome;
    /// Whether Zenoti's message is one of its documented refusals of this kind.
    fn is_documented_refusal(message: &str) -> bool;
    /// Zenoti's refusal in a sentence a receptionist can act on.
    fn refusal(message: &str, code: Option<&str>) -> IpcError;
}

/// How a send ended, before settling.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    /// Provably never reached Zenoti (or refused before it ran): nothing was applied.
    NotSent,
    /// Zenoti refused it: nothing was applied.
    Refused,
    /// It may have reached Zenoti: settled by reading.
    Lost,
}

/// The classification of a failed send (see the module's comment).
pub(crate) fn classify(err: &zenoti::Error, documented: impl Fn(&str) -> bool) -> Sent {
    use zenoti::Error as Z;
    match err {
        Z::InvalidInput(_) | Z::Reauthenticated | Z::Unauthorized { .. } | Z::RateLimited { .. } | Z::Connect(_) => {
            Sent::NotSent
        }
        Z::Api { status, message, .. }
            if documented(message) || *status == 200 || ((400..500).contains(status) && *status != 408) =>
        {
            Sent::Refused
        }
        _ => Sent::Lost,
    }
}

type Look = Arc<
    dyn Fn(Client) -> Pin<Box<dyn Future<Output = zenoti::Result<Option<RedemptionOutcome>>> + Send>> + Send + Sync,
>;

/// A redemption whose answer was lost and that was not seen yet: Check again reads once more.
struct Pending {
    look: Look,
    unseen: RedemptionOutcome,
    entry: AuditEntry,
    demo: bool,
}

pub struct Redeemer {
    claims: Claims,
    audit: AuditLog,
    demo_audit: AuditLog,
    pending: Mutex<HashMap<String, Pending>>,
}

pub(crate) fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, message)
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A restart to update refused because a redemption is being sent.
pub fn restart_waits_for_redemption() -> IpcError {
    IpcError::new(ErrorCode::UpdateFailed, "A redemption is being sent. Wait for its result, then restart to update.")
}

impl Redeemer {
    /// Keeps its audit logs and its cross-instance claims in `data_dir`.
    pub fn new(data_dir: &std::path::Path) -> Self {
        Redeemer {
            claims: Claims::new(data_dir.join("claims")),
            audit: AuditLog::new(data_dir.join("audit").join("redemptions.jsonl")),
            demo_audit: AuditLog::new(data_dir.join("audit").join("demo-redemptions.jsonl")),
            pending: Mutex::default(),
        }
    }

    /// The audit log of the real organization, or of the demo.
    pub fn log(&self, demo: bool) -> &AuditLog {
        if demo {
            &self.demo_audit
        } else {
            &self.audit
        }
    }

    /// Redemptions being sent or checked right now.
    pub fn in_flight(&self) -> usize {
        self.claims.in_flight()
    }

    /// Before a restart to update: refused while a redemption is being sent or checked;
    /// otherwise no new one starts from now on.
    pub fn close_for_restart(&self) -> Result<(), IpcError> {
        self.claims.close_for_restart()
    }

    /// After an install that failed: redemptions may start again.
    pub fn reopen(&self) {
        self.claims.reopen()
    }

    /// Before the app quits: no new redemption starts, and this waits (at most `bound`) for
    /// those in flight to have their result. Returns how many are still unsettled.
    pub async fn drain(&self, bound: Duration) -> usize {
        self.claims.close_for_quit();
        let deadline = tokio::time::Instant::now() + bound;
        while self.in_flight() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.in_flight()
    }

    /// Runs one redemption of any kind through the engine.
    pub(crate) async fn run<K: Kind>(
        &self,
        client: &Client,
        desk: &Desk,
        request: K,
        progress: impl Fn(RedeemProgress) + Send + Sync,
    ) -> Result<RedemptionOutcome, IpcError> {
        let _claim = self.claims.claim(request.invoice_id())?;
        self.recheck_earlier(client, request.invoice_id()).await?;
        let plan = request.prepare(client, desk).await?;
        let log = self.log(desk.demo);
        let mut entry = K::audit_entry(&plan);
        entry.attempt_id = Some(format!("{:016x}", fastrand::u64(..)));
        entry.workstation = desk.workstation.clone();
        entry.employee = desk.employee.clone();
        entry.outcome = "attempt".into();
        log.append(&entry).map_err(|err| {
            IpcError::new(
                ErrorCode::AuditUnavailable,
                "Front Desk could not write to its redemption log, so nothing was sent. Check that the disk is not full, then try again; if it keeps happening, call IT.",
            )
            .with_detail(err.to_string())
        })?;
        progress(RedeemProgress::Sending);
        let lost = match K::send(&plan, client).await {
            Ok(answer) => match K::applied_by_answer(&plan, answer, desk) {
                Some(outcome) => {
                    return Ok(self.settled(log, &mut entry, outcome, None, "Zenoti's answer"));
                }
                None => "Zenoti answered without showing the redemption".to_owned(),
            },
            Err(err) => match classify(&err, K::is_documented_refusal) {
                Sent::NotSent => {
                    record(log, &mut entry, "not_sent", None, Some(err.to_string()));
                    return Err(not_sent(err));
                }
                Sent::Refused => {
                    let (code, message) = match &err {
                        zenoti::Error::Api { code, message, .. } => (code.clone(), message.clone()),
                        other => (None, other.to_string()),
                    };
                    record(log, &mut entry, "refused", code.clone(), Some(message.clone()));
                    return Err(K::refusal(&message, code.as_deref()));
                }
                Sent::Lost => err.to_string(),
            },
        };
        tracing::warn!(invoice = %entry.invoice_id, cause = %lost, "redemption answer lost; checking Zenoti");
        let (found, check_error) = settle::<K>(&plan, client, desk, &progress).await;
        match found {
            Some(outcome) => Ok(self.settled(log, &mut entry, outcome, Some(lost), "")),
            None => {
                let mut outcome = K::unseen(&plan, desk);
                outcome.status = RedeemStatus::NotSeenYet;
                outcome.checked_after_lost_answer = true;
                outcome.check_error = check_error;
                outcome.checked_for_seconds = Some(desk.check_window.as_secs().try_into().unwrap_or(u32::MAX));
                outcome.attempt_id = entry.attempt_id.clone().unwrap_or_default();
                record(log, &mut entry, "not_seen_yet", None, Some(lost));
                let plan = Arc::new(plan);
                let desk_copy = desk.clone();
                let look: Look = Arc::new(move |client: Client| {
                    let plan = plan.clone();
                    let desk = desk_copy.clone();
                    Box::pin(async move { K::look(&plan, &client, &desk).await })
                });
                self.pending.lock().unwrap().insert(
                    outcome.attempt_id.clone(),
                    Pending { look, unseen: outcome.clone(), entry, demo: desk.demo },
                );
                Ok(outcome)
            }
        }
    }

    /// Before a new redemption on an invoice whose earlier one was not seen yet: reads Zenoti
    /// for the earlier one once more. Shown now, it is recorded as applied and nothing more is
    /// sent; a read that fails sends nothing either. Still not shown, the new one goes ahead and
    /// the earlier one is no longer checked: from now on its evidence could be the new one's.
    async fn recheck_earlier(&self, client: &Client, invoice_id: &str) -> Result<(), IpcError> {
        let earlier: Vec<String> = {
            let pending = self.pending.lock().unwrap();
            let id = invoice_id.trim();
            pending
                .iter()
                .filter(|(_, p)| p.unseen.invoice_id.eq_ignore_ascii_case(id))
                .map(|(k, _)| k.clone())
                .collect()
        };
        for attempt in earlier {
            let outcome = self.check_again(client, &attempt).await?;
            if outcome.status == RedeemStatus::Applied {
                return Err(IpcError::new(
                    ErrorCode::AlreadyApplied,
                    "The earlier redemption on this invoice went through after all. Nothing more was sent: open the invoice again to see it.",
                )
                .with_detail(outcome.evidence.unwrap_or_default()));
            }
            if let Some(error) = outcome.check_error {
                return Err(IpcError::new(
                    ErrorCode::OutcomeUnchecked,
                    "Front Desk could not check whether the earlier redemption on this invoice went through, so nothing was sent. Check the invoice in Zenoti, then try again.",
                )
                .with_detail(error));
            }
            tracing::info!(attempt, "the earlier redemption is still not seen; a new one goes ahead");
            self.pending.lock().unwrap().remove(&attempt);
        }
        Ok(())
    }

    /// Check again: reads Zenoti once more for a redemption not seen yet.
    pub async fn check_again(&self, client: &Client, attempt_id: &str) -> Result<RedemptionOutcome, IpcError> {
        let (look, unseen, mut entry, demo) = {
            let pending = self.pending.lock().unwrap();
            let p = pending.get(attempt_id).ok_or_else(|| {
                invalid("Front Desk no longer has that redemption to check (the app was restarted). Check the invoice in Zenoti.")
            })?;
            (p.look.clone(), p.unseen.clone(), p.entry.clone(), p.demo)
        };
        match look(client.clone()).await {
            Ok(Some(outcome)) => {
                self.pending.lock().unwrap().remove(attempt_id);
                Ok(self.settled(self.log(demo), &mut entry, outcome, None, ""))
            }
            Ok(None) => Ok(RedemptionOutcome { at: now(), check_error: None, ..unseen }),
            Err(err) => Ok(RedemptionOutcome { at: now(), check_error: Some(err.to_string()), ..unseen }),
        }
    }

    /// The receptionist checked in Zenoti that a redemption not seen yet did not go through:
    /// it is no longer checked, and the audit log says who decided so and when.
    pub fn dismiss(&self, desk: &Desk, attempt_id: &str) -> Result<(), IpcError> {
        let mut pending = self.pending.lock().unwrap().remove(attempt_id).ok_or_else(|| {
            invalid("Front Desk no longer has that redemption (the app was restarted, or it was settled). Check the invoice in Zenoti.")
        })?;
        pending.entry.employee = desk.employee.clone();
        pending.entry.evidence = Some("the receptionist checked in Zenoti: it did not go through".into());
        record(self.log(pending.demo), &mut pending.entry, "dismissed", None, None);
        Ok(())
    }

    /// Records an applied redemption and completes its outcome.
    fn settled(
        &self,
        log: &AuditLog,
        entry: &mut AuditEntry,
        mut outcome: RedemptionOutcome,
        lost: Option<String>,
        evidence: &str,
    ) -> RedemptionOutcome {
        outcome.status = RedeemStatus::Applied;
        outcome.checked_after_lost_answer = outcome.checked_after_lost_answer || lost.is_some();
        if outcome.evidence.is_none() && !evidence.is_empty() {
            outcome.evidence = Some(evidence.to_owned());
        }
        outcome.attempt_id = entry.attempt_id.clone().unwrap_or_default();
        if let Some(amount) = &outcome.amount {
            entry.amount = Some(amount.clone());
        }
        entry.evidence = outcome.evidence.clone();
        record(log, entry, "applied", None, lost);
        outcome
    }
}

/// Writes an outcome line. The money has moved (or provably not): a log that cannot be written
/// now is reported in the app's log, and the outcome still reaches the receptionist.
fn record(log: &AuditLog, entry: &mut AuditEntry, outcome: &str, code: Option<String>, message: Option<String>) {
    entry.outcome = outcome.into();
    entry.zenoti_code = code;
    entry.zenoti_message = message;
    entry.time = now();
    if let Err(err) = log.append(entry) {
        tracing::error!(%err, outcome, invoice = %entry.invoice_id, "could not write a redemption's outcome to the audit log");
    }
}

/// A send that provably never reached Zenoti: its error, saying that nothing was sent.
fn not_sent(err: zenoti::Error) -> IpcError {
    let mut ipc = IpcError::from(err);
    if !ipc.message.to_lowercase().contains("nothing was sent") {
        ipc.message = format!("Nothing was sent to Zenoti. {}", ipc.message);
    }
    ipc
}

/// The points of the check window at which Zenoti is read again, as fractions of it: often at
/// first, when a quick commit shows, then less often, and once more at the end.
const CHECK_MARKS: [f64; 8] = [0.0, 1.0 / 60.0, 3.0 / 60.0, 7.0 / 60.0, 15.0 / 60.0, 30.0 / 60.0, 45.0 / 60.0, 1.0];

/// Reads Zenoti on [`CHECK_MARKS`] until the redemption shows or the window ends, counting
/// down the seconds left. Returns the receipt if it showed, and the last read's error if the
/// reads failed.
async fn settle<K: Kind>(
    plan: &K::Plan,
    client: &Client,
    desk: &Desk,
    progress: &(impl Fn(RedeemProgress) + Send + Sync),
) -> (Option<RedemptionOutcome>, Option<String>) {
    let window = desk.check_window;
    let start = tokio::time::Instant::now();
    let mut last_error = None;
    for mark in CHECK_MARKS.map(|f| window.mul_f64(f)) {
        loop {
            let elapsed = start.elapsed();
            let left = window.saturating_sub(elapsed);
            progress(RedeemProgress::Checking { seconds_left: left.as_secs_f64().ceil() as u32 });
            if elapsed >= mark {
                break;
            }
            tokio::time::sleep((mark - elapsed).min(Duration::from_secs(1))).await;
        }
        // A read that hangs (Zenoti down, its retries) keeps the countdown going, and is given
        // up a little after the window.
        let look = K::look(plan, client, desk);
        tokio::pin!(look);
        let read = loop {
            tokio::select! {
                read = &mut look => break Some(read),
                _ = tokio::time::sleep(Duration::from_secs(1)) => {
                    let left = window.saturating_sub(start.elapsed());
                    progress(RedeemProgress::Checking { seconds_left: left.as_secs_f64().ceil() as u32 });
                    if start.elapsed() > window + LAST_READ_GRACE.min(window) {
                        break None;
                    }
                }
            }
        };
        match read {
            Some(Ok(Some(outcome))) => return (Some(outcome), None),
            Some(Ok(None)) => last_error = None,
            Some(Err(err)) => {
                tracing::warn!(error = %err, "reading Zenoti to settle a lost answer failed; reading again later");
                last_error = Some(err.to_string());
            }
            None => {
                last_error = Some("Zenoti did not answer the check in time".to_owned());
                break;
            }
        }
    }
    (None, last_error)
}

/// How long past the check window a read already under way may still finish (at most the
/// window itself).
const LAST_READ_GRACE: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;
    use zenoti::Error as Z;

    fn api(status: u16, message: &str) -> Z {
        Z::Api { status, code: Some(status.to_string()), message: message.into() }
    }

    #[test]
    fn only_documented_refusals_and_4xx_or_200_envelopes_are_refusals() {
        let documented = |m: &str| m == "Invalid points.";
        assert_eq!(classify(&api(502, "Invalid points."), documented), Sent::Refused);
        assert_eq!(classify(&api(200, "Something new."), documented), Sent::Refused);
        assert_eq!(classify(&api(400, "The request is invalid."), documented), Sent::Refused);
        assert_eq!(classify(&api(404, "Not Found"), documented), Sent::Refused);
        // ASP.NET's 500 and a gateway's 504 carry a JSON body, and may follow a commit.
        assert_eq!(classify(&api(500, "An error has occurred."), documented), Sent::Lost);
        assert_eq!(classify(&api(504, "Endpoint request timed out"), documented), Sent::Lost);
        assert_eq!(classify(&api(302, "Found"), documented), Sent::Lost);
        assert_eq!(classify(&api(408, "Request Timeout"), documented), Sent::Lost);
        for lost in [
            Z::Timeout,
            Z::Network("reset".into()),
            Z::Server { status: 503 },
            Z::Decode { path: "x".into(), message: "y".into() },
        ] {
            assert_eq!(classify(&lost, documented), Sent::Lost, "{lost:?}");
        }
        for never in [
            Z::Connect("refused".into()),
            Z::Reauthenticated,
            Z::RateLimited { retry_after: None },
            Z::InvalidInput("x".into()),
            Z::Unauthorized { message: "no".into() },
        ] {
            assert_eq!(classify(&never, documented), Sent::NotSent, "{never:?}");
        }
    }

    #[test]
    fn the_check_marks_end_at_the_window() {
        assert_eq!(CHECK_MARKS.last(), Some(&1.0));
        assert!(CHECK_MARKS.windows(2).all(|w| w[0] < w[1]));
    }
}
