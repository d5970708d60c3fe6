//! Where the docs leave two readings open, the one this organization's Zenoti answers to. The
//! connection check (`check.rs`) finds them out; the desk keeps them per connection and gives
//! them to its client. Every call that depends on one asks here.

use serde::{Deserialize, Serialize};

/// How this organization's Zenoti answers where the docs leave it open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Readings {
    pub redeemable_points: RedeemablePath,
    pub invoice_search: InvoiceSearch,
    /// The spelling of the paging key the package list was seen with (`page_info` or
    /// `page_Info`); `None` until the check saw one. Both spellings are read either way.
    pub page_info_key: Option<String>,
}

/// Where the read of a guest's points redeemable on an invoice lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum RedeemablePath {
    /// As documented: `/v1/guests/{invoice_id}/payments/loyalty_points/redeemable`.
    #[default]
    Guests,
    /// `/v1/invoices/{invoice_id}/payments/loyalty_points/redeemable`, where the documented one
    /// is not found. UNKNOWN which organizations answer there; the check tries it after a 404.
    Invoices,
}

impl RedeemablePath {
    pub fn segments(self, invoice_id: &str) -> [&str; 6] {
        let area = match self {
            RedeemablePath::Guests => "guests",
            RedeemablePath::Invoices => "invoices",
        };
        ["v1", area, invoice_id, "payments", "loyalty_points", "redeemable"]
    }

    /// The path for a person, with `{invoice_id}`.
    pub fn describe(self) -> String {
        format!("/{}", self.segments("{invoice_id}").join("/"))
    }
}

/// What the invoice search is given for a number typed or scanned as printed ("SMS16681").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceSearch {
    /// The number as printed, prefix and all.
    #[default]
    AsPrinted,
    /// The number without its prefix ("16681"): the search finds nothing with it.
    WithoutPrefix,
}

impl InvoiceSearch {
    /// The search text for what the receptionist typed. UNKNOWN: a prefix is the letters
    /// before the first digit (every recorded and seeded prefix is letters, "CMEMGM").
    pub fn search_text(self, typed: &str) -> String {
        let typed = typed.trim();
        match self {
            InvoiceSearch::AsPrinted => typed.to_owned(),
            InvoiceSearch::WithoutPrefix => match typed.find(|c: char| c.is_ascii_digit()) {
                Some(at) => typed[at..].to_owned(),
                None => typed.to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_goes_only_when_the_reading_says_so() {
        assert_eq!(InvoiceSearch::AsPrinted.search_text(" SMS16681 "), "SMS16681");
        assert_eq!(InvoiceSearch::WithoutPrefix.search_text("SMS16681"), "16681");
        assert_eq!(InvoiceSearch::WithoutPrefix.search_text("16681"), "16681");
        assert_eq!(InvoiceSearch::WithoutPrefix.search_text("SMS"), "SMS");
    }

    #[test]
    fn the_two_redeemable_paths() {
        assert_eq!(RedeemablePath::Guests.describe(), "/v1/guests/{invoice_id}/payments/loyalty_points/redeemable");
        assert_eq!(RedeemablePath::Invoices.segments("x")[1], "invoices");
        // Settings written before the check existed read as the documented choices.
        assert_eq!(serde_json::from_str::<Readings>("{}").unwrap(), Readings::default());
    }
}
