//! The hub when things around it fail: its database unreachable at start or mid-run, Zenoti down
//! or slow; and what it must never keep: the API key, desk tokens and enrollment codes are
//! searched for in its logs and its database after a run.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use zenoti_sandbox::{Config, Fault, FaultAction, Sandbox};

#[test]
fn an_unreachable_database_at_start_is_a_clear_message_and_exit_code_3() {
    let port = free_port();
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("FRONTDESK_HUB_DATABASE", format!("postgres://hub:pw-not-to-show@127.0.0.1:{port}/hub"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("cannot open the hub's database postgres://hub:***@127.0.0.1"), "{stderr}");
    assert!(stderr.contains("Check that the database server is running"), "{stderr}");
    assert!(!stderr.contains("pw-not-to-show"), "the password is never shown: {stderr}");
    assert!(started.elapsed() < Duration::from_secs(20));
    // A URL that is no database at all.
    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"))
        .args(["desks", "list", "--database", "mysql://x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither sqlite://FILE nor postgres://"));
    // A SQLite file in a folder that does not exist.
    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"))
        .args(["desks", "list", "--database", "sqlite:///nonexistent/dir/hub.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_lost_mid_run_gives_503s_and_the_hub_recovers_when_it_returns() {
    let db = TestDb::postgres();
    let TestDb::Postgres(pg) = &db else { unreachable!() };
    let logs = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &[], logs.path());
    let token = enroll(&hub.url(), &add_desk(&db.url(), "desk", None)).await;
    let webhook = webhook_url(&db.url(), &hub.url());
    let desk = || async {
        reqwest::Client::new()
            .get(format!("{}/hub/v1/desk", hub.url()))
            .header("authorization", format!("Desk {token}"))
            .send()
            .await
            .unwrap()
    };
    assert_eq!(desk().await.status(), 200);

    pg.stop();
    let started = Instant::now();
    let answer = desk().await;
    assert_eq!(answer.status(), 503);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["hub_code"], "database_unavailable");
    assert!(started.elapsed() < Duration::from_secs(10), "503 quickly, not a hang: {:?}", started.elapsed());
    assert_eq!(reqwest::get(format!("{}/healthz", hub.url())).await.unwrap().status(), 503);
    // A webhook that cannot be stored is not acknowledged: Zenoti will deliver it again.
    let event = serde_json::to_vec(&package_event("during-outage", "C")).unwrap();
    let posted = reqwest::Client::new().post(&webhook).body(event.clone()).send().await.unwrap();
    assert_eq!(posted.status(), 503);
    let metrics = reqwest::get(format!("{}/metrics", hub.url())).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("frontdesk_hub_database_up 0"), "{metrics}");

    pg.restart();
    let back = Instant::now();
    loop {
        if desk().await.status() == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(30), "the hub did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(reqwest::get(format!("{}/healthz", hub.url())).await.unwrap().status(), 200);
    // Zenoti's retry is stored now, once.
    let posted = reqwest::Client::new().post(&webhook).body(event).send().await.unwrap();
    assert_eq!(posted.json::<Value>().await.unwrap()["status"], "stored");
}

#[tokio::test(flavor = "multi_thread")]
async fn zenoti_down_or_slow_gives_zenoti_like_errors_quickly() {
    for make in TestDb::both() {
        zenoti_down_or_slow_on(make()).await;
    }
}

async fn zenoti_down_or_slow_on(db: TestDb) {
    let logs = tempfile::tempdir().unwrap();
    // Nothing listens there.
    let down = format!("http://127.0.0.1:{}", free_port());
    let hub = HubProcess::start(&db.url(), &down, &[], logs.path());
    let token = enroll(&hub.url(), &add_desk(&db.url(), "desk", None)).await;
    let call = |hub: String, token: String| async move {
        let started = Instant::now();
        let r = reqwest::Client::new()
            .get(format!("{hub}/zenoti/v1/centers"))
            .header("authorization", format!("Desk {token}"))
            .header("x-zenoti-authorization", "apikey demo-frontdesk-key")
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        (status, body, started.elapsed())
    };
    let (status, body, took) = call(hub.url(), token.clone()).await;
    assert_eq!((status, body["error"]["hub_code"].as_str()), (503, Some("zenoti_unreachable")));
    assert_eq!(body["error"]["code"], 503, "Zenoti's error shape");
    assert!(body["error"]["message"].as_str().unwrap().contains("nothing was sent"));
    assert!(took < Duration::from_secs(10), "{took:?}");

    // Zenoti answering slower than the hub waits: 504, "check before trying again".
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    sandbox.inject(Fault::new("GET", "/v1/centers", 1, FaultAction::Delay { ms: 3000 }));
    let slow = HubProcess::start(&db.url(), &sandbox.base_url(), &["--zenoti-timeout-ms", "500"], logs.path());
    let (status, body, took) = call(slow.url(), token).await;
    assert_eq!((status, body["error"]["hub_code"].as_str()), (504, Some("zenoti_no_answer")));
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_logs_or_the_database() {
    const API_KEY: &str = "scan-api-key-5e1f9c27";
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::start_local(Config { api_key: API_KEY.into(), ..Config::default() }).await.unwrap();
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &[], logs.path());
        let codes = [add_desk(&db.url(), "desk 1", None), add_desk(&db.url(), "desk 2", Some("C"))];
        let mut tokens = Vec::new();
        for code in &codes {
            tokens.push(enroll(&hub.url(), code).await);
        }
        let unused_code = add_desk(&db.url(), "desk 3", None);
        let http = reqwest::Client::new();
        let auth = format!("apikey {API_KEY}");
        let center = sandbox.center_ids()[0].clone();
        let invoice = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
        for path in [
            "v1/centers".to_owned(),
            format!("v1/centers/{center}/packages?page=1&size=10"),
            format!("v1/invoices/{}", invoice.id),
        ] {
            for token in &tokens {
                let r = http
                    .get(format!("{}/zenoti/{path}", hub.url()))
                    .header("authorization", format!("Desk {token}"))
                    .header("x-zenoti-authorization", &auth)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{path}");
            }
        }
        let lease: Value = http
            .post(format!("{}/hub/v1/leases", hub.url()))
            .header("authorization", format!("Desk {}", tokens[0]))
            .json(&json!({"invoice_id": invoice.id, "employee": "Maria"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let _ = http
            .post(format!("{}/zenoti/v1/invoices/{}/payments/loyalty_points", hub.url(), invoice.id))
            .header("authorization", format!("Desk {}", tokens[0]))
            .header("x-zenoti-authorization", &auth)
            .json(&json!({"points": 1}))
            .send()
            .await
            .unwrap();
        assert!(lease["lease"].is_string());
        let _ = http
            .post(webhook_url(&db.url(), &hub.url()))
            .body(serde_json::to_vec(&package_event("E1", "C")).unwrap())
            .send()
            .await
            .unwrap();
        let _ = http
            .get(format!("{}/hub/v1/desk", hub.url()))
            .header("authorization", "Desk wrong-token-guess")
            .send()
            .await
            .unwrap();
        let _ = http.get(format!("{}/metrics", hub.url())).send().await.unwrap();
        // Let the logs reach the file.
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(hub);

        let log = std::fs::read_dir(logs.path())
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect::<String>();
        assert!(log.contains("desk enrolled"), "the log is the hub's: {log}");
        let stored = db.dump();
        assert!(stored.contains("desk 1"), "the dump is the hub's database");
        let normalized = |code: &str| code.replace('-', "");
        // The webhook URL's secret path authenticates Zenoti: it stays in the database only.
        let webhook = webhook_url(&db.url(), "https://hub.example.com");
        let webhook_secret = webhook.rsplit('/').next().unwrap().to_owned();
        assert!(webhook_secret.len() >= 32, "{webhook}");
        assert!(!log.contains(&webhook_secret), "the webhook secret found in the hub's log ({})", db.name());
        let mut secrets = vec![API_KEY.to_owned(), auth.clone()];
        secrets.extend(tokens.iter().cloned());
        for code in codes.iter().chain([&unused_code]) {
            secrets.push(code.clone());
            secrets.push(normalized(code));
        }
        for secret in &secrets {
            assert!(!log.contains(secret.as_str()), "{} found in the hub's log ({})", secret, db.name());
            assert!(!stored.contains(secret.as_str()), "{} found in the hub's database ({})", secret, db.name());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_the_hub_even_with_desks_listening() {
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let mut hub = HubProcess::start(&db.url(), "http://127.0.0.1:9", &[], logs.path());
        let token = enroll(&hub.url(), &add_desk(&db.url(), "desk", None)).await;
        let _stream = SseClient::connect(&hub.url(), &token, None).await.unwrap();
        let status = Command::new("kill").args(["-TERM", &hub.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(exit) = hub.child.try_wait().unwrap() {
                assert!(exit.success(), "{exit:?} ({})", db.name());
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(15), "the hub did not stop ({})", db.name());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
