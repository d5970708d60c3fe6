//! The commands over the connection, the idle lock, the workstation settings and the catalog,
//! through the test host, against the sandbox.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::Value;
use zenoti_sandbox::{Config, Sandbox};

use crate::catalog;
use crate::error::ErrorCode;
use crate::secrets::SavedCredentials;
use crate::services::connection::{SessionMode, SignInRequest};
use crate::services::idle_lock::MAX_UNLOCK_TRIES;
use crate::settings::{CenterChoice, SignInMethod};
use crate::testing::{self, TestHost};

fn state(dir: &std::path::Path) -> TestHost {
    TestHost::new(dir, testing::tuning(Duration::from_secs(5), None))
}

fn api_key_request(base_url: &str, key: &str) -> SignInRequest {
    SignInRequest::ApiKey { base_url: base_url.into(), api_key: key.to_owned().into() }
}

#[tokio::test]
async fn api_key_sign_in_saves_to_the_keychain_and_lists() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let info = app.sign_in(api_key_request(&sandbox.base_url(), "  demo-frontdesk-key ")).await.unwrap();
    assert_eq!(info.mode, SessionMode::ApiKey);
    assert_eq!(info.center, None);
    match app.connection().secrets().load().unwrap() {
        Some((SavedCredentials::ApiKey { api_key, .. }, _)) => {
            assert_eq!(api_key.expose_secret(), "demo-frontdesk-key")
        }
        other => panic!("{other:?}"),
    }
    let centers = app.list_centers().await.unwrap();
    let first = &centers[0];
    let choice = CenterChoice {
        id: first.id.clone(),
        name: first.label().into(),
        currency: Some("USD".into()),
        culture: Some("en-US".into()),
    };
    let info = app.select_center(choice.clone()).await.unwrap();
    assert_eq!(info.center, Some(choice));
    assert_eq!(app.list_categories(first.id.clone()).await.unwrap().len(), 5);

    let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(!settings.contains("demo-frontdesk-key"), "the key leaked into settings");
    assert!(settings.contains(&sandbox.base_url()));

    app.sign_out().await.unwrap();
    assert!(app.connection().secrets().load().unwrap().is_none());
    assert_eq!(app.list_centers().await.unwrap_err().code, ErrorCode::NotSignedIn);
}

#[tokio::test]
async fn saved_credentials_restore_the_session_and_its_center() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let account = &sandbox.config().employee;
    app.connection()
        .secrets()
        .save(&SavedCredentials::Employee {
            base_url: sandbox.base_url(),
            account_name: account.account_name.clone(),
            user_name: account.user_name.clone(),
            password: account.password.clone().into(),
            app_id: account.app_id.clone(),
            app_secret: account.app_secret.clone().into(),
        })
        .unwrap();
    let info = app.restore_session().await.unwrap().unwrap();
    assert_eq!(info.mode, SessionMode::Employee);
    assert_eq!(info.user_name.as_deref(), Some("frontdesk"));
    assert!(sandbox.requests_to("/v1/").is_empty(), "restoring sends nothing");
    assert!(!app.list_centers().await.unwrap().is_empty());
    assert_eq!(sandbox.stats().password_grants, 1);
}

#[tokio::test]
async fn nothing_saved_means_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    assert_eq!(app.restore_session().await.unwrap(), None);
}

#[tokio::test]
async fn bad_input_is_refused_before_sending_and_nothing_is_saved() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let base = sandbox.base_url();
    let cases = [
        api_key_request(&base, ""),
        api_key_request(&base, "   "),
        api_key_request(&base, "two words"),
        api_key_request("", "demo-frontdesk-key"),
        api_key_request("api.zenoti.com", "demo-frontdesk-key"),
        api_key_request("http://api.zenoti.com", "demo-frontdesk-key"),
        SignInRequest::Employee {
            base_url: base.clone(),
            account_name: " ".into(),
            user_name: "frontdesk".into(),
            password: "demo-pass".to_owned().into(),
            app_id: "x".into(),
            app_secret: "y".to_owned().into(),
        },
        SignInRequest::Employee {
            base_url: base.clone(),
            account_name: "serenity".into(),
            user_name: "frontdesk".into(),
            password: "".to_owned().into(),
            app_id: "x".into(),
            app_secret: "y".to_owned().into(),
        },
    ];
    for request in cases {
        let err = app.sign_in(request).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
        assert!(!err.message.is_empty());
    }
    assert!(sandbox.stats().requests.is_empty(), "a request was sent");
    assert!(app.connection().secrets().load().unwrap().is_none());
    assert!(!dir.path().join("settings.json").exists());
}

#[tokio::test]
async fn a_refused_key_or_a_dead_server_saves_nothing() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let err = app.sign_in(api_key_request(&sandbox.base_url(), "wrong-key")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(err.message.contains("Authorization has been denied"));

    let dead = sandbox.base_url();
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = app.sign_in(api_key_request(&dead, "demo-frontdesk-key")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Network, "{err:?}");
    assert!(app.connection().secrets().load().unwrap().is_none());
    assert_eq!(app.restore_session().await.unwrap(), None);
}

#[tokio::test]
async fn employee_sign_in_keeps_no_secret_in_settings() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let account = sandbox.config().employee.clone();
    let info = app
        .sign_in(SignInRequest::Employee {
            base_url: sandbox.base_url(),
            account_name: account.account_name.clone(),
            user_name: account.user_name.clone(),
            password: account.password.clone().into(),
            app_id: account.app_id.clone(),
            app_secret: account.app_secret.clone().into(),
        })
        .await
        .unwrap();
    assert_eq!(info.mode, SessionMode::Employee);
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(settings.contains("\"user_name\": \"frontdesk\""));
    assert!(!settings.contains(&account.password) && !settings.contains(&account.app_secret));
    assert_eq!(app.app_settings().sign_in_hint.method, Some(SignInMethod::Employee));
}

#[tokio::test]
async fn the_demo_runs_without_credentials_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let info = app.start_demo().await.unwrap();
    assert_eq!(info.mode, SessionMode::Demo);
    assert!(info.base_url.starts_with("http://127.0.0.1:"));
    let centers = app.list_centers().await.unwrap();
    assert!(centers.len() >= 3);
    assert!(app.connection().secrets().load().unwrap().is_none());
    app.sign_out().await.unwrap();
    // The demo server stopped with the session.
    assert!(reqwest_free_get(&info.base_url).await.is_err());
}

/// The kinds of catalog events, as the UI receives them.
fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_catalog_streams_then_reopens_from_disk_and_survives_an_outage() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    app.sign_in(api_key_request(&sandbox.base_url(), "demo-frontdesk-key")).await.unwrap();
    // The largest catalog: 1,240 packages.
    let center = sandbox.organization().center_named("Serenity Day Spa - Downtown").unwrap().id.clone();

    let events = app.open_catalog(center.clone()).await.unwrap();
    let k = kinds(&events);
    assert_eq!(k.first(), Some(&"progress"), "no cache yet: the first page comes first");
    assert_eq!(k.last(), Some(&"done"));
    assert_eq!(k.iter().filter(|k| **k == "progress").count(), 13);
    let mut streamed = 0;
    for e in events.iter().filter(|e| e["kind"] == "progress") {
        let packages = e["packages"].as_array().unwrap();
        streamed += packages.len();
        for p in packages {
            let html = p["html_description"].as_str().unwrap_or("");
            assert!(!html.contains("<script") && !html.contains("onerror") && !html.contains("<img"), "{html}");
        }
    }
    assert_eq!(streamed, 1240);
    let done = events.last().unwrap();
    assert_eq!((done["loaded"].as_u64(), done["total"].as_u64()), (Some(1240), Some(1240)));
    assert!(done["missing_pages"].as_array().unwrap().is_empty() && done["error"].is_null(), "{done}");

    // Reopened: the saved copy first, then a fresh one.
    let again = app.open_catalog(center.clone()).await.unwrap();
    assert_eq!(again[0]["kind"], "cached");
    assert_eq!(again[0]["packages"].as_array().unwrap().len(), 1240);
    let cache_text =
        std::fs::read_to_string(catalog::cache_path(&dir.path().join("catalog"), &sandbox.base_url(), &center))
            .unwrap();
    assert!(!cache_text.contains("demo-frontdesk-key"));

    // Zenoti down: the saved copy, then a clear failure.
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let offline = app.open_catalog(center).await.unwrap();
    assert_eq!(kinds(&offline), vec!["cached", "failed"]);
    assert_eq!(offline[1]["error"]["code"], "network");
}

#[tokio::test]
async fn a_catalog_with_a_missing_page_says_so_and_is_not_cached() {
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    app.start_demo().await.unwrap();
    // The largest catalog: 1,240 packages.
    let centers = app.list_centers().await.unwrap();
    let center = centers.iter().find(|c| c.label() == "Serenity Day Spa - Downtown").unwrap().id.clone();
    // The demo's own sandbox is inside the session; reach it to break page 4.
    let base = app.connection().info().await.unwrap().base_url;
    reqwest_post_fault(&base, r#"{"method":"GET","path_prefix":"/v1/centers/","query_contains":"page=4&","times":100,"action":{"kind":"respond","status":503,"body":""}}"#).await;
    let events = app.open_catalog(center.clone()).await.unwrap();
    let done = events.last().unwrap();
    assert_eq!(done["kind"], "done");
    assert_eq!((done["loaded"].as_u64(), done["total"].as_u64()), (Some(1140), Some(1240)));
    assert_eq!(done["missing_pages"], serde_json::json!([4]));
    let message = done["error"]["message"].as_str().unwrap();
    assert!(message.contains("100 of 1240 packages could not be loaded"), "{message}");
    assert!(!catalog::cache_path(&dir.path().join("catalog"), "demo", &center).exists());
}

/// Adds a sandbox fault over HTTP, as the end-to-end tests do.
async fn reqwest_post_fault(base: &str, body: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    let request = format!(
        "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
}

async fn reqwest_free_get(base: &str) -> std::io::Result<()> {
    let addr = base.trim_start_matches("http://");
    tokio::net::TcpStream::connect(addr).await.map(|_| ())
}

/// The app started again on this workstation: same folder, same keychain contents (keyring's
/// mock keeps a secret only in the entry that wrote it, so they are carried over).
pub(super) fn restarted(app: &TestHost, dir: &std::path::Path) -> TestHost {
    let again = state(dir);
    if let Some((saved, lock)) = app.connection().secrets().load().unwrap() {
        again.connection().secrets().save(&saved).unwrap();
        again.connection().secrets().save_lock(lock).unwrap();
    }
    again
}

fn employee_request(sandbox: &Sandbox, password: &str) -> SignInRequest {
    let account = sandbox.config().employee.clone();
    SignInRequest::Employee {
        base_url: sandbox.base_url(),
        account_name: account.account_name,
        user_name: account.user_name,
        password: password.to_owned().into(),
        app_id: account.app_id,
        app_secret: account.app_secret.into(),
    }
}

#[tokio::test]
async fn a_locked_workstation_refuses_work_until_the_password_unlocks_it() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let password = sandbox.config().employee.password.clone();
    app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
    let info = app.lock().await.unwrap();
    assert!(info.locked && info.can_unlock);
    let before = sandbox.stats().requests.len();
    assert_eq!(app.list_centers().await.unwrap_err().code, ErrorCode::Locked);
    assert_eq!(app.find_invoices("c".into(), None).await.unwrap_err().code, ErrorCode::Locked);
    assert_eq!(sandbox.stats().requests.len(), before, "nothing reached Zenoti while locked");

    let wrong = app.unlock("not-it".to_owned().into()).await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::UnlockRefused);
    assert!(wrong.message.contains("4 tries left"), "{}", wrong.message);
    // A restart does not get around the lock.
    assert!(restarted(&app, dir.path()).restore_session().await.unwrap().unwrap().locked);

    let info = app.unlock(password.into()).await.unwrap();
    assert!(!info.locked);
    app.list_centers().await.unwrap();
    assert!(!restarted(&app, dir.path()).restore_session().await.unwrap().unwrap().locked);
}

#[tokio::test]
async fn the_lock_and_its_wrong_tries_survive_a_restart_and_a_settings_file_cannot_undo_them() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let password = sandbox.config().employee.password.clone();
    app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
    app.lock().await.unwrap();
    for _ in 0..2 {
        app.unlock("wrong".to_owned().into()).await.unwrap_err();
    }
    // Someone edits the settings file to undo the lock, then restarts the app.
    let path = dir.path().join("settings.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("locked"), "the lock is not in the settings file: {text}");
    std::fs::write(&path, text.replace('{', r#"{"locked": false, "failed_tries": 0, "#)).unwrap();
    let again = restarted(&app, dir.path());
    assert!(again.restore_session().await.unwrap().unwrap().locked);
    assert_eq!(again.list_centers().await.unwrap_err().code, ErrorCode::Locked);
    let wrong = again.unlock("wrong".to_owned().into()).await.unwrap_err();
    assert!(wrong.message.contains("2 tries left"), "the earlier tries still count: {}", wrong.message);
    // While locked: no demo, no settings, no exports.
    let refused = [
        again.start_demo().await.err(),
        again.set_cash_register("r".into()).err(),
        again.set_idle_lock_minutes(0).err(),
        again.set_payment_check_seconds(30).err(),
        again.set_update_endpoint(String::new()).err(),
        again.export_audit_csv(dir.path()).await.err(),
        again.list_centers().await.err(),
        again.demo_codes().await.err(),
        again.sign_in(employee_request(&sandbox, &password)).await.err(),
    ];
    for (i, err) in refused.into_iter().enumerate() {
        assert_eq!(err.map(|e| e.code), Some(ErrorCode::Locked), "case {i}");
    }
    assert_eq!(again.app_settings().idle_lock_minutes, 10);
    again.unlock(password.into()).await.unwrap();
    assert!(!restarted(&again, dir.path()).restore_session().await.unwrap().unwrap().locked);
}

#[tokio::test]
async fn a_sign_out_that_cannot_remove_the_saved_sign_in_says_so_and_stays_locked() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let password = sandbox.config().employee.password.clone();
    app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
    app.lock().await.unwrap();
    app.connection().secrets().fail_next(keyring::Error::NoStorageAccess("locked".into()));
    let err = app.sign_out().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::KeychainLocked);
    assert!(err.message.contains("still signed in"), "{}", err.message);
    assert_eq!(app.list_centers().await.unwrap_err().code, ErrorCode::Locked, "the lock was cleared");
    assert!(app.connection().secrets().load().unwrap().is_some());
    app.sign_out().await.unwrap();
    assert!(app.connection().secrets().load().unwrap().is_none());
}

#[tokio::test]
async fn five_wrong_tries_sign_out_and_remove_the_saved_sign_in() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let password = sandbox.config().employee.password.clone();
    app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
    app.lock().await.unwrap();
    for _ in 0..MAX_UNLOCK_TRIES - 1 {
        assert_eq!(app.unlock("wrong".to_owned().into()).await.unwrap_err().code, ErrorCode::UnlockRefused);
    }
    let last = app.unlock("wrong".to_owned().into()).await.unwrap_err();
    assert_eq!(last.code, ErrorCode::NotSignedIn);
    assert!(app.connection().secrets().load().unwrap().is_none(), "the keychain entry is gone");
    assert!(app.restore_session().await.unwrap().is_none());
    // Even the right password no longer helps: there is no session.
    assert_eq!(app.unlock(password.into()).await.unwrap_err().code, ErrorCode::NotSignedIn);
}

#[tokio::test]
async fn an_api_key_workstation_unlocks_with_its_pin_kept_in_the_keychain() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let info = app.sign_in(api_key_request(&sandbox.base_url(), "demo-frontdesk-key")).await.unwrap();
    assert!(!info.can_unlock, "no PIN yet: only signing out would undo a lock");
    for bad in ["12", "12345678901", "12ab"] {
        assert_eq!(app.set_workstation_pin(bad.to_owned().into()).await.unwrap_err().code, ErrorCode::InvalidInput);
    }
    assert!(app.set_workstation_pin("2468".to_owned().into()).await.unwrap().can_unlock);
    match app.connection().secrets().load().unwrap() {
        Some((SavedCredentials::ApiKey { pin_hash, .. }, _)) => {
            let hash = pin_hash.unwrap();
            assert!(hash.starts_with("$argon2id$") && !hash.contains("2468"), "{hash}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !std::fs::read_to_string(dir.path().join("settings.json")).unwrap().contains("2468"),
        "the PIN is not in the settings"
    );
    app.lock().await.unwrap();
    assert_eq!(app.unlock("1357".to_owned().into()).await.unwrap_err().code, ErrorCode::UnlockRefused);
    app.unlock("2468".to_owned().into()).await.unwrap();
    // After a restart the PIN comes back from the keychain.
    assert!(restarted(&app, dir.path()).restore_session().await.unwrap().unwrap().can_unlock);
}

#[tokio::test]
async fn the_demo_never_locks_and_the_idle_minutes_are_a_setting() {
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    assert_eq!(app.app_settings().idle_lock_minutes, 10);
    app.set_idle_lock_minutes(0).unwrap();
    assert_eq!(app.app_settings().idle_lock_minutes, 0);
    assert_eq!(app.set_idle_lock_minutes(241).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(app.app_settings().payment_check_seconds, 60);
    app.set_payment_check_seconds(90).unwrap();
    assert_eq!(app.app_settings().payment_check_seconds, 90);
    for bad in [0, 14, 601] {
        assert_eq!(app.set_payment_check_seconds(bad).unwrap_err().code, ErrorCode::InvalidInput);
    }
    for bad in ["http://updates.example/latest.json", "updates.example", "not a url"] {
        assert_eq!(app.set_update_endpoint(bad.into()).unwrap_err().code, ErrorCode::InvalidInput, "{bad}");
    }
    app.set_update_endpoint(" https://updates.example/latest.json ".into()).unwrap();
    assert_eq!(app.update_endpoint().as_deref(), Some("https://updates.example/latest.json"));
    app.set_update_endpoint(String::new()).unwrap();
    assert_eq!(app.update_endpoint(), None);
    app.start_demo().await.unwrap();
    assert!(!app.lock().await.unwrap().locked);
    app.list_centers().await.unwrap();
}

#[tokio::test]
async fn every_command_that_reaches_zenoti_is_refused_while_locked_and_sends_nothing() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = state(dir.path());
    let password = sandbox.config().employee.password.clone();
    app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
    app.lock().await.unwrap();
    let before = sandbox.stats().requests.len();
    let (c, g, i) = (|| "c".to_owned(), || "g".to_owned(), || "i".to_owned());
    let points = crate::redemption::points::RedeemPointsRequest {
        invoice_id: i(),
        guest_id: g(),
        program_id: None,
        points: "10".into(),
        otp: None,
    };
    let package = crate::redemption::package::RedeemPackageRequest {
        invoice_id: i(),
        center_id: c(),
        guest_id: g(),
        user_package_id: "p".into(),
        invoice_item_id: "l".into(),
        otp: None,
    };
    let codes = [
        ("list_centers", app.list_centers().await.err()),
        ("open_catalog", app.open_catalog(c()).await.err()),
        ("member_prices", app.member_prices(c(), g()).await.err()),
        ("gift_card_packages", app.gift_card_packages(c()).await.err()),
        ("list_categories", app.list_categories(c()).await.err()),
        ("search_guests", app.search_guests(c(), "Jane".into(), 1, false).await.err()),
        ("guest_packages", app.guest_packages(g(), c()).await.err()),
        ("package_details", app.package_details(g(), "p".into()).await.err()),
        ("find_invoices", app.find_invoices(c(), None).await.err()),
        ("get_invoice", app.get_invoice(i()).await.err()),
        ("redeemable_points", app.redeemable_points(i()).await.err()),
        ("quote_points", app.quote_points(points.clone()).await.err()),
        ("redeem_points", app.redeem_points(points, |_| ()).await.err()),
        ("redeem_package", app.redeem_package(package, |_| ()).await.err()),
        ("check_redemption", app.check_redemption("a".into()).await.err()),
        ("dismiss_redemption", app.dismiss_redemption("a".into()).await.err()),
        ("audit_log", app.audit_log().await.err()),
        (
            "select_center",
            app.select_center(CenterChoice { id: c(), name: "C".into(), currency: None, culture: None }).await.err(),
        ),
        ("demo_codes", app.demo_codes().await.err()),
    ];
    for (command, err) in codes {
        assert_eq!(err.map(|e| e.code), Some(ErrorCode::Locked), "{command}");
    }
    assert_eq!(sandbox.stats().requests.len(), before, "nothing reached Zenoti while locked");
}
