//! What the hub's tests share: a real PostgreSQL server per test (started from the machine's
//! PostgreSQL binaries, stopped on drop), a SQLite file, hub processes, desks and webhooks.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The hub's database for one test.
pub enum TestDb {
    Sqlite { dir: tempfile::TempDir },
    Postgres(Postgres),
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        TestDb::Sqlite { dir: tempfile::tempdir().unwrap() }
    }

    pub fn postgres() -> TestDb {
        TestDb::Postgres(Postgres::start())
    }

    /// Both, one after the other: every part is tested on each.
    pub fn both() -> [fn() -> TestDb; 2] {
        [TestDb::sqlite, TestDb::postgres]
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite { dir } => format!("sqlite://{}", dir.path().join("hub.db").display()),
            TestDb::Postgres(pg) => pg.url(),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            TestDb::Sqlite { .. } => "sqlite",
            TestDb::Postgres(_) => "postgres",
        }
    }

    /// Everything stored, as text (for the secret scan): the SQLite files' bytes, or a dump.
    pub fn dump(&self) -> String {
        match self {
            TestDb::Sqlite { dir } => {
                let mut all = Vec::new();
                for entry in std::fs::read_dir(dir.path()).unwrap() {
                    all.extend(std::fs::read(entry.unwrap().path()).unwrap_or_default());
                }
                String::from_utf8_lossy(&all).into_owned()
            }
            TestDb::Postgres(pg) => pg.dump(),
        }
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn pg_bin(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (apt-get install postgresql): the hub's tests need a real server")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join(name).exists())
        .collect();
    dirs.sort();
    dirs.pop().unwrap_or_else(|| panic!("no PostgreSQL {name} under /usr/lib/postgresql")).join(name)
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

/// Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root).
fn pg_command(name: &str) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(pg_bin(name));
        command
    } else {
        Command::new(pg_bin(name))
    }
}

/// A throwaway PostgreSQL server on a loopback port.
pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
}

impl Postgres {
    pub fn start() -> Postgres {
        let dir = tempfile::Builder::new().prefix("hub-pg").tempdir().unwrap();
        if is_root() {
            let status = Command::new("chown").args(["-R", "postgres:"]).arg(dir.path()).status().unwrap();
            assert!(status.success());
        }
        let data = dir.path().join("data");
        let out = pg_command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "hub", "--no-sync"])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let pg = Postgres { dir, port: 0 };
        pg.start_on(free_port())
    }

    fn start_on(mut self, port: u16) -> Postgres {
        self.port = port;
        self.pg_ctl_start();
        self
    }

    fn pg_ctl_start(&self) {
        let data = self.dir.path().join("data");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let out = pg_command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-w", "-o", &options, "start"])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Stops the server (the hub's calls then fail), keeping its data.
    pub fn stop(&self) {
        let _ = pg_command("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Starts it again on the same port.
    pub fn restart(&self) {
        self.pg_ctl_start();
    }

    pub fn url(&self) -> String {
        format!("postgres://hub@127.0.0.1:{}/postgres", self.port)
    }

    pub fn dump(&self) -> String {
        let out = Command::new(pg_bin("pg_dump"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "hub", "-d", "postgres"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A `frontdesk-hub` process.
pub struct HubProcess {
    pub child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl HubProcess {
    pub fn start(database: &str, zenoti: &str, extra: &[&str], log_dir: &Path) -> HubProcess {
        let port = free_port();
        let log = log_dir.join(format!("hub-{port}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--zenoti", zenoti])
            .args(extra)
            .env("FRONTDESK_HUB_DATABASE", database)
            .env("RUST_LOG", "debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let hub = HubProcess { child, addr, log };
        hub.wait_ready();
        hub
    }

    fn wait_ready(&self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if std::net::TcpStream::connect(self.addr).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the hub did not start: {}", std::fs::read_to_string(&self.log).unwrap_or_default());
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs the hub's CLI on a database; (exit code, stdout, stderr).
pub fn cli(database: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"))
        .args(args)
        .env("FRONTDESK_HUB_DATABASE", database)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// `desks add` through the CLI: the enrollment code it printed.
pub fn add_desk(database: &str, name: &str, center: Option<&str>) -> String {
    let mut args = vec!["desks", "add", name];
    if let Some(center) = center {
        args.extend(["--center", center]);
    }
    let (code, out, err) = cli(database, &args);
    assert_eq!(code, 0, "desks add: {err}");
    out.split(": ").nth(1).and_then(|s| s.lines().next()).expect("an enrollment code").trim().to_owned()
}

/// Enrolls with a code; the desk token.
pub async fn enroll(hub: &str, code: &str) -> String {
    let response =
        reqwest::Client::new().post(format!("{hub}/hub/v1/enroll")).json(&json!({"code": code})).send().await.unwrap();
    assert_eq!(response.status(), 201, "enroll");
    let body: Value = response.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// The webhook URL the CLI prints, for a hub at `hub`.
pub fn webhook_url(database: &str, hub: &str) -> String {
    let (code, out, err) = cli(database, &["webhook-url", "--public-url", hub]);
    assert_eq!(code, 0, "webhook-url: {err}");
    out.trim().to_owned()
}

/// A guest-package event the way Zenoti posts it.
pub fn package_event(id: &str, center: &str) -> Value {
    json!({
        "id": id,
        "event_id": format!("ev-{id}"),
        "event_schema": "v1",
        "event_resource": "GuestPackage",
        "event_type": "GuestPackage.Redeemed",
        "event_timestamp": "2026-12-02T10:00:00.1234567",
        "data": {"user_package_id": format!("up-{id}"), "center": {"id": center, "name": "Downtown"},
                 "service_redemptions": [{"invoice": {"id": format!("inv-{id}")}}]}
    })
}

/// Reads an SSE stream: events as (id, data) until `until` returns true or the time is up.
pub struct SseClient {
    response: reqwest::Response,
    buffer: String,
}

impl SseClient {
    pub async fn connect(hub: &str, token: &str, last_event_id: Option<i64>) -> Result<SseClient, reqwest::Response> {
        let mut request =
            reqwest::Client::new().get(format!("{hub}/hub/v1/events")).header("authorization", format!("Desk {token}"));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = request.send().await.map_err(|e| panic!("SSE connect: {e}")).unwrap();
        if response.status() != 200 {
            return Err(response);
        }
        Ok(SseClient { response, buffer: String::new() })
    }

    /// The next event (id, data JSON), or None when the stream ended or `wait` passed. Comments
    /// (keep-alives) are counted in `comments`.
    pub async fn next(&mut self, wait: Duration, comments: &mut usize) -> Option<(i64, Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut data) = (None, String::new());
                for line in block.lines() {
                    if line.starts_with(':') {
                        *comments += 1;
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let Some(id) = id {
                    return Some((id, serde_json::from_str(&data).unwrap()));
                }
                continue;
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }
}

impl SseClient {
    /// Whether the hub ends the stream within `wait` (what arrives meanwhile is dropped).
    pub async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None)) | Ok(Err(_)) => return true,
                Err(_) => return false,
            }
        }
    }
}

/// A load balancer in front of replicas: each connection goes to the first replica that accepts
/// it, so when one dies its new connections go to the next.
pub struct Balancer {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Balancer {
    pub async fn start(backends: Vec<SocketAddr>) -> Balancer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { return };
                let backends = backends.clone();
                tokio::spawn(async move {
                    for backend in backends {
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(backend).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            return;
                        }
                    }
                });
            }
        });
        Balancer { addr, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A Zenoti GET through the hub as a desk sends it (the demo's API key, `priority`): the
/// status, the hub's own code if it refused, and how long the answer took.
pub async fn zenoti_get(hub: &str, token: &str, path: &str, priority: &str) -> (u16, String, Duration) {
    let started = Instant::now();
    let r = reqwest::Client::new()
        .get(format!("{hub}/zenoti/{path}"))
        .header("authorization", format!("Desk {token}"))
        .header("x-zenoti-authorization", "apikey demo-frontdesk-key")
        .header("x-frontdesk-priority", priority)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (status, body["error"]["hub_code"].as_str().unwrap_or("").to_owned(), started.elapsed())
}
