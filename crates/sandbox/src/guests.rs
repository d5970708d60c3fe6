//! `GET /v1/guests/search` and `GET /v1/guests/{guest_id}`, in the recorded shapes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::catalog::param;
use crate::{business_error, State};

/// `GET /v1/guests/{guest_id}`: the guest object itself, not wrapped, as recorded.
pub(crate) async fn get_guest(AxumState(state): AxumState<Arc<State>>, Path(guest_id): Path<String>) -> Response {
    match state.org.guests.iter().find(|g| g.id.eq_ignore_ascii_case(&guest_id)) {
        Some(guest) => Json(guest.json.clone()).into_response(),
        None => business_error(502, 502, "Invalid GuestId."),
    }
}

/// Matches each given field (case-insensitive; names and email by prefix, phone by digits
/// contained), within `center_id` unless `search_across_zone=true`. Paged with `page`/`size`.
/// As recorded, the guest ids are upper case here (other ids are lower case), and there is no
/// `error` key; unlike the recording, the answer has `page_Info` (capital I), as a live capture
/// of Zenoti's guest lists shows and the app's "show more" needs.
pub(crate) async fn search(
    AxumState(state): AxumState<Arc<State>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let center = param(&query, "center_id").filter(|c| !c.is_empty());
    let across = param(&query, "search_across_zone").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if center.is_none() && !across {
        return business_error(502, 502, "center_id is required when guests are not searched across centers.");
    }
    if let Some(c) = center {
        if state.org.center(c).is_none() {
            return business_error(502, 502, "Invalid CenterId.");
        }
    }
    let page: usize = param(&query, "page").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let size: usize = param(&query, "size").and_then(|v| v.parse().ok()).unwrap_or(10);
    let lower = |name: &str| param(&query, name).map(str::to_lowercase).filter(|v| !v.is_empty());
    let (first, last, email, code) = (lower("first_name"), lower("last_name"), lower("email"), lower("user_code"));
    let phone: Option<String> = param(&query, "phone")
        .map(|p| p.chars().filter(char::is_ascii_digit).collect())
        .filter(|p: &String| !p.is_empty());
    let text = |g: &Value, path: &[&str]| -> String {
        path.iter().fold(g, |v, k| &v[*k]).as_str().unwrap_or("").to_lowercase()
    };
    let matching: Vec<&Value> = state
        .org
        .guests
        .iter()
        .map(|g| &g.json)
        .filter(|g| {
            across || center.is_none_or(|c| g["center_id"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(c)))
        })
        .filter(|g| first.as_deref().is_none_or(|f| text(g, &["personal_info", "first_name"]).starts_with(f)))
        .filter(|g| last.as_deref().is_none_or(|l| text(g, &["personal_info", "last_name"]).starts_with(l)))
        .filter(|g| email.as_deref().is_none_or(|e| text(g, &["personal_info", "email"]).starts_with(e)))
        .filter(|g| code.as_deref().is_none_or(|c| text(g, &["code"]) == c))
        .filter(|g| phone.as_deref().is_none_or(|p| text(g, &["personal_info", "mobile_phone", "number"]).contains(p)))
        .collect();
    let total = matching.len();
    let guests: Vec<Value> = matching
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|g| {
            let mut g = g.clone();
            g["id"] = json!(g["id"].as_str().unwrap_or("").to_uppercase());
            g
        })
        .collect();
    Json(json!({"guests": guests, "page_Info": {"total": total, "page": page, "size": size}})).into_response()
}
