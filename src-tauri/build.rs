// Declares the app's commands so that capabilities can grant them one by one.
const COMMANDS: &[&str] = &[
    "app_settings",
    "restore_session",
    "sign_in",
    "start_demo",
    "sign_out",
    "list_centers",
    "select_center",
    "open_catalog",
    "member_prices",
    "gift_card_packages",
    "list_categories",
    "search_guests",
    "guest_packages",
    "package_details",
    "redeem_package",
    "find_invoices",
    "get_invoice",
    "redeemable_points",
    "quote_points",
    "redeem_points",
    "check_redemption",
    "dismiss_redemption",
    "audit_log",
    "set_cash_register",
    "export_audit_csv",
    "demo_codes",
    "lock",
    "unlock",
    "set_workstation_pin",
    "set_idle_lock_minutes",
    "set_payment_check_seconds",
    "update_status",
    "check_for_update",
    "install_update",
    "set_update_endpoint",
    "about",
    "export_support_bundle",
    "check_connection",
    "check_connection_before_sign_in",
    "diagnostics",
    "clear_diagnostics",
    "hub_status",
    "join_hub",
    "leave_hub",
];

fn main() {
    // The commit, for the About screen and support bundles (absent outside a git checkout).
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    println!("cargo:rustc-env=FRONTDESK_COMMIT={commit}");
    println!("cargo:rerun-if-changed=../.git/HEAD");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
