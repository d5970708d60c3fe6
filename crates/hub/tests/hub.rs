//! The hub's parts against a real SQLite file and a real PostgreSQL server, through the real
//! `frontdesk-hub` binary and a sandbox standing in for Zenoti.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use zenoti_sandbox::{Config, Sandbox};

const KEY: &str = "apikey demo-frontdesk-key";

async fn sandbox() -> Sandbox {
    Sandbox::start_local(Config::default()).await.unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

/// A Zenoti call through the hub.
async fn zenoti(hub: &str, token: &str, method: reqwest::Method, path: &str, auth: Option<&str>) -> reqwest::Response {
    let mut request =
        http().request(method, format!("{hub}/zenoti/{path}")).header("authorization", format!("Desk {token}"));
    if let Some(auth) = auth {
        request = request.header("x-zenoti-authorization", auth);
    }
    request.send().await.unwrap()
}

async fn hub_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["error"]["hub_code"].as_str().unwrap_or("").to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn desks_enroll_once_and_a_revoked_token_stops_at_once() {
    let sandbox = sandbox().await;
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let quick = ["--keep-alive-ms", "200", "--poll-ms", "300"];
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &quick, logs.path());
        let code = add_desk(&db.url(), "Downtown · desk 1", Some("C-1"));
        let token = enroll(&hub.url(), &code).await;
        let whoami = |token: String| {
            let url = hub.url();
            async move {
                http()
                    .get(format!("{url}/hub/v1/desk"))
                    .header("authorization", format!("Desk {token}"))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let second: Value = http()
            .post(format!("{}/hub/v1/enroll", hub.url()))
            .json(&json!({"code": add_desk(&db.url(), "Downtown · desk 2", Some("C-1"))}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(second["desks"], 2, "the enrollment says how many desks share the limit: {second}");
        let me: Value = whoami(token.clone()).await.json().await.unwrap();
        assert_eq!(me, json!({"name": "Downtown · desk 1", "center_id": "C-1", "desks": 2}), "{}", db.name());

        // The code works once; a typo or a used code is refused with what to do.
        let again =
            http().post(format!("{}/hub/v1/enroll", hub.url())).json(&json!({"code": code})).send().await.unwrap();
        assert_eq!(hub_code(again).await, (401, "enrollment_code_invalid".into()));
        let garbage = http()
            .post(format!("{}/hub/v1/enroll", hub.url()))
            .body("{")
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(hub_code(garbage).await, (400, "body_invalid".into()));

        // No token, an unknown one, a malformed header.
        let none = http().get(format!("{}/hub/v1/desk", hub.url())).send().await.unwrap();
        assert_eq!(hub_code(none).await, (401, "desk_token_missing".into()));
        assert_eq!(hub_code(whoami("not-a-token".into()).await).await, (401, "desk_token_unknown".into()));
        let bearer = http()
            .get(format!("{}/hub/v1/desk", hub.url()))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(hub_code(bearer).await, (401, "desk_token_missing".into()));

        // An enrolled desk cannot be added again until revoked; list says what each desk is.
        let (exit, _, err) = cli(&db.url(), &["desks", "add", "Downtown · desk 1"]);
        assert_eq!(exit, 1);
        assert!(err.contains("revoke it first"), "{err}");
        let _waiting = add_desk(&db.url(), "Uptown · desk 1", None);
        let (_, list, _) = cli(&db.url(), &["desks", "list"]);
        assert!(list.contains("Downtown · desk 1\tC-1\tenrolled"), "{list}");
        assert!(list.contains("Uptown · desk 1\tall centers\twaiting for enrollment"), "{list}");

        // Revoked: refused on the very next call, and its open event stream ends.
        let mut listening = SseClient::connect(&hub.url(), &token, None).await.unwrap();
        assert!(!listening.ends_within(Duration::from_millis(500)).await, "the stream stays open while enrolled");
        let (exit, out, _) = cli(&db.url(), &["desks", "revoke", "Downtown · desk 1"]);
        assert_eq!(exit, 0, "{out}");
        assert_eq!(hub_code(whoami(token.clone()).await).await, (401, "desk_token_unknown".into()));
        assert!(listening.ends_within(Duration::from_secs(5)).await, "a revoked desk's stream ends ({})", db.name());
        let (exit, _, err) = cli(&db.url(), &["desks", "revoke", "Nobody"]);
        assert_eq!(exit, 1);
        assert!(err.contains("no active desk"), "{err}");

        // An expired code is refused.
        let late = add_desk(&db.url(), "Late · desk", None);
        let store = frontdesk_hub::db::Db::open(&db.url()).await.unwrap();
        sqlx::query("UPDATE desks SET enroll_expires_ms = 1 WHERE name = 'Late · desk'")
            .execute(&store.pool)
            .await
            .unwrap();
        let expired =
            http().post(format!("{}/hub/v1/enroll", hub.url())).json(&json!({"code": late})).send().await.unwrap();
        assert_eq!(hub_code(expired).await, (401, "enrollment_code_invalid".into()));
        // Codes are typed by people: case and dashes do not matter.
        let typed = add_desk(&db.url(), "Typed · desk", None).replace('-', "").to_lowercase();
        enroll(&hub.url(), &typed).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_are_forwarded_with_the_desks_own_authorization_and_the_catalog_is_fetched_once() {
    for make in TestDb::both() {
        let sandbox = sandbox().await;
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &[], logs.path());
        let tokens = [
            enroll(&hub.url(), &add_desk(&db.url(), "desk 1", None)).await,
            enroll(&hub.url(), &add_desk(&db.url(), "desk 2", None)).await,
            enroll(&hub.url(), &add_desk(&db.url(), "desk 3", None)).await,
        ];

        // Without the Zenoti authorization nothing is sent.
        let missing = zenoti(&hub.url(), &tokens[0], reqwest::Method::GET, "v1/centers", None).await;
        assert_eq!(hub_code(missing).await, (401, "zenoti_authorization_missing".into()));
        assert!(sandbox.requests_to("/v1/centers").is_empty());

        // Forwarded unchanged: the same body as Zenoti's, its rate-limit headers included.
        let through = zenoti(&hub.url(), &tokens[0], reqwest::Method::GET, "v1/centers", Some(KEY)).await;
        assert_eq!(through.status(), 200);
        assert!(through.headers().contains_key("ratelimit-remaining"));
        assert!(through.headers().contains_key("organization-ratelimit-limit"));
        let through: Value = through.json().await.unwrap();
        let direct: Value = http()
            .get(format!("{}/v1/centers", sandbox.base_url()))
            .header("authorization", KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(through, direct);

        // A key Zenoti refuses gets Zenoti's own 401.
        let wrong = zenoti(&hub.url(), &tokens[0], reqwest::Method::GET, "v1/centers", Some("apikey wrong")).await;
        assert_eq!(wrong.status(), 401);
        assert_eq!(sandbox.stats().unauthorized, 1);

        // Six catalog reads at once from three desks: one reaches Zenoti.
        let center = sandbox.center_ids()[0].clone();
        let path = format!("v1/centers/{center}/packages?page=1&size=100");
        let reads = (0..6).map(|i| {
            let (url, token, path) = (hub.url(), tokens[i % 3].clone(), path.clone());
            tokio::spawn(async move {
                let r = zenoti(&url, &token, reqwest::Method::GET, &path, Some(KEY)).await;
                (
                    r.status().as_u16(),
                    r.headers().get("x-frontdesk-cache").map(|v| v.to_str().unwrap().to_owned()),
                    r.text().await.unwrap(),
                )
            })
        });
        let answers: Vec<_> = futures_util::future::join_all(reads).await.into_iter().map(Result::unwrap).collect();
        assert!(answers.iter().all(|(status, _, body)| *status == 200 && body == &answers[0].2), "{}", db.name());
        assert_eq!(answers.iter().filter(|(_, cache, _)| cache.as_deref() == Some("miss")).count(), 1);
        assert_eq!(sandbox.requests_to(&format!("/v1/centers/{center}/packages")).len(), 1, "{}", db.name());
        // Later reads are answered from the cache...
        let again = zenoti(&hub.url(), &tokens[1], reqwest::Method::GET, &path, Some(KEY)).await;
        assert_eq!(again.headers().get("x-frontdesk-cache").unwrap(), "hit");
        assert_eq!(sandbox.requests_to(&format!("/v1/centers/{center}/packages")).len(), 1);
        // ...but never to an authorization Zenoti has not accepted: that call goes to Zenoti.
        let stranger = zenoti(&hub.url(), &tokens[2], reqwest::Method::GET, &path, Some("apikey wrong")).await;
        assert_eq!(stranger.status(), 401);
        assert_eq!(sandbox.requests_to(&format!("/v1/centers/{center}/packages")).len(), 2);
        // Money is never cached: every invoice read reaches Zenoti.
        let invoice = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
        for _ in 0..2 {
            let read =
                zenoti(&hub.url(), &tokens[0], reqwest::Method::GET, &format!("v1/invoices/{}", invoice.id), Some(KEY))
                    .await;
            assert_eq!(read.status(), 200);
            assert!(read.headers().get("x-frontdesk-cache").is_none());
        }
        assert_eq!(sandbox.requests_to(&format!("/v1/invoices/{}", invoice.id)).len(), 2);
        // Paths outside Zenoti's API and unknown priorities are refused by the hub itself.
        let outside = zenoti(&hub.url(), &tokens[0], reqwest::Method::GET, "v1/../_sandbox/stats", Some(KEY)).await;
        assert_eq!(outside.status(), 404);
        let priority = http()
            .get(format!("{}/zenoti/v1/centers", hub.url()))
            .header("authorization", format!("Desk {}", tokens[0]))
            .header("x-zenoti-authorization", KEY)
            .header("x-frontdesk-priority", "urgent")
            .send()
            .await
            .unwrap();
        assert_eq!(hub_code(priority).await, (400, "priority_unknown".into()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn leases_hold_one_desk_per_invoice_and_redemptions_need_one() {
    for make in TestDb::both() {
        let sandbox = sandbox().await;
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &["--lease-seconds", "1"], logs.path());
        let a = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 1", None)).await;
        let b = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 2", None)).await;
        let take = |token: &str, invoice: &str, employee: &str| {
            let (url, token, body) =
                (hub.url(), token.to_owned(), json!({"invoice_id": invoice, "employee": employee}));
            async move {
                let r = http()
                    .post(format!("{url}/hub/v1/leases"))
                    .header("authorization", format!("Desk {token}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.json::<Value>().await.unwrap())
            }
        };
        let invoice = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
        let (status, lease) = take(&a, &invoice.id, "Maria").await;
        assert_eq!(status, 201, "{lease}");
        let lease_id = lease["lease"].as_str().unwrap().to_owned();
        // The other desk is told who and since when, in any letter case of the id.
        let (status, held) = take(&b, &invoice.id.to_uppercase(), "Ana").await;
        assert_eq!(status, 409);
        assert_eq!((held["desk"].as_str(), held["employee"].as_str()), (Some("Downtown · desk 1"), Some("Maria")));
        assert!(held["since"].as_str().is_some());

        // A redemption POST without the lease is refused before anything reaches Zenoti.
        let program_id = sandbox.with_books(|b| b.programs[0].id.clone());
        let post = |token: &str| {
            let (url, token, path) =
                (hub.url(), token.to_owned(), format!("v1/invoices/{}/payments/loyalty_points", invoice.id));
            let body = json!({"points": 10, "center_id": invoice.center_id, "program_id": program_id,
                "cash_register_id": "register-1", "otp": "246810"});
            async move {
                http()
                    .post(format!("{url}/zenoti/{path}"))
                    .header("authorization", format!("Desk {token}"))
                    .header("x-zenoti-authorization", KEY)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(hub_code(post(&b).await).await, (409, "lease_required".into()));
        assert!(sandbox.requests_to(&format!("/v1/invoices/{}/payments", invoice.id)).is_empty());
        let packages = http()
            .post(format!("{}/zenoti/v1/invoices/{}/redemptions/packages", hub.url(), invoice.id))
            .header("authorization", format!("Desk {b}"))
            .header("x-zenoti-authorization", KEY)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(hub_code(packages).await, (409, "lease_required".into()));
        // Nor by a path with an empty segment, which the lease check would not recognise.
        for odd in [
            format!("v1//invoices/{}/payments/loyalty_points", invoice.id),
            format!("v1/invoices/{}//payments/loyalty_points", invoice.id),
            format!("v1/invoices/{}/payments/loyalty_points/", invoice.id),
        ] {
            let refused = http()
                .post(format!("{}/zenoti/{odd}", hub.url()))
                .header("authorization", format!("Desk {b}"))
                .header("x-zenoti-authorization", KEY)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(hub_code(refused).await.0, 404, "{odd}");
        }
        assert!(sandbox.stats().requests.iter().all(|r| r.method != "POST"), "no POST reached Zenoti");
        // The holder's POST goes through, once.
        let sent = post(&a).await;
        assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
        assert_eq!(sandbox.requests_to(&format!("/v1/invoices/{}/payments", invoice.id)).len(), 1);
        assert_eq!(sandbox.ledger().len(), 1);

        // Renewed, it outlives its first second; the other desk cannot release it.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(400)).await;
            let renewed = http()
                .put(format!("{}/hub/v1/leases/{lease_id}", hub.url()))
                .header("authorization", format!("Desk {a}"))
                .send()
                .await
                .unwrap();
            assert_eq!(renewed.status(), 200);
        }
        assert_eq!(take(&b, &invoice.id, "Ana").await.0, 409);
        let foreign = http()
            .delete(format!("{}/hub/v1/leases/{lease_id}", hub.url()))
            .header("authorization", format!("Desk {b}"))
            .send()
            .await
            .unwrap();
        assert_eq!(hub_code(foreign).await, (404, "lease_gone".into()));
        let released = http()
            .delete(format!("{}/hub/v1/leases/{lease_id}", hub.url()))
            .header("authorization", format!("Desk {a}"))
            .send()
            .await
            .unwrap();
        assert_eq!(released.status(), 204);
        let (status, lease_b) = take(&b, &invoice.id, "Ana").await;
        assert_eq!(status, 201);

        // Not renewed, it expires by itself and the invoice is free again; the old lease is gone.
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert_eq!(take(&a, &invoice.id, "Maria").await.0, 201);
        let stale = http()
            .put(format!("{}/hub/v1/leases/{}", hub.url(), lease_b["lease"].as_str().unwrap()))
            .header("authorization", format!("Desk {b}"))
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 404);
        // An event about the invoice names the desk that held it (released or not); another
        // invoice's says nothing (redeemed elsewhere, such as Zenoti's own POS). Before them, the
        // hub's own event of the points redeemed through it, naming the desk (no amount).
        let mut stream = SseClient::connect(&hub.url(), &b, Some(0)).await.unwrap();
        let (_, paid) = stream.next(Duration::from_secs(5), &mut 0).await.unwrap();
        assert_eq!(paid["kind"], "points_redeemed", "{paid}");
        assert_eq!(paid["invoice_id"].as_str().map(str::to_lowercase), Some(invoice.id.to_lowercase()));
        assert_eq!(paid["center_id"].as_str(), Some(invoice.center_id.as_str()), "{paid}");
        assert_eq!(paid["desk"], "Downtown · desk 1", "{paid}");
        assert!(!paid.to_string().contains("\"points\""), "no amount in it: {paid}");
        let webhook = webhook_url(&db.url(), &hub.url());
        for (id, invoice_id) in [("L1", invoice.id.as_str()), ("L2", "elsewhere-1")] {
            let mut event = package_event(id, "C");
            event["data"]["service_redemptions"][0]["invoice"]["id"] = json!(invoice_id.to_uppercase());
            assert_eq!(http().post(&webhook).json(&event).send().await.unwrap().status(), 200);
        }
        let (_, first) = stream.next(Duration::from_secs(5), &mut 0).await.unwrap();
        let (_, second) = stream.next(Duration::from_secs(5), &mut 0).await.unwrap();
        assert_eq!(first["desk"], "Downtown · desk 1", "{first}");
        assert_eq!(second["desk"], Value::Null, "{second}");
        // Bad input.
        assert_eq!(take(&a, "", "Maria").await.0, 400);
        assert_eq!(take(&a, "x'; DROP TABLE leases; --", "Maria").await.0, 400);
        assert_eq!(take(&a, &invoice.id, " ").await.0, 400);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn webhooks_are_stored_once_quarantined_when_unreadable_and_streamed_per_center() {
    let sandbox = sandbox().await;
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(&db.url(), &sandbox.base_url(), &["--keep-alive-ms", "200"], logs.path());
        let webhook = webhook_url(&db.url(), &hub.url());
        assert!(webhook.starts_with(&format!("{}/webhooks/zenoti/", hub.url())), "{webhook}");
        let downtown = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 1", Some("C-DOWN"))).await;
        let office = enroll(&hub.url(), &add_desk(&db.url(), "Head office", None)).await;
        let mut down_stream = SseClient::connect(&hub.url(), &downtown, None).await.unwrap();
        let mut office_stream = SseClient::connect(&hub.url(), &office, None).await.unwrap();

        let post = |url: String, body: Vec<u8>| async move {
            http().post(url).header("content-type", "application/json").body(body).send().await.unwrap()
        };
        let event = |id: &str, center: &str| serde_json::to_vec(&package_event(id, center)).unwrap();
        // A wrong secret: 404, nothing stored.
        let wrong = post(format!("{}/webhooks/zenoti/guess", hub.url()), event("E0", "C-DOWN")).await;
        assert_eq!(wrong.status(), 404);
        // Stored, then answered; the same envelope again is answered 200 and not stored twice
        // (ids compared in any case).
        let first = post(webhook.clone(), event("E1", "c-down")).await;
        assert_eq!(first.status(), 200);
        assert_eq!(first.json::<Value>().await.unwrap()["status"], "stored");
        let dup = post(webhook.clone(), event("e1", "C-DOWN")).await;
        assert_eq!(dup.json::<Value>().await.unwrap()["status"], "duplicate");
        // Unreadable bodies are kept in quarantine and answered 202.
        for body in [
            b"not json".to_vec(),
            b"{\"id\":\"x\"}".to_vec(),
            vec![0xff, 0xfe, 0x00],
            serde_json::to_vec(&json!({"id":"g","event_id":"g","event_type":"Guest.Created","data":{"id":"G"}}))
                .unwrap(),
            // No envelope id: a repeat could not be told from a new event.
            event("  ", "C-DOWN"),
            // An id of another type: the problem kept says which kind of value, never the value.
            {
                let mut odd = package_event("E-odd", "C-DOWN");
                odd["data"]["user_package_id"] = json!(5550100123u64);
                serde_json::to_vec(&odd).unwrap()
            },
        ] {
            let quarantined = post(webhook.clone(), body).await;
            assert_eq!(quarantined.status(), 202);
        }
        // Over 1 MiB: 413.
        let big = post(webhook.clone(), vec![b' '; 2 << 20]).await;
        assert_eq!(big.status(), 413);
        // A center no desk is enrolled for: stored, and streamed to the desks of every center.
        assert_eq!(post(webhook.clone(), event("E2", "C-ELSEWHERE")).await.status(), 200);
        assert_eq!(post(webhook.clone(), event("E3", "C-DOWN")).await.status(), 200);
        // Zenoti may use PUT.
        assert_eq!(http().put(webhook.clone()).body(event("E4", "C-DOWN")).send().await.unwrap().status(), 200);

        let mut comments = 0;
        let seen = |stream: &mut SseClient| {
            let stream = stream as *mut SseClient;
            async move {
                let stream = unsafe { &mut *stream };
                let mut got = Vec::new();
                while let Some((id, data)) = stream.next(Duration::from_secs(2), &mut 0).await {
                    got.push((
                        id,
                        data["event"]["id"].as_str().unwrap().to_owned(),
                        data["kind"].as_str().unwrap().to_owned(),
                    ));
                }
                got
            }
        };
        let down = seen(&mut down_stream).await;
        let office_got = seen(&mut office_stream).await;
        let ids = |got: &[(i64, String, String)]| got.iter().map(|(_, id, _)| id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&down), ["E1", "E3", "E4"], "{}", db.name());
        assert_eq!(ids(&office_got), ["E1", "E2", "E3", "E4"], "{}", db.name());
        assert!(office_got.windows(2).all(|w| w[0].0 < w[1].0), "in sequence order");
        assert!(down.iter().all(|(_, _, kind)| kind == "package_redeemed"));
        // Keep-alive comments arrive while nothing happens.
        let _ = down_stream.next(Duration::from_millis(700), &mut comments).await;
        assert!(comments >= 2, "keep-alives: {comments}");

        // Resuming after the first event gives the rest, once.
        let mut resumed = SseClient::connect(&hub.url(), &office, Some(office_got[0].0)).await.unwrap();
        assert_eq!(ids(&seen(&mut resumed).await), ["E2", "E3", "E4"]);
        // A Last-Event-ID that is not a number, negative, or from the future.
        for (bad, status, code) in [("abc", 400, "last_event_id_invalid"), ("-3", 400, "last_event_id_invalid")] {
            let r = http()
                .get(format!("{}/hub/v1/events", hub.url()))
                .header("authorization", format!("Desk {office}"))
                .header("last-event-id", bad)
                .send()
                .await
                .unwrap();
            assert_eq!(hub_code(r).await, (status, code.to_owned()), "{bad}");
        }
        let future = SseClient::connect(&hub.url(), &office, Some(999)).await.err().unwrap();
        assert_eq!(hub_code(future).await, (409, "last_event_id_ahead".into()));
        let no_token = http().get(format!("{}/hub/v1/events", hub.url())).send().await.unwrap();
        assert_eq!(no_token.status(), 401);

        // What was stored: four events, six bodies in quarantine, each exactly as posted.
        let store = frontdesk_hub::db::Db::open(&db.url()).await.unwrap();
        let count = |sql: &'static str| {
            let pool = store.pool.clone();
            async move { sqlx::Row::get::<i64, _>(&sqlx::query(sql).fetch_one(&pool).await.unwrap(), 0) }
        };
        assert_eq!(count("SELECT COUNT(*) FROM events").await, 4);
        assert_eq!(count("SELECT COUNT(*) FROM quarantine").await, 6);
        let problems: Vec<String> = sqlx::query("SELECT problem FROM quarantine")
            .fetch_all(&store.pool)
            .await
            .unwrap()
            .iter()
            .map(|row| sqlx::Row::get(row, 0))
            .collect();
        assert!(problems.iter().any(|p| p.contains("envelope's id is empty")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("data.user_package_id") && p.contains("integer")), "{problems:?}");
        assert!(problems.iter().all(|p| !p.contains("5550100123")), "no value in a problem: {problems:?}");
        let log = std::fs::read_to_string(&hub.log).unwrap();
        assert!(!log.contains("5550100123"), "no value in the log");
        let body: String = sqlx::Row::get(
            &sqlx::query("SELECT body FROM events WHERE envelope_id = 'E2'").fetch_one(&store.pool).await.unwrap(),
            0,
        );
        assert_eq!(body.as_bytes(), event("E2", "C-ELSEWHERE").as_slice());

        let metrics = http().get(format!("{}/metrics", hub.url())).send().await.unwrap().text().await.unwrap();
        for line in [
            "frontdesk_hub_webhooks_total{result=\"received\"} 11",
            "frontdesk_hub_webhooks_total{result=\"duplicate\"} 1",
            "frontdesk_hub_webhooks_total{result=\"quarantined\"} 6",
            "frontdesk_hub_sse_clients 3",
        ] {
            assert!(metrics.contains(line), "{line} in\n{metrics}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_sandbox_delivers_like_zenoti_is_read_with_our_models_and_streamed() {
    for make in TestDb::both() {
        delivered_like_zenoti_on(make()).await;
    }
}

async fn delivered_like_zenoti_on(db: TestDb) {
    let logs = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&db.url(), "http://127.0.0.1:9", &[], logs.path());
    let mut delivery = zenoti_sandbox::WebhookDelivery::new(webhook_url(&db.url(), &hub.url()));
    delivery.time_scale = 0.001;
    let sandbox = Sandbox::start_local(Config { webhook: Some(delivery), ..Config::default() }).await.unwrap();
    let invoice = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
    let center = invoice.center_id.clone();
    let token = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 1", Some(&center.to_uppercase()))).await;
    let mut stream = SseClient::connect(&hub.url(), &token, Some(0)).await.unwrap();
    sandbox.close_invoice(&invoice.id).unwrap();
    let raised = sandbox.raise_events(3, Some(&center));
    let mut got = Vec::new();
    while got.len() < 4 {
        let Some((_, data)) = stream.next(Duration::from_secs(10), &mut 0).await else { break };
        got.push(data);
    }
    assert_eq!(got.len(), 4, "{got:?}");
    // Zenoti promises no order: the invoice event and the three package events in any order.
    let (closed, packages): (Vec<&Value>, Vec<&Value>) = got.iter().partition(|d| d["kind"] == "invoice_closed");
    assert_eq!(closed.len(), 1, "{got:?}");
    assert_eq!(closed[0]["invoice_id"].as_str().unwrap().to_lowercase(), invoice.id.to_lowercase());
    assert_eq!(closed[0]["center_id"].as_str().unwrap().to_lowercase(), center.to_lowercase());
    let mut ids: Vec<&str> = packages.iter().map(|d| d["event"]["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut raised: Vec<&str> = raised.iter().map(String::as_str).collect();
    raised.sort();
    assert_eq!(ids, raised);
    for data in packages {
        assert_eq!(data["kind"], "package_status_updated");
        assert!(data["user_package_id"].is_string());
    }
    let metrics = http().get(format!("{}/metrics", hub.url())).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("frontdesk_hub_webhooks_total{result=\"quarantined\"} 0"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread")]
async fn old_events_leases_and_codes_are_pruned() {
    for make in TestDb::both() {
        let db = make();
        let mut config = frontdesk_hub::HubConfig::new(db.url(), "http://127.0.0.1:9".parse().unwrap());
        config.retention = Duration::from_millis(200);
        config.cache_ttl = Duration::from_millis(200);
        let hub = frontdesk_hub::Hub::open(config).await.unwrap();
        let old = serde_json::to_vec(&package_event("old", "C")).unwrap();
        assert!(matches!(
            frontdesk_hub::webhooks::store(&hub, &old).await.unwrap(),
            frontdesk_hub::webhooks::Stored::New(_)
        ));
        frontdesk_hub::webhooks::store(&hub, b"junk").await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let new = serde_json::to_vec(&package_event("new", "C")).unwrap();
        frontdesk_hub::webhooks::store(&hub, &new).await.unwrap();
        assert!(hub.prune().await.unwrap() >= 2);
        let ids: Vec<String> = sqlx::query("SELECT envelope_id FROM events")
            .fetch_all(&hub.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| sqlx::Row::get(r, 0))
            .collect();
        assert_eq!(ids, ["new"], "{}", db.name());
        let quarantined: i64 =
            sqlx::Row::get(&sqlx::query("SELECT COUNT(*) FROM quarantine").fetch_one(&hub.db.pool).await.unwrap(), 0);
        assert_eq!(quarantined, 0);
        // The sequence goes on from where it was: a desk's Last-Event-ID stays meaningful.
        let seq: i64 = sqlx::Row::get(&sqlx::query("SELECT seq FROM events").fetch_one(&hub.db.pool).await.unwrap(), 0);
        assert_eq!(seq, 2);
    }
}

/// `frontdesk-hub check`: the connection check from the hub's own machine, the key from the
/// environment (never printed), a clear report, and exit 1 when a call failed.
#[tokio::test]
async fn the_check_command_reports_and_keeps_the_key_out() {
    let sandbox = zenoti_sandbox::Sandbox::start_local(zenoti_sandbox::Config::default()).await.unwrap();
    let base = sandbox.base_url();
    fn check(base: String, key: Option<&'static str>, extra: &'static [&'static str]) -> (i32, String, String) {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"));
        command.args(["check", "--zenoti", &base]).args(extra).env_remove("ZENOTI_API_KEY");
        if let Some(key) = key {
            command.env("ZENOTI_API_KEY", key);
        }
        let out = command.output().unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code().unwrap(), text(&out.stdout), text(&out.stderr))
    }
    let key = zenoti_sandbox::DEMO_API_KEY;
    let (exit, out, err) = tokio::task::spawn_blocking({
        let base = base.clone();
        move || check(base, Some(key), &[])
    })
    .await
    .unwrap();
    assert_eq!(exit, 0, "{out}{err}");
    assert!(out.starts_with("Zenoti answers the way Front Desk expects."), "{out}");
    assert!(
        out.contains("GET /v1/centers/{id}/packages")
            && out.contains("Readings (a desk that runs this check reads by them from then on):"),
        "{out}"
    );
    assert!(!out.contains(key) && !err.contains(key));

    let (exit, out, err) = tokio::task::spawn_blocking({
        let base = base.clone();
        move || check(base, Some("wrong-key"), &["--json"])
    })
    .await
    .unwrap();
    assert_eq!(exit, 1, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["verdict"], "problems");
    assert!(report["probes"][0]["words"].as_str().unwrap().starts_with("Zenoti refused the credentials"), "{out}");
    assert!(!out.contains("wrong-key") && !err.contains("wrong-key"));

    let (exit, _, err) = tokio::task::spawn_blocking(move || check(base, None, &[])).await.unwrap();
    assert_eq!(exit, 2);
    assert!(err.contains("ZENOTI_API_KEY"), "{err}");
}
