//! The hub's errors. Every answer the hub makes itself has Zenoti's error shape,
//! `{"error": {"code": <HTTP status>, "message": …}}`, so a desk's Zenoti client reads it as it
//! reads Zenoti's own, plus a stable `hub_code` the desk can decide by.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("{0}")]
    Config(String),
    #[error("cannot open the hub's database {url}: {detail}. Check that the database server is running and that the URL, user and password are right.")]
    DatabaseUnreachable { url: String, detail: String },
    #[error("the hub's database is unavailable ({0}); try again in a few seconds")]
    Database(#[from] sqlx::Error),
    #[error("{message}")]
    Refused { status: StatusCode, code: &'static str, message: String },
    #[error("the hub has no token for this call before its deadline; retry in {retry_after_secs} s")]
    NoToken { retry_after_secs: u64 },
}

impl HubError {
    pub fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> HubError {
        HubError::Refused { status, code, message: message.into() }
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> HubError {
        HubError::refused(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> HubError {
        HubError::refused(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn status(&self) -> StatusCode {
        match self {
            HubError::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
            HubError::DatabaseUnreachable { .. } | HubError::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
            HubError::Refused { status, .. } => *status,
            HubError::NoToken { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            HubError::Config(_) => "config",
            HubError::DatabaseUnreachable { .. } | HubError::Database(_) => "database_unavailable",
            HubError::Refused { code, .. } => code,
            HubError::NoToken { .. } => "no_token",
        }
    }
}

/// Zenoti's error body with the hub's own code.
pub fn error_body(status: StatusCode, hub_code: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"code": status.as_u16(), "message": message, "hub_code": hub_code}})))
        .into_response()
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        if let HubError::Database(err) = &self {
            tracing::warn!(error = %err, "database call failed");
        }
        let mut response = error_body(self.status(), self.code(), &self.to_string());
        if let HubError::NoToken { retry_after_secs } = self {
            response.headers_mut().insert("retry-after", HeaderValue::from(retry_after_secs));
        }
        response
    }
}
