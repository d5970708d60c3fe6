//! `make bench`: the wall time of a whole-catalog fetch against the sandbox with injected latency,
//! next to its lower bound and a page-by-page fetch measured in the same run.
//!
//! The organization rate limit is lifted here (on both sides): this measures how the fetch is
//! organized, not how long the 60-calls-a-minute budget makes anyone wait.

use std::time::{Duration, Instant};

use zenoti::{Client, ClientConfig, Credentials, PackageQuery, RateLimit, SecretString};
use zenoti_sandbox::{Config, Sandbox, DEMO_API_KEY};

const LATENCY: Duration = Duration::from_millis(100);
const PACKAGES: usize = 1000;
const RUNS: usize = 7;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::start_local(Config {
        latency: LATENCY,
        package_counts: vec![PACKAGES],
        rate_limit: None,
        ..Config::default()
    })
    .await
    .unwrap();
    let mut config =
        ClientConfig::new(sandbox.base_url().parse().unwrap(), Credentials::ApiKey(SecretString::from(DEMO_API_KEY)));
    config.rate_limit = RateLimit { per_minute: 60_000, burst: 1000 };
    let client = Client::new(config).unwrap();
    let center = sandbox.center_ids()[0].clone();

    let whole = || async {
        let started = Instant::now();
        let mut n = 0;
        client.all_packages(&center, &PackageQuery::default(), |batch, _| n += batch.len()).await.unwrap();
        assert_eq!(n, PACKAGES);
        started.elapsed()
    };
    let sequential = || async {
        let started = Instant::now();
        let mut n = 0;
        let mut page = 1;
        loop {
            let p = client.list_packages(&center, &PackageQuery::page(page, 100)).await.unwrap();
            n += p.packages.len();
            if n as i64 >= p.page_info.total {
                break;
            }
            page += 1;
        }
        assert_eq!(n, PACKAGES);
        started.elapsed()
    };

    whole().await; // warm-up: connections
    let mut concurrent = Vec::new();
    let mut one_by_one = Vec::new();
    for _ in 0..RUNS {
        concurrent.push(whole().await);
        one_by_one.push(sequential().await);
    }
    let bound = LATENCY * 2;
    let c = median(concurrent);
    let s = median(one_by_one);
    println!("catalog fetch, {PACKAGES} packages, {} latency per call, median of {RUNS} runs:", ms(LATENCY));
    println!("  all_packages (page 1, then the rest at once): {}", ms(c));
    println!("  bound (2 x latency):                          {}", ms(bound));
    println!(
        "  ratio to the bound:                           {:.2} (target <= 1.5)",
        c.as_secs_f64() / bound.as_secs_f64()
    );
    println!(
        "  page by page, same run:                       {} ({:.1}x slower)",
        ms(s),
        s.as_secs_f64() / c.as_secs_f64()
    );
}
