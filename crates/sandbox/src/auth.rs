//! `POST /v1/tokens` and the Authorization check of every API route.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State as AxumState};
use axum::http::header::AUTHORIZATION;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::{business_error, State};

const DENIED: &str = "Authorization has been denied for this request.";

#[derive(Default)]
pub(crate) struct Tokens {
    access: HashMap<String, DateTime<Utc>>,
    refresh: HashMap<String, DateTime<Utc>>,
}

#[derive(Deserialize)]
pub(crate) struct TokenRequest {
    grant_type: Option<String>,
    account_name: Option<String>,
    user_name: Option<String>,
    password: Option<String>,
    app_id: Option<String>,
    app_secret: Option<String>,
    refresh_token: Option<String>,
}

/// The password grant as documented, and the refresh grant as the client reads it (the refresh
/// body is undocumented: `grant_type: "refresh_token"`, `refresh_token`, `app_id`, `app_secret`).
/// A refresh deactivates every access token issued before it, as Zenoti documents, and a refresh
/// token works once.
pub(crate) async fn tokens(AxumState(state): AxumState<Arc<State>>, body: Option<Json<TokenRequest>>) -> Response {
    let Some(Json(req)) = body else {
        return business_error(400, 400, "The request is invalid.");
    };
    let account = &state.config.employee;
    let app_ok = req.app_id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(&account.app_id))
        && req.app_secret.as_deref() == Some(account.app_secret.as_str());
    match req.grant_type.as_deref() {
        Some("password") => {
            let login_ok = req.account_name.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&account.account_name))
                && req.user_name.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(&account.user_name))
                && req.password.as_deref() == Some(account.password.as_str());
            if !(login_ok && app_ok) {
                return business_error(401, 401, "The username or password is incorrect.");
            }
            state.stats.lock().unwrap().password_grants += 1;
            issue(&state, false)
        }
        Some("refresh_token") => {
            let mut tokens = state.tokens.lock().unwrap();
            let valid = req
                .refresh_token
                .as_deref()
                .and_then(|t| tokens.refresh.remove(t))
                .is_some_and(|expiry| expiry > state.clock.now());
            drop(tokens);
            if !(valid && app_ok) {
                return business_error(401, 401, "Invalid refresh token.");
            }
            state.stats.lock().unwrap().refresh_grants += 1;
            issue(&state, true)
        }
        _ => business_error(400, 400, "The request is invalid."),
    }
}

fn issue(state: &State, revoke_others: bool) -> Response {
    let now = state.clock.now();
    let access = format!("sbx-at-{:032x}", state.random_u128());
    let refresh = format!("sbx-rt-{:032x}", state.random_u128());
    let expiry = now + chrono::Duration::from_std(state.config.token_ttl).unwrap_or(chrono::Duration::hours(10));
    let refresh_expiry = now + chrono::Duration::days(90);
    {
        let mut tokens = state.tokens.lock().unwrap();
        if revoke_others {
            tokens.access.clear();
        }
        tokens.access.insert(access.clone(), expiry);
        tokens.refresh.insert(refresh.clone(), refresh_expiry);
    }
    state.stats.lock().unwrap().issued_tokens.extend([access.clone(), refresh.clone()]);
    let token_id = format!("{:032x}", state.random_u128());
    let token_id = format!(
        "{}-{}-{}-{}-{}",
        &token_id[..8],
        &token_id[8..12],
        &token_id[12..16],
        &token_id[16..20],
        &token_id[20..]
    );
    // As recorded: `login_policy_evaluation` beside the credentials, the app id in upper case.
    Json(json!({
        "credentials": {
            "access_token": access,
            "access_token_expiry": zenoti_utc(expiry),
            "refresh_token": refresh,
            "refresh_token_expiry": zenoti_utc(refresh_expiry),
            "token_type": "bearer",
            "token_id": token_id,
            "app_id": state.config.employee.app_id.to_uppercase(),
            "user_type": "Employee",
        },
        "login_policy_evaluation": {
            "allowlogin": true,
            "policyaction": 0,
            "policyactiondata": null,
            "userid": null,
            "passwordexpiryreminder": false,
        },
        "error": null,
    }))
    .into_response()
}

/// UTC as Zenoti writes token expiries: 7 fractional digits and `Z`
/// ("2022-06-08T11:19:18.7016839Z").
fn zenoti_utc(t: DateTime<Utc>) -> String {
    format!("{}.{:07}Z", t.format("%Y-%m-%dT%H:%M:%S"), t.timestamp_subsec_nanos() / 100)
}

/// `Authorization: apikey <key>` or `bearer <token>`, schemes case-insensitive, as Zenoti.
pub(crate) async fn require_auth(AxumState(state): AxumState<Arc<State>>, request: Request, next: Next) -> Response {
    let header = request.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (scheme, value) = header.trim().split_once(' ').unwrap_or(("", ""));
    let value = value.trim();
    let allowed = if scheme.eq_ignore_ascii_case("apikey") {
        value == state.config.api_key
    } else if scheme.eq_ignore_ascii_case("bearer") {
        let tokens = state.tokens.lock().unwrap();
        tokens.access.get(value).is_some_and(|expiry| *expiry > state.clock.now())
    } else {
        false
    };
    if !allowed {
        state.stats.lock().unwrap().unauthorized += 1;
        return (StatusCode::UNAUTHORIZED, Json(json!({"Message": DENIED}))).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_have_seven_fractional_digits_and_z() {
        let t = DateTime::parse_from_rfc3339("2022-06-08T11:19:18.701683912Z").unwrap().with_timezone(&Utc);
        assert_eq!(zenoti_utc(t), "2022-06-08T11:19:18.7016839Z");
        let whole = DateTime::parse_from_rfc3339("2022-06-08T11:19:18Z").unwrap().with_timezone(&Utc);
        assert_eq!(zenoti_utc(whole), "2022-06-08T11:19:18.0000000Z");
    }
}
