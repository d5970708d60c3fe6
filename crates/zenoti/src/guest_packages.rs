//! A guest's packages: the list, each package's benefits and redemption history, and redeeming
//! a session of a package on an invoice.
//!
//! UNKNOWN in the docs, our reading (implemented the same way by the sandbox), all in this file:
//! - the list's wrapper key (`packages`; `user_packages` also read) and that `status=-1` asks for
//!   every status, as Zenoti's web app does;
//! - the fields of a benefit (`item{id,name,type}`, `total`, `redeemed`, `transferred`,
//!   `refunded`, `balance`, `balance_amount`);
//! - where the redemption history comes from: `GET …/packages/{id}/redemptions`, answering with
//!   the four lists of the redemption and reversal webhook events;
//! - the body and answer of `POST /v1/invoices/{id}/redemptions/packages` ([`RedeemPackageRequest`],
//!   [`PackageRedemption`]) and its refusal messages ([`PackageRefusal`]).

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::de::{lenient, tolerant_list};
use crate::error::{Error, Result};
use crate::loyalty::RedeemedInvoice;
use crate::packages::PageInfo;
use crate::webhooks::{GuestPackage, ItemRedemption, NamedRef, PackageState, PackageStatus, ServiceBalance};

/// A package a guest holds, as the guest's package list shows it: the fields the webhook events
/// share, with the balances of its services and products.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HeldPackage {
    #[serde(flatten)]
    pub package: GuestPackage,
    /// Whether Zenoti would redeem it now.
    #[serde(default, deserialize_with = "lenient")]
    pub redeemable: Option<bool>,
    #[serde(default, deserialize_with = "tolerant_list")]
    pub services: Vec<ServiceBalance>,
    #[serde(default, deserialize_with = "tolerant_list")]
    pub products: Vec<ProductBalance>,
}

/// A product of a package and its balance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ProductBalance {
    #[serde(default, deserialize_with = "lenient")]
    pub product_type_info: Option<crate::webhooks::ProductTypeInfo>,
    #[serde(default, deserialize_with = "lenient")]
    pub total: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub used: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub balance: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub balance_amount: Option<Decimal>,
}

/// One page of a guest's packages (`page_num`/`page_size`, unlike most lists).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HeldPackagePage {
    #[serde(default, alias = "user_packages", deserialize_with = "tolerant_list")]
    pub packages: Vec<HeldPackage>,
    #[serde(default, alias = "page_Info")]
    pub page_info: PageInfo,
}

/// A service or product of a package, with what is left of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PackageBenefit {
    #[serde(default, deserialize_with = "lenient")]
    pub item: Option<HeldItem>,
    #[serde(default, deserialize_with = "lenient")]
    pub total: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub redeemed: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub transferred: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub refunded: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub balance: Option<i64>,
    /// What the balance is worth.
    #[serde(default, deserialize_with = "lenient")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub balance_amount: Option<Decimal>,
}

impl PackageBenefit {
    pub fn is_service(&self) -> bool {
        self.item.as_ref().and_then(|i| i.item_type.as_deref()).is_none_or(|t| t.eq_ignore_ascii_case("service"))
    }

    pub fn id(&self) -> Option<&str> {
        self.item.as_ref().and_then(|i| i.id.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HeldItem {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// "Service" or "Product".
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub item_type: Option<String>,
}

#[derive(Deserialize)]
struct BenefitsResponse {
    #[serde(default, deserialize_with = "tolerant_list")]
    benefits: Vec<PackageBenefit>,
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

/// What a package's status and dates mean at the desk, on the center's date `today`.
pub fn can_redeem_on(package: &HeldPackage, today: chrono::NaiveDate) -> std::result::Result<(), &'static str> {
    let p = &package.package;
    let grace_end = p.date.as_ref().and_then(|d| d.end_date_with_grace);
    match p.status {
        Some(PackageStatus::Active) | Some(PackageStatus::NotStarted) | None => {}
        Some(PackageStatus::Frozen) => return Err("This package is frozen. Unfreeze it in Zenoti first."),
        // Past its end date, but its grace period still lets it be used.
        Some(PackageStatus::Expired) if grace_end.is_some_and(|g| g.date() >= today) => {}
        Some(PackageStatus::Expired) => return Err("This package has expired."),
        Some(PackageStatus::CancelledRefund) => return Err("This package was cancelled or refunded."),
        Some(_) => return Err("Zenoti does not show this package as active."),
    }
    match p.user_package_state {
        Some(PackageState::Closed) => return Err("This package is closed: every session has been used."),
        Some(PackageState::WithProcessing) => {
            return Err("Zenoti is still processing a change to this package. Try again in a few minutes.")
        }
        _ => {}
    }
    if p.never_expires != Some(true) {
        let last = grace_end.or(p.date.as_ref().and_then(|d| d.end));
        if last.is_some_and(|end| end.date() < today) {
            return Err("This package has expired.");
        }
    }
    Ok(())
}

fn required(value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::InvalidInput(format!("Choose {what} first.")));
    }
    Ok(value.to_owned())
}

/// Guest packages are asked for 100 at a time, and at most this many pages.
const PAGE_SIZE: u32 = 100;
const MAX_PAGES: u32 = 20;

impl Client {
    /// One page (numbered from 1, 1 to 100 packages) of the guest's packages of every status.
    pub async fn guest_packages_page(
        &self,
        guest_id: &str,
        center_id: &str,
        page: u32,
        size: u32,
    ) -> Result<HeldPackagePage> {
        let guest = required(guest_id, "a guest")?;
        let center = required(center_id, "a center")?;
        if page == 0 || size == 0 || size > PAGE_SIZE {
            return Err(Error::InvalidInput("A page holds 1 to 100 packages, numbered from 1.".into()));
        }
        let query = [
            ("center_id", center),
            ("status", "-1".to_owned()),
            ("page_num", page.to_string()),
            ("page_size", size.to_string()),
        ];
        self.get(self.url(&["v1", "guests", &guest, "packages"]), &query).await
    }

    /// All the guest's packages, page after page.
    pub async fn guest_packages(&self, guest_id: &str, center_id: &str) -> Result<Vec<HeldPackage>> {
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let got = self.guest_packages_page(guest_id, center_id, page, PAGE_SIZE).await?;
            let last = got.packages.len() < PAGE_SIZE as usize
                || (got.page_info.total > 0 && (all.len() + got.packages.len()) as i64 >= got.page_info.total);
            all.extend(got.packages);
            if last {
                break;
            }
        }
        Ok(all)
    }

    pub async fn package_benefits(&self, guest_id: &str, user_package_id: &str) -> Result<Vec<PackageBenefit>> {
        let guest = required(guest_id, "a guest")?;
        let package = required(user_package_id, "a package")?;
        let response: BenefitsResponse =
            self.get(self.url(&["v1", "guests", &guest, "packages", &package, "benefits"]), &[]).await?;
        Ok(response.benefits)
    }

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

    #[test]
    fn redeemable_by_status_state_and_dates() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let held = |v: serde_json::Value| -> HeldPackage { serde_json::from_value(v).unwrap() };
        assert!(
            can_redeem_on(&held(json!({"user_package_id": "u", "status": 1, "user_package_state": 1})), today).is_ok()
        );
        assert!(can_redeem_on(&held(json!({"user_package_id": "u", "status": 3})), today).is_err());
        assert!(can_redeem_on(&held(json!({"user_package_id": "u", "status": 5})), today).is_err());
        assert!(can_redeem_on(&held(json!({"user_package_id": "u", "status": 6})), today).is_err());
        assert!(
            can_redeem_on(&held(json!({"user_package_id": "u", "status": 1, "user_package_state": 0})), today).is_err()
        );
        assert!(
            can_redeem_on(&held(json!({"user_package_id": "u", "status": 1, "user_package_state": 2})), today).is_err()
        );
        // Past its end but within its grace period: still redeemable.
        let grace = json!({"user_package_id": "u", "status": 1,
            "date": {"start": "2025-11-01T00:00:00", "end": "2026-11-20T00:00:00", "end_date_with_grace": "2026-12-05T00:00:00"}});
        assert!(can_redeem_on(&held(grace.clone()), today).is_ok());
        let mut expired_in_grace = grace;
        expired_in_grace["status"] = json!(5);
        assert!(can_redeem_on(&held(expired_in_grace), today).is_ok());
        let past = json!({"user_package_id": "u", "status": 1, "date": {"end": "2026-11-20T00:00:00"}});
        assert!(can_redeem_on(&held(past), today).is_err());
        let never =
            json!({"user_package_id": "u", "status": 1, "never_expires": true, "date": {"end": "2020-01-01T00:00:00"}});
        assert!(can_redeem_on(&held(never), today).is_ok());
    }
}
