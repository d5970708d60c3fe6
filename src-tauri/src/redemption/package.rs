//! Redeeming one session of a guest's package on an invoice line: the reads, the rules and the
//! evidence of this kind.

use chrono::NaiveDate;
use serde::Deserialize;
use ts_rs::TS;
use zenoti::{
    can_redeem_on, Client, HeldPackage, Invoice, InvoiceItem, InvoiceItemType, PackageBenefit, PackageRedemption,
    PackageRefusal,
};

use super::{invalid, AuditEntry, Desk, Kind, RedemptionOutcome};
use crate::error::{ErrorCode, IpcError};

/// A package redemption as the Guest packages screen asks for it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct RedeemPackageRequest {
    pub invoice_id: String,
    /// The invoice's center (checked against the fresh invoice).
    pub center_id: String,
    pub guest_id: String,
    pub user_package_id: String,
    /// The invoice line (`invoice_item_id`) the session pays for.
    pub invoice_item_id: String,
    pub otp: Option<String>,
}

pub(crate) struct Plan {
    invoice: Invoice,
    line: InvoiceItem,
    package_name: Option<String>,
    body: zenoti::RedeemPackageRequest,
    /// The line's redemptions in the package's history before sending: the witness.
    before: usize,
}

// ---- the rules ----

pub(crate) fn check_invoice(invoice: &Invoice, guest_id: &str, center_id: &str) -> Result<(), IpcError> {
    if !invoice.is_open() {
        return Err(invalid("This invoice is closed: a package session can be redeemed only on an open invoice."));
    }
    let guest = invoice.guest.as_ref().map(|g| g.id.as_str()).unwrap_or("");
    if guest.is_empty() || !guest.eq_ignore_ascii_case(guest_id.trim()) {
        return Err(invalid("This invoice belongs to another guest. Find this guest's own invoice."));
    }
    if !invoice.center_id.as_deref().unwrap_or("").eq_ignore_ascii_case(center_id.trim()) {
        return Err(invalid("This invoice belongs to another center. Switch to its center, then try again."));
    }
    Ok(())
}

/// The line, not yet paid by a package, selling a service. Returns the line and its service.
pub(crate) fn check_line(invoice: &Invoice, invoice_item_id: &str) -> Result<(InvoiceItem, String), IpcError> {
    let line = invoice
        .line(invoice_item_id)
        .cloned()
        .ok_or_else(|| invalid("That service is no longer on the invoice. Find the invoice again."))?;
    if line.package_redemption.is_some() {
        return Err(invalid("A package already pays for this service on the invoice. Choose another service."));
    }
    let is_service = matches!(line.item_type, None | Some(InvoiceItemType::Service));
    let service = line.id.clone().filter(|s| is_service && !s.trim().is_empty());
    let service =
        service.ok_or_else(|| invalid("A package can pay only for a service. Choose a service on the invoice."))?;
    Ok((line, service))
}

/// The day the redemption counts on: the invoice's date on the center's clock, or this
/// computer's date without one.
pub(crate) fn invoice_day(invoice: &Invoice) -> NaiveDate {
    invoice
        .invoice_date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

pub(crate) fn find_package(packages: &[HeldPackage], user_package_id: &str) -> Result<HeldPackage, IpcError> {
    packages
        .iter()
        .find(|p| p.package.user_package_id.eq_ignore_ascii_case(user_package_id.trim()))
        .cloned()
        .ok_or_else(|| invalid("The guest no longer has that package. Open the guest's packages again."))
}

/// Sessions of the service left, by the package's own account; refused when none.
pub(crate) fn check_sessions_left(
    benefits: &[PackageBenefit],
    service_id: &str,
    package: Option<&str>,
    service: Option<&str>,
) -> Result<i64, IpcError> {
    let balance = sessions_of(benefits, service_id).ok_or_else(|| {
        invalid(format!(
            "{} does not include {}. Choose another package or service.",
            package.unwrap_or("This package"),
            service.unwrap_or("this service")
        ))
    })?;
    if balance <= 0 {
        return Err(invalid(format!(
            "No {} sessions are left in {}.",
            service.unwrap_or("such"),
            package.unwrap_or("this package")
        )));
    }
    Ok(balance)
}

fn sessions_of(benefits: &[PackageBenefit], service_id: &str) -> Option<i64> {
    benefits
        .iter()
        .find(|b| b.is_service() && b.id().is_some_and(|id| id.eq_ignore_ascii_case(service_id)))
        .map(|b| b.balance.unwrap_or(0))
}

pub(crate) fn check_code(held: &HeldPackage, otp: Option<&str>) -> Result<Option<String>, IpcError> {
    let otp = otp.map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned);
    let required = held.package.package.as_ref().and_then(|p| p.is_otp_required) == Some(true);
    if required && otp.is_none() {
        return Err(IpcError::new(
            ErrorCode::OtpRequired,
            "This package asks for the code Zenoti sent the guest (or the center's override code). Enter it, then redeem.",
        ));
    }
    Ok(otp)
}

// ---- the kind ----

impl Plan {
    fn outcome(&self, desk: &Desk) -> RedemptionOutcome {
        let mut o = RedemptionOutcome::new(
            super::RedemptionKind::Session,
            &self.invoice.id,
            self.invoice.printed_number(),
            &desk.workstation,
        );
        o.package_name = self.package_name.clone();
        o.service_name = self.line.name.clone();
        o
    }
}

impl Kind for RedeemPackageRequest {
    type Plan = Plan;
    type Answer = PackageRedemption;

    fn invoice_id(&self) -> &str {
        &self.invoice_id
    }

    async fn prepare(self, client: &Client, _desk: &Desk) -> Result<Plan, IpcError> {
        for (value, what) in [
            (&self.invoice_id, "an invoice"),
            (&self.center_id, "a center"),
            (&self.guest_id, "a guest"),
            (&self.user_package_id, "a package"),
            (&self.invoice_item_id, "the service on the invoice"),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(format!("Choose {what} first.")));
            }
        }
        let (guest, package) = (self.guest_id.trim(), self.user_package_id.trim());
        // Independent reads, at once: one round trip before the redemption.
        let (invoice, packages, benefits, history) = tokio::join!(
            client.get_invoice(&self.invoice_id),
            client.guest_packages(guest, &self.center_id),
            client.package_benefits(guest, package),
            client.package_history(guest, package),
        );
        let invoice = invoice?;
        check_invoice(&invoice, guest, &self.center_id)?;
        let (line, service_id) = check_line(&invoice, &self.invoice_item_id)?;
        let held = find_package(&packages?, package)?;
        can_redeem_on(&held, invoice_day(&invoice)).map_err(invalid)?;
        let package_name = held.package.package.as_ref().and_then(|x| x.name.clone());
        check_sessions_left(&benefits?, &service_id, package_name.as_deref(), line.name.as_deref())?;
        let otp = check_code(&held, self.otp.as_deref())?;
        let before = history?.redemptions_of_item(&line.invoice_item_id);
        let body = zenoti::RedeemPackageRequest {
            center_id: invoice.center_id.clone().unwrap_or_default(),
            guest_id: invoice.guest.as_ref().map(|g| g.id.clone()).unwrap_or_default(),
            user_package_id: held.package.user_package_id.clone(),
            invoice_item_id: line.invoice_item_id.clone(),
            service_id,
            otp,
        };
        Ok(Plan { invoice, line, package_name, body, before })
    }

    fn audit_entry(plan: &Plan) -> AuditEntry {
        AuditEntry {
            time: super::now(),
            center_id: plan.body.center_id.clone(),
            invoice_id: plan.invoice.id.clone(),
            invoice_number: plan.invoice.printed_number(),
            guest_id: Some(plan.body.guest_id.clone()),
            package: Some(format!(
                "{}: {}",
                plan.package_name.as_deref().unwrap_or("Package"),
                plan.line.name.as_deref().unwrap_or("service")
            )),
            amount: plan.line.price.as_ref().and_then(|p| p.r#final.or(p.sales)).map(|a| a.to_string()),
            ..Default::default()
        }
    }

    async fn send(plan: &Plan, client: &Client) -> zenoti::Result<PackageRedemption> {
        client.redeem_package(&plan.invoice.id, &plan.body).await
    }

    fn applied_by_answer(plan: &Plan, answer: PackageRedemption, desk: &Desk) -> Option<RedemptionOutcome> {
        let redemption = answer.redemption?;
        let mut o = plan.outcome(desk);
        o.sessions_left = answer.benefit.and_then(|b| b.balance);
        o.balance_due = answer.invoice.and_then(|i| i.balance).map(|b| b.to_string());
        o.center_time = redemption.usage_date.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string());
        Some(o)
    }

    async fn look(plan: &Plan, client: &Client, desk: &Desk) -> zenoti::Result<Option<RedemptionOutcome>> {
        let (guest, package) = (&plan.body.guest_id, &plan.body.user_package_id);
        let (history, invoice, benefits) = tokio::join!(
            client.package_history(guest, package),
            client.get_invoice(&plan.invoice.id),
            client.package_benefits(guest, package),
        );
        let line = &plan.line.invoice_item_id;
        let in_history = history.as_ref().ok().is_some_and(|h| h.redemptions_of_item(line) > plan.before);
        let on_line = invoice.as_ref().ok().and_then(|i| i.line(line)).is_some_and(|l| {
            l.package_redemption
                .as_ref()
                .and_then(|r| r.user_package_id.as_deref())
                .is_some_and(|id| id.eq_ignore_ascii_case(package))
        });
        if !in_history && !on_line {
            history?;
            invoice?;
            return Ok(None);
        }
        let mut o = plan.outcome(desk);
        o.checked_after_lost_answer = true;
        o.evidence = Some(if in_history { "the package's history" } else { "the invoice line" }.to_owned());
        if let Ok(h) = &history {
            o.center_time = h
                .newest_first()
                .into_iter()
                .find(|l| !l.reversal && l.invoice_item_id.as_deref().is_some_and(|i| i.eq_ignore_ascii_case(line)))
                .and_then(|l| l.date)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
        o.sessions_left = benefits.ok().and_then(|b| sessions_of(&b, &plan.body.service_id));
        o.balance_due = invoice.ok().and_then(|i| i.balance_due()).map(|d| d.to_string());
        Ok(Some(o))
    }

    fn unseen(plan: &Plan, desk: &Desk) -> RedemptionOutcome {
        plan.outcome(desk)
    }

    fn is_documented_refusal(message: &str) -> bool {
        PackageRefusal::classify(message) != PackageRefusal::Other
    }

    fn refusal(message: &str, code: Option<&str>) -> IpcError {
        package_refusal_error(message, code)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn invoice() -> Invoice {
        serde_json::from_value(json!({
            "id": "inv", "center_id": "C1", "is_closed": false, "invoice_date": "2026-11-30T10:00:00",
            "guest": {"id": "G1"},
            "invoice_items": [
                {"invoice_item_id": "LINE-1", "id": "SVC-1", "name": "Massage", "type": 0},
                {"invoice_item_id": "line-2", "id": "prod-1", "name": "Oil", "type": 2},
                {"invoice_item_id": "line-3", "id": "SVC-1", "type": 0, "package_redemption": {"user_package_id": "up"}},
            ],
        }))
        .unwrap()
    }

    #[test]
    fn the_invoice_must_be_the_guests_open_one_at_this_center() {
        let inv = invoice();
        assert!(check_invoice(&inv, "g1", "c1").is_ok(), "ids in any letter case");
        assert!(check_invoice(&inv, "g2", "c1").is_err());
        assert!(check_invoice(&inv, "g1", "c2").is_err());
        let mut closed = inv;
        closed.is_closed = Some(true);
        assert!(check_invoice(&closed, "g1", "c1").is_err());
    }

    #[test]
    fn the_line_is_named_by_its_own_id_and_sells_a_service() {
        let inv = invoice();
        let (line, service) = check_line(&inv, "line-1").unwrap();
        assert_eq!((line.invoice_item_id.as_str(), service.as_str()), ("LINE-1", "SVC-1"));
        assert!(check_line(&inv, "SVC-1").is_err(), "the service's id is not a line");
        assert!(check_line(&inv, "line-2").unwrap_err().message.contains("only for a service"));
        assert!(check_line(&inv, "line-3").unwrap_err().message.contains("already pays"));
    }

    #[test]
    fn sessions_left_come_from_the_benefits() {
        let benefits: Vec<PackageBenefit> = serde_json::from_value(json!([
            {"item": {"id": "svc-1", "type": "Service"}, "balance": 2},
            {"item": {"id": "svc-2", "type": "Service"}, "balance": 0},
        ]))
        .unwrap();
        assert_eq!(check_sessions_left(&benefits, "SVC-1", None, None).unwrap(), 2);
        assert!(check_sessions_left(&benefits, "svc-2", None, Some("Facial"))
            .unwrap_err()
            .message
            .contains("No Facial"));
        assert!(check_sessions_left(&benefits, "svc-3", Some("Spa 10"), None)
            .unwrap_err()
            .message
            .contains("Spa 10 does not include"));
    }

    #[test]
    fn the_day_is_the_invoices() {
        assert_eq!(invoice_day(&invoice()), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    }
}
