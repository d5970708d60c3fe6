//! Webhooks in: `POST /webhooks/zenoti/{secret}`. The body is stored before the answer; a repeated
//! envelope id is answered 200 and not stored again; a body that is not an event Front Desk
//! reads is kept in quarantine and answered 202 (an error would count toward the 20 failures
//! after which Zenoti turns the webhook off); over 1 MiB, 413; a wrong secret, 404.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::json;
use sqlx::Row;
use subtle::ConstantTimeEq;
use zenoti::WebhookSummary;

use crate::db::{now_ms, Backend};
use crate::desks::{random_bytes, Desk};
use crate::error::{error_body, HubError};
use crate::Hub;

/// The largest body Zenoti may post.
pub const MAX_BODY: usize = 1 << 20;

/// The channel replicas wake each other on (payload: the sequence number).
pub const NOTIFY_CHANNEL: &str = "hub_events";

pub async fn receive(State(hub): State<Arc<Hub>>, Path(secret): Path<String>, body: Bytes) -> Response {
    if !bool::from(secret.as_bytes().ct_eq(hub.webhook_secret.as_bytes())) {
        return error_body(StatusCode::NOT_FOUND, "not_found", "Not found");
    }
    match store(&hub, &body).await {
        Ok(Stored::New(seq)) => (StatusCode::OK, Json(json!({"status": "stored", "seq": seq}))).into_response(),
        Ok(Stored::Duplicate) => (StatusCode::OK, Json(json!({"status": "duplicate"}))).into_response(),
        Ok(Stored::Quarantined) => (StatusCode::ACCEPTED, Json(json!({"status": "quarantined"}))).into_response(),
        // Not stored: Zenoti must try again (a 503 it retries with backoff).
        Err(err) => err.into_response(),
    }
}

pub enum Stored {
    New(i64),
    Duplicate,
    Quarantined,
}

pub async fn store(hub: &Hub, body: &[u8]) -> Result<Stored, HubError> {
    let metrics = &hub.metrics;
    metrics.webhooks_received.fetch_add(1, Ordering::Relaxed);
    metrics.last_webhook_ms.store(now_ms(), Ordering::Relaxed);
    let decoded = std::str::from_utf8(body)
        .map_err(|err| format!("the body is not UTF-8 text: {err}"))
        .and_then(|text| zenoti::decode_webhook(text).map(|w| (text, w)).map_err(|err| err.to_string()));
    let decoded = decoded.and_then(|(text, webhook)| {
        // Without an envelope id a repeat could not be told from a new event.
        if webhook.summary().envelope_id.trim().is_empty() {
            Err("the envelope's id is empty".to_owned())
        } else {
            Ok((text, webhook))
        }
    });
    let (text, webhook) = match decoded {
        Ok(ok) => ok,
        Err(problem) => {
            quarantine(hub, &problem, body).await?;
            metrics.webhooks_quarantined.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(problem = %problem, bytes = body.len(), "webhook quarantined");
            return Ok(Stored::Quarantined);
        }
    };
    let summary = webhook.summary();
    let desk = match &summary.invoice_id {
        Some(invoice) => crate::leases::last_holder(&hub.db, invoice).await?,
        None => None,
    };
    match insert(hub, &summary, text, desk.as_deref()).await? {
        Some(seq) => {
            tracing::info!(seq, kind = summary.kind, "webhook stored");
            Ok(Stored::New(seq))
        }
        None => {
            metrics.webhooks_duplicate.fetch_add(1, Ordering::Relaxed);
            Ok(Stored::Duplicate)
        }
    }
}

/// Stores one event (a webhook, or the hub's own) and wakes the streams; `None` when its
/// envelope id was stored before.
pub(crate) async fn insert(
    hub: &Hub,
    summary: &WebhookSummary,
    body: &str,
    desk: Option<&str>,
) -> Result<Option<i64>, HubError> {
    let key = summary.envelope_id.trim().to_ascii_lowercase();
    let db = &hub.db;
    let seen =
        sqlx::query("SELECT seq FROM events WHERE envelope_key = $1").bind(&key).fetch_optional(&db.pool).await?;
    if seen.is_some() {
        return Ok(None);
    }
    let mut tx = db.pool.begin().await?;
    // Taken first, inside the transaction: the next writer waits for this commit, so sequence
    // numbers become visible in order and a reader never skips one still being written.
    let seq: i64 = sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'events' RETURNING value")
        .fetch_one(&mut *tx)
        .await?
        .try_get("value")?;
    let inserted = sqlx::query(
        "INSERT INTO events (seq, received_ms, envelope_key, envelope_id, event_id, event_type, kind, center_key,
             center_id, guest_id, invoice_id, user_package_id, body, desk)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (envelope_key) DO NOTHING",
    )
    .bind(seq)
    .bind(now_ms())
    .bind(&key)
    .bind(&summary.envelope_id)
    .bind(&summary.event_id)
    .bind(&summary.event_type)
    .bind(summary.kind)
    .bind(summary.center_id.as_deref().map(|c| c.trim().to_ascii_lowercase()))
    .bind(&summary.center_id)
    .bind(&summary.guest_id)
    .bind(&summary.invoice_id)
    .bind(&summary.user_package_id)
    .bind(body)
    .bind(desk)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // The same event reached another replica at the same moment.
        tx.rollback().await?;
        return Ok(None);
    }
    if db.backend == Backend::Postgres {
        sqlx::query("SELECT pg_notify($1, $2)").bind(NOTIFY_CHANNEL).bind(seq.to_string()).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let _ = hub.new_events.send(seq);
    Ok(Some(seq))
}

/// The hub's own event after it forwarded a points redemption Zenoti accepted: Zenoti sends
/// no webhook for a payment on an invoice that stays open, and the other desks showing the
/// invoice should say so (they read it again; the event carries no amount).
pub(crate) async fn record_points_redeemed(hub: &Hub, desk: &Desk, invoice_id: &str, center_id: Option<&str>) {
    let id = format!("frontdesk-hub-{}", hex::encode(random_bytes::<16>()));
    let summary = WebhookSummary {
        envelope_id: id.clone(),
        event_id: id.clone(),
        event_type: Some(POINTS_REDEEMED.to_owned()),
        kind: "points_redeemed",
        center_id: center_id.map(str::to_owned),
        guest_id: None,
        invoice_id: Some(invoice_id.to_owned()),
        user_package_id: None,
    };
    let body = json!({"id": id, "event_id": id, "event_type": POINTS_REDEEMED,
        "data": {"invoice_id": invoice_id, "center_id": center_id}});
    match insert(hub, &summary, &body.to_string(), Some(&desk.name)).await {
        Ok(seq) => tracing::info!(seq, kind = summary.kind, desk = %desk.name, "points redeemed through the hub"),
        Err(err) => tracing::warn!(error = %err, "the points redemption could not be told to the other desks"),
    }
}

/// The event type of the hub's own event (not one of Zenoti's).
pub const POINTS_REDEEMED: &str = "FrontDesk.LoyaltyPointsRedeemed";

async fn quarantine(hub: &Hub, problem: &str, body: &[u8]) -> Result<(), HubError> {
    let problem: String = problem.chars().take(500).collect();
    sqlx::query("INSERT INTO quarantine (id, received_ms, problem, body_base64) VALUES ($1, $2, $3, $4)")
        .bind(hex::encode(random_bytes::<16>()))
        .bind(now_ms())
        .bind(problem)
        .bind(base64::engine::general_purpose::STANDARD.encode(body))
        .execute(&hub.db.pool)
        .await?;
    Ok(())
}
