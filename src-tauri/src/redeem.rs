//! Paying an invoice with loyalty points, exactly once.
//!
//! - Input is checked against a fresh read of the invoice and of the guest's redeemable points
//!   before anything is sent.
//! - At most one redemption per invoice is in flight; a second is refused with its own code.
//! - The payment is sent once. When its answer is lost, the invoice and the guest's redemption
//!   history are read again to learn whether it was applied.
//! - Every attempt and its outcome is appended to the audit log (JSON lines, no secrets).

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zenoti::{Client, Invoice, RedeemRequest, Refusal, Transaction};

use crate::error::{ErrorCode, IpcError};

/// A redemption as the Redeem screen asks for it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct RedeemPointsRequest {
    pub invoice_id: String,
    /// The program to redeem from; `None` redeems across all the guest's programs.
    pub program_id: Option<String>,
    /// As typed.
    pub points: String,
    pub otp: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RedeemStatus {
    /// Zenoti applied the payment.
    Applied,
    /// The answer was lost and a fresh read shows no payment: safe to try again.
    NotApplied,
}

/// What the Redeem screen says while a redemption is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RedeemProgress {
    /// The checks passed and the payment is being sent.
    Sending,
    /// The answer was lost: the invoice is being read again to learn whether it was applied.
    Checking,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RedeemOutcome {
    pub status: RedeemStatus,
    /// The answer was lost and the outcome was learned by reading the invoice again.
    pub checked_after_lost_answer: bool,
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub points: String,
    pub amount: Option<String>,
    pub program_name: Option<String>,
    pub points_left: Option<String>,
    pub balance_due: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
    /// When Zenoti recorded the payment, on the center's clock (no offset), for the receipt.
    pub center_time: Option<String>,
    /// This workstation, for the receipt.
    pub workstation: String,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub time: String,
    pub workstation: String,
    pub employee: String,
    pub center_id: String,
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub guest_id: Option<String>,
    /// Points redeemed (loyalty redemptions).
    pub points: Option<String>,
    /// "Package: service" (package redemptions).
    #[serde(default)]
    pub package: Option<String>,
    pub amount: Option<String>,
    /// `attempt`, `applied`, `refused`, `not_applied`, `unknown`, `not_sent`.
    pub outcome: String,
    pub zenoti_code: Option<String>,
    pub zenoti_message: Option<String>,
}

/// Who and where, for the audit log.
#[derive(Debug, Clone)]
pub struct Desk {
    pub workstation: String,
    pub employee: String,
    pub cash_register_id: Option<String>,
}

pub struct Redeemer {
    sends: Mutex<Sends>,
    audit_path: PathBuf,
}

/// The invoices with a redemption being sent, and whether the app is closing to restart.
#[derive(Default)]
struct Sends {
    invoices: HashSet<String>,
    closing: bool,
}

/// Holds an invoice's place among the sends; frees it when dropped, whatever happens.
pub(crate) struct InFlight<'a> {
    sends: &'a Mutex<Sends>,
    invoice: String,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.sends.lock().unwrap().invoices.remove(&self.invoice);
    }
}

/// A restart to update refused because a redemption is being sent.
pub fn restart_waits_for_redemption() -> IpcError {
    IpcError::new(ErrorCode::UpdateFailed, "A redemption is being sent. Wait for its result, then restart to update.")
}

pub(crate) fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, message)
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The money a number of points is worth at a program's rate.
fn value_of(points: Decimal, rate: Option<Decimal>) -> Option<Decimal> {
    rate.map(|r| (points * r).round_dp(2))
}

impl Redeemer {
    pub fn new(audit_path: PathBuf) -> Self {
        Redeemer { sends: Mutex::default(), audit_path }
    }

    /// Redemptions being sent right now (a restart to update waits for none).
    pub fn in_flight(&self) -> usize {
        self.sends.lock().unwrap().invoices.len()
    }

    /// Before a restart to update: refused while a redemption is being sent; otherwise no new one
    /// starts from now on, so the restart cannot cut one off.
    pub fn close_for_restart(&self) -> Result<(), IpcError> {
        let mut sends = self.sends.lock().unwrap();
        if !sends.invoices.is_empty() {
            return Err(restart_waits_for_redemption());
        }
        sends.closing = true;
        Ok(())
    }

    pub(crate) fn claim(&self, invoice: &str) -> Result<InFlight<'_>, IpcError> {
        let mut sends = self.sends.lock().unwrap();
        if sends.closing {
            return Err(IpcError::new(
                ErrorCode::RedemptionInProgress,
                "Front Desk is restarting to install an update. Nothing was sent: redeem again once it is back.",
            ));
        }
        if !sends.invoices.insert(invoice.to_owned()) {
            return Err(IpcError::new(
                ErrorCode::RedemptionInProgress,
                "A redemption on this invoice is already being sent. Wait for its result before trying again.",
            ));
        }
        Ok(InFlight { sends: &self.sends, invoice: invoice.to_owned() })
    }

    pub(crate) fn audit(&self, entry: &AuditEntry) {
        let write = || -> std::io::Result<()> {
            if let Some(dir) = self.audit_path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.audit_path)?;
            writeln!(file, "{}", serde_json::to_string(entry).expect("audit entry serializes"))
        };
        if let Err(err) = write() {
            tracing::error!(%err, "could not append to the audit log");
        }
    }

    /// Every entry of the audit log, oldest first.
    pub fn audit_log(&self) -> Vec<AuditEntry> {
        let Ok(text) = std::fs::read_to_string(&self.audit_path) else {
            return Vec::new();
        };
        text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
    }

    /// Writes the audit log as CSV to `path`.
    pub fn export_csv(&self, path: &std::path::Path) -> Result<(), IpcError> {
        let write = || -> Result<(), Box<dyn std::error::Error>> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut out = csv::Writer::from_path(path)?;
            for entry in self.audit_log() {
                out.serialize(entry)?;
            }
            out.flush()?;
            Ok(())
        };
        write().map_err(|e| {
            IpcError::new(
                ErrorCode::SettingsError,
                "The log could not be written to that folder. Check the disk, then try again.",
            )
            .with_detail(format!("{}: {e}", path.display()))
        })
    }

    /// Checks the request against fresh reads, sends it once, and settles its outcome.
    pub async fn redeem(
        &self,
        client: &Client,
        desk: &Desk,
        request: RedeemPointsRequest,
        progress: impl Fn(RedeemProgress),
    ) -> Result<RedeemOutcome, IpcError> {
        let register =
            desk.cash_register_id.clone().filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                invalid("Choose this workstation's cash register in Settings before redeeming points.")
            })?;
        let text = request.points.trim();
        let points: Decimal = text.parse().map_err(|_| {
            invalid(format!("\"{text}\" is not a number of points. Type whole points, for example 250."))
        })?;
        if points <= Decimal::ZERO {
            return Err(invalid("Type a number of points above zero."));
        }
        if points.fract() != Decimal::ZERO {
            return Err(invalid("Points are redeemed whole: remove the decimals."));
        }
        let _claim = self.claim(&request.invoice_id)?;

        let invoice = client.get_invoice(&request.invoice_id).await?;
        let info =
            client.redeemable_points(&invoice.id, request.program_id.as_deref(), request.program_id.is_none()).await?;
        let center_id = invoice.center_id.clone().unwrap_or_default();
        let guest_id = invoice.guest.as_ref().map(|g| g.id.clone());
        let program = request
            .program_id
            .as_deref()
            .and_then(|id| info.lp_redeemable.loyalty_programs.iter().find(|p| p.id.eq_ignore_ascii_case(id)).cloned());
        if request.program_id.is_some() && program.is_none() {
            return Err(invalid("The guest has no points in that program. Choose another program."));
        }
        let available = match &program {
            Some(p) => p.points.as_ref().and_then(|x| x.available.or(x.earned)),
            None => info.lp_redeemable.total_available_points,
        }
        .unwrap_or_default();
        let rate = program.as_ref().and_then(|p| p.exchange_rate).or(info.lp_redeemable.exchange_rate);
        let balance_due = invoice.balance_due().unwrap_or_default();
        if !invoice.is_open() {
            return Err(invalid("This invoice is closed: points can be redeemed only on an open invoice."));
        }
        if balance_due <= Decimal::ZERO {
            return Err(invalid("This invoice is fully paid: there is nothing left to pay with points."));
        }
        if invoice.transactions.iter().any(|t| is_prepaid(t.payment_option.as_deref())) {
            return Err(invalid(
                "This invoice already has a gift card, membership or prepaid payment. Remove it in Zenoti first, then redeem points.",
            ));
        }
        if points > available {
            return Err(invalid(format!("The guest has {available} points: type {available} or fewer.")));
        }
        if let Some(max) = program.as_ref().and_then(|p| p.max_points_per_invoice) {
            if points > max {
                return Err(invalid(format!("At most {} points can be redeemed on one invoice.", max.normalize())));
            }
        }
        if let Some(step) = program.as_ref().and_then(|p| p.increment).filter(|s| *s > Decimal::ONE) {
            if (points % step) != Decimal::ZERO {
                return Err(invalid(format!(
                    "Points are redeemed in steps of {}: try {}.",
                    step.normalize(),
                    (points - points % step).normalize()
                )));
            }
        }
        if let Some(amount) = value_of(points, rate) {
            if amount > balance_due {
                return Err(invalid(format!(
                    "{points} points are worth {amount}, more than the {balance_due} left to pay: type fewer points."
                )));
            }
        }
        if info.otp_required == Some(true) && request.otp.as_deref().is_none_or(|o| o.trim().is_empty()) {
            return Err(IpcError::new(
                ErrorCode::OtpRequired,
                "Ask the guest for the code Zenoti sent them (or use the center's override code), then enter it.",
            ));
        }

        // The guest's redemptions on this invoice before sending: the second witness if the
        // answer is lost.
        let history_before = match &guest_id {
            Some(g) => Some(client.redeemed_points(g, &invoice.id).await?.len()),
            None => None,
        };
        let mut entry = AuditEntry {
            time: now(),
            workstation: desk.workstation.clone(),
            employee: desk.employee.clone(),
            center_id: center_id.clone(),
            invoice_id: invoice.id.clone(),
            invoice_number: invoice.invoice_number.clone(),
            guest_id: guest_id.clone(),
            points: Some(points.to_string()),
            package: None,
            amount: value_of(points, rate).map(|a| a.to_string()),
            outcome: "attempt".into(),
            zenoti_code: None,
            zenoti_message: None,
        };
        self.audit(&entry);
        progress(RedeemProgress::Sending);
        let body = RedeemRequest {
            points,
            center_id,
            program_id: request.program_id.clone(),
            cash_register_id: register,
            redeem_across_programs: if request.program_id.is_some() { 0 } else { 1 },
            otp: request.otp.clone().map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()),
        };
        let sent = client.redeem_points(&invoice.id, &body).await;
        let base = RedeemOutcome {
            status: RedeemStatus::Applied,
            checked_after_lost_answer: false,
            invoice_id: invoice.id.clone(),
            invoice_number: invoice.invoice_number.clone(),
            points: points.to_string(),
            amount: entry.amount.clone(),
            program_name: program.as_ref().and_then(|p| p.name.clone()),
            points_left: None,
            balance_due: None,
            at: now(),
            center_time: None,
            workstation: desk.workstation.clone(),
        };
        match sent {
            Ok(done) => {
                let details = done.redemptions.unwrap_or_default();
                entry.outcome = "applied".into();
                entry.amount = details.amount.map(|a| a.to_string()).or(entry.amount);
                entry.time = now();
                self.audit(&entry);
                Ok(RedeemOutcome {
                    amount: entry.amount.clone(),
                    program_name: details.program_name.or(base.program_name.clone()),
                    points_left: details.balance_points.map(|p| p.to_string()),
                    balance_due: done.invoice.and_then(|i| i.balance).map(|b| b.to_string()),
                    center_time: done.payment.and_then(|p| p.date),
                    ..base
                })
            }
            Err(zenoti::Error::Api { code, message, .. }) => {
                entry.outcome = "refused".into();
                entry.zenoti_code = code.clone();
                entry.zenoti_message = Some(message.clone());
                entry.time = now();
                self.audit(&entry);
                Err(refusal_error(&message, code.as_deref()))
            }
            Err(err) if never_ran(&err) => {
                // Refused before it ran (or never sent): nothing was applied.
                entry.outcome = "not_sent".into();
                entry.zenoti_message = Some(err.to_string());
                entry.time = now();
                self.audit(&entry);
                Err(err.into())
            }
            Err(lost) => {
                tracing::warn!(error = %lost, invoice = %invoice.id, "redemption answer lost; checking the invoice");
                progress(RedeemProgress::Checking);
                let applied =
                    self.find_applied(client, &invoice, guest_id.as_deref().zip(history_before), points).await;
                entry.time = now();
                entry.zenoti_message = Some(lost.to_string());
                match applied {
                    Ok(Some((after, payment))) => {
                        entry.outcome = "applied".into();
                        self.audit(&entry);
                        Ok(RedeemOutcome {
                            checked_after_lost_answer: true,
                            balance_due: after.balance_due().map(|b| b.to_string()),
                            center_time: payment.and_then(|p| p.date),
                            ..base
                        })
                    }
                    Ok(None) => {
                        entry.outcome = "not_applied".into();
                        self.audit(&entry);
                        Ok(RedeemOutcome { status: RedeemStatus::NotApplied, checked_after_lost_answer: true, ..base })
                    }
                    Err(check) => {
                        entry.outcome = "unknown".into();
                        self.audit(&entry);
                        Err(IpcError::new(
                            ErrorCode::OutcomeUnknown,
                            "The connection to Zenoti broke while the payment was sent, and Front Desk could not check whether it went through. Do not redeem again: open the invoice in Zenoti to check first.",
                        )
                        .with_detail(format!("{lost}; then: {check}")))
                    }
                }
            }
        }
    }

    /// After a lost answer: the invoice as it is now, and the payment on it, if it carries
    /// the payment we sent (the payment is `None` when only the guest's history shows it).
    async fn find_applied(
        &self,
        client: &Client,
        before: &Invoice,
        history_before: Option<(&str, usize)>,
        points: Decimal,
    ) -> Result<Option<(Invoice, Option<Transaction>)>, zenoti::Error> {
        let after = client.get_invoice(&before.id).await?;
        let known: HashSet<&str> = before.transactions.iter().map(|t| t.id.as_str()).collect();
        let new_payment = after
            .transactions
            .iter()
            .find(|t| !known.contains(t.id.as_str()) && t.points.is_some_and(|p| p == points))
            .cloned();
        if new_payment.is_some() {
            return Ok(Some((after, new_payment)));
        }
        // The guest's redemption history on this invoice is a second witness.
        if let Some((guest, count_before)) = history_before {
            if client.redeemed_points(guest, &before.id).await?.len() > count_before {
                return Ok(Some((after, None)));
            }
        }
        Ok(None)
    }
}

/// Errors that mean a write was refused before it ran, or never sent: nothing was applied.
pub(crate) fn never_ran(err: &zenoti::Error) -> bool {
    matches!(
        err,
        zenoti::Error::Reauthenticated
            | zenoti::Error::Unauthorized { .. }
            | zenoti::Error::RateLimited { .. }
            | zenoti::Error::InvalidInput(_)
            | zenoti::Error::Connect(_)
    )
}

fn is_prepaid(option: Option<&str>) -> bool {
    let o = option.unwrap_or("").to_lowercase();
    ["gift card", "membership", "prepaid", "pre-paid"].iter().any(|p| o.contains(p))
}

/// Zenoti's refusal in a sentence a receptionist can act on; the raw text is the detail.
pub fn refusal_error(message: &str, code: Option<&str>) -> IpcError {
    let text = match Refusal::classify(message) {
        Refusal::BalanceExceeded { current } => match current {
            Some(c) => format!("The guest has only {} points now. Type {} or fewer.", c.normalize(), c.normalize()),
            None => "The guest does not have that many points. Check the balance and type fewer.".into(),
        },
        Refusal::InvalidPoints => "Zenoti did not accept that number of points. Type whole points above zero.".into(),
        Refusal::InvoiceMissing => "Zenoti could not find this invoice. Find the invoice again.".into(),
        Refusal::InvalidCenter => "This invoice belongs to another center. Switch to its center, then try again.".into(),
        Refusal::InvalidOtp => {
            "That code is not the one Zenoti sent. Ask the guest for the latest code, or use the center's override code.".into()
        }
        Refusal::InsufficientBalance => {
            "The points are worth more than what is left to pay on this invoice. Type fewer points.".into()
        }
        Refusal::PrepaidPaymentApplied => {
            "This invoice already has a gift card, membership or prepaid payment. Remove that payment in Zenoti first, then redeem points.".into()
        }
        Refusal::InvalidProgram => "Zenoti does not know that loyalty program for this guest. Choose another program.".into(),
        Refusal::AboveMaximum { max } => match max {
            Some(m) => format!("At most {} points can be redeemed on this invoice. Type {} or fewer.", m.normalize(), m.normalize()),
            None => "That is more than can be redeemed on this invoice. Type fewer points.".into(),
        },
        Refusal::NotAllowedByOrganization => {
            "Your organization's Zenoti settings do not allow paying with points. Ask your Zenoti administrator.".into()
        }
        Refusal::NoRedeemableItems => {
            "Nothing on this invoice can be paid with points (gift cards and some items are excluded). Take another payment.".into()
        }
        Refusal::NotAMultiple { of } => match of {
            Some(n) => format!("Points are redeemed in steps of {}. Type a multiple of {}.", n.normalize(), n.normalize()),
            None => "That number of points is not allowed by the program's steps. Type another amount.".into(),
        },
        Refusal::NonRedeemableTier => {
            "The guest's loyalty tier cannot redeem points. Take another payment, or ask a manager.".into()
        }
        Refusal::Other => format!("Zenoti refused the redemption: \"{message}\" Nothing was paid. Check the details and try again."),
    };
    IpcError::new(ErrorCode::RedemptionRefused, text)
        .with_detail(format!("Zenoti error {}: {message}", code.unwrap_or("-")))
}
