//! Invoices: `GET /v1/invoices/{id}` with its lines and payments, the center's invoice lists,
//! and the references to an invoice that other answers carry.
//!
//! UNKNOWN in the docs, our reading (implemented the same way by the sandbox): the fields of
//! invoice `transactions`; `search_type=1` with `search_text` for finding an invoice by number;
//! an invoice line's `item{id,name}` (what it sells) and `package_redemption{user_package_id}`
//! (the package that paid for it).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::de::{lenient, null_as_empty, phone_text, text_or_number};
use crate::enums::open_enum;
use crate::error::{required, Error, Result};
use crate::money::Money;

open_enum! {
    /// What an invoice line sells. UNKNOWN beyond the recorded invoice, which shows a service
    /// as 0 and a class pack as 4: the other integers are our reading.
    pub enum InvoiceItemType {
        Service = 0,
        Product = 2,
        Membership = 3,
        Package = 4,
        GiftCard = 5,
        PrepaidCard = 6,
    }
}

/// An invoice with its lines and payments, as `GET /v1/invoices/{id}` sends it (the recorded
/// answer `dump-invoice-detail.json` is the wire format).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Invoice {
    pub id: String,
    /// The number without its prefix ("117798").
    #[serde(deserialize_with = "lenient")]
    pub invoice_number: Option<String>,
    /// "CMEMGM": printed invoices show it before the number.
    #[serde(deserialize_with = "lenient")]
    pub invoice_number_prefix: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub receipt_number: Option<String>,
    pub center_id: Option<String>,
    /// Center-local, without an offset.
    #[serde(deserialize_with = "lenient")]
    pub invoice_date: Option<String>,
    pub is_closed: Option<bool>,
    pub lock: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub is_refund: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub has_redemptions: Option<bool>,
    pub guest: Option<InvoiceGuest>,
    pub total_price: Option<TotalPrice>,
    pub invoice_dues: Option<AmountStatus>,
    #[serde(deserialize_with = "null_as_empty")]
    pub invoice_items: Vec<InvoiceItem>,
    #[serde(deserialize_with = "null_as_empty")]
    pub transactions: Vec<Transaction>,
}

impl Invoice {
    pub fn total(&self) -> Option<Decimal> {
        let total = self.invoice_dues.as_ref().and_then(|d| d.total);
        total.or(self.total_price.as_ref().and_then(|t| t.sum_total)).map(Money::get)
    }

    /// What is still to pay: Zenoti's own balance when it sends one, else the total less the
    /// payments (never re-derived when Zenoti says; `None` where the sum does not fit).
    pub fn balance_due(&self) -> Option<Decimal> {
        if let Some(balance) = self.invoice_dues.as_ref().and_then(|d| d.balance) {
            return Some(balance.get());
        }
        let paid = self.transactions.iter().filter_map(|t| t.amount_paid).try_fold(Money::ZERO, Money::checked_add)?;
        self.total()?.checked_sub(paid.get())
    }

    pub fn is_open(&self) -> bool {
        !self.is_closed.unwrap_or(false) && !self.lock.unwrap_or(false)
    }

    /// The number as printed on the invoice: its prefix, then its number ("CMEMGM117798").
    pub fn printed_number(&self) -> Option<String> {
        let number = self.invoice_number.as_deref().filter(|n| !n.is_empty())?;
        Some(format!("{}{number}", self.invoice_number_prefix.as_deref().unwrap_or("")))
    }

    /// The line with this id (`invoice_item_id`), in any letter case.
    pub fn line(&self, invoice_item_id: &str) -> Option<&InvoiceItem> {
        let id = invoice_item_id.trim();
        self.invoice_items.iter().find(|i| i.invoice_item_id.eq_ignore_ascii_case(id))
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct InvoiceGuest {
    pub id: String,
    #[serde(deserialize_with = "lenient")]
    pub first_name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub last_name: Option<String>,
    #[serde(deserialize_with = "text_or_number")]
    pub code: Option<String>,
    /// A string in an invoice (an object in the guest endpoints: both are read).
    #[serde(deserialize_with = "phone_text")]
    pub mobile_phone: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct TotalPrice {
    pub net_price: Option<Money>,
    pub tax: Option<Money>,
    pub sum_total: Option<Money>,
}

/// AmountStatusModel.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct AmountStatus {
    pub total: Option<Money>,
    pub paid: Option<Money>,
    pub balance: Option<Money>,
}

/// An invoice line. Two ids: `invoice_item_id` is the line, `id` what it sells.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct InvoiceItem {
    /// The line: what a package redemption names.
    pub invoice_item_id: String,
    /// The service or product sold on this line.
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub item_type: Option<InvoiceItemType>,
    #[serde(deserialize_with = "lenient")]
    pub code: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub quantity: Option<i64>,
    pub price: Option<ItemPrice>,
    #[serde(deserialize_with = "lenient")]
    pub therapist_name: Option<String>,
    /// Set once a package session pays for this line. UNKNOWN: how Zenoti marks such a line
    /// (no recorded answer shows one); the sandbox sends this, and Zenoti's own refusal
    /// ("already redeemed") stands behind it.
    #[serde(deserialize_with = "lenient")]
    pub package_redemption: Option<LinePackageRedemption>,
}

impl InvoiceItem {
    pub fn is_service(&self) -> bool {
        self.item_type == Some(InvoiceItemType::Service)
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct LinePackageRedemption {
    pub user_package_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct ItemPrice {
    pub sales: Option<Money>,
    pub tax: Option<Money>,
    /// What the line costs; need not equal sales + tax − discount.
    pub r#final: Option<Money>,
    pub discount: Option<Money>,
}

/// A payment on an invoice (`transactions[]`), and the payment a loyalty redemption answers
/// with. The fields that would mark a loyalty payment (`payment_option.payment_mode`,
/// `payment_name`) are UNKNOWN: no recorded answer shows one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct Transaction {
    pub transaction_id: String,
    #[serde(deserialize_with = "lenient")]
    pub payment_option: Option<PaymentOption>,
    /// What this payment paid of the invoice.
    pub amount_paid: Option<Money>,
    /// With tips and fees.
    pub total_amount_paid: Option<Money>,
    /// Center-local, without an offset.
    #[serde(deserialize_with = "lenient")]
    pub payment_date: Option<String>,
    /// Zenoti spells it `cash_regester_id`.
    #[serde(rename(deserialize = "cash_regester_id"), deserialize_with = "lenient")]
    pub cash_register_id: Option<String>,
}

impl Transaction {
    /// The payment option's name ("CASH", "Gift Card", …), if sent.
    pub fn option_name(&self) -> &str {
        self.payment_option.as_ref().and_then(|o| o.payment_name.as_deref()).unwrap_or("")
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct PaymentOption {
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub payment_mode: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub payment_name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub card_number: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct InvoiceResponse {
    pub invoice: Option<Invoice>,
}

/// An invoice as the center's invoice lists show it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct InvoiceSummary {
    pub invoice_id: String,
    pub invoice_no: Option<String>,
    pub name: Option<String>,
    pub mobile_phone: Option<String>,
    pub sale_date: Option<String>,
    pub final_price: Option<Money>,
    pub user_id: Option<String>,
    pub is_closed: Option<bool>,
}

#[derive(Deserialize)]
pub(crate) struct InvoiceListResponse {
    #[serde(default, deserialize_with = "null_as_empty")]
    invoices: Vec<InvoiceSummary>,
    #[serde(default, deserialize_with = "null_as_empty")]
    todays_invoices: Vec<InvoiceSummary>,
}

impl InvoiceListResponse {
    /// The invoices found, or today's when the answer lists those.
    pub(crate) fn into_list(self) -> Vec<InvoiceSummary> {
        if self.invoices.is_empty() {
            self.todays_invoices
        } else {
            self.invoices
        }
    }
}

/// The invoice a redemption answers with, of points or a package session: unlike `InvoiceRef`,
/// it has the new balance due (strict money) under its own keys.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct RedeemedInvoice {
    pub id: String,
    pub invoice_number: Option<String>,
    /// The new balance due.
    pub balance: Option<Money>,
}

/// An invoice as events refer to it (`invoice`, `sale_invoice`, a redemption's invoice).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct InvoiceRef {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub no: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub receipt_no: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<i64>,
    /// The invoice item of a redemption.
    #[serde(default, deserialize_with = "lenient")]
    pub item_id: Option<String>,
}

impl Client {
    /// An invoice with its items and payments.
    pub async fn get_invoice(&self, invoice_id: &str) -> Result<Invoice> {
        let id = required(invoice_id, "an invoice")?;
        let query = [("expand", "InvoiceItems".to_owned()), ("expand", "Transactions".to_owned())];
        let response: InvoiceResponse = self.get(self.url(&["v1", "invoices", &id]), &query).await?;
        response.invoice.ok_or_else(|| Error::Decode { path: "invoice".into(), message: "missing".into() })
    }

    /// The center's invoices whose number contains `number`, or today's invoices when it is None.
    pub async fn find_invoices(&self, center_id: &str, number: Option<&str>) -> Result<Vec<InvoiceSummary>> {
        let center = required(center_id, "a center")?;
        let mut query = Vec::new();
        if let Some(n) = number.map(str::trim).filter(|n| !n.is_empty()) {
            query.push(("search_type", "1".to_owned()));
            query.push(("search_text", self.readings().invoice_search.search_text(n)));
        }
        let response: InvoiceListResponse = self.get(self.url(&["v1", "centers", &center, "invoices"]), &query).await?;
        Ok(response.into_list())
    }
}
