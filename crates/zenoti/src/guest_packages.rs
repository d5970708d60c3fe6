//! The packages a guest holds: the list (every status, paged), each package's benefits, and
//! what its status and dates mean at the desk. The package as held is one model, the same in
//! the list and in the webhook events ([`GuestPackage`]); redeeming a session and the history of
//! redemptions are in `package_redemptions.rs`.
//!
//! Tolerance, as the webhook events have it: `user_package_id` is strict, every other field is
//! lenient (a null or a wrong type reads as absent). Business times are center-local without an
//! offset and stay [`NaiveDateTime`].
//!
//! UNKNOWN in the docs, our reading (implemented the same way by the sandbox), all in this file:
//! - the list's wrapper key (`packages`; `user_packages` also read) and that `status=-1` asks for
//!   every status, as Zenoti's web app does;
//! - the fields of a benefit (`item{id,name,type}`, `total`, `redeemed`, `transferred`,
//!   `refunded`, `balance`, `balance_amount`).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::de::{lenient, local_time, tolerant_list};
use crate::enums::open_enum;
use crate::error::{required, Error, Result};
use crate::invoices::InvoiceRef;
use crate::money::Money;
use crate::packages::{PackageType, PageInfo};

open_enum! {
    /// The status of a guest's package.
    pub enum PackageStatus {
        Active = 1,
        Frozen = 3,
        Expired = 5,
        CancelledRefund = 6,
        NotStarted = 7,
        NotApplicable = 8,
        Default = -1,
    }
}

open_enum! {
    /// Whether a guest's package is still open for redemptions.
    pub enum PackageState {
        Closed = 0,
        Open = 1,
        WithProcessing = 2,
        Default = -1,
    }
}

/// A package a guest holds (the fields every guest-package event carries).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GuestPackage {
    pub user_package_id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<PackageStatus>,
    #[serde(default, deserialize_with = "lenient")]
    pub user_package_state: Option<PackageState>,
    /// The invoice of the event.
    #[serde(default, deserialize_with = "lenient")]
    pub invoice: Option<InvoiceRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub package: Option<PackageRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub purchase: Option<PackagePurchase>,
    #[serde(default, deserialize_with = "lenient")]
    pub date: Option<PackageDates>,
    #[serde(default, deserialize_with = "lenient")]
    pub schedule: Option<ScheduleProgress>,
    #[serde(default, deserialize_with = "lenient")]
    pub center: Option<NamedRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub is_refunded: Option<bool>,
    /// The invoice the package was sold on.
    #[serde(default, deserialize_with = "lenient")]
    pub sale_invoice: Option<InvoiceRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub lookup_package_user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub start_validity_at_first_redemption: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub never_expires: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub has_first_redemption: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub expiration_days: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PackageRef {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub package_type: Option<PackageType>,
    /// Sent as `is_OTP_required`.
    #[serde(alias = "is_OTP_required", default, deserialize_with = "lenient")]
    pub is_otp_required: Option<bool>,
}

/// An id and a name: a center, service, product or therapist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NamedRef {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PackagePurchase {
    #[serde(default, deserialize_with = "lenient")]
    pub price: Option<PurchasePrice>,
    #[serde(default, deserialize_with = "local_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub date: Option<NaiveDateTime>,
}

/// What a package was sold for: lenient field by field, unlike an invoice line's `ItemPrice`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PurchasePrice {
    #[serde(default, deserialize_with = "lenient")]
    pub currency_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub sales: Option<Money>,
    #[serde(default, deserialize_with = "lenient")]
    pub tax: Option<Money>,
    #[serde(default, deserialize_with = "lenient")]
    pub r#final: Option<Money>,
}

/// The validity of a guest's package (center-local).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PackageDates {
    #[serde(default, deserialize_with = "local_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub start: Option<NaiveDateTime>,
    #[serde(default, deserialize_with = "local_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub end: Option<NaiveDateTime>,
    #[serde(default, deserialize_with = "local_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub end_date_with_grace: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ScheduleProgress {
    #[serde(default, deserialize_with = "lenient")]
    pub completed_schedules: Option<i64>,
    #[serde(default, deserialize_with = "local_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_schedule_date: Option<NaiveDateTime>,
}

/// A service of a package and its balance (creation event, `services[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ServiceBalance {
    #[serde(default, deserialize_with = "lenient")]
    pub service_type_info: Option<ServiceTypeInfo>,
    #[serde(default, deserialize_with = "lenient")]
    pub exists_in_current_center: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub total: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub used: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub balance: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub balance_amount: Option<Money>,
    #[serde(default, deserialize_with = "lenient")]
    pub price: Option<Money>,
    #[serde(default, deserialize_with = "lenient")]
    pub package_service_price: Option<Money>,
    #[serde(default, deserialize_with = "lenient")]
    pub sale_as_part_of_package_or_membership_only: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub book_with_partial_balance: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ServiceTypeInfo {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub service_category_type: Option<i64>,
    /// Minutes.
    #[serde(default, deserialize_with = "lenient")]
    pub duration: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub has_segments: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ProductTypeInfo {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub product_category_type: Option<i64>,
}

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
    pub product_type_info: Option<ProductTypeInfo>,
    #[serde(default, deserialize_with = "lenient")]
    pub total: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub used: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub balance: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub balance_amount: Option<Money>,
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

/// A service or product of a package, with what is left of it (the benefits answer's own keys,
/// unlike `ServiceBalance` and `ProductBalance`).
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
    pub balance_amount: Option<Money>,
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_types_and_nulls_read_as_absent() {
        let price: PurchasePrice =
            serde_json::from_value(json!({"currency_id": "x", "sales": "12.50", "tax": null, "final": [1], "new": 1}))
                .unwrap();
        assert_eq!(
            price,
            PurchasePrice {
                currency_id: None,
                sales: Some(Money(rust_decimal::Decimal::new(1250, 2))),
                tax: None,
                r#final: None
            }
        );
        let money: PurchasePrice = serde_json::from_value(json!({"final": 110.1})).unwrap();
        assert_eq!(money.r#final.unwrap().to_string(), "110.1");
    }

    #[test]
    fn statuses_and_states_are_open() {
        let p: GuestPackage =
            serde_json::from_value(json!({"user_package_id": "u", "status": 5, "user_package_state": 9})).unwrap();
        assert_eq!(p.status, Some(PackageStatus::Expired));
        assert_eq!(p.user_package_state, Some(PackageState::Other("9".into())));
        let p: GuestPackage =
            serde_json::from_value(json!({"user_package_id": "u", "status": -1, "user_package_state": "Open"}))
                .unwrap();
        assert_eq!(p.status, Some(PackageStatus::Default));
        assert_eq!(p.user_package_state, Some(PackageState::Open));
    }

    #[test]
    fn otp_flag_in_either_case() {
        for key in ["is_OTP_required", "is_otp_required"] {
            let p: PackageRef = serde_json::from_value(json!({ key: true })).unwrap();
            assert_eq!(p.is_otp_required, Some(true), "{key}");
        }
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
