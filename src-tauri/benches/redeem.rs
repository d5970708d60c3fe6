//! `make bench`: the app's own time per loyalty redemption, through the same `AppState` call the
//! `redeem_points` command makes (checks, fresh reads, the payment, the audit log), against the
//! sandbox on loopback. The time the sandbox spent answering (which it records per request) is
//! subtracted, so what is left is the client, the command logic and the loopback round trips.
//! The organization rate limit is lifted on both sides: this measures our overhead, not the
//! 60-calls-a-minute budget.

use std::time::{Duration, Instant};

use frontdesk_lib::redeem::{RedeemPointsRequest, RedeemStatus};
use frontdesk_lib::secrets::SecretStore;
use frontdesk_lib::session::{AppState, ClientTuning, SignInRequest};
use frontdesk_lib::settings::SettingsStore;
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

#[tokio::main]
async fn main() {
    keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    let sandbox = Sandbox::start_local(Config { rate_limit: None, ..Config::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tuning = ClientTuning {
        rate_limit: zenoti::RateLimit { per_minute: 600_000, burst: 10_000 },
        ..ClientTuning::default()
    };
    let app = AppState::new(
        SecretStore::new("com.frontdesk.client.bench"),
        SettingsStore::open(dir.path()),
        dir.path().to_path_buf(),
        tuning,
    );
    app.sign_in(SignInRequest::ApiKey { base_url: sandbox.base_url(), api_key: DEMO_API_KEY.to_owned().into() })
        .await
        .unwrap();
    app.set_cash_register("register-bench".into()).unwrap();

    // The open invoices of the centers without OTP whose guest can redeem, each with the
    // first program the guest has points in.
    let targets: Vec<(String, String, String)> = sandbox.with_books(|b| {
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
    });
    assert!(!targets.is_empty(), "the sandbox has no invoice to redeem on");

    let mut overheads = Vec::new();
    let mut walls = Vec::new();
    let mut next = 0;
    for run in 0..WARM_UP + RUNS {
        // The next invoice whose guest still has points and that still has money due.
        let (invoice, program) = loop {
            let (invoice, guest, program) = &targets[next % targets.len()];
            next += 1;
            let room = sandbox.with_books(|b| {
                let due = b.invoices.iter().find(|i| &i.id == invoice).map(|i| i.balance()).unwrap_or(0);
                let points = b.balances.get(&(guest.clone(), program.clone())).copied().unwrap_or(0);
                due >= 1000 && points >= POINTS
            });
            if room {
                break (invoice.clone(), program.clone());
            }
            assert!(next < targets.len() * (WARM_UP + RUNS), "the sandbox ran out of points or dues");
        };
        let seen = sandbox.stats().requests.len();
        let started = Instant::now();
        let outcome = app
            .redeem_points(
                RedeemPointsRequest {
                    invoice_id: invoice,
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
        "  wall time per redemption (4 calls to Zenoti):    p50 {}, p95 {}",
        ms(percentile(&walls, 0.5)),
        ms(percentile(&walls, 0.95))
    );
}
