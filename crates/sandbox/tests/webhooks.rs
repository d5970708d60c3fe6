//! Webhook delivery as Zenoti does it, over real HTTP on loopback: a receiver in the test answers
//! 200 or 500, sleeps past the sandbox's timeout, or is not there at all (a closed port).
//!
//! Backoff delays run compressed (`time_scale`). Times are checked by what cannot flake: a retry
//! never comes before its delay, and the gaps' ratios show the doubling and the cap.

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};
use zenoti_sandbox::{Config, Sandbox, WebhookDelivery, WebhookStatus, DEMO_API_KEY};

/// How the receiver answers one POST.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Ok,
    Fail,
    /// Sleeps, then answers 200 (if anyone still listens).
    Sleep(Duration),
}

struct Hit {
    at: Instant,
    body: Bytes,
    content_type: Option<String>,
}

impl Hit {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    fn id(&self) -> String {
        self.json()["id"].as_str().unwrap().to_owned()
    }
}

#[derive(Default)]
struct Log {
    /// The answers to the next POSTs, in order; then `then`.
    script: Mutex<VecDeque<Answer>>,
    then: Mutex<Option<Answer>>,
    hits: Mutex<Vec<Hit>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

struct Receiver {
    url: String,
    log: Arc<Log>,
}

impl Receiver {
    async fn start(script: &[Answer], then: Answer) -> Receiver {
        let log = Arc::new(Log::default());
        log.script.lock().unwrap().extend(script);
        *log.then.lock().unwrap() = Some(then);
        let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url: format!("http://{addr}/hook"), log }
    }

    /// From now on, answer every POST this way.
    fn answer(&self, answer: Answer) {
        self.log.script.lock().unwrap().clear();
        *self.log.then.lock().unwrap() = Some(answer);
    }

    fn count(&self) -> usize {
        self.log.hits.lock().unwrap().len()
    }

    fn times(&self) -> Vec<Instant> {
        self.log.hits.lock().unwrap().iter().map(|h| h.at).collect()
    }

    fn ids(&self) -> Vec<String> {
        self.log.hits.lock().unwrap().iter().map(Hit::id).collect()
    }
}

struct Leaving<'a>(&'a AtomicUsize);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn receive(State(log): State<Arc<Log>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    log.hits.lock().unwrap().push(Hit { at: Instant::now(), body, content_type });
    let answer = log.script.lock().unwrap().pop_front().unwrap_or_else(|| log.then.lock().unwrap().unwrap());
    let now = log.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    log.max_in_flight.fetch_max(now, Ordering::SeqCst);
    // Counted out even when the sandbox hangs up during a sleep.
    let _leaving = Leaving(&log.in_flight);
    match answer {
        Answer::Ok => StatusCode::OK,
        Answer::Fail => StatusCode::INTERNAL_SERVER_ERROR,
        Answer::Sleep(d) => {
            tokio::time::sleep(d).await;
            StatusCode::OK
        }
    }
}

/// A URL where nothing listens: a port bound, then let go.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/hook")
}

async fn sandbox(webhook: WebhookDelivery) -> Sandbox {
    Sandbox::start_local(Config { rate_limit: None, webhook: Some(webhook), ..Config::default() }).await.unwrap()
}

/// Polls until `done` holds, for at most `limit` (generous: a busy machine is slow, not wrong).
async fn until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

const PATIENCE: Duration = Duration::from_secs(60);

/// The gaps between the receiver's hits.
fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test]
async fn an_event_is_posted_once_as_json_with_the_exact_envelope() {
    let receiver = Receiver::start(&[], Answer::Ok).await;
    let sandbox = sandbox(WebhookDelivery::new(&receiver.url)).await;
    let ids = sandbox.raise_events(1, None);
    assert_eq!(ids.len(), 1);
    until("the delivery", PATIENCE, || sandbox.webhook_status().delivered == 1).await;
    // Nothing more comes once delivered.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.count(), 1);

    let event = &sandbox.events()[0];
    {
        let hits = receiver.log.hits.lock().unwrap();
        assert_eq!(hits[0].body, serde_json::to_vec(event).unwrap(), "the envelope as recorded");
        assert_eq!(hits[0].content_type.as_deref(), Some("application/json"));
    }
    assert_eq!(event["id"], ids[0].as_str());
    assert_eq!(
        (event["event_resource"].as_str(), event["event_type"].as_str()),
        (Some("GuestPackage"), Some("GuestPackage.StatusUpdate"))
    );
    // A seeded package's shared fields, its own center.
    let package = event["data"]["user_package_id"].as_str().unwrap();
    let held = sandbox.with_packages(|p| p.held.iter().find(|h| h.user_package_id == package).unwrap().clone());
    assert_eq!(event["data"]["center"]["id"], held.center_id.as_str());
    assert_eq!(event["data"]["package"]["name"], held.name.as_str());

    let status = sandbox.webhook_status();
    assert_eq!(
        (status.active, status.url.as_deref(), status.delivered, status.failed_attempts, status.pending),
        (true, Some(receiver.url.as_str()), 1, 0, 0)
    );
    let d = &status.deliveries[0];
    assert_eq!(
        (d.id.as_str(), d.attempts, d.delivered, d.given_up, d.last_status),
        (ids[0].as_str(), 1, true, false, Some(200))
    );

    // The same status over HTTP.
    let over_http: WebhookStatus =
        reqwest::get(format!("{}/_sandbox/webhook", sandbox.base_url())).await.unwrap().json().await.unwrap();
    assert_eq!(over_http, status);
}

#[tokio::test]
async fn the_apis_events_and_a_closed_invoice_are_delivered_too() {
    let receiver = Receiver::start(&[], Answer::Ok).await;
    let sandbox = sandbox(WebhookDelivery::new(&receiver.url)).await;
    let inv = sandbox.add_open_invoice_for("G10001", &["Swedish Massage"]);
    let series =
        sandbox.with_packages(|p| p.held_named(&inv.guest_id, "Massage Series 10").unwrap().user_package_id.clone());
    let body = json!({
        "center_id": inv.center_id, "guest_id": inv.guest_id, "user_package_id": series,
        "invoice_item_id": inv.items[0].id, "service_id": inv.items[0].service_id,
    });
    let response = reqwest::Client::new()
        .post(format!("{}/v1/invoices/{}/redemptions/packages", sandbox.base_url(), inv.id))
        .header("authorization", format!("apikey {DEMO_API_KEY}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // Closing the invoice (over HTTP) raises Invoice.Closed; closing it again is refused.
    let close = format!("{}/_sandbox/invoices/{}/close", sandbox.base_url(), inv.id);
    let closed = reqwest::Client::new().post(&close).send().await.unwrap();
    assert_eq!(closed.status(), 200);
    assert_eq!(reqwest::Client::new().post(&close).send().await.unwrap().status(), 409);
    assert_eq!(sandbox.close_invoice(&inv.id).unwrap_err(), "Invoice is already closed.");

    let events = sandbox.events();
    let types: Vec<&str> = events.iter().map(|e| e["event_type"].as_str().unwrap()).collect();
    assert_eq!(types, ["GuestPackage.Redemption", "Invoice.Closed"]);
    until("both deliveries", PATIENCE, || sandbox.webhook_status().delivered == 2).await;
    let received: HashSet<String> = receiver.ids().into_iter().collect();
    let raised: HashSet<String> = events.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(received, raised);

    let invoice_closed = &events[1];
    assert_eq!(invoice_closed["event_resource"], "Invoice");
    let data = &invoice_closed["data"];
    assert_eq!(
        (data["id"].as_str(), data["center_id"].as_str()),
        (Some(inv.id.as_str()), Some(inv.center_id.as_str()))
    );
    assert_eq!(data["invoice_number"], inv.number.as_str());
    assert_eq!(data["guest"]["id"], inv.guest_id.as_str());
    assert!(data["guest"]["first_name"].as_str().is_some_and(|n| !n.is_empty()), "{data}");
    assert_eq!(data["items"].as_array().unwrap().len(), 1);
    assert_eq!(data["items"][0]["invoice_item_id"], inv.items[0].id.as_str());
    // The session paid the line: nothing left to pay.
    assert_eq!(data["total_price"]["sum_total"], 0.0);
    assert!(sandbox.with_books(|b| b.invoice_numbered(&inv.printed_number()).unwrap().closed));
}

#[tokio::test]
async fn a_receiver_failing_twice_then_answering_gets_three_attempts_with_doubling_gaps() {
    let receiver = Receiver::start(&[Answer::Fail, Answer::Fail], Answer::Ok).await;
    // 30 s and 60 s, a hundred times as fast.
    let hook = WebhookDelivery { time_scale: 0.01, ..WebhookDelivery::new(&receiver.url) };
    let sandbox = sandbox(hook.clone()).await;
    sandbox.raise_events(1, None);
    until("the delivery", PATIENCE, || sandbox.webhook_status().delivered == 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.count(), 3);
    let status = sandbox.webhook_status();
    assert_eq!((status.failed_attempts, status.consecutive_failures, status.given_up), (2, 0, 0));
    assert_eq!((status.deliveries[0].attempts, status.deliveries[0].last_status), (3, Some(200)));

    let gaps = gaps(&receiver.times());
    assert_eq!((hook.backoff(0), hook.backoff(1)), (Duration::from_millis(300), Duration::from_millis(600)));
    for (n, gap) in gaps.iter().enumerate() {
        assert!(*gap >= hook.backoff(n as u32), "retry {n} came after {gap:?}, before its delay");
    }
    let ratio = gaps[1].as_secs_f64() / gaps[0].as_secs_f64();
    assert!((1.4..=3.0).contains(&ratio), "the gaps {gaps:?} do not double");
}

#[tokio::test]
async fn after_its_retries_an_event_is_given_up_with_backoff_doubling_up_to_its_cap() {
    let receiver = Receiver::start(&[], Answer::Fail).await;
    // 30 s doubling up to 120 s, a hundred times as fast: 0.3, 0.6, 1.2, 1.2, 1.2 s.
    let hook = WebhookDelivery {
        time_scale: 0.01,
        backoff_max: Duration::from_secs(120),
        ..WebhookDelivery::new(&receiver.url)
    };
    let sandbox = sandbox(hook.clone()).await;
    sandbox.raise_events(1, None);
    until("giving up", PATIENCE, || sandbox.webhook_status().given_up == 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.count(), 6, "the first attempt and 5 retries");
    let status = sandbox.webhook_status();
    assert_eq!(
        (status.delivered, status.failed_attempts, status.consecutive_failures, status.pending, status.active),
        (0, 6, 6, 0, true)
    );
    let d = &status.deliveries[0];
    assert_eq!((d.attempts, d.delivered, d.given_up, d.last_status), (6, false, true, Some(500)));

    let gaps = gaps(&receiver.times());
    let nominal: Vec<Duration> = (0..5).map(|n| hook.backoff(n)).collect();
    assert_eq!(nominal.iter().map(Duration::as_millis).collect::<Vec<_>>(), [300, 600, 1200, 1200, 1200]);
    for (gap, delay) in gaps.iter().zip(&nominal) {
        assert!(gap >= delay, "a retry came after {gap:?}, before its delay {delay:?}: {gaps:?}");
    }
    let ratio = |n: usize| gaps[n + 1].as_secs_f64() / gaps[n].as_secs_f64();
    for n in [0, 1] {
        assert!((1.4..=3.0).contains(&ratio(n)), "gap {n} to {} does not double: {gaps:?}", n + 1);
    }
    for n in [2, 3] {
        assert!((0.6..=1.6).contains(&ratio(n)), "gap {n} to {} is not capped: {gaps:?}", n + 1);
    }
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_fails_the_attempt() {
    let receiver = Receiver::start(&[], Answer::Sleep(Duration::from_secs(5))).await;
    let hook = WebhookDelivery {
        timeout: Duration::from_millis(300),
        retries: 1,
        time_scale: 0.001,
        ..WebhookDelivery::new(&receiver.url)
    };
    let sandbox = sandbox(hook).await;
    let started = Instant::now();
    sandbox.raise_events(1, None);
    until("giving up", PATIENCE, || sandbox.webhook_status().given_up == 1).await;
    assert!(started.elapsed() >= Duration::from_millis(600), "two attempts of 300 ms each");
    assert_eq!(receiver.count(), 2);
    let status = sandbox.webhook_status();
    assert_eq!((status.delivered, status.failed_attempts), (0, 2));
    let d = &status.deliveries[0];
    assert_eq!((d.attempts, d.delivered, d.last_status), (2, false, None));
    assert!(d.last_error.as_deref().is_some_and(|e| e.contains("timed out")), "{d:?}");
}

#[tokio::test]
async fn a_receiver_that_is_not_there_fails_every_attempt() {
    let url = closed_port_url();
    let sandbox = sandbox(WebhookDelivery { retries: 2, time_scale: 0.001, ..WebhookDelivery::new(&url) }).await;
    sandbox.raise_events(1, None);
    until("giving up", PATIENCE, || sandbox.webhook_status().given_up == 1).await;
    let status = sandbox.webhook_status();
    assert_eq!((status.failed_attempts, status.deliveries[0].attempts), (3, 3));
    let error = status.deliveries[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("connection"), "{error}");
}

#[tokio::test]
async fn twenty_consecutive_failures_deactivate_the_webhook_until_it_is_activated() {
    let receiver = Receiver::start(&[], Answer::Fail).await;
    // Enough retries that no event is given up before the webhook is deactivated.
    let hook = WebhookDelivery { retries: 20, time_scale: 0.0001, ..WebhookDelivery::new(&receiver.url) };
    let sandbox = sandbox(hook).await;
    let first = sandbox.raise_events(4, None);
    until("deactivation", PATIENCE, || !sandbox.webhook_status().active).await;
    let status = sandbox.webhook_status();
    assert_eq!((status.failed_attempts, status.consecutive_failures, status.pending), (20, 20, 4));

    // Deactivated: events raised meanwhile are kept, and nothing more is attempted.
    let later = sandbox.raise_events(2, None);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.count(), 20, "exactly the 20 failed attempts");
    let status = sandbox.webhook_status();
    assert_eq!((status.active, status.pending, status.in_flight, status.delivered), (false, 6, 0, 0));
    assert!(status.deliveries[4..].iter().all(|d| d.attempts == 0), "{:?}", status.deliveries);

    // A person turns it on again: every pending event is delivered, once each.
    receiver.answer(Answer::Ok);
    let response =
        reqwest::Client::new().post(format!("{}/_sandbox/webhook/activate", sandbox.base_url())).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let answered: WebhookStatus = response.json().await.unwrap();
    assert!(answered.active);
    until("the pending deliveries", PATIENCE, || sandbox.webhook_status().delivered == 6).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.count(), 26);
    let after: HashSet<String> = receiver.ids()[20..].iter().cloned().collect();
    let all: HashSet<String> = first.into_iter().chain(later).collect();
    assert_eq!(after, all);
    let status = sandbox.webhook_status();
    assert_eq!((status.active, status.consecutive_failures, status.pending, status.failed_attempts), (true, 0, 0, 20));
}

#[tokio::test]
async fn a_thousand_events_are_all_delivered_a_few_at_a_time() {
    // Each answer takes a little while, so concurrent deliveries overlap.
    let receiver = Receiver::start(&[], Answer::Sleep(Duration::from_millis(5))).await;
    let sandbox = sandbox(WebhookDelivery::new(&receiver.url)).await;
    let center = sandbox.organization().center_named("SDS-DT").unwrap().id.clone();
    let ids = sandbox.raise_events(1000, Some(&center));
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 1000, "the envelope ids are distinct");
    until("1000 deliveries", Duration::from_secs(180), || sandbox.webhook_status().delivered == 1000).await;

    let received: HashSet<String> = receiver.ids().into_iter().collect();
    let missing: Vec<&String> = ids.iter().filter(|id| !received.contains(*id)).collect();
    assert!(missing.is_empty(), "never received: {missing:?}");
    let hits = receiver.log.hits.lock().unwrap();
    assert!(hits.iter().all(|h| h.json()["data"]["center"]["id"] == center.as_str()));
    let most = receiver.log.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=8).contains(&most), "{most} deliveries at once");
}

#[tokio::test]
async fn events_are_raised_over_http_and_without_a_webhook_nothing_is_sent() {
    let sandbox = Sandbox::start_local(Config { rate_limit: None, ..Config::default() }).await.unwrap();
    let center = sandbox.center_ids()[1].clone();
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/_sandbox/events/raise", sandbox.base_url()))
        .json(&json!({"count": 3, "center_id": center}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = answer["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    let events = sandbox.events();
    assert_eq!(events.iter().map(|e| e["id"].as_str().unwrap()).collect::<Vec<_>>(), ids);
    assert!(events.iter().all(|e| e["data"]["center"]["id"] == center.as_str()));
    assert_eq!(sandbox.webhook_status(), WebhookStatus::unconfigured());
    assert!(!sandbox.activate_webhook());
    let activate = reqwest::Client::new().post(format!("{}/_sandbox/webhook/activate", sandbox.base_url()));
    assert_eq!(activate.send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn dropping_the_sandbox_stops_its_deliveries() {
    let receiver = Receiver::start(&[], Answer::Fail).await;
    let hook = WebhookDelivery {
        retries: 1000,
        deactivate_after: 0,
        time_scale: 0.0001,
        ..WebhookDelivery::new(&receiver.url)
    };
    let sandbox = sandbox(hook).await;
    sandbox.raise_events(1, None);
    until("some attempts", PATIENCE, || receiver.count() >= 3).await;
    drop(sandbox);
    // Whatever was in flight lands; then nothing more.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after_drop = receiver.count();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.count(), after_drop);
}
