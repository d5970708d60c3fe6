//! Packages of a center: `GET /v1/centers/{center_id}/packages`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::enums::open_enum;
use crate::error::{Error, Result};

open_enum! {
    /// UNKNOWN in the docs: the integers of PackageType in responses. Our reading follows the
    /// query parameter's documented values (DayPackage 1, SeriesPackage 2, PromoPackage 3);
    /// Custom (a kind in Zenoti's product) is taken to be 4. Names are accepted too.
    pub enum PackageType {
        Day = 1 / "DayPackage",
        Series = 2 / "SeriesPackage",
        Promo = 3 / "PromoPackage",
        Custom = 4 / "CustomPackage",
    }
}

open_enum! {
    /// UNKNOWN in the docs: the integers of SeriesPackageType. Our reading: Regular 1, Offer 2,
    /// Custom 3, in the order the docs list them. Names are accepted too.
    pub enum SeriesPackageType {
        Regular = 1,
        Offer = 2,
        Custom = 3,
    }
}

open_enum! {
    /// Documented: PackageComissionTypes.
    pub enum CommissionType {
        CommissionSettings = 1 / "comission_settings",
        FlatAmount = 2 / "flat_amount",
        RevenuePercentage = 3 / "revenue_percentage",
    }
}

/// A package as listed for a center (PackageInfo). Every field but the id may be missing or
/// null; unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Package {
    pub id: String,
    pub code: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub html_description: Option<String>,
    #[serde(rename = "type")]
    pub package_type: Option<PackageType>,
    pub active: Option<bool>,
    pub category_id: Option<String>,
    pub business_unit_id: Option<String>,
    pub version_id: Option<String>,
    /// Length in minutes.
    pub time: Option<i64>,
    /// Center-local, without an offset.
    pub booking_start_date: Option<String>,
    pub booking_end_date: Option<String>,
    pub sac: Option<String>,
    pub commission: Option<Commission>,
    pub series_package: Option<SeriesPackage>,
    pub preferences: Option<PackagePreferences>,
    /// Prices per center.
    pub centers: Option<Vec<PackagePrice>>,
    pub tags: Option<Vec<String>>,
    pub benefits: Option<Benefits>,
}

impl Package {
    /// This center's price entry, if the package has one.
    pub fn price_at(&self, center_id: &str) -> Option<&PackagePrice> {
        self.centers
            .as_deref()?
            .iter()
            .find(|p| p.center_id.eq_ignore_ascii_case(center_id))
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Commission {
    pub eligible: Option<bool>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub factor: Option<Decimal>,
    #[serde(rename = "type")]
    pub commission_type: Option<CommissionType>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub value: Option<Decimal>,
}

/// PackagePriceInfo: the price of a package at one center.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PackagePrice {
    pub center_id: String,
    pub currency_id: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub sale_price: Option<Decimal>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub price_with_tax: Option<Decimal>,
    pub tax_id: Option<String>,
    pub auto_renewal: Option<bool>,
    /// The member price, when asked for with `member_price=true`.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub discount_price: Option<Decimal>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct SeriesPackage {
    #[serde(rename = "type")]
    pub series_type: Option<SeriesPackageType>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub cost_to_center: Option<Decimal>,
    pub freeze_count: Option<i64>,
    pub validity: Option<SeriesValidity>,
    pub validate_first_redemption: Option<bool>,
    pub transfer_service_credits: Option<bool>,
    pub terms_and_conditions: Option<String>,
    pub schedule: Option<PackageSchedule>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct SeriesValidity {
    pub expiry_date: Option<String>,
    /// Expires after this many days.
    pub expiry: Option<i64>,
    pub grace_period: Option<String>,
    pub validity_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PackageSchedule {
    pub days_for_first_payment: Option<i64>,
    pub payment_frequency: Option<i64>,
    pub payment_frequency_type: Option<i64>,
    pub number_of_instalments: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PackagePreferences {
    pub allow_cancellation_fee: Option<bool>,
    pub allow_no_show_fee: Option<bool>,
    pub allow_membership_redemption: Option<bool>,
    pub allow_giftcard_redemption: Option<bool>,
    pub enforce_otp: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Benefits {
    pub services: Option<Vec<BenefitItem>>,
    pub products: Option<Vec<BenefitItem>>,
    pub bundled_products: Option<Vec<BenefitItem>>,
}

/// PackageServiceInfo / PackageProductInfo. `name` is not documented; kept where it is sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct BenefitItem {
    pub id: String,
    pub name: Option<String>,
    pub item_type: Option<i64>,
    pub quantity: Option<i64>,
    pub order: Option<i64>,
}

/// `page_info` of a paged list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PageInfo {
    pub total: i64,
    pub page: i64,
    pub size: i64,
}

/// One page of a center's packages.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PackagePage {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub packages: Vec<Package>,
    #[serde(default)]
    pub page_info: PageInfo,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The most items Zenoti returns in one page.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The filters of the package list. `None` sends nothing for that parameter.
#[derive(Debug, Clone, Default)]
pub struct PackageQuery {
    pub page: u32,
    pub size: u32,
    pub search_text: Option<String>,
    pub is_active: Option<bool>,
    pub package_type: Option<PackageType>,
    pub series_package_type: Option<SeriesPackageType>,
}

impl PackageQuery {
    pub fn page(page: u32, size: u32) -> Self {
        PackageQuery {
            page,
            size,
            ..Default::default()
        }
    }

    fn to_query(&self) -> Result<Vec<(&'static str, String)>> {
        if self.page == 0 {
            return Err(Error::InvalidInput("Pages are numbered from 1.".into()));
        }
        if self.size == 0 || self.size > MAX_PAGE_SIZE {
            return Err(Error::InvalidInput(format!(
                "A page holds 1 to {MAX_PAGE_SIZE} packages."
            )));
        }
        let mut q = vec![
            ("page", self.page.to_string()),
            ("size", self.size.to_string()),
        ];
        if let Some(text) = self
            .search_text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            q.push(("search_text", text.to_owned()));
        }
        if let Some(active) = self.is_active {
            q.push(("is_active", active.to_string()));
        }
        if let Some(code) = self.package_type.as_ref().and_then(PackageType::code) {
            q.push(("PackageType", code.to_string()));
        }
        if let Some(t) = &self.series_package_type {
            q.push(("series_package_type", t.as_str().to_owned()));
        }
        Ok(q)
    }
}

impl Client {
    /// One page of a center's packages.
    pub async fn list_packages(
        &self,
        center_id: &str,
        query: &PackageQuery,
    ) -> Result<PackagePage> {
        let center_id = center_id.trim();
        if center_id.is_empty() {
            return Err(Error::InvalidInput("Choose a center first.".into()));
        }
        let params = query.to_query()?;
        self.get(self.url(&["v1", "centers", center_id, "packages"]), &params)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_accept_numbers_names_and_unknown_values() {
        let t: PackageType = serde_json::from_str("2").unwrap();
        assert_eq!(t, PackageType::Series);
        let t: PackageType = serde_json::from_str("\"DayPackage\"").unwrap();
        assert_eq!(t, PackageType::Day);
        let t: PackageType = serde_json::from_str("\"promo\"").unwrap();
        assert_eq!(t, PackageType::Promo);
        let t: PackageType = serde_json::from_str("17").unwrap();
        assert_eq!(t, PackageType::Other("17".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"17\"");
        let t: PackageType = serde_json::from_str("\"Membership\"").unwrap();
        assert_eq!(t, PackageType::Other("Membership".into()));
    }

    #[test]
    fn query_rejects_bad_paging_before_sending() {
        assert!(PackageQuery::page(0, 10).to_query().is_err());
        assert!(PackageQuery::page(1, 0).to_query().is_err());
        assert!(PackageQuery::page(1, 101).to_query().is_err());
        assert!(PackageQuery::page(1, 100).to_query().is_ok());
    }

    #[test]
    fn query_maps_filters_to_the_wire() {
        let q = PackageQuery {
            search_text: Some("  facial ".into()),
            is_active: Some(true),
            package_type: Some(PackageType::Series),
            series_package_type: Some(SeriesPackageType::Offer),
            ..PackageQuery::page(2, 50)
        };
        assert_eq!(
            q.to_query().unwrap(),
            vec![
                ("page", "2".to_string()),
                ("size", "50".to_string()),
                ("search_text", "facial".to_string()),
                ("is_active", "true".to_string()),
                ("PackageType", "2".to_string()),
                ("series_package_type", "Offer".to_string()),
            ]
        );
    }

    #[test]
    fn decimals_keep_their_digits() {
        let p: PackagePrice =
            serde_json::from_str(r#"{"center_id":"c","sale_price":110.1,"price_with_tax":119.99}"#)
                .unwrap();
        assert_eq!(p.sale_price.unwrap().to_string(), "110.1");
        assert_eq!(p.price_with_tax.unwrap().to_string(), "119.99");
    }
}
