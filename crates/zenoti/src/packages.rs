//! Packages of a center: `GET /v1/centers/{center_id}/packages`.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::de::{lenient, null_as_empty, text_or_number};
use crate::enums::open_enum;
use crate::error::{Error, Result};
use crate::money::{Money, Rate};

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
    /// Documented: PackageComissionTypes (1 to 3). Zenoti's recorded catalog also sends 0, with
    /// `eligible: true`, `value: 0`: UNKNOWN what it means; read as "not set".
    pub enum CommissionType {
        NotSet = 0 / "not_set",
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
    #[serde(deserialize_with = "lenient")]
    pub code: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub description: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub html_description: Option<String>,
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub package_type: Option<PackageType>,
    #[serde(deserialize_with = "lenient")]
    pub active: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub category_id: Option<String>,
    /// Zenoti sends `Business_unit_id` (the docs say lower case): both are read.
    #[serde(alias = "Business_unit_id", deserialize_with = "lenient")]
    pub business_unit_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub version_id: Option<String>,
    /// Length in minutes.
    #[serde(deserialize_with = "lenient")]
    pub time: Option<i64>,
    /// Center-local, without an offset.
    #[serde(deserialize_with = "lenient")]
    pub booking_start_date: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub booking_end_date: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub sac: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub commission: Option<Commission>,
    #[serde(deserialize_with = "lenient")]
    pub series_package: Option<SeriesPackage>,
    #[serde(deserialize_with = "lenient")]
    pub preferences: Option<PackagePreferences>,
    /// Prices per center.
    #[serde(deserialize_with = "lenient")]
    pub centers: Option<Vec<PackagePrice>>,
    #[serde(deserialize_with = "lenient")]
    pub tags: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    pub benefits: Option<Benefits>,
    #[serde(deserialize_with = "lenient")]
    pub catalog_info: Option<CatalogInfo>,
}

/// How the package shows in the online catalog. `display_price` is a string ("100" or "").
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct CatalogInfo {
    #[serde(deserialize_with = "lenient")]
    pub show_in_catalog: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub can_book: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub display_name: Option<String>,
    #[serde(deserialize_with = "text_or_number")]
    pub display_price: Option<String>,
}

impl Package {
    /// This center's price entry, if the package has one.
    pub fn price_at(&self, center_id: &str) -> Option<&PackagePrice> {
        self.centers.as_deref()?.iter().find(|p| p.center_id.eq_ignore_ascii_case(center_id))
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Commission {
    #[serde(deserialize_with = "lenient")]
    pub eligible: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub factor: Option<Rate>,
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub commission_type: Option<CommissionType>,
    #[serde(deserialize_with = "lenient")]
    pub value: Option<Money>,
}

/// PackagePriceInfo: the price of a package at one center.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PackagePrice {
    pub center_id: String,
    #[serde(deserialize_with = "lenient")]
    pub currency_id: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub sale_price: Option<Money>,
    #[serde(deserialize_with = "lenient")]
    pub price_with_tax: Option<Money>,
    #[serde(deserialize_with = "lenient")]
    pub tax_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub auto_renewal: Option<bool>,
    /// The member price, when asked for with `member_price=true`.
    #[serde(deserialize_with = "lenient")]
    pub discount_price: Option<Money>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct SeriesPackage {
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub series_type: Option<SeriesPackageType>,
    #[serde(deserialize_with = "lenient")]
    pub cost_to_center: Option<Money>,
    #[serde(deserialize_with = "lenient")]
    pub freeze_count: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub validity: Option<SeriesValidity>,
    #[serde(deserialize_with = "lenient")]
    pub validate_first_redemption: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub transfer_service_credits: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub terms_and_conditions: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub schedule: Option<PackageSchedule>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct SeriesValidity {
    #[serde(deserialize_with = "lenient")]
    pub expiry_date: Option<String>,
    /// Expires after this many days.
    #[serde(deserialize_with = "lenient")]
    pub expiry: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub grace_period: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub validity_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PackageSchedule {
    #[serde(deserialize_with = "lenient")]
    pub days_for_first_payment: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub payment_frequency: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub payment_frequency_type: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub number_of_instalments: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PackagePreferences {
    #[serde(deserialize_with = "lenient")]
    pub allow_cancellation_fee: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub allow_no_show_fee: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub allow_membership_redemption: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub allow_giftcard_redemption: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub enforce_otp: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Benefits {
    #[serde(deserialize_with = "lenient")]
    pub services: Option<Vec<BenefitItem>>,
    #[serde(deserialize_with = "lenient")]
    pub products: Option<Vec<BenefitItem>>,
    #[serde(deserialize_with = "lenient")]
    pub bundled_products: Option<Vec<BenefitItem>>,
}

/// PackageServiceInfo / PackageProductInfo. `name` is not documented; kept where it is sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct BenefitItem {
    pub id: String,
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub item_type: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub quantity: Option<i64>,
    #[serde(deserialize_with = "lenient")]
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
    #[serde(default, alias = "page_Info")]
    pub page_info: PageInfo,
}

/// The most items Zenoti returns in one page.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The filters of the package list. `None` (or `false`, `empty`) sends nothing for that parameter.
#[derive(Debug, Clone, Default)]
pub struct PackageQuery {
    pub page: u32,
    pub size: u32,
    pub search_text: Option<String>,
    pub is_active: Option<bool>,
    pub package_type: Option<PackageType>,
    pub series_package_type: Option<SeriesPackageType>,
    /// Ask for `discount_price`, the member price of `guest_id`.
    pub member_price_for_guest: Option<String>,
    /// Only day packages that can be sold as gift cards.
    pub gift_cards_only: bool,
    /// The appointment date prices apply to.
    pub date: Option<chrono::NaiveDate>,
    pub catalog_only: bool,
    pub category: Option<String>,
    pub expand: Vec<String>,
    pub exclude_services: bool,
    pub block_service_level_tax: bool,
}

impl PackageQuery {
    pub fn page(page: u32, size: u32) -> Self {
        PackageQuery { page, size, ..Default::default() }
    }

    /// The query string. Confirmed by Zenoti's request sample: `page`, `size`, `search_text`,
    /// `is_active`, `PackageType`, `series_package_type`, `member_price`, `guest_id`,
    /// `is_giftcard_enabled`. UNKNOWN (the docs list them without their names): `date`,
    /// `catalog`, `category`, `expand` (repeated per value, as the invoice API does),
    /// `exclude_services`, `block_service_level_tax`; these names are our reading.
    pub(crate) fn to_query(&self) -> Result<Vec<(&'static str, String)>> {
        if self.page == 0 {
            return Err(Error::InvalidInput("Pages are numbered from 1.".into()));
        }
        if self.size == 0 || self.size > MAX_PAGE_SIZE {
            return Err(Error::InvalidInput(format!("A page holds 1 to {MAX_PAGE_SIZE} packages.")));
        }
        let mut q = vec![("page", self.page.to_string()), ("size", self.size.to_string())];
        if let Some(text) = self.search_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            q.push(("search_text", text.to_owned()));
        }
        if let Some(active) = self.is_active {
            q.push(("is_active", active.to_string()));
        }
        if let Some(t) = &self.package_type {
            let code = t.code().ok_or_else(|| {
                Error::InvalidInput(format!("\"{}\" is not a package type Zenoti filters by.", t.as_str()))
            })?;
            q.push(("PackageType", code.to_string()));
        }
        if let Some(t) = &self.series_package_type {
            q.push(("series_package_type", t.as_str().to_owned()));
        }
        if let Some(guest) = &self.member_price_for_guest {
            let guest = guest.trim();
            if guest.is_empty() {
                return Err(Error::InvalidInput("Choose the guest whose member prices to show.".into()));
            }
            q.push(("member_price", "true".into()));
            q.push(("guest_id", guest.to_owned()));
        }
        if self.gift_cards_only {
            q.push(("is_giftcard_enabled", "true".into()));
        }
        if let Some(date) = self.date {
            q.push(("date", date.format("%Y-%m-%d").to_string()));
        }
        if self.catalog_only {
            q.push(("catalog", "true".into()));
        }
        if let Some(category) = self.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            q.push(("category", category.to_owned()));
        }
        for part in &self.expand {
            q.push(("expand", part.clone()));
        }
        if self.exclude_services {
            q.push(("exclude_services", "true".into()));
        }
        if self.block_service_level_tax {
            q.push(("block_service_level_tax", "true".into()));
        }
        Ok(q)
    }
}

/// The outcome of fetching a whole catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogSummary {
    /// The total Zenoti reported last.
    pub total: i64,
    /// Packages delivered (duplicates across pages removed).
    pub loaded: usize,
    /// Pages that still failed after their retries, with the last error of each.
    pub missing_pages: Vec<(u32, String)>,
}

/// How many pages of a catalog are fetched at once (all through the one rate limiter).
const CATALOG_CONCURRENCY: usize = 16;

/// The most pages of one catalog that are read (20,000 packages): a total beyond it is a
/// broken answer, not a catalog, and reading it would burn the organization's budget.
pub const MAX_CATALOG_PAGES: u32 = 200;

impl Client {
    /// One page of a center's packages.
    pub async fn list_packages(&self, center_id: &str, query: &PackageQuery) -> Result<PackagePage> {
        let center_id = center_id.trim();
        if center_id.is_empty() {
            return Err(Error::InvalidInput("Choose a center first.".into()));
        }
        let params = query.to_query()?;
        self.get(self.url(&["v1", "centers", center_id, "packages"]), &params).await
    }

    /// Every package of a center matching `filters` (its page and size are ignored). Page 1
    /// (100 packages) comes first and gives the total; the other pages are then fetched at once,
    /// in any order. `on_packages` receives each page's new packages as it arrives. A page that
    /// still fails after its retries is reported in `missing_pages`, never dropped silently; a
    /// failing first page is an error.
    pub async fn all_packages(
        &self,
        center_id: &str,
        filters: &PackageQuery,
        mut on_packages: impl FnMut(Vec<Package>, &CatalogProgress),
    ) -> Result<CatalogSummary> {
        use futures_util::stream::{self, StreamExt};
        use std::collections::{BTreeMap, HashSet};

        let size = MAX_PAGE_SIZE;
        let query_for = |page: u32| PackageQuery { page, size, ..filters.clone() };
        let first = self.list_packages(center_id, &query_for(1)).await?;
        let mut seen = HashSet::new();
        let mut progress = CatalogProgress { loaded: 0, total: first.page_info.total.max(0) };
        let mut deliver = |packages: Vec<Package>, total: i64, progress: &mut CatalogProgress| {
            let fresh: Vec<Package> = packages.into_iter().filter(|p| seen.insert(p.id.clone())).collect();
            progress.loaded += fresh.len();
            progress.total = progress.total.max(total);
            on_packages(fresh, progress);
        };
        deliver(first.packages, first.page_info.total, &mut progress);

        let pages_for = |total: i64| u32::try_from((total.max(0) as u64).div_ceil(size as u64)).unwrap_or(u32::MAX);
        let mut fetched_through = 1u32;
        let mut failed: BTreeMap<u32, String> = BTreeMap::new();
        // The total may grow while we read: fetch the new pages too, a few rounds at most.
        for _round in 0..3 {
            let last = pages_for(progress.total).min(MAX_CATALOG_PAGES);
            if last <= fetched_through {
                break;
            }
            let pages = (fetched_through + 1)..=last;
            fetched_through = last;
            let mut results = stream::iter(pages)
                .map(|page| {
                    let query = query_for(page);
                    async move { (page, self.list_packages(center_id, &query).await) }
                })
                .buffer_unordered(CATALOG_CONCURRENCY);
            while let Some((page, result)) = results.next().await {
                match result {
                    Ok(p) => deliver(p.packages, p.page_info.total, &mut progress),
                    Err(err) => {
                        tracing::warn!(page, error = %err, "a catalog page failed after its retries");
                        failed.insert(page, err.to_string());
                    }
                }
            }
        }
        if pages_for(progress.total) > MAX_CATALOG_PAGES {
            tracing::warn!(total = progress.total, "the catalog's total is beyond what is read; it is incomplete");
            failed.insert(
                MAX_CATALOG_PAGES + 1,
                format!(
                    "not read: Zenoti reported {} packages, more than the {} pages Front Desk reads",
                    progress.total, MAX_CATALOG_PAGES
                ),
            );
        }
        Ok(CatalogSummary {
            total: progress.total,
            loaded: progress.loaded,
            missing_pages: failed.into_iter().collect(),
        })
    }
}

/// How far a catalog fetch has got.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogProgress {
    pub loaded: usize,
    pub total: i64,
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
            serde_json::from_str(r#"{"center_id":"c","sale_price":110.1,"price_with_tax":119.99}"#).unwrap();
        assert_eq!(p.sale_price.unwrap().to_string(), "110.1");
        assert_eq!(p.price_with_tax.unwrap().to_string(), "119.99");
    }
}

/// A category of the center's catalog.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Category {
    pub id: String,
    #[serde(deserialize_with = "lenient")]
    pub code: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct CategoriesResponse {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub categories: Vec<Category>,
}

impl Client {
    /// The center's categories. UNKNOWN in the docs: the response shape (see the sandbox).
    pub async fn list_categories(&self, center_id: &str) -> Result<Vec<Category>> {
        let center_id = center_id.trim();
        if center_id.is_empty() {
            return Err(Error::InvalidInput("Choose a center first.".into()));
        }
        let query = [("page", "1".to_owned()), ("size", MAX_PAGE_SIZE.to_string())];
        let response: CategoriesResponse =
            self.get(self.url(&["v1", "centers", center_id, "categories"]), &query).await?;
        Ok(response.categories)
    }
}
