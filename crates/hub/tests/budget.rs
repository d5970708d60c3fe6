//! The organization's one budget through the hub: payments first, background last, Zenoti never
//! answering 429, and a 429 from Zenoti (another integration spent the budget) holding everyone
//! back until its Retry-After.

mod common;

use std::time::{Duration, Instant};

use common::zenoti_get as call;
use common::*;
use serde_json::Value;
use zenoti_sandbox::{Config, Fault, FaultAction, RateLimit, Sandbox};

#[tokio::test(flavor = "multi_thread")]
async fn payments_go_first_background_waits_and_zenoti_never_says_429() {
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        // Zenoti's 60 a minute, compressed to 60 per 2 s.
        let limit: RateLimit = "60/2s".parse().unwrap();
        let sandbox = Sandbox::start_local(Config { rate_limit: Some(limit), ..Config::default() }).await.unwrap();
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &["--budget", "60/2s"], logs.path());
        let token = enroll(&hub.url(), &add_desk(&db.url(), "desk", None)).await;
        let center = sandbox.center_ids()[1].clone();
        let path = format!("v1/centers/{center}");
        let started = Instant::now();
        let spawn = |priority: &'static str| {
            let (url, token, path) = (hub.url(), token.clone(), path.clone());
            tokio::spawn(async move {
                let (status, code, waited) = call(&url, &token, &path, priority).await;
                (priority, status, code, waited, started.elapsed())
            })
        };
        // Background work floods first; payments and on-screen reads arrive in the middle of it.
        let mut calls: Vec<_> = (0..120).map(|_| spawn("background")).collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        calls.extend((0..10).map(|_| spawn("payment")));
        calls.extend((0..20).map(|_| spawn("interactive")));
        let answers: Vec<_> = futures_util::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
        let stats = sandbox.stats();
        let of = |p: &'static str| answers.iter().filter(move |a| a.0 == p);
        let last_done = |p: &'static str| of(p).map(|a| a.4).max().unwrap();
        let mut payment_waits: Vec<_> = of("payment").map(|a| a.3.as_millis()).collect();
        payment_waits.sort();
        eprintln!(
            "{}: Zenoti allowed {} and refused {}; payments waited {:?} ms; last payment done at {:?}, last background at {:?}; background refused by the hub: {}",
            db.name(), stats.allowed, stats.rate_limited, payment_waits, last_done("payment"), last_done("background"),
            of("background").filter(|a| a.1 == 429).count()
        );
        assert_eq!(stats.rate_limited, 0, "Zenoti never refused a call ({})", db.name());
        assert!(of("payment").all(|a| a.1 == 200), "every payment got through");
        assert!(of("interactive").all(|a| a.1 == 200), "every on-screen read got through");
        assert!(
            of("background").all(|a| a.1 == 200 || (a.1 == 429 && a.2 == "no_token")),
            "background: answered or told to retry"
        );
        // Payments did not queue behind the background flood that came before them.
        assert!(last_done("payment") < last_done("background"), "payments finished before the background work");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_from_zenoti_freezes_the_budget_for_every_call_until_retry_after() {
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &[], logs.path());
        let token = enroll(&hub.url(), &add_desk(&db.url(), "desk", None)).await;
        let center = sandbox.center_ids()[1].clone();
        // Another integration spent the budget: Zenoti answers 429, Retry-After 2.
        sandbox.inject(Fault::new(
            "GET",
            "/v1/centers/",
            1,
            FaultAction::respond(429, r#"{"error":{"code":429,"message":"API calls quota exceeded."}}"#)
                .with_header("retry-after", "2"),
        ));
        let (status, _, _) = call(&hub.url(), &token, &format!("v1/centers/{center}"), "interactive").await;
        assert_eq!(status, 429, "Zenoti's 429 is handed back");
        let metrics = reqwest::get(format!("{}/metrics", hub.url())).await.unwrap().text().await.unwrap();
        assert!(metrics.contains("frontdesk_hub_budget_frozen 1"), "{metrics}");
        assert!(metrics.contains("frontdesk_hub_rate_limited_total{source=\"zenoti\"} 1"), "{metrics}");
        // The next call, even a payment, waits out the freeze instead of meeting another 429.
        let (status, _, waited) = call(&hub.url(), &token, &format!("v1/centers/{center}"), "payment").await;
        assert_eq!(status, 200);
        assert!(waited >= Duration::from_millis(1500), "held back {waited:?} of the 2 s");
        assert_eq!(sandbox.stats().rate_limited, 0, "the sandbox's own limit was never hit");
        // A call that cannot get a token before its deadline is refused by the hub with
        // Retry-After, quickly, and nothing is queued forever.
        sandbox.inject(Fault::new(
            "GET",
            "/v1/centers/",
            1,
            FaultAction::respond(429, "{}").with_header("retry-after", "600"),
        ));
        let _ = call(&hub.url(), &token, &format!("v1/centers/{center}"), "interactive").await;
        let r = reqwest::Client::new()
            .get(format!("{}/zenoti/v1/centers/{center}", hub.url()))
            .header("authorization", format!("Desk {token}"))
            .header("x-zenoti-authorization", "apikey demo-frontdesk-key")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429);
        let retry: u64 = r.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
        assert!((590..=600).contains(&retry), "Retry-After {retry}");
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["hub_code"], "no_token");
    }
}

/// A hub started with a budget far above the organization's learns the real one from Zenoti's
/// headers on the first answers: the policy (`Organization-RateLimit-Limit`) and what is left
/// (`RateLimit-Remaining`, which another integration of the organization spends too).
#[tokio::test(flavor = "multi_thread")]
async fn zenotis_headers_correct_a_budget_started_too_high() {
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let limit: RateLimit = "20/2s".parse().unwrap();
        let sandbox = Sandbox::start_local(Config { rate_limit: Some(limit), ..Config::default() }).await.unwrap();
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &["--budget", "600/60s"], logs.path());
        let token = enroll(&hub.url(), &add_desk(&db.url(), "desk", None)).await;
        let center = sandbox.center_ids()[1].clone();
        let path = format!("v1/centers/{center}");
        // Another integration spends 12 of the 20 straight from Zenoti.
        let http = reqwest::Client::new();
        for _ in 0..12 {
            let r = http
                .get(format!("{}/{path}", sandbox.base_url()))
                .header("authorization", "apikey demo-frontdesk-key")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        // 60 calls through the hub, 4 at a time (a hub that kept 600 a minute would send them
        // all within a second, and Zenoti would refuse most).
        let mut statuses = Vec::new();
        let url = hub.url();
        for _ in 0..15 {
            let four = (0..4).map(|_| call(&url, &token, &path, "interactive"));
            statuses.extend(futures_util::future::join_all(four).await.into_iter().map(|(s, code, _)| (s, code)));
        }
        let stats = sandbox.stats();
        let metrics = reqwest::get(format!("{}/metrics", hub.url())).await.unwrap().text().await.unwrap();
        eprintln!(
            "{}: Zenoti allowed {} (12 of them the other integration's) and refused {}; through the hub: {} answered, {} refused by the hub",
            db.name(),
            stats.allowed,
            stats.rate_limited,
            statuses.iter().filter(|(s, _)| *s == 200).count(),
            statuses.iter().filter(|(s, _)| *s == 429).count()
        );
        assert_eq!(stats.rate_limited, 0, "Zenoti never refused a call ({})", db.name());
        assert!(statuses.iter().all(|(s, code)| *s == 200 || (*s == 429 && code == "no_token")), "{statuses:?}");
        assert!(metrics.contains("frontdesk_hub_budget_capacity 20\n"), "the policy learned: {metrics}");
        assert!(metrics.contains("frontdesk_hub_token_wait_seconds_count{priority=\"interactive\"} "), "{metrics}");
    }
}
