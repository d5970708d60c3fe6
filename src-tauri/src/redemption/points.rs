//! Paying an invoice with loyalty points: the reads, the rules and the evidence of this kind.

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde::Deserialize;
use ts_rs::TS;
use zenoti::{Client, Invoice, LoyaltyProgram, RedeemRequest, RedeemableInfo, RedeemedPoints, Redemption, Refusal};

use super::{invalid, AuditEntry, Desk, Kind, RedemptionOutcome};
use crate::error::{ErrorCode, IpcError};

/// A redemption as the Redeem screen asks for it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct RedeemPointsRequest {
    pub invoice_id: String,
    /// The invoice's guest, as the screen showed it (checked against the fresh invoice).
    pub guest_id: String,
    /// The program to redeem from; `None` redeems across all the guest's programs.
    pub program_id: Option<String>,
    /// As typed.
    pub points: String,
    pub otp: Option<String>,
}

/// What a points redemption would pay, by the same reads and rules as the redemption itself,
/// for the confirmation: nothing is sent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, TS)]
#[ts(export)]
pub struct PointsQuote {
    pub points: String,
    /// What the points pay, rounded as the redemption rounds it; `None` where the program's
    /// rate is not known.
    pub amount: Option<String>,
    pub program_name: Option<String>,
    /// What is left to pay on the invoice now.
    pub balance_due: String,
}

/// Reads the invoice and what its guest can redeem, and applies the redemption's rules to what
/// was typed (all but the OTP and the cash register, checked when redeeming).
pub async fn quote(client: &Client, request: &RedeemPointsRequest) -> Result<PointsQuote, IpcError> {
    let points = parse_points(&request.points)?;
    let across = request.program_id.is_none();
    let (invoice, info) = tokio::join!(
        client.get_invoice(&request.invoice_id),
        client.redeemable_points(&request.invoice_id, request.program_id.as_deref(), across),
    );
    let (invoice, info) = (invoice?, info?);
    check_same_guest(&invoice, &request.guest_id)?;
    let due = check_payable(&invoice)?;
    let program = choose_program(&info, request.program_id.as_deref())?;
    check_points(points, &info, program.as_ref())?;
    let amount = value_of(points, rate_of(program.as_ref(), &info));
    check_worth(points, amount, due)?;
    Ok(PointsQuote {
        points: points.normalize().to_string(),
        amount: amount.map(|a| a.to_string()),
        program_name: program.and_then(|p| p.name),
        balance_due: due.to_string(),
    })
}

/// The program's exchange rate, or the guest's across programs.
fn rate_of(program: Option<&LoyaltyProgram>, info: &RedeemableInfo) -> Option<Decimal> {
    program.and_then(|p| p.exchange_rate).or(info.lp_redeemable.exchange_rate).map(|r| r.get())
}

/// Everything the rules allowed.
pub(crate) struct Plan {
    invoice: Invoice,
    guest_id: String,
    points: Decimal,
    /// What the points pay, where the program's rate is known.
    amount: Option<Decimal>,
    program: Option<LoyaltyProgram>,
    body: RedeemRequest,
    /// The guest's redemptions on this invoice before sending: the second witness.
    history_before: Vec<RedeemedPoints>,
}

// ---- the rules: pure functions of what was read and typed ----

/// Whole points above zero, as typed.
pub(crate) fn parse_points(text: &str) -> Result<Decimal, IpcError> {
    let text = text.trim();
    let points: Decimal = text
        .parse()
        .map_err(|_| invalid(format!("\"{text}\" is not a number of points. Type whole points, for example 250.")))?;
    if points <= Decimal::ZERO {
        return Err(invalid("Type a number of points above zero."));
    }
    if points.fract() != Decimal::ZERO {
        return Err(invalid("Points are redeemed whole: remove the decimals."));
    }
    Ok(points)
}

pub(crate) fn check_same_guest(invoice: &Invoice, guest_id: &str) -> Result<(), IpcError> {
    let on_invoice = invoice.guest.as_ref().map(|g| g.id.as_str()).unwrap_or("");
    if on_invoice.is_empty() || !on_invoice.eq_ignore_ascii_case(guest_id.trim()) {
        return Err(invalid("This invoice now belongs to another guest. Find the invoice again."));
    }
    Ok(())
}

/// Open, with something left to pay, and no prepaid payment on it. Returns the balance due.
pub(crate) fn check_payable(invoice: &Invoice) -> Result<Decimal, IpcError> {
    if !invoice.is_open() {
        return Err(invalid("This invoice is closed: points can be redeemed only on an open invoice."));
    }
    let due = invoice.balance_due().unwrap_or_default();
    if due <= Decimal::ZERO {
        return Err(invalid("This invoice is fully paid: there is nothing left to pay with points."));
    }
    if invoice.transactions.iter().any(|t| is_prepaid(t.option_name())) {
        return Err(invalid(
            "This invoice already has a gift card, membership or prepaid payment. Remove it in Zenoti first, then redeem points.",
        ));
    }
    Ok(due)
}

/// Gift cards, memberships and prepaid cards block loyalty redemptions (Zenoti's rule).
/// UNKNOWN: the names Zenoti gives these payment options; read from `payment_name`.
pub(crate) fn is_prepaid(payment_name: &str) -> bool {
    let name = payment_name.to_lowercase();
    ["gift card", "giftcard", "membership", "prepaid", "pre-paid"].iter().any(|p| name.contains(p))
}

/// The program asked for, among those the guest has on this invoice.
pub(crate) fn choose_program(
    info: &RedeemableInfo,
    program_id: Option<&str>,
) -> Result<Option<LoyaltyProgram>, IpcError> {
    let Some(id) = program_id.map(str::trim).filter(|p| !p.is_empty()) else { return Ok(None) };
    info.lp_redeemable
        .loyalty_programs
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(id))
        .cloned()
        .map(Some)
        .ok_or_else(|| invalid("The guest has no points in that program. Choose another program."))
}

/// Within the balance, the program's maximum per invoice and its steps.
pub(crate) fn check_points(
    points: Decimal,
    info: &RedeemableInfo,
    program: Option<&LoyaltyProgram>,
) -> Result<(), IpcError> {
    let available = match program {
        Some(p) => p.points.as_ref().and_then(|x| x.available.or(x.earned)),
        None => info.lp_redeemable.total_available_points,
    }
    .unwrap_or_default();
    if points > available {
        return Err(invalid(format!(
            "The guest has {} points: type {} or fewer.",
            available.normalize(),
            available.normalize()
        )));
    }
    if let Some(max) = program.and_then(|p| p.max_points_per_invoice) {
        if points > max {
            return Err(invalid(format!("At most {} points can be redeemed on one invoice.", max.normalize())));
        }
    }
    if let Some(step) = program.and_then(|p| p.increment).map(|s| s.get()).filter(|s| *s > Decimal::ONE) {
        if (points % step) != Decimal::ZERO {
            return Err(invalid(format!(
                "Points are redeemed in steps of {}: try {}.",
                step.normalize(),
                (points - points % step).normalize()
            )));
        }
    }
    Ok(())
}

/// The money a number of points is worth at a rate (`None` without a rate, or when it would not fit).
pub(crate) fn value_of(points: Decimal, rate: Option<Decimal>) -> Option<Decimal> {
    rate.and_then(|r| points.checked_mul(r)).map(|v| v.round_dp(2))
}

pub(crate) fn check_worth(points: Decimal, amount: Option<Decimal>, due: Decimal) -> Result<(), IpcError> {
    match amount {
        Some(amount) if amount > due => Err(invalid(format!(
            "{points} points are worth {amount}, more than the {due} left to pay: type fewer points."
        ))),
        _ => Ok(()),
    }
}

pub(crate) fn check_otp(required: bool, otp: Option<&str>) -> Result<Option<String>, IpcError> {
    let otp = otp.map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned);
    if required && otp.is_none() {
        return Err(IpcError::new(
            ErrorCode::OtpRequired,
            "Ask the guest for the code Zenoti sent them (or use the center's override code), then enter it.",
        ));
    }
    Ok(otp)
}

// ---- the kind ----

impl Plan {
    fn outcome(&self, desk: &Desk) -> RedemptionOutcome {
        let mut o = RedemptionOutcome::new(
            super::RedemptionKind::Points,
            &self.invoice.id,
            self.invoice.printed_number(),
            &desk.workstation,
        );
        o.points = Some(self.points.to_string());
        o.amount = self.amount.map(|a| a.to_string());
        o.program_name = self.program.as_ref().and_then(|p| p.name.clone());
        o
    }
}

impl Kind for RedeemPointsRequest {
    type Plan = Plan;
    type Answer = Redemption;

    fn invoice_id(&self) -> &str {
        &self.invoice_id
    }

    async fn prepare(self, client: &Client, desk: &Desk) -> Result<Plan, IpcError> {
        let register =
            desk.cash_register_id.clone().filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                invalid("Choose this workstation's cash register in Settings before redeeming points.")
            })?;
        let points = parse_points(&self.points)?;
        if self.guest_id.trim().is_empty() {
            return Err(invalid("Choose an invoice with a guest first."));
        }
        let across = self.program_id.is_none();
        // Independent reads, at once: one round trip before the payment.
        let (invoice, info, history) = tokio::join!(
            client.get_invoice(&self.invoice_id),
            client.redeemable_points(&self.invoice_id, self.program_id.as_deref(), across),
            client.redeemed_points(&self.guest_id, &self.invoice_id),
        );
        let (invoice, info, history_before) = (invoice?, info?, history?);
        check_same_guest(&invoice, &self.guest_id)?;
        let due = check_payable(&invoice)?;
        let program = choose_program(&info, self.program_id.as_deref())?;
        check_points(points, &info, program.as_ref())?;
        let amount = value_of(points, rate_of(program.as_ref(), &info));
        check_worth(points, amount, due)?;
        let otp = check_otp(info.otp_required == Some(true), self.otp.as_deref())?;
        let body = RedeemRequest {
            points,
            center_id: invoice.center_id.clone().unwrap_or_default(),
            program_id: program.as_ref().map(|p| p.id.clone()),
            cash_register_id: register,
            redeem_across_programs: if program.is_some() { 0 } else { 1 },
            otp,
        };
        Ok(Plan {
            guest_id: invoice.guest.as_ref().map(|g| g.id.clone()).unwrap_or_default(),
            invoice,
            points,
            amount,
            program,
            body,
            history_before,
        })
    }

    fn audit_entry(plan: &Plan) -> AuditEntry {
        AuditEntry {
            time: super::now(),
            center_id: plan.body.center_id.clone(),
            invoice_id: plan.invoice.id.clone(),
            invoice_number: plan.invoice.printed_number(),
            guest_id: Some(plan.guest_id.clone()),
            points: Some(plan.points.to_string()),
            amount: plan.amount.map(|a| a.to_string()),
            ..Default::default()
        }
    }

    async fn send(plan: &Plan, client: &Client) -> zenoti::Result<Redemption> {
        client.redeem_points(&plan.invoice.id, &plan.body).await
    }

    fn applied_by_answer(plan: &Plan, answer: Redemption, desk: &Desk) -> Option<RedemptionOutcome> {
        let payment = answer.payment.filter(|p| !p.transaction_id.trim().is_empty());
        let details = answer.redemptions.filter(|d| d.points.is_some_and(|p| p > Decimal::ZERO));
        if payment.is_none() && details.is_none() {
            return None;
        }
        let mut o = plan.outcome(desk);
        if let Some(d) = &details {
            o.amount = d.amount.map(|a| a.to_string()).or(o.amount);
            o.program_name = d.program_name.clone().or(o.program_name);
            o.points_left = d.balance_points.map(|p| p.to_string());
        }
        if let Some(p) = &payment {
            o.amount = o.amount.or(p.amount_paid.map(|a| a.to_string()));
            o.center_time = p.payment_date.clone();
            o.evidence = Some(format!("Zenoti's answer (payment {})", p.transaction_id));
        }
        o.balance_due = answer.invoice.and_then(|i| i.balance).map(|b| b.to_string());
        Some(o)
    }

    async fn look(plan: &Plan, client: &Client, desk: &Desk) -> zenoti::Result<Option<RedemptionOutcome>> {
        let (invoice, history) = tokio::join!(
            client.get_invoice(&plan.invoice.id),
            client.redeemed_points(&plan.guest_id, &plan.invoice.id)
        );
        let known: HashSet<String> =
            plan.invoice.transactions.iter().map(|t| t.transaction_id.to_ascii_lowercase()).collect();
        let new_payment = invoice.as_ref().ok().and_then(|after| {
            after
                .transactions
                .iter()
                .find(|t| {
                    !t.transaction_id.is_empty()
                        && !known.contains(&t.transaction_id.to_ascii_lowercase())
                        && plan.amount.is_some_and(|a| t.amount_paid == Some(a.into()))
                })
                .cloned()
        });
        let before: HashSet<String> =
            plan.history_before.iter().filter_map(|h| h.payment_id.as_deref()).map(str::to_ascii_lowercase).collect();
        let in_history = history.as_ref().ok().is_some_and(|h| {
            let new: Vec<&RedeemedPoints> = h
                .iter()
                .filter(|r| r.payment_id.as_deref().is_none_or(|id| !before.contains(&id.to_ascii_lowercase())))
                .collect();
            h.len() > plan.history_before.len() && new.iter().any(|r| r.points.is_none_or(|p| p == plan.points))
        });
        if new_payment.is_none() && !in_history {
            // Nothing seen: an error of either read means it could not be checked.
            invoice?;
            history?;
            return Ok(None);
        }
        let mut o = plan.outcome(desk);
        o.checked_after_lost_answer = true;
        if let Ok(after) = &invoice {
            o.balance_due = after.balance_due().map(|b| b.to_string());
        }
        o.evidence = Some(match &new_payment {
            Some(p) => {
                o.center_time = p.payment_date.clone();
                format!("payment {} on the invoice", p.transaction_id)
            }
            None => "the guest's points history".to_owned(),
        });
        Ok(Some(o))
    }

    fn unseen(plan: &Plan, desk: &Desk) -> RedemptionOutcome {
        plan.outcome(desk)
    }

    fn is_documented_refusal(message: &str) -> bool {
        Refusal::classify(message) != Refusal::Other
    }

    fn refusal(message: &str, code: Option<&str>) -> IpcError {
        refusal_error(message, code)
    }
}

/// Zenoti's refusal in a sentence a receptionist can act on; the raw text is the detail.
pub fn refusal_error(message: &str, code: Option<&str>) -> IpcError {
    let n = |d: Decimal| d.normalize();
    let text = match Refusal::classify(message) {
        Refusal::BalanceExceeded { current } => match current {
            Some(c) => format!("The guest has only {} points now. Type {} or fewer.", n(c), n(c)),
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
            Some(m) => format!("At most {} points can be redeemed on this invoice. Type {} or fewer.", n(m), n(m)),
            None => "That is more than can be redeemed on this invoice. Type fewer points.".into(),
        },
        Refusal::NotAllowedByOrganization => {
            "Your organization's Zenoti settings do not allow paying with points. Ask your Zenoti administrator.".into()
        }
        Refusal::NoRedeemableItems => {
            "Nothing on this invoice can be paid with points (gift cards and some items are excluded). Take another payment.".into()
        }
        Refusal::NotAMultiple { of } => match of {
            Some(s) => format!("Points are redeemed in steps of {}. Type a multiple of {}.", n(s), n(s)),
            None => "That number of points is not allowed by the program's steps. Type another amount.".into(),
        },
        Refusal::NonRedeemableTier => {
            "The guest's loyalty tier cannot redeem points. Take another payment, or ask a manager.".into()
        }
        Refusal::InvoiceClosed => "This invoice is closed in Zenoti. Nothing was paid: redeem on an open invoice.".into(),
        Refusal::Other => format!("Zenoti refused the redemption: \"{message}\" Nothing was paid. Check the details and try again."),
    };
    IpcError::new(ErrorCode::RedemptionRefused, text)
        .with_detail(format!("Zenoti error {}: {message}", code.unwrap_or("-")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn invoice(v: serde_json::Value) -> Invoice {
        serde_json::from_value(v).unwrap()
    }

    fn info(v: serde_json::Value) -> RedeemableInfo {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn points_are_whole_and_above_zero() {
        assert_eq!(parse_points(" 250 ").unwrap(), Decimal::from(250));
        for bad in ["", "abc", "0", "-10", "10.5", "1,000"] {
            assert_eq!(parse_points(bad).unwrap_err().code, ErrorCode::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn the_guest_is_compared_in_any_letter_case() {
        let inv = invoice(json!({"id": "i", "guest": {"id": "a9996495-6bcd"}}));
        assert!(check_same_guest(&inv, "A9996495-6BCD").is_ok());
        assert!(check_same_guest(&inv, "someone-else").is_err());
        assert!(check_same_guest(&invoice(json!({"id": "i"})), "x").is_err());
    }

    #[test]
    fn only_an_open_unpaid_invoice_without_prepaid_payments_is_payable() {
        let open = json!({"id": "i", "is_closed": false, "invoice_dues": {"total": 100, "paid": 0, "balance": 100}});
        assert_eq!(check_payable(&invoice(open.clone())).unwrap(), Decimal::from(100));
        let mut closed = open.clone();
        closed["is_closed"] = json!(true);
        assert!(check_payable(&invoice(closed)).is_err());
        let mut paid = open.clone();
        paid["invoice_dues"]["balance"] = json!(0);
        assert!(check_payable(&invoice(paid)).is_err());
        let mut gift = open.clone();
        gift["transactions"] =
            json!([{"transaction_id": "t", "payment_option": {"payment_name": "Gift Card"}, "amount_paid": 20}]);
        assert!(check_payable(&invoice(gift)).is_err());
        let mut cash = open;
        cash["transactions"] =
            json!([{"transaction_id": "t", "payment_option": {"payment_name": "CASH"}, "amount_paid": 20}]);
        assert!(check_payable(&invoice(cash)).is_ok(), "a cash payment does not block points");
    }

    #[test]
    fn points_stay_within_balance_maximum_and_steps() {
        let i = info(json!({"lp_redeemable": {"total_available_points": 500, "loyalty_programs": [
            {"id": "P1", "points": {"available": 300}, "max_points_per_invoice": 200, "increment": 10, "exchange_rate": 0.1}
        ]}}));
        let program = choose_program(&i, Some("p1")).unwrap();
        assert!(program.is_some(), "ids in any letter case");
        assert!(choose_program(&i, Some("other")).is_err());
        let p = program.as_ref();
        assert!(check_points(Decimal::from(100), &i, p).is_ok());
        assert!(check_points(Decimal::from(310), &i, p).is_err(), "over the balance");
        assert!(check_points(Decimal::from(250), &i, p).is_err(), "over the maximum");
        assert!(check_points(Decimal::from(15), &i, p).unwrap_err().message.contains("try 10"));
        assert!(check_points(Decimal::from(450), &i, None).is_ok(), "across programs: the total");
    }

    #[test]
    fn worth_is_exact_and_never_overflows() {
        assert_eq!(value_of(Decimal::from(15), Some("0.1".parse().unwrap())), Some("1.5".parse().unwrap()));
        assert_eq!(value_of(Decimal::MAX, Some(Decimal::from(2))), None);
        assert_eq!(value_of(Decimal::from(15), None), None);
        assert!(check_worth(Decimal::from(100), Some(Decimal::from(10)), Decimal::from(5)).is_err());
        assert!(check_worth(Decimal::from(100), Some(Decimal::from(5)), Decimal::from(5)).is_ok());
        assert!(check_worth(Decimal::from(100), None, Decimal::from(5)).is_ok());
    }

    #[test]
    fn a_required_code_must_be_given() {
        assert_eq!(check_otp(true, Some("  ")).unwrap_err().code, ErrorCode::OtpRequired);
        assert_eq!(check_otp(true, Some(" 123456 ")).unwrap().as_deref(), Some("123456"));
        assert_eq!(check_otp(false, None).unwrap(), None);
    }

    #[test]
    fn prepaid_payments_are_named_by_zenoti() {
        for name in ["Gift Card", "GIFTCARD", "Membership", "Prepaid Card", "pre-paid card"] {
            assert!(is_prepaid(name), "{name}");
        }
        for name in ["CASH", "Card", "Loyalty Points", ""] {
            assert!(!is_prepaid(name), "{name}");
        }
    }
}
