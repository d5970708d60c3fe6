//! Webhook events of guest packages (creation, redemption, redemption reversal, status update,
//! validity update), decoded from the body Zenoti posts.
//!
//! Tolerance: the envelope's `id`, `event_id` and `data`, and `data.user_package_id`, are
//! strict. Every other field is optional and tolerant: a null, or a value of the wrong type,
//! reads as absent instead of failing the whole event (one helper, `lenient`). Unknown fields
//! are ignored and unknown enum values are kept as `Other(raw)`.
//!
//! Business times in `data` are center-local without an offset and stay [`NaiveDateTime`];
//! only the envelope's `event_timestamp` is UTC.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::de::{lenient, local_time, tolerant, utc_time};
use crate::enums::open_enum;
use crate::packages::PackageType;

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

/// The `data` of a guest-package event: the package as it is now, and what the event adds.
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PurchasePrice {
    #[serde(default, deserialize_with = "lenient")]
    pub currency_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub sales: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub tax: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub r#final: Option<Decimal>,
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
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub balance_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub package_service_price: Option<Decimal>,
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

/// One redemption of a service or a product from a package (or its reversal).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ItemRedemption {
    #[serde(default, deserialize_with = "lenient")]
    pub invoice: Option<InvoiceRef>,
    /// Service redemptions.
    #[serde(default, deserialize_with = "lenient")]
    pub service: Option<NamedRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub service_type_info: Option<ServiceTypeInfo>,
    /// Product redemptions.
    #[serde(default, deserialize_with = "lenient")]
    pub product: Option<NamedRef>,
    #[serde(default, deserialize_with = "lenient")]
    pub product_type_info: Option<ProductTypeInfo>,
    #[serde(default, deserialize_with = "lenient")]
    pub therapist: Option<NamedRef>,
    /// Sent as "2022-03-01 20:00:00.000".
    #[serde(default, deserialize_with = "local_time")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub usage_date: Option<NaiveDateTime>,
    #[serde(default, deserialize_with = "lenient")]
    pub center: Option<NamedRef>,
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
    let mut de = serde_json::Deserializer::from_str(text);
    let event = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        error(path, err.into_inner())
    })?;
    de.end().map_err(|err| error(".".into(), err))?;
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::de::{parse_local_time, utc_time};
    use chrono::NaiveDate;
    use serde_json::json;
    use serde_json::Value;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap()
    }

    #[test]
    fn local_times_in_both_forms_stay_naive() {
        assert_eq!(parse_local_time("2022-03-11T08:00:00"), Some(at(2022, 3, 11, 8, 0, 0)));
        assert_eq!(parse_local_time("2022-03-01 20:00:00.000"), Some(at(2022, 3, 1, 20, 0, 0)));
        assert_eq!(parse_local_time("2022-03-02"), Some(at(2022, 3, 2, 0, 0, 0)));
        let fraction = parse_local_time("2022-03-02T05:26:34.1234567").unwrap();
        assert_eq!(fraction.and_utc().timestamp_subsec_nanos(), 123_456_700);
        for bad in ["2022-03-11T08:00:00Z", "2022-03-11T08:00:00+05:30", "11/03/2022", "", "2022-13-01T00:00:00"] {
            assert_eq!(parse_local_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_event_timestamp_is_utc_with_or_without_z() {
        #[derive(Deserialize)]
        struct T {
            #[serde(deserialize_with = "utc_time")]
            t: Option<DateTime<Utc>>,
        }
        let read = |v: Value| serde_json::from_value::<T>(json!({ "t": v })).unwrap().t;
        let expected = at(2022, 3, 2, 5, 26, 34).and_utc() + chrono::Duration::nanoseconds(123_456_700);
        assert_eq!(read(json!("2022-03-02T05:26:34.1234567")), Some(expected));
        assert_eq!(read(json!("2022-03-02T05:26:34.1234567Z")), Some(expected));
        assert_eq!(read(json!("2022-03-02T10:56:34.1234567+05:30")), Some(expected));
        assert_eq!(read(json!(null)), None);
        assert_eq!(read(json!(1646198794)), None);
    }

    #[test]
    fn wrong_types_and_nulls_read_as_absent() {
        let price: PurchasePrice =
            serde_json::from_value(json!({"currency_id": "x", "sales": "12.50", "tax": null, "final": [1], "new": 1}))
                .unwrap();
        assert_eq!(
            price,
            PurchasePrice { currency_id: None, sales: Some(Decimal::new(1250, 2)), tax: None, r#final: None }
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
