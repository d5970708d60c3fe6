//! Zenoti calls through the hub: `/zenoti/<path>` is forwarded unchanged to Zenoti with the
//! desk's own Zenoti authorization (`X-Zenoti-Authorization`, never stored or logged), after a
//! token from the organization's budget. Catalog GETs are answered from the shared cache; a
//! redemption POST needs the calling desk's lease on the invoice, and is sent once.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;
use tokio::sync::watch;

use crate::budget::{Observed, Priority};
use crate::db::now_ms;
use crate::desks::Desk;
use crate::error::{error_body, HubError};
use crate::{leases, Hub};

/// How long an accepted Zenoti authorization lets a desk read the shared cache.
const ACCEPTED_FOR_MS: i64 = 10 * 60 * 1000;

/// Headers of Zenoti's answer handed back to the desk.
const ANSWER_HEADERS: [&str; 5] =
    ["content-type", "organization-ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"];

/// A Zenoti answer, as forwarded or cached.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl Answer {
    fn into_response(self, cache: Option<&'static str>) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        if let Some(cache) = cache {
            response.headers_mut().insert("x-frontdesk-cache", HeaderValue::from_static(cache));
        }
        response
    }
}

/// Catalog fetches in flight in this process, by cache key: later callers wait for the first.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<String, watch::Receiver<Option<Arc<Answer>>>>>);

/// The redemption POSTs: `v1/invoices/{id}/payments/loyalty_points` and
/// `v1/invoices/{id}/redemptions/packages`. Returns the invoice id.
pub fn redemption_invoice(path: &str) -> Option<&str> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let lower: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    match lower.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["v1", "invoices", _, "payments", "loyalty_points"] | ["v1", "invoices", _, "redemptions", "packages"] => {
            Some(parts[2])
        }
        _ => None,
    }
}

/// Catalog reads the cache may answer: a center's packages (list and details) and categories.
fn is_catalog(path: &str) -> bool {
    let lower = path.trim_matches('/').to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    matches!(parts.as_slice(), ["v1", "centers", _, "packages", ..] | ["v1", "centers", _, "categories", ..])
}

pub async fn forward(
    State(hub): State<Arc<Hub>>,
    desk: Desk,
    method: Method,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HubError> {
    let Some(authorization) = headers.get("x-zenoti-authorization").cloned() else {
        return Err(HubError::unauthorized(
            "zenoti_authorization_missing",
            "A Zenoti call through the hub needs the desk's Zenoti authorization in X-Zenoti-Authorization.",
        ));
    };
    // Only plain paths: an empty, `.` or `..` segment could make a redemption POST look like
    // something else to the lease check below while Zenoti reads it as one.
    if !path.starts_with("v1/") || path.split('/').any(|p| p.is_empty() || p == ".." || p == ".") {
        return Err(HubError::refused(
            StatusCode::NOT_FOUND,
            "not_found",
            "The hub forwards Zenoti's /v1/ calls only, with plain paths.",
        ));
    }
    let mut priority: Priority =
        headers.get("x-frontdesk-priority").and_then(|v| v.to_str().ok()).unwrap_or("").parse()?;
    let call = Call { method, path, query, authorization, body };
    let redemption = (call.method == Method::POST).then(|| redemption_invoice(&call.path)).flatten();
    if let Some(invoice) = redemption {
        if !leases::holds(&hub.db, &desk, invoice).await? {
            return Err(HubError::refused(
                StatusCode::CONFLICT,
                "lease_required",
                "This desk's hold on the invoice had ended, so the hub did not send the payment: nothing was sent to Zenoti. Press Redeem again.",
            ));
        }
        priority = Priority::Payment;
    }
    if call.method == Method::GET && is_catalog(&call.path) {
        // `Cache-Control: no-cache` (a desk's connection check): Zenoti's own answer, which
        // refreshes the cache.
        let no_cache = headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("no-cache"));
        if !no_cache {
            return cached(&hub, call, priority).await;
        }
        let answer = send(&hub, &call, priority).await?;
        store(&hub, &call.cache_key(), &answer).await;
        return Ok(answer.into_response(Some("bypass")));
    }
    let answer = send(&hub, &call, priority).await?;
    if let Some(invoice) = redemption.filter(|_| call.path.to_ascii_lowercase().ends_with("/loyalty_points")) {
        if accepted_without_error(&answer) {
            let sent: Option<serde_json::Value> = serde_json::from_slice(&call.body).ok();
            let center = sent.as_ref().and_then(|b| b["center_id"].as_str());
            crate::webhooks::record_points_redeemed(&hub, &desk, invoice, center).await;
        }
    }
    Ok(answer.into_response(None))
}

/// A 2xx whose body carries no error envelope (Zenoti also refuses with 200).
fn accepted_without_error(answer: &Answer) -> bool {
    answer.status.is_success()
        && serde_json::from_slice::<serde_json::Value>(&answer.body)
            .is_ok_and(|v| v.get("error").is_none_or(serde_json::Value::is_null))
}

struct Call {
    method: Method,
    path: String,
    query: Option<String>,
    authorization: HeaderValue,
    body: Bytes,
}

impl Call {
    fn cache_key(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Takes a token and sends the call to Zenoti once.
async fn send(hub: &Hub, call: &Call, priority: Priority) -> Result<Answer, HubError> {
    let waited = match hub.budget.take(priority).await {
        Ok(waited) => waited,
        Err(err) => {
            if matches!(err, HubError::NoToken { .. }) {
                hub.metrics.hub_429.fetch_add(1, Ordering::Relaxed);
            }
            return Err(err);
        }
    };
    let waited_ms = waited.as_millis() as u64;
    hub.metrics.token_wait_ms[priority as usize].fetch_add(waited_ms, Ordering::Relaxed);
    hub.metrics.token_waits[priority as usize].fetch_add(1, Ordering::Relaxed);
    let mut url = hub.config.zenoti.clone();
    url.set_path(&format!("{}/{}", url.path().trim_end_matches('/'), call.path));
    url.set_query(call.query.as_deref());
    let mut request = hub.http.request(call.method.clone(), url).header("authorization", call.authorization.clone());
    if !call.body.is_empty() {
        request = request.header("content-type", "application/json").body(call.body.clone());
    }
    hub.metrics.forwarded.fetch_add(1, Ordering::Relaxed);
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) if err.is_connect() => {
            return Err(HubError::refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "zenoti_unreachable",
                "The hub could not connect to Zenoti; nothing was sent. Try again in a moment.",
            ))
        }
        Err(_) => return Err(no_answer()),
    };
    let status = response.status();
    let observed = Observed::from_answer(status.as_u16(), response.headers());
    let mut headers: Vec<(HeaderName, HeaderValue)> = ANSWER_HEADERS
        .iter()
        .filter_map(|name| response.headers().get(*name).map(|v| (HeaderName::from_static(name), v.clone())))
        .collect();
    // How long the call waited for the organization's budget before it was sent.
    headers.push((HeaderName::from_static("x-frontdesk-token-wait-ms"), HeaderValue::from(waited_ms)));
    let body = response.bytes().await.map_err(|_| no_answer())?;
    if status == StatusCode::TOO_MANY_REQUESTS {
        hub.metrics.zenoti_429.fetch_add(1, Ordering::Relaxed);
    }
    if let Err(err) = hub.budget.observe(&observed).await {
        tracing::warn!(error = %err, "the budget could not learn from Zenoti's answer");
    }
    if status.is_success() {
        if let Err(err) = mark_accepted(hub, &call.authorization).await {
            tracing::warn!(error = %err, "could not remember an accepted authorization");
        }
    }
    Ok(Answer { status, headers, body })
}

fn no_answer() -> HubError {
    HubError::refused(
        StatusCode::GATEWAY_TIMEOUT,
        "zenoti_no_answer",
        "Zenoti did not answer the hub in time. If this was a payment, check the invoice before trying again.",
    )
}

fn auth_hmac(hub: &Hub, authorization: &HeaderValue) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&hub.hmac_key).expect("HMAC takes any key length");
    mac.update(authorization.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Remembers (for every replica) that Zenoti accepted this authorization; written at most once a
/// minute per authorization by this process.
async fn mark_accepted(hub: &Hub, authorization: &HeaderValue) -> Result<(), HubError> {
    let key = auth_hmac(hub, authorization);
    let now = now_ms();
    {
        let mut marks = hub.accepted_marks.lock().unwrap();
        if marks.get(&key).is_some_and(|at| now - at < 60_000) {
            return Ok(());
        }
        if marks.len() > 10_000 {
            marks.clear();
        }
        marks.insert(key.clone(), now);
    }
    sqlx::query(
        "INSERT INTO accepted_auth (auth_hmac, accepted_ms) VALUES ($1, $2)
         ON CONFLICT (auth_hmac) DO UPDATE SET accepted_ms = excluded.accepted_ms",
    )
    .bind(key)
    .bind(now)
    .execute(&hub.db.pool)
    .await?;
    Ok(())
}

async fn accepted(hub: &Hub, authorization: &HeaderValue) -> Result<bool, HubError> {
    let key = auth_hmac(hub, authorization);
    if hub.accepted_marks.lock().unwrap().get(&key).is_some_and(|at| now_ms() - at < ACCEPTED_FOR_MS) {
        return Ok(true);
    }
    let row = sqlx::query("SELECT accepted_ms FROM accepted_auth WHERE auth_hmac = $1")
        .bind(key)
        .fetch_optional(&hub.db.pool)
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64, _>("accepted_ms")? > now_ms() - ACCEPTED_FOR_MS,
        None => false,
    })
}

/// A catalog GET: from the cache for a desk whose authorization Zenoti accepted lately, with
/// one fetch in flight per key; otherwise straight to Zenoti (whose answer refills the cache).
async fn cached(hub: &Hub, call: Call, priority: Priority) -> Result<Response, HubError> {
    let key = call.cache_key();
    if !accepted(hub, &call.authorization).await? {
        let answer = send(hub, &call, priority).await?;
        store(hub, &key, &answer).await;
        return Ok(answer.into_response(Some("miss")));
    }
    if let Some(answer) = fresh(hub, &key).await? {
        hub.metrics.cache_hits.fetch_add(1, Ordering::Relaxed);
        return Ok(answer.into_response(Some("hit")));
    }
    let role = {
        let mut flights = hub.in_flight.0.lock().unwrap();
        match flights.get(&key) {
            Some(rx) => Err(rx.clone()),
            None => {
                let (tx, rx) = watch::channel(None);
                flights.insert(key.clone(), rx);
                Ok(tx)
            }
        }
    };
    let mut rx = match role {
        Ok(tx) => return lead(hub, call, priority, key, tx).await,
        Err(rx) => rx,
    };
    if let Ok(shared) = rx.wait_for(Option::is_some).await {
        if let Some(answer) = shared.as_ref().filter(|a| a.status == StatusCode::OK) {
            hub.metrics.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(answer.as_ref().clone().into_response(Some("hit")));
        }
    }
    // The first caller's fetch failed or was cancelled: this desk asks Zenoti itself.
    let answer = send(hub, &call, priority).await?;
    store(hub, &key, &answer).await;
    Ok(answer.into_response(Some("miss")))
}

async fn lead(
    hub: &Hub,
    call: Call,
    priority: Priority,
    key: String,
    tx: watch::Sender<Option<Arc<Answer>>>,
) -> Result<Response, HubError> {
    struct Done<'a>(&'a InFlight, &'a str);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0 .0.lock().unwrap().remove(self.1);
        }
    }
    let _done = Done(&hub.in_flight, &key);
    hub.metrics.cache_misses.fetch_add(1, Ordering::Relaxed);
    let answer = send(hub, &call, priority).await?;
    store(hub, &key, &answer).await;
    let _ = tx.send(Some(Arc::new(answer.clone())));
    Ok(answer.into_response(Some("miss")))
}

async fn fresh(hub: &Hub, key: &str) -> Result<Option<Answer>, HubError> {
    let row = sqlx::query("SELECT content_type, body FROM catalog_cache WHERE cache_key = $1 AND fetched_ms > $2")
        .bind(key)
        .bind(now_ms() - hub.config.cache_ttl.as_millis() as i64)
        .fetch_optional(&hub.db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let content_type: String = row.try_get("content_type")?;
    let body: String = row.try_get("body")?;
    let content_type = HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/json"));
    Ok(Some(Answer {
        status: StatusCode::OK,
        headers: vec![(HeaderName::from_static("content-type"), content_type)],
        body: Bytes::from(body),
    }))
}

/// Keeps a 200 with a text body; anything else is not cached.
async fn store(hub: &Hub, key: &str, answer: &Answer) {
    if answer.status != StatusCode::OK {
        return;
    }
    let Ok(body) = std::str::from_utf8(&answer.body) else { return };
    let content_type = answer
        .headers
        .iter()
        .find(|(n, _)| n == "content-type")
        .and_then(|(_, v)| v.to_str().ok())
        .unwrap_or("application/json");
    let stored = sqlx::query(
        "INSERT INTO catalog_cache (cache_key, content_type, body, fetched_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (cache_key) DO UPDATE SET content_type = excluded.content_type, body = excluded.body,
             fetched_ms = excluded.fetched_ms",
    )
    .bind(key)
    .bind(content_type)
    .bind(body)
    .bind(now_ms())
    .execute(&hub.db.pool)
    .await;
    if let Err(err) = stored {
        tracing::warn!(error = %err, "a catalog answer could not be cached");
    }
}

/// A Zenoti-shaped 404 for anything else.
pub async fn not_found() -> Response {
    error_body(StatusCode::NOT_FOUND, "not_found", "Not found").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redemption_posts_and_catalog_reads_are_recognised() {
        assert_eq!(redemption_invoice("v1/invoices/AbC-1/payments/loyalty_points"), Some("AbC-1"));
        assert_eq!(redemption_invoice("v1/Invoices/x/Redemptions/Packages"), Some("x"));
        assert_eq!(redemption_invoice("v1/invoices/x"), None);
        assert_eq!(redemption_invoice("v1/invoices/x/payments/loyalty_points/extra"), None);
        assert!(is_catalog("v1/centers/C/packages"));
        assert!(is_catalog("v1/centers/C/packages/P"));
        assert!(is_catalog("v1/centers/C/categories"));
        assert!(!is_catalog("v1/centers/C/invoices"));
        assert!(!is_catalog("v1/guests/G/packages"));
    }
}
