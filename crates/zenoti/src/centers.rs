//! Centers: `GET /v1/centers`.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Result;

/// A center (a spa or salon location) of the organization.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Center {
    pub id: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The center's culture, such as "en-US": how its numbers and money are written.
    #[serde(default)]
    pub culture_code_at_center: Option<String>,
    #[serde(default)]
    pub currency: Option<Currency>,
    #[serde(default)]
    pub address_info: Option<Address>,
}

impl Center {
    /// The name a receptionist knows the center by.
    pub fn label(&self) -> &str {
        [&self.display_name, &self.name, &self.code]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.trim().is_empty())
            .unwrap_or(&self.id)
    }
}

/// UNKNOWN in the docs: the inner fields of `currency` are not shown. Our reading: an integer
/// `id` (the `currency_id` used in prices) and an ISO 4217 `code`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Currency {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub symbol: Option<String>,
}

/// UNKNOWN in the docs: the inner fields of `address_info`; all optional.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Address {
    #[serde(default)]
    pub address_1: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub zip_code: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CentersResponse {
    #[serde(default)]
    pub centers: Option<Vec<Center>>,
}

impl Client {
    /// Every center the credentials can see.
    pub async fn list_centers(&self) -> Result<Vec<Center>> {
        let response: CentersResponse = self.get(self.url(&["v1", "centers"]), &[]).await?;
        Ok(response.centers.unwrap_or_default())
    }
}
