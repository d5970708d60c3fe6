//! Redeeming a session of a guest's package on an invoice line, and a package's history of
//! redemptions and reversals.
//!
//! UNKNOWN in the docs, our reading (implemented the same way by the sandbox), all in this file:
//! - where the redemption history comes from: `GET …/packages/{id}/redemptions`, answering with
//!   the four lists of the redemption and reversal webhook events;
//! - the body and answer of `POST /v1/invoices/{id}/redemptions/packages` ([`RedeemPackageRequest`],
//!   [`PackageRedemption`]) and its refusal messages ([`PackageRefusal`]).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::de::{lenient, local_time, tolerant_list};
use crate::error::{required, Result};
use crate::guest_packages::{NamedRef, PackageBenefit, ProductTypeInfo, ServiceTypeInfo};
use crate::invoices::{InvoiceRef, RedeemedInvoice};

/// One redemption of a service or a product from a package (or its reversal).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ItemRedemption {
    #[serde(default, deserialize_with = "lenient")]
    pub invoice: Option<InvoiceRef>,
    /// Service redemptions.
    #[serde(default, deserialize_with = "lenient")]
    pub service: Option<NamedRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub service_type_info: Option<ServiceTypeInfo>,
    /// Product redemptions.
    #[serde(default, deserialize_with = "lenient")]
    pub product: Option<NamedRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub product_type_info: Option<ProductTypeInfo>,
    #[serde(default, deserialize_with = "lenient")]
    pub therapist: Option<NamedRef>,
    /// Sent as "2022-03-01 20:00:00.000".
    #[serde(default, deserialize_with = "local_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub usage_date: Option<NaiveDateTime>,
    #[serde(default, deserialize_with = "lenient")]
    pub center: Option<NamedRef>,
}

/// A package's redemptions and reversals, as the redemption events carry them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PackageHistory {
    #[serde(default, deserialize_with = "tolerant_list")]
    pub service_redemptions: Vec<ItemRedemption>,
    #[serde(default, deserialize_with = "tolerant_list")]
    pub product_redemptions: Vec<ItemRedemption>,
    #[serde(default, deserialize_with = "tolerant_list")]
    pub service_redemptions_reversal: Vec<ItemRedemption>,
    #[serde(default, deserialize_with = "tolerant_list")]
    pub product_redemptions_reversal: Vec<ItemRedemption>,
}

/// One line of a package's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HistoryLine {
    /// A reversal undoes an earlier redemption.
    pub reversal: bool,
    pub product: bool,
    /// The service's or product's name.
    pub item: Option<String>,
    pub invoice_id: Option<String>,
    pub invoice_no: Option<String>,
    pub invoice_item_id: Option<String>,
    pub therapist: Option<String>,
    pub center: Option<String>,
    /// Center-local.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub date: Option<NaiveDateTime>,
}

impl PackageHistory {
    /// Every redemption and reversal, newest first (undated ones last, in the order sent).
    pub fn newest_first(&self) -> Vec<HistoryLine> {
        let lists = [
            (&self.service_redemptions, false, false),
            (&self.product_redemptions, false, true),
            (&self.service_redemptions_reversal, true, false),
            (&self.product_redemptions_reversal, true, true),
        ];
        let mut lines: Vec<HistoryLine> = lists
            .into_iter()
            .flat_map(|(list, reversal, product)| {
                list.iter().map(move |r| {
                    let name = |n: &Option<NamedRef>| n.as_ref().and_then(|n| n.name.clone());
                    HistoryLine {
                        reversal,
                        product,
                        item: if product {
                            name(&r.product).or_else(|| r.product_type_info.as_ref().and_then(|p| p.name.clone()))
                        } else {
                            name(&r.service).or_else(|| r.service_type_info.as_ref().and_then(|s| s.name.clone()))
                        },
                        invoice_id: r.invoice.as_ref().and_then(|i| i.id.clone()),
                        invoice_no: r.invoice.as_ref().and_then(|i| i.no.clone()),
                        invoice_item_id: r.invoice.as_ref().and_then(|i| i.item_id.clone()),
                        therapist: name(&r.therapist),
                        center: name(&r.center),
                        date: r.usage_date,
                    }
                })
            })
            .collect();
        // Stable: among equal dates, the order sent is kept.
        lines.sort_by(|a, b| match (a.date, b.date) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        lines
    }

    /// Redemptions (not reversals) of one invoice item.
    pub fn redemptions_of_item(&self, invoice_item_id: &str) -> usize {
        self.service_redemptions
            .iter()
            .chain(&self.product_redemptions)
            .filter(|r| {
                r.invoice
                    .as_ref()
                    .and_then(|i| i.item_id.as_deref())
                    .is_some_and(|i| i.eq_ignore_ascii_case(invoice_item_id))
            })
            .count()
    }
}

/// The body of a package redemption: one session of one service, applied to the invoice line
/// of that service.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RedeemPackageRequest {
    pub center_id: String,
    pub guest_id: String,
    pub user_package_id: String,
    pub invoice_item_id: String,
    pub service_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

/// Zenoti's answer to a package redemption.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PackageRedemption {
    #[serde(default, deserialize_with = "lenient")]
    pub redemption: Option<ItemRedemption>,
    /// The service's balance after the redemption.
    #[serde(default, deserialize_with = "lenient")]
    pub benefit: Option<PackageBenefit>,
    /// The invoice after the redemption.
    #[serde(default, deserialize_with = "lenient")]
    pub invoice: Option<RedeemedInvoice>,
}

/// Why Zenoti refused a package redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageRefusal {
    NotActive,
    NoBalance,
    ServiceNotInPackage,
    AlreadyRedeemed,
    InvalidOtp,
    InvoiceClosed,
    OtherCenter,
    PrepaidPaymentApplied,
    NotFound,
    /// A message this client does not know: shown as it came.
    Other,
}

impl PackageRefusal {
    pub fn classify(message: &str) -> PackageRefusal {
        let m = message.to_lowercase();
        let has = |s: &str| m.contains(s);
        if has("valid otp") {
            PackageRefusal::InvalidOtp
        } else if has("pre-paid instrument") {
            PackageRefusal::PrepaidPaymentApplied
        } else if has("already redeemed") {
            PackageRefusal::AlreadyRedeemed
        } else if has("not part of the package") {
            PackageRefusal::ServiceNotInPackage
        } else if has("no balance") || has("insufficient") {
            PackageRefusal::NoBalance
        } else if has("not active") || has("expired") || has("frozen") {
            PackageRefusal::NotActive
        } else if has("closed") {
            PackageRefusal::InvoiceClosed
        } else if has("center where it was sold") {
            PackageRefusal::OtherCenter
        } else if has("invalid") && (has("package") || has("invoice")) {
            PackageRefusal::NotFound
        } else {
            PackageRefusal::Other
        }
    }
}

impl Client {
    pub async fn package_history(&self, guest_id: &str, user_package_id: &str) -> Result<PackageHistory> {
        let guest = required(guest_id, "a guest")?;
        let package = required(user_package_id, "a package")?;
        self.get(self.url(&["v1", "guests", &guest, "packages", &package, "redemptions"]), &[]).await
    }

    /// Redeems one session on an invoice line. Sent once, never retried: after an error that
    /// leaves the outcome unknown, read the package's history to learn whether it was applied.
    pub async fn redeem_package(&self, invoice_id: &str, request: &RedeemPackageRequest) -> Result<PackageRedemption> {
        let id = required(invoice_id, "an invoice")?;
        required(&request.center_id, "a center")?;
        required(&request.guest_id, "a guest")?;
        required(&request.user_package_id, "a package")?;
        required(&request.invoice_item_id, "the service on the invoice")?;
        required(&request.service_id, "a service")?;
        self.post(self.url(&["v1", "invoices", &id, "redemptions", "packages"]), request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refusals_are_recognised() {
        let cases = [
            ("Please enter a valid OTP.", PackageRefusal::InvalidOtp),
            ("Package has no balance for this service.", PackageRefusal::NoBalance),
            ("Service is not part of the package.", PackageRefusal::ServiceNotInPackage),
            ("Invoice item is already redeemed.", PackageRefusal::AlreadyRedeemed),
            ("Package is not active.", PackageRefusal::NotActive),
            ("Invoice is closed.", PackageRefusal::InvoiceClosed),
            ("Package can be redeemed only at the center where it was sold.", PackageRefusal::OtherCenter),
            ("Invalid UserPackageId.", PackageRefusal::NotFound),
            ("Something new.", PackageRefusal::Other),
        ];
        for (message, expected) in cases {
            assert_eq!(PackageRefusal::classify(message), expected, "{message}");
        }
    }

    #[test]
    fn history_is_newest_first_with_reversals() {
        let history: PackageHistory = serde_json::from_value(json!({
            "service_redemptions": [
                {"service": {"name": "Massage"}, "usage_date": "2026-01-02 10:00:00.000", "invoice": {"no": "A"}},
                {"service": {"name": "Massage"}, "usage_date": "2026-03-02T10:00:00", "invoice": {"no": "C"}},
                {"service": {"name": "Massage"}, "usage_date": null, "invoice": {"no": "X"}},
            ],
            "product_redemptions": null,
            "service_redemptions_reversal": [
                {"service_type_info": {"name": "Massage"}, "usage_date": "2026-02-02 09:00:00.000", "invoice": {"no": "B"}},
            ],
            "product_redemptions_reversal": [7],
        }))
        .unwrap();
        let lines = history.newest_first();
        let order: Vec<(&str, bool)> = lines.iter().map(|l| (l.invoice_no.as_deref().unwrap(), l.reversal)).collect();
        assert_eq!(order, [("C", false), ("B", true), ("A", false), ("X", false)]);
        assert_eq!(lines[1].item.as_deref(), Some("Massage"));
    }

    #[test]
    fn the_redemption_body_is_our_reading() {
        let body = RedeemPackageRequest {
            center_id: "c".into(),
            guest_id: "g".into(),
            user_package_id: "u".into(),
            invoice_item_id: "i".into(),
            service_id: "s".into(),
            otp: None,
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"center_id": "c", "guest_id": "g", "user_package_id": "u", "invoice_item_id": "i", "service_id": "s"})
        );
    }
}
