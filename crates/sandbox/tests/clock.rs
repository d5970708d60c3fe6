//! The sandbox's one clock and its seeded codes: what a test sets or moves the clock to is what
//! every answer dates and decides by, and the same seed sends the same codes.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use zenoti_sandbox::{Config, Sandbox, DEMO_API_KEY};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

async fn start(config: Config) -> Sandbox {
    Sandbox::start_local(Config { rate_limit: None, ..config }).await.unwrap()
}

async fn send(request: reqwest::RequestBuilder, auth: &str) -> (u16, Value) {
    let response = request.header("authorization", auth).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn get(sandbox: &Sandbox, path: &str) -> (u16, Value) {
    let request = reqwest::Client::new().get(format!("{}{path}", sandbox.base_url()));
    send(request, &format!("apikey {DEMO_API_KEY}")).await
}

async fn post(sandbox: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    let request = reqwest::Client::new().post(format!("{}{path}", sandbox.base_url())).json(&body);
    send(request, &format!("apikey {DEMO_API_KEY}")).await
}

#[tokio::test]
async fn a_stopped_clock_dates_the_seeded_books_and_today_moves_with_it() {
    // 10:00 UTC is 04:00 in Austin, the same day.
    let sandbox = start(Config { clock_start: Some(at("2026-11-22T10:00:00Z")), ..Config::default() }).await;
    let center = sandbox.organization().center_named("SDS-DT").unwrap().id.clone();
    let inv = sandbox.with_books(|b| b.invoice_numbered("SDS16671").unwrap().clone());
    assert_eq!(inv.date, "2026-11-22T10:00:00");
    let (_, today) = get(&sandbox, &format!("/v1/centers/{center}/invoices")).await;
    assert_eq!(today["todays_invoices"].as_array().unwrap().len(), 10, "{today}");

    // A day on: yesterday's invoices are found by number only.
    sandbox.clock().advance(Duration::days(1));
    let (_, today) = get(&sandbox, &format!("/v1/centers/{center}/invoices")).await;
    assert_eq!(today["todays_invoices"], json!([]));
    let (_, found) = get(&sandbox, &format!("/v1/centers/{center}/invoices?search_type=1&search_text=SDS16671")).await;
    assert_eq!(found["invoices"][0]["invoice_id"], inv.id.as_str());

    // A payment is stamped with the clock's time on the center's wall clock (UTC-6).
    sandbox.clock().set(at("2026-11-23T18:30:00Z"));
    let open = sandbox.add_open_invoice_for("G10001", &["Swedish Massage"]);
    assert_eq!(open.date, "2026-11-23T10:00:00");
    let program = sandbox.with_books(|b| b.program_named("Serenity Rewards").unwrap().id.clone());
    let body = json!({"points": 10, "center_id": open.center_id, "program_id": program, "cash_register_id": "r",
        "redeem_across_programs": 0});
    let (status, paid) = post(&sandbox, &format!("/v1/invoices/{}/payments/loyalty_points", open.id), body).await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["payment"]["payment_date"], "2026-11-23T12:30:00");
}

#[tokio::test]
async fn tokens_expire_by_the_sandbox_clock() {
    let config = Config {
        clock_start: Some(at("2026-11-22T10:00:00Z")),
        token_ttl: std::time::Duration::from_secs(3600),
        ..Config::default()
    };
    let sandbox = start(config).await;
    let login = sandbox.config().employee.clone();
    let (status, tokens) = send(
        reqwest::Client::new().post(format!("{}/v1/tokens", sandbox.base_url())).json(&json!({
            "account_name": login.account_name, "user_name": login.user_name, "password": login.password,
            "grant_type": "password", "app_id": login.app_id, "app_secret": login.app_secret, "device_id": "d",
        })),
        "",
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["credentials"]["access_token_expiry"], "2026-11-22T11:00:00.0000000Z");
    let bearer = format!("bearer {}", tokens["credentials"]["access_token"].as_str().unwrap());
    let centers = || reqwest::Client::new().get(format!("{}/v1/centers", sandbox.base_url()));
    assert_eq!(send(centers(), &bearer).await.0, 200);
    sandbox.clock().advance(Duration::minutes(61));
    assert_eq!(send(centers(), &bearer).await.0, 401, "expired an hour after it was issued");
}

/// The OTP an OTP center sends for its first open invoice, on a sandbox of this seed.
async fn first_otp(seed: u64) -> String {
    let sandbox = start(Config { seed, ..Config::default() }).await;
    let inv = sandbox.with_books(|b| b.invoice_numbered("SDS16671").unwrap().clone());
    assert!(sandbox.with_books(|b| b.otp_centers.contains_key(&inv.center_id)), "Downtown asks for a code");
    let (status, _) = get(&sandbox, &format!("/v1/guests/{}/payments/loyalty_points/redeemable", inv.id)).await;
    assert_eq!(status, 200);
    sandbox.with_books(|b| b.otps[&inv.id].clone())
}

#[tokio::test]
async fn codes_come_from_the_seed() {
    let code = first_otp(1).await;
    assert_eq!(code.len(), 6);
    assert_eq!(first_otp(1).await, code, "the same seed sends the same code");
    let others = [first_otp(2).await, first_otp(3).await, first_otp(4).await];
    assert!(others.iter().any(|c| *c != code), "another seed, other codes: {code} {others:?}");
}

#[tokio::test]
async fn the_list_and_the_redemption_apply_the_same_validity_rules_on_the_same_day() {
    let sandbox = start(Config { clock_start: Some(at("2026-11-22T18:00:00Z")), ..Config::default() }).await;
    let (guest, center) = sandbox.guest_coded("G10000");
    let grace = sandbox.with_packages(|p| p.held_named(&guest, "Winter Renewal 4").unwrap().clone());
    let end_with_grace = grace.end_with_grace().unwrap();
    let listed = |list: &Value| {
        list["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["user_package_id"] == grace.user_package_id.as_str())
            .unwrap()["redeemable"]
            .clone()
    };
    let redeem = |inv: &zenoti_sandbox::loyalty::Invoice| {
        json!({"center_id": inv.center_id, "guest_id": inv.guest_id, "user_package_id": grace.user_package_id,
            "invoice_item_id": inv.items[0].id, "service_id": inv.items[0].service_id})
    };
    let list_path = format!("/v1/guests/{guest}/packages?center_id={center}&page_num=1&page_size=20");

    // Expired, within its grace period: listed as redeemable, and redeemed.
    let (_, list) = get(&sandbox, &list_path).await;
    assert_eq!(listed(&list), true);
    let inv = sandbox.add_open_invoice_for("G10000", &["Signature Facial"]);
    let (status, answer) = post(&sandbox, &format!("/v1/invoices/{}/redemptions/packages", inv.id), redeem(&inv)).await;
    assert_eq!(status, 200, "{answer}");

    // The day after its grace ends: neither.
    let after = end_with_grace.and_utc() + Duration::days(1) + Duration::hours(12);
    sandbox.clock().set(after);
    let (_, list) = get(&sandbox, &list_path).await;
    assert_eq!(listed(&list), false);
    let inv = sandbox.add_open_invoice_for("G10000", &["Signature Facial"]);
    let (status, refused) =
        post(&sandbox, &format!("/v1/invoices/{}/redemptions/packages", inv.id), redeem(&inv)).await;
    assert_eq!((status, refused["error"]["message"].as_str()), (502, Some("Package has expired.")));
}
