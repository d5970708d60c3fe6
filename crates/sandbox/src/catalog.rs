//! Centers and their packages.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::{business_error, State};

/// `GET /v1/centers/{center_id}`, as recorded: `{center{id, name, code, phone, time_zone_id,
/// currency_id, email}, error}`, the zone and currency as integers.
pub(crate) async fn get_center(AxumState(state): AxumState<Arc<State>>, Path(center_id): Path<String>) -> Response {
    let Some(center) = state.org.center(&center_id) else {
        return business_error(502, 502, "invalid center_id.");
    };
    let digits: String =
        center.center["contact_info"]["phone"].as_str().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    Json(json!({
        "center": {
            "id": center.id,
            "name": center.center["name"],
            "code": center.center["code"],
            "phone": digits,
            "time_zone_id": center.time_zone_id,
            "currency_id": center.currency_id,
            "email": center.center["contact_info"]["email"],
        },
        "error": null,
    }))
    .into_response()
}

pub(crate) async fn list_centers(AxumState(state): AxumState<Arc<State>>) -> Response {
    let centers: Vec<&Value> = state.org.centers.iter().map(|c| &c.center).collect();
    let total = centers.len();
    Json(json!({
        "centers": centers,
        "requested_centers": [],
        "page_info": {"total": total, "page": 1, "size": total},
        "error": null,
    }))
    .into_response()
}

/// Query parameter names are case-insensitive in Zenoti (ASP.NET), so they are matched that way.
pub(crate) fn param<'a>(query: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn package_type_code(text: &str) -> Option<i64> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "day" | "daypackage" => Some(1),
        "2" | "series" | "seriespackage" => Some(2),
        "3" | "promo" | "promopackage" => Some(3),
        "4" | "custom" | "custompackage" => Some(4),
        _ => None,
    }
}

fn series_type_code(text: &str) -> Option<i64> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "regular" => Some(1),
        "2" | "offer" => Some(2),
        "3" | "custom" => Some(3),
        _ => None,
    }
}

pub(crate) async fn list_packages(
    AxumState(state): AxumState<Arc<State>>,
    Path(center_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(center) = state.org.center(&center_id) else {
        return business_error(502, 502, "invalid center_id.");
    };
    let number = |name: &str, default: i64| -> Option<i64> {
        match param(&query, name) {
            None | Some("") => Some(default),
            Some(v) => v.parse().ok(),
        }
    };
    let (Some(page), Some(size)) = (number("page", 1), number("size", 10)) else {
        return business_error(400, 400, "The request is invalid.");
    };
    if page < 1 || size < 1 {
        return business_error(400, 400, "The request is invalid.");
    }
    let search = param(&query, "search_text").map(str::to_lowercase).filter(|s| !s.is_empty());
    let active_only = param(&query, "is_active").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let package_type = match param(&query, "PackageType").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match package_type_code(v) {
            Some(code) => Some(code),
            None => return business_error(400, 400, "The request is invalid."),
        },
    };
    let series_type = match param(&query, "series_package_type").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match series_type_code(v) {
            Some(code) => Some(code),
            None => return business_error(400, 400, "The request is invalid."),
        },
    };
    let member_guest = match param(&query, "guest_id").filter(|v| !v.is_empty()) {
        None => None,
        Some(id) => match state.org.guests.iter().find(|g| g.id.eq_ignore_ascii_case(id)) {
            Some(guest) => Some(guest),
            None => return business_error(502, 502, "Invalid guest id."),
        },
    };
    let member_price = param(&query, "member_price").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if member_price && member_guest.is_none() {
        // With an API key Zenoti needs the guest to price for.
        return business_error(400, 400, "The request is invalid.");
    }
    let flag = |name: &str| param(&query, name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let (gift_cards_only, catalog_only) = (flag("is_giftcard_enabled"), flag("catalog"));
    let category = param(&query, "category").filter(|v| !v.is_empty());
    let matching: Vec<&Value> = center
        .packages
        .iter()
        .filter(|p| !active_only || p["active"] == true)
        .filter(|p| !gift_cards_only || p["day_package"]["can_sell_as_giftcard"] == true)
        .filter(|p| !catalog_only || p["catalog_info"]["show_in_catalog"] == true)
        .filter(|p| category.is_none_or(|c| p["category_id"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(c))))
        .filter(|p| package_type.is_none_or(|t| p["type"] == t))
        .filter(|p| series_type.is_none_or(|t| p["series_package"]["type"] == t))
        .filter(|p| {
            search.as_deref().is_none_or(|s| {
                ["name", "code", "description"]
                    .iter()
                    .any(|f| p[*f].as_str().is_some_and(|v| v.to_lowercase().contains(s)))
            })
        })
        .collect();
    let total = matching.len();
    let start = ((page - 1) * size) as usize;
    let mut packages: Vec<Value> = matching.into_iter().skip(start).take(size as usize).cloned().collect();
    if member_price {
        let member = member_guest.is_some_and(|g| g.member);
        for p in &mut packages {
            for price in p["centers"].as_array_mut().into_iter().flatten() {
                price["discount_price"] = match (member, price["sale_price"].as_f64()) {
                    (true, Some(sale)) => {
                        let cents = (sale * 100.0).round() as i64 * crate::data::MEMBER_PRICE_PERCENT / 100;
                        json!(cents as f64 / 100.0)
                    }
                    _ => Value::Null,
                };
            }
        }
    }
    // As recorded: `page_info`, and no `error` key at all.
    Json(json!({
        "packages": packages,
        "page_info": {"total": total, "page": page, "size": size},
    }))
    .into_response()
}

/// UNKNOWN in the docs: the response of "List all categories" is not shown. Our reading:
/// `{categories: [{id, code, name}], page_info, error}`.
pub(crate) async fn list_categories(
    AxumState(state): AxumState<Arc<State>>,
    Path(center_id): Path<String>,
) -> Response {
    if state.org.center(&center_id).is_none() {
        return business_error(502, 502, "invalid center_id.");
    }
    let total = state.org.categories.len();
    Json(json!({
        "categories": state.org.categories,
        "page_info": {"total": total, "page": 1, "size": total},
        "error": null,
    }))
    .into_response()
}
