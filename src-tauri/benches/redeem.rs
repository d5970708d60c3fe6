//! `make bench`: the app's own time per loyalty redemption, through the same guard and service
//! call the `redeem_points` command makes (checks, fresh reads, the payment, the audit log), against the
//! sandbox on loopback. The time the sandbox spent answering (which it records per request) is
//! subtracted, so what is left is the client, the command logic and the loopback round trips.
//! The organization rate limit is lifted on both sides: this measures our overhead, not the
//! 60-calls-a-minute budget.
//!
//! Then the critical path: with 150 ms added to every answer, the time until the redemption is
//! sent and the whole redemption, for points and for a package session, against the bound of
//! two round trips (the fresh reads at once, then the POST).

use std::time::{Duration, Instant};

use frontdesk_lib::error::CommandResult;
use frontdesk_lib::redemption::package::RedeemPackageRequest;
use frontdesk_lib::redemption::points::RedeemPointsRequest;
use frontdesk_lib::redemption::{RedeemProgress, RedeemStatus, RedemptionOutcome};
use frontdesk_lib::services::connection::SignInRequest;
use frontdesk_lib::services::{ClientTuning, Services};
use zenoti_sandbox::{Config, Sandbox, DEMO_API_KEY};

const WARM_UP: usize = 20;
const RUNS: usize = 300;
const POINTS: i64 = 10;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A workstation's services, called the way the commands call them.
struct App(Services);

impl App {
    async fn redeem_points(
        &self,
        request: RedeemPointsRequest,
        progress: impl Fn(RedeemProgress) + Send + Sync,
    ) -> CommandResult<RedemptionOutcome> {
        let connected = self.0.connection.connected().await?;
        self.0.redemptions.redeem_points(&connected, &self.0.workstation, &self.0.hub, request, progress).await
    }

    async fn redeem_package(
        &self,
        request: RedeemPackageRequest,
        progress: impl Fn(RedeemProgress) + Send + Sync,
    ) -> CommandResult<RedemptionOutcome> {
        let connected = self.0.connection.connected().await?;
        self.0.redemptions.redeem_package(&connected, &self.0.workstation, &self.0.hub, request, progress).await
    }

    async fn guest_packages(
        &self,
        guest_id: String,
        center_id: String,
    ) -> CommandResult<Vec<frontdesk_lib::guest_packages::DeskPackage>> {
        frontdesk_lib::services::guests::packages(&self.0.connection.connected().await?, &guest_id, &center_id).await
    }
}

async fn signed_in(sandbox: &Sandbox, dir: &std::path::Path) -> App {
    let tuning = ClientTuning {
        rate_limit: zenoti::RateLimit { per_minute: 600_000, burst: 10_000 },
        ..ClientTuning::default()
    };
    let services = frontdesk_lib::testing::services(dir, tuning);
    services
        .connection
        .sign_in(SignInRequest::ApiKey { base_url: sandbox.base_url(), api_key: DEMO_API_KEY.to_owned().into() })
        .await
        .unwrap();
    let unlocked = services.connection.unlocked().unwrap();
    services.workstation.set_cash_register(&unlocked, "register-bench".into()).unwrap();
    App(services)
}

/// Open invoices of the centers without OTP whose guest can redeem: (invoice, guest, program).
fn targets(sandbox: &Sandbox) -> Vec<(String, String, String)> {
    sandbox.with_books(|b| {
        let otp_centers = b.otp_centers.clone();
        b.invoices
            .iter()
            .filter(|i| !i.closed && i.payments.is_empty() && !otp_centers.contains_key(&i.center_id))
            .filter(|i| i.items.iter().all(|item| item.kind == "Service") && !b.non_redeemable.contains(&i.guest_id))
            .filter_map(|i| {
                let program =
                    b.programs.iter().find(|p| b.balances.contains_key(&(i.guest_id.clone(), p.id.clone())))?;
                Some((i.id.clone(), i.guest_id.clone(), program.id.clone()))
            })
            .collect()
    })
}

#[tokio::main]
async fn main() {
    keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    overhead().await;
    critical_path().await;
}

async fn overhead() {
    let sandbox = Sandbox::start_local(Config { rate_limit: None, ..Config::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;

    let targets = targets(&sandbox);
    assert!(!targets.is_empty(), "the sandbox has no invoice to redeem on");

    let mut overheads = Vec::new();
    let mut walls = Vec::new();
    let mut next = 0;
    for run in 0..WARM_UP + RUNS {
        // The next invoice whose guest still has points and that still has money due.
        let (invoice, guest_id, program) = loop {
            let (invoice, guest, program) = &targets[next % targets.len()];
            next += 1;
            let room = sandbox.with_books(|b| {
                let due = b.invoices.iter().find(|i| &i.id == invoice).map(|i| i.balance()).unwrap_or(0);
                let points = b.balances.get(&(guest.clone(), program.clone())).copied().unwrap_or(0);
                due >= 1000 && points >= POINTS
            });
            if room {
                break (invoice.clone(), guest.clone(), program.clone());
            }
            assert!(next < targets.len() * (WARM_UP + RUNS), "the sandbox ran out of points or dues");
        };
        let seen = sandbox.stats().requests.len();
        let started = Instant::now();
        let outcome = app
            .redeem_points(
                RedeemPointsRequest {
                    invoice_id: invoice,
                    guest_id,
                    program_id: Some(program),
                    points: POINTS.to_string(),
                    otp: None,
                },
                |_| (),
            )
            .await
            .unwrap();
        let wall = started.elapsed();
        assert_eq!(outcome.status, RedeemStatus::Applied);
        let server: u64 = sandbox.stats().requests[seen..].iter().map(|r| r.server_micros).sum();
        if run >= WARM_UP {
            walls.push(wall);
            overheads.push(wall.saturating_sub(Duration::from_micros(server)));
        }
    }
    overheads.sort();
    walls.sort();
    println!("loyalty redemption, {RUNS} redemptions after {WARM_UP} warm-up, sandbox on loopback:");
    println!(
        "  app overhead (wall less the sandbox's own time): p50 {}, p95 {} (target p95 <= 20 ms)",
        ms(percentile(&overheads, 0.5)),
        ms(percentile(&overheads, 0.95))
    );
    println!(
        "  wall time per redemption (3 reads at once, then the payment): p50 {}, p95 {}",
        ms(percentile(&walls, 0.5)),
        ms(percentile(&walls, 0.95))
    );
}

const LATENCY: Duration = Duration::from_millis(150);
const PATH_RUNS: usize = 15;

/// Time until `Sending` (the POST leaves) and the whole redemption, medians of `PATH_RUNS`.
async fn critical_path() {
    let sandbox =
        Sandbox::start_local(Config { rate_limit: None, latency: LATENCY, ..Config::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let bound = LATENCY * 2;
    println!(
        "critical path with {} ms added to every answer (bound: 2 round trips = {}):",
        LATENCY.as_millis(),
        ms(bound)
    );

    let targets = targets(&sandbox);
    let (mut to_send, mut total) = (Vec::new(), Vec::new());
    for (invoice, guest_id, program) in targets.iter().cycle().take(PATH_RUNS) {
        let request = RedeemPointsRequest {
            invoice_id: invoice.clone(),
            guest_id: guest_id.clone(),
            program_id: Some(program.clone()),
            points: POINTS.to_string(),
            otp: None,
        };
        let (sent, whole) = timed(|progress| app.redeem_points(request, progress)).await;
        to_send.push(sent);
        total.push(whole);
    }
    report("points", &mut to_send, &mut total, bound);

    // A package session: a guest's series and an invoice of that guest's sessions.
    let (guest, center) = sandbox.guest_coded("G10002");
    let packages = app.guest_packages(guest.clone(), center.clone()).await.unwrap();
    let series = packages
        .iter()
        .find(|p| p.held.package.package.as_ref().and_then(|x| x.name.as_deref()) == Some("Massage Series 10"))
        .map(|p| p.held.package.user_package_id.clone())
        .unwrap();
    sandbox.with_packages(|p| {
        let held = p.held.iter_mut().find(|h| h.user_package_id.eq_ignore_ascii_case(&series)).unwrap();
        held.benefit_named_mut("Swedish Massage").unwrap().total = 10_000;
    });
    let inv = sandbox.add_open_invoice_for("G10002", &["Swedish Massage"; PATH_RUNS]);
    let (mut to_send, mut total) = (Vec::new(), Vec::new());
    for line in &inv.items {
        let request = RedeemPackageRequest {
            invoice_id: inv.id.clone(),
            center_id: inv.center_id.clone(),
            guest_id: guest.clone(),
            user_package_id: series.clone(),
            invoice_item_id: line.id.clone(),
            otp: None,
        };
        let (sent, whole) = timed(|progress| app.redeem_package(request, progress)).await;
        to_send.push(sent);
        total.push(whole);
    }
    report("package session", &mut to_send, &mut total, bound);
}

/// Runs one redemption: how long until it was sent (its `Sending` step), and in all.
async fn timed<F, Fut>(run: F) -> (Duration, Duration)
where
    F: FnOnce(Box<dyn Fn(RedeemProgress) + Send + Sync>) -> Fut,
    Fut: std::future::Future<Output = Result<RedemptionOutcome, frontdesk_lib::error::IpcError>>,
{
    let started = Instant::now();
    let sent_at = std::sync::Arc::new(std::sync::Mutex::new(None));
    let mark = sent_at.clone();
    let outcome = run(Box::new(move |step| {
        if step == RedeemProgress::Sending {
            *mark.lock().unwrap() = Some(started.elapsed());
        }
    }))
    .await
    .unwrap();
    assert_eq!(outcome.status, RedeemStatus::Applied);
    let whole = started.elapsed();
    let sent = sent_at.lock().unwrap().expect("the redemption was sent");
    (sent, whole)
}

fn report(what: &str, to_send: &mut [Duration], total: &mut [Duration], bound: Duration) {
    to_send.sort();
    total.sort();
    let (sent, whole) = (percentile(to_send, 0.5), percentile(total, 0.5));
    let trips = |d: Duration| d.as_secs_f64() / LATENCY.as_secs_f64();
    println!(
        "  {what}: sent after {} ({:.2} round trips), done after {} ({:.2} round trips); ratio to the bound {:.2} (median of {})",
        ms(sent),
        trips(sent),
        ms(whole),
        trips(whole),
        whole.as_secs_f64() / bound.as_secs_f64(),
        to_send.len()
    );
}
