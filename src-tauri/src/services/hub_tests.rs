//! The desk with a real hub (SQLite, in this process) between it and the sandbox: joining with a
//! code (the token in the keychain, never in settings), calls through the hub, another desk's
//! lease refusing a redemption before anything is sent, live updates, and the hub going away and
//! coming back (a switchable proxy stands for the network).

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::net::TcpListener;
use zenoti_sandbox::{Config, Sandbox};

use crate::error::ErrorCode;
use crate::redemption::points::RedeemPointsRequest;
use crate::services::hub::{HubConnection, HubNotice};
use crate::services::HubDesk;
use crate::testing::TestHost;

/// A TCP proxy that can be cut (every connection dropped, the port closed) and restored.
struct Switch {
    port: u16,
    target: std::net::SocketAddr,
    tasks: Option<tokio::task::JoinSet<()>>,
}

impl Switch {
    async fn start(target: std::net::SocketAddr) -> Switch {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut switch = Switch { port, target, tasks: None };
        switch.on().await;
        switch
    }

    async fn on(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        let target = self.target;
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { return };
                connections.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        self.tasks = Some(tasks);
    }

    /// Drops every connection and closes the port: the hub is unreachable.
    fn off(&mut self) {
        self.tasks = None;
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

async fn hub_on(sandbox: &Sandbox, dir: &std::path::Path) -> frontdesk_hub::RunningHub {
    hub_to(&sandbox.base_url(), dir).await
}

/// A hub (SQLite, in this process) forwarding to `zenoti`.
async fn hub_to(zenoti: &str, dir: &std::path::Path) -> frontdesk_hub::RunningHub {
    let config =
        frontdesk_hub::HubConfig::new(format!("sqlite://{}", dir.join("hub.db").display()), zenoti.parse().unwrap());
    frontdesk_hub::RunningHub::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// 100 points on Lakeside's open invoice (which asks for no OTP).
fn hundred_points_on(invoice: &zenoti_sandbox::loyalty::Invoice) -> RedeemPointsRequest {
    RedeemPointsRequest {
        invoice_id: invoice.id.clone(),
        guest_id: invoice.guest_id.clone(),
        program_id: None,
        points: "100".into(),
        otp: None,
    }
}

/// Another desk of the organization, enrolled: its token.
async fn other_desk(hub: &frontdesk_hub::RunningHub, name: &str) -> String {
    reqwest::Client::new()
        .post(format!("{}/hub/v1/enroll", hub.base_url()))
        .json(&json!({"code": code(hub, name).await}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Asks for the invoice's lease as the desk with `token`: the HTTP status and the answer.
async fn take_lease(hub: &frontdesk_hub::RunningHub, token: &str, invoice_id: &str) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/hub/v1/leases", hub.base_url()))
        .header("authorization", format!("Desk {token}"))
        .json(&json!({"invoice_id": invoice_id, "employee": "Ana"}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

async fn code(hub: &frontdesk_hub::RunningHub, name: &str) -> String {
    frontdesk_hub::desks::add(&hub.hub.db, name, None).await.unwrap().secret
}

async fn wait_for(host: &TestHost, state: HubConnection) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while host.hub_status().state != state {
        assert!(tokio::time::Instant::now() < deadline, "the hub never became {state:?}: {:?}", host.hub_status());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn desk(host: &TestHost) -> Arc<HubDesk> {
    host.s::<Arc<HubDesk>>().inner().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_desk_joins_with_a_code_keeps_the_token_in_the_keychain_and_calls_go_through_the_hub() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub_on(&sandbox, hub_dir.path()).await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    assert_eq!(host.hub_status().state, HubConnection::None);

    // A wrong code, a hub that is not there, an address that is not one.
    let wrong = host.join_hub(hub.base_url(), "AAAA-BBBB".into()).await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::EnrollmentRefused);
    assert!(wrong.message.contains("ask IT for a new one"), "{}", wrong.message);
    let gone = host.join_hub("http://127.0.0.1:9".into(), "X".into()).await.unwrap_err();
    assert_eq!(gone.code, ErrorCode::HubUnavailable);
    assert!(gone.message.contains("could not reach the hub at http://127.0.0.1:9"), "{}", gone.message);
    assert_eq!(
        host.join_hub("hub.example.com:8443 x".into(), "X".into()).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );

    let code = code(&hub, "Downtown · desk 1").await;
    let status = host.join_hub(hub.base_url(), code.clone()).await.unwrap();
    assert_eq!(status.desk_name.as_deref(), Some("Downtown · desk 1"));
    wait_for(&host, HubConnection::Connected).await;
    let token = host.connection().secrets().load_hub_token().unwrap().expect("the token in the keychain");
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(!settings.contains(secrecy::ExposeSecret::expose_secret(&token)), "the token leaked into settings");
    assert!(!settings.contains(&code));
    assert!(settings.contains(&hub.base_url()));

    let before = hub.hub.metrics.forwarded.load(std::sync::atomic::Ordering::Relaxed);
    host.list_centers().await.unwrap();
    assert_eq!(hub.hub.metrics.forwarded.load(std::sync::atomic::Ordering::Relaxed), before + 1, "through the hub");

    // Leaving removes the token and goes straight to Zenoti.
    let left = host.leave_hub().await.unwrap();
    assert_eq!(left.state, HubConnection::None);
    assert!(host.connection().secrets().load_hub_token().unwrap().is_none());
    host.list_centers().await.unwrap();
    assert_eq!(hub.hub.metrics.forwarded.load(std::sync::atomic::Ordering::Relaxed), before + 1, "not through the hub");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_desks_lease_refuses_a_redemption_before_anything_is_sent() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub_on(&sandbox, hub_dir.path()).await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    host.join_hub(hub.base_url(), code(&hub, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    // Desk 2 takes the invoice.
    let other = reqwest::Client::new()
        .post(format!("{}/hub/v1/enroll", hub.base_url()))
        .json(&json!({"code": code(&hub, "Downtown · desk 2").await}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Lakeside's, which asks for no OTP, open and unpaid.
    let invoice = sandbox.with_books(|b| b.invoice_numbered("SMS16681").unwrap().clone());
    let taken = reqwest::Client::new()
        .post(format!("{}/hub/v1/leases", hub.base_url()))
        .header("authorization", format!("Desk {other}"))
        .json(&json!({"invoice_id": invoice.id, "employee": "Maria"}))
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), 201);
    let request = hundred_points_on(&invoice);
    let refused = host.redeem_points(request.clone(), |_| {}).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvoiceLeased);
    assert!(
        refused.message.starts_with("Maria at Downtown · desk 2 is redeeming on this invoice (since "),
        "{}",
        refused.message
    );
    assert!(sandbox.requests_to(&format!("/v1/invoices/{}/payments", invoice.id)).is_empty(), "nothing sent");
    assert!(sandbox.ledger().is_empty());
    // Released by desk 2: this desk redeems, through its own lease.
    let lease: serde_json::Value = taken.json().await.unwrap();
    reqwest::Client::new()
        .delete(format!("{}/hub/v1/leases/{}", hub.base_url(), lease["lease"].as_str().unwrap()))
        .header("authorization", format!("Desk {other}"))
        .send()
        .await
        .unwrap();
    let outcome = host.redeem_points(request, |_| {}).await.unwrap();
    assert_eq!(outcome.status, crate::redemption::RedeemStatus::Applied);
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn live_updates_arrive_and_the_hub_going_away_and_back_is_followed() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub_on(&sandbox, hub_dir.path()).await;
    let mut switch = Switch::start(hub.addr).await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    let mut notices = desk(&host).subscribe();
    host.join_hub(switch.url(), code(&hub, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    let webhook = format!("{}{}", hub.base_url(), hub.hub.webhook_path());
    let post = |id: &str| {
        let body = json!({"id": id, "event_id": id, "event_type": "GuestPackage.Redeemed",
            "data": {"user_package_id": format!("up-{id}"), "package": {"name": "Massage Series 10"},
                     "service_redemptions": [{"invoice": {"id": "inv-1"}}]}});
        let webhook = webhook.clone();
        async move { reqwest::Client::new().post(webhook).json(&body).send().await.unwrap().status() }
    };
    let next_update = |notices: &mut tokio::sync::broadcast::Receiver<HubNotice>| {
        let mut notices = notices.resubscribe();
        async move {
            tokio::time::timeout(Duration::from_secs(10), async {
                loop {
                    if let Ok(HubNotice::Update(update)) = notices.recv().await {
                        return update;
                    }
                }
            })
            .await
            .expect("an update")
        }
    };
    let waiting = next_update(&mut notices);
    assert_eq!(post("E1").await, 200);
    let update = waiting.await;
    assert_eq!(
        (update.kind.as_str(), update.sessions, update.package_name.as_deref()),
        ("package_redeemed", 1, Some("Massage Series 10"))
    );

    // The hub goes away: the desk says so and works directly with Zenoti.
    switch.off();
    wait_for(&host, HubConnection::Offline).await;
    let forwarded = hub.hub.metrics.forwarded.load(std::sync::atomic::Ordering::Relaxed);
    host.list_centers().await.unwrap();
    assert_eq!(hub.hub.metrics.forwarded.load(std::sync::atomic::Ordering::Relaxed), forwarded, "directly");
    // An event while it is away is not lost: the stream resumes after the last one seen.
    assert_eq!(post("E2").await, 200);
    let mut resync = notices.resubscribe();
    let waiting = next_update(&mut notices);
    switch.on().await;
    wait_for(&host, HubConnection::Connected).await;
    assert_eq!(waiting.await.user_package_id.as_deref(), Some("up-E2"));
    let resynced = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(HubNotice::Resync(_)) = resync.recv().await {
                return;
            }
        }
    })
    .await;
    assert!(resynced.is_ok(), "the window is told to re-read");
    host.list_centers().await.unwrap();
    assert_eq!(
        hub.hub.metrics.forwarded.load(std::sync::atomic::Ordering::Relaxed),
        forwarded + 1,
        "through the hub again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn away_from_the_hub_the_desk_keeps_to_its_share_which_follows_the_desks_enrolled() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub_on(&sandbox, hub_dir.path()).await;
    let mut switch = Switch::start(hub.addr).await;
    for n in 2..=4 {
        other_desk(&hub, &format!("Downtown · desk {n}")).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    host.join_hub(switch.url(), code(&hub, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    // Four desks share Zenoti's 60 a minute.
    let link = desk(&host).link();
    assert_eq!(link.fair_share(), Some(zenoti::RateLimit { per_minute: 15, burst: 15 }));
    // Two more join; the next time the desk reconnects it learns it (and keeps it in settings).
    for n in 5..=6 {
        other_desk(&hub, &format!("Downtown · desk {n}")).await;
    }
    switch.off();
    wait_for(&host, HubConnection::Offline).await;
    switch.on().await;
    wait_for(&host, HubConnection::Connected).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while link.fair_share() != Some(zenoti::RateLimit { per_minute: 10, burst: 10 }) {
        assert!(tokio::time::Instant::now() < deadline, "{:?}", link.fair_share());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(settings.contains("\"desks\": 6"), "{settings}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_failing_for_calls_is_bypassed_and_used_again_by_itself() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    // A hub that cannot reach Zenoti: it answers its desks, but every forwarded call fails.
    let hub = hub_to(
        &format!(
            "http://127.0.0.1:{}",
            std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
        ),
        hub_dir.path(),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    host.join_hub(hub.base_url(), code(&hub, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    let mut states = desk(&host).link().watch();
    let direct = sandbox.requests_to("/v1/centers").len();
    // The read goes to Zenoti directly, and the desk says offline.
    host.list_centers().await.unwrap();
    assert_eq!(sandbox.requests_to("/v1/centers").len(), direct + 1, "read directly");
    // With nothing done by hand, its event stream is opened again and the desk is connected
    // once more (the stream answers): the next call tries the hub first again.
    tokio::time::timeout(Duration::from_secs(10), async {
        let mut seen_offline = false;
        loop {
            let state = *states.borrow_and_update();
            seen_offline |= state == zenoti::HubState::Offline;
            if seen_offline && state == zenoti::HubState::Connected {
                return;
            }
            states.changed().await.unwrap();
        }
    })
    .await
    .expect("offline, then connected again by itself");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lease_the_hub_cannot_give_sends_nothing_and_the_confirmed_retry_goes_directly() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub_on(&sandbox, hub_dir.path()).await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    host.join_hub(hub.base_url(), code(&hub, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    // IT revokes the desk while its stream is still open: the lease is refused (401).
    assert!(frontdesk_hub::desks::revoke(&hub.hub.db, "Downtown · desk 1").await.unwrap());
    let invoice = sandbox.with_books(|b| b.invoice_numbered("SMS16681").unwrap().clone());
    let request = hundred_points_on(&invoice);
    let refused = host.redeem_points(request.clone(), |_| {}).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::HubLeaseUnavailable);
    assert!(refused.message.contains("nothing was sent"), "{}", refused.message);
    assert!(sandbox.requests_to(&format!("/v1/invoices/{}", invoice.id)).is_empty(), "nothing sent, not even a read");
    let status = host.hub_status();
    assert_eq!(
        (status.state, status.trouble),
        (HubConnection::Offline, Some(crate::services::hub::HubTrouble::Revoked))
    );
    // Confirmed again, after the warning: redeemed directly with Zenoti, once.
    let outcome = host.redeem_points(request, |_| {}).await.unwrap();
    assert_eq!(outcome.status, crate::redemption::RedeemStatus::Applied);
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_payment_not_seen_yet_keeps_the_invoice_from_other_desks_until_settled() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub_on(&sandbox, hub_dir.path()).await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(2), Duration::from_millis(600)).await;
    host.join_hub(hub.base_url(), code(&hub, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    let other = other_desk(&hub, "Downtown · desk 2").await;
    let invoice = sandbox.with_books(|b| b.invoice_numbered("SMS16681").unwrap().clone());
    // The payment is lost before Zenoti does anything: not seen yet.
    sandbox.inject(zenoti_sandbox::Fault::new(
        "POST",
        &format!("/v1/invoices/{}/payments", invoice.id),
        1,
        zenoti_sandbox::FaultAction::DropBeforeApply,
    ));
    let request = hundred_points_on(&invoice);
    let unseen = host.redeem_points(request, |_| {}).await.unwrap();
    assert_eq!(unseen.status, crate::redemption::RedeemStatus::NotSeenYet);
    // It may still land: desk 2 is kept off the invoice, told who holds it.
    let (status, held) = take_lease(&hub, &other, &invoice.id).await;
    assert_eq!((status, held["desk"].as_str()), (409, Some("Downtown · desk 1")), "{held}");
    // Check again finds nothing: still kept.
    let again = host.check_redemption(unseen.attempt_id.clone()).await.unwrap();
    assert_eq!(again.status, crate::redemption::RedeemStatus::NotSeenYet);
    assert_eq!(take_lease(&hub, &other, &invoice.id).await.0, 409);
    // The receptionist checked in Zenoti that it did not go through: the invoice is free.
    host.dismiss_redemption(unseen.attempt_id).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while take_lease(&hub, &other, &invoice.id).await.0 != 201 {
        assert!(tokio::time::Instant::now() < deadline, "the lease was never released");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn another_desks_lease_refuses_a_session_before_anything_is_sent_and_the_catalog_comes_from_the_hubs_cache() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub_on(&sandbox, hub_dir.path()).await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    host.join_hub(hub.base_url(), code(&hub, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    let other = other_desk(&hub, "Downtown · desk 2").await;
    let invoice = sandbox.add_open_invoice_for("G10002", &["Swedish Massage"]);
    let (g, c) = sandbox.guest_coded("G10002");
    let held = host.guest_packages(g.clone(), c).await.unwrap();
    let series = held
        .iter()
        .map(|p| &p.held)
        .find(|p| p.package.package.as_ref().and_then(|x| x.name.as_deref()) == Some("Massage Series 10"))
        .map(|p| p.package.user_package_id.clone())
        .unwrap();
    assert_eq!(take_lease(&hub, &other, &invoice.id).await.0, 201);
    let request = crate::redemption::package::RedeemPackageRequest {
        invoice_id: invoice.id.clone(),
        center_id: invoice.center_id.clone(),
        guest_id: invoice.guest_id.clone(),
        user_package_id: series,
        invoice_item_id: invoice.items[0].id.clone(),
        otp: None,
    };
    let refused = host.redeem_package(request, |_| {}).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvoiceLeased);
    assert!(
        refused.message.starts_with("Ana at Downtown · desk 2 is redeeming on this invoice"),
        "{}",
        refused.message
    );
    assert!(sandbox.requests_to(&format!("/v1/invoices/{}", invoice.id)).is_empty(), "nothing sent");

    // The catalog a second desk opens comes from the hub's cache: Zenoti is not asked again.
    let center = invoice.center_id.clone();
    host.open_catalog(center.clone()).await.unwrap();
    let asked = sandbox.requests_to(&format!("/v1/centers/{center}/packages")).len();
    assert!(asked > 0);
    let dir2 = tempfile::tempdir().unwrap();
    let second = TestHost::signed_in(&sandbox, dir2.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    second.join_hub(hub.base_url(), code(&hub, "Downtown · desk 3").await).await.unwrap();
    wait_for(&second, HubConnection::Connected).await;
    let hits = hub.hub.metrics.cache_hits.load(std::sync::atomic::Ordering::Relaxed);
    let packages = second.open_catalog(center.clone()).await.unwrap();
    assert!(!packages.is_empty());
    assert_eq!(sandbox.requests_to(&format!("/v1/centers/{center}/packages")).len(), asked, "from the hub's cache");
    assert!(hub.hub.metrics.cache_hits.load(std::sync::atomic::Ordering::Relaxed) > hits);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_restored_from_an_older_backup_starts_the_stream_over_and_the_desk_reads_again() {
    let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let first = hub_on(&sandbox, hub_dir.path()).await;
    let mut switch = Switch::start(first.addr).await;
    let dir = tempfile::tempdir().unwrap();
    let host = TestHost::signed_in(&sandbox, dir.path(), Duration::from_secs(5), Duration::from_secs(2)).await;
    host.join_hub(switch.url(), code(&first, "Downtown · desk 1").await).await.unwrap();
    wait_for(&host, HubConnection::Connected).await;
    // The backup IT will restore: taken now, before the events below.
    let backup = hub_dir.path().join("backup.db");
    sqlx::query(&format!("VACUUM INTO '{}'", backup.display())).execute(&first.hub.db.pool).await.unwrap();
    let post = |hub: &frontdesk_hub::RunningHub, id: &str| {
        let url = format!("{}{}", hub.base_url(), hub.hub.webhook_path());
        let body = json!({"id": id, "event_id": id, "event_type": "GuestPackage.Redeemed",
            "data": {"user_package_id": format!("up-{id}"), "service_redemptions": [{"invoice": {"id": "inv-1"}}]}});
        async move { reqwest::Client::new().post(url).json(&body).send().await.unwrap().status() }
    };
    let mut notices = desk(&host).subscribe();
    for id in ["E1", "E2", "E3"] {
        assert_eq!(post(&first, id).await, 200);
    }
    let heard = |notices: &mut tokio::sync::broadcast::Receiver<HubNotice>, want: &'static str| {
        let mut notices = notices.resubscribe();
        async move {
            tokio::time::timeout(Duration::from_secs(10), async {
                loop {
                    match notices.recv().await {
                        Ok(HubNotice::Update(u))
                            if want.starts_with("up-") && u.user_package_id.as_deref() == Some(want) =>
                        {
                            return
                        }
                        Ok(HubNotice::Resync(_)) if want == "resync" => return,
                        _ => {}
                    }
                }
            })
            .await
            .unwrap_or_else(|_| panic!("never heard {want}"))
        }
    };
    heard(&mut notices, "up-E3").await;

    // The hub's machine is replaced: the same address, its database restored from the backup,
    // whose newest event is older than the last the desk saw.
    let resynced = heard(&mut notices, "resync");
    switch.off();
    drop(first);
    let config =
        frontdesk_hub::HubConfig::new(format!("sqlite://{}", backup.display()), sandbox.base_url().parse().unwrap());
    let restored = frontdesk_hub::RunningHub::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    switch.target = restored.addr;
    switch.on().await;
    // The desk starts the stream over from now and reads what is on screen again…
    resynced.await;
    wait_for(&host, HubConnection::Connected).await;
    // …and hears the restored hub's events (numbered from 1 again).
    let next = heard(&mut notices, "up-E9");
    assert_eq!(post(&restored, "E9").await, 200);
    next.await;
}
