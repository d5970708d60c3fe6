//! The bundle configuration as each platform's build sees it: `tauri.conf.json` merged with its
//! platform overlay (`tauri.windows.conf.json`, `tauri.macos.conf.json`), read and type-checked
//! by Tauri's own config parser. Windows and macOS bundles cannot be built here; this is what
//! keeps their configuration honest.

use std::path::Path;

use serde_json::{json, Value};
use tauri_utils::config::{Config, NSISInstallerMode, WebviewInstallMode};
use tauri_utils::platform::Target;

fn dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The merged JSON, the files it came from, and the typed config.
fn merged(target: Target) -> (Value, Vec<String>, Config) {
    let (value, paths) = tauri_utils::config::parse::read_from(target, dir()).expect("the config parses");
    let config: Config = serde_json::from_value(value.clone()).expect("the merged config is a valid Tauri config");
    let names = paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    (value, names, config)
}

#[test]
fn every_platform_shares_the_product_and_takes_the_version_from_cargo() {
    for target in [Target::Linux, Target::Windows, Target::MacOS] {
        let (value, _, config) = merged(target);
        assert_eq!(config.product_name.as_deref(), Some("Front Desk"), "{target:?}");
        assert_eq!(config.identifier, "com.frontdesk.client");
        // No version here: the bundles take the workspace's Cargo version, the one place it is set.
        assert_eq!(value.get("version"), None, "{target:?}");
        assert_eq!(config.bundle.category.as_deref(), Some("Business"));
        for icon in &config.bundle.icon {
            assert!(dir().join(icon).is_file(), "{target:?}: missing icon {icon}");
        }
    }
}

#[test]
fn linux_builds_deb_and_rpm_and_never_appimage() {
    let (_, files, config) = merged(Target::Linux);
    assert_eq!(files, ["tauri.conf.json"]);
    assert_eq!(serde_json::to_value(&config.bundle.targets).unwrap(), json!(["deb", "rpm"]));
    assert!(config.bundle.icon.iter().any(|i| i.ends_with("128x128.png")));
}

#[test]
fn windows_builds_a_per_user_nsis_installer_with_the_webview2_bootstrapper_inside() {
    let (_, files, config) = merged(Target::Windows);
    assert_eq!(files, ["tauri.conf.json", "tauri.windows.conf.json"]);
    assert_eq!(serde_json::to_value(&config.bundle.targets).unwrap(), json!(["nsis"]));
    let windows = &config.bundle.windows;
    assert!(matches!(windows.webview_install_mode, WebviewInstallMode::EmbedBootstrapper { silent: true }));
    assert!(matches!(windows.nsis.as_ref().unwrap().install_mode, NSISInstallerMode::CurrentUser));
    assert!(config.bundle.icon.iter().any(|i| i.ends_with(".ico")));
}

#[test]
fn macos_builds_a_dmg() {
    let (_, files, config) = merged(Target::MacOS);
    assert_eq!(files, ["tauri.conf.json", "tauri.macos.conf.json"]);
    assert_eq!(serde_json::to_value(&config.bundle.targets).unwrap(), json!(["dmg"]));
    assert_eq!(config.bundle.macos.minimum_system_version.as_deref(), Some("11.0"));
    assert!(config.bundle.icon.iter().any(|i| i.ends_with(".icns")));
}
