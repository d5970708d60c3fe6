//! Webhook events of guest packages (creation, redemption, redemption reversal, status update,
//! validity update), decoded from the body Zenoti posts: the envelope and what each event adds
//! to the package ([`crate::GuestPackage`], in `guest_packages.rs`).
//!
//! Tolerance: the envelope's `id`, `event_id` and `data`, and `data.user_package_id`, are
//! strict. Every other field is optional and tolerant: a null, or a value of the wrong type,
//! reads as absent instead of failing the whole event (one helper, `lenient`). Unknown fields
//! are ignored and unknown enum values are kept as `Other(raw)`.
//!
//! Business times in `data` are center-local without an offset and stay [`NaiveDateTime`];
//! only the envelope's `event_timestamp` is UTC.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::de::{at_path, lenient, tolerant, utc_time};
use crate::guest_packages::{GuestPackage, NamedRef, ServiceBalance};
use crate::package_redemptions::ItemRedemption;

/// The body of a webhook call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WebhookEvent {
    pub id: String,
    pub event_id: String,
    /// "v1".
    #[serde(default, deserialize_with = "lenient")]
    pub event_schema: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub event_resource: Option<String>,
    /// Kept as sent; see [`WebhookEvent::kind`].
    #[serde(default, deserialize_with = "lenient")]
    pub event_type: Option<String>,
    /// When Zenoti raised the event (UTC, sent with 7 fractional digits, with or without "Z").
    #[serde(default, deserialize_with = "utc_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub event_timestamp: Option<DateTime<Utc>>,
    pub data: GuestPackageEvent,
}

/// Which of the guest-package events a [`WebhookEvent`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestPackageEventKind {
    Created,
    Redeemed,
    RedemptionReversed,
    StatusUpdated,
    ValidityUpdated,
    /// Neither the event type nor the data say which; the event type as sent.
    Other(String),
}

impl WebhookEvent {
    pub fn kind(&self) -> GuestPackageEventKind {
        use GuestPackageEventKind::*;
        // UNKNOWN: the `event_type` strings of package events are not documented, and all five
        // events share one `data` shape (decoded into one struct). Our reading: the event type
        // decides when it names the event, case and punctuation ignored ("GuestPackage.Created",
        // "guest_package.redemption.reversal", ...); otherwise the lists present in `data` do.
        // Status and validity updates carry the shared fields only: only the type tells them apart.
        let raw = self.event_type.clone().unwrap_or_default();
        let t: String = raw.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        let data = &self.data;
        if t.contains("revers") {
            RedemptionReversed
        } else if t.contains("redeem") || t.contains("redempt") {
            Redeemed
        } else if t.contains("creat") {
            Created
        } else if t.contains("status") {
            StatusUpdated
        } else if t.contains("validity") {
            ValidityUpdated
        } else if data.service_redemptions_reversal.is_some() || data.product_redemptions_reversal.is_some() {
            RedemptionReversed
        } else if data.service_redemptions.is_some() || data.product_redemptions.is_some() {
            Redeemed
        } else if data.services.is_some() {
            Created
        } else {
            Other(raw)
        }
    }
}

/// The `data` of a guest-package event: the package as it is now, and what the event adds (here,
/// unlike in `HeldPackage` and `PackageHistory`, a list's presence tells the event apart).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GuestPackageEvent {
    #[serde(flatten)]
    pub package: GuestPackage,
    /// Creation: the package's services and their balances.
    pub services: Option<Vec<ServiceBalance>>,
    /// Redemption.
    pub service_redemptions: Option<Vec<ItemRedemption>>,
    pub product_redemptions: Option<Vec<ItemRedemption>>,
    /// Redemption reversal: the redemptions undone.
    pub service_redemptions_reversal: Option<Vec<ItemRedemption>>,
    pub product_redemptions_reversal: Option<Vec<ItemRedemption>>,
}

// Serialized with `flatten`, but decoded by hand in one pass: flatten buffers the map and so
// loses the line, column and path of an error in the package's fields. The lists are taken here;
// every other key goes on to `GuestPackage`.
impl<'de> Deserialize<'de> for GuestPackageEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EventVisitor)
    }
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = GuestPackageEvent;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the data of a guest-package event")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<GuestPackageEvent, A::Error> {
        let mut event = GuestPackageEvent::default();
        let package = GuestPackage::deserialize(MapAccessDeserializer::new(TakeLists { map, event: &mut event }))?;
        Ok(GuestPackageEvent { package, ..event })
    }
}

/// The map of `data` as `GuestPackage` sees it: without the event's lists, which it stores.
struct TakeLists<'a, A> {
    map: A,
    event: &'a mut GuestPackageEvent,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TakeLists<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            let (map, event) = (&mut self.map, &mut *self.event);
            match key.as_str() {
                "services" => event.services = tolerant(map.next_value()?),
                "service_redemptions" => event.service_redemptions = tolerant(map.next_value()?),
                "product_redemptions" => event.product_redemptions = tolerant(map.next_value()?),
                "service_redemptions_reversal" => event.service_redemptions_reversal = tolerant(map.next_value()?),
                "product_redemptions_reversal" => event.product_redemptions_reversal = tolerant(map.next_value()?),
                _ => return seed.deserialize(key.into_deserializer()).map(Some),
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// A webhook body that could not be decoded: where (line and column of the text, and the JSON
/// path) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid webhook event at line {line}, column {column} (`{path}`): {message}")]
pub struct EventDecodeError {
    pub line: usize,
    pub column: usize,
    /// Where decoding stopped, such as `data.user_package_id`; "." for the whole body.
    pub path: String,
    pub message: String,
}

/// Decodes a webhook body. Fails only when it is not JSON, or when the ids, `data` or
/// `data.user_package_id` are missing or of the wrong type.
pub fn decode_event(text: &str) -> Result<WebhookEvent, EventDecodeError> {
    at_path(&mut serde_json::Deserializer::from_str(text)).map_err(|(path, err)| decode_error(path, err))
}

/// `Invoice.Closed`: an invoice was closed in Zenoti (paid in full, at any desk or in Zenoti's own
/// POS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceClosedEvent {
    pub id: String,
    pub event_id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub event_type: Option<String>,
    #[serde(default, deserialize_with = "utc_time")]
    pub event_timestamp: Option<DateTime<Utc>>,
    pub data: ClosedInvoice,
}

/// What Front Desk reads of an `Invoice.Closed` event's `data` (the invoice; the documented
/// sample shows its totals, guest and items, which a desk re-reads rather than trusts).
/// UNKNOWN: the sample's invoice id key; `id` as on every invoice, `invoice_id` also read. The
/// center as `center_id` or `center.id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosedInvoice {
    #[serde(alias = "invoice_id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub center_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub center: Option<NamedRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub guest: Option<NamedRef>,
}

/// Every webhook event Front Desk reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Webhook {
    GuestPackage(WebhookEvent),
    InvoiceClosed(InvoiceClosedEvent),
}

/// The ids of a webhook event, as a hub files and filters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookSummary {
    pub envelope_id: String,
    pub event_id: String,
    pub event_type: Option<String>,
    /// `invoice_closed`, or the guest-package event: `package_created`, `package_redeemed`,
    /// `package_redemption_reversed`, `package_status_updated`, `package_validity_updated`,
    /// `package_other`.
    pub kind: &'static str,
    pub center_id: Option<String>,
    pub guest_id: Option<String>,
    pub invoice_id: Option<String>,
    pub user_package_id: Option<String>,
}

impl Webhook {
    pub fn summary(&self) -> WebhookSummary {
        match self {
            Webhook::InvoiceClosed(e) => WebhookSummary {
                envelope_id: e.id.clone(),
                event_id: e.event_id.clone(),
                event_type: e.event_type.clone(),
                kind: "invoice_closed",
                center_id: e.data.center_id.clone().or_else(|| e.data.center.as_ref().and_then(|c| c.id.clone())),
                guest_id: e.data.guest.as_ref().and_then(|g| g.id.clone()),
                invoice_id: Some(e.data.id.clone()),
                user_package_id: None,
            },
            Webhook::GuestPackage(e) => {
                use GuestPackageEventKind::*;
                let data = &e.data;
                let redemptions = data.service_redemptions.iter().chain(&data.product_redemptions);
                let reversals = data.service_redemptions_reversal.iter().chain(&data.product_redemptions_reversal);
                // The invoice a redemption (or its reversal) was on; else the package's own.
                let invoice_id = redemptions
                    .chain(reversals)
                    .flatten()
                    .find_map(|r| r.invoice.as_ref().and_then(|i| i.id.clone()))
                    .or_else(|| data.package.invoice.as_ref().and_then(|i| i.id.clone()));
                WebhookSummary {
                    envelope_id: e.id.clone(),
                    event_id: e.event_id.clone(),
                    event_type: e.event_type.clone(),
                    kind: match e.kind() {
                        Created => "package_created",
                        Redeemed => "package_redeemed",
                        RedemptionReversed => "package_redemption_reversed",
                        StatusUpdated => "package_status_updated",
                        ValidityUpdated => "package_validity_updated",
                        Other(_) => "package_other",
                    },
                    center_id: data.package.center.as_ref().and_then(|c| c.id.clone()),
                    guest_id: None,
                    invoice_id,
                    user_package_id: Some(data.package.user_package_id.clone()),
                }
            }
        }
    }
}

/// Decodes any webhook body Front Desk reads: `Invoice.Closed` (by its event type or resource)
/// or a guest-package event. Anything else (`Guest.Created`, a body that is not JSON) is an error
/// naming where it stopped.
pub fn decode_webhook(text: &str) -> Result<Webhook, EventDecodeError> {
    #[derive(Deserialize)]
    struct Peek {
        #[serde(default, deserialize_with = "lenient")]
        event_type: Option<String>,
        #[serde(default, deserialize_with = "lenient")]
        event_resource: Option<String>,
    }
    let peek: Peek =
        at_path(&mut serde_json::Deserializer::from_str(text)).map_err(|(path, err)| decode_error(path, err))?;
    let is = |value: &Option<String>, prefix: &str| {
        value.as_deref().is_some_and(|v| v.trim().to_ascii_lowercase().starts_with(prefix))
    };
    if is(&peek.event_type, "invoice.") || is(&peek.event_resource, "invoice") {
        if !is(&peek.event_type, "invoice.closed") {
            return Err(EventDecodeError {
                line: 1,
                column: 1,
                path: "event_type".into(),
                message: format!(
                    "an invoice event Front Desk does not read: {:?}",
                    peek.event_type.unwrap_or_default()
                ),
            });
        }
        return at_path(&mut serde_json::Deserializer::from_str(text))
            .map(Webhook::InvoiceClosed)
            .map_err(|(path, err)| decode_error(path, err));
    }
    decode_event(text).map(Webhook::GuestPackage)
}

fn decode_error(path: String, err: serde_json::Error) -> EventDecodeError {
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = crate::de::value_free(&err);
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    EventDecodeError { line: err.line(), column: err.column(), path, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use serde_json::Value;

    fn event(event_type: Option<&str>, data: Value) -> WebhookEvent {
        let mut data = data;
        data["user_package_id"] = json!("u");
        serde_json::from_value(json!({"id": "i", "event_id": "e", "event_type": event_type, "data": data})).unwrap()
    }

    #[test]
    fn the_kind_comes_from_the_type_then_from_the_data() {
        use GuestPackageEventKind::*;
        let cases = [
            ("GuestPackage.Created", Created),
            ("guest_package.creation", Created),
            ("GuestPackage.Redeemed", Redeemed),
            ("GUEST_PACKAGE_REDEMPTION", Redeemed),
            ("GuestPackage.RedemptionReversed", RedemptionReversed),
            ("guestpackage.redemption.reversal", RedemptionReversed),
            ("GuestPackage.StatusUpdated", StatusUpdated),
            ("GuestPackage.ValidityUpdated", ValidityUpdated),
        ];
        for (event_type, kind) in cases {
            assert_eq!(event(Some(event_type), json!({})).kind(), kind, "{event_type}");
        }
        assert_eq!(event(None, json!({"services": []})).kind(), Created);
        assert_eq!(event(Some("x"), json!({"product_redemptions": []})).kind(), Redeemed);
        assert_eq!(event(None, json!({"service_redemptions_reversal": []})).kind(), RedemptionReversed);
        assert_eq!(event(Some("GuestPackage.Changed"), json!({})).kind(), Other("GuestPackage.Changed".into()));
        assert_eq!(event(None, json!({})).kind(), Other(String::new()));
    }

    #[test]
    fn errors_name_line_column_and_path() {
        let err =
            decode_event("{\"id\": \"i\", \"event_id\": \"e\",\n \"data\": {\"user_package_id\": 7}}").unwrap_err();
        assert_eq!((err.line, err.path.as_str()), (2, "data.user_package_id"));
        assert!(err.message.starts_with("invalid type: integer, expected"), "never the value: {}", err.message);
        assert!(!err.message.contains("at line"), "the position is not repeated: {}", err.message);
        let err = decode_event("{\"id\": \"i\", \"event_id\": \"e\", \"data\": null}").unwrap_err();
        assert_eq!(err.path, "data");
        let err =
            decode_event("{\"id\": \"i\", \"event_id\": \"e\", \"data\": {\"user_package_id\": \"u\"}} x").unwrap_err();
        assert_eq!((err.line, err.column, err.path.as_str()), (1, 64, "."));
    }

    #[test]
    fn one_decode_reads_invoice_closed_and_package_events_and_refuses_others() {
        let closed = r#"{"id":"A1","event_id":"e","event_type":"Invoice.Closed","data":{"id":"INV-9","center_id":"C1","guest":{"id":"G1"}}}"#;
        let summary = decode_webhook(closed).unwrap().summary();
        assert_eq!(summary.kind, "invoice_closed");
        assert_eq!(
            (summary.invoice_id.as_deref(), summary.center_id.as_deref(), summary.guest_id.as_deref()),
            (Some("INV-9"), Some("C1"), Some("G1"))
        );
        let package = r#"{"id":"A2","event_id":"e","event_type":"GuestPackage.Redeemed","data":{"user_package_id":"U1","center":{"id":"C2"},"service_redemptions":[{"invoice":{"id":"INV-3"}}]}}"#;
        let summary = decode_webhook(package).unwrap().summary();
        assert_eq!(summary.kind, "package_redeemed");
        assert_eq!(
            (summary.user_package_id.as_deref(), summary.center_id.as_deref(), summary.invoice_id.as_deref()),
            (Some("U1"), Some("C2"), Some("INV-3"))
        );
        let guest = r#"{"id":"A3","event_id":"e","event_type":"Guest.Created","data":{"id":"G"}}"#;
        let err = decode_webhook(guest).unwrap_err();
        assert_eq!(err.path, "data");
        assert!(err.message.contains("user_package_id"), "{}", err.message);
        let other_invoice = r#"{"id":"A4","event_id":"e","event_type":"Invoice.Opened","data":{"id":"I"}}"#;
        assert_eq!(decode_webhook(other_invoice).unwrap_err().path, "event_type");
        assert_eq!(decode_webhook("not json").unwrap_err().path, ".");
        let no_id = r#"{"id":"A5","event_id":"e","event_type":"Invoice.Closed","data":{"center_id":"C"}}"#;
        assert_eq!(decode_webhook(no_id).unwrap_err().path, "data");
    }
}
