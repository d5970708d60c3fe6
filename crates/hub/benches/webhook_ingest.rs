//! `make bench`: webhooks in and out of the hub, on SQLite and on PostgreSQL.
//!
//! Ingest: N guest-package events POSTed to `/webhooks/zenoti/{secret}` by a few posters at once
//! (as Zenoti delivers several at a time), each stored before it is answered: events a second.
//!
//! Webhook to desk: one hub, 100 desks enrolled and each on its own SSE connection to
//! `/hub/v1/events`; events posted one at a time; the time from just before the POST is sent to
//! the moment each desk has read the event off its stream.
//!
//! `frontdesk-hub serve` is the release build at its default log level; PostgreSQL is started as
//! the test harness starts it (loopback, `fsync=off`: its figures leave out the disk flush).
//! Figures, never verdicts.

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{enroll, package_event, webhook_url, Postgres, SseClient};
use frontdesk_hub::db::Db;
use frontdesk_hub::desks;
use serde_json::Value;
use support::{ms, spread};

const EVENTS: usize = 2000;
const POSTERS: usize = 4;
const CLIENTS: usize = 100;
const FAN_OUT_EVENTS: usize = 200;
const CENTER: &str = "c-bench";
/// The hub never calls Zenoti here.
const ZENOTI: &str = "http://127.0.0.1:9";

fn nonce() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

async fn post(http: &reqwest::Client, url: &str, body: String) -> Value {
    let response =
        http.post(url).header("content-type", "application/json").body(body).send().await.expect("the hub answers");
    assert_eq!(response.status(), 200, "webhook");
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["status"], "stored", "{answer}");
    answer
}

struct Ingest {
    rate: f64,
    wall: Duration,
    p50: Duration,
    p95: Duration,
}

async fn ingest(database: &str, logs: &Path) -> Ingest {
    let hub = support::hub_process(database, ZENOTI, &[], logs);
    let url = webhook_url(database, &hub.url());
    let run = nonce();
    let http = reqwest::Client::new();
    for i in 0..20 {
        post(&http, &url, package_event(&format!("warm-{run}-{i}"), CENTER).to_string()).await;
    }
    let bodies: Arc<Vec<String>> =
        Arc::new((0..EVENTS).map(|i| package_event(&format!("ingest-{run}-{i}"), CENTER).to_string()).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let posters: Vec<_> = (0..POSTERS)
        .map(|_| {
            let (bodies, next, url) = (bodies.clone(), next.clone(), url.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= bodies.len() {
                        return latencies;
                    }
                    let sent = Instant::now();
                    post(&http, &url, bodies[i].clone()).await;
                    latencies.push(sent.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for poster in posters {
        latencies.extend(poster.await.unwrap());
    }
    let wall = started.elapsed();
    let (p50, p95, _) = spread(&mut latencies);
    Ingest { rate: EVENTS as f64 / wall.as_secs_f64(), wall, p50, p95 }
}

struct FanOut {
    /// Post sent → read by a desk, every (event, desk).
    each: Vec<Duration>,
    /// Post sent → read by the last of the desks, per event.
    last: Vec<Duration>,
    /// Post sent → the hub's answer.
    answered: Vec<Duration>,
    missing: usize,
}

async fn fan_out(database: &str, logs: &Path) -> FanOut {
    let hub = support::hub_process(database, ZENOTI, &[], logs);
    let url = webhook_url(database, &hub.url());
    let db = Db::open(database).await.unwrap();
    let run = nonce();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(i64, Instant)>();
    let mut readers = Vec::new();
    for i in 0..CLIENTS {
        let code = desks::add(&db, &format!("Desk {i} of run {run}"), None).await.unwrap().secret;
        let token = enroll(&hub.url(), &code).await;
        let mut client = SseClient::connect(&hub.url(), &token, None).await.expect("the event stream opens");
        let tx = tx.clone();
        readers.push(tokio::spawn(async move {
            let mut comments = 0;
            while let Some((seq, _)) = client.next(Duration::from_secs(60), &mut comments).await {
                if tx.send((seq, Instant::now())).is_err() {
                    return;
                }
            }
        }));
    }
    drop(tx);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let http = reqwest::Client::new();
    let mut out = FanOut { each: Vec::new(), last: Vec::new(), answered: Vec::new(), missing: 0 };
    for e in 0..FAN_OUT_EVENTS {
        let body = package_event(&format!("fan-{run}-{e}"), CENTER).to_string();
        let sent = Instant::now();
        let seq = post(&http, &url, body).await["seq"].as_i64().unwrap();
        out.answered.push(sent.elapsed());
        let mut got = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while got < CLIENTS {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some((s, at))) if s == seq => {
                    got += 1;
                    out.each.push(at.saturating_duration_since(sent));
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        out.missing += CLIENTS - got;
        if got == CLIENTS {
            out.last.push(*out.each.last().unwrap());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(hub);
    for reader in readers {
        reader.abort();
    }
    out
}

fn print_ingest(label: &str, i: &Ingest) {
    println!(
        "    {label:<12}{:>8.0} events/s   ({EVENTS} in {:.2} s; one POST answered in p50 {}, p95 {})",
        i.rate,
        i.wall.as_secs_f64(),
        ms(i.p50),
        ms(i.p95)
    );
}

fn print_fan_out(label: &str, mut f: FanOut) {
    let (e50, e95, emax) = spread(&mut f.each);
    let (l50, l95, _) = spread(&mut f.last);
    let (a50, _, _) = spread(&mut f.answered);
    println!(
        "    {label:<12}each desk p50 {}, p95 {}, max {}; the last of the {CLIENTS} p50 {}, p95 {}; POST answered p50 {}; missed {}",
        ms(e50),
        ms(e95),
        ms(emax),
        ms(l50),
        ms(l95),
        ms(a50),
        f.missing
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    println!(
        "webhooks: frontdesk-hub serve (release build, default log level); SQLite WAL in {}; PostgreSQL",
        std::env::temp_dir().display()
    );
    println!(
        "  on loopback started as the test harness does (fsync=off); guest-package events of {} bytes",
        package_event("ingest-0000000000000000000-0000", CENTER).to_string().len()
    );
    let pg = Postgres::start();

    println!("  ingest: {EVENTS} events, {POSTERS} posters at once, each event stored before its 200 (after 20 warm-up posts):");
    let on_sqlite = ingest(&sqlite("ingest.db"), dir.path()).await;
    print_ingest("SQLite", &on_sqlite);
    let on_postgres = ingest(&pg.url(), dir.path()).await;
    print_ingest("PostgreSQL", &on_postgres);

    println!(
        "  webhook to desk: {CLIENTS} desks each on its own SSE stream of one hub, {FAN_OUT_EVENTS} events posted one at a time (10 ms apart),"
    );
    println!(
        "  from just before the POST to the event read off each stream ({} samples per database):",
        CLIENTS * FAN_OUT_EVENTS
    );
    print_fan_out("SQLite", fan_out(&sqlite("fan-out.db"), dir.path()).await);
    print_fan_out("PostgreSQL", fan_out(&pg.url(), dir.path()).await);
}
