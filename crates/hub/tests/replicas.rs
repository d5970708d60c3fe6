//! Two hub replicas on one PostgreSQL server: webhooks posted to one reach the desks listening to
//! the other; one is killed (SIGKILL) in the middle of 1,000 webhooks delivered the way Zenoti
//! delivers them, and every desk still gets every event exactly once, in order; the budget is
//! one budget.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use zenoti_sandbox::{Config, RateLimit, Sandbox, WebhookDelivery};

const EVENTS: usize = 1000;

/// Reads a desk's stream, reconnecting (to the next replica) with Last-Event-ID when it ends.
async fn listen(
    replicas: Vec<String>,
    token: String,
    total: usize,
    log: tokio::sync::mpsc::UnboundedSender<String>,
) -> Vec<(i64, String)> {
    let mut got: Vec<(i64, String)> = Vec::new();
    let mut replica = 0;
    let mut last: Option<i64> = Some(0);
    let deadline = Instant::now() + Duration::from_secs(120);
    while got.len() < total && Instant::now() < deadline {
        let url = &replicas[replica % replicas.len()];
        let connected = tokio::time::timeout(Duration::from_secs(5), SseClient::connect(url, &token, last)).await;
        let Ok(Ok(mut stream)) = connected else {
            replica += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let _ = log.send(format!("connected to {url} with Last-Event-ID {last:?}"));
        while let Some((seq, data)) = stream.next(Duration::from_secs(10), &mut 0).await {
            got.push((seq, data["event"]["id"].as_str().unwrap().to_owned()));
            last = Some(seq);
            if got.len() == total {
                break;
            }
        }
        if got.len() < total {
            let _ = log.send(format!("stream from {url} ended after {} events; reconnecting", got.len()));
            replica += 1;
        }
    }
    got
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replica_killed_mid_stream_loses_no_event_and_desks_resume_on_the_other() {
    let pg = TestDb::postgres();
    let logs = tempfile::tempdir().unwrap();
    let fast = ["--poll-ms", "500"];
    let mut a = HubProcess::start(&pg.url(), "http://127.0.0.1:9", &fast, logs.path());
    let b = HubProcess::start(&pg.url(), "http://127.0.0.1:9", &fast, logs.path());
    let balancer = Balancer::start(vec![a.addr, b.addr]).await;
    let webhook = webhook_url(&pg.url(), &balancer.url());
    let on_a = enroll(&a.url(), &add_desk(&pg.url(), "desk on A", None)).await;
    let on_b = enroll(&b.url(), &add_desk(&pg.url(), "desk on B", None)).await;

    // Zenoti's delivery with its timings compressed 500 times (30 s → 60 ms, 10 min → 1.2 s).
    let mut delivery = WebhookDelivery::new(webhook);
    delivery.time_scale = 0.002;
    let sandbox = Sandbox::start_local(Config { webhook: Some(delivery), ..Config::default() }).await.unwrap();

    let (log_tx, mut log_rx) = tokio::sync::mpsc::unbounded_channel();
    let started = Instant::now();
    let desk_a = tokio::spawn(listen(vec![a.url(), b.url()], on_a, EVENTS, log_tx.clone()));
    let desk_b = tokio::spawn(listen(vec![b.url()], on_b, EVENTS, log_tx.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let raised: HashSet<String> = sandbox.raise_events(EVENTS, None).into_iter().collect();
    assert_eq!(raised.len(), EVENTS);

    // SIGKILL replica A once about a third of the events are in.
    let store = frontdesk_hub::db::Db::open(&pg.url()).await.unwrap();
    let stored = || async {
        sqlx::Row::get::<i64, _>(&sqlx::query("SELECT COUNT(*) FROM events").fetch_one(&store.pool).await.unwrap(), 0)
    };
    while stored().await < (EVENTS / 3) as i64 {
        assert!(started.elapsed() < Duration::from_secs(60), "webhooks are not arriving");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = sandbox.webhook_status();
    a.kill();
    let killed_at = started.elapsed();
    let _ = log_tx.send(format!(
        "{:.2} s: replica A killed (SIGKILL) with {} events stored, {} delivered, {} in flight",
        killed_at.as_secs_f64(),
        stored().await,
        before.delivered,
        before.in_flight
    ));

    // Zenoti retries what failed; wait until it has nothing left.
    loop {
        let status = sandbox.webhook_status();
        if status.pending == 0 && status.in_flight == 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "delivery never finished: {status:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = sandbox.webhook_status();
    let (got_a, got_b) = (desk_a.await.unwrap(), desk_b.await.unwrap());
    drop(log_tx);
    let mut log = Vec::new();
    while let Some(line) = log_rx.recv().await {
        log.push(line);
    }
    log.push(format!(
        "{:.2} s: delivery done: {} delivered, {} failed attempts (retried), {} given up, webhook active: {}",
        started.elapsed().as_secs_f64(),
        status.delivered,
        status.failed_attempts,
        status.given_up,
        status.active
    ));
    log.push(format!(
        "stored events: {}; desk on A got {}, desk on B got {}",
        stored().await,
        got_a.len(),
        got_b.len()
    ));
    eprintln!("kill test log:\n  {}", log.join("\n  "));

    assert_eq!(status.given_up, 0);
    assert!(status.active, "the webhook must not be deactivated");
    assert_eq!(stored().await, EVENTS as i64, "each event stored once");
    for (desk, got) in [("desk on A", &got_a), ("desk on B", &got_b)] {
        let ids: Vec<&String> = got.iter().map(|(_, id)| id).collect();
        let unique: HashSet<String> = ids.iter().map(|s| s.to_string()).collect();
        assert_eq!(ids.len(), EVENTS, "{desk}: every event");
        assert_eq!(unique, raised, "{desk}: exactly the events raised, none twice");
        assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "{desk}: in sequence order");
    }
    assert!(log.iter().any(|l| l.contains("reconnecting")), "the desk on A had to reconnect: {log:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_replicas_share_one_budget() {
    let pg = TestDb::postgres();
    let logs = tempfile::tempdir().unwrap();
    // Zenoti's limit compressed: 20 calls per 2 s; both replicas told the same.
    let limit: RateLimit = "20/2s".parse().unwrap();
    let sandbox = Sandbox::start_local(Config { rate_limit: Some(limit), ..Config::default() }).await.unwrap();
    let budget = ["--budget", "20/2s"];
    let a = HubProcess::start(&pg.url(), &sandbox.base_url(), &budget, logs.path());
    let b = HubProcess::start(&pg.url(), &sandbox.base_url(), &budget, logs.path());
    let ta = enroll(&a.url(), &add_desk(&pg.url(), "desk 1", None)).await;
    let tb = enroll(&b.url(), &add_desk(&pg.url(), "desk 2", None)).await;
    let center = sandbox.center_ids()[1].clone();
    let started = Instant::now();
    let calls = (0..60).map(|i| {
        let (url, token) = if i % 2 == 0 { (a.url(), ta.clone()) } else { (b.url(), tb.clone()) };
        let path = format!("v1/centers/{center}");
        tokio::spawn(async move {
            let r = reqwest::Client::new()
                .get(format!("{url}/zenoti/{path}"))
                .header("authorization", format!("Desk {token}"))
                .header("x-zenoti-authorization", "apikey demo-frontdesk-key")
                .header("x-frontdesk-priority", if i % 10 == 0 { "payment" } else { "interactive" })
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            (status, body["error"]["hub_code"].as_str().unwrap_or("").to_owned())
        })
    });
    let answers: Vec<(u16, String)> =
        futures_util::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
    let elapsed = started.elapsed().as_secs_f64();
    let stats = sandbox.stats();
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    let ok_on = |replica: usize| answers.iter().skip(replica).step_by(2).filter(|(s, _)| *s == 200).count();
    let hub_429 = answers.iter().filter(|(s, c)| *s == 429 && c == "no_token").count();
    eprintln!(
        "60 calls over two replicas in {elapsed:.1} s: {ok} answered ({} by A, {} by B), {hub_429} refused by the hub, Zenoti let {} through and refused {}",
        ok_on(0), ok_on(1), stats.allowed, stats.rate_limited
    );
    // Each replica alone would have sent its own burst of 20 at once: Zenoti, which allows 20
    // in all, would have refused the second one's.
    assert_eq!(stats.rate_limited, 0, "Zenoti never refused a call");
    assert!(ok_on(0) > 0 && ok_on(1) > 0, "both replicas forwarded calls");
    assert_eq!(ok + hub_429, 60, "every call answered or refused by the hub: {answers:?}");
    assert!(ok >= 20, "the burst went through: {ok}");
}

/// Zenoti's 429 met through one replica holds back the calls of the other until Retry-After.
#[tokio::test(flavor = "multi_thread")]
async fn a_429_met_through_one_replica_holds_back_the_other() {
    let pg = TestDb::postgres();
    let logs = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let a = HubProcess::start(&pg.url(), &sandbox.base_url(), &[], logs.path());
    let b = HubProcess::start(&pg.url(), &sandbox.base_url(), &[], logs.path());
    let ta = enroll(&a.url(), &add_desk(&pg.url(), "desk 1", None)).await;
    let tb = enroll(&b.url(), &add_desk(&pg.url(), "desk 2", None)).await;
    let path = format!("v1/centers/{}", sandbox.center_ids()[1]);
    // Another integration spent the budget: Zenoti answers replica A 429, Retry-After 2.
    sandbox.inject(zenoti_sandbox::Fault::new(
        "GET",
        "/v1/centers/",
        1,
        zenoti_sandbox::FaultAction::respond(429, r#"{"error":{"code":429,"message":"API calls quota exceeded."}}"#)
            .with_header("retry-after", "2"),
    ));
    assert_eq!(zenoti_get(&a.url(), &ta, &path, "interactive").await.0, 429);
    // Replica B's next call, even a payment, waits out the freeze rather than meeting a 429.
    let (status, _, waited) = zenoti_get(&b.url(), &tb, &path, "payment").await;
    assert_eq!(status, 200);
    assert!(waited >= Duration::from_millis(1500), "B held it back {waited:?} of the 2 s");
    assert_eq!(sandbox.stats().rate_limited, 0, "the sandbox's own limit was never hit");
}

/// Replicas wake each other with LISTEN/NOTIFY: with the poll set to a minute, an event posted
/// to replica A reaches a desk listening to replica B at once.
#[tokio::test(flavor = "multi_thread")]
async fn an_event_posted_to_one_replica_wakes_the_other_without_waiting_for_its_poll() {
    let pg = TestDb::postgres();
    let logs = tempfile::tempdir().unwrap();
    let slow_poll = ["--poll-ms", "60000"];
    let a = HubProcess::start(&pg.url(), "http://127.0.0.1:9", &slow_poll, logs.path());
    let b = HubProcess::start(&pg.url(), "http://127.0.0.1:9", &slow_poll, logs.path());
    let on_b = enroll(&b.url(), &add_desk(&pg.url(), "desk on B", None)).await;
    let mut stream = SseClient::connect(&b.url(), &on_b, None).await.unwrap();
    // B's LISTEN connection is made as it starts; give it a moment on a busy machine.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let webhook = webhook_url(&pg.url(), &a.url());
    for n in 0..3 {
        let id = format!("E-notify-{n}");
        let posted = Instant::now();
        let r = reqwest::Client::new().post(&webhook).json(&package_event(&id, "C-DOWN")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let (_, data) = stream.next(Duration::from_secs(10), &mut 0).await.expect("the event reached B's desk");
        assert_eq!(data["event"]["id"], id.as_str());
        eprintln!("event {n}: posted to A, at B's desk after {:?}", posted.elapsed());
    }
}
