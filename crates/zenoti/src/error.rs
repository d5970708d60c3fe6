//! Errors of the client, and the parsing of every error shape Zenoti sends.

use std::time::Duration;

use serde_json::Value;

/// Everything a call to Zenoti can end in, other than success.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller's input was refused before any request was sent.
    #[error("{0}")]
    InvalidInput(String),

    /// Zenoti refused the credentials (after one re-authentication, where one is possible).
    #[error("Zenoti refused the credentials: {message}")]
    Unauthorized { message: String },

    /// A write was refused with 401. The client signed in again but did not resend the write:
    /// it never ran, and the user may try again.
    #[error("the session had expired; signed in again, the request was not sent twice")]
    Reauthenticated,

    /// Zenoti answered with an error envelope (in any HTTP status, including 200).
    #[error("Zenoti error {}: {message}", code.as_deref().unwrap_or("-"))]
    Api { status: u16, code: Option<String>, message: String },

    /// Too many requests, and waiting was not possible within the retry budget.
    #[error("Zenoti is rate limiting this organization")]
    RateLimited { retry_after: Option<Duration> },

    /// A 5xx without a Zenoti error envelope, after the retries allowed.
    #[error("Zenoti answered HTTP {status}")]
    Server { status: u16 },

    #[error("Zenoti did not answer in time")]
    Timeout,

    #[error("could not connect to Zenoti: {0}")]
    Connect(String),

    #[error("network error talking to Zenoti: {0}")]
    Network(String),

    /// The response was not what the API documents; `path` names where decoding failed.
    #[error("unexpected response from Zenoti at `{path}`: {message}")]
    Decode { path: String, message: String },
}

pub type Result<T> = std::result::Result<T, Error>;

/// An id or a code the caller must give, trimmed; refused before anything is sent when blank
/// ("Choose {what} first.").
pub(crate) fn required(value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::InvalidInput(format!("Choose {what} first.")));
    }
    Ok(value.to_owned())
}

impl Error {
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        // reqwest's own text names the URL, never a header, so it carries no secret.
        if err.is_timeout() {
            Error::Timeout
        } else if err.is_connect() {
            Error::Connect(root_cause(&err))
        } else {
            Error::Network(root_cause(&err))
        }
    }

    /// Whether a GET that ended in this error may be sent again.
    pub(crate) fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Timeout | Error::Connect(_) | Error::Network(_) | Error::Server { .. } | Error::RateLimited { .. }
        )
    }
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A Zenoti error found in a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Option<String>,
    pub message: String,
}

/// Finds an error in a response body, whatever its shape:
/// - `{"error": {"code": 502, "message": "..."}}` (null on success),
/// - `{"Error": {"StatusCode": 400, "Message": "...", "InternalMessage": "..."}}` (legacy endpoints),
/// - `{"Message": "...", "StatusCode": ...}` at the top level (ASP.NET, e.g. the 401 body),
/// - `{"code": "SOME_CODE", "message": "..."}` (APIV2ErrorModel, string codes).
///
/// Zenoti sends these with HTTP 200 too, so every body is checked.
pub fn find_api_error(body: &Value) -> Option<ApiError> {
    let obj = body.as_object()?;
    if let Some(inner) = obj.get("error").or_else(|| obj.get("Error")) {
        if let Some(found) = error_object(inner) {
            return Some(found);
        }
    }
    // Top-level shapes: only when the body has nothing but error fields, so a model that
    // happens to have a `message` or `code` field is never mistaken for an error.
    let error_keys = ["code", "message", "Message", "StatusCode", "InternalMessage", "MessageDetail", "error", "Error"];
    if obj.keys().all(|k| error_keys.contains(&k.as_str())) {
        return error_object(body);
    }
    None
}

fn error_object(value: &Value) -> Option<ApiError> {
    match value {
        Value::Null => None,
        Value::String(s) if !s.trim().is_empty() => Some(ApiError { code: None, message: s.trim().to_owned() }),
        Value::Object(obj) => {
            let message = ["message", "Message", "InternalMessage"]
                .iter()
                .find_map(|k| obj.get(*k).and_then(Value::as_str))
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            let code = ["code", "StatusCode", "Code"].iter().find_map(|k| obj.get(*k)).and_then(|v| match v {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            });
            match (code, message) {
                (None, None) => None,
                // A code of 0 or 200 with no message is a success marker, not an error.
                (Some(c), None) if c == "0" || c == "200" => None,
                (code, message) => Some(ApiError { message: message.unwrap_or_else(|| "no message".to_owned()), code }),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(v: Value) -> Option<(Option<String>, String)> {
        find_api_error(&v).map(|e| (e.code, e.message))
    }

    #[test]
    fn snake_case_envelope() {
        assert_eq!(
            found(json!({"packages": null, "error": {"code": 502, "message": "invalid center_id."}})),
            Some((Some("502".into()), "invalid center_id.".into()))
        );
    }

    #[test]
    fn null_error_is_success() {
        assert_eq!(found(json!({"centers": [], "error": null})), None);
    }

    #[test]
    fn pascal_case_envelope() {
        assert_eq!(
            found(json!({"Error": {"StatusCode": 400, "Message": "The request is invalid.", "InternalMessage": null}})),
            Some((Some("400".into()), "The request is invalid.".into()))
        );
    }

    #[test]
    fn top_level_aspnet_message() {
        assert_eq!(
            found(json!({"Message": "Authorization has been denied for this request."})),
            Some((None, "Authorization has been denied for this request.".into()))
        );
    }

    #[test]
    fn string_codes() {
        assert_eq!(
            found(json!({"code": "INVALID_GUEST", "message": "Guest not found"})),
            Some((Some("INVALID_GUEST".into()), "Guest not found".into()))
        );
        assert_eq!(
            found(json!({"error": {"code": "E_OTP", "message": "Please enter a valid OTP."}})),
            Some((Some("E_OTP".into()), "Please enter a valid OTP.".into()))
        );
    }

    #[test]
    fn a_model_with_a_message_field_is_not_an_error() {
        assert_eq!(found(json!({"message": "hello", "id": "x"})), None);
    }

    #[test]
    fn zero_code_without_message_is_not_an_error() {
        assert_eq!(found(json!({"error": {"code": 0, "message": null}})), None);
    }
}
