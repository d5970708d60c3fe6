//! Cross-desk invoice leases: one desk at a time redeems on an invoice. Taken with one atomic
//! upsert (a lease that expired, or the same desk's own, is taken over), renewed while the
//! redemption is in flight, released at its end, expiring by itself if the desk dies.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::db::{now_ms, Db};
use crate::desks::{random_bytes, Desk};
use crate::error::HubError;

#[derive(Debug, Clone, Serialize)]
pub struct Lease {
    pub lease: String,
    pub invoice_id: String,
    pub expires_at: DateTime<Utc>,
}

/// Who holds an invoice another desk asked for.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    pub desk: String,
    pub employee: String,
    pub since: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub enum Taken {
    Granted(Lease),
    Held(Holder),
}

/// How long an ended lease is kept, so the events about its invoice can name the desk.
pub const KEPT_AFTER_END: Duration = Duration::from_secs(3600);

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Invoice ids are GUIDs Zenoti writes in either case.
pub fn invoice_key(invoice_id: &str) -> String {
    invoice_id.trim().to_ascii_lowercase()
}

fn check_invoice_id(invoice_id: &str) -> Result<(), HubError> {
    let ok = !invoice_id.trim().is_empty()
        && invoice_id.len() <= 64
        && invoice_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(HubError::bad_request(
            "invoice_id_invalid",
            "invoice_id must be a Zenoti invoice id (letters, digits and dashes)",
        ))
    }
}

pub async fn take(db: &Db, desk: &Desk, invoice_id: &str, employee: &str, ttl: Duration) -> Result<Taken, HubError> {
    check_invoice_id(invoice_id)?;
    let employee = employee.trim();
    if employee.is_empty() || employee.chars().count() > 120 {
        return Err(HubError::bad_request(
            "employee_invalid",
            "employee must name who is redeeming (1 to 120 characters)",
        ));
    }
    let now = now_ms();
    let expires = now + ttl.as_millis() as i64;
    let lease_id = hex::encode(random_bytes::<16>());
    let key = invoice_key(invoice_id);
    let granted = sqlx::query(
        "INSERT INTO leases (invoice_key, lease_id, desk_id, employee, since_ms, expires_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (invoice_key) DO UPDATE SET lease_id = excluded.lease_id, desk_id = excluded.desk_id,
             employee = excluded.employee, since_ms = excluded.since_ms, expires_ms = excluded.expires_ms
         WHERE leases.expires_ms <= $5 OR leases.desk_id = excluded.desk_id
         RETURNING lease_id",
    )
    .bind(&key)
    .bind(&lease_id)
    .bind(&desk.id)
    .bind(employee)
    .bind(now)
    .bind(expires)
    .fetch_optional(&db.pool)
    .await?;
    if granted.is_some() {
        return Ok(Taken::Granted(Lease {
            lease: lease_id,
            invoice_id: invoice_id.trim().to_owned(),
            expires_at: time(expires),
        }));
    }
    let row = sqlx::query(
        "SELECT d.name AS desk, l.employee, l.since_ms, l.expires_ms FROM leases l JOIN desks d ON d.id = l.desk_id
         WHERE l.invoice_key = $1",
    )
    .bind(&key)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(row) => Ok(Taken::Held(Holder {
            desk: row.try_get("desk")?,
            employee: row.try_get("employee")?,
            since: time(row.try_get("since_ms")?),
            expires_at: time(row.try_get("expires_ms")?),
        })),
        // Released between the two statements: ask again.
        None => Box::pin(take(db, desk, invoice_id, employee, ttl)).await,
    }
}

/// Extends the desk's own live lease; `None` if it expired or is not the desk's.
pub async fn renew(db: &Db, desk: &Desk, lease_id: &str, ttl: Duration) -> Result<Option<Lease>, HubError> {
    let now = now_ms();
    let expires = now + ttl.as_millis() as i64;
    let row = sqlx::query(
        "UPDATE leases SET expires_ms = $1 WHERE lease_id = $2 AND desk_id = $3 AND expires_ms > $4 RETURNING invoice_key",
    )
    .bind(expires)
    .bind(lease_id)
    .bind(&desk.id)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(Lease { lease: lease_id.to_owned(), invoice_id: row.try_get("invoice_key")?, expires_at: time(expires) })
    })
    .transpose()
}

/// Ends the lease now. The row stays (expired) until pruned, so the events about the invoice
/// that arrive next can say which desk redeemed on it.
pub async fn release(db: &Db, desk: &Desk, lease_id: &str) -> Result<bool, HubError> {
    let now = now_ms();
    let done =
        sqlx::query("UPDATE leases SET expires_ms = $1 WHERE lease_id = $2 AND desk_id = $3 AND expires_ms > $1")
            .bind(now)
            .bind(lease_id)
            .bind(&desk.id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// The desk that last held a lease on the invoice (live or ended), if any.
pub async fn last_holder(db: &Db, invoice_id: &str) -> Result<Option<String>, HubError> {
    let row = sqlx::query("SELECT d.name FROM leases l JOIN desks d ON d.id = l.desk_id WHERE l.invoice_key = $1")
        .bind(invoice_key(invoice_id))
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.try_get::<String, _>("name")).transpose()?)
}

/// Whether the desk holds a live lease on the invoice (checked before a redemption POST).
pub async fn holds(db: &Db, desk: &Desk, invoice_id: &str) -> Result<bool, HubError> {
    let row = sqlx::query("SELECT 1 AS held FROM leases WHERE invoice_key = $1 AND desk_id = $2 AND expires_ms > $3")
        .bind(invoice_key(invoice_id))
        .bind(&desk.id)
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}
