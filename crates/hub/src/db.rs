//! The hub's one database: a SQLite file (one process) or PostgreSQL (several replicas), through
//! sqlx's `Any` driver with the same migrations and the same SQL for both.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};

use crate::error::HubError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The URL with any password replaced, for messages and logs.
    pub shown_url: String,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Opens (creating a SQLite file if needed) and migrates. `sqlite://hub.db`,
    /// `postgres://user:pass@host/db`.
    pub async fn open(url: &str) -> Result<Db, HubError> {
        sqlx::any::install_default_drivers();
        let shown_url = redact_url(url);
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(HubError::Config(format!(
                "the database URL {shown_url} is neither sqlite://FILE nor postgres://…"
            )));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let unreachable =
            |err: sqlx::Error| HubError::DatabaseUnreachable { url: shown_url.clone(), detail: err.to_string() };
        let pool = AnyPoolOptions::new()
            // One SQLite file: few writers help nothing; PostgreSQL serves the replicas' load.
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(3))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(unreachable)?;
        MIGRATOR.run(&pool).await.map_err(|err| HubError::DatabaseUnreachable {
            url: shown_url.clone(),
            detail: format!("the hub's tables could not be created or updated: {err}"),
        })?;
        Ok(Db { pool, backend, shown_url })
    }

    pub async fn ping(&self) -> Result<(), HubError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A hub-wide value, made by `make` the first time (every replica then reads the same one).
    pub async fn setting(&self, name: &str, make: impl FnOnce() -> String) -> Result<String, HubError> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(make())
            .execute(&self.pool)
            .await?;
        let row: AnyRow =
            sqlx::query("SELECT value FROM settings WHERE name = $1").bind(name).fetch_one(&self.pool).await?;
        Ok(sqlx::Row::try_get(&row, "value")?)
    }
}

/// `postgres://hub:secret@host/db` → `postgres://hub:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(super::redact_url("postgres://hub:s3cret@db:5432/hub"), "postgres://hub:***@db:5432/hub");
        assert_eq!(super::redact_url("sqlite://hub.db"), "sqlite://hub.db");
    }
}
