//! The one tolerance policy of every model (see the crate's docs):
//! - ids and money that a decision depends on are strict: a plain field, so a wrong type is an
//!   error naming its JSON path (null or absent read as `None` / empty);
//! - descriptive fields are lenient ([`lenient`]): a null or a wrong type reads as absent;
//! - lists of descriptive items are tolerant ([`tolerant_list`]): a malformed item is skipped;
//! - unknown fields are ignored and enums are open (`enums.rs`).
//!
//! Every deserialize helper of the crate is here, with the two entry points that decode a whole
//! body and say where it went wrong ([`decode`] for API answers, [`at_path`] beneath the
//! webhook decoder) and the time formats Zenoti writes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::de::DeserializeOwned;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::unexpected::{bend_here, read_bending};

/// Decodes a body, naming the JSON path (or line and column) where it went wrong.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    at_path(&mut serde_json::Deserializer::from_slice(body)).map_err(|(path, err)| Error::Decode {
        path: if path == "." { "(response body)".into() } else { path },
        message: value_free(&err),
    })
}

/// serde_json's words for a decode error without the value they may quote (a guest's name, an
/// amount): the kind of value found and what was expected, then the line and column. Every
/// decode error of the crate is worded by it, so none carries a value into a log.
pub(crate) fn value_free(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let text = message.split(" at line ").next().unwrap_or("").trim();
    let words = if let Some((prefix, rest)) =
        ["invalid type: ", "invalid value: "].iter().find_map(|p| text.strip_prefix(p).map(|r| (*p, r)))
    {
        // "string \"Jane\", expected i64": the kind, up to the quoted value.
        let found = rest.split(['"', '`', ',']).next().unwrap_or("").trim();
        let expected = rest.rsplit_once(", expected ").map_or("something else", |(_, e)| e);
        format!("{prefix}{found}, expected {expected}")
    } else if let Some(rest) = text.strip_prefix("unknown variant ") {
        let expected = rest.rsplit_once(", expected ").map_or("a known one", |(_, e)| e);
        format!("unknown variant, expected {expected}")
    } else {
        text.to_owned()
    };
    if err.line() > 0 {
        format!("{words} at line {} column {}", err.line(), err.column())
    } else {
        words
    }
}

/// Decodes the whole input (nothing may follow the value); on failure, the JSON path where
/// decoding stopped ("." for the whole input) and serde_json's error, with its line and column.
pub(crate) fn at_path<'de, R: serde_json::de::Read<'de>, T: Deserialize<'de>>(
    de: &mut serde_json::Deserializer<R>,
) -> std::result::Result<T, (String, serde_json::Error)> {
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|err| {
        let path = err.path().to_string();
        (path, err.into_inner())
    })?;
    de.end().map_err(|err| (".".to_owned(), err))?;
    Ok(value)
}

/// A descriptive field: wrong types and nulls read as `None` (a wrong type is noted as a
/// surprise, `unexpected.rs`). Only a body that is not JSON fails here.
pub(crate) fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> std::result::Result<Option<T>, D::Error> {
    read_bending(Value::deserialize(d)?, String::new).map_err(D::Error::custom)
}

/// A value already read, as [`lenient`] reads it (never an error: a bend located inside it
/// reads as absent too, and is then noted without its path).
pub(crate) fn tolerant<T: DeserializeOwned>(value: Value) -> Option<T> {
    read_bending(value, String::new).unwrap_or_else(|_| {
        crate::unexpected::lost();
        None
    })
}

/// A list of descriptive items: a null or a non-list reads as empty, a malformed item is skipped.
pub(crate) fn tolerant_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> std::result::Result<Vec<T>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => {
            let mut read = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                if let Some(item) = read_bending(item, || format!("[{i}]")).map_err(D::Error::custom)? {
                    read.push(item);
                }
            }
            read
        }
        other => {
            bend_here("a list", &other).map_err(D::Error::custom)?;
            Vec::new()
        }
    })
}

/// A strict list (its items decide something): null reads as empty, a malformed item is an error.
pub(crate) fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A descriptive code that Zenoti sends as a string or as a number.
pub(crate) fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        other => {
            bend_here("text or a number", &other).map_err(D::Error::custom)?;
            None
        }
    })
}

/// A phone number, which Zenoti sends as a string (in an invoice) or as an object
/// `{country_code, number}` (in the guest endpoints): its number as text either way.
pub(crate) fn phone_text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Object(o) => ["display_number", "number"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)),
        other => {
            bend_here("a phone number (text or an object)", &other).map_err(D::Error::custom)?;
            None
        }
    })
}

/// A center-local time, `None` unless it is a string [`parse_local_time`] reads.
pub(crate) fn local_time<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<NaiveDateTime>, D::Error> {
    let value = Value::deserialize(d)?;
    let time = value.as_str().and_then(parse_local_time);
    if time.is_none() {
        bend_here("a center-local time (2026-12-02T10:00:00)", &value).map_err(D::Error::custom)?;
    }
    Ok(time)
}

/// A UTC timestamp, `None` unless it is a string [`parse_utc_time`] reads.
pub(crate) fn utc_time<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<DateTime<Utc>>, D::Error> {
    let value = Value::deserialize(d)?;
    let time = value.as_str().and_then(parse_utc_time);
    if time.is_none() {
        bend_here("a time (2026-12-02T10:00:00Z)", &value).map_err(D::Error::custom)?;
    }
    Ok(time)
}

/// A UTC time: with an offset or "Z", or without one (then taken as UTC), in any of the forms
/// [`parse_local_time`] reads.
pub(crate) fn parse_utc_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text).map(|t| t.to_utc()).ok().or_else(|| parse_local_time(text).map(|t| t.and_utc()))
}

/// Reads "2022-03-11T08:00:00", "2022-03-01 20:00:00.000" (any fraction) or a bare date as
/// midnight. A value with an offset is not a center-local time and reads as `None`.
pub(crate) fn parse_local_time(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(|d| d.and_time(NaiveTime::MIN)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decode_errors_name_the_kind_of_value_never_the_value() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Strict {
            amount: i64,
            kind: Option<Kind>,
        }
        #[derive(Deserialize, Debug)]
        enum Kind {
            Card,
        }
        let said = |body: &str| match decode::<Strict>(body.as_bytes()) {
            Err(Error::Decode { path, message }) => format!("{path}: {message}"),
            other => panic!("{other:?}"),
        };
        let said_text = said(r#"{"amount": "Jane Secret-Guest"}"#);
        assert!(!said_text.contains("Jane"), "{said_text}");
        assert!(said_text.starts_with("amount: invalid type: string, expected i64 at line 1"), "{said_text}");
        let said_float = said(r#"{"amount": 123.45}"#);
        assert!(!said_float.contains("123.45"), "{said_float}");
        assert!(said_float.contains("invalid type: floating point, expected i64"), "{said_float}");
        let said_variant = said(r#"{"amount": 1, "kind": "Gold 555-0100"}"#);
        assert!(
            !said_variant.contains("555-0100") && said_variant.contains("unknown variant, expected"),
            "{said_variant}"
        );
        assert!(said("{").contains("EOF while parsing"), "syntax errors keep serde's words");
    }

    #[derive(Deserialize, Debug)]
    struct Sample {
        #[serde(default, deserialize_with = "lenient")]
        name: Option<String>,
        #[serde(default, deserialize_with = "tolerant_list")]
        tags: Vec<String>,
        #[serde(default, deserialize_with = "phone_text")]
        phone: Option<String>,
        #[serde(default)]
        amount: Option<crate::Money>,
    }

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
    fn descriptive_fields_bend_and_money_does_not() {
        let s: Sample = serde_json::from_value(
            json!({"name": 7, "tags": ["a", 1, "b"], "phone": {"country_code": 1, "number": "555"}, "amount": 3.5}),
        )
        .unwrap();
        assert_eq!((s.name, s.tags, s.phone), (None, vec!["a".to_owned(), "b".to_owned()], Some("555".to_owned())));
        assert_eq!(s.amount, Some("3.5".parse().unwrap()));
        let s: Sample = serde_json::from_value(json!({"phone": "+1 875", "tags": null})).unwrap();
        assert_eq!(s.phone.as_deref(), Some("+1 875"));
        assert!(serde_json::from_value::<Sample>(json!({"amount": {"value": 3}})).is_err());
    }
}
