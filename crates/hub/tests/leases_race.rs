//! Two desks, two processes, racing for the same invoices: exactly one wins each time, the other
//! is told who holds it; a holder that dies frees the invoice once its lease expires.

mod common;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const ROUNDS: usize = 500;

/// Not a test of its own: the body of the racing desk processes the tests below start (this test
/// binary run again with HUB_RACER set). Without HUB_RACER it does nothing.
#[test]
fn racing_desk_process() {
    let Ok(hub) = std::env::var("HUB_RACER") else { return };
    let token = std::env::var("RACER_TOKEN").unwrap();
    let employee = std::env::var("RACER_EMPLOYEE").unwrap();
    let start_ms: i64 = std::env::var("RACER_START_MS").unwrap().parse().unwrap();
    let rounds: usize = std::env::var("RACER_ROUNDS").unwrap().parse().unwrap();
    let spacing: i64 = std::env::var("RACER_SPACING_MS").unwrap().parse().unwrap();
    let prefix = std::env::var("RACER_PREFIX").unwrap();
    let renew = std::env::var("RACER_RENEW").is_ok();
    tokio::runtime::Runtime::new().unwrap().block_on(async move {
        let http = reqwest::Client::new();
        for round in 0..rounds {
            let at = start_ms + round as i64 * spacing;
            let wait = at - chrono::Utc::now().timestamp_millis();
            if wait > 0 {
                tokio::time::sleep(Duration::from_millis(wait as u64)).await;
            }
            let response = http
                .post(format!("{hub}/hub/v1/leases"))
                .header("authorization", format!("Desk {token}"))
                .json(&json!({"invoice_id": format!("{prefix}-{round}"), "employee": employee}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            println!("RESULT {round} {status} {}", body["desk"].as_str().unwrap_or("-").replace(' ', "_"));
            if renew && status == 201 {
                // Hold it, renewing, until this process is killed.
                let lease = body["lease"].as_str().unwrap().to_owned();
                println!("HOLDING");
                loop {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    let _ = http
                        .put(format!("{hub}/hub/v1/leases/{lease}"))
                        .header("authorization", format!("Desk {token}"))
                        .send()
                        .await;
                }
            }
        }
    });
}

fn racer(hub: &str, token: &str, employee: &str, start_ms: i64, rounds: usize, spacing: i64, prefix: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "racing_desk_process", "--nocapture", "--test-threads=1"])
        .env("HUB_RACER", hub)
        .env("RACER_TOKEN", token)
        .env("RACER_EMPLOYEE", employee)
        .env("RACER_START_MS", start_ms.to_string())
        .env("RACER_ROUNDS", rounds.to_string())
        .env("RACER_SPACING_MS", spacing.to_string())
        .env("RACER_PREFIX", prefix)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}

fn results(output: &[u8]) -> HashMap<usize, (u16, String)> {
    String::from_utf8_lossy(output)
        .lines()
        // The test harness may print its own words before ours on the first line.
        .filter_map(|line| line.find("RESULT ").map(|at| &line[at + 7..]))
        .map(|rest| {
            let mut parts = rest.split(' ');
            let round = parts.next().unwrap().parse().unwrap();
            let status = parts.next().unwrap().parse().unwrap();
            (round, (status, parts.next().unwrap().replace('_', " ")))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_desk_processes_race_for_one_invoice_500_times_and_exactly_one_wins_each_time() {
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(&db.url(), "http://127.0.0.1:9", &[], logs.path());
        let a = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 1", None)).await;
        let b = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 2", None)).await;
        let start = chrono::Utc::now().timestamp_millis() + 1500;
        let spacing = 25;
        let racer_a = racer(&hub.url(), &a, "Maria", start, ROUNDS, spacing, "race").spawn().unwrap();
        let racer_b = racer(&hub.url(), &b, "Ana", start, ROUNDS, spacing, "race").spawn().unwrap();
        let (out_a, out_b) = (racer_a.wait_with_output().unwrap(), racer_b.wait_with_output().unwrap());
        let (res_a, res_b) = (results(&out_a.stdout), results(&out_b.stdout));
        assert_eq!((res_a.len(), res_b.len()), (ROUNDS, ROUNDS), "every round answered ({})", db.name());
        let mut wins = (0, 0);
        for round in 0..ROUNDS {
            let (sa, ha) = &res_a[&round];
            let (sb, hb) = &res_b[&round];
            match (sa, sb) {
                (201, 409) => {
                    assert_eq!(hb, "Downtown · desk 1", "round {round}: the loser is told who holds it");
                    wins.0 += 1;
                }
                (409, 201) => {
                    assert_eq!(ha, "Downtown · desk 2", "round {round}: the loser is told who holds it");
                    wins.1 += 1;
                }
                other => panic!("round {round} on {}: {other:?}, not exactly one winner", db.name()),
            }
        }
        eprintln!("{}: {ROUNDS} races, desk 1 won {}, desk 2 won {}", db.name(), wins.0, wins.1);
        // Both won rounds: the two really raced, neither always came first.
        assert!(wins.0 > 0 && wins.1 > 0, "{}: desk 1 won {}, desk 2 won {}", db.name(), wins.0, wins.1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_holder_that_dies_frees_the_invoice_when_its_lease_expires() {
    for make in TestDb::both() {
        let db = make();
        let logs = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(&db.url(), "http://127.0.0.1:9", &["--lease-seconds", "2"], logs.path());
        let a = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 1", None)).await;
        let b = enroll(&hub.url(), &add_desk(&db.url(), "Downtown · desk 2", None)).await;
        let mut holder = racer(&hub.url(), &a, "Maria", 0, 1, 0, "dies").env("RACER_RENEW", "1").spawn().unwrap();
        // Wait until it holds the invoice (and has renewed it past its first lease).
        let mut stdout = std::io::BufReader::new(holder.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("HOLDING") {
            line.clear();
            assert!(std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() > 0, "the holder stopped");
        }
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let take = || async {
            reqwest::Client::new()
                .post(format!("{}/hub/v1/leases", hub.url()))
                .header("authorization", format!("Desk {b}"))
                .json(&json!({"invoice_id": "dies-0", "employee": "Ana"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        };
        assert_eq!(take().await, 409, "renewed past its first 2 s, it still holds ({})", db.name());
        holder.kill().unwrap();
        holder.wait().unwrap();
        let killed = Instant::now();
        assert_eq!(take().await, 409, "just after the holder died");
        let freed = loop {
            if take().await == 201 {
                break killed.elapsed();
            }
            assert!(killed.elapsed() < Duration::from_secs(10), "never freed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        // Within the lease (renewed up to 0.3 s before the kill) and a margin for a busy machine.
        assert!(freed <= Duration::from_secs(5), "freed {freed:?} after the holder died, lease 2 s");
        eprintln!("{}: freed {} ms after the holder was killed (lease 2 s)", db.name(), freed.as_millis());
    }
}
