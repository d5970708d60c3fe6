//! Front Desk's desktop shell: thin commands over the Zenoti client, the keychain and the
//! workstation settings.

pub mod catalog;
pub mod commands;
pub mod error;
pub mod redeem;
pub mod redeem_package;
#[cfg(test)]
mod redeem_package_tests;
#[cfg(test)]
mod redeem_tests;
pub mod secrets;
pub mod session;
pub mod settings;

use tauri::Manager;

use crate::secrets::SecretStore;
use crate::session::{AppState, ClientTuning};
use crate::settings::SettingsStore;

/// Starts the app. Blocks until the last window closes.
pub fn run() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // WebKitGTK's DMA-BUF renderer draws blank windows on many GPUs and virtual displays.
        // SAFETY: called before any other thread of the app starts.
        unsafe { std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1") };
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,frontdesk_lib=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    tauri::Builder::default()
        .setup(|app| {
            let config_dir = app.path().app_config_dir()?;
            let data_dir = app.path().app_data_dir()?;
            let identifier = app.config().identifier.clone();
            app.manage(AppState::new(
                SecretStore::new(&identifier),
                SettingsStore::open(&config_dir),
                data_dir,
                ClientTuning::default(),
            ));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::auth::app_settings,
            commands::auth::restore_session,
            commands::auth::sign_in,
            commands::auth::start_demo,
            commands::auth::sign_out,
            commands::centers::list_centers,
            commands::centers::select_center,
            commands::packages::open_catalog,
            commands::packages::member_prices,
            commands::packages::gift_card_packages,
            commands::packages::list_categories,
            commands::guests::search_guests,
            commands::guests::guest_packages,
            commands::guests::package_details,
            commands::guests::redeem_package,
            commands::redeem::find_invoices,
            commands::redeem::get_invoice,
            commands::redeem::redeemable_points,
            commands::redeem::redeem_points,
            commands::redeem::audit_log,
            commands::redeem::set_cash_register,
            commands::redeem::export_audit_csv,
            commands::redeem::demo_codes,
        ])
        .run(tauri::generate_context!())
        .expect("Front Desk failed to start");
}
