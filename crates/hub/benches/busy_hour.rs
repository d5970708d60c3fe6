//! `make bench`: a chain's busy hour, 60 desks on 30 centers sharing Zenoti's organization limit
//! (60 calls a minute), run twice in one run and printed side by side: without the hub (each desk
//! talks to Zenoti with its own limiter set to the documented limit, as desks do today) and with
//! it (one hub on SQLite; desks enrolled; every call through `/zenoti/` with its priority).
//!
//! Time is compressed by K (`BUSY_HOUR_COMPRESSION`, default 30): the sandbox allows 60 calls
//! per 60/K s, the hub's budget is the same, the hour lasts 3600/K s, and every other duration
//! of the scenario is divided by K too: Zenoti's latency, the hub's cache lifetime (15 min) and
//! its token deadlines (payment 20 s, interactive 10 s, background 30 s), the client's longest
//! pause (30 s). That is why the hub runs in this process (`RunningHub`) rather than as
//! `frontdesk-hub serve`, whose options give the cache lifetime in whole minutes and the
//! deadlines not at all. Retry-After comes in whole seconds: after an empty bucket both the
//! sandbox and the hub can only round the wait for one token (1/K s here, 1 s at Zenoti's real
//! pace) up to "1", so a desk waits Retry-After / K. RateLimit-Reset is already on the compressed
//! clock (the sandbox's bucket refills K times faster) and is followed as sent.
//!
//! Figures, never verdicts: nothing here fails on a number.

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use frontdesk_hub::budget::{Deadlines, Priority};
use frontdesk_hub::{desks, HubConfig, RunningHub};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use support::{ms, spread, Rng};
use tokio::time::Instant;
use zenoti_sandbox::{Config, RateLimit, Sandbox};

const DESKS: usize = 60;
const CENTERS: usize = 30;
/// What each desk does in the hour. The first catalog open is the app starting (in the first 3
/// minutes: the busy morning); the rest are spread over the hour at random.
const CATALOG_OPENS: usize = 4;
const GUEST_SEARCHES: usize = 15;
const INVOICE_READS: usize = 12;
const REDEMPTIONS: usize = 4;
/// Background catalog refreshes per desk, about every 30 minutes.
const REFRESHES: usize = 2;
const PAGE_SIZE: usize = 100;
/// Zenoti's documented organization limit: 60 calls per 60 s, 60 at once.
const ORG_CALLS: u32 = 60;
/// Zenoti's answer time at its real pace (divided by K like everything else).
const ZENOTI_LATENCY: Duration = Duration::from_millis(250);
const HOUR: Duration = Duration::from_secs(3600);
/// Work still running at the end of the hour may finish within this much more of it.
const GRACE: f64 = 0.5;
/// Each desk's Zenoti authorization.
const AUTH: &str = "apikey demo-frontdesk-key";
const POINTS: i64 = 10;
/// The demo organization's OTP override at the center that asks for one (harmless elsewhere).
const OTP: &str = "246810";

/// Packages of center `c`: 180 to 509, so a catalog open is 2 to 6 pages of 100 plus categories.
fn package_count(c: usize) -> usize {
    180 + (c * 53) % 330
}

fn compression() -> u32 {
    std::env::var("BUSY_HOUR_COMPRESSION")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|k| (1..=600).contains(k))
        .unwrap_or(30)
}

#[derive(Clone, Copy)]
enum Action {
    CatalogOpen,
    /// A guest of the desk's center, by position.
    GuestSearch(usize),
    /// One of the center's open invoices, by position.
    InvoiceRead(usize),
    /// The desk's n-th redemption.
    Redemption(usize),
}

/// One desk's hour: foreground actions (a receptionist does one at a time) and background
/// refreshes, as fractions of the hour.
struct Plan {
    foreground: Vec<(f64, Action)>,
    refreshes: Vec<f64>,
}

fn plans() -> Vec<Plan> {
    let mut rng = Rng::new(0x0b05_7407);
    (0..DESKS)
        .map(|_| {
            let mut foreground = vec![(rng.unit() * 3.0 / 60.0, Action::CatalogOpen)];
            foreground.extend((1..CATALOG_OPENS).map(|_| (rng.unit(), Action::CatalogOpen)));
            foreground.extend((0..GUEST_SEARCHES).map(|_| (rng.unit(), Action::GuestSearch(rng.below(1000)))));
            foreground.extend((0..INVOICE_READS).map(|_| (rng.unit(), Action::InvoiceRead(rng.below(1000)))));
            foreground.extend((0..REDEMPTIONS).map(|n| (rng.unit(), Action::Redemption(n))));
            foreground.sort_by(|a, b| a.0.total_cmp(&b.0));
            let refreshes =
                (0..REFRESHES).map(|r| (20.0 + 30.0 * r as f64 + (rng.unit() - 0.5) * 10.0) / 60.0).collect();
            Plan { foreground, refreshes }
        })
        .collect()
}

/// The sandbox's people and invoices each desk works with.
struct World {
    centers: Vec<String>,
    /// Per center: (first name, guest code) of its guests.
    guests: Vec<Vec<(String, String)>>,
    /// Per center: open invoices the desks read.
    invoices: Vec<Vec<String>>,
    /// Per desk: a fresh open invoice for each redemption, of a guest who may redeem.
    redemptions: Vec<Vec<String>>,
    program_id: String,
}

impl World {
    fn new(sandbox: &Sandbox) -> World {
        let centers = sandbox.center_ids();
        let non_redeemable = sandbox.with_books(|b| b.non_redeemable.clone());
        let program_id = sandbox.with_books(|b| b.programs[0].id.clone());
        let org = sandbox.organization();
        let guests_of = |center: &str, redeemers: bool| -> Vec<(String, String)> {
            org.guests
                .iter()
                .filter(|g| g.home_center_id() == center)
                .filter(|g| !redeemers || !non_redeemable.contains(&g.id))
                .map(|g| {
                    let first = g.json["personal_info"]["first_name"].as_str().unwrap_or("A").to_owned();
                    (first, g.code().to_owned())
                })
                .collect()
        };
        let guests: Vec<Vec<(String, String)>> = centers.iter().map(|c| guests_of(c, false)).collect();
        let invoices = centers
            .iter()
            .map(|c| {
                let here = guests_of(c, false);
                (0..3)
                    .map(|j| sandbox.add_open_invoice_for(&here[j % here.len()].1, &["Signature Facial"]).id)
                    .collect()
            })
            .collect();
        let redemptions = (0..DESKS)
            .map(|d| {
                let redeemers = guests_of(&centers[d / 2], true);
                (0..REDEMPTIONS)
                    .map(|n| {
                        let code = &redeemers[(d * REDEMPTIONS + n) % redeemers.len()].1;
                        sandbox.add_open_invoice_for(code, &["Swedish Massage"]).id
                    })
                    .collect()
            })
            .collect();
        World { centers, guests, invoices, redemptions, program_id }
    }
}

/// The desk client's limiter, as `zenoti::Client` has it (one token bucket per desk, following
/// `RateLimit-Remaining`/`RateLimit-Reset`, every call held back after a 429), on the
/// compressed clock. With the hub the desk has no budget of its own and follows no forwarded
/// header (the hub keeps the organization's budget), but a 429 still holds its calls back.
struct Limiter {
    /// Tokens a second; `None`: no budget of the desk's own.
    rate: Option<f64>,
    burst: f64,
    max_pause: Duration,
    state: Mutex<Bucket>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
    paused_until: Option<Instant>,
}

impl Limiter {
    fn new(rate: Option<f64>, burst: f64, max_pause: Duration) -> Limiter {
        Limiter {
            rate,
            burst,
            max_pause,
            state: Mutex::new(Bucket { tokens: burst, at: Instant::now(), paused_until: None }),
        }
    }

    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        if let Some(rate) = self.rate {
            let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * rate).min(self.burst);
        }
        bucket.at = now;
    }

    async fn acquire(&self) {
        loop {
            let wait = {
                let mut bucket = self.state.lock().unwrap();
                let now = Instant::now();
                self.refill(&mut bucket, now);
                match (bucket.paused_until, self.rate) {
                    (Some(until), _) if until > now => until - now,
                    (_, None) => return,
                    (_, Some(_)) if bucket.tokens >= 1.0 => {
                        bucket.tokens -= 1.0;
                        return;
                    }
                    (_, Some(rate)) => Duration::from_secs_f64((1.0 - bucket.tokens) / rate),
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    fn observe(&self, headers: &HeaderMap) {
        let number = |name: &str| -> Option<f64> {
            let text = headers.get(name)?.to_str().ok()?;
            text.split(';').next()?.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0)
        };
        let Some(remaining) = number("ratelimit-remaining") else { return };
        let mut bucket = self.state.lock().unwrap();
        let now = Instant::now();
        self.refill(&mut bucket, now);
        bucket.tokens = bucket.tokens.min(remaining);
        if remaining < 1.0 {
            if let Some(reset) = number("ratelimit-reset") {
                let until = now + Duration::from_secs_f64(reset.min(86_400.0)).min(self.max_pause);
                bucket.paused_until = Some(bucket.paused_until.map_or(until, |p| p.max(until)));
            }
        }
    }

    fn pause(&self, wait: Duration) {
        let mut bucket = self.state.lock().unwrap();
        let until = Instant::now() + wait.min(self.max_pause);
        bucket.paused_until = Some(bucket.paused_until.map_or(until, |p| p.max(until)));
        bucket.tokens = 0.0;
    }
}

/// What the desks saw, per priority (payment, interactive, background) and per action.
#[derive(Default)]
struct Record {
    calls: [u64; 3],
    answered: [u64; 3],
    hub_429: [u64; 3],
    zenoti_429: [u64; 3],
    gave_up: [u64; 3],
    errors: [u64; 3],
    payment_waits: Vec<Duration>,
    /// Per payment call (the reads before the POST, and the POST): time waiting for a token
    /// (the desk's own limiter, pauses after 429s, and with the hub its budget's wait).
    payment_token_waits: Vec<Duration>,
    redemptions_applied: u64,
    redemptions_refused: u64,
    redemptions_failed: u64,
    lease_conflicts: u64,
    catalog_opens: Vec<Duration>,
    catalog_failed: u64,
    searches: Vec<Duration>,
    searches_failed: u64,
    refreshes_done: u64,
    refreshes_failed: u64,
    foreground_done: u64,
}

struct Desk {
    http: reqwest::Client,
    /// The sandbox's address, or the hub's `/zenoti`.
    base: String,
    /// The hub's address and this desk's token.
    hub: Option<(String, String)>,
    center: String,
    limiter: Limiter,
    k: f64,
    record: Arc<Mutex<Record>>,
}

impl Desk {
    fn note(&self, f: impl FnOnce(&mut Record)) {
        f(&mut self.record.lock().unwrap());
    }

    /// One Zenoti call as the desk's client makes it: a GET is sent again after a 429 up to 3
    /// times (as `zenoti::Client` does); a payment POST refused with 429 (nothing was applied)
    /// is sent again by the receptionist, up to 10 times. `None`: no answer but 429s.
    async fn call(&self, method: Method, path: &str, body: Option<&Value>, priority: Priority) -> Option<(u16, Value)> {
        let p = priority as usize;
        self.note(|r| r.calls[p] += 1);
        let attempts = if method == Method::GET { 4 } else { 10 };
        let mut token_wait = Duration::ZERO;
        for attempt in 1..=attempts {
            let asked = Instant::now();
            self.limiter.acquire().await;
            token_wait += asked.elapsed();
            let mut request = self.http.request(method.clone(), format!("{}/{path}", self.base));
            request = match &self.hub {
                Some((_, token)) => request
                    .header("authorization", format!("Desk {token}"))
                    .header("x-zenoti-authorization", AUTH)
                    .header("x-frontdesk-priority", priority.as_str()),
                None => request.header("authorization", AUTH),
            };
            if let Some(body) = body {
                request = request.json(body);
            }
            let Ok(response) = request.send().await else {
                self.note(|r| r.errors[p] += 1);
                return None;
            };
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            if self.hub.is_none() {
                self.limiter.observe(&headers);
            }
            let hub_wait = headers
                .get("x-frontdesk-token-wait-ms")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            token_wait += Duration::from_millis(hub_wait);
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if status != 429 {
                self.note(|r| {
                    r.answered[p] += 1;
                    if priority == Priority::Payment {
                        r.payment_token_waits.push(token_wait);
                    }
                });
                return Some((status, body));
            }
            let by_hub = body["error"]["hub_code"] == "no_token";
            self.note(|r| if by_hub { r.hub_429[p] += 1 } else { r.zenoti_429[p] += 1 });
            let retry_after = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .unwrap_or(1.0);
            let wait = Duration::from_secs_f64(retry_after.min(600.0) / self.k);
            self.limiter.pause(wait);
            if method == Method::GET && wait > self.limiter.max_pause {
                break;
            }
            if attempt < attempts {
                tokio::time::sleep(wait).await;
                token_wait += wait;
            }
        }
        self.note(|r| r.gave_up[p] += 1);
        None
    }

    async fn get(&self, path: &str, priority: Priority) -> bool {
        matches!(self.call(Method::GET, path, None, priority).await, Some((200, _)))
    }

    /// The whole catalog, as the app loads it: categories and page 1 at once, then every other
    /// page at once.
    async fn catalog(&self, priority: Priority) -> bool {
        let center = &self.center;
        let categories = format!("v1/centers/{center}/categories");
        let first = format!("v1/centers/{center}/packages?page=1&size={PAGE_SIZE}");
        let (categories, first) =
            tokio::join!(self.get(&categories, priority), self.call(Method::GET, &first, None, priority));
        let Some((200, page)) = first else { return false };
        let pages = (page["page_info"]["total"].as_u64().unwrap_or(0) as usize).div_ceil(PAGE_SIZE);
        let rest = futures_util::future::join_all((2..=pages).map(|n| async move {
            self.get(&format!("v1/centers/{center}/packages?page={n}&size={PAGE_SIZE}"), priority).await
        }))
        .await;
        categories && rest.into_iter().all(|ok| ok)
    }

    /// A points redemption: the hub's lease on the invoice (with a hub), the fresh reads at once,
    /// the POST, the lease released. The wait is from the start to the POST's answer.
    async fn redeem(&self, invoice: &str, program_id: &str) {
        let started = Instant::now();
        let mut lease = None;
        if let Some((hub, token)) = &self.hub {
            let taken = self
                .http
                .post(format!("{hub}/hub/v1/leases"))
                .header("authorization", format!("Desk {token}"))
                .json(&json!({"invoice_id": invoice, "employee": "Maria"}))
                .send()
                .await;
            match taken {
                Ok(response) if response.status() == 201 => {
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    lease = body["lease"].as_str().map(str::to_owned);
                }
                _ => {
                    self.note(|r| r.lease_conflicts += 1);
                    return;
                }
            }
        }
        let read = format!("v1/invoices/{invoice}");
        let points = format!("v1/guests/{invoice}/payments/loyalty_points/redeemable");
        let (read, points) = tokio::join!(self.get(&read, Priority::Payment), self.get(&points, Priority::Payment));
        let answer = if read && points {
            let body = json!({"points": POINTS, "center_id": self.center, "program_id": program_id,
                "cash_register_id": "register-bench", "otp": OTP});
            let path = format!("v1/invoices/{invoice}/payments/loyalty_points");
            self.call(Method::POST, &path, Some(&body), Priority::Payment).await
        } else {
            None
        };
        let waited = started.elapsed();
        self.note(|r| match &answer {
            Some((status, _)) => {
                r.payment_waits.push(waited);
                if *status == 200 {
                    r.redemptions_applied += 1;
                } else {
                    r.redemptions_refused += 1;
                }
            }
            None => r.redemptions_failed += 1,
        });
        if let (Some((hub, token)), Some(lease)) = (&self.hub, lease) {
            let _ = self
                .http
                .delete(format!("{hub}/hub/v1/leases/{lease}"))
                .header("authorization", format!("Desk {token}"))
                .send()
                .await;
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Direct,
    Hub,
}

/// One hour's figures.
struct Outcome {
    record: Record,
    allowed: u32,
    rate_limited: u32,
    /// Catalog requests that reached the sandbox (429s included), per center.
    catalog_per_center: Vec<usize>,
    ledger: usize,
    hub_metrics: Option<(u64, u64, u64, u64)>,
    elapsed: Duration,
}

async fn run(mode: Mode, k: u32, plans: &[Plan]) -> Outcome {
    let kf = k as f64;
    let window = Duration::from_millis(60_000 / k as u64);
    let sandbox = Sandbox::start_local(Config {
        latency: ZENOTI_LATENCY / k,
        package_counts: (0..CENTERS).map(package_count).collect(),
        rate_limit: Some(RateLimit { calls: ORG_CALLS, window, burst: ORG_CALLS }),
        ..Config::default()
    })
    .await
    .unwrap();
    let world = Arc::new(World::new(&sandbox));
    let dir = tempfile::tempdir().unwrap();
    let mut hub = None;
    if mode == Mode::Hub {
        let mut config = HubConfig::new(
            format!("sqlite://{}", dir.path().join("hub.db").display()),
            sandbox.base_url().parse().unwrap(),
        );
        config.cache_ttl = Duration::from_secs(15 * 60) / k;
        config.deadlines = Deadlines {
            payment: Duration::from_secs(20) / k,
            interactive: Duration::from_secs(10) / k,
            background: Duration::from_secs(30) / k,
        };
        let running = RunningHub::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        running.hub.budget.configure(ORG_CALLS as i64, window.as_millis() as i64).await.unwrap();
        hub = Some(running);
    }
    let record = Arc::new(Mutex::new(Record::default()));
    let mut desks = Vec::new();
    for d in 0..DESKS {
        let center = world.centers[d / 2].clone();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        let max_pause = Duration::from_secs(30) / k;
        let (base, hub_token, limiter) = match &hub {
            None => (
                sandbox.base_url(),
                None,
                Limiter::new(Some(ORG_CALLS as f64 / window.as_secs_f64()), ORG_CALLS as f64, max_pause),
            ),
            Some(running) => {
                let name = format!("Center {} · desk {}", d / 2 + 1, d % 2 + 1);
                let code = desks::add(&running.hub.db, &name, Some(&center)).await.unwrap().secret;
                let token = common::enroll(&running.base_url(), &code).await;
                (
                    format!("{}/zenoti", running.base_url()),
                    Some((running.base_url(), token)),
                    Limiter::new(None, 0.0, max_pause),
                )
            }
        };
        desks.push(Arc::new(Desk { http, base, hub: hub_token, center, limiter, k: kf, record: record.clone() }));
    }

    let hour = HOUR / k;
    let t0 = Instant::now() + Duration::from_millis(200);
    let mut tasks = Vec::new();
    for (d, (desk, plan)) in desks.iter().zip(plans).enumerate() {
        let (desk, world, foreground) = (desk.clone(), world.clone(), plan.foreground.clone());
        tasks.push(tokio::spawn(async move {
            let c = d / 2;
            for (at, action) in foreground {
                tokio::time::sleep_until(t0 + hour.mul_f64(at)).await;
                let started = Instant::now();
                match action {
                    Action::CatalogOpen => {
                        let ok = desk.catalog(Priority::Interactive).await;
                        desk.note(|r| if ok { r.catalog_opens.push(started.elapsed()) } else { r.catalog_failed += 1 });
                    }
                    Action::GuestSearch(g) => {
                        let (first, _) = &world.guests[c][g % world.guests[c].len()];
                        let prefix: String = first.chars().take(3).collect();
                        let path =
                            format!("v1/guests/search?center_id={}&first_name={prefix}&page=1&size=10", desk.center);
                        let ok = desk.get(&path, Priority::Interactive).await;
                        desk.note(|r| if ok { r.searches.push(started.elapsed()) } else { r.searches_failed += 1 });
                    }
                    Action::InvoiceRead(i) => {
                        let invoice = &world.invoices[c][i % world.invoices[c].len()];
                        desk.get(&format!("v1/invoices/{invoice}"), Priority::Interactive).await;
                    }
                    Action::Redemption(n) => desk.redeem(&world.redemptions[d][n], &world.program_id).await,
                }
                desk.note(|r| r.foreground_done += 1);
            }
        }));
        let (background, refreshes) = (desks[d].clone(), plan.refreshes.clone());
        tasks.push(tokio::spawn(async move {
            for at in refreshes {
                tokio::time::sleep_until(t0 + hour.mul_f64(at)).await;
                let ok = background.catalog(Priority::Background).await;
                background.note(|r| if ok { r.refreshes_done += 1 } else { r.refreshes_failed += 1 });
            }
        }));
    }
    let end = t0 + hour.mul_f64(1.0 + GRACE);
    for task in &mut tasks {
        if tokio::time::timeout_at(end, &mut *task).await.is_err() {
            task.abort();
        }
    }
    let elapsed = t0.elapsed();
    let stats = sandbox.stats();
    let mut per_center: HashMap<&str, usize> = world.centers.iter().map(|c| (c.as_str(), 0)).collect();
    for request in &stats.requests {
        let parts: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        if let ["v1", "centers", center, "packages" | "categories", ..] = parts.as_slice() {
            if let Some(n) = per_center.get_mut(center) {
                *n += 1;
            }
        }
    }
    let hub_metrics = hub.as_ref().map(|running| {
        let m = &running.hub.metrics;
        let get = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
        (get(&m.forwarded), get(&m.cache_hits), get(&m.cache_misses), get(&m.hub_429))
    });
    drop(desks);
    let record = std::mem::take(&mut *record.lock().unwrap());
    Outcome {
        record,
        allowed: stats.allowed,
        rate_limited: stats.rate_limited,
        catalog_per_center: per_center.into_values().collect(),
        ledger: sandbox.ledger().len(),
        hub_metrics,
        elapsed,
    }
}

fn row(label: &str, a: impl std::fmt::Display, b: impl std::fmt::Display) {
    println!("  {label:<46}{a:>24}{b:>24}");
}

#[tokio::main]
async fn main() {
    let k = compression();
    let plans = plans();
    let hour = HOUR / k;
    let window_ms = 60_000 / k;
    let catalog_calls: usize = (0..DESKS).map(|d| package_count(d / 2).div_ceil(PAGE_SIZE) + 1).sum();
    let demand =
        catalog_calls * (CATALOG_OPENS + REFRESHES) + DESKS * (GUEST_SEARCHES + INVOICE_READS + REDEMPTIONS * 3);
    println!("busy hour of a chain: {DESKS} desks on {CENTERS} centers (2 a center), one Zenoti organization");
    println!(
        "  time compressed {k}x (BUSY_HOUR_COMPRESSION): the hour lasts {:.0} s; Zenoti's limit {ORG_CALLS} calls per 60 s is the sandbox's {ORG_CALLS} per {window_ms} ms (burst {ORG_CALLS}), the hub's --budget {ORG_CALLS}/{window_ms}ms",
        hour.as_secs_f64()
    );
    println!(
        "  Zenoti answers in {} ({} at the real pace); catalogs of {}..{} packages (pages of {PAGE_SIZE}, plus categories)",
        ms(ZENOTI_LATENCY / k),
        ms(ZENOTI_LATENCY),
        (0..CENTERS).map(package_count).min().unwrap(),
        (0..CENTERS).map(package_count).max().unwrap()
    );
    println!(
        "  each desk in the hour: {CATALOG_OPENS} catalog opens (the first as the app starts, in the first 3 min), {GUEST_SEARCHES} guest searches, {INVOICE_READS} invoice reads, {REDEMPTIONS} points redemptions (lease, 2 reads, POST), {REFRESHES} background catalog refreshes"
    );
    println!(
        "  calls the desks make if nothing is shared: {demand} in the hour (the organization's budget: {})",
        ORG_CALLS as usize * 60
    );
    println!(
        "  without the hub: each desk's own limiter of {ORG_CALLS} per {window_ms} ms (burst {ORG_CALLS}) following RateLimit-Remaining/-Reset, every call held back after a 429"
    );
    println!(
        "  with the hub: RunningHub in this process on SQLite, cache {:.0} s, token deadlines payment {} / interactive {} / background {} (15 min, 20/10/30 s / {k}); the desk has no budget of its own",
        (Duration::from_secs(15 * 60) / k).as_secs_f64(),
        ms(Duration::from_secs(20) / k),
        ms(Duration::from_secs(10) / k),
        ms(Duration::from_secs(30) / k)
    );
    println!(
        "  both: a GET is retried 3 times after a 429, a payment POST up to 9 times; Retry-After honoured / {k}, longest pause {}",
        ms(Duration::from_secs(30) / k)
    );
    println!("  durations below: real time, then (in brackets) the same at Zenoti's real pace (x{k})");
    println!();
    let direct = run(Mode::Direct, k, &plans).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let hubbed = run(Mode::Hub, k, &plans).await;

    let both = [&direct, &hubbed];
    let at_pace = |d: Duration| format!("{} ({:.1} s)", ms(d), d.as_secs_f64() * k as f64);
    println!("  {:<46}{:>24}{:>24}", "", "without the hub", "with the hub");
    let each = |f: &dyn Fn(&Outcome) -> String| [f(both[0]), f(both[1])];
    let show = |label: &str, f: &dyn Fn(&Outcome) -> String| {
        let [a, b] = each(f);
        row(label, a, b);
    };
    show("Zenoti 429s (sandbox Stats::rate_limited)", &|o| o.rate_limited.to_string());
    show("Zenoti calls answered (Stats::allowed)", &|o| o.allowed.to_string());
    let waits = |o: &Outcome, p: f64| {
        let mut w = o.record.payment_waits.clone();
        w.sort();
        support::percentile(&w, p)
    };
    show("payment wait p50 (start to POST answered)", &|o| at_pace(waits(o, 0.5)));
    show("payment wait p95", &|o| at_pace(waits(o, 0.95)));
    show("payment wait max", &|o| at_pace(waits(o, 1.0)));
    let token_waits = |o: &Outcome, p: f64| {
        let mut w = o.record.payment_token_waits.clone();
        w.sort();
        support::percentile(&w, p)
    };
    show("a payment call's wait for a token p50", &|o| at_pace(token_waits(o, 0.5)));
    show("a payment call's wait for a token p95", &|o| at_pace(token_waits(o, 0.95)));
    show("redemptions applied / planned", &|o| format!("{} / {}", o.record.redemptions_applied, DESKS * REDEMPTIONS));
    show("  refused by Zenoti (not 429) / gave up", &|o| {
        format!("{} / {}", o.record.redemptions_refused, o.record.redemptions_failed + o.record.lease_conflicts)
    });
    show("  in the sandbox's ledger", &|o| o.ledger.to_string());
    show("payment calls refused 429: Zenoti / hub", &|o| {
        format!("{} / {}", o.record.zenoti_429[0], o.record.hub_429[0])
    });
    show("catalog calls reaching Zenoti (429s included)", &|o| o.catalog_per_center.iter().sum::<usize>().to_string());
    show("  per center: min / median / max", &|o| {
        let mut v = o.catalog_per_center.clone();
        v.sort();
        format!("{} / {} / {}", v[0], v[v.len() / 2], v[v.len() - 1])
    });
    show("catalog open p50 / p95", &|o| {
        let (p50, p95, _) = spread(&mut o.record.catalog_opens.clone());
        format!("{} / {}", ms(p50), ms(p95))
    });
    show("catalog opens complete / planned", &|o| {
        format!("{} / {}", o.record.catalog_opens.len(), DESKS * CATALOG_OPENS)
    });
    show("guest search p50 / p95", &|o| {
        let (p50, p95, _) = spread(&mut o.record.searches.clone());
        format!("{} / {}", ms(p50), ms(p95))
    });
    show("background refreshes done / planned", &|o| format!("{} / {}", o.record.refreshes_done, DESKS * REFRESHES));
    show("interactive calls", &|o| o.record.calls[1].to_string());
    show("  answered", &|o| o.record.answered[1].to_string());
    show("  429 answers: by the hub / by Zenoti", &|o| format!("{} / {}", o.record.hub_429[1], o.record.zenoti_429[1]));
    show("  given up after retries", &|o| o.record.gave_up[1].to_string());
    show("background calls answered / 429s by the hub", &|o| {
        format!("{} / {}", o.record.answered[2], o.record.hub_429[2])
    });
    show("desk actions done / planned", &|o| {
        format!(
            "{} / {}",
            o.record.foreground_done,
            DESKS * (CATALOG_OPENS + GUEST_SEARCHES + INVOICE_READS + REDEMPTIONS)
        )
    });
    show("transport errors", &|o| o.record.errors.iter().sum::<u64>().to_string());
    show("wall time of the hour (+ work finishing)", &|o| format!("{:.1} s", o.elapsed.as_secs_f64()));
    if let Some((forwarded, hits, misses, hub_429)) = hubbed.hub_metrics {
        println!(
            "  the hub's /metrics: {forwarded} calls forwarded, catalog cache {hits} hits / {misses} misses, {hub_429} answered 429 by the hub"
        );
    }
}
