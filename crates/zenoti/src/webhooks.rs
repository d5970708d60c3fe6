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
use crate::guest_packages::{GuestPackage, ServiceBalance};
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
    let error = |path: String, err: serde_json::Error| {
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = err.to_string();
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
        EventDecodeError { line: err.line(), column: err.column(), path, message }
    };
    at_path(&mut serde_json::Deserializer::from_str(text)).map_err(|(path, err)| error(path, err))
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
        assert!(err.message.starts_with("invalid type: integer `7`"), "{}", err.message);
        assert!(!err.message.contains("at line"), "the position is not repeated: {}", err.message);
        let err = decode_event("{\"id\": \"i\", \"event_id\": \"e\", \"data\": null}").unwrap_err();
        assert_eq!(err.path, "data");
        let err =
            decode_event("{\"id\": \"i\", \"event_id\": \"e\", \"data\": {\"user_package_id\": \"u\"}} x").unwrap_err();
        assert_eq!((err.line, err.column, err.path.as_str()), (1, 64, "."));
    }
}
