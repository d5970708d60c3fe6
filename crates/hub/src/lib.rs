//! Front Desk Hub: one organization's shared Zenoti budget, catalog cache, webhooks streamed to
//! every desk, and cross-desk invoice leases (the README's "The hub" says how). Stateless processes; all
//! state is in one database: a SQLite file (one process) or PostgreSQL (several replicas).

pub mod api;
pub mod budget;
pub mod db;
pub mod desks;
pub mod error;
pub mod events;
pub mod forward;
pub mod leases;
pub mod metrics;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post, put};
use axum::Router;
use base64::Engine;
use url::Url;

use crate::budget::{Budget, Deadlines};
use crate::db::{now_ms, Backend, Db};
use crate::desks::random_bytes;
use crate::error::HubError;

#[derive(Debug, Clone)]
pub struct HubConfig {
    /// `sqlite://hub.db` or `postgres://…`.
    pub database: String,
    /// Zenoti's base URL (`https://api.zenoti.com`).
    pub zenoti: Url,
    /// How long a catalog answer is served from the cache.
    pub cache_ttl: Duration,
    /// How long a lease lasts without renewal.
    pub lease_ttl: Duration,
    /// How long webhook events (and quarantined bodies) are kept.
    pub retention: Duration,
    /// How often old events, leases, codes and cache entries are removed.
    pub prune_every: Duration,
    /// SSE keep-alive comments.
    pub keep_alive: Duration,
    /// How often a stream looks for new events if no wake-up came.
    pub poll_interval: Duration,
    pub deadlines: Deadlines,
    /// Longest wait for Zenoti's answer to a forwarded call.
    pub zenoti_timeout: Duration,
}

impl HubConfig {
    pub fn new(database: impl Into<String>, zenoti: Url) -> HubConfig {
        HubConfig {
            database: database.into(),
            zenoti,
            cache_ttl: Duration::from_secs(15 * 60),
            lease_ttl: Duration::from_secs(60),
            retention: Duration::from_secs(30 * 24 * 3600),
            prune_every: Duration::from_secs(3600),
            keep_alive: Duration::from_secs(15),
            poll_interval: Duration::from_secs(3),
            deadlines: Deadlines::default(),
            zenoti_timeout: Duration::from_secs(30),
        }
    }
}

/// One hub process's state.
pub struct Hub {
    pub config: HubConfig,
    pub db: Db,
    pub budget: Budget,
    pub http: reqwest::Client,
    pub metrics: metrics::Metrics,
    /// The path secret of `POST /webhooks/zenoti/{secret}`.
    pub webhook_secret: String,
    /// Keys the HMACs of accepted Zenoti authorizations.
    pub hmac_key: Vec<u8>,
    /// Sequence numbers of events just stored (by this process or, via NOTIFY, another).
    pub new_events: tokio::sync::broadcast::Sender<i64>,
    pub in_flight: forward::InFlight,
    /// When this process last recorded each accepted authorization (by HMAC).
    pub accepted_marks: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

fn random_secret() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

impl Hub {
    /// Opens the database (migrating it) and starts the background work (pruning, and on
    /// PostgreSQL the NOTIFY listener).
    pub async fn open(config: HubConfig) -> Result<Arc<Hub>, HubError> {
        let db = Db::open(&config.database).await?;
        let webhook_secret = db.setting("webhook_secret", random_secret).await?;
        let hmac_key = db.setting("auth_hmac_key", random_secret).await?.into_bytes();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(config.zenoti_timeout))
            .timeout(config.zenoti_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| HubError::Config(format!("the HTTP client could not start: {err}")))?;
        let (new_events, _) = tokio::sync::broadcast::channel(1024);
        let hub = Arc::new(Hub {
            budget: Budget::new(db.clone(), config.deadlines),
            db,
            http,
            metrics: Default::default(),
            webhook_secret,
            hmac_key,
            new_events,
            in_flight: Default::default(),
            accepted_marks: Default::default(),
            config,
        });
        tokio::spawn(prune_loop(Arc::downgrade(&hub)));
        if hub.db.backend == Backend::Postgres {
            tokio::spawn(listen_loop(Arc::downgrade(&hub), hub.config.database.clone()));
        }
        Ok(hub)
    }

    pub fn router(self: &Arc<Hub>) -> Router {
        Router::new()
            .route("/healthz", get(metrics::healthz))
            .route("/metrics", get(metrics::metrics))
            .route("/hub/v1/enroll", post(api::enroll))
            .route("/hub/v1/desk", get(api::whoami))
            .route("/hub/v1/leases", post(api::take_lease))
            .route("/hub/v1/leases/{lease}", put(api::renew_lease).delete(api::release_lease))
            .route("/hub/v1/events", get(events::stream))
            .route("/zenoti/{*path}", any(forward::forward))
            .route("/webhooks/zenoti/{secret}", post(webhooks::receive).put(webhooks::receive).patch(webhooks::receive))
            .fallback(forward::not_found)
            .layer(DefaultBodyLimit::max(webhooks::MAX_BODY))
            // Every answer says it is the hub's (a desk tells it from a proxy's with no hub behind).
            .layer(axum::middleware::map_response(mark_answer))
            .with_state(self.clone())
    }

    /// The path Zenoti's webhook setup needs, after the hub's public address.
    pub fn webhook_path(&self) -> String {
        format!("/webhooks/zenoti/{}", self.webhook_secret)
    }

    /// Removes what is older than it should be kept.
    pub async fn prune(&self) -> Result<u64, HubError> {
        let now = now_ms();
        let old = now - self.config.retention.as_millis() as i64;
        let pool = &self.db.pool;
        let mut removed = 0;
        removed +=
            sqlx::query("DELETE FROM events WHERE received_ms < $1").bind(old).execute(pool).await?.rows_affected();
        removed +=
            sqlx::query("DELETE FROM quarantine WHERE received_ms < $1").bind(old).execute(pool).await?.rows_affected();
        // An ended lease is kept an hour: the events about its invoice name the desk that held it.
        removed += sqlx::query("DELETE FROM leases WHERE expires_ms < $1")
            .bind(now - leases::KEPT_AFTER_END.as_millis() as i64)
            .execute(pool)
            .await?
            .rows_affected();
        removed += sqlx::query("DELETE FROM catalog_cache WHERE fetched_ms < $1")
            .bind(now - self.config.cache_ttl.as_millis() as i64)
            .execute(pool)
            .await?
            .rows_affected();
        removed += sqlx::query("DELETE FROM accepted_auth WHERE accepted_ms < $1")
            .bind(now - 10 * 60 * 1000)
            .execute(pool)
            .await?
            .rows_affected();
        removed +=
            sqlx::query("UPDATE desks SET enroll_hash = NULL WHERE enroll_hash IS NOT NULL AND enroll_expires_ms < $1")
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected();
        Ok(removed)
    }
}

async fn prune_loop(hub: std::sync::Weak<Hub>) {
    loop {
        let Some(every) = hub.upgrade().map(|h| h.config.prune_every) else { return };
        tokio::time::sleep(every).await;
        let Some(hub) = hub.upgrade() else { return };
        match hub.prune().await {
            Ok(removed) => tracing::info!(removed, "pruned"),
            Err(err) => tracing::warn!(error = %err, "pruning failed; trying again later"),
        }
    }
}

/// Wakes this replica's streams when another replica stores an event.
async fn listen_loop(hub: std::sync::Weak<Hub>, url: String) {
    use sqlx::postgres::PgListener;
    loop {
        match PgListener::connect(&url).await {
            Ok(mut listener) => {
                match listener.listen(webhooks::NOTIFY_CHANNEL).await {
                    Err(err) => {
                        tracing::warn!(error = %err, "cannot listen for other replicas' events; polling meanwhile")
                    }
                    Ok(()) => loop {
                        match listener.try_recv().await {
                            Ok(Some(notification)) => {
                                let Some(hub) = hub.upgrade() else { return };
                                if let Ok(seq) = notification.payload().parse::<i64>() {
                                    let _ = hub.new_events.send(seq);
                                }
                            }
                            // The connection was lost (notifications meanwhile are covered by
                            // the streams' poll): wake everyone once, then reconnect.
                            Ok(None) | Err(_) => {
                                if let Some(hub) = hub.upgrade() {
                                    let _ = hub.new_events.send(0);
                                }
                                break;
                            }
                        }
                    },
                }
            }
            Err(err) => tracing::warn!(error = %err, "cannot listen for other replicas' events; polling meanwhile"),
        }
        if hub.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn mark_answer(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert("x-frontdesk-hub", axum::http::HeaderValue::from_static("1"));
    response
}

/// A hub serving on a local address, for tests and `make hub`; dropping it stops the server.
pub struct RunningHub {
    pub hub: Arc<Hub>,
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl RunningHub {
    pub async fn start(config: HubConfig, addr: SocketAddr) -> Result<RunningHub, HubError> {
        let hub = Hub::open(config).await?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|err| HubError::Config(format!("cannot listen on {addr}: {err}")))?;
        let addr = listener.local_addr().map_err(|err| HubError::Config(err.to_string()))?;
        let app = hub.router();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(err) = serve.await {
                tracing::error!(%err, "hub server stopped");
            }
        });
        Ok(RunningHub { hub, addr, shutdown: Some(tx) })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
