//! Events out: `GET /hub/v1/events`, Server-Sent Events. Each event's `id:` is its sequence
//! number, so a desk reconnecting with `Last-Event-ID` (to any replica) gets every later event
//! once, in order. A desk enrolled for a center gets that center's events only. Writers wake the
//! streams (in-process, and across replicas by PostgreSQL NOTIFY); a poll covers a lost wake-up.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;
use tokio_stream::wrappers::ReceiverStream;

use crate::desks::{self, Desk};
use crate::error::HubError;
use crate::Hub;

const PAGE: i64 = 200;

pub async fn stream(
    State(hub): State<Arc<Hub>>,
    desk: Desk,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, HubError> {
    let newest = newest_seq(&hub).await?;
    let after = match headers.get("last-event-id") {
        None => newest,
        Some(value) => {
            let text = value.to_str().unwrap_or("").trim();
            let Ok(after) = text.parse::<i64>() else {
                return Err(HubError::bad_request(
                    "last_event_id_invalid",
                    format!(
                        "Last-Event-ID must be the number of an event, not \"{}\"",
                        text.chars().take(40).collect::<String>()
                    ),
                ));
            };
            if after < 0 {
                return Err(HubError::bad_request("last_event_id_invalid", "Last-Event-ID cannot be negative"));
            }
            if after > newest {
                // A hub database restored from an older backup: the desk must re-read, not wait.
                return Err(HubError::refused(
                    StatusCode::CONFLICT,
                    "last_event_id_ahead",
                    format!("Last-Event-ID {after} is after the hub's newest event ({newest}); reconnect without it and re-read what is on screen"),
                ));
            }
            after
        }
    };
    let (tx, rx) = tokio::sync::mpsc::channel(PAGE as usize);
    tokio::spawn(feed(hub.clone(), desk, after, tx));
    Ok(Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::new().interval(hub.config.keep_alive)))
}

pub async fn newest_seq(hub: &Hub) -> Result<i64, HubError> {
    let row = sqlx::query("SELECT value FROM counters WHERE name = 'events'").fetch_one(&hub.db.pool).await?;
    Ok(row.try_get("value")?)
}

async fn feed(hub: Arc<Hub>, desk: Desk, mut after: i64, tx: tokio::sync::mpsc::Sender<Result<Event, Infallible>>) {
    hub.metrics.sse_clients.fetch_add(1, Ordering::Relaxed);
    let mut woken = hub.new_events.subscribe();
    let center = desk.center_id.as_deref().map(|c| c.trim().to_ascii_lowercase());
    let mut checked = tokio::time::Instant::now();
    loop {
        let rows = match page(&hub, center.as_deref(), after).await {
            Ok(rows) => rows,
            Err(err) => {
                // The database is away: keep the stream, look again after the poll.
                tracing::warn!(error = %err, "events could not be read");
                Vec::new()
            }
        };
        let full = rows.len() as i64 == PAGE;
        for row in rows {
            match to_event(&row) {
                Ok((seq, event)) => {
                    if tx.send(Ok(event)).await.is_err() {
                        hub.metrics.sse_clients.fetch_sub(1, Ordering::Relaxed);
                        return;
                    }
                    after = seq;
                }
                Err(err) => {
                    // Cannot happen with the hub's own schema; said, and passed over rather than
                    // read again forever.
                    let seq = row.try_get::<i64, _>("seq").unwrap_or(after + 1);
                    tracing::error!(seq, error = %err, "an event could not be read from the database; skipped");
                    after = after.max(seq);
                }
            }
        }
        if full {
            continue;
        }
        tokio::select! {
            _ = woken.recv() => {}
            _ = tokio::time::sleep(hub.config.poll_interval) => {}
            _ = tx.closed() => break,
        }
        // A desk revoked while listening stops hearing events (its next call gets 401).
        if checked.elapsed() >= hub.config.keep_alive {
            checked = tokio::time::Instant::now();
            if let Ok(false) = desks::is_active(&hub.db, &desk.id).await {
                tracing::info!(desk = %desk.name, "a revoked desk's event stream ended");
                break;
            }
        }
    }
    hub.metrics.sse_clients.fetch_sub(1, Ordering::Relaxed);
}

async fn page(hub: &Hub, center: Option<&str>, after: i64) -> Result<Vec<AnyRow>, sqlx::Error> {
    const COLUMNS: &str =
        "seq, received_ms, event_type, kind, center_id, guest_id, invoice_id, user_package_id, body, desk FROM events";
    match center {
        Some(center) => {
            sqlx::query(&format!("SELECT {COLUMNS} WHERE center_key = $1 AND seq > $2 ORDER BY seq LIMIT {PAGE}"))
                .bind(center)
                .bind(after)
                .fetch_all(&hub.db.pool)
                .await
        }
        None => {
            sqlx::query(&format!("SELECT {COLUMNS} WHERE seq > $1 ORDER BY seq LIMIT {PAGE}"))
                .bind(after)
                .fetch_all(&hub.db.pool)
                .await
        }
    }
}

fn to_event(row: &AnyRow) -> Result<(i64, Event), sqlx::Error> {
    let seq: i64 = row.try_get("seq")?;
    let received_ms: i64 = row.try_get("received_ms")?;
    let body: String = row.try_get("body")?;
    let data = json!({
        "seq": seq,
        "received_at": chrono::DateTime::from_timestamp_millis(received_ms),
        "kind": row.try_get::<String, _>("kind")?,
        "event_type": row.try_get::<Option<String>, _>("event_type")?,
        "center_id": row.try_get::<Option<String>, _>("center_id")?,
        "guest_id": row.try_get::<Option<String>, _>("guest_id")?,
        "invoice_id": row.try_get::<Option<String>, _>("invoice_id")?,
        "user_package_id": row.try_get::<Option<String>, _>("user_package_id")?,
        // The desk that redeemed on the invoice through the hub; absent: elsewhere (Zenoti's POS).
        "desk": row.try_get::<Option<String>, _>("desk")?,
        "event": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
    });
    Ok((seq, Event::default().id(seq.to_string()).event("zenoti").data(data.to_string())))
}
