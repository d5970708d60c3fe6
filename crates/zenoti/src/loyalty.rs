//! Loyalty points: what a guest can redeem on an invoice, paying part of it with points, and
//! the guest's redemptions on an invoice.
//!
//! UNKNOWN in the docs, our reading (implemented the same way by the sandbox): the inner fields
//! of the redemption response; the redeemable-points path, which the docs put under
//! `/v1/guests/{invoice_id}/…`; `otp_required` beside `lp_redeemable`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::de::null_as_empty;
use crate::error::{required, Error, Result};
use crate::invoices::{RedeemedInvoice, Transaction};
use crate::money::{Money, Points, Rate};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Redeemable {
    /// Points that can be redeemed on this invoice, and their value.
    pub points: Option<Points>,
    pub amount: Option<Money>,
    #[serde(deserialize_with = "null_as_empty")]
    pub loyalty_programs: Vec<LoyaltyProgram>,
    pub total_available_points: Option<Points>,
    pub total_available_amount: Option<Money>,
    /// Money per point.
    pub exchange_rate: Option<Rate>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct LoyaltyProgram {
    pub id: String,
    pub name: Option<String>,
    pub points: Option<ProgramPoints>,
    pub exchange_rate: Option<Rate>,
    pub max_points_per_invoice: Option<Points>,
    pub increment: Option<Points>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct ProgramPoints {
    pub earned: Option<Points>,
    pub available: Option<Points>,
    pub redeemable: Option<Points>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct RedeemableInfo {
    pub lp_redeemable: Redeemable,
    /// Whether the guest must give the OTP they were sent.
    pub otp_required: Option<bool>,
}

/// The body of a redemption. `points` is a decimal, as documented.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RedeemRequest {
    /// Sent as a JSON number.
    #[serde(with = "rust_decimal::serde::float")]
    pub points: Decimal,
    pub center_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program_id: Option<String>,
    pub cash_register_id: String,
    /// 0: the one program given; 1: across all the guest's programs.
    pub redeem_across_programs: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Redemption {
    pub payment: Option<Transaction>,
    pub redemptions: Option<RedemptionDetails>,
    pub invoice: Option<RedeemedInvoice>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct RedemptionDetails {
    pub program_id: Option<String>,
    pub program_name: Option<String>,
    pub points: Option<Points>,
    pub amount: Option<Money>,
    /// Points left in the program.
    pub balance_points: Option<Points>,
}

/// A redemption of a guest's points on one invoice, as the points history shows it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct RedeemedPoints {
    pub invoice_no: Option<String>,
    pub receipt_no: Option<String>,
    pub points: Option<Points>,
    pub amount: Option<Money>,
    pub payment_id: Option<String>,
}

#[derive(Deserialize)]
struct RedeemedPointsResponse {
    #[serde(default, deserialize_with = "null_as_empty")]
    redeemed_points: Vec<RedeemedPoints>,
}

/// Why Zenoti refused a redemption, read from its documented messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// More points than the guest has; `current` is the balance Zenoti reported.
    BalanceExceeded {
        current: Option<Decimal>,
    },
    InvalidPoints,
    InvoiceMissing,
    InvalidCenter,
    InvalidOtp,
    InsufficientBalance,
    PrepaidPaymentApplied,
    InvalidProgram,
    /// More than the program allows on one invoice; `max` as Zenoti reported it.
    AboveMaximum {
        max: Option<Decimal>,
    },
    NotAllowedByOrganization,
    NoRedeemableItems,
    NotAMultiple {
        of: Option<Decimal>,
    },
    NonRedeemableTier,
    /// UNKNOWN: Zenoti's words for a closed invoice are not documented; the sandbox's.
    InvoiceClosed,
    /// A message this client does not know: shown as it came.
    Other,
}

/// The last number in a message ("Current balance: 6430." → 6430).
fn number_in(message: &str) -> Option<Decimal> {
    let tail: String =
        message.trim_end_matches('.').chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    tail.chars().rev().collect::<String>().trim_matches('.').parse().ok()
}

impl Refusal {
    pub fn classify(message: &str) -> Refusal {
        let m = message.to_lowercase();
        if m.contains("more than the points balance") {
            Refusal::BalanceExceeded { current: number_in(message) }
        } else if m.contains("maximum points allowed") {
            Refusal::AboveMaximum { max: number_in(message) }
        } else if m.contains("multiples of") {
            Refusal::NotAMultiple { of: number_in(message) }
        } else if m.contains("invalid points") {
            Refusal::InvalidPoints
        } else if m.contains("invoiceid is not passed") {
            Refusal::InvoiceMissing
        } else if m.contains("invalid centerid") {
            Refusal::InvalidCenter
        } else if m.contains("valid otp") {
            Refusal::InvalidOtp
        } else if m.contains("balance insufficien") {
            Refusal::InsufficientBalance
        } else if m.contains("pre-paid instrument") {
            Refusal::PrepaidPaymentApplied
        } else if m.contains("programid is not valid") {
            Refusal::InvalidProgram
        } else if m.contains("organization settings") {
            Refusal::NotAllowedByOrganization
        } else if m.contains("can not be used to redeem any item") {
            Refusal::NoRedeemableItems
        } else if m.contains("non redeemable tier") {
            Refusal::NonRedeemableTier
        } else if m.contains("invoice is closed") {
            Refusal::InvoiceClosed
        } else {
            Refusal::Other
        }
    }
}

impl Client {
    /// The guest's points redeemable on this invoice, per program.
    pub async fn redeemable_points(
        &self,
        invoice_id: &str,
        program_id: Option<&str>,
        across_programs: bool,
    ) -> Result<RedeemableInfo> {
        let id = required(invoice_id, "an invoice")?;
        let mut query = vec![("redeem_across_programs", if across_programs { "1" } else { "0" }.to_owned())];
        if let Some(p) = program_id.map(str::trim).filter(|p| !p.is_empty()) {
            query.push(("lp_program_id", p.to_owned()));
        }
        let url = self.url(&self.readings().redeemable_points.segments(&id));
        self.get(url, &query).await
    }

    /// Pays part of an invoice with points. Sent once, never retried: after an error that
    /// leaves the outcome unknown (timeout, broken connection, 5xx), read the invoice to learn
    /// whether it was applied.
    pub async fn redeem_points(&self, invoice_id: &str, request: &RedeemRequest) -> Result<Redemption> {
        let id = required(invoice_id, "an invoice")?;
        if request.points <= Decimal::ZERO {
            return Err(Error::InvalidInput("Enter a number of points above zero.".into()));
        }
        required(&request.center_id, "a center")?;
        required(&request.cash_register_id, "this workstation's cash register")?;
        if request.redeem_across_programs == 0 && request.program_id.as_deref().is_none_or(|p| p.trim().is_empty()) {
            return Err(Error::InvalidInput("Choose a loyalty program.".into()));
        }
        self.post(self.url(&["v1", "invoices", &id, "payments", "loyalty_points"]), request).await
    }

    /// The guest's redemptions on one invoice.
    pub async fn redeemed_points(&self, guest_id: &str, invoice_id: &str) -> Result<Vec<RedeemedPoints>> {
        let guest = required(guest_id, "a guest")?;
        let invoice = required(invoice_id, "an invoice")?;
        let response: RedeemedPointsResponse =
            self.get(self.url(&["v1", "guests", &guest, "points", "1"]), &[("invoice_id", invoice)]).await?;
        Ok(response.redeemed_points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_refusal_is_recognised() {
        let d = |s: &str| s.parse::<Decimal>().ok();
        let cases = [
            ("Points to redeem can not be more than the Points Balance. Current balance: 6430.", Refusal::BalanceExceeded { current: d("6430") }),
            ("Invalid points.", Refusal::InvalidPoints),
            ("InvoiceId is not passed.", Refusal::InvoiceMissing),
            ("Invalid CenterId.", Refusal::InvalidCenter),
            ("Please enter a valid OTP.", Refusal::InvalidOtp),
            ("Balance Insufficient.", Refusal::InsufficientBalance),
            ("Balance Insufficien", Refusal::InsufficientBalance),
            ("Redemptions cannot be applied once a payment is made using a pre-paid instrument such as membership, gift card, pre-paid card or loyalty points. To continue with redemption, you must first remove these payments.", Refusal::PrepaidPaymentApplied),
            ("ProgramId is not valid.", Refusal::InvalidProgram),
            ("Points to redeem can not be more than the Maximum points allowed for redemption. Max points to redeem: 9.00.", Refusal::AboveMaximum { max: d("9.00") }),
            ("Can not redeem points to purchase any items as per the organization settings.", Refusal::NotAllowedByOrganization),
            ("Loyalty points can not be used to redeem any item in the invoice.", Refusal::NoRedeemableItems),
            ("Points to redeem should be in the multiples of 3.", Refusal::NotAMultiple { of: d("3") }),
            ("Can't redeem points as the guest is in non redeemable tier.", Refusal::NonRedeemableTier),
            ("Invoice is closed. Redemptions can be applied only to open invoices.", Refusal::InvoiceClosed),
            ("Something new went wrong.", Refusal::Other),
        ];
        for (message, expected) in cases {
            assert_eq!(Refusal::classify(message), expected, "{message}");
        }
    }

    #[test]
    fn the_request_body_is_as_documented() {
        let body = RedeemRequest {
            points: "120".parse().unwrap(),
            center_id: "c".into(),
            program_id: Some("p".into()),
            cash_register_id: "r".into(),
            redeem_across_programs: 0,
            otp: None,
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"points": 120.0, "center_id": "c", "program_id": "p", "cash_register_id": "r", "redeem_across_programs": 0})
        );
    }
}
