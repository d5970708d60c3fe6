//! How every area writes the values Zenoti's answers share: money, center-local times and ids.

use chrono::NaiveDateTime;
use serde_json::{json, Value};

/// An amount as Zenoti writes it: a JSON number ("110.1" is 110.1), from cents.
pub(crate) fn money(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

/// A center-local business time as Zenoti writes it: no offset ("2026-12-01T10:00:00").
pub(crate) fn local_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// [`local_time`], or null.
pub(crate) fn local_time_or_null(t: Option<NaiveDateTime>) -> Value {
    t.map_or(Value::Null, |t| json!(local_time(t)))
}

/// Reads a time [`local_time`] wrote.
pub(crate) fn parse_local_time(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").ok()
}

/// A sandbox id: a GUID-shaped number with a tag saying what it is.
pub(crate) fn hex_id(n: u64, tag: u32) -> String {
    format!("{tag:08x}-0000-4000-8000-{n:012x}")
}

/// An id derived from another sandbox id (all are [`hex_id`]s): the same number, another tag.
pub(crate) fn derived_id(id: &str, tag: u32) -> String {
    format!("{tag:08x}{}", id.get(8..).unwrap_or(""))
}
