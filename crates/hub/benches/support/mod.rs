//! What the hub's benches share besides the test harness (`tests/common`, included as `common`):
//! percentiles, number formatting, a seeded random source, and a `frontdesk-hub` process at the
//! log level it ships with.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{free_port, HubProcess};

/// The `p` quantile (0.5, 0.95) of sorted samples, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Sorts and gives (p50, p95, max).
pub fn spread(samples: &mut [Duration]) -> (Duration, Duration, Duration) {
    samples.sort();
    (percentile(samples, 0.5), percentile(samples, 0.95), samples.last().copied().unwrap_or_default())
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

pub fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// SplitMix64: the same seed, the same schedule, without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// In [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// `frontdesk-hub serve` as it runs in production: its default log level (`info,sqlx=warn`, JSON
/// lines to a file). The harness's `HubProcess::start` logs at debug (every SQL statement), which
/// a timing must not include; the process is the harness's `HubProcess` all the same.
pub fn hub_process(database: &str, zenoti: &str, extra: &[&str], log_dir: &Path) -> HubProcess {
    let port = free_port();
    let log = log_dir.join(format!("hub-{port}.log"));
    let child = Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--zenoti", zenoti])
        .args(extra)
        .env("FRONTDESK_HUB_DATABASE", database)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("frontdesk-hub starts");
    let hub = HubProcess { child, addr: format!("127.0.0.1:{port}").parse().unwrap(), log };
    let started = Instant::now();
    while std::net::TcpStream::connect(hub.addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the hub did not start: {}",
            std::fs::read_to_string(&hub.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    hub
}
