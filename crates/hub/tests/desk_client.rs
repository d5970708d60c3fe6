//! The desk's Zenoti client with a hub: calls go through the hub with the desk's token, the
//! Zenoti authorization and their priority; when the hub cannot be reached or cannot work the
//! same call goes to Zenoti directly (a write only when it provably never reached the hub), and
//! through the hub again once it is back.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use common::*;
use zenoti::{Client, ClientConfig, Credentials, HubLink, HubState, Priority, SecretString};
use zenoti_sandbox::{Config, Sandbox};

fn client(sandbox: &Sandbox, link: &Arc<HubLink>) -> Client {
    let mut config = ClientConfig::new(
        sandbox.base_url().parse().unwrap(),
        Credentials::ApiKey(SecretString::from("demo-frontdesk-key")),
    );
    config.hub = Some(link.clone());
    config.retry.max_retries = 0;
    Client::new(config).unwrap()
}

fn joined(hub: &str, token: &str) -> Arc<HubLink> {
    let link = HubLink::new();
    link.set_target(Some((hub.parse().unwrap(), SecretString::from(token.to_owned()), 30)));
    link.set_up(true);
    link
}

/// A stand-in for a hub (or a proxy with no hub behind it): records each request's headers and
/// answers `status` with `body`, with or without the hub's mark.
async fn stand_in(status: u16, body: &'static str, hub_mark: bool) -> (String, Arc<Mutex<Vec<(String, HeaderMap)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app =
        axum::Router::new().fallback(move |method: axum::http::Method, uri: axum::http::Uri, headers: HeaderMap| {
            let record = record.clone();
            async move {
                record.lock().unwrap().push((format!("{method} {uri}"), headers));
                let mut response =
                    axum::response::IntoResponse::into_response((StatusCode::from_u16(status).unwrap(), body));
                if hub_mark {
                    response.headers_mut().insert("x-frontdesk-hub", "1".parse().unwrap());
                }
                response
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_go_through_the_hub_with_token_authorization_and_priority() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let (url, seen) = stand_in(200, r#"{"centers": []}"#, true).await;
    let link = joined(&url, "desk-token-1");
    let zenoti = client(&sandbox, &link);
    zenoti.list_centers().await.unwrap();
    zenoti.with_priority(Priority::Background).list_centers().await.unwrap();
    let seen = seen.lock().unwrap();
    assert!(seen[0].0.starts_with("GET /zenoti/v1/centers"), "{}", seen[0].0);
    let headers = &seen[0].1;
    assert_eq!(headers["authorization"], "Desk desk-token-1");
    assert_eq!(headers["x-zenoti-authorization"], "apikey demo-frontdesk-key");
    assert_eq!(headers["x-frontdesk-priority"], "interactive");
    assert_eq!(seen[1].1["x-frontdesk-priority"], "background");
    assert!(sandbox.requests_to("/v1/centers").is_empty(), "nothing went around the hub");
    assert_eq!(link.state(), HubState::Connected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_that_cannot_be_reached_sends_the_call_to_zenoti_directly_and_says_offline() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let link = joined(&format!("http://127.0.0.1:{}", free_port()), "t");
    let zenoti = client(&sandbox, &link);
    let states = link.watch();
    assert!(!zenoti.list_centers().await.unwrap().is_empty());
    assert_eq!(link.state(), HubState::Offline);
    assert!(states.has_changed().unwrap());
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 1);
    // A payment too: the connection to the hub failed, so nothing reached Zenoti through it,
    // and the payment goes to Zenoti directly, once.
    let invoice = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
    link.set_up(true);
    let program_id = sandbox.with_books(|b| b.programs[0].id.clone());
    let request = zenoti::RedeemRequest {
        points: 10.into(),
        center_id: invoice.center_id.clone(),
        program_id: Some(program_id),
        cash_register_id: "r".into(),
        redeem_across_programs: 0,
        otp: Some("246810".into()),
    };
    zenoti.with_priority(Priority::Payment).redeem_points(&invoice.id, &request).await.unwrap();
    assert_eq!(link.state(), HubState::Offline);
    assert_eq!(sandbox.requests_to(&format!("/v1/invoices/{}/payments", invoice.id)).len(), 1);
    assert_eq!(sandbox.ledger().len(), 1, "applied once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_that_cannot_reach_zenoti_sends_a_read_directly_but_never_a_write() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let unreachable = r#"{"error":{"code":503,"hub_code":"zenoti_unreachable","message":"The hub could not connect to Zenoti; nothing was sent."}}"#;
    let (url, seen) = stand_in(503, unreachable, true).await;
    let link = joined(&url, "t");
    let zenoti = client(&sandbox, &link);
    assert!(!zenoti.list_centers().await.unwrap().is_empty(), "read directly");
    assert_eq!(link.state(), HubState::Offline);
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 1);
    // A write gets the hub's answer (its caller settles it by reading), never a second send.
    link.set_up(true);
    let invoice = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
    let request = zenoti::RedeemRequest {
        points: 10.into(),
        center_id: invoice.center_id.clone(),
        program_id: None,
        cash_register_id: "r".into(),
        redeem_across_programs: 1,
        otp: None,
    };
    assert!(zenoti.with_priority(Priority::Payment).redeem_points(&invoice.id, &request).await.is_err());
    assert!(sandbox.requests_to(&format!("/v1/invoices/{}/payments", invoice.id)).is_empty());
    assert_eq!(seen.lock().unwrap().len(), 2);
    // Zenoti slow behind the hub (504 zenoti_no_answer) is Zenoti's answer: not sent again.
    let slow =
        r#"{"error":{"code":504,"hub_code":"zenoti_no_answer","message":"Zenoti did not answer the hub in time."}}"#;
    let (url, _) = stand_in(504, slow, true).await;
    let link = joined(&url, "t");
    let zenoti = client(&sandbox, &link);
    assert!(zenoti.list_centers().await.is_err());
    assert_eq!(link.state(), HubState::Connected);
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 1, "not sent around the hub");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_that_does_not_answer_a_read_in_time_is_bypassed() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let link = joined(&url, "t");
    let mut config = ClientConfig::new(
        sandbox.base_url().parse().unwrap(),
        Credentials::ApiKey(SecretString::from("demo-frontdesk-key")),
    );
    config.hub = Some(link.clone());
    config.retry.max_retries = 0;
    config.timeout = std::time::Duration::from_millis(500);
    let zenoti = Client::new(config).unwrap();
    assert!(!zenoti.list_centers().await.unwrap().is_empty());
    assert_eq!(link.state(), HubState::Offline);
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_whose_database_is_away_is_bypassed_and_used_again_once_back() {
    let db = TestDb::postgres();
    let TestDb::Postgres(pg) = &db else { unreachable!() };
    let logs = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &[], logs.path());
    let token = enroll(&hub.url(), &add_desk(&db.url(), "desk", None)).await;
    let link = joined(&hub.url(), &token);
    let zenoti = client(&sandbox, &link);
    zenoti.list_centers().await.unwrap();
    let forwarded = || async {
        let metrics = reqwest::get(format!("{}/metrics", hub.url())).await.unwrap().text().await.unwrap();
        metrics.lines().find(|l| l.starts_with("frontdesk_hub_forwarded_total ")).unwrap().to_owned()
    };
    assert_eq!(forwarded().await, "frontdesk_hub_forwarded_total 1");
    pg.stop();
    // The hub refuses before forwarding (503 database_unavailable): straight to Zenoti.
    zenoti.list_centers().await.unwrap();
    assert_eq!(link.state(), HubState::Offline);
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 2);
    pg.restart();
    // Back (the desk's event stream says so): through the hub again.
    link.set_up(true);
    zenoti.list_centers().await.unwrap();
    assert_eq!(forwarded().await, "frontdesk_hub_forwarded_total 2");
    assert_eq!(link.state(), HubState::Connected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxys_5xx_sends_a_read_again_directly_but_never_a_write() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let (url, seen) = stand_in(504, "<html>Gateway Timeout</html>", false).await;
    let link = joined(&url, "t");
    let zenoti = client(&sandbox, &link);
    let invoice = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
    let request = zenoti::RedeemRequest {
        points: 10.into(),
        center_id: invoice.center_id.clone(),
        program_id: None,
        cash_register_id: "r".into(),
        redeem_across_programs: 1,
        otp: None,
    };
    let lost = zenoti.with_priority(Priority::Payment).redeem_points(&invoice.id, &request).await;
    assert!(lost.is_err(), "the payment's answer is lost, not replaced: {lost:?}");
    assert!(
        sandbox.requests_to(&format!("/v1/invoices/{}/payments", invoice.id)).is_empty(),
        "never sent around the proxy"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(link.state(), HubState::Offline);
    // A read after a proxy's 5xx goes to Zenoti directly.
    link.set_up(true);
    zenoti.get_invoice(&invoice.id).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!(sandbox.requests_to(&format!("/v1/invoices/{}", invoice.id)).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn zenotis_own_errors_through_the_hub_are_zenotis_answers_not_a_hub_failure() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let (url, _) = stand_in(502, r#"{"error":{"code":502,"message":"invalid center_id."}}"#, true).await;
    let link = joined(&url, "t");
    let zenoti = client(&sandbox, &link);
    let err = zenoti.list_centers().await.unwrap_err();
    assert!(err.to_string().contains("invalid center_id"), "{err}");
    assert_eq!(link.state(), HubState::Connected);
    assert!(sandbox.requests_to("/v1/centers").is_empty());
}
