//! `/metrics` (Prometheus text format) and `/healthz`. Counters are this replica's; the budget is
//! the organization's (read from the database).

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::budget::Priority;
use crate::Hub;

#[derive(Default)]
pub struct Metrics {
    pub forwarded: AtomicU64,
    pub zenoti_429: AtomicU64,
    pub hub_429: AtomicU64,
    pub cache_hits: AtomicU64,
    pub cache_misses: AtomicU64,
    pub webhooks_received: AtomicU64,
    pub webhooks_duplicate: AtomicU64,
    pub webhooks_quarantined: AtomicU64,
    pub last_webhook_ms: AtomicI64,
    pub sse_clients: AtomicI64,
    /// Milliseconds forwarded calls waited for a budget token, and how many, per priority.
    pub token_wait_ms: [AtomicU64; 3],
    pub token_waits: [AtomicU64; 3],
}

pub async fn healthz(State(hub): State<Arc<Hub>>) -> Response {
    match hub.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ok", "database": "ok"}))).into_response(),
        Err(err) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable", "database": err.to_string()})))
                .into_response()
        }
    }
}

pub async fn metrics(State(hub): State<Arc<Hub>>) -> Response {
    let m = &hub.metrics;
    let mut out = String::new();
    let mut line = |name: &str, kind: &str, help: &str, samples: &[(&str, String)]| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed).to_string();
    match hub.budget.level().await {
        Ok((tokens, frozen, capacity)) => {
            line(
                "frontdesk_hub_budget_tokens",
                "gauge",
                "Tokens in the organization's Zenoti budget.",
                &[("", format!("{tokens:.3}"))],
            );
            line(
                "frontdesk_hub_budget_capacity",
                "gauge",
                "The budget's burst size, as Zenoti last said.",
                &[("", capacity.to_string())],
            );
            line(
                "frontdesk_hub_budget_frozen",
                "gauge",
                "1 while a Zenoti 429 holds every call back.",
                &[("", u8::from(frozen).to_string())],
            );
            line("frontdesk_hub_database_up", "gauge", "1 when the database answers.", &[("", "1".into())]);
        }
        Err(_) => line("frontdesk_hub_database_up", "gauge", "1 when the database answers.", &[("", "0".into())]),
    }
    let queue: Vec<(String, String)> = Priority::ALL
        .iter()
        .map(|p| (format!("{{priority=\"{}\"}}", p.as_str()), hub.budget.waiting(*p).to_string()))
        .collect();
    let queue: Vec<(&str, String)> = queue.iter().map(|(l, v)| (l.as_str(), v.clone())).collect();
    line("frontdesk_hub_queue_depth", "gauge", "Calls waiting for a budget token, per priority.", &queue);
    line("frontdesk_hub_forwarded_total", "counter", "Calls sent to Zenoti.", &[("", get(&m.forwarded))]);
    line(
        "frontdesk_hub_rate_limited_total",
        "counter",
        "429 answers: from Zenoti, and from the hub when no token came before the deadline.",
        &[("{source=\"zenoti\"}", get(&m.zenoti_429)), ("{source=\"hub\"}", get(&m.hub_429))],
    );
    line(
        "frontdesk_hub_catalog_cache_total",
        "counter",
        "Catalog reads answered from the cache (hit) or fetched (miss).",
        &[("{result=\"hit\"}", get(&m.cache_hits)), ("{result=\"miss\"}", get(&m.cache_misses))],
    );
    line(
        "frontdesk_hub_webhooks_total",
        "counter",
        "Webhook bodies received, and of them duplicates and quarantined ones.",
        &[
            ("{result=\"received\"}", get(&m.webhooks_received)),
            ("{result=\"duplicate\"}", get(&m.webhooks_duplicate)),
            ("{result=\"quarantined\"}", get(&m.webhooks_quarantined)),
        ],
    );
    let last = m.last_webhook_ms.load(Ordering::Relaxed);
    line(
        "frontdesk_hub_last_webhook_timestamp_seconds",
        "gauge",
        "When the last webhook arrived (0: none since start).",
        &[("", format!("{:.3}", last as f64 / 1000.0))],
    );
    line(
        "frontdesk_hub_sse_clients",
        "gauge",
        "Desks listening to the event stream.",
        &[("", m.sse_clients.load(Ordering::Relaxed).to_string())],
    );
    let per_priority = |values: &[AtomicU64; 3], scale: f64| -> Vec<(String, String)> {
        Priority::ALL
            .iter()
            .map(|p| {
                let v = values[*p as usize].load(Ordering::Relaxed) as f64 * scale;
                (format!("{{priority=\"{}\"}}", p.as_str()), v.to_string())
            })
            .collect()
    };
    let (sum, count) = (per_priority(&m.token_wait_ms, 0.001), per_priority(&m.token_waits, 1.0));
    let _ = writeln!(
        out,
        "# HELP frontdesk_hub_token_wait_seconds How long forwarded calls waited for a budget token, per priority.\n# TYPE frontdesk_hub_token_wait_seconds summary"
    );
    for ((labels, s), (_, c)) in sum.iter().zip(&count) {
        let _ = writeln!(
            out,
            "frontdesk_hub_token_wait_seconds_sum{labels} {s}\nfrontdesk_hub_token_wait_seconds_count{labels} {c}"
        );
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
