//! The connection check against the sandbox: as expected, with answers reshaped the ways a
//! real organization's Zenoti may differ (each reported precisely, the working reading picked
//! and then used), and with the sandbox down, slow, rate limiting or refusing the key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use zenoti::{
    CheckOptions, Client, ClientConfig, ConnectionReport, Credentials, EmployeeLogin, InvoiceSearch, Observer,
    ProbeOutcome, RedeemablePath, RetryPolicy, SecretString, Unexpected, UnexpectedKind, Verdict, MAX_CHECK_CALLS,
};
use zenoti_sandbox::{Config, Fault, FaultAction, RateLimit, Sandbox, DEMO_API_KEY};

#[derive(Default)]
struct Heard(Mutex<Vec<Unexpected>>);

impl Observer for Heard {
    fn unexpected(&self, found: &Unexpected) {
        self.0.lock().unwrap().push(found.clone());
    }
}

fn client_of(base: &str, key: &str, heard: Option<Arc<Heard>>) -> Client {
    client_with(base, Credentials::ApiKey(SecretString::from(key)), heard)
}

fn client_with(base: &str, credentials: Credentials, heard: Option<Arc<Heard>>) -> Client {
    let mut config = ClientConfig::new(base.parse().unwrap(), credentials);
    config.retry = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    };
    config.observer = heard.map(|h| h as Arc<dyn Observer>);
    Client::new(config).unwrap()
}

/// A sandbox, the center of guest 1 (which has invoices today) and a client of it.
async fn setup(config: Config) -> (Sandbox, String, Client, Arc<Heard>) {
    let sandbox = Sandbox::start_local(config).await.unwrap();
    let center = sandbox.guest(1).1;
    let heard = Arc::new(Heard::default());
    let client = client_of(&sandbox.base_url(), DEMO_API_KEY, Some(heard.clone()));
    (sandbox, center, client, heard)
}

fn options(center: &str) -> CheckOptions {
    CheckOptions { center_id: Some(center.to_owned()), timeout: Duration::from_secs(5) }
}

fn row<'r>(report: &'r ConnectionReport, step: &str) -> &'r zenoti::ProbeRow {
    report.probes.iter().find(|p| p.step.starts_with(step)).unwrap_or_else(|| panic!("no row {step}: {report:#?}"))
}

fn rows<'r>(report: &'r ConnectionReport, step: &str) -> Vec<&'r zenoti::ProbeRow> {
    report.probes.iter().filter(|p| p.step.starts_with(step)).collect()
}

/// The report as the closing note shows it.
fn print(title: &str, report: &ConnectionReport) {
    println!("== {title}\n{report}");
}

#[tokio::test]
async fn the_sandbox_answers_as_expected_and_nothing_is_written() {
    let (sandbox, center, client, heard) = setup(Config::default()).await;
    let before = sandbox.stats().requests.len();
    let report = client.check_connection(options(&center)).await;
    print("demo sandbox", &report);
    assert_eq!(report.verdict, Verdict::AsExpected, "{report:#?}");
    assert!(report.probes.iter().all(|p| p.outcome == ProbeOutcome::Ok), "{report:#?}");
    assert!(report.calls <= MAX_CHECK_CALLS);
    let sent = &sandbox.stats().requests[before..];
    assert_eq!(sent.len() as u32, report.calls, "the report counts every call");
    assert!(sent.iter().all(|r| r.method == "GET"), "only reads: {sent:?}");
    assert!(sandbox.ledger().is_empty() && sandbox.package_ledger().is_empty());
    assert_eq!(report.readings.redeemable_points, RedeemablePath::Guests);
    assert_eq!(report.readings.invoice_search, InvoiceSearch::AsPrinted);
    assert_eq!(report.readings.page_info_key.as_deref(), Some("page_info"));
    assert!(report.choices.iter().all(|c| c.settled), "{:?}", report.choices);
    // The rate-limit headers Zenoti sends are shown.
    assert!(row(&report, "Centers").rate_limit.iter().any(|h| h.name.contains("ratelimit")), "{report:#?}");
    assert!(heard.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_field_of_another_type_is_reported_with_its_path_and_type() {
    let (sandbox, center, client, heard) = setup(Config::default()).await;
    let packages = format!("/v1/centers/{center}/packages");
    sandbox.inject(Fault::new("GET", &packages, 1, FaultAction::set_value("/packages/0/id", json!(5))));
    let report = client.check_connection(options(&center)).await;
    print("packages[0].id a number", &report);
    let probe = row(&report, "Packages");
    assert_eq!(probe.outcome, ProbeOutcome::Failed);
    assert!(probe.words.contains("`packages[0].id`"), "{probe:?}");
    let found = &probe.unexpected[0];
    assert_eq!(
        (found.kind, found.path.as_str(), found.expected.as_str(), found.found.as_str()),
        (UnexpectedKind::Undecodable, "packages[0].id", "a string", "a number")
    );
    assert_eq!(found.endpoint, "GET /v1/centers/{id}/packages");
    // The rest of the check ran.
    assert_eq!(row(&report, "Redeemable").outcome, ProbeOutcome::Ok);
    assert_eq!(report.verdict, Verdict::Problems);
    assert_eq!(heard.0.lock().unwrap().as_slice(), std::slice::from_ref(found));

    // A descriptive field of another type reads as absent, and is reported.
    sandbox.inject(Fault::new("GET", &packages, 1, FaultAction::set_value("/packages/0/catalog_info", json!("yes"))));
    let report = client.check_connection(options(&center)).await;
    print("packages[0].catalog_info text", &report);
    let probe = row(&report, "Packages");
    assert_eq!(probe.outcome, ProbeOutcome::Unexpected);
    let found = &probe.unexpected[0];
    assert_eq!(
        (found.kind, found.path.as_str(), found.found.as_str()),
        (UnexpectedKind::Tolerated, "packages[0].catalog_info", "text")
    );
    assert!(found.expected.contains("CatalogInfo"), "{found:?}");
    assert_eq!(report.verdict, Verdict::WorksWithDifferences);
}

#[tokio::test]
async fn an_unknown_enum_value_is_kept_and_reported() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    sandbox.inject(Fault::new(
        "GET",
        &format!("/v1/centers/{center}/packages"),
        1,
        FaultAction::set_value("/packages/0/type", json!(99)),
    ));
    let report = client.check_connection(options(&center)).await;
    print("packages[0].type 99", &report);
    let probe = row(&report, "Packages");
    assert_eq!(probe.outcome, ProbeOutcome::Unexpected);
    let found = &probe.unexpected[0];
    assert_eq!(
        (found.kind, found.path.as_str(), found.expected.as_str(), found.value.as_deref()),
        (UnexpectedKind::UnknownValue, "packages[0].type", "a known PackageType", Some("99"))
    );
}

#[tokio::test]
async fn a_renamed_wrapper_is_reported() {
    let (sandbox, center, client, heard) = setup(Config::default()).await;
    sandbox.inject(Fault::new(
        "GET",
        &format!("/v1/centers/{center}/categories"),
        1,
        FaultAction::rename_key("categories", "category_list"),
    ));
    let report = client.check_connection(options(&center)).await;
    print("categories renamed category_list", &report);
    let probe = row(&report, "Categories");
    assert_eq!(probe.outcome, ProbeOutcome::Unexpected);
    assert_eq!(probe.unexpected[0].path, "categories");
    assert!(probe.unexpected[0].found.contains("`category_list`"), "{probe:?}");
    assert!(heard.0.lock().unwrap().iter().any(|u| u.path == "categories"));
}

#[tokio::test]
async fn page_capital_i_info_is_seen_and_read() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    sandbox.inject(Fault::new(
        "GET",
        &format!("/v1/centers/{center}/packages"),
        1,
        FaultAction::rename_key("page_info", "page_Info"),
    ));
    let report = client.check_connection(options(&center)).await;
    print("page_Info", &report);
    assert_eq!(row(&report, "Packages").outcome, ProbeOutcome::Ok);
    assert!(!row(&report, "Packages").words.contains("of 0"), "the total was read: {:?}", row(&report, "Packages"));
    assert_eq!(report.readings.page_info_key.as_deref(), Some("page_Info"));
    assert!(report.choices.iter().any(|c| c.answer == "`page_Info`"), "{:?}", report.choices);
}

#[tokio::test]
async fn the_other_redeemable_path_is_found_and_then_used() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    let invoice = client.find_invoices(&center, None).await.unwrap()[0].invoice_id.clone();
    let documented = format!("/v1/guests/{invoice}/payments/loyalty_points/redeemable");
    sandbox.inject(Fault::new("GET", &documented, 99, FaultAction::not_found(&documented)));
    assert!(client.redeemable_points(&invoice, None, true).await.is_err(), "the documented path is gone");
    let report = client.check_connection(options(&center)).await;
    print("redeemable points under /v1/invoices", &report);
    let tried = rows(&report, "Redeemable");
    assert_eq!(tried.len(), 2);
    assert_eq!((tried[0].status, tried[0].outcome), (Some(404), ProbeOutcome::Unexpected));
    assert_eq!((tried[1].status, tried[1].outcome), (Some(200), ProbeOutcome::Ok));
    assert_eq!(report.readings.redeemable_points, RedeemablePath::Invoices);
    assert_eq!(report.verdict, Verdict::WorksWithDifferences);
    client.set_readings(report.readings.clone());
    let info = client.redeemable_points(&invoice, None, true).await.unwrap();
    assert!(!info.lp_redeemable.loyalty_programs.is_empty());
}

#[tokio::test]
async fn an_invoice_number_without_its_prefix_is_found_and_then_used() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    let first = client.find_invoices(&center, None).await.unwrap()[0].clone();
    let printed = first.invoice_no.clone().unwrap();
    let prefix: String = printed.chars().take_while(|c| !c.is_ascii_digit()).collect();
    assert!(!prefix.is_empty(), "{printed}");
    // This organization's search looks at the number only: a prefix finds nothing.
    let empty = FaultAction::respond(200, r#"{"invoices":[],"error":null}"#);
    sandbox.inject(
        Fault::new("GET", &format!("/v1/centers/{center}/invoices"), 99, empty)
            .with_query(&format!("search_text={prefix}")),
    );
    assert!(client
        .find_invoices(&center, Some(&printed))
        .await
        .unwrap()
        .iter()
        .all(|i| i.invoice_id != first.invoice_id));
    let report = client.check_connection(options(&center)).await;
    print("invoice search without the prefix", &report);
    let searches = rows(&report, "Invoice search");
    assert_eq!(searches.len(), 2);
    assert_eq!(searches[0].outcome, ProbeOutcome::Unexpected);
    assert!(searches[1].words.contains("found the invoice"), "{:?}", searches[1]);
    assert_eq!(report.readings.invoice_search, InvoiceSearch::WithoutPrefix);
    client.set_readings(report.readings.clone());
    let found = client.find_invoices(&center, Some(&printed)).await.unwrap();
    assert!(found.iter().any(|i| i.invoice_id == first.invoice_id), "the printed number now finds it");
}

#[tokio::test]
async fn a_sandbox_that_is_down_gets_a_clear_row_for_each_call() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = client_of(&format!("http://127.0.0.1:{port}"), DEMO_API_KEY, None);
    let report = client.check_connection(options("00000000-0000-0000-0000-000000000001")).await;
    print("down", &report);
    assert_eq!(report.verdict, Verdict::Problems);
    let centers = row(&report, "Centers");
    assert_eq!((centers.outcome, centers.status), (ProbeOutcome::Failed, None));
    assert!(centers.words.starts_with("Could not connect"), "{centers:?}");
    // The rest ran with the desk's center, each saying the same; no invoice, so the
    // invoice probes say why they were not sent.
    for step in ["Packages", "Categories", "Guest search", "Today's invoices"] {
        assert!(row(&report, step).words.starts_with("Could not connect"), "{step}: {report:#?}");
    }
    assert_eq!(row(&report, "Redeemable").outcome, ProbeOutcome::Skipped);
}

#[tokio::test]
async fn a_slow_call_times_out_on_its_own_row() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    sandbox.inject(Fault::new("GET", &format!("/v1/centers/{center}/categories"), 1, FaultAction::Delay { ms: 2_500 }));
    let report =
        client.check_connection(CheckOptions { center_id: Some(center), timeout: Duration::from_secs(1) }).await;
    print("slow categories", &report);
    let slow = row(&report, "Categories");
    assert_eq!(slow.outcome, ProbeOutcome::Failed);
    assert!(slow.words.starts_with("No answer within 1 s"), "{slow:?}");
    assert_eq!(row(&report, "Redeemable").outcome, ProbeOutcome::Ok, "the rest ran");
}

#[tokio::test]
async fn a_spent_budget_is_shown_and_the_rest_says_why_it_was_not_sent() {
    let limit = RateLimit { calls: 3, window: Duration::from_secs(60), burst: 3 };
    let (_sandbox, center, client, _) = setup(Config { rate_limit: Some(limit), ..Config::default() }).await;
    let report = client.check_connection(options(&center)).await;
    print("budget of 3 calls", &report);
    // Nothing failed: the rest could not be tried, and the verdict says to run it again later.
    assert_eq!(report.verdict, Verdict::PartlyChecked);
    assert_eq!(report.calls, 3, "nothing is sent once Zenoti says the budget is spent");
    let last = &report.probes[2];
    assert!(last.rate_limit.iter().any(|h| h.name == "ratelimit-remaining" && h.value == "0"), "{last:?}");
    let held: Vec<_> = report.probes.iter().filter(|p| p.words.starts_with("Not sent: Zenoti asked")).collect();
    assert_eq!(held.len(), 2, "{report:#?}");
    assert!(held.iter().all(|p| p.outcome == ProbeOutcome::Skipped), "not sent is not run: {held:?}");
    assert!(row(&report, "Redeemable").words.starts_with("Today's invoices could not be read"), "{report:#?}");
}

#[tokio::test]
async fn a_429_is_shown_and_the_rest_says_why_it_was_not_sent() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    let limited = FaultAction::Respond {
        status: 429,
        body: r#"{"Message":"Rate limit exceeded"}"#.into(),
        retry_after: Some("30".into()),
        headers: Vec::new(),
    };
    sandbox.inject(Fault::new("GET", &format!("/v1/centers/{center}/categories"), 1, limited));
    let report = client.check_connection(options(&center)).await;
    print("429 on categories", &report);
    let limited = row(&report, "Categories");
    assert_eq!((limited.outcome, limited.status), (ProbeOutcome::Failed, Some(429)));
    assert!(limited.words.contains("rate limiting") && limited.words.contains("wait 30 s"), "{limited:?}");
    assert!(limited.rate_limit.iter().any(|h| h.name == "retry-after" && h.value == "30"), "{limited:?}");
    assert!(
        row(&report, "Guest search").words.starts_with("Not sent: Zenoti asked this organization to wait"),
        "{report:#?}"
    );
}

#[tokio::test]
async fn a_refused_key_gets_a_clear_row_and_the_rest_still_runs() {
    let (sandbox, center, _, _) = setup(Config::default()).await;
    let client = client_of(&sandbox.base_url(), "not-the-key", None);
    let report = client.check_connection(options(&center)).await;
    print("refused key", &report);
    for step in ["Centers", "Packages", "Categories", "Guest search", "Today's invoices"] {
        let r = row(&report, step);
        assert_eq!((r.outcome, r.status), (ProbeOutcome::Failed, Some(401)), "{step}");
        assert!(r.words.starts_with("Zenoti refused the credentials"), "{r:?}");
    }
}

fn employee_of(sandbox: &Sandbox, password: &str) -> Credentials {
    let account = &sandbox.config().employee;
    Credentials::Employee(EmployeeLogin {
        account_name: account.account_name.clone(),
        user_name: account.user_name.clone(),
        password: SecretString::from(password.to_owned()),
        app_id: account.app_id.clone(),
        app_secret: SecretString::from(account.app_secret.clone()),
        device_id: "desk-1".into(),
    })
}

#[tokio::test]
async fn an_employee_sign_in_is_proved_with_the_password_each_time_and_a_refused_one_is_tried_once() {
    let (sandbox, center, _, _) = setup(Config::default()).await;
    let password = sandbox.config().employee.password.clone();
    let client = client_with(&sandbox.base_url(), employee_of(&sandbox, &password), None);
    client.list_centers().await.unwrap();
    let grants = sandbox.stats().password_grants;
    // Signed in already: the check still proves the password, with one counted request.
    let report = client.check_connection(options(&center)).await;
    print("employee sign-in", &report);
    assert_eq!(row(&report, "Sign-in").outcome, ProbeOutcome::Ok);
    assert_eq!(sandbox.stats().password_grants, grants + 1, "the password was sent once, by the check");
    assert_eq!(report.verdict, Verdict::AsExpected, "{report:#?}");
    let before = sandbox.stats().requests.len();
    let report = client.check_connection(options(&center)).await;
    assert_eq!(sandbox.stats().requests.len() - before, report.calls as usize, "the sign-in is counted");

    // A wrong password: refused once, and nothing else is sent (each call would try the
    // password again, and an account may be locked after a few).
    let wrong = client_with(&sandbox.base_url(), employee_of(&sandbox, "not-the-password"), None);
    let before = sandbox.stats().requests.len();
    let report = wrong.check_connection(options(&center)).await;
    print("employee sign-in refused", &report);
    let sign_in = row(&report, "Sign-in");
    assert_eq!(sign_in.outcome, ProbeOutcome::Failed);
    assert!(sign_in.words.starts_with("Zenoti refused the credentials"), "{sign_in:?}");
    assert_eq!(sandbox.stats().requests.len() - before, 1, "one sign-in, nothing more");
    assert_eq!(report.calls, 1);
    for p in report.probes.iter().skip(1) {
        assert_eq!(p.outcome, ProbeOutcome::Skipped, "{p:?}");
        assert!(p.words == "Not sent: the sign-in failed (above)." || p.words.contains("not checked"), "{p:?}");
    }
    assert_eq!(report.verdict, Verdict::Problems);
}

#[tokio::test]
async fn a_slow_answer_that_comes_is_called_slow() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    sandbox.inject(Fault::new("GET", &format!("/v1/centers/{center}/categories"), 1, FaultAction::Delay { ms: 3_300 }));
    let report = client.check_connection(options(&center)).await;
    let slow = row(&report, "Categories");
    assert_eq!(slow.outcome, ProbeOutcome::Ok);
    assert!(slow.words.starts_with("Slow: 3."), "{slow:?}");
    assert!(slow.millis.unwrap() >= 3_300);
}

#[tokio::test]
async fn redeemable_points_without_their_wrapper_settle_nothing() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    let invoice = client.find_invoices(&center, None).await.unwrap()[0].invoice_id.clone();
    let documented = format!("/v1/guests/{invoice}/payments/loyalty_points/redeemable");
    sandbox.inject(Fault::new("GET", &documented, 1, FaultAction::respond(200, r#"{"error":null}"#)));
    let report = client.check_connection(options(&center)).await;
    print("redeemable points without lp_redeemable", &report);
    let redeemable = row(&report, "Redeemable");
    assert_eq!(redeemable.outcome, ProbeOutcome::Unexpected, "{redeemable:?}");
    assert!(redeemable.unexpected.iter().any(|u| u.path == "lp_redeemable"), "{redeemable:?}");
    let choice = report.choices.iter().find(|c| c.question == "Redeemable points").unwrap();
    assert!(!choice.settled, "{choice:?}");
    assert_eq!(report.verdict, Verdict::PartlyChecked);
}

#[tokio::test]
async fn a_center_without_invoices_today_is_partly_checked() {
    let (sandbox, center, client, _) = setup(Config::default()).await;
    let empty = FaultAction::respond(200, r#"{"invoices":[],"error":null}"#);
    sandbox.inject(Fault::new("GET", &format!("/v1/centers/{center}/invoices"), 1, empty));
    let report = client.check_connection(options(&center)).await;
    print("no invoice today", &report);
    assert_eq!(row(&report, "Redeemable").outcome, ProbeOutcome::Skipped);
    assert_eq!(report.verdict, Verdict::PartlyChecked);
    assert!(report.verdict.words().contains("Run the check again later"));
}
