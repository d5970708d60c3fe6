//! `make bench`: what the hub adds to one Zenoti call. A GET through the hub (`/zenoti/…`: the
//! desk's token checked, a token taken from the organization's budget in the database, the call
//! forwarded, the authorization remembered as accepted) next to the same GET sent straight to
//! the sandbox, on loopback, interleaved call by call in the same run. The sandbox has no rate
//! limit and no added latency, and the hub a budget it never runs out of: this is the hub's own
//! cost, not a wait for a token. Then a catalog page the hub answers from its cache, next to the
//! sandbox building it.
//!
//! Figures, never verdicts.

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use std::time::{Duration, Instant};

use support::{spread, us};
use zenoti_sandbox::{Config, Sandbox};

const WARM_UP: usize = 200;
const PAIRS: usize = 2000;
const CATALOG_PAIRS: usize = 500;
const AUTH: &str = "apikey demo-frontdesk-key";

struct Routes {
    http: reqwest::Client,
    sandbox: String,
    hub: String,
    token: String,
}

impl Routes {
    async fn direct(&self, path: &str) -> Duration {
        let started = Instant::now();
        let response =
            self.http.get(format!("{}/{path}", self.sandbox)).header("authorization", AUTH).send().await.unwrap();
        assert_eq!(response.status(), 200, "direct {path}");
        response.bytes().await.unwrap();
        started.elapsed()
    }

    async fn through_hub(&self, path: &str, expect_cache: Option<&str>) -> Duration {
        let started = Instant::now();
        let response = self
            .http
            .get(format!("{}/zenoti/{path}", self.hub))
            .header("authorization", format!("Desk {}", self.token))
            .header("x-zenoti-authorization", AUTH)
            .header("x-frontdesk-priority", "interactive")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "through the hub {path}");
        let cache = response.headers().get("x-frontdesk-cache").and_then(|v| v.to_str().ok()).map(str::to_owned);
        response.bytes().await.unwrap();
        let elapsed = started.elapsed();
        if let Some(expected) = expect_cache {
            assert_eq!(cache.as_deref(), Some(expected), "{path}");
        }
        elapsed
    }

    /// `pairs` of (direct, hub) calls, alternating which goes first.
    async fn ab(&self, path: &str, pairs: usize, expect_cache: Option<&str>) -> (Vec<Duration>, Vec<Duration>) {
        let (mut direct, mut hub) = (Vec::with_capacity(pairs), Vec::with_capacity(pairs));
        for i in 0..pairs {
            if i % 2 == 0 {
                direct.push(self.direct(path).await);
                hub.push(self.through_hub(path, expect_cache).await);
            } else {
                hub.push(self.through_hub(path, expect_cache).await);
                direct.push(self.direct(path).await);
            }
        }
        (direct, hub)
    }
}

fn report(what: &str, mut direct: Vec<Duration>, mut hub: Vec<Duration>) {
    let mean = |v: &[Duration]| v.iter().sum::<Duration>() / v.len() as u32;
    let (dm, hm) = (mean(&direct), mean(&hub));
    let (d50, d95, _) = spread(&mut direct);
    let (h50, h95, _) = spread(&mut hub);
    println!("  {what}, {} calls each:", direct.len());
    println!("    {:<26}p50 {:>8}   p95 {:>8}   mean {:>8}", "direct to the sandbox", us(d50), us(d95), us(dm));
    println!("    {:<26}p50 {:>8}   p95 {:>8}   mean {:>8}", "through the hub", us(h50), us(h95), us(hm));
    let difference = |hub: Duration, direct: Duration| {
        if hub >= direct {
            format!("adds {}", us(hub - direct))
        } else {
            format!("saves {}", us(direct - hub))
        }
    };
    println!(
        "    {:<26}p50 {:>7.2}x   p95 {:>7.2}x   mean {:>7.2}x   (the hub {} at p50, {} at p95)",
        "ratio hub / direct",
        h50.as_secs_f64() / d50.as_secs_f64(),
        h95.as_secs_f64() / d95.as_secs_f64(),
        hm.as_secs_f64() / dm.as_secs_f64(),
        difference(h50, d50),
        difference(h95, d95),
    );
}

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::start_local(Config { rate_limit: None, ..Config::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("hub.db").display());
    let hub = support::hub_process(&database, &sandbox.base_url(), &["--budget", "100000/1s"], dir.path());
    let code = common::add_desk(&database, "Bench desk", None);
    let token = common::enroll(&hub.url(), &code).await;
    let routes = Routes { http: reqwest::Client::new(), sandbox: sandbox.base_url(), hub: hub.url(), token };

    let (guest, _) = sandbox.guest(0);
    let guest_path = format!("v1/guests/{guest}");
    let center = sandbox.center_ids()[0].clone();
    let catalog_path = format!("v1/centers/{center}/packages?page=1&size=100");

    println!("hub overhead: frontdesk-hub serve (release build, default log level) on SQLite, --budget 100000/1s;");
    println!("  the sandbox on loopback with no rate limit and no added latency; one HTTP client with keep-alive");
    println!("  for both routes; calls interleaved (direct, hub, hub, direct, ...) after {WARM_UP} warm-up calls each");
    routes.ab(&guest_path, WARM_UP, None).await;
    let (direct, through) = routes.ab(&guest_path, PAIRS, None).await;
    report("GET /v1/guests/{id}, forwarded (never cached)", direct, through);

    // The first call fills the cache; every later one is a hit.
    routes.through_hub(&catalog_path, None).await;
    routes.ab(&catalog_path, WARM_UP / 4, Some("hit")).await;
    let (direct, through) = routes.ab(&catalog_path, CATALOG_PAIRS, Some("hit")).await;
    report("GET a catalog page (100 packages), the hub answering from its cache", direct, through);
}
