//! Answers we did not expect: what the tolerance policy (`de.rs`) let through or could not read,
//! noted with its JSON path and the type of what came, never the value (except an unknown enum
//! value, which is neither personal nor money), so support sees the shape of a surprise.
//!
//! How: while [`decode_noting`] decodes, every tolerant reading that had to bend (a lenient
//! field of another type, a list item skipped, an unknown enum value) is counted in a
//! thread-local. Decoding is synchronous, so the thread-local belongs to one decode. Only when
//! something bent, the body is decoded again once per bend with that bend turned into an error,
//! so `serde_path_to_error` names its path; an answer that met no surprise costs nothing more.

use std::cell::RefCell;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::de::at_path;
use crate::error::{Error, Result};

/// The most different surprises located (and kept) per answer.
const MAX_NOTED: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum UnexpectedKind {
    /// The answer could not be read: the call failed.
    Undecodable,
    /// A descriptive field (or a list item) of another type: read as absent (or skipped).
    Tolerated,
    /// An enum value Front Desk does not know: kept as it came.
    UnknownValue,
}

/// One surprise in one answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Unexpected {
    /// `GET /v1/centers/{id}/packages`: ids replaced, never a query.
    pub endpoint: String,
    pub kind: UnexpectedKind,
    /// The JSON path, `invoice.transactions[0].payment_option` ("" when it could not be found).
    pub path: String,
    /// What Front Desk reads there, in words ("text", "an amount", "a known PackageType").
    pub expected: String,
    /// The type of what came ("an object", "a number"), never its value.
    pub found: String,
    /// Only for an unknown enum value: the value itself (a code, never personal or money).
    pub value: Option<String>,
}

impl Unexpected {
    /// The surprise in words: "`payment_option`: expected an object, Zenoti sent text".
    pub fn describe(&self) -> String {
        let at = if self.path.is_empty() { "somewhere in the answer".to_owned() } else { format!("`{}`", self.path) };
        match self.kind {
            UnexpectedKind::UnknownValue => format!(
                "{at}: a value Front Desk does not know ({} {}), kept as it came",
                self.found,
                self.value.as_deref().unwrap_or("")
            ),
            UnexpectedKind::Tolerated => {
                format!("{at}: expected {}, Zenoti sent {} (read as absent)", self.expected, self.found)
            }
            UnexpectedKind::Undecodable => format!("{at}: expected {}, Zenoti sent {}", self.expected, self.found),
        }
    }
}

/// A bend counted while decoding.
struct Bend {
    kind: UnexpectedKind,
    expected: String,
    found: String,
    value: Option<String>,
}

enum Mode {
    /// Not noting (webhooks, plain `decode`): bends are silent.
    Off,
    Note(Vec<Bend>),
    /// Turns bend number `target` into an error; `suffix` collects its path inside the
    /// tolerant readers it sat in, innermost last.
    Locate {
        target: usize,
        seen: usize,
        fired: bool,
        suffix: Vec<String>,
    },
}

thread_local! {
    static MODE: RefCell<Mode> = const { RefCell::new(Mode::Off) };
}

/// The bend being located, failing the decode where it sits (only while locating: the message
/// is serde's for the value that did not fit, or the reader's own).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Located(String);

/// Counts a bend, or (while locating) says whether this is the one to fail at.
fn bent(kind: UnexpectedKind, expected: String, found: &str, value: Option<&str>) -> bool {
    MODE.with(|mode| match &mut *mode.borrow_mut() {
        Mode::Off => false,
        Mode::Note(bends) => {
            let value = value.map(|v| v.chars().take(40).collect());
            bends.push(Bend { kind, expected, found: found.to_owned(), value });
            false
        }
        Mode::Locate { target, seen, fired, .. } => {
            let this = *seen;
            *seen += 1;
            if !*fired && this == *target {
                *fired = true;
                true
            } else {
                false
            }
        }
    })
}

fn is_off() -> bool {
    MODE.with(|mode| matches!(&*mode.borrow(), Mode::Off))
}

fn fired() -> bool {
    MODE.with(|mode| matches!(&*mode.borrow(), Mode::Locate { fired: true, .. }))
}

/// The bend being located failed inside a reader that cannot fail: it stays unlocated (no
/// later bend fires in its place, as they all come after it).
pub(crate) fn lost() {
    MODE.with(|mode| {
        if let Mode::Locate { fired, suffix, .. } = &mut *mode.borrow_mut() {
            *fired = false;
            suffix.clear();
        }
    });
}

fn push_suffix(path: String) {
    MODE.with(|mode| {
        if let Mode::Locate { suffix, .. } = &mut *mode.borrow_mut() {
            suffix.push(path);
        }
    });
}

/// A tolerant reading of `value` as `T` (`inner`: its place in the reader, `[3]` for a list
/// item): `Ok(None)` when it does not fit (a bend, noted), `Err` only while locating a bend
/// inside it or at it. Null is absent, not a surprise.
pub(crate) fn read_bending<T: DeserializeOwned>(
    value: Value,
    inner: impl FnOnce() -> String,
) -> std::result::Result<Option<T>, Located> {
    if is_off() || value.is_null() {
        return Ok(T::deserialize(value).ok());
    }
    match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(read) => Ok(Some(read)),
        Err(err) => {
            let path = err.path().to_string();
            let message = err.into_inner().to_string();
            // A bend further in failed already: passed on with where it sat.
            if fired() {
                push_suffix(join(&inner(), &path));
                return Err(Located(message));
            }
            let found = at(&value, &path).map_or("nothing", type_of);
            if bent(UnexpectedKind::Tolerated, expected_words(&message), found, None) {
                push_suffix(join(&inner(), &path));
                return Err(Located(message));
            }
            Ok(None)
        }
    }
}

/// A reader that bent with nothing inside it (a time in another form, a code of another
/// type): `Err` only when it is the bend being located.
pub(crate) fn bend_here(expected: &str, found: &Value) -> std::result::Result<(), Located> {
    if is_off() || found.is_null() {
        return Ok(());
    }
    let found = if found.is_string() { "text in another form" } else { type_of(found) };
    if bent(UnexpectedKind::Tolerated, expected.to_owned(), found, None) {
        return Err(Located(format!("expected {expected}")));
    }
    Ok(())
}

/// An enum value Front Desk does not know (kept as `Other`): `Err` only when it is the bend
/// being located.
pub(crate) fn unknown_value(enum_name: &str, raw: &Value) -> std::result::Result<(), Located> {
    if is_off() {
        return Ok(());
    }
    let text = match raw {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if bent(UnexpectedKind::UnknownValue, format!("a known {enum_name}"), type_of(raw), Some(&text)) {
        return Err(Located(format!("unknown {enum_name}")));
    }
    Ok(())
}

/// "expected …" of serde's words, never the value they may quote.
fn expected_words(message: &str) -> String {
    let text = message.split(" at line ").next().unwrap_or("").trim();
    if let Some(field) = text.strip_prefix("missing field ") {
        format!("the field {field}")
    } else if let Some((_, expected)) = text.rsplit_once("expected ") {
        expected.trim().to_owned()
    } else {
        "a value Front Desk can read".to_owned()
    }
}

/// Runs `f` with the given mode, putting `Off` back afterwards (also on panic unwinding).
fn with_mode<R>(mode: Mode, f: impl FnOnce() -> R) -> (R, Mode) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            MODE.with(|m| *m.borrow_mut() = Mode::Off);
        }
    }
    MODE.with(|m| *m.borrow_mut() = mode);
    let reset = Reset;
    let result = f();
    let left = MODE.with(|m| std::mem::replace(&mut *m.borrow_mut(), Mode::Off));
    drop(reset);
    (result, left)
}

fn decode_at<T: DeserializeOwned>(body: &[u8]) -> std::result::Result<T, (String, serde_json::Error)> {
    at_path(&mut serde_json::Deserializer::from_slice(body))
}

/// Decodes a body like [`crate::decode`], and says what in it was not as expected (the
/// endpoint left blank for the caller to fill).
pub fn decode_noting<T: DeserializeOwned>(body: &[u8]) -> (Result<T>, Vec<Unexpected>) {
    let (result, left) = with_mode(Mode::Note(Vec::new()), || decode_at::<T>(body));
    let bends = match left {
        Mode::Note(bends) => bends,
        _ => Vec::new(),
    };
    let mut noted: Vec<Unexpected> = Vec::new();
    for (target, bend) in bends.into_iter().enumerate() {
        // The same surprise again (every package's `type`): located once; up to MAX_NOTED
        // different ones are located, so a later, different one is not lost behind repeats.
        let repeat = noted.iter().any(|n| {
            n.kind == bend.kind && n.expected == bend.expected && n.found == bend.found && n.value == bend.value
        });
        if repeat {
            continue;
        }
        if noted.len() >= MAX_NOTED {
            break;
        }
        let (again, left) =
            with_mode(Mode::Locate { target, seen: 0, fired: false, suffix: Vec::new() }, || decode_at::<T>(body));
        let path = match (again, left) {
            (Err((outer, _)), Mode::Locate { fired: true, suffix, .. }) => {
                suffix.iter().rev().fold(if outer == "." { String::new() } else { outer }, |p, s| join(&p, s))
            }
            _ => String::new(),
        };
        noted.push(Unexpected {
            endpoint: String::new(),
            kind: bend.kind,
            path,
            expected: bend.expected,
            found: bend.found,
            value: bend.value,
        });
    }
    let result = result.map_err(|(path, err)| {
        let path = if path == "." { "(response body)".to_owned() } else { path };
        noted.push(undecodable(body, &path, &err));
        Error::Decode { path, message: crate::de::value_free(&err) }
    });
    (result, noted)
}

/// A decode failure as a surprise: what was expected (from serde's words, never the value
/// they may quote) and the type found at the path.
fn undecodable(body: &[u8], path: &str, err: &serde_json::Error) -> Unexpected {
    let message = err.to_string();
    let found = match serde_json::from_slice::<Value>(body) {
        Err(_) => "something that is not JSON".to_owned(),
        Ok(_) if message.starts_with("missing field") => "nothing".to_owned(),
        Ok(value) => at(&value, path).map_or("nothing".to_owned(), |v| type_of(v).to_owned()),
    };
    Unexpected {
        endpoint: String::new(),
        kind: UnexpectedKind::Undecodable,
        path: path.to_owned(),
        expected: expected_words(&message),
        found,
        value: None,
    }
}

/// The value at a path as `serde_path_to_error` writes it (`a.b[0].c`).
fn at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() || path == "(response body)" {
        return Some(value);
    }
    let mut here = value;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            here = here.get(key)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            here = here.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(here)
}

fn join(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        (o, "." | "") => o.to_owned(),
        ("." | "", i) => i.to_owned(),
        (o, i) if i.starts_with('[') => format!("{o}{i}"),
        (o, i) => format!("{o}.{i}"),
    }
}

/// The type of a JSON value in words.
pub(crate) fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The endpoint of a URL path for the record: segments that look like ids (eight characters
/// or more with a digit in them: GUIDs, invoice ids) become `{id}`. UNKNOWN: Zenoti's ids
/// are GUIDs in every recorded answer; a shorter id would be kept as it is.
pub(crate) fn endpoint(method: &str, path: &str) -> String {
    let path: Vec<&str> = path
        .split('/')
        .map(|s| if s.len() >= 8 && s.chars().any(|c| c.is_ascii_digit()) { "{id}" } else { s })
        .collect();
    format!("{method} {}", path.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::de::{lenient, tolerant_list};
    use serde_json::json;

    crate::enums::open_enum! {
        pub enum Colour { Red = 1, Blue = 2 }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Line {
        #[serde(default, deserialize_with = "lenient")]
        label: Option<String>,
        #[serde(default)]
        colour: Option<Colour>,
        amount: Option<crate::Money>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Answer {
        #[serde(default, deserialize_with = "tolerant_list")]
        lines: Vec<Line>,
        #[serde(default, deserialize_with = "lenient")]
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(default, deserialize_with = "lenient")]
        name: Option<String>,
    }

    fn noted(body: Value) -> (bool, Vec<(UnexpectedKind, String, String, String, Option<String>)>) {
        let (result, notes) = decode_noting::<Answer>(&serde_json::to_vec(&body).unwrap());
        (result.is_ok(), notes.into_iter().map(|n| (n.kind, n.path, n.expected, n.found, n.value)).collect())
    }

    #[test]
    fn an_answer_as_expected_notes_nothing() {
        assert_eq!(
            noted(json!({"lines": [{"label": "a", "colour": 1, "amount": 3}], "inner": {"name": "x"}})),
            (true, vec![])
        );
        // Nulls are absent, not surprises.
        assert_eq!(noted(json!({"lines": [{"label": null}], "inner": null})), (true, vec![]));
    }

    #[test]
    fn every_bend_is_located_with_its_type_never_its_value() {
        let (ok, notes) = noted(json!({
            "lines": [{"label": "a"}, {"label": {"secret": "Maria"}, "colour": 7}, {"amount": {"v": 1}}],
            "inner": {"name": ["Maria"]}
        }));
        assert!(ok);
        use UnexpectedKind::*;
        let mut notes = notes;
        notes.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(
            notes,
            vec![
                (Tolerated, "inner.name".into(), "a string".into(), "a list".into(), None),
                (UnknownValue, "lines[1].colour".into(), "a known Colour".into(), "a number".into(), Some("7".into())),
                (Tolerated, "lines[1].label".into(), "a string".into(), "an object".into(), None),
                (
                    Tolerated,
                    "lines[2].amount".into(),
                    "a Decimal type representing a fixed-point number".into(),
                    "an object".into(),
                    None
                ),
            ]
        );
        assert!(!format!("{notes:?}").contains("Maria"));
        assert_eq!(Colour::Blue.code(), Some(2));
    }

    #[test]
    fn a_surprise_repeated_down_a_list_is_noted_once_and_hides_no_other() {
        // Twenty lines with an unknown colour, then a label of another type at the end.
        let mut lines: Vec<Value> = (0..20).map(|_| json!({"colour": 9})).collect();
        lines.push(json!({"label": 5}));
        let (ok, notes) = noted(json!({ "lines": lines }));
        assert!(ok);
        use UnexpectedKind::*;
        assert_eq!(
            notes,
            vec![
                (UnknownValue, "lines[0].colour".into(), "a known Colour".into(), "a number".into(), Some("9".into())),
                (Tolerated, "lines[20].label".into(), "a string".into(), "a number".into(), None),
            ]
        );
    }

    #[test]
    fn a_failure_names_path_expected_and_type() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Strict {
            price: crate::Money,
        }
        let (result, notes) = decode_noting::<Strict>(br#"{"price": {"amount": "12.50"}}"#);
        assert!(matches!(result, Err(Error::Decode { ref path, .. }) if path == "price"));
        assert_eq!(notes.len(), 1);
        assert_eq!(
            (notes[0].kind, notes[0].path.as_str(), notes[0].found.as_str()),
            (UnexpectedKind::Undecodable, "price", "an object")
        );
        assert!(!notes[0].expected.contains("12.50"), "{:?}", notes[0]);
        let (_, notes) = decode_noting::<Strict>(br#"{"cost": 1}"#);
        assert_eq!((notes[0].expected.as_str(), notes[0].found.as_str()), ("the field `price`", "nothing"));
    }

    #[test]
    fn endpoints_lose_their_ids() {
        assert_eq!(
            endpoint("GET", "/v1/guests/7a8b9c0d-1111-2222-3333-444455556666/points/1"),
            "GET /v1/guests/{id}/points/1"
        );
        assert_eq!(endpoint("GET", "/v1/centers"), "GET /v1/centers");
    }
}
