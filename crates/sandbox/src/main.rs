//! `zenoti-sandbox --port N [--latency-ms N] [--seed N] [--packages 1240,240,60,0]
//! [--rate-limit CALLS/WINDOW[/BURST] | --no-rate-limit] [--webhook URL [--webhook-time-scale F]
//! [--webhook-timeout-ms N]]`: serves the demo organization.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use zenoti_sandbox::{Config, RateLimit, Sandbox, WebhookDelivery};

#[derive(Parser)]
#[command(about = "A Zenoti-compatible server with seeded demo data")]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Address to listen on. Keep it on loopback.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Latency added to every API response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 36_000)]
    token_ttl_secs: u64,
    /// The API key to accept instead of the demo key.
    #[arg(long)]
    api_key: Option<String>,
    /// The employee password to accept instead of the demo one.
    #[arg(long)]
    employee_password: Option<String>,
    /// Packages of each center, one center per number (the first has the largest catalog).
    #[arg(long, value_delimiter = ',')]
    packages: Option<Vec<usize>>,
    /// The organization's rate limit as CALLS/WINDOW[/BURST], the window in s or ms: `60/6s`
    /// is Zenoti's documented 60/60s/60 ten times as fast. Default: 60/60s/60.
    #[arg(long, value_name = "CALLS/WINDOW[/BURST]", value_parser = parse_rate_limit, conflicts_with = "no_rate_limit")]
    rate_limit: Option<RateLimit>,
    /// No rate limit at all.
    #[arg(long)]
    no_rate_limit: bool,
    /// POST every event raised to this URL, as Zenoti delivers webhooks.
    #[arg(long, value_name = "URL")]
    webhook: Option<String>,
    /// Multiplies the webhook's retry delays (30 s to 10 min): 0.001 makes 30 s 30 ms.
    #[arg(long, value_name = "F", default_value_t = 1.0, requires = "webhook", value_parser = parse_scale)]
    webhook_time_scale: f64,
    /// How long a webhook attempt waits for the answer, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 10_000, requires = "webhook")]
    webhook_timeout_ms: u64,
}

fn parse_rate_limit(text: &str) -> Result<RateLimit, zenoti_sandbox::BadRateLimit> {
    text.parse()
}

fn parse_scale(text: &str) -> Result<f64, zenoti_sandbox::BadRateLimit> {
    match text.trim().parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 => Ok(f),
        _ => Err(zenoti_sandbox::BadRateLimit(format!("'{text}' is not a number of 0 or more, such as 0.001"))),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let args = Args::parse();
    let mut config = Config {
        latency: Duration::from_millis(args.latency_ms),
        seed: args.seed,
        token_ttl: Duration::from_secs(args.token_ttl_secs),
        ..Config::default()
    };
    if let Some(key) = args.api_key {
        config.api_key = key;
    }
    if let Some(password) = args.employee_password {
        config.employee.password = password;
    }
    if let Some(counts) = args.packages {
        config.package_counts = counts;
    }
    if args.no_rate_limit {
        config.rate_limit = None;
    } else if let Some(limit) = args.rate_limit {
        config.rate_limit = Some(limit);
    }
    if let Some(url) = args.webhook {
        config.webhook = Some(WebhookDelivery {
            time_scale: args.webhook_time_scale,
            timeout: Duration::from_millis(args.webhook_timeout_ms),
            ..WebhookDelivery::new(url)
        });
    }
    let sandbox = Sandbox::start(config, SocketAddr::new(args.host, args.port)).await?;
    let login = &sandbox.config().employee;
    println!("zenoti-sandbox listening on {}", sandbox.base_url());
    println!("  API key:        {}", sandbox.config().api_key);
    match sandbox.config().rate_limit {
        Some(limit) => println!("  rate limit:     {}", limit.policy()),
        None => println!("  rate limit:     none"),
    }
    if let Some(hook) = &sandbox.config().webhook {
        println!("  webhook:        {} (retry delays x{})", hook.url, hook.time_scale);
    }
    println!(
        "  employee login: account {} / user {} / password {} / app id {} / app secret {}",
        login.account_name, login.user_name, login.password, login.app_id, login.app_secret
    );
    tokio::signal::ctrl_c().await?;
    drop(sandbox);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_and_webhook_flags() {
        let args = Args::try_parse_from(["zenoti-sandbox", "--rate-limit", "60/6s"]).unwrap();
        assert_eq!(args.rate_limit, Some(RateLimit { calls: 60, window: Duration::from_secs(6), burst: 60 }));
        let args = Args::try_parse_from(["zenoti-sandbox", "--rate-limit", "10/500ms/5"]).unwrap();
        assert_eq!(args.rate_limit.map(|l| (l.window, l.burst)), Some((Duration::from_millis(500), 5)));
        assert!(Args::try_parse_from(["zenoti-sandbox", "--no-rate-limit"]).unwrap().no_rate_limit);
        for bad in [
            &["--rate-limit", "60"][..],
            &["--rate-limit", "60/6m"],
            &["--rate-limit", "0/6s"],
            &["--rate-limit", "60/6s", "--no-rate-limit"],
            &["--webhook-time-scale", "0.1"],
            &["--webhook", "http://127.0.0.1:9/", "--webhook-time-scale", "fast"],
        ] {
            let err = Args::try_parse_from(["zenoti-sandbox"].iter().chain(bad)).err();
            assert!(err.is_some(), "{bad:?} was accepted");
        }
        let err = Args::try_parse_from(["zenoti-sandbox", "--rate-limit", "60/6"]).err().unwrap().to_string();
        assert!(err.contains("needs a unit, s or ms"), "{err}");
        let args = Args::try_parse_from([
            "zenoti-sandbox",
            "--webhook",
            "http://127.0.0.1:9/hook",
            "--webhook-time-scale",
            "0.001",
            "--webhook-timeout-ms",
            "250",
        ])
        .unwrap();
        assert_eq!(
            (args.webhook.as_deref(), args.webhook_time_scale, args.webhook_timeout_ms),
            (Some("http://127.0.0.1:9/hook"), 0.001, 250)
        );
    }
}
