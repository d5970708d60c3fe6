//! `zenoti-sandbox --port N [--latency-ms N] [--seed N] [--packages 1240,240,60,0]`: serves the
//! demo organization.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use zenoti_sandbox::{Config, Sandbox};

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
    let sandbox = Sandbox::start(config, SocketAddr::new(args.host, args.port)).await?;
    let login = &sandbox.config().employee;
    println!("zenoti-sandbox listening on {}", sandbox.base_url());
    println!("  API key:        {}", sandbox.config().api_key);
    println!(
        "  employee login: account {} / user {} / password {} / app id {} / app secret {}",
        login.account_name, login.user_name, login.password, login.app_id, login.app_secret
    );
    tokio::signal::ctrl_c().await?;
    drop(sandbox);
    Ok(())
}
