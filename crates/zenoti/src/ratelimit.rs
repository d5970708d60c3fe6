//! The organization's request budget: one token bucket for the whole client (Zenoti allows 60
//! calls a minute per organization, shared by every integration). It follows the server's
//! `RateLimit-Remaining` / `RateLimit-Reset` headers when they come, and a 429 pauses every caller
//! until its `Retry-After` has passed.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// The documented default: `Organization-RateLimit-Limit: 60;w=60;b=60`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_minute: u32,
    /// How many calls may go at once after a quiet spell.
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit { per_minute: 60, burst: 60 }
    }
}

pub(crate) const DAY: Duration = Duration::from_secs(86_400);

/// A number of seconds from a header, capped at a day; `None` when it is not one (never a
/// panic, whatever the server sends: 1e20, NaN, negative).
pub(crate) fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0).then(|| Duration::try_from_secs_f64(secs).unwrap_or(DAY).min(DAY))
}

pub(crate) struct RateLimiter {
    limit: RateLimit,
    /// The longest a server's word (`Retry-After`, `RateLimit-Reset`) holds every call back.
    max_pause: Duration,
    state: Mutex<Bucket>,
}

struct Bucket {
    tokens: f64,
    refilled_at: Instant,
    paused_until: Option<Instant>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit, max_pause: Duration) -> Self {
        RateLimiter {
            limit,
            max_pause,
            state: Mutex::new(Bucket { tokens: limit.burst as f64, refilled_at: Instant::now(), paused_until: None }),
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    fn per_second(&self) -> f64 {
        self.limit.per_minute.max(1) as f64 / 60.0
    }

    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let elapsed = now.saturating_duration_since(bucket.refilled_at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second()).min(self.limit.burst.max(1) as f64);
        bucket.refilled_at = now;
    }

    /// Waits until a call may be sent, and takes its token.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut bucket = self.state.lock().unwrap();
                let now = Instant::now();
                self.refill(&mut bucket, now);
                match bucket.paused_until {
                    Some(until) if until > now => until - now,
                    _ if bucket.tokens >= 1.0 => {
                        bucket.tokens -= 1.0;
                        return;
                    }
                    _ => Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second()),
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Follows the server's own count when it sends one.
    pub fn observe(&self, headers: &HeaderMap) {
        let number = |name: &str| -> Option<f64> {
            let text = headers.get(name)?.to_str().ok()?;
            // Structured-field forms such as `12;w=60` carry the number first.
            text.split(';').next()?.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0)
        };
        let Some(remaining) = number("ratelimit-remaining") else {
            return;
        };
        let mut bucket = self.state.lock().unwrap();
        let now = Instant::now();
        self.refill(&mut bucket, now);
        bucket.tokens = bucket.tokens.min(remaining);
        if remaining < 1.0 {
            if let Some(reset) = number("ratelimit-reset") {
                let until = now + seconds(reset).unwrap_or_default().min(self.max_pause);
                bucket.paused_until = Some(bucket.paused_until.map_or(until, |p| p.max(until)));
            }
        }
    }

    /// How long every call is still held back by the server's word, if it is.
    pub fn paused_for(&self) -> Option<Duration> {
        let bucket = self.state.lock().unwrap();
        let now = Instant::now();
        bucket.paused_until.filter(|until| *until > now).map(|until| until - now)
    }

    /// After a 429: nobody sends anything until `wait` has passed.
    pub fn pause(&self, wait: Duration) {
        let mut bucket = self.state.lock().unwrap();
        let until = Instant::now() + wait.min(self.max_pause);
        bucket.paused_until = Some(bucket.paused_until.map_or(until, |p| p.max(until)));
        bucket.tokens = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const MINUTE: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_the_steady_rate() {
        let limiter = RateLimiter::new(RateLimit { per_minute: 60, burst: 5 }, MINUTE);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst goes at once");
        limiter.acquire().await;
        limiter.acquire().await;
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(1990) && elapsed <= Duration::from_millis(2100), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_caller() {
        let limiter = std::sync::Arc::new(RateLimiter::new(RateLimit::default(), MINUTE));
        limiter.pause(Duration::from_secs(3));
        let start = Instant::now();
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move { l.acquire().await })
            })
            .collect();
        for w in waiters {
            w.await.unwrap();
        }
        assert!(start.elapsed() >= Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn the_servers_headers_are_followed() {
        let limiter = RateLimiter::new(RateLimit::default(), MINUTE);
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("ratelimit-reset", HeaderValue::from_static("5"));
        limiter.observe(&headers);
        let start = Instant::now();
        limiter.acquire().await;
        assert!(start.elapsed() >= Duration::from_secs(5), "{:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_asking_for_a_day_holds_calls_back_no_longer_than_the_cap() {
        let limiter = RateLimiter::new(RateLimit::default(), MINUTE);
        limiter.pause(Duration::from_secs(86_400));
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("ratelimit-reset", HeaderValue::from_static("1e20"));
        limiter.observe(&headers);
        let start = Instant::now();
        limiter.acquire().await;
        assert!(start.elapsed() <= Duration::from_secs(61), "{:?}", start.elapsed());
    }
}
