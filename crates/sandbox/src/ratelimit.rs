//! Zenoti's per-organization rate limit: a token bucket, its headers on every answer, and 429
//! with `Retry-After` when it is empty (https://docs.zenoti.com/docs/api-rate-limits-1).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::{RateLimit, State};

/// Refilled by the sandbox's clock: a test that moves the clock on refills it too.
pub(crate) struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

impl Bucket {
    pub fn new(limit: Option<RateLimit>, now: DateTime<Utc>) -> Self {
        Bucket { tokens: limit.map_or(0.0, |l| l.burst as f64), at: now }
    }

    /// Takes a token at `now`: `Ok(remaining)` or `Err(seconds until the next one)`.
    fn take(&mut self, limit: RateLimit, now: DateTime<Utc>) -> Result<u32, u64> {
        let rate = limit.per_minute.max(1) as f64 / 60.0;
        // A clock set back refills nothing.
        let elapsed = (now - self.at).to_std().map_or(0.0, |d| d.as_secs_f64());
        self.tokens = (self.tokens + elapsed * rate).min(limit.burst as f64);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(self.tokens.floor() as u32)
        } else {
            Err(((1.0 - self.tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

pub(crate) async fn enforce(AxumState(state): AxumState<Arc<State>>, request: Request, next: Next) -> Response {
    let Some(limit) = state.config.rate_limit else {
        return next.run(request).await;
    };
    let taken = state.bucket.lock().unwrap().take(limit, state.clock.now());
    let policy = format!("{};w=60;b={}", limit.per_minute, limit.burst);
    match taken {
        Ok(remaining) => {
            let mut response = next.run(request).await;
            let rate = limit.per_minute.max(1) as f64 / 60.0;
            let reset = ((limit.burst.saturating_sub(remaining)) as f64 / rate).ceil() as u64;
            set_headers(&mut response, &policy, remaining, reset);
            response
        }
        Err(wait) => {
            state.stats.lock().unwrap().rate_limited += 1;
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({"error": {"code": 429, "message": "API calls quota exceeded. Try again later."}})),
            )
                .into_response();
            set_headers(&mut response, &policy, 0, wait);
            response.headers_mut().insert("retry-after", HeaderValue::from(wait));
            response
        }
    }
}

fn set_headers(response: &mut Response, policy: &str, remaining: u32, reset: u64) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(policy) {
        headers.insert("organization-ratelimit-limit", value);
    }
    headers.insert("ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(reset));
}
