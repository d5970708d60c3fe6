//! Zenoti's rate limit compressed into a shorter window: `60/6s` is the documented bucket (60 at
//! once, refilled at 60 a minute) ten times as fast. The bounds allow for the refill during a
//! burst, computed from the time it took, so a slow machine passes too.

use std::time::{Duration, Instant};

use zenoti_sandbox::{Config, RateLimit, Sandbox, DEMO_API_KEY};

struct Answer {
    status: u16,
    policy: Option<String>,
    remaining: Option<u64>,
    reset: Option<u64>,
    retry_after: Option<u64>,
}

async fn burst(client: &reqwest::Client, sandbox: &Sandbox, calls: usize) -> Vec<Answer> {
    let url = format!("{}/v1/centers", sandbox.base_url());
    let requests = (0..calls).map(|_| async {
        let response = client.get(&url).header("authorization", format!("apikey {DEMO_API_KEY}")).send().await.unwrap();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let number = |name: &str| header(name).and_then(|v| v.parse::<u64>().ok());
        Answer {
            status: response.status().as_u16(),
            policy: header("organization-ratelimit-limit"),
            remaining: number("ratelimit-remaining"),
            reset: number("ratelimit-reset"),
            retry_after: number("retry-after"),
        }
    });
    futures_util::future::join_all(requests).await
}

/// The most tokens the bucket can have given out `elapsed` after it started full.
fn most_allowed(elapsed: Duration) -> usize {
    60 + (elapsed.as_secs_f64() * 10.0).ceil() as usize + 1
}

#[tokio::test]
async fn sixty_per_six_seconds_lets_a_burst_of_sixty_through_then_ten_a_second() {
    let limit: RateLimit = "60/6s".parse().unwrap();
    let started = Instant::now();
    let sandbox = Sandbox::start_local(Config { rate_limit: Some(limit), ..Config::default() }).await.unwrap();
    let client = reqwest::Client::new();

    let answers = burst(&client, &sandbox, 100).await;
    let first_burst = started.elapsed();
    let allowed = answers.iter().filter(|a| a.status == 200).count();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    assert_eq!(allowed + refused, 100, "only 200s and 429s");
    assert!(
        (60..=most_allowed(first_burst)).contains(&allowed),
        "{allowed} of 100 got through in {first_burst:?}: the bucket holds 60 and refills 10 a second"
    );
    let stats = sandbox.stats();
    assert_eq!((stats.allowed as usize, stats.rate_limited as usize), (allowed, refused));
    for a in &answers {
        assert_eq!(a.policy.as_deref(), Some("60;w=6;b=60"));
        assert!(a.remaining.is_some_and(|r| r < 60) && a.reset.is_some_and(|r| r >= 1));
        if a.status == 429 {
            assert_eq!(a.remaining, Some(0));
            // The next token comes in 0.1 s: whole seconds, at least 1.
            assert_eq!(a.retry_after, Some(1));
        }
    }

    // About a second later, about ten more.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let answers = burst(&client, &sandbox, 40).await;
    let more = answers.iter().filter(|a| a.status == 200).count();
    let total = started.elapsed();
    assert!(more >= 10, "only {more} after a second's refill of 10");
    assert!(allowed + more <= most_allowed(total), "{allowed} + {more} got through in {total:?}");
    let stats = sandbox.stats();
    assert_eq!(stats.allowed as usize + stats.rate_limited as usize, 140);
}

#[tokio::test]
async fn without_a_limit_every_call_gets_through_and_is_counted() {
    let sandbox = Sandbox::start_local(Config { rate_limit: None, ..Config::default() }).await.unwrap();
    let answers = burst(&reqwest::Client::new(), &sandbox, 100).await;
    assert!(answers.iter().all(|a| a.status == 200 && a.policy.is_none()));
    let stats = sandbox.stats();
    assert_eq!((stats.allowed, stats.rate_limited), (100, 0));
}
