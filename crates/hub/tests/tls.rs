//! `serve --tls-cert --tls-key`: the hub speaks HTTPS itself; unreadable files are a clear error.

mod common;

use std::process::Command;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_hub_serves_https_with_the_certificate_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    for make in TestDb::both() {
        let db = make();
        let args = ["--tls-cert", cert_path.to_str().unwrap(), "--tls-key", key_path.to_str().unwrap()];
        let mut hub = HubProcess::start(&db.url(), "http://127.0.0.1:9", &args, dir.path());
        let client = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
            .resolve("localhost", hub.addr)
            .build()
            .unwrap();
        let health = client.get(format!("https://localhost:{}/healthz", hub.addr.port())).send().await.unwrap();
        assert_eq!(health.status(), 200, "{}", db.name());
        // Plain HTTP to the TLS port gets no answer.
        assert!(reqwest::get(format!("http://{}/healthz", hub.addr)).await.map(|r| r.status() != 200).unwrap_or(true));
        // SIGTERM (systemd's stop) ends it cleanly, as without TLS.
        assert!(Command::new("kill").args(["-TERM", &hub.child.id().to_string()]).status().unwrap().success());
        let asked = std::time::Instant::now();
        let exit = loop {
            if let Some(exit) = hub.child.try_wait().unwrap() {
                break exit;
            }
            assert!(asked.elapsed() < std::time::Duration::from_secs(15), "the TLS hub did not stop");
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        assert!(exit.success(), "{exit:?} ({})", db.name());
    }
    let db = TestDb::sqlite();

    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk-hub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ])
        .env("FRONTDESK_HUB_DATABASE", db.url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the TLS certificate /nonexistent/cert.pem"));
}
