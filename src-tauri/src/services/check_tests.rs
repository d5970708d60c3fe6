//! Settings → Check connection through the app's commands: against a sandbox reshaped the
//! ways a real organization's Zenoti may differ, the check settles the readings, the app then
//! works with them (also after a restart), and the diagnostics log and the support bundle keep
//! the shape of each surprise and none of its values.

use std::io::Read;
use std::time::Duration;

use serde_json::json;
use zenoti::{InvoiceSearch, RedeemablePath, UnexpectedKind, Verdict};
use zenoti_sandbox::{Config, Fault, FaultAction, Sandbox, DEMO_API_KEY};

use crate::settings::CenterChoice;
use crate::testing::{self, TestHost};

/// Values planted in the answers: none may be kept anywhere.
const NAME: &str = "Rosalind Quarrington";
const AMOUNT: &str = "987.65";
const PHONE: &str = "555 123 4567";
/// Digits where an id is read: a strict field of another type fails the call, and its error
/// (logged) must not carry them.
const DIGITS: u64 = 5_551_234_567;

#[tokio::test]
async fn the_check_settles_readings_the_app_then_uses_and_keeps_only_shapes() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The app's log, as the support bundle carries it (this test's thread logs there).
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let log_file = std::fs::File::create(logs.join("frontdesk.log")).unwrap();
    let _logging = tracing::subscriber::set_default(
        tracing_subscriber::fmt().with_writer(std::sync::Mutex::new(log_file)).with_ansi(false).finish(),
    );
    let app = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), testing::CHECK_WINDOW).await;
    let center = sandbox.guest(1).1;
    app.select_center(CenterChoice { id: center.clone(), name: "Lakeside".into(), currency: None, culture: None })
        .await
        .unwrap();
    let first = app.find_invoices(center.clone(), None).await.unwrap()[0].clone();
    let printed = first.invoice_no.clone().unwrap();
    let prefix: String = printed.chars().take_while(|c| !c.is_ascii_digit()).collect();

    // This organization: the redeemable read under /v1/invoices, a search that ignores the
    // prefix, and answers with fields of other types and an unknown enum value.
    sandbox.inject(
        Fault::new("GET", "/v1/guests/", 99, FaultAction::not_found("/v1/guests/…/redeemable"))
            .with_query("redeem_across_programs="),
    );
    sandbox.inject(
        Fault::new(
            "GET",
            &format!("/v1/centers/{center}/invoices"),
            99,
            FaultAction::respond(200, r#"{"invoices":[]}"#),
        )
        .with_query(&format!("search_text={prefix}")),
    );
    let packages = format!("/v1/centers/{center}/packages");
    sandbox.inject(Fault::new("GET", &packages, 1, FaultAction::set_value("/packages/0/type", json!(99))));
    let invoice = format!("/v1/invoices/{}", first.invoice_id);
    sandbox.inject(Fault::new(
        "GET",
        &invoice,
        1,
        FaultAction::set_value("/invoice/guest/first_name", json!({ "text": NAME })),
    ));
    assert!(app.redeemable_points(first.invoice_id.clone()).await.is_err(), "the documented path is gone");

    let report = app.check_connection().await.unwrap();
    assert_eq!(report.verdict, Verdict::WorksWithDifferences, "{report:#?}");
    assert_eq!(report.readings.redeemable_points, RedeemablePath::Invoices);
    assert_eq!(report.readings.invoice_search, InvoiceSearch::WithoutPrefix);
    assert_eq!(report.center.as_deref(), Some("Serenity Med Spa - Lakeside"));

    // The app now works with what the check found.
    assert!(app.redeemable_points(first.invoice_id.clone()).await.is_ok());
    let found = app.find_invoices(center.clone(), Some(printed.clone())).await.unwrap();
    assert!(found.iter().any(|i| i.invoice_id == first.invoice_id), "the printed number finds the invoice");

    // Surprises met in normal use are kept too: an amount and a phone of other types.
    sandbox.inject(Fault::new(
        "GET",
        &invoice,
        1,
        FaultAction::set_value("/invoice/guest/mobile_phone", json!([PHONE])),
    ));
    sandbox.inject(Fault::new(
        "GET",
        &packages,
        1,
        FaultAction::set_value("/packages/0/centers/0/sale_price", json!({ "amount": AMOUNT })),
    ));
    app.get_invoice(first.invoice_id.clone()).await.unwrap();
    app.open_catalog(center.clone()).await.unwrap();
    // And one that fails the call: an id of another type (a number where text is read).
    sandbox.inject(Fault::new("GET", &invoice, 1, FaultAction::set_value("/invoice/id", json!(DIGITS))));
    assert!(app.get_invoice(first.invoice_id.clone()).await.is_err());

    let log = app.diagnostics();
    let seen =
        |path: &str| log.iter().find(|e| e.unexpected.path == path).unwrap_or_else(|| panic!("{path}: {log:#?}"));
    // One entry per surprise wherever it sits in a list: `packages[].type`.
    let e = seen("packages[].type");
    assert_eq!((e.unexpected.kind, e.unexpected.value.as_deref()), (UnexpectedKind::UnknownValue, Some("99")));
    assert_eq!(e.unexpected.endpoint, "GET /v1/centers/{id}/packages");
    let e = seen("invoice.guest.first_name");
    assert_eq!(
        (e.unexpected.kind, e.unexpected.found.as_str(), e.unexpected.value.as_deref()),
        (UnexpectedKind::Tolerated, "an object", None)
    );
    assert_eq!(e.unexpected.endpoint, "GET /v1/invoices/{id}");
    assert_eq!(seen("invoice.guest.mobile_phone").unexpected.found, "a list");
    assert_eq!(seen("packages[].centers[].sale_price").unexpected.found, "an object");
    let failed = seen("invoice.id");
    assert_eq!((failed.unexpected.kind, failed.unexpected.found.as_str()), (UnexpectedKind::Undecodable, "a number"));

    // The bundle carries the diagnostics and the app's log; nothing in it holds a planted
    // value or the key.
    let about = crate::support::About {
        build: crate::support::BuildInfo::new("0.0.0"),
        base_url: None,
        mode: None,
        log_dir: "logs".into(),
    };
    let diagnostics = dir.path().join(crate::diagnostics::FILE_NAME);
    let bundle = crate::support::write_bundle(
        &dir.path().join("bundle.zip"),
        &logs,
        &dir.path().join("settings.json"),
        &diagnostics,
        &about,
    )
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let mut in_bundle = String::new();
    zip.by_name("diagnostics.json").unwrap().read_to_string(&mut in_bundle).unwrap();
    let on_disk = std::fs::read_to_string(&diagnostics).unwrap();
    assert_eq!(in_bundle, on_disk);
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    let app_log = std::fs::read_to_string(logs.join("frontdesk.log")).unwrap();
    assert!(app_log.contains("invoice.id"), "the log says where the failed answer went wrong: {app_log}");
    let mut whole_bundle = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        whole_bundle.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert!(whole_bundle.contains("invoice.id"), "the bundle carries the log");
    let digits = DIGITS.to_string();
    for (what, text) in
        [("diagnostics", &on_disk), ("settings", &settings), ("log", &app_log), ("bundle", &whole_bundle)]
    {
        for secret in [NAME, AMOUNT, PHONE, digits.as_str(), DEMO_API_KEY] {
            assert!(!text.contains(secret), "{secret} kept in the {what}: {text}");
        }
    }
    assert!(settings.contains("\"without_prefix\"") && settings.contains("\"invoices\""), "{settings}");

    // Kept for this connection: after a restart the app reads by them at once.
    let again = super::tests::restarted(&app, dir.path());
    again.restore_session().await.unwrap().unwrap();
    let found = again.find_invoices(center.clone(), Some(printed)).await.unwrap();
    assert!(found.iter().any(|i| i.invoice_id == first.invoice_id));
    assert!(again.redeemable_points(first.invoice_id.clone()).await.is_ok());
    assert!(!again.diagnostics().is_empty(), "the log survives a restart");
    again.clear_diagnostics().unwrap();
    assert!(again.diagnostics().is_empty());
}

#[tokio::test]
async fn the_demo_checks_as_expected() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::new(dir.path(), testing::tuning(Duration::from_secs(5), None));
    app.start_demo().await.unwrap();
    let report = app.check_connection().await.unwrap();
    assert_eq!(report.verdict, Verdict::AsExpected, "{report:#?}");
    assert!(app.diagnostics().is_empty());
}

#[tokio::test]
async fn the_check_needs_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::new(dir.path(), testing::tuning(Duration::from_secs(5), None));
    assert_eq!(app.check_connection().await.unwrap_err().code, crate::error::ErrorCode::NotSignedIn);
}

/// A first contact that cannot sign in (the centers answer does not read, or the key is
/// refused): the check runs from the sign-in screen with what was typed, says where, and keeps
/// nothing but the shape of the surprise.
#[tokio::test]
async fn the_check_runs_before_sign_in_when_signing_in_fails() {
    use crate::services::connection::SignInRequest;
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::new(dir.path(), testing::tuning(Duration::from_secs(5), None));
    let request = || SignInRequest::ApiKey { base_url: sandbox.base_url(), api_key: DEMO_API_KEY.to_owned().into() };
    sandbox.inject(Fault::new("GET", "/v1/centers", 2, FaultAction::set_value("/centers/0/id", json!(DIGITS))));
    let refused = app.sign_in(request()).await.unwrap_err();
    assert_eq!(refused.code, crate::error::ErrorCode::UnexpectedResponse);

    let report = app.check_connection_before_sign_in(request()).await.unwrap();
    assert_eq!(report.verdict, Verdict::Problems);
    let centers = &report.probes[0];
    assert_eq!(centers.outcome, zenoti::ProbeOutcome::Failed);
    assert!(centers.words.contains("`centers[0].id`"), "{centers:?}");
    assert_eq!(
        (centers.unexpected[0].path.as_str(), centers.unexpected[0].found.as_str()),
        ("centers[0].id", "a number")
    );
    assert!(app.diagnostics().iter().any(|e| e.unexpected.path == "centers[].id"));
    // Nothing signed in, nothing in the keychain, no value kept.
    assert_eq!(app.check_connection().await.unwrap_err().code, crate::error::ErrorCode::NotSignedIn);
    assert!(app.connection().secrets().load().unwrap().is_none());
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap_or_default();
    assert!(!settings.contains(DEMO_API_KEY) && !settings.contains(&DIGITS.to_string()), "{settings}");

    // A refused key: a clear row each, and still nothing kept.
    let wrong = SignInRequest::ApiKey { base_url: sandbox.base_url(), api_key: "not-the-key".to_owned().into() };
    let report = app.check_connection_before_sign_in(wrong).await.unwrap();
    assert!(report.probes[0].words.starts_with("Zenoti refused the credentials"), "{:?}", report.probes[0]);
    assert!(app.connection().secrets().load().unwrap().is_none());
    // An address that is not one is refused before anything is sent.
    let bad = SignInRequest::ApiKey { base_url: "not a url".into(), api_key: "k".to_owned().into() };
    assert_eq!(app.check_connection_before_sign_in(bad).await.unwrap_err().code, crate::error::ErrorCode::InvalidInput);
}
