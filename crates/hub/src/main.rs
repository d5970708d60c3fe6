//! `frontdesk-hub`: serve, enroll and revoke desks, print the webhook URL.
//!
//! Exit codes: 0 done; 2 bad arguments; 3 the database cannot be opened; 4 cannot listen or the
//! TLS files cannot be read; 1 anything else.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use frontdesk_hub::db::Db;
use frontdesk_hub::error::HubError;
use frontdesk_hub::{desks, Hub, HubConfig};

#[derive(Parser)]
#[command(
    name = "frontdesk-hub",
    about = "Front Desk Hub: one organization's Zenoti budget, catalog cache, webhooks and invoice leases"
)]
struct Args {
    /// `sqlite://hub.db` (one process) or `postgres://user:password@host/db` (several replicas).
    #[arg(long, global = true, env = "FRONTDESK_HUB_DATABASE", default_value = "sqlite://hub.db")]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves desks and Zenoti's webhooks.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// Zenoti's API address for this organization's data center.
        #[arg(long, default_value = "https://api.zenoti.com")]
        zenoti: url::Url,
        /// TLS certificate chain (PEM). Without it the hub speaks plain HTTP (behind a TLS proxy).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Minutes a catalog answer is served from the cache.
        #[arg(long, default_value_t = 15)]
        cache_minutes: u64,
        /// Days webhook events are kept.
        #[arg(long, default_value_t = 30)]
        retention_days: u64,
        /// Seconds a lease lasts without renewal.
        #[arg(long, default_value_t = 60)]
        lease_seconds: u64,
        /// Milliseconds between SSE keep-alive comments.
        #[arg(long, default_value_t = 15_000)]
        keep_alive_ms: u64,
        /// Milliseconds between a stream's looks for new events when no wake-up came.
        #[arg(long, default_value_t = 3_000)]
        poll_ms: u64,
        /// The organization's Zenoti limit to start from (Zenoti's headers correct it).
        #[arg(long, default_value = "60/60s", value_parser = frontdesk_hub::budget::parse_budget)]
        budget: (i64, i64),
        /// Longest wait, in milliseconds, for Zenoti's answer to a forwarded call.
        #[arg(long, default_value_t = 30_000)]
        zenoti_timeout_ms: u64,
    },
    /// Enrolls, lists and revokes desks.
    Desks {
        #[command(subcommand)]
        command: DesksCommand,
    },
    /// Checks this server's connection to Zenoti: read-only probes of every call Front Desk
    /// uses (at most 11 calls, nothing written), with the API key in ZENOTI_API_KEY. Exit 0
    /// when everything answered (as documented or with differences Front Desk adapts to), 1
    /// when a call failed.
    Check {
        #[arg(long, default_value = "https://api.zenoti.com")]
        zenoti: String,
        /// The center whose packages and invoices are read (the first center by default).
        #[arg(long)]
        center: Option<String>,
        /// Each call's own limit, in seconds.
        #[arg(long, default_value_t = 15)]
        timeout_seconds: u64,
        /// The report as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Prints the URL to paste into Zenoti's webhook setup.
    WebhookUrl {
        /// The address desks and Zenoti reach the hub at, e.g. https://hub.example.com.
        #[arg(long)]
        public_url: url::Url,
    },
}

#[derive(Subcommand)]
enum DesksCommand {
    /// Adds a desk and prints its one-time enrollment code (valid 24 hours).
    Add {
        /// The name receptionists see, e.g. "Downtown · desk 1".
        name: String,
        /// The center whose events the desk receives (all centers without it).
        #[arg(long)]
        center: Option<String>,
    },
    List,
    /// Revokes a desk: its token stops working at once.
    Revoke {
        name: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("frontdesk-hub: {message}");
            ExitCode::from(code)
        }
    }
}

/// Ctrl-C or SIGTERM: stop taking connections, and exit at the latest 5 s later (event streams
/// never end by themselves; desks reconnect to another replica with Last-Event-ID).
async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("stopping");
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        std::process::exit(0);
    });
}

fn exit_code(err: &HubError) -> u8 {
    match err {
        HubError::DatabaseUnreachable { .. } | HubError::Database(_) => 3,
        _ => 1,
    }
}

async fn run(args: Args) -> Result<(), (u8, String)> {
    let fail = |err: HubError| (exit_code(&err), err.to_string());
    match args.command {
        Command::Serve {
            listen,
            zenoti,
            tls_cert,
            tls_key,
            cache_minutes,
            retention_days,
            lease_seconds,
            keep_alive_ms,
            poll_ms,
            budget,
            zenoti_timeout_ms,
        } => {
            let mut config = HubConfig::new(args.database, zenoti);
            config.cache_ttl = Duration::from_secs(cache_minutes * 60);
            config.retention = Duration::from_secs(retention_days * 24 * 3600);
            config.lease_ttl = Duration::from_secs(lease_seconds.max(1));
            config.keep_alive = Duration::from_millis(keep_alive_ms.max(100));
            config.poll_interval = Duration::from_millis(poll_ms.max(50));
            config.zenoti_timeout = Duration::from_millis(zenoti_timeout_ms.max(100));
            let hub = Hub::open(config).await.map_err(fail)?;
            hub.budget.configure(budget.0, budget.1).await.map_err(fail)?;
            let app = hub.router();
            tracing::info!(%listen, database = %hub.db.shown_url, zenoti = %hub.config.zenoti, "hub starting");
            match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let _ = rustls::crypto::ring::default_provider().install_default();
                    let tls =
                        axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key).await.map_err(|err| {
                            (
                                4,
                                format!(
                                    "cannot read the TLS certificate {} or key {}: {err}",
                                    cert.display(),
                                    key.display()
                                ),
                            )
                        })?;
                    println!("frontdesk-hub listening on https://{listen}");
                    let handle = axum_server::Handle::new();
                    let stopping = handle.clone();
                    tokio::spawn(async move {
                        stop_signal().await;
                        stopping.graceful_shutdown(Some(Duration::from_secs(5)));
                    });
                    axum_server::bind_rustls(listen, tls)
                        .handle(handle)
                        .serve(app.into_make_service())
                        .await
                        .map_err(|err| (4, format!("cannot serve on {listen}: {err}")))
                }
                _ => {
                    let listener = tokio::net::TcpListener::bind(listen)
                        .await
                        .map_err(|err| (4, format!("cannot listen on {listen}: {err}")))?;
                    println!(
                        "frontdesk-hub listening on http://{}",
                        listener.local_addr().map_err(|e| (4, e.to_string()))?
                    );
                    axum::serve(listener, app)
                        .with_graceful_shutdown(stop_signal())
                        .await
                        .map_err(|err| (1, format!("the server stopped: {err}")))
                }
            }
        }
        Command::Desks { command } => {
            let db = Db::open(&args.database).await.map_err(fail)?;
            match command {
                DesksCommand::Add { name, center } => {
                    let issued = desks::add(&db, &name, center.as_deref()).await.map_err(fail)?;
                    let expires = chrono::DateTime::from_timestamp_millis(issued.expires_ms).unwrap_or_default();
                    println!("Enrollment code for \"{}\": {}", name.trim(), issued.secret);
                    println!(
                        "Enter it in Front Desk → Settings → Hub before {} (UTC). It works once.",
                        expires.format("%Y-%m-%d %H:%M")
                    );
                }
                DesksCommand::List => {
                    for desk in desks::list(&db).await.map_err(fail)? {
                        println!(
                            "{}\t{}\t{}",
                            desk.name,
                            desk.center_id.as_deref().unwrap_or("all centers"),
                            desk.state
                        );
                    }
                }
                DesksCommand::Revoke { name } => {
                    if !desks::revoke(&db, &name).await.map_err(fail)? {
                        return Err((
                            1,
                            format!(
                                "no active desk is named \"{}\" (frontdesk-hub desks list shows them)",
                                name.trim()
                            ),
                        ));
                    }
                    println!("Revoked \"{}\": its token no longer works.", name.trim());
                }
            }
            Ok(())
        }
        Command::Check { zenoti, center, timeout_seconds, json } => {
            let key = std::env::var("ZENOTI_API_KEY").ok().filter(|k| !k.trim().is_empty()).ok_or((
                2,
                "set ZENOTI_API_KEY to the organization's API key (it is read from the environment so it stays out of the process list)".to_owned(),
            ))?;
            let base = zenoti::parse_base_url(&zenoti).map_err(|e| (2, e.to_string()))?;
            let client = zenoti::Client::new(zenoti::ClientConfig::new(base, zenoti::Credentials::ApiKey(key.into())))
                .map_err(|e| (2, e.to_string()))?;
            let options =
                zenoti::CheckOptions { center_id: center, timeout: Duration::from_secs(timeout_seconds.max(1)) };
            let report = client.check_connection(options).await;
            if json {
                println!("{}", serde_json::to_string_pretty(&report).map_err(|e| (1, e.to_string()))?);
            } else {
                print!("{report}");
            }
            match report.verdict {
                zenoti::Verdict::Problems => Err((1, "some calls failed (see the report)".to_owned())),
                _ => Ok(()),
            }
        }
        Command::WebhookUrl { public_url } => {
            let db = Db::open(&args.database).await.map_err(fail)?;
            let secret = db
                .setting("webhook_secret", || {
                    use base64::Engine;
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(desks::random_bytes::<32>())
                })
                .await
                .map_err(fail)?;
            let base = public_url.as_str().trim_end_matches('/');
            println!("{base}/webhooks/zenoti/{secret}");
            Ok(())
        }
    }
}
