//! The organization's one Zenoti budget: a token bucket in the database shared by every replica
//! (compare-and-swap on a version number), calibrated from the rate-limit headers Zenoti sends
//! (other integrations spend the same budget) and frozen for everyone on a 429.

use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;
use sqlx::Row;

use crate::db::{now_ms, Db};
use crate::error::HubError;

/// Marked by the desk in `X-FrontDesk-Priority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A redemption POST and the reads just before it: may take any token left.
    Payment,
    /// Something a person waits for on screen: leaves 5 tokens.
    Interactive,
    /// Catalog refreshes and other work nobody waits for: leaves 20.
    Background,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Payment, Priority::Interactive, Priority::Background];

    /// Tokens this priority leaves in the bucket for the ones above it.
    pub fn reserve(self) -> i64 {
        match self {
            Priority::Payment => 0,
            Priority::Interactive => 5,
            Priority::Background => 20,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Payment => "payment",
            Priority::Interactive => "interactive",
            Priority::Background => "background",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl FromStr for Priority {
    type Err = HubError;
    fn from_str(text: &str) -> Result<Priority, HubError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "payment" => Ok(Priority::Payment),
            "interactive" | "" => Ok(Priority::Interactive),
            "background" => Ok(Priority::Background),
            other => Err(HubError::bad_request(
                "priority_unknown",
                format!("X-FrontDesk-Priority must be payment, interactive or background, not \"{other}\""),
            )),
        }
    }
}

/// How long each priority may wait for a token before the hub answers 429 itself.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    pub payment: Duration,
    pub interactive: Duration,
    pub background: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            payment: Duration::from_secs(20),
            interactive: Duration::from_secs(10),
            background: Duration::from_secs(30),
        }
    }
}

impl Deadlines {
    fn of(&self, priority: Priority) -> Duration {
        match priority {
            Priority::Payment => self.payment,
            Priority::Interactive => self.interactive,
            Priority::Background => self.background,
        }
    }
}

pub struct Budget {
    db: Db,
    deadlines: Deadlines,
    /// Calls waiting for a token in this process, per priority.
    waiting: [AtomicI64; 3],
    /// Held while asking the database for a token.
    turn: tokio::sync::Mutex<()>,
}

struct Bucket {
    capacity: i64,
    calls_per_window: i64,
    window_ms: i64,
    tokens_milli: i64,
    updated_ms: i64,
    frozen_until_ms: i64,
    version: i64,
}

impl Bucket {
    /// Thousandths of a token gained per millisecond × 1000 (exact integer arithmetic).
    fn refilled(&self, now: i64) -> i64 {
        let elapsed = (now - self.updated_ms).max(0) as i128;
        let gained = elapsed * self.calls_per_window as i128 * 1000 / self.window_ms.max(1) as i128;
        (self.tokens_milli as i128 + gained).min(self.capacity as i128 * 1000) as i64
    }

    /// Milliseconds until `milli` thousandths of a token have been refilled.
    fn time_for(&self, milli: i64) -> i64 {
        (milli.max(0) as i128 * self.window_ms as i128 / (self.calls_per_window.max(1) as i128 * 1000)) as i64 + 1
    }
}

/// What calibration learned from one Zenoti answer. `RateLimit-Reset` is not used: under the
/// token bucket Zenoti documents, the policy's refill rate and `RateLimit-Remaining` already fix
/// when the next token comes, and a 429's `Retry-After` freezes the budget. UNKNOWN: whether
/// Zenoti's reset is the time to one token or to a full bucket (the sandbox sends the latter);
/// honouring it as a freeze would hold payments back for up to a minute.
#[derive(Debug, Default, PartialEq)]
pub struct Observed {
    /// `Organization-RateLimit-Limit: 60;w=60;b=60` → (60 calls, 60,000 ms window, burst 60).
    pub policy: Option<(i64, i64, i64)>,
    pub remaining: Option<i64>,
    /// A 429's `Retry-After`, capped to ten minutes.
    pub retry_after_ms: Option<i64>,
}

impl Observed {
    pub fn from_answer(status: u16, headers: &HeaderMap) -> Observed {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let policy = text("organization-ratelimit-limit").and_then(parse_policy);
        let remaining = text("ratelimit-remaining").and_then(|v| v.parse::<i64>().ok()).filter(|n| *n >= 0);
        let retry_after_ms = (status == 429).then(|| {
            let secs = text("retry-after").and_then(|v| v.parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0);
            (secs.unwrap_or(1.0).clamp(1.0, 600.0) * 1000.0) as i64
        });
        Observed { policy, remaining, retry_after_ms }
    }
}

/// `60/60s`, `10/1s`, `600/500ms`: the `--budget` option.
pub fn parse_budget(text: &str) -> Result<(i64, i64), HubError> {
    let bad = || HubError::Config(format!("--budget must read CALLS/WINDOW such as 60/60s or 20/2s, not \"{text}\""));
    let (calls, window) = text.trim().split_once('/').ok_or_else(bad)?;
    let calls: i64 = calls.trim().parse().map_err(|_| bad())?;
    let window = window.trim();
    let window_ms: i64 = if let Some(ms) = window.strip_suffix("ms") {
        ms.parse().map_err(|_| bad())?
    } else if let Some(s) = window.strip_suffix('s') {
        s.parse::<i64>().map_err(|_| bad())? * 1000
    } else {
        return Err(bad());
    };
    if !(1..1_000_000).contains(&calls) || !(1..86_400_000).contains(&window_ms) {
        return Err(bad());
    }
    Ok((calls, window_ms))
}

/// `60;w=60;b=60` (calls; window in seconds, possibly fractional; burst) → (calls, window in
/// ms, burst). A missing window is 60 s, a missing burst the call count; a part that does not
/// read makes the whole policy unread (the budget keeps what it had).
fn parse_policy(text: &str) -> Option<(i64, i64, i64)> {
    let mut parts = text.split(';').map(str::trim);
    let calls: i64 = parts.next()?.parse().ok()?;
    let (mut window_ms, mut burst) = (60_000, calls);
    for part in parts {
        match part.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("w", v)) => {
                let secs = v.parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)?;
                window_ms = (secs * 1000.0).round() as i64;
            }
            Some(("b", v)) => burst = v.parse::<i64>().ok()?,
            _ => {}
        }
    }
    (calls > 0 && window_ms > 0 && burst > 0 && calls < 1_000_000 && burst < 1_000_000)
        .then_some((calls, window_ms, burst))
}

impl Budget {
    pub fn new(db: Db, deadlines: Deadlines) -> Budget {
        Budget { db, deadlines, waiting: Default::default(), turn: Default::default() }
    }

    async fn read(&self) -> Result<Bucket, HubError> {
        let row = sqlx::query(
            "SELECT capacity, calls_per_window, window_ms, tokens_milli, updated_ms, frozen_until_ms, version FROM budget WHERE id = 1",
        )
        .fetch_one(&self.db.pool)
        .await?;
        Ok(Bucket {
            capacity: row.try_get("capacity")?,
            calls_per_window: row.try_get("calls_per_window")?,
            window_ms: row.try_get("window_ms")?,
            tokens_milli: row.try_get("tokens_milli")?,
            updated_ms: row.try_get("updated_ms")?,
            frozen_until_ms: row.try_get("frozen_until_ms")?,
            version: row.try_get("version")?,
        })
    }

    /// Writes `tokens_milli` (and the policy and freeze) if nobody changed the bucket since `seen`.
    async fn swap(&self, seen: &Bucket, next: &Bucket) -> Result<bool, HubError> {
        let done = sqlx::query(
            "UPDATE budget SET capacity = $1, calls_per_window = $2, window_ms = $3, tokens_milli = $4,
                 updated_ms = $5, frozen_until_ms = $6, version = version + 1
             WHERE id = 1 AND version = $7",
        )
        .bind(next.capacity)
        .bind(next.calls_per_window)
        .bind(next.window_ms)
        .bind(next.tokens_milli)
        .bind(next.updated_ms)
        .bind(next.frozen_until_ms)
        .bind(seen.version)
        .execute(&self.db.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets the policy the hub starts with (`60/60s`, the documented one, unless the organization
    /// bought more); Zenoti's headers correct it from the first answer on.
    pub async fn configure(&self, calls: i64, window_ms: i64) -> Result<(), HubError> {
        for _ in 0..20 {
            let bucket = self.read().await?;
            if bucket.calls_per_window == calls && bucket.window_ms == window_ms && bucket.capacity == calls {
                return Ok(());
            }
            let now = now_ms().max(bucket.updated_ms);
            let tokens = bucket.refilled(now).min(calls * 1000);
            let next = Bucket {
                capacity: calls,
                calls_per_window: calls,
                window_ms,
                tokens_milli: tokens,
                updated_ms: now,
                ..bucket
            };
            if self.swap(&bucket, &next).await? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Takes one token for `priority`, waiting up to its deadline; the time waited. In this
    /// process one caller at a time asks the database, and a caller steps aside while a call of a
    /// higher priority is waiting, so a payment never queues behind background work.
    pub async fn take(&self, priority: Priority) -> Result<Duration, HubError> {
        let started = tokio::time::Instant::now();
        let deadline = started + self.deadlines.of(priority);
        let counter = &self.waiting[priority.index()];
        counter.fetch_add(1, Ordering::Relaxed);
        let _leave = scopeguard(|| {
            counter.fetch_sub(1, Ordering::Relaxed);
        });
        loop {
            let higher_waiting = Priority::ALL[..priority.index()].iter().any(|p| self.waiting(*p) > 0);
            let wait_ms = if higher_waiting {
                5
            } else {
                let _turn = self.turn.lock().await;
                match self.try_take(priority).await? {
                    None => return Ok(started.elapsed()),
                    Some(wait_ms) => wait_ms,
                }
            };
            let wake = tokio::time::Instant::now() + Duration::from_millis(wait_ms as u64);
            if wake > deadline {
                return Err(HubError::NoToken { retry_after_secs: (wait_ms as u64).div_ceil(1000).max(1) });
            }
            // Other replicas take tokens meanwhile: look again at least every 250 ms.
            tokio::time::sleep(Duration::from_millis(wait_ms.clamp(1, 250) as u64)).await;
        }
    }

    /// One look at the bucket: `None` if a token was taken, else how long until one could be.
    async fn try_take(&self, priority: Priority) -> Result<Option<i64>, HubError> {
        loop {
            let bucket = self.read().await?;
            let now = now_ms().max(bucket.updated_ms);
            if bucket.frozen_until_ms > now {
                return Ok(Some(bucket.frozen_until_ms - now));
            }
            let tokens = bucket.refilled(now);
            let needed = (1 + priority.reserve()) * 1000;
            if tokens < needed {
                return Ok(Some(bucket.time_for(needed - tokens)));
            }
            let next = Bucket { tokens_milli: tokens - 1000, updated_ms: now, ..bucket };
            if self.swap(&bucket, &next).await? {
                return Ok(None);
            }
        }
    }

    /// Learns from a Zenoti answer: its policy, what it says is left (never more than we think),
    /// and a 429's freeze for every replica.
    pub async fn observe(&self, observed: &Observed) -> Result<(), HubError> {
        if *observed == Observed::default() {
            return Ok(());
        }
        for _ in 0..20 {
            let bucket = self.read().await?;
            let now = now_ms().max(bucket.updated_ms);
            let mut next = Bucket { tokens_milli: bucket.refilled(now), updated_ms: now, ..bucket };
            if let Some((calls, window_ms, burst)) = observed.policy {
                next.calls_per_window = calls;
                next.window_ms = window_ms;
                next.capacity = burst;
                next.tokens_milli = next.tokens_milli.min(burst * 1000);
            }
            if let Some(remaining) = observed.remaining {
                next.tokens_milli = next.tokens_milli.min(remaining * 1000);
            }
            if let Some(retry_after) = observed.retry_after_ms {
                next.tokens_milli = 0;
                next.frozen_until_ms = next.frozen_until_ms.max(now + retry_after);
            }
            if self.swap(&bucket, &next).await? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Tokens in the bucket now (for /metrics) and whether it is frozen.
    pub async fn level(&self) -> Result<(f64, bool, i64), HubError> {
        let bucket = self.read().await?;
        let now = now_ms().max(bucket.updated_ms);
        Ok((bucket.refilled(now) as f64 / 1000.0, bucket.frozen_until_ms > now, bucket.capacity))
    }

    pub fn waiting(&self, priority: Priority) -> i64 {
        self.waiting[priority.index()].load(Ordering::Relaxed)
    }
}

/// Runs `f` when dropped (the waiting count is kept right when a caller gives up).
fn scopeguard<F: FnOnce()>(f: F) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_header_reads_as_zenoti_writes_it() {
        assert_eq!(parse_policy("60;w=60;b=60"), Some((60, 60_000, 60)));
        assert_eq!(parse_policy("60; w=6; b=60"), Some((60, 6000, 60)));
        assert_eq!(parse_policy("10;w=0.5;b=5"), Some((10, 500, 5)), "a window under a second");
        assert_eq!(parse_policy("120"), Some((120, 60_000, 120)));
        assert_eq!(parse_policy("0;w=60"), None);
        assert_eq!(parse_policy("lots"), None);
        assert_eq!(parse_policy("60;w=-1"), None);
        assert_eq!(parse_policy("60;w=soon;b=60"), None, "not read as the 60 s default");
        assert_eq!(parse_policy("60;w=60;b=x"), None);
    }

    #[test]
    fn the_budget_option_reads_calls_per_window() {
        assert_eq!(parse_budget("60/60s").unwrap(), (60, 60_000));
        assert_eq!(parse_budget("20/2s").unwrap(), (20, 2000));
        assert_eq!(parse_budget("600/500ms").unwrap(), (600, 500));
        assert!(parse_budget("60").is_err());
        assert!(parse_budget("0/1s").is_err());
        assert!(parse_budget("60/1h").is_err());
    }

    #[test]
    fn a_429_freezes_for_its_retry_after_within_bounds() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(Observed::from_answer(429, &headers).retry_after_ms, Some(7000));
        headers.insert("retry-after", "1e20".parse().unwrap());
        assert_eq!(Observed::from_answer(429, &headers).retry_after_ms, Some(600_000));
        headers.insert("retry-after", "NaN".parse().unwrap());
        assert_eq!(Observed::from_answer(429, &headers).retry_after_ms, Some(1000));
        assert_eq!(Observed::from_answer(200, &headers).retry_after_ms, None);
    }

    #[test]
    fn refill_is_exact_and_capped() {
        let bucket = Bucket {
            capacity: 60,
            calls_per_window: 60,
            window_ms: 6000,
            tokens_milli: 0,
            updated_ms: 0,
            frozen_until_ms: 0,
            version: 0,
        };
        assert_eq!(bucket.refilled(100), 1000);
        assert_eq!(bucket.refilled(1_000_000), 60_000);
        assert_eq!(bucket.time_for(1000), 101);
    }
}
