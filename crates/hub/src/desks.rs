//! Desks: enrollment codes (one use, 24 h), desk tokens (256 random bits), both kept only as
//! SHA-256 hashes, and the `Authorization: Desk <token>` check of every hub call.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::db::{now_ms, Db};
use crate::error::HubError;
use crate::Hub;

/// How long an enrollment code can be exchanged.
pub const ENROLLMENT_TTL_MS: i64 = 24 * 3600 * 1000;

/// A desk, as the hub's calls see it.
#[derive(Debug, Clone, Serialize)]
pub struct Desk {
    pub id: String,
    pub name: String,
    /// The center whose events the desk gets; `None`: every center's.
    pub center_id: Option<String>,
}

/// What `desks list` shows.
#[derive(Debug, Clone, Serialize)]
pub struct DeskListing {
    pub name: String,
    pub center_id: Option<String>,
    pub state: &'static str,
}

/// A secret the hub hands out once.
pub struct Issued {
    pub secret: String,
    pub expires_ms: i64,
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// 256 bits, URL-safe.
fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Typed by a person from a message: 16 letters and digits without look-alikes (80 bits), in
/// groups of four.
fn new_enrollment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let bytes = random_bytes::<16>();
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

fn normalize_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Adds a desk (or gives a not yet enrolled or revoked desk of that name a new code).
pub async fn add(db: &Db, name: &str, center_id: Option<&str>) -> Result<Issued, HubError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(HubError::Config("a desk's name must have 1 to 80 characters".into()));
    }
    let code = new_enrollment_code();
    let now = now_ms();
    let expires_ms = now + ENROLLMENT_TTL_MS;
    let id = hex::encode(random_bytes::<8>());
    let done = sqlx::query(
        "INSERT INTO desks (id, name, center_id, enroll_hash, enroll_expires_ms, created_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO UPDATE SET enroll_hash = excluded.enroll_hash,
             enroll_expires_ms = excluded.enroll_expires_ms, center_id = excluded.center_id,
             token_hash = NULL, revoked_ms = NULL, enrolled_ms = NULL
         WHERE desks.token_hash IS NULL OR desks.revoked_ms IS NOT NULL",
    )
    .bind(&id)
    .bind(name)
    .bind(center_id)
    .bind(hash(&normalize_code(&code)))
    .bind(expires_ms)
    .bind(now)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(HubError::Config(format!(
            "the desk \"{name}\" is enrolled; revoke it first (frontdesk-hub desks revoke \"{name}\") to enroll it again"
        )));
    }
    Ok(Issued { secret: code, expires_ms })
}

/// Exchanges an enrollment code for the desk's token, once.
pub async fn enroll(db: &Db, code: &str) -> Result<(Desk, Issued), HubError> {
    let token = new_token();
    let now = now_ms();
    let row = sqlx::query(
        "UPDATE desks SET token_hash = $1, enroll_hash = NULL, enroll_expires_ms = NULL, enrolled_ms = $2
         WHERE enroll_hash = $3 AND enroll_expires_ms > $2 AND revoked_ms IS NULL
         RETURNING id, name, center_id",
    )
    .bind(hash(&token))
    .bind(now)
    .bind(hash(&normalize_code(code)))
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Err(HubError::unauthorized(
            "enrollment_code_invalid",
            "This enrollment code is not valid: it was mistyped, already used or older than 24 hours. Ask IT for a new one.",
        ));
    };
    let desk = Desk { id: row.try_get("id")?, name: row.try_get("name")?, center_id: row.try_get("center_id")? };
    Ok((desk, Issued { secret: token, expires_ms: i64::MAX }))
}

pub async fn revoke(db: &Db, name: &str) -> Result<bool, HubError> {
    let done = sqlx::query(
        "UPDATE desks SET revoked_ms = $1, token_hash = NULL, enroll_hash = NULL WHERE name = $2 AND revoked_ms IS NULL",
    )
    .bind(now_ms())
    .bind(name.trim())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(db: &Db) -> Result<Vec<DeskListing>, HubError> {
    let now = now_ms();
    let rows =
        sqlx::query("SELECT name, center_id, token_hash, enroll_expires_ms, revoked_ms FROM desks ORDER BY name")
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|row| {
            let state = if row.try_get::<Option<i64>, _>("revoked_ms")?.is_some() {
                "revoked"
            } else if row.try_get::<Option<String>, _>("token_hash")?.is_some() {
                "enrolled"
            } else if row.try_get::<Option<i64>, _>("enroll_expires_ms")?.is_some_and(|e| e > now) {
                "waiting for enrollment"
            } else {
                "enrollment code expired"
            };
            Ok(DeskListing { name: row.try_get("name")?, center_id: row.try_get("center_id")?, state })
        })
        .collect()
}

/// Desks enrolled and not revoked (they share the organization's limit when the hub is away).
pub async fn enrolled_count(db: &Db) -> Result<i64, HubError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM desks WHERE token_hash IS NOT NULL AND revoked_ms IS NULL")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("n")?)
}

pub async fn by_token(db: &Db, token: &str) -> Result<Option<Desk>, HubError> {
    let row = sqlx::query("SELECT id, name, center_id FROM desks WHERE token_hash = $1 AND revoked_ms IS NULL")
        .bind(hash(token))
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| Ok(Desk { id: row.try_get("id")?, name: row.try_get("name")?, center_id: row.try_get("center_id")? }))
        .transpose()
}

/// Whether the desk is still enrolled (not revoked).
pub async fn is_active(db: &Db, desk_id: &str) -> Result<bool, HubError> {
    let row =
        sqlx::query("SELECT 1 AS active FROM desks WHERE id = $1 AND token_hash IS NOT NULL AND revoked_ms IS NULL")
            .bind(desk_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

/// The calling desk, from `Authorization: Desk <token>`; 401 otherwise.
impl FromRequestParts<Arc<Hub>> for Desk {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Desk, HubError> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let token = header.strip_prefix("Desk ").map(str::trim).filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(HubError::unauthorized(
                "desk_token_missing",
                "This call needs the desk's token (Authorization: Desk …). Join the hub in Settings.",
            ));
        };
        match by_token(&hub.db, token).await? {
            Some(desk) => Ok(desk),
            None => Err(HubError::unauthorized(
                "desk_token_unknown",
                "The hub does not know this desk or it was revoked. Ask IT for a new enrollment code and join the hub again.",
            )),
        }
    }
}
