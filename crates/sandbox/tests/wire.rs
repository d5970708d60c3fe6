//! The sandbox's rules that the wire format brings: page sizes, invoice numbers with and without
//! their prefix, ids in any letter case, and the package ledger.

use serde_json::{json, Value};
use zenoti_sandbox::loyalty::{ItemType, GIFT_CARD, PREPAID_MESSAGE};
use zenoti_sandbox::{Config, Sandbox, DEMO_API_KEY};

struct Api {
    sandbox: Sandbox,
    client: reqwest::Client,
}

impl Api {
    async fn start() -> Api {
        let config = Config { rate_limit: None, ..Config::default() };
        Api { sandbox: Sandbox::start_local(config).await.unwrap(), client: reqwest::Client::new() }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.header("authorization", format!("apikey {DEMO_API_KEY}")).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.client.get(format!("{}{path}", self.sandbox.base_url()))).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.client.post(format!("{}{path}", self.sandbox.base_url())).json(&body)).await
    }
}

#[tokio::test]
async fn every_list_refuses_more_than_100_items_with_a_bare_422() {
    let api = Api::start().await;
    let center = api.sandbox.organization().center_named("SDS-DT").unwrap().id.clone();
    let (guest, _) = api.sandbox.guest_coded("G10000");
    let bare = json!({"code": 422, "message": "You cannot request more than 100 items."});
    for path in [
        "/v1/centers?size=101".to_owned(),
        format!("/v1/centers/{center}/packages?page=1&size=101"),
        format!("/v1/centers/{center}/packages?page=1&Size=500"),
        format!("/v1/centers/{center}/categories?size=101"),
        format!("/v1/guests/search?center_id={center}&first_name=Anna&size=101"),
        format!("/v1/guests/{guest}/packages?center_id={center}&page_num=1&page_size=101"),
        format!("/v1/centers/{center}/invoices?size=101"),
    ] {
        assert_eq!(api.get(&path).await, (422, bare.clone()), "{path}");
    }
    let (status, page) = api.get(&format!("/v1/centers/{center}/packages?page=1&size=100")).await;
    assert_eq!(status, 200);
    assert_eq!(page["packages"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn an_invoice_is_found_by_its_number_with_or_without_its_prefix() {
    let api = Api::start().await;
    let inv = api.sandbox.with_books(|b| b.invoice_numbered("SDS16674").unwrap().clone());
    assert_eq!(inv.number_prefix, "SDS");
    assert!(inv.number.chars().all(|c| c.is_ascii_digit()), "{}", inv.number);
    let printed = inv.printed_number();
    for typed in [printed.clone(), printed.to_lowercase(), inv.number.clone(), format!(" {printed} ")] {
        let path = format!("/v1/centers/{}/invoices?search_type=1&search_text={}", inv.center_id, typed.trim());
        let (status, found) = api.get(&path).await;
        assert_eq!(status, 200);
        let numbers: Vec<&str> =
            found["invoices"].as_array().unwrap().iter().map(|i| i["invoice_no"].as_str().unwrap()).collect();
        assert_eq!(numbers, [printed.as_str()], "typed {typed:?}");
    }
    let (_, detail) = api.get(&format!("/v1/invoices/{}", inv.id)).await;
    assert_eq!(detail["invoice"]["invoice_number"], inv.number.as_str());
    assert_eq!(detail["invoice"]["invoice_number_prefix"], "SDS");
}

#[tokio::test]
async fn loyalty_calls_take_ids_in_any_letter_case() {
    let api = Api::start().await;
    let inv = api.sandbox.add_open_invoice_for("G10001", &["Swedish Massage"]);
    let program = api.sandbox.with_books(|b| b.program_named("Serenity Rewards").unwrap().id.clone());
    let before = api.sandbox.with_books(|b| b.balances[&(inv.guest_id.clone(), program.clone())]);
    let upper = inv.id.to_uppercase();
    let (status, redeemable) = api.get(&format!("/v1/guests/{upper}/payments/loyalty_points/redeemable")).await;
    assert_eq!(status, 200, "{redeemable}");
    let body = json!({"points": 50, "center_id": inv.center_id.to_uppercase(), "program_id": program.to_uppercase(),
        "cash_register_id": "register-1", "redeem_across_programs": 0});
    let (status, answer) = api.post(&format!("/v1/invoices/{upper}/payments/loyalty_points"), body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["payment"]["payment_option"]["payment_name"], "Loyalty Points");
    assert_eq!(answer["payment"]["amount_paid"], 5.0);
    assert_eq!(answer["payment"]["cash_regester_id"], "register-1");
    assert_eq!(answer["invoice"]["invoice_number"], inv.number.as_str());
    assert_eq!(answer["redemptions"]["balance_points"], before - 50);
    let after = api.sandbox.with_books(|b| b.balances[&(inv.guest_id.clone(), program.clone())]);
    assert_eq!(after, before - 50);
    let (_, points) = api.get(&format!("/v1/guests/{}/points/1?invoice_id={upper}", inv.guest_id.to_uppercase())).await;
    assert_eq!(points["redeemed_points"].as_array().unwrap().len(), 1, "{points}");
}

#[tokio::test]
async fn a_gift_card_payment_blocks_points_by_its_payment_name() {
    let api = Api::start().await;
    let inv = api.sandbox.with_books(|b| {
        b.invoices.iter().find(|i| !i.closed && i.payments.iter().any(|p| p.payment_name == GIFT_CARD)).unwrap().clone()
    });
    let (_, detail) = api.get(&format!("/v1/invoices/{}", inv.id)).await;
    assert_eq!(detail["invoice"]["transactions"][0]["payment_option"]["payment_name"], GIFT_CARD);
    let program = api.sandbox.with_books(|b| b.program_named("Serenity Rewards").unwrap().id.clone());
    let body = json!({"points": 10, "center_id": inv.center_id, "program_id": program, "cash_register_id": "",
        "redeem_across_programs": 0, "otp": "246810"});
    let (status, refused) = api.post(&format!("/v1/invoices/{}/payments/loyalty_points", inv.id), body).await;
    assert_eq!(status, 502);
    assert_eq!(refused["error"]["message"], PREPAID_MESSAGE);
}

#[tokio::test]
async fn a_package_session_pays_a_line_named_by_its_invoice_item_id_in_any_case() {
    let api = Api::start().await;
    let inv = api.sandbox.add_open_invoice_for("G10001", &["Swedish Massage", "Signature Facial"]);
    let series = api
        .sandbox
        .with_packages(|p| p.held_named(&inv.guest_id, "Massage Series 10").unwrap().user_package_id.clone());
    let (_, detail) = api.get(&format!("/v1/invoices/{}", inv.id)).await;
    let line = &detail["invoice"]["invoice_items"][0];
    assert_eq!(line["invoice_item_id"], inv.items[0].id.as_str(), "the line");
    assert_eq!(line["id"], inv.items[0].service_id.as_deref().unwrap(), "the service sold on it");
    assert_eq!(line["type"], ItemType::Service.code());
    assert_eq!(line["package_redemption"], Value::Null);
    assert!(api.sandbox.package_ledger().is_empty());

    let body = json!({
        "center_id": inv.center_id.to_uppercase(),
        "guest_id": inv.guest_id.to_uppercase(),
        "user_package_id": series.to_uppercase(),
        "invoice_item_id": inv.items[0].id.to_uppercase(),
        "service_id": inv.items[0].service_id.as_deref().unwrap().to_uppercase(),
    });
    let path = format!("/v1/invoices/{}/redemptions/packages", inv.id.to_uppercase());
    let (status, answer) = api.post(&path, body.clone()).await;
    assert_eq!(status, 200, "{answer}");
    let ledger = api.sandbox.package_ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0].user_package_id.as_str(), ledger[0].invoice_id.as_str(), ledger[0].invoice_item_id.as_str()),
        (series.as_str(), inv.id.as_str(), inv.items[0].id.as_str())
    );
    let (_, detail) = api.get(&format!("/v1/invoices/{}", inv.id)).await;
    assert_eq!(detail["invoice"]["invoice_items"][0]["package_redemption"], json!({"user_package_id": series}));
    assert_eq!(detail["invoice"]["has_redemptions"], true);

    // The same line again is refused, and the ledger does not grow.
    let (status, refused) = api.post(&path, body).await;
    assert_eq!(status, 502, "{refused}");
    assert_eq!(api.sandbox.package_ledger().len(), 1);

    // The line's own id is not a service: naming the line as the service is refused.
    let wrong = json!({
        "center_id": inv.center_id, "guest_id": inv.guest_id, "user_package_id": series,
        "invoice_item_id": inv.items[1].id, "service_id": inv.items[1].id,
    });
    let (status, refused) = api.post(&path, wrong).await;
    assert_eq!((status, refused["error"]["message"].as_str()), (502, Some("Invalid InvoiceItemId.")));
}

#[tokio::test]
async fn guests_are_found_by_ids_in_any_case() {
    let api = Api::start().await;
    let (guest, center) = api.sandbox.guest_coded("G10000");
    let (status, detail) = api.get(&format!("/v1/guests/{}", guest.to_uppercase())).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["id"], guest.as_str(), "lower case outside the search");
    assert!(detail["personal_info"]["mobile_phone"].is_object());
    let (status, held) =
        api.get(&format!("/v1/guests/{}/packages?center_id={}", guest.to_uppercase(), center.to_uppercase())).await;
    assert_eq!(status, 200, "{held}");
    assert!(!held["packages"].as_array().unwrap().is_empty());
    let (status, found) = api.get(&format!("/v1/guests/search?center_id={center}&user_code=G10000")).await;
    assert_eq!(status, 200);
    assert_eq!(found["guests"][0]["id"], guest.to_uppercase().as_str());
    assert!(found.get("error").is_none(), "as recorded, no error key: {found}");
}
