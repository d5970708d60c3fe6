//! The updater against a loopback update server, in Tauri's mock runtime, configured as
//! `tauri.conf.json` configures it (with the test key instead of the release key): a newer
//! release signed for its version is found and its download verifies; the same version, an
//! older one (a downgrade), a manifest pairing a high version with a package signed for an older
//! one, a signature bound to no version, a manifest without our platform, an unreachable server
//! and a bundle whose signature does not match are each refused with a clear message.
//!
//! The fixture `payload.bin` was signed once per case with a key made for these tests (`tauri
//! signer sign --app-version`); only its public half, `test-key.pub`, is kept.

use std::sync::{Arc, Mutex};

use axum::routing::get;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::Manager;

use frontdesk_lib::error::ErrorCode;
use frontdesk_lib::update::{self, UpdateProgress, Updates};

const PAYLOAD: &[u8] = include_bytes!("fixtures/update/payload.bin");
/// Signed for 1.3.0, the version the tests' manifests announce.
const SIGNATURE: &str = include_str!("fixtures/update/payload-1.3.0.bin.sig");
/// The same package signed for 1.1.0: an older release.
const SIGNED_FOR_OLDER: &str = include_str!("fixtures/update/payload-1.1.0.bin.sig");
/// Signed the way Tauri CLI releases before `--app-version` signed: bound to no version.
const SIGNED_FOR_NO_VERSION: &str = include_str!("fixtures/update/payload-unversioned.bin.sig");
const TEST_KEY: &str = include_str!("fixtures/update/test-key.pub");

/// The shipped updater configuration, with the test key, no endpoints, and plain http allowed
/// to reach the loopback server.
fn updater_config() -> Value {
    let config: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let mut updater = config["plugins"]["updater"].clone();
    updater["pubkey"] = TEST_KEY.trim().into();
    updater["endpoints"] = json!([]);
    updater["dangerousInsecureTransportProtocol"] = true.into();
    updater
}

/// The app at version 1.2.0 with the updater plugin.
fn app() -> tauri::App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert("updater".into(), updater_config());
    context.package_info_mut().version = "1.2.0".parse().unwrap();
    let app = mock_builder().plugin(tauri_plugin_updater::Builder::new().build()).build(context).unwrap();
    app.manage(Updates::default());
    app
}

/// Serves `/latest.json` (whatever `manifest` holds) and `/bundle` (`bundle`'s bytes).
async fn server(manifest: Arc<Mutex<Value>>, bundle: Vec<u8>) -> url::Url {
    let router = axum::Router::new()
        .route(
            "/latest.json",
            get(move || {
                let manifest = manifest.lock().unwrap().clone();
                async move { axum::Json(manifest) }
            }),
        )
        .route(
            "/bundle",
            get(move || {
                let bundle = bundle.clone();
                async move { bundle }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/latest.json").parse().unwrap()
}

fn manifest(version: &str, base: &url::Url, platform: &str) -> Value {
    signed_manifest(version, SIGNATURE, base, platform)
}

fn signed_manifest(version: &str, signature: &str, base: &url::Url, platform: &str) -> Value {
    json!({
        "version": version,
        "notes": "Faster catalog",
        "pub_date": "2026-11-20T10:00:00Z",
        "platforms": { platform: { "signature": signature, "url": base.join("/bundle").unwrap().as_str() } },
    })
}

const PLATFORM: &str = if cfg!(target_os = "linux") {
    "linux-x86_64"
} else if cfg!(target_os = "macos") {
    "darwin-aarch64"
} else {
    "windows-x86_64"
};

#[tokio::test]
async fn a_newer_signed_release_is_found_and_verifies_and_nothing_else_is_offered() {
    let app = app();
    let manifest_slot = Arc::new(Mutex::new(Value::Null));
    let url = server(manifest_slot.clone(), PAYLOAD.to_vec()).await;

    *manifest_slot.lock().unwrap() = manifest("1.3.0", &url, PLATFORM);
    let update = update::check(app.handle(), Some(url.clone())).await.unwrap().update.expect("1.3.0 is newer");
    assert_eq!(update.version, "1.3.0");
    assert_eq!(update::available(&update).notes.as_deref(), Some("Faster catalog"));
    // The download verifies against our key (installing is left to the real-app test).
    let progress = Mutex::new(Vec::new());
    let bytes = update
        .download(|chunk, total| progress.lock().unwrap().push((chunk, total)), || {})
        .await
        .expect("the signature matches our key");
    assert_eq!(bytes, PAYLOAD);
    assert!(!progress.lock().unwrap().is_empty());

    // The same version: nothing to do. An older one: never offered (no downgrade), and said so.
    *manifest_slot.lock().unwrap() = manifest("1.2.0", &url, PLATFORM);
    let same = update::check(app.handle(), Some(url.clone())).await.unwrap();
    assert!(same.update.is_none() && same.older_offered.is_none());
    for version in ["1.1.9", "0.9.0"] {
        *manifest_slot.lock().unwrap() = manifest(version, &url, PLATFORM);
        let older = update::check(app.handle(), Some(url.clone())).await.unwrap();
        assert!(older.update.is_none(), "{version} offered");
        assert_eq!(older.older_offered.as_deref(), Some(version));
        let status = update::run_check(app.handle(), &app.state::<Updates>(), Some(url.to_string())).await;
        assert_eq!((status.available, status.older_offered.as_deref()), (None, Some(version)));
        assert!(app.state::<Updates>().found.lock().await.is_none(), "{version} kept for install");
    }

    // What the background check records for the Settings screen.
    *manifest_slot.lock().unwrap() = manifest("1.3.0", &url, PLATFORM);
    let status = update::run_check(app.handle(), &app.state::<Updates>(), Some(url.to_string())).await;
    assert_eq!(status.current_version, "1.2.0");
    assert_eq!(status.available.unwrap().version, "1.3.0");
    assert!(status.error.is_none() && status.checked_at.is_some());
    assert!(app.state::<Updates>().found.lock().await.is_some());
}

#[tokio::test]
async fn a_bundle_whose_signature_does_not_match_is_refused() {
    let app = app();
    let mut tampered = PAYLOAD.to_vec();
    tampered[100] ^= 0xff;
    let manifest_slot = Arc::new(Mutex::new(Value::Null));
    let url = server(manifest_slot.clone(), tampered).await;
    *manifest_slot.lock().unwrap() = manifest("1.3.0", &url, PLATFORM);
    let update = update::check(app.handle(), Some(url)).await.unwrap().update.unwrap();
    let progress = Mutex::new(Vec::new());
    let err = update::download(&update, |p| progress.lock().unwrap().push(p)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::UpdateFailed);
    assert!(err.message.contains("signature does not match"), "{}", err.message);
    assert!(
        !progress.lock().unwrap().contains(&UpdateProgress::Installing),
        "nothing was installed from a bundle that failed its signature"
    );
}

#[test]
fn the_shipped_configuration_requires_the_signed_version() {
    // Without it, a manifest could pair a high version with an older signed package, or with a
    // signature bound to no version (CVE-2026-95625).
    assert_eq!(updater_config()["requireSignedVersion"], true);
}

#[tokio::test]
async fn a_high_version_paired_with_an_older_signed_package_is_refused() {
    let app = app();
    let manifest_slot = Arc::new(Mutex::new(Value::Null));
    let url = server(manifest_slot.clone(), PAYLOAD.to_vec()).await;
    for (signature, case) in [(SIGNED_FOR_OLDER, "signed for 1.1.0"), (SIGNED_FOR_NO_VERSION, "signed for no version")]
    {
        *manifest_slot.lock().unwrap() = signed_manifest("1.3.0", signature, &url, PLATFORM);
        let update = update::check(app.handle(), Some(url.clone())).await.unwrap().update.expect("1.3.0 announced");
        let progress = Mutex::new(Vec::new());
        let err = update::download(&update, |p| progress.lock().unwrap().push(p)).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::UpdateFailed, "{case}");
        assert!(err.message.contains("signed for another version"), "{case}: {}", err.message);
        assert!(
            update.verify(PAYLOAD).is_err() && !progress.lock().unwrap().contains(&UpdateProgress::Installing),
            "{case}: nothing installed"
        );
    }
}

#[tokio::test]
async fn a_manifest_without_our_platform_or_an_unreachable_server_says_so() {
    let app = app();
    let manifest_slot = Arc::new(Mutex::new(Value::Null));
    let url = server(manifest_slot.clone(), PAYLOAD.to_vec()).await;
    *manifest_slot.lock().unwrap() = manifest("1.3.0", &url, "plan9-mips");
    let err = update::check(app.handle(), Some(url)).await.err().expect("refused");
    assert!(err.message.contains("no Front Desk for this kind of computer"), "{}", err.message);

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url: url::Url = format!("http://{closed}/latest.json").parse().unwrap();
    let err = update::check(app.handle(), Some(url.clone())).await.err().expect("refused");
    assert!(err.message.contains("could not be reached"), "{}", err.message);
    let status = update::run_check(app.handle(), &app.state::<Updates>(), Some(url.to_string())).await;
    assert!(status.available.is_none() && status.error.is_some());

    // A setting that is not an address.
    let status = update::run_check(app.handle(), &app.state::<Updates>(), Some("updates please".into())).await;
    assert!(status.error.unwrap().contains("not a web address"));
}
