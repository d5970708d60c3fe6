//! The client against the sandbox on loopback.

use std::time::{Duration, Instant};

use zenoti::{Client, ClientConfig, Credentials, EmployeeLogin, Error, PackageQuery, RetryPolicy, SecretString};
use zenoti_sandbox::{Config, Fault, FaultAction, Sandbox, DEMO_API_KEY};

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    }
}

fn client_for(sandbox: &Sandbox, credentials: Credentials) -> Client {
    let mut config = ClientConfig::new(sandbox.base_url().parse().unwrap(), credentials);
    config.retry = fast_retries();
    config.timeout = Duration::from_secs(5);
    Client::new(config).unwrap()
}

fn api_key_client(sandbox: &Sandbox) -> Client {
    client_for(sandbox, Credentials::ApiKey(SecretString::from(DEMO_API_KEY)))
}

fn employee(sandbox: &Sandbox) -> EmployeeLogin {
    let account = &sandbox.config().employee;
    EmployeeLogin {
        account_name: account.account_name.clone(),
        user_name: account.user_name.clone(),
        password: SecretString::from(account.password.clone()),
        app_id: account.app_id.clone(),
        app_secret: SecretString::from(account.app_secret.clone()),
        device_id: "desk-1".into(),
    }
}

fn respond(method: &str, path: &str, times: u32, status: u16, body: &str) -> Fault {
    Fault::new(
        method,
        path,
        times,
        FaultAction::Respond { status, body: body.into(), retry_after: None, headers: vec![] },
    )
}

async fn sandbox() -> Sandbox {
    Sandbox::start_local(Config::default()).await.unwrap()
}

#[tokio::test]
async fn api_key_lists_centers_and_a_page_of_packages() {
    let sandbox = sandbox().await;
    let client = api_key_client(&sandbox);
    let centers = client.list_centers().await.unwrap();
    assert!(centers.len() >= 3);
    let big = &centers[0];
    assert_eq!(big.currency.as_ref().and_then(|c| c.code.as_deref()), Some("USD"));

    let page = client.list_packages(&big.id, &PackageQuery::page(2, 100)).await.unwrap();
    assert_eq!(page.packages.len(), 100);
    assert_eq!(page.page_info.total, 1240);
    assert_eq!(page.page_info.page, 2);
    let first = &page.packages[0];
    assert_eq!(first.code.as_deref(), Some("PKG-0101"));
    assert!(first.price_at(&big.id).and_then(|p| p.sale_price).is_some());

    let sent = sandbox.requests_to("/v1/centers/");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].query, "page=2&size=100");
}

#[tokio::test]
async fn employee_login_gets_a_token_and_uses_it() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox, Credentials::Employee(employee(&sandbox)));
    client.sign_in().await.unwrap();
    assert!(!client.list_centers().await.unwrap().is_empty());
    let stats = sandbox.stats();
    assert_eq!(stats.password_grants, 1);
    assert_eq!(stats.unauthorized, 0);
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized_with_zenotis_message() {
    let sandbox = sandbox().await;
    let mut login = employee(&sandbox);
    login.password = SecretString::from("wrong");
    let client = client_for(&sandbox, Credentials::Employee(login));
    match client.list_centers().await {
        Err(Error::Unauthorized { message }) => {
            assert_eq!(message, "The username or password is incorrect.")
        }
        other => panic!("{other:?}"),
    }
    // A refused login is a POST: never retried.
    assert_eq!(sandbox.requests_to("/v1/tokens").len(), 1);
}

#[tokio::test]
async fn expiry_forces_exactly_one_refresh_under_20_concurrent_calls() {
    let sandbox =
        Sandbox::start_local(Config { token_ttl: Duration::from_secs(2), ..Config::default() }).await.unwrap();
    let client = client_for(&sandbox, Credentials::Employee(employee(&sandbox)));
    client.sign_in().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;

    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_centers().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    let stats = sandbox.stats();
    assert_eq!(stats.password_grants, 1, "signed in once");
    assert_eq!(stats.refresh_grants, 1, "refreshed once for 20 callers");
    assert_eq!(stats.unauthorized, 0, "no call went out with the expired token");
}

#[tokio::test]
async fn a_refused_token_leads_to_one_reauthentication() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox, Credentials::Employee(employee(&sandbox)));
    client.sign_in().await.unwrap();
    sandbox.inject(respond(
        "GET",
        "/v1/centers",
        1,
        401,
        r#"{"Message":"Authorization has been denied for this request."}"#,
    ));
    assert!(!client.list_centers().await.unwrap().is_empty());
    assert_eq!(sandbox.stats().password_grants, 2);

    // Refused again after signing in again: a typed Unauthorized, not a loop.
    sandbox.inject(respond(
        "GET",
        "/v1/centers",
        5,
        401,
        r#"{"Message":"Authorization has been denied for this request."}"#,
    ));
    match client.list_centers().await {
        Err(Error::Unauthorized { message }) => {
            assert_eq!(message, "Authorization has been denied for this request.")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sandbox.stats().password_grants, 3);
}

#[tokio::test]
async fn a_wrong_api_key_is_unauthorized_at_once() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox, Credentials::ApiKey(SecretString::from("not-the-key")));
    assert!(matches!(client.list_centers().await, Err(Error::Unauthorized { .. })));
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 1);
}

#[tokio::test]
async fn rate_limited_gets_wait_for_retry_after() {
    let sandbox = sandbox().await;
    sandbox.inject(Fault::new(
        "GET",
        "/v1/centers",
        1,
        FaultAction::Respond { status: 429, body: String::new(), retry_after: Some("1".into()), headers: vec![] },
    ));
    let client = api_key_client(&sandbox);
    let started = Instant::now();
    client.list_centers().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "did not honour Retry-After");
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_is_returned_not_waited() {
    let sandbox = sandbox().await;
    sandbox.inject(Fault::new(
        "GET",
        "/v1/centers",
        1,
        FaultAction::Respond { status: 429, body: String::new(), retry_after: Some("600".into()), headers: vec![] },
    ));
    match api_key_client(&sandbox).list_centers().await {
        Err(Error::RateLimited { retry_after }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(600)))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    let sandbox = sandbox().await;
    sandbox.inject(respond("GET", "/v1/centers", 2, 503, "<html>Service Unavailable</html>"));
    api_key_client(&sandbox).list_centers().await.unwrap();
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 3);
}

#[tokio::test]
async fn persistent_server_errors_give_up_after_the_retry_budget() {
    let sandbox = sandbox().await;
    sandbox.inject(respond("GET", "/v1/centers", 10, 500, ""));
    assert!(matches!(api_key_client(&sandbox).list_centers().await, Err(Error::Server { status: 500 })));
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 4);
}

#[tokio::test]
async fn a_write_is_never_retried() {
    let sandbox = sandbox().await;
    sandbox.inject(respond("POST", "/v1/tokens", 1, 503, ""));
    let client = client_for(&sandbox, Credentials::Employee(employee(&sandbox)));
    assert!(matches!(client.sign_in().await, Err(Error::Server { status: 503 })));
    assert_eq!(sandbox.requests_to("/v1/tokens").len(), 1);
}

#[tokio::test]
async fn an_error_inside_http_200_is_an_error() {
    let sandbox = sandbox().await;
    sandbox.inject(respond(
        "GET",
        "/v1/centers",
        1,
        200,
        r#"{"centers":null,"error":{"code":502,"message":"Invalid CenterId."}}"#,
    ));
    match api_key_client(&sandbox).list_centers().await {
        Err(Error::Api { status: 200, code, message }) => {
            assert_eq!(code.as_deref(), Some("502"));
            assert_eq!(message, "Invalid CenterId.");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sandbox.requests_to("/v1/centers").len(), 1, "a business error is not retried");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_field() {
    let sandbox = sandbox().await;
    sandbox.inject(respond(
        "GET",
        "/v1/centers",
        1,
        200,
        r#"{"centers":[{"id":"a","name":"A"},{"id":"b","name":42}]}"#,
    ));
    match api_key_client(&sandbox).list_centers().await {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "centers[1].name"),
        other => panic!("{other:?}"),
    }
    sandbox.inject(respond("GET", "/v1/centers", 1, 200, r#"{"centers":[{"id":"a""#));
    assert!(matches!(api_key_client(&sandbox).list_centers().await, Err(Error::Decode { .. })));
}

#[tokio::test]
async fn an_unknown_center_is_zenotis_invalid_center_error() {
    let sandbox = sandbox().await;
    match api_key_client(&sandbox)
        .list_packages("00000000-0000-0000-0000-000000000000", &PackageQuery::page(1, 10))
        .await
    {
        Err(Error::Api { code, message, .. }) => {
            assert_eq!(code.as_deref(), Some("502"));
            assert_eq!(message, "invalid center_id.");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_paging_and_a_missing_center_are_refused_before_sending() {
    let sandbox = sandbox().await;
    let client = api_key_client(&sandbox);
    let center = &sandbox.center_ids()[0];
    assert!(matches!(client.list_packages(center, &PackageQuery::page(1, 101)).await, Err(Error::InvalidInput(_))));
    assert!(matches!(client.list_packages("  ", &PackageQuery::page(1, 10)).await, Err(Error::InvalidInput(_))));
    assert!(sandbox.requests_to("/v1/").is_empty());
}

#[tokio::test]
async fn the_sandbox_itself_refuses_oversized_pages() {
    let sandbox = sandbox().await;
    let url = format!("{}/v1/centers/{}/packages?size=101", sandbox.base_url(), sandbox.center_ids()[0]);
    let response =
        reqwest::Client::new().get(url).header("Authorization", format!("apikey {DEMO_API_KEY}")).send().await.unwrap();
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn a_server_that_is_down_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = ClientConfig::new(
        format!("http://127.0.0.1:{port}").parse().unwrap(),
        Credentials::ApiKey(SecretString::from("k")),
    );
    config.retry = fast_retries();
    let client = Client::new(config).unwrap();
    assert!(matches!(client.list_centers().await, Err(Error::Connect(_))));
}
