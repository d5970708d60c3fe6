//! Guests: `GET /v1/guests/search`.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::packages::PageInfo;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Guest {
    pub id: String,
    pub code: Option<String>,
    pub center_id: Option<String>,
    pub center_name: Option<String>,
    pub personal_info: Option<PersonalInfo>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PersonalInfo {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub mobile_phone: Option<Phone>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Phone {
    pub country_code: Option<i64>,
    pub number: Option<String>,
    pub display_number: Option<String>,
}

/// What a guest search looks for; empty fields are not sent.
#[derive(Debug, Clone, Default)]
pub struct GuestSearch {
    pub center_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub user_code: Option<String>,
    /// Search every center of the organization, not only `center_id`'s.
    pub across_centers: bool,
    pub page: u32,
    pub size: u32,
}

impl GuestSearch {
    /// Reads what a receptionist types in one box: an email (has @), a phone number (mostly
    /// digits), a guest code (G followed by digits), or a first and last name.
    pub fn from_text(center_id: &str, text: &str) -> GuestSearch {
        let text = text.trim();
        let mut search = GuestSearch { center_id: center_id.to_owned(), page: 1, size: 20, ..Default::default() };
        let digits = text.chars().filter(char::is_ascii_digit).count();
        if text.contains('@') {
            search.email = Some(text.to_owned());
        } else if text.len() > 1
            && (text.starts_with('G') || text.starts_with('g'))
            && text[1..].chars().all(|c| c.is_ascii_digit())
        {
            search.user_code = Some(text.to_uppercase());
        } else if digits >= 3 && digits * 2 >= text.chars().filter(|c| !c.is_whitespace()).count() {
            search.phone = Some(text.chars().filter(char::is_ascii_digit).collect());
        } else {
            let mut words = text.split_whitespace();
            search.first_name = words.next().map(str::to_owned);
            let rest: Vec<&str> = words.collect();
            if !rest.is_empty() {
                search.last_name = Some(rest.join(" "));
            }
        }
        search
    }
}

/// Guest lists answer with `page_Info` (capital I).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GuestPage {
    #[serde(default, deserialize_with = "crate::de::null_as_empty")]
    pub guests: Vec<Guest>,
    #[serde(default, alias = "page_Info")]
    pub page_info: PageInfo,
}

impl Client {
    pub async fn search_guests(&self, search: &GuestSearch) -> Result<GuestPage> {
        let query = search.to_query()?;
        self.get(self.url(&["v1", "guests", "search"]), &query).await
    }
}

impl GuestSearch {
    /// The search's query, refused before anything is sent when it asks for nothing.
    pub(crate) fn to_query(&self) -> Result<Vec<(&'static str, String)>> {
        if self.center_id.trim().is_empty() {
            return Err(Error::InvalidInput("Choose a center first.".into()));
        }
        let fields = [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("phone", &self.phone),
            ("email", &self.email),
            ("user_code", &self.user_code),
        ];
        let given: Vec<(&'static str, String)> = fields
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (*k, v.to_owned())))
            .collect();
        if given.is_empty() {
            return Err(Error::InvalidInput("Type a name, phone number, email or guest code.".into()));
        }
        if self.size == 0 || self.size > 100 || self.page == 0 {
            return Err(Error::InvalidInput("A page holds 1 to 100 guests, numbered from 1.".into()));
        }
        let mut query = vec![("center_id", self.center_id.trim().to_owned())];
        query.extend(given);
        if self.across_centers {
            query.push(("search_across_zone", "true".to_owned()));
        }
        query.push(("page", self.page.to_string()));
        query.push(("size", self.size.to_string()));
        Ok(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_box_reads_as_the_right_field() {
        let s = GuestSearch::from_text("c", "anna@example.com");
        assert_eq!(s.email.as_deref(), Some("anna@example.com"));
        let s = GuestSearch::from_text("c", "(512) 555-1037");
        assert_eq!(s.phone.as_deref(), Some("5125551037"));
        let s = GuestSearch::from_text("c", "g10003");
        assert_eq!(s.user_code.as_deref(), Some("G10003"));
        let s = GuestSearch::from_text("c", "Anna Maria Garcia");
        assert_eq!((s.first_name.as_deref(), s.last_name.as_deref()), (Some("Anna"), Some("Maria Garcia")));
        let s = GuestSearch::from_text("c", "Grace");
        assert_eq!((s.first_name.as_deref(), s.last_name), (Some("Grace"), None));
    }
}
