//! A guest's packages at the desk, and redeeming one session of a package on an invoice,
//! exactly once. The rules are those of loyalty redemption (see `redeem`): checks against fresh
//! reads before sending, one redemption in flight per invoice (shared with points), sent once,
//! a lost answer settled by reading the package's history again, every attempt in the audit log.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zenoti::{can_redeem_on, Client, HeldPackage, HistoryLine, PackageBenefit, PackageRefusal, PackageStatus};

use crate::error::{ErrorCode, IpcError};
use crate::redeem::{invalid, never_ran, now, AuditEntry, Desk, RedeemProgress, RedeemStatus, Redeemer};

/// A package's balances and history, for its detail panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PackageDetails {
    pub benefits: Vec<PackageBenefit>,
    /// Redemptions and reversals, newest first.
    pub history: Vec<HistoryLine>,
}

/// A guest's package as the desk shows it: Zenoti's fields, and why a session cannot be
/// redeemed from it today, if it cannot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DeskPackage {
    #[serde(flatten)]
    pub held: HeldPackage,
    /// `None` when a session can be redeemed today.
    pub why_not: Option<String>,
}

impl DeskPackage {
    pub fn new(held: HeldPackage, today: NaiveDate) -> DeskPackage {
        let why_not = can_redeem_on(&held, today).err().map(str::to_owned);
        DeskPackage { held, why_not }
    }
}

/// A package redemption as the Guest packages screen asks for it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct RedeemPackageRequest {
    pub invoice_id: String,
    pub guest_id: String,
    pub user_package_id: String,
    /// The invoice line (a service) the session pays for.
    pub invoice_item_id: String,
    pub otp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PackageOutcome {
    pub status: RedeemStatus,
    /// The answer was lost and the outcome was learned by reading the package's history again.
    pub checked_after_lost_answer: bool,
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub package_name: Option<String>,
    pub service_name: Option<String>,
    /// Sessions of the service left in the package after this one.
    pub sessions_left: Option<i64>,
    pub balance_due: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
    /// When Zenoti recorded the redemption, on the center's clock (no offset).
    pub center_time: Option<String>,
    pub workstation: String,
}

/// How a package sorts at the desk: usable first, then used up or cancelled, then frozen and
/// expired; within each, the one ending soonest first (never-ending last).
pub fn sort_for_desk(packages: &mut [HeldPackage], today: NaiveDate) {
    let rank = |p: &HeldPackage| match p.package.status {
        Some(PackageStatus::Frozen) | Some(PackageStatus::Expired) if can_redeem_on(p, today).is_err() => 2,
        _ if can_redeem_on(p, today).is_ok() => 0,
        _ => 1,
    };
    let ends = |p: &HeldPackage| {
        let d = p.package.date.as_ref();
        (p.package.never_expires == Some(true), d.and_then(|d| d.end_date_with_grace.or(d.end)))
    };
    packages.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| {
            let ((never_a, end_a), (never_b, end_b)) = (ends(a), ends(b));
            never_a.cmp(&never_b).then_with(|| match (end_a, end_b) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
        })
    });
}

fn name_of(p: &HeldPackage) -> Option<String> {
    p.package.package.as_ref().and_then(|x| x.name.clone())
}

impl Redeemer {
    /// Checks the request against fresh reads, sends it once, and settles its outcome.
    pub async fn redeem_package(
        &self,
        client: &Client,
        desk: &Desk,
        request: RedeemPackageRequest,
        progress: impl Fn(RedeemProgress),
    ) -> Result<PackageOutcome, IpcError> {
        for (value, what) in [
            (&request.invoice_id, "an invoice"),
            (&request.guest_id, "a guest"),
            (&request.user_package_id, "a package"),
            (&request.invoice_item_id, "the service on the invoice"),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(format!("Choose {what} first.")));
            }
        }
        let _claim = self.claim(&request.invoice_id)?;

        let invoice = client.get_invoice(&request.invoice_id).await?;
        if !invoice.is_open() {
            return Err(invalid("This invoice is closed: a package session can be redeemed only on an open invoice."));
        }
        let guest_id = invoice.guest.as_ref().map(|g| g.id.clone()).unwrap_or_default();
        if !guest_id.eq_ignore_ascii_case(request.guest_id.trim()) {
            return Err(invalid("This invoice belongs to another guest. Find this guest's own invoice."));
        }
        let line = invoice
            .invoice_items
            .iter()
            .find(|i| i.id.eq_ignore_ascii_case(request.invoice_item_id.trim()))
            .cloned()
            .ok_or_else(|| invalid("That service is no longer on the invoice. Find the invoice again."))?;
        if line.package_redemption.is_some() {
            return Err(invalid("A package already pays for this service on the invoice. Choose another service."));
        }
        let service_id = line
            .item
            .as_ref()
            .and_then(|i| i.id.clone())
            .ok_or_else(|| invalid("A package can pay only for a service. Choose a service on the invoice."))?;
        let center_id = invoice.center_id.clone().unwrap_or_default();
        let packages = client.guest_packages(&guest_id, &center_id).await?;
        let held = packages
            .iter()
            .find(|p| p.package.user_package_id.eq_ignore_ascii_case(request.user_package_id.trim()))
            .cloned()
            .ok_or_else(|| invalid("The guest no longer has that package. Open the guest's packages again."))?;
        // The invoice's date is on the center's clock; the computer's date stands in without it.
        let today = invoice
            .invoice_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok())
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        can_redeem_on(&held, today).map_err(invalid)?;
        let package_name = name_of(&held);
        let service_name = line.name.clone();
        // The benefits are the package's own account of what is left.
        let benefits = client.package_benefits(&guest_id, &held.package.user_package_id).await?;
        let balance = benefits
            .iter()
            .find(|b| b.is_service() && b.id().is_some_and(|id| id.eq_ignore_ascii_case(&service_id)))
            .map(|b| b.balance.unwrap_or(0))
            .ok_or_else(|| {
                invalid(format!(
                    "{} does not include {}. Choose another package or service.",
                    package_name.as_deref().unwrap_or("This package"),
                    service_name.as_deref().unwrap_or("this service")
                ))
            })?;
        if balance <= 0 {
            return Err(invalid(format!(
                "No {} sessions are left in {}.",
                service_name.as_deref().unwrap_or("such"),
                package_name.as_deref().unwrap_or("this package")
            )));
        }
        let otp = request.otp.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned);
        let otp_required = held.package.package.as_ref().and_then(|p| p.is_otp_required) == Some(true);
        if otp_required && otp.is_none() {
            return Err(IpcError::new(
                ErrorCode::OtpRequired,
                "This package asks for the code Zenoti sent the guest (or the center's override code). Enter it, then redeem.",
            ));
        }
        // The line's redemptions before sending: the witness if the answer is lost.
        let before =
            client.package_history(&guest_id, &held.package.user_package_id).await?.redemptions_of_item(&line.id);

        let mut entry = AuditEntry {
            time: now(),
            workstation: desk.workstation.clone(),
            employee: desk.employee.clone(),
            center_id: center_id.clone(),
            invoice_id: invoice.id.clone(),
            invoice_number: invoice.invoice_number.clone(),
            guest_id: Some(guest_id.clone()),
            points: None,
            package: Some(format!(
                "{}: {}",
                package_name.as_deref().unwrap_or("Package"),
                service_name.as_deref().unwrap_or("service")
            )),
            amount: line.price.as_ref().and_then(|p| p.r#final.or(p.sales)).map(|a| a.to_string()),
            outcome: "attempt".into(),
            zenoti_code: None,
            zenoti_message: None,
        };
        self.audit(&entry);
        progress(RedeemProgress::Sending);
        let body = zenoti::RedeemPackageRequest {
            center_id,
            guest_id: guest_id.clone(),
            user_package_id: held.package.user_package_id.clone(),
            invoice_item_id: line.id.clone(),
            service_id: service_id.clone(),
            otp,
        };
        let sent = client.redeem_package(&invoice.id, &body).await;
        let base = PackageOutcome {
            status: RedeemStatus::Applied,
            checked_after_lost_answer: false,
            invoice_id: invoice.id.clone(),
            invoice_number: invoice.invoice_number.clone(),
            package_name,
            service_name,
            sessions_left: None,
            balance_due: None,
            at: now(),
            center_time: None,
            workstation: desk.workstation.clone(),
        };
        let mut settle = |outcome: &str, code: Option<String>, message: Option<String>| {
            entry.outcome = outcome.into();
            entry.zenoti_code = code;
            entry.zenoti_message = message;
            entry.time = now();
            self.audit(&entry);
        };
        match sent {
            Ok(done) => {
                settle("applied", None, None);
                Ok(PackageOutcome {
                    sessions_left: done.benefit.and_then(|b| b.balance),
                    balance_due: done.invoice.and_then(|i| i.balance).map(|b| b.to_string()),
                    center_time: done
                        .redemption
                        .and_then(|r| r.usage_date)
                        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
                    ..base
                })
            }
            Err(zenoti::Error::Api { code, message, .. }) => {
                settle("refused", code.clone(), Some(message.clone()));
                Err(package_refusal_error(&message, code.as_deref()))
            }
            Err(err) if never_ran(&err) => {
                settle("not_sent", None, Some(err.to_string()));
                Err(err.into())
            }
            Err(lost) => {
                tracing::warn!(error = %lost, invoice = %invoice.id, "package redemption answer lost; checking the package");
                progress(RedeemProgress::Checking);
                let check = async {
                    let history = client.package_history(&guest_id, &held.package.user_package_id).await?;
                    if history.redemptions_of_item(&line.id) <= before {
                        return Ok::<_, zenoti::Error>(None);
                    }
                    let when = history
                        .newest_first()
                        .into_iter()
                        .find(|l| !l.reversal && l.invoice_item_id.as_deref() == Some(line.id.as_str()))
                        .and_then(|l| l.date);
                    let left = client
                        .package_benefits(&guest_id, &held.package.user_package_id)
                        .await?
                        .into_iter()
                        .find(|b| b.is_service() && b.id().is_some_and(|id| id.eq_ignore_ascii_case(&service_id)))
                        .and_then(|b| b.balance);
                    let due = client.get_invoice(&invoice.id).await?.balance_due();
                    Ok(Some((when, left, due)))
                };
                match check.await {
                    Ok(Some((when, left, due))) => {
                        settle("applied", None, Some(lost.to_string()));
                        Ok(PackageOutcome {
                            checked_after_lost_answer: true,
                            sessions_left: left,
                            balance_due: due.map(|d| d.to_string()),
                            center_time: when.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
                            ..base
                        })
                    }
                    Ok(None) => {
                        settle("not_applied", None, Some(lost.to_string()));
                        Ok(PackageOutcome { status: RedeemStatus::NotApplied, checked_after_lost_answer: true, ..base })
                    }
                    Err(check) => {
                        settle("unknown", None, Some(lost.to_string()));
                        Err(IpcError::new(
                            ErrorCode::OutcomeUnknown,
                            "The connection to Zenoti broke while the session was redeemed, and Front Desk could not check whether it went through. Do not redeem again: open the guest's package in Zenoti to check first.",
                        )
                        .with_detail(format!("{lost}; then: {check}")))
                    }
                }
            }
        }
    }
}

/// Zenoti's refusal in a sentence a receptionist can act on; the raw text is the detail.
pub fn package_refusal_error(message: &str, code: Option<&str>) -> IpcError {
    let text = match PackageRefusal::classify(message) {
        PackageRefusal::NotActive => {
            "Zenoti says this package cannot be used now (frozen, expired or cancelled). Check the package in Zenoti.".into()
        }
        PackageRefusal::NoBalance => "No sessions of this service are left in the package. Take another payment.".into(),
        PackageRefusal::ServiceNotInPackage => {
            "This package does not include that service. Choose another package or service.".into()
        }
        PackageRefusal::AlreadyRedeemed => {
            "A package already pays for this service on the invoice. Nothing more was redeemed.".into()
        }
        PackageRefusal::InvalidOtp => {
            "That code is not the one Zenoti sent. Ask the guest for the latest code, or use the center's override code.".into()
        }
        PackageRefusal::InvoiceClosed => "This invoice is closed. Redeem on an open invoice.".into(),
        PackageRefusal::OtherCenter => {
            "This package can be redeemed only at the center that sold it. Redeem it there, or ask a manager.".into()
        }
        PackageRefusal::PrepaidPaymentApplied => {
            "This invoice already has a gift card, membership, prepaid or points payment. Remove it in Zenoti first, then redeem the session.".into()
        }
        PackageRefusal::NotFound => "Zenoti could not find this invoice, package or service. Open the guest's packages again.".into(),
        PackageRefusal::Other => {
            format!("Zenoti refused the redemption: \"{message}\" Nothing was redeemed. Check the details and try again.")
        }
    };
    IpcError::new(ErrorCode::RedemptionRefused, text)
        .with_detail(format!("Zenoti error {}: {message}", code.unwrap_or("-")))
}
