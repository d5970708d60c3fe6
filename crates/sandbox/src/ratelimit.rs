//! Zenoti's per-organization rate limit: a token bucket, its headers on every answer, and 429
//! with `Retry-After` when it is empty (https://docs.zenoti.com/docs/api-rate-limits-1).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::State;

/// A token bucket: `calls` calls per `window`, refilled evenly, up to `burst` at once. Zenoti's
/// documented limit is 60 calls per 60 s with a burst of 60 ([`RateLimit::default`]); tests
/// compress it into a shorter window (`60/6s`: the same bucket, ten times as fast).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub calls: u32,
    pub window: Duration,
    pub burst: u32,
}

impl Default for RateLimit {
    /// `Organization-RateLimit-Limit: 60;w=60;b=60`.
    fn default() -> Self {
        RateLimit { calls: 60, window: Duration::from_secs(60), burst: 60 }
    }
}

impl RateLimit {
    /// `calls` a minute, up to `burst` at once.
    pub fn per_minute(calls: u32, burst: u32) -> Self {
        RateLimit { calls, window: Duration::from_secs(60), burst }
    }

    /// Tokens refilled per second.
    pub fn rate(&self) -> f64 {
        self.calls.max(1) as f64 / self.window.as_secs_f64().max(0.001)
    }

    /// The `Organization-RateLimit-Limit` value: `{calls};w={window in seconds};b={burst}`
    /// ("60;w=60;b=60"; a window of 500 ms is written `w=0.5`).
    pub fn policy(&self) -> String {
        format!("{};w={};b={}", self.calls, self.window.as_secs_f64(), self.burst)
    }
}

/// A rate limit or window that does not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadRateLimit(pub String);

/// `calls/window[/burst]`: `60/6s`, `60/6s/60`, `10/500ms/5`. The burst is `calls` when absent.
impl FromStr for RateLimit {
    type Err = BadRateLimit;

    fn from_str(text: &str) -> Result<Self, BadRateLimit> {
        let usage = "expected CALLS/WINDOW[/BURST], such as 60/60s, 60/6s/60 or 10/500ms";
        let parts: Vec<&str> = text.trim().split('/').map(str::trim).collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(BadRateLimit(format!("'{text}': {usage}")));
        }
        let count = |what: &str, value: &str| match value.parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(BadRateLimit(format!("'{text}': {what} '{value}' is not a whole number above 0 ({usage})"))),
        };
        let calls = count("calls", parts[0])?;
        let window = parse_window(parts[1]).map_err(|e| BadRateLimit(format!("'{text}': {e} ({usage})")))?;
        let burst = parts.get(2).map_or(Ok(calls), |b| count("burst", b))?;
        Ok(RateLimit { calls, window, burst })
    }
}

/// `6s` or `500ms`, above zero.
fn parse_window(text: &str) -> Result<Duration, BadRateLimit> {
    let (digits, unit): (&str, fn(u64) -> Duration) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, Duration::from_millis)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, Duration::from_secs)
    } else {
        return Err(BadRateLimit(format!("window '{text}' needs a unit, s or ms")));
    };
    match digits.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(unit(n)),
        _ => Err(BadRateLimit(format!("window '{text}' is not a whole number of s or ms above 0"))),
    }
}

/// Refilled by the sandbox's clock: a test that moves the clock on refills it too.
pub(crate) struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

impl Bucket {
    pub fn new(limit: Option<RateLimit>, now: DateTime<Utc>) -> Self {
        Bucket { tokens: limit.map_or(0.0, |l| l.burst as f64), at: now }
    }

    /// Takes a token at `now`: `Ok(remaining)` or `Err(seconds until the next one)`, at least 1.
    fn take(&mut self, limit: RateLimit, now: DateTime<Utc>) -> Result<u32, u64> {
        let rate = limit.rate();
        // A clock set back refills nothing.
        let elapsed = (now - self.at).to_std().map_or(0.0, |d| d.as_secs_f64());
        self.tokens = (self.tokens + elapsed * rate).min(limit.burst as f64);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(self.tokens.floor() as u32)
        } else {
            Err(whole_seconds((1.0 - self.tokens) / rate))
        }
    }
}

/// Seconds as the headers write them: whole, rounded up, at least 1.
fn whole_seconds(secs: f64) -> u64 {
    secs.ceil().max(1.0) as u64
}

pub(crate) async fn enforce(AxumState(state): AxumState<Arc<State>>, request: Request, next: Next) -> Response {
    let Some(limit) = state.config.rate_limit else {
        state.stats.lock().unwrap().allowed += 1;
        return next.run(request).await;
    };
    let taken = state.bucket.lock().unwrap().take(limit, state.clock.now());
    let policy = limit.policy();
    match taken {
        Ok(remaining) => {
            state.stats.lock().unwrap().allowed += 1;
            let mut response = next.run(request).await;
            // Until the bucket is full again.
            let reset = whole_seconds(limit.burst.saturating_sub(remaining) as f64 / limit.rate());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_per_window_with_an_optional_burst() {
        let six = "60/6s".parse::<RateLimit>().unwrap();
        assert_eq!(six, RateLimit { calls: 60, window: Duration::from_secs(6), burst: 60 });
        assert_eq!(six.policy(), "60;w=6;b=60");
        assert!((six.rate() - 10.0).abs() < 1e-9);
        assert_eq!("60/6s/20".parse::<RateLimit>().unwrap().burst, 20);
        let fast = "10/500ms/5".parse::<RateLimit>().unwrap();
        assert_eq!((fast.window, fast.burst, fast.policy().as_str()), (Duration::from_millis(500), 5, "10;w=0.5;b=5"));
        assert_eq!(RateLimit::default().policy(), "60;w=60;b=60");
        for bad in ["", "60", "60/6", "0/6s", "60/0s", "60/6m", "x/6s", "60/6s/0", "60/6s/1/2", "-1/6s"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn the_bucket_refills_calls_per_window() {
        let limit = RateLimit { calls: 60, window: Duration::from_secs(6), burst: 2 };
        let t0 = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
        let mut bucket = Bucket::new(Some(limit), t0);
        assert_eq!(bucket.take(limit, t0), Ok(1));
        assert_eq!(bucket.take(limit, t0), Ok(0));
        // Empty: the next token comes in 0.1 s, which the headers write as 1 s.
        assert_eq!(bucket.take(limit, t0), Err(1));
        assert_eq!(bucket.take(limit, t0 + chrono::Duration::milliseconds(100)), Ok(0));
        // Never more than the burst.
        assert_eq!(bucket.take(limit, t0 + chrono::Duration::seconds(60)), Ok(1));
    }
}
