//! Webhook delivery as Zenoti does it: every event the sandbox raises is POSTed as JSON to the
//! configured URL by a background task, and retried.
//!
//! From Zenoti's docs: it waits 10 s for an answer, retries at most 5 times with exponential
//! backoff between 30 s and 10 min, and deactivates the webhook after 20 consecutive failures
//! (a person must turn it on again). Neither order nor exactly-once is promised: receivers must
//! expect duplicates in any order. Here, a 2xx answer is a delivery; any other status, a timeout
//! or a connection error is a failed attempt, retried after `backoff_min·2^n` capped at
//! `backoff_max` (times [`WebhookDelivery::time_scale`]). Up to [`MAX_IN_FLIGHT`] events are
//! sent at once. Failed attempts are counted across all events (a delivery resets the count); an
//! attempt starts only while `consecutive failures + attempts in flight < deactivate_after`, so
//! a receiver that fails everything gets exactly `deactivate_after` attempts, and then nothing
//! until [`crate::Sandbox::activate_webhook`] (`POST /_sandbox/webhook/activate`) resumes the
//! pending events, those raised meanwhile included.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// The most events being sent at once.
pub const MAX_IN_FLIGHT: usize = 8;

/// Where and how the sandbox posts its webhook events ([`crate::Config::webhook`]).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    pub url: String,
    /// How long an attempt waits for the answer (Zenoti: 10 s). Not scaled.
    pub timeout: Duration,
    /// Attempts after the first (Zenoti: 5).
    pub retries: u32,
    /// The delay before the first retry (Zenoti: 30 s), doubled before each next one...
    pub backoff_min: Duration,
    /// ...up to this (Zenoti: 10 min).
    pub backoff_max: Duration,
    /// Consecutive failed attempts, across all events, that deactivate the webhook (Zenoti: 20);
    /// 0 never deactivates it.
    pub deactivate_after: u32,
    /// Multiplies the backoff delays only: 0.001 makes 30 s 30 ms.
    pub time_scale: f64,
}

impl WebhookDelivery {
    /// Zenoti's documented delivery to `url`.
    pub fn new(url: impl Into<String>) -> Self {
        WebhookDelivery {
            url: url.into(),
            timeout: Duration::from_secs(10),
            retries: 5,
            backoff_min: Duration::from_secs(30),
            backoff_max: Duration::from_secs(600),
            deactivate_after: 20,
            time_scale: 1.0,
        }
    }

    /// The delay before retry `retry` (0 for the first): `backoff_min·2^retry`, at most
    /// `backoff_max`, times `time_scale`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let unscaled = (self.backoff_min.as_secs_f64() * 2f64.powi(retry.min(1000) as i32))
            .min(self.backoff_max.as_secs_f64().max(self.backoff_min.as_secs_f64()));
        Duration::try_from_secs_f64(unscaled * self.time_scale).unwrap_or(Duration::ZERO)
    }
}

/// What the webhook has done: `GET /_sandbox/webhook`, [`crate::Sandbox::webhook_status`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookStatus {
    /// Sending; false once deactivated (and when no webhook is configured).
    pub active: bool,
    /// `None` when no webhook is configured.
    pub url: Option<String>,
    /// Events delivered (a 2xx answer).
    pub delivered: u64,
    /// Failed attempts of every event.
    pub failed_attempts: u64,
    pub consecutive_failures: u32,
    /// Events given up after their last retry failed.
    pub given_up: u64,
    /// Events neither delivered nor given up: queued, waiting for a retry, being sent, or held
    /// while the webhook is deactivated.
    pub pending: u64,
    /// Attempts being sent now.
    pub in_flight: u32,
    /// Every event raised since the sandbox started, oldest first.
    pub deliveries: Vec<DeliveryStatus>,
}

impl WebhookStatus {
    /// The status without a webhook.
    pub fn unconfigured() -> Self {
        WebhookStatus {
            active: false,
            url: None,
            delivered: 0,
            failed_attempts: 0,
            consecutive_failures: 0,
            given_up: 0,
            pending: 0,
            in_flight: 0,
            deliveries: Vec::new(),
        }
    }
}

/// One event's delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryStatus {
    /// The envelope's `id`.
    pub id: String,
    /// The envelope's `event_id`.
    pub event_id: String,
    pub event_type: String,
    /// Attempts started.
    pub attempts: u32,
    pub delivered: bool,
    pub given_up: bool,
    /// The HTTP status of the last answer, if one came.
    pub last_status: Option<u16>,
    /// Why the last attempt got no answer (a timeout, a connection error).
    pub last_error: Option<String>,
}

struct Record {
    status: DeliveryStatus,
    body: Bytes,
}

struct Inner {
    active: bool,
    delivered: u64,
    failed_attempts: u64,
    consecutive_failures: u32,
    given_up: u64,
    in_flight: u32,
    records: Vec<Record>,
    /// Records whose next attempt is due, oldest first.
    ready: VecDeque<usize>,
}

/// The delivery queue, shared by whatever raises events and the task that sends them.
pub(crate) struct Webhook {
    config: WebhookDelivery,
    inner: Mutex<Inner>,
    wake: Notify,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook").field("url", &self.config.url).finish_non_exhaustive()
    }
}

enum Outcome {
    Status(u16),
    Error(String),
}

impl Webhook {
    pub fn new(config: WebhookDelivery) -> Arc<Webhook> {
        Arc::new(Webhook {
            config,
            inner: Mutex::new(Inner {
                active: true,
                delivered: 0,
                failed_attempts: 0,
                consecutive_failures: 0,
                given_up: 0,
                in_flight: 0,
                records: Vec::new(),
                ready: VecDeque::new(),
            }),
            wake: Notify::new(),
        })
    }

    /// Queues an event envelope, sent as it is serialized here.
    pub fn enqueue(&self, envelope: &Value) {
        let text = |key: &str| envelope[key].as_str().unwrap_or_default().to_owned();
        let status = DeliveryStatus {
            id: text("id"),
            event_id: text("event_id"),
            event_type: text("event_type"),
            attempts: 0,
            delivered: false,
            given_up: false,
            last_status: None,
            last_error: None,
        };
        let body = Bytes::from(serde_json::to_vec(envelope).expect("a JSON value serializes"));
        let mut inner = self.inner.lock().unwrap();
        inner.records.push(Record { status, body });
        let i = inner.records.len() - 1;
        inner.ready.push_back(i);
        drop(inner);
        self.wake.notify_one();
    }

    /// Turns the webhook on again (as a person does in Zenoti): the failure count starts anew
    /// and the pending events are sent.
    pub fn activate(&self) {
        let mut inner = self.inner.lock().unwrap();
        inner.active = true;
        inner.consecutive_failures = 0;
        drop(inner);
        self.wake.notify_one();
    }

    pub fn status(&self) -> WebhookStatus {
        let inner = self.inner.lock().unwrap();
        let deliveries: Vec<DeliveryStatus> = inner.records.iter().map(|r| r.status.clone()).collect();
        WebhookStatus {
            active: inner.active,
            url: Some(self.config.url.clone()),
            delivered: inner.delivered,
            failed_attempts: inner.failed_attempts,
            consecutive_failures: inner.consecutive_failures,
            given_up: inner.given_up,
            pending: deliveries.iter().filter(|d| !d.delivered && !d.given_up).count() as u64,
            in_flight: inner.in_flight,
            deliveries,
        }
    }

    /// Sends until aborted (the sandbox aborts it when dropped).
    pub async fn run(self: Arc<Webhook>) {
        let client = match reqwest::Client::builder().timeout(self.config.timeout).no_proxy().build() {
            Ok(client) => client,
            Err(err) => {
                tracing::error!(%err, "sandbox: no HTTP client for the webhook");
                return;
            }
        };
        let mut attempts: JoinSet<(usize, Outcome)> = JoinSet::new();
        let mut timers: JoinSet<usize> = JoinSet::new();
        loop {
            self.start_due(&client, &mut attempts);
            tokio::select! {
                _ = self.wake.notified() => {}
                Some(done) = attempts.join_next(), if !attempts.is_empty() => match done {
                    Ok((i, outcome)) => self.finish(i, outcome, attempts.len(), &mut timers),
                    Err(err) => tracing::error!(%err, "sandbox: a webhook attempt failed to run"),
                },
                Some(due) = timers.join_next(), if !timers.is_empty() => {
                    if let Ok(i) = due {
                        self.inner.lock().unwrap().ready.push_back(i);
                    }
                }
            }
        }
    }

    /// Starts the due attempts that may start now.
    fn start_due(&self, client: &reqwest::Client, attempts: &mut JoinSet<(usize, Outcome)>) {
        let mut inner = self.inner.lock().unwrap();
        while inner.active
            && attempts.len() < MAX_IN_FLIGHT
            && (inner.consecutive_failures as usize + attempts.len()) < self.deactivate_after() as usize
        {
            let Some(i) = inner.ready.pop_front() else { break };
            let record = &mut inner.records[i];
            record.status.attempts += 1;
            let request = client
                .post(&self.config.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(record.body.clone());
            attempts.spawn(async move { (i, send(request).await) });
        }
        inner.in_flight = attempts.len() as u32;
    }

    fn finish(&self, i: usize, outcome: Outcome, in_flight: usize, timers: &mut JoinSet<usize>) {
        let mut guard = self.inner.lock().unwrap();
        let inner = &mut *guard;
        inner.in_flight = in_flight as u32;
        let record = &mut inner.records[i].status;
        let ok = matches!(outcome, Outcome::Status(s) if (200..300).contains(&s));
        match outcome {
            Outcome::Status(s) => (record.last_status, record.last_error) = (Some(s), None),
            Outcome::Error(e) => (record.last_status, record.last_error) = (None, Some(e)),
        }
        if ok {
            record.delivered = true;
            inner.delivered += 1;
            inner.consecutive_failures = 0;
            return;
        }
        inner.failed_attempts += 1;
        inner.consecutive_failures += 1;
        if record.attempts > self.config.retries {
            record.given_up = true;
            inner.given_up += 1;
            tracing::warn!(event = %record.id, attempts = record.attempts, "sandbox: webhook event given up");
        } else {
            let delay = self.config.backoff(record.attempts - 1);
            timers.spawn(async move {
                tokio::time::sleep(delay).await;
                i
            });
        }
        if inner.active && inner.consecutive_failures >= self.deactivate_after() {
            inner.active = false;
            tracing::warn!(failures = inner.consecutive_failures, "sandbox: webhook deactivated");
        }
    }

    /// [`WebhookDelivery::deactivate_after`], 0 meaning never.
    fn deactivate_after(&self) -> u32 {
        match self.config.deactivate_after {
            0 => u32::MAX,
            n => n,
        }
    }
}

async fn send(request: reqwest::RequestBuilder) -> Outcome {
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // Read the answer so the connection can be used again; its words do not matter.
            let _ = response.bytes().await;
            Outcome::Status(status)
        }
        Err(err) if err.is_timeout() => Outcome::Error(format!("timed out: {err}")),
        Err(err) if err.is_connect() => Outcome::Error(format!("connection failed: {err}")),
        Err(err) => Outcome::Error(err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_its_minimum_up_to_its_maximum_scaled() {
        let zenoti = WebhookDelivery::new("http://127.0.0.1:9/hook");
        let secs: Vec<u64> = (0..7).map(|n| zenoti.backoff(n).as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(zenoti.backoff(u32::MAX), Duration::from_secs(600));
        let fast = WebhookDelivery { time_scale: 0.001, ..zenoti };
        assert_eq!(fast.backoff(0), Duration::from_millis(30));
        assert_eq!(fast.backoff(9), Duration::from_millis(600));
    }
}
