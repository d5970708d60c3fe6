//! A Zenoti-compatible HTTP server with seeded data and fault injection.
//!
//! It serves the endpoints Front Desk uses, enforces the documented rules and answers with the
//! documented errors. Demo mode starts it in-process; every test talks to it over loopback.
//!
//! Its answers have the field names and JSON types of the answers Zenoti recorded
//! (`crates/zenoti/tests/fixtures/recorded/`); `tests/parity.rs` compares them and lists the
//! deliberate differences.
//!
//! The organization's rate limit is Zenoti's token bucket ([`RateLimit`]: 60 calls per 60 s,
//! 60 at once), which tests may compress into a shorter window (`60/6s`). With
//! [`Config::webhook`], every event the sandbox raises is POSTed to a URL as Zenoti delivers its
//! webhooks: retried with backoff, in any order, deactivated after consecutive failures
//! ([`webhook`]).
//!
//! The redeemable points are served both where the docs put them
//! (`GET /v1/guests/{invoice_id}/payments/loyalty_points/redeemable`) and under
//! `/v1/invoices/{invoice_id}/…` (UNKNOWN which one an organization answers; a
//! [`FaultAction::not_found`] on one leaves only the other).
//!
//! Test hooks, outside the Zenoti API:
//! - `POST /_sandbox/faults` adds a [`Fault`], `DELETE /_sandbox/faults` clears them. A fault
//!   answers in its stead ([`FaultAction::Respond`], [`FaultAction::not_found`]), delays, breaks
//!   the connection, or reshapes the real answer: `override_total`, `set_value` (a JSON pointer's
//!   value) and `rename_key` (a key at any depth), for answers that differ from what the client
//!   expects;
//! - `GET /_sandbox/stats` returns [`Stats`] (calls allowed and refused by the rate limit, grants,
//!   requests);
//! - `GET /_sandbox/ledger`: the loyalty ledger and codes sent;
//! - `GET /_sandbox/events`: the webhook events raised (guest-package events and
//!   `Invoice.Closed`), oldest first;
//! - `POST /_sandbox/events/raise {"count": N, "center_id": optional}` raises N synthetic
//!   guest-package status updates of seeded packages, answering `{"ids": [envelope ids]}`
//!   ([`Sandbox::raise_events`]);
//! - `POST /_sandbox/invoices {guest_code, services}` adds an open invoice of today (for
//!   end-to-end tests that need fresh ones).
//! - `POST /_sandbox/invoices/{invoice_id}/close` closes an open invoice and raises
//!   `Invoice.Closed` ([`Sandbox::close_invoice`]);
//! - `GET /_sandbox/webhook`: the delivery's [`WebhookStatus`]; `POST /_sandbox/webhook/activate`
//!   turns a deactivated webhook on again, resuming the pending events
//!   ([`Sandbox::activate_webhook`]);
//! - `GET /_sandbox/package_ledger`: the package redemptions applied.

mod auth;
mod catalog;
mod clock;
pub mod data;
mod faults;
pub mod guest_packages;
mod guests;
pub mod loyalty;
mod ratelimit;
pub mod webhook;
mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use tokio::net::TcpListener;

pub use clock::Clock;
pub use faults::{Fault, FaultAction};
pub use ratelimit::{BadRateLimit, RateLimit};
pub use webhook::{DeliveryStatus, WebhookDelivery, WebhookStatus};

/// The demo organization's API key. Not a secret: it opens only the sandbox.
pub const DEMO_API_KEY: &str = "demo-frontdesk-key";

/// The demo organization's employee login (also not a secret).
#[derive(Debug, Clone)]
pub struct EmployeeAccount {
    pub account_name: String,
    pub user_name: String,
    pub password: String,
    pub app_id: String,
    pub app_secret: String,
}

impl Default for EmployeeAccount {
    fn default() -> Self {
        EmployeeAccount {
            account_name: "serenity".into(),
            user_name: "frontdesk".into(),
            password: "demo-pass".into(),
            app_id: "5d2c8f0e-6a1b-4c3d-9e8f-0a1b2c3d4e5f".into(),
            app_secret: "demo-app-secret".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Added before every API response.
    pub latency: Duration,
    /// Seeds the generated data and every code and token the sandbox makes up (OTPs, tokens):
    /// the same seed, the same codes in the same order.
    pub seed: u64,
    /// `None`: the sandbox's clock is the system's. A time: its clock starts stopped there (the
    /// seeded data is dated from it), and moves only when a test moves it ([`Sandbox::clock`]).
    pub clock_start: Option<DateTime<Utc>>,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    pub api_key: String,
    pub employee: EmployeeAccount,
    /// Packages of each center; one center per entry.
    pub package_counts: Vec<usize>,
    /// The organization's request budget, as Zenoti enforces it; `None` for no limit.
    pub rate_limit: Option<RateLimit>,
    /// Where every event raised is POSTed, as Zenoti delivers webhooks; `None`: only recorded.
    pub webhook: Option<WebhookDelivery>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            latency: Duration::ZERO,
            seed: 1,
            clock_start: None,
            token_ttl: Duration::from_secs(10 * 3600),
            api_key: DEMO_API_KEY.into(),
            employee: EmployeeAccount::default(),
            package_counts: data::DEFAULT_PACKAGE_COUNTS.to_vec(),
            rate_limit: Some(RateLimit::default()),
            webhook: None,
        }
    }
}

/// What the sandbox has seen, for tests.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub password_grants: u32,
    pub refresh_grants: u32,
    pub unauthorized: u32,
    /// Calls refused with 429 by the rate limit.
    pub rate_limited: u32,
    /// Calls the rate limit let through (every call through it when there is no limit).
    pub allowed: u32,
    /// Every access and refresh token issued, so tests can look for them where they must not be.
    pub issued_tokens: Vec<String>,
    pub requests: Vec<RecordedRequest>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Time the sandbox spent answering, in microseconds (0 until it has answered).
    pub server_micros: u64,
}

pub(crate) struct State {
    pub config: Config,
    /// The one clock of every time the sandbox writes or compares.
    pub clock: Clock,
    /// Every code and token the sandbox makes up, seeded from [`Config::seed`].
    pub rng: Mutex<fastrand::Rng>,
    pub org: data::Organization,
    pub tokens: Mutex<auth::Tokens>,
    pub faults: Mutex<Vec<Fault>>,
    pub stats: Mutex<Stats>,
    pub bucket: Mutex<ratelimit::Bucket>,
    pub books: Mutex<loyalty::Books>,
    /// Guests' packages. Locked after `books` when both are needed.
    pub packages: Mutex<guest_packages::Holdings>,
    pub webhook: Option<Arc<webhook::Webhook>>,
}

/// A running sandbox. Dropping it stops the server and the webhook delivery.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    delivery: Option<tokio::task::JoinHandle<()>>,
}

impl Sandbox {
    /// Starts on `addr` (port 0 picks a free port) in the current tokio runtime.
    pub async fn start(config: Config, addr: SocketAddr) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let clock = config.clock_start.map_or_else(Clock::system, Clock::stopped_at);
        let now = clock.now();
        let org = data::generate(config.seed, &config.package_counts);
        let mut books = loyalty::Books::seed(&org, config.seed, now);
        // Package sales and past visits become closed invoices in the books.
        let mut packages = guest_packages::Holdings::seed(&org, &mut books.invoices, now);
        let webhook = config.webhook.clone().map(webhook::Webhook::new);
        packages.webhook = webhook.clone();
        let delivery = webhook.clone().map(|w| tokio::spawn(w.run()));
        let state = Arc::new(State {
            webhook,
            books: Mutex::new(books),
            packages: Mutex::new(packages),
            org,
            bucket: Mutex::new(ratelimit::Bucket::new(config.rate_limit, now)),
            rng: Mutex::new(fastrand::Rng::with_seed(config.seed ^ 0x0c0d_e5ed)),
            clock,
            config,
            tokens: Mutex::default(),
            faults: Mutex::default(),
            stats: Mutex::default(),
        });
        let app = router(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(err) = serve.await {
                tracing::error!(%err, "sandbox server stopped");
            }
        });
        Ok(Sandbox { addr, state, shutdown: Some(tx), delivery })
    }

    /// Starts on a free loopback port.
    pub async fn start_local(config: Config) -> std::io::Result<Sandbox> {
        Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// The sandbox's clock: tests stop it, set it or move it on.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    pub fn inject(&self, fault: Fault) {
        self.state.faults.lock().unwrap().push(fault);
    }

    pub fn clear_faults(&self) {
        self.state.faults.lock().unwrap().clear();
    }

    pub fn stats(&self) -> Stats {
        self.state.stats.lock().unwrap().clone()
    }

    /// Requests seen whose path starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<RecordedRequest> {
        self.stats().requests.into_iter().filter(|r| r.path.starts_with(prefix)).collect()
    }

    /// The seeded organization.
    pub fn organization(&self) -> &data::Organization {
        &self.state.org
    }

    /// Every loyalty redemption applied, in order.
    pub fn ledger(&self) -> Vec<loyalty::LedgerEntry> {
        self.state.books.lock().unwrap().ledger.clone()
    }

    /// Every package redemption applied through the API, in order (the seeded past visits are
    /// not in it).
    pub fn package_ledger(&self) -> Vec<guest_packages::PackageLedgerEntry> {
        self.state.packages.lock().unwrap().ledger.clone()
    }

    /// Reads or changes the loyalty books (invoices, balances, OTPs, settings).
    pub fn with_books<T>(&self, f: impl FnOnce(&mut loyalty::Books) -> T) -> T {
        f(&mut self.state.books.lock().unwrap())
    }

    /// The webhook events raised so far (guest-package events, `Invoice.Closed`), oldest first.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.state.packages.lock().unwrap().events.clone()
    }

    /// Reads or changes guests' packages (holdings, codes sent, events raised).
    pub fn with_packages<T>(&self, f: impl FnOnce(&mut guest_packages::Holdings) -> T) -> T {
        f(&mut self.state.packages.lock().unwrap())
    }

    /// Seeded guest `i`'s id and home center. Guests 0–3 hold one package of every kind.
    pub fn guest(&self, i: usize) -> (String, String) {
        let g = &self.state.org.guests[i];
        (g.id.clone(), g.home_center_id().to_owned())
    }

    /// The id and home center of the guest with this code ("G10000"). The first guest of each
    /// center (G10000 to G10003) holds one package of every kind.
    pub fn guest_coded(&self, code: &str) -> (String, String) {
        let g = self.state.org.guest_coded(code).unwrap_or_else(|| panic!("no seeded guest {code}"));
        (g.id.clone(), g.home_center_id().to_owned())
    }

    /// Adds an open invoice for guest `i` at their home center, today, selling these services
    /// (indexes in [`loyalty::SERVICES`]), and returns it.
    pub fn add_open_invoice(&self, i: usize, services: &[usize]) -> loyalty::Invoice {
        let (guest_id, center_id) = self.guest(i);
        self.open_invoice(guest_id, center_id, services)
    }

    /// Adds an open invoice for the guest with this code at their home center, today, selling
    /// these services by name ("Swedish Massage"), and returns it.
    pub fn add_open_invoice_for(&self, guest_code: &str, services: &[&str]) -> loyalty::Invoice {
        let (guest_id, center_id) = self.guest_coded(guest_code);
        let services: Vec<usize> = services
            .iter()
            .map(|name| loyalty::service_named(name).unwrap_or_else(|| panic!("no seeded service {name}")))
            .collect();
        self.open_invoice(guest_id, center_id, &services)
    }

    fn open_invoice(&self, guest_id: String, center_id: String, services: &[usize]) -> loyalty::Invoice {
        self.state.open_invoice(guest_id, center_id, services)
    }

    /// Raises `n` synthetic `GuestPackage.StatusUpdate` events of seeded packages (those sold at
    /// `center` when it has some), with `data.center` the package's center or `center`; they are
    /// recorded and delivered like every other event. Returns their envelope ids, all distinct.
    pub fn raise_events(&self, n: usize, center: Option<&str>) -> Vec<String> {
        guest_packages::raise_status_updates(&self.state, n, center)
    }

    /// Closes an open invoice and raises `Invoice.Closed` (no API call closes one). Returns the
    /// closed invoice, or why not ("Invalid InvoiceId.", "Invoice is already closed.").
    pub fn close_invoice(&self, invoice_id: &str) -> Result<loyalty::Invoice, &'static str> {
        loyalty::close(&self.state, invoice_id)
    }

    /// What the webhook delivery has done; with no webhook configured, inactive with no `url`.
    pub fn webhook_status(&self) -> WebhookStatus {
        self.state.webhook_status()
    }

    /// Turns a deactivated webhook on again and resumes its pending events; false when no
    /// webhook is configured.
    pub fn activate_webhook(&self) -> bool {
        self.state.webhook.as_ref().map(|w| w.activate()).is_some()
    }

    /// Ids of the seeded centers, the largest catalog first.
    pub fn center_ids(&self) -> Vec<String> {
        self.state.org.centers.iter().map(|c| c.id.clone()).collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(delivery) = self.delivery.take() {
            delivery.abort();
        }
    }
}

impl State {
    pub(crate) fn webhook_status(&self) -> WebhookStatus {
        self.webhook.as_ref().map_or_else(WebhookStatus::unconfigured, |w| w.status())
    }

    /// Adds an open invoice for the guest at `center_id`, today, selling these services
    /// (indexes in [`loyalty::SERVICES`]).
    pub(crate) fn open_invoice(&self, guest_id: String, center_id: String, services: &[usize]) -> loyalty::Invoice {
        let today = self.local_now(&center_id).date();
        let mut books = self.books.lock().unwrap();
        let n = books.invoices.len() as u64;
        let invoice = loyalty::Invoice {
            id: wire::hex_id(n, 0x0add),
            number_prefix: "TST".into(),
            number: (50_000 + n).to_string(),
            center_id,
            guest_id,
            closed: false,
            items: services
                .iter()
                .enumerate()
                .map(|(j, &s)| loyalty::Item::service(wire::hex_id(n * 1000 + j as u64, 0x0ade), s))
                .collect(),
            payments: Vec::new(),
            date: format!("{today}T10:00:00"),
        };
        books.invoices.push(invoice.clone());
        invoice
    }

    /// Now on the center's wall clock (UTC for a center the sandbox does not know).
    pub(crate) fn local_now(&self, center_id: &str) -> NaiveDateTime {
        let now = self.clock.now();
        self.org.center(center_id).map_or(now.naive_utc(), |c| c.local_time(now))
    }

    /// A six-digit code, as an OTP Zenoti texts a guest.
    pub(crate) fn random_code(&self) -> String {
        format!("{:06}", self.rng.lock().unwrap().u32(..1_000_000))
    }

    /// 128 random bits, for tokens (sandbox tokens open only the sandbox: seeded, not secret).
    pub(crate) fn random_u128(&self) -> u128 {
        self.rng.lock().unwrap().u128(..)
    }
}

fn router(state: Arc<State>) -> Router {
    use axum::middleware::from_fn_with_state;
    let api = Router::new()
        .route("/v1/centers", get(catalog::list_centers))
        .route("/v1/centers/{center_id}", get(catalog::get_center))
        .route("/v1/centers/{center_id}/packages", get(catalog::list_packages))
        .route("/v1/centers/{center_id}/categories", get(catalog::list_categories))
        .route("/v1/guests/search", get(guests::search))
        .route("/v1/guests/{guest_id}", get(guests::get_guest))
        .route("/v1/invoices/{invoice_id}", get(loyalty::get_invoice))
        .route("/v1/centers/{center_id}/invoices", get(loyalty::center_invoices))
        .route("/v1/guests/{invoice_id}/payments/loyalty_points/redeemable", get(loyalty::redeemable))
        // UNKNOWN: the docs put the redeemable points under /v1/guests/ with an invoice id; some
        // organizations may answer them under /v1/invoices/. The sandbox answers both; a fault
        // refusing one (`FaultAction::not_found`) stands for an organization where only the
        // other exists.
        .route("/v1/invoices/{invoice_id}/payments/loyalty_points/redeemable", get(loyalty::redeemable))
        .route("/v1/invoices/{invoice_id}/payments/loyalty_points", post(loyalty::redeem))
        .route("/v1/guests/{guest_id}/points/{kind}", get(loyalty::redeemed_points))
        .route("/v1/guests/{guest_id}/packages", get(guest_packages::list))
        .route("/v1/guests/{guest_id}/packages/{user_package_id}/benefits", get(guest_packages::benefits))
        .route("/v1/guests/{guest_id}/packages/{user_package_id}/redemptions", get(guest_packages::history))
        .route("/v1/invoices/{invoice_id}/redemptions/packages", post(guest_packages::redeem))
        // Inner first: the page size is checked once the caller is known.
        .route_layer(axum::middleware::from_fn(limit_page_size))
        .route_layer(from_fn_with_state(state.clone(), auth::require_auth));
    Router::new()
        .route("/v1/tokens", post(auth::tokens))
        .merge(api)
        // Outermost first: record and apply faults, then count against the rate limit.
        .layer(from_fn_with_state(state.clone(), ratelimit::enforce))
        .layer(from_fn_with_state(state.clone(), faults::apply))
        .route("/_sandbox/faults", post(faults::add).delete(faults::clear))
        .route("/_sandbox/stats", get(faults::stats))
        .route("/_sandbox/ledger", get(loyalty::ledger))
        .route("/_sandbox/events", get(guest_packages::events))
        .route("/_sandbox/events/raise", post(guest_packages::raise_events))
        .route("/_sandbox/invoices/{invoice_id}/close", post(loyalty::close_invoice))
        .route("/_sandbox/invoices", post(add_invoice))
        .route("/_sandbox/webhook", get(webhook_status))
        .route("/_sandbox/webhook/activate", post(activate_webhook))
        .route("/_sandbox/package_ledger", get(guest_packages::package_ledger))
        .with_state(state)
}

async fn webhook_status(axum::extract::State(state): axum::extract::State<Arc<State>>) -> axum::Json<WebhookStatus> {
    axum::Json(state.webhook_status())
}

/// `POST /_sandbox/webhook/activate`: the status once on again, or 404 without a webhook.
async fn activate_webhook(axum::extract::State(state): axum::extract::State<Arc<State>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match &state.webhook {
        Some(webhook) => {
            webhook.activate();
            axum::Json(state.webhook_status()).into_response()
        }
        None => {
            (axum::http::StatusCode::NOT_FOUND, axum::Json(serde_json::json!({"error": "no webhook is configured"})))
                .into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct NewInvoice {
    guest_code: String,
    services: Vec<String>,
}

/// `POST /_sandbox/invoices {guest_code, services}`: an open invoice of today at the guest's home
/// center selling these services by name; answers `{id, number, center_id, guest_id}`.
async fn add_invoice(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    axum::Json(request): axum::Json<NewInvoice>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some(guest) = state.org.guest_coded(&request.guest_code) else {
        return (axum::http::StatusCode::NOT_FOUND, axum::Json(serde_json::json!({"error": "no such guest code"})))
            .into_response();
    };
    let mut services = Vec::new();
    for name in &request.services {
        match loyalty::service_named(name) {
            Some(i) => services.push(i),
            None => {
                return (
                    axum::http::StatusCode::NOT_FOUND,
                    axum::Json(serde_json::json!({"error": format!("no service {name}")})),
                )
                    .into_response()
            }
        }
    }
    let (guest_id, center_id) = (guest.id.clone(), guest.home_center_id().to_owned());
    let invoice = state.open_invoice(guest_id, center_id, &services);
    axum::Json(serde_json::json!({
        "id": invoice.id,
        "number": format!("{}{}", invoice.number_prefix, invoice.number),
        "center_id": invoice.center_id,
        "guest_id": invoice.guest_id,
    }))
    .into_response()
}

/// A Zenoti business error. UNKNOWN in the docs: whether the HTTP status of a "code 502" error
/// is also 502. The sandbox answers with HTTP 502 and the body code; the client reads the body
/// whatever the status.
pub(crate) fn business_error(status: u16, code: i64, message: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
    (status, axum::Json(serde_json::json!({"error": {"code": code, "message": message}}))).into_response()
}

/// The most items a list answers with.
pub const MAX_PAGE_SIZE: i64 = 100;

/// Zenoti's answer to a list asked for more than [`MAX_PAGE_SIZE`] items: HTTP 422 with a bare
/// `{code, message}` (not under `error`), as its pagination guide shows.
pub(crate) fn too_many_items() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(serde_json::json!({"code": 422, "message": "You cannot request more than 100 items."})),
    )
        .into_response()
}

/// Every list: `size` (or `page_size`, the guest packages' name) above 100 is refused.
async fn limit_page_size(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let query = request.uri().query().unwrap_or("");
    let too_many = query.split('&').filter_map(|pair| pair.split_once('=')).any(|(name, value)| {
        (name.eq_ignore_ascii_case("size") || name.eq_ignore_ascii_case("page_size"))
            && value.trim().parse::<i64>().is_ok_and(|n| n > MAX_PAGE_SIZE)
    });
    if too_many {
        return too_many_items();
    }
    next.run(request).await
}
