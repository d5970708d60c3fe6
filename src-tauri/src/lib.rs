//! Front Desk's desktop shell: thin commands (`commands`) over Tauri-free services
//! (`services`), each registered on its own.

pub mod catalog;
pub mod commands;
pub mod diagnostics;
pub mod error;
pub mod guest_packages;
pub mod redemption;
pub mod secrets;
pub mod services;
pub mod settings;
pub mod support;
pub mod testing;
pub mod update;

use serde::Serialize;
use tauri::{Emitter, Manager};
use ts_rs::TS;

use crate::secrets::SecretStore;
use crate::services::{ClientTuning, Redemptions, Services, Workstation};
use crate::settings::SettingsStore;

/// Starts the app. Blocks until the last window closes.
pub fn run() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // WebKitGTK's DMA-BUF renderer draws blank windows on many GPUs and virtual displays.
        // SAFETY: called before any other thread of the app starts.
        unsafe { std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1") };
    }
    let mut builder = tauri::Builder::default();
    // First: a second launch hands over to the running window and exits. Without a D-Bus session
    // it cannot find the first one and starts normally.
    builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    }));
    #[cfg(feature = "updater")]
    {
        builder = builder.plugin(tauri_plugin_updater::Builder::new().build());
    }
    builder
        // Size, position and maximised, never restored off-screen or minimised (the plugin checks).
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .setup(|app| {
            start_logging(app.path().app_log_dir().ok());
            tracing::info!(build = ?commands::support::build_info(app.handle()), "Front Desk starting");
            let config_dir = app.path().app_config_dir()?;
            let data_dir = app.path().app_data_dir()?;
            let identifier = app.config().identifier.clone();
            app.manage(update::Updates::default());
            start_update_checks(app.handle().clone());
            exit_on_terminate(app.handle().clone());
            let services = Services::new(
                SecretStore::new(&identifier),
                SettingsStore::open(&config_dir),
                &data_dir,
                ClientTuning::default(),
            );
            forward_hub_notices(app.handle().clone(), services.hub.clone());
            manage(app, services);
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let app = window.app_handle();
                if app.state::<Redemptions>().in_flight() > 0 {
                    // Closed while a redemption is being sent or checked: it goes on to its result.
                    api.prevent_close();
                    tauri::async_runtime::spawn(quit_after_redemptions(app.clone(), "the window was closed"));
                }
            }
        })
        .invoke_handler(handler())
        .run(tauri::generate_context!())
        .expect("Front Desk failed to start");
}

/// Registers each service with the app, for the commands that take it.
pub fn manage<R: tauri::Runtime>(app: &impl Manager<R>, services: Services) {
    app.manage(services.connection);
    app.manage(services.workstation);
    app.manage(services.catalog);
    app.manage(services.redemptions);
    app.manage(services.hub);
    app.manage(services.diagnostics);
}

/// Every command of the app (the test host registers the same).
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        commands::auth::app_settings,
        commands::auth::restore_session,
        commands::auth::sign_in,
        commands::auth::start_demo,
        commands::auth::sign_out,
        commands::auth::lock,
        commands::auth::unlock,
        commands::auth::set_workstation_pin,
        commands::auth::set_idle_lock_minutes,
        commands::auth::set_payment_check_seconds,
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
        commands::redeem::quote_points,
        commands::redeem::redeem_points,
        commands::redeem::check_redemption,
        commands::redeem::dismiss_redemption,
        commands::redeem::audit_log,
        commands::redeem::set_cash_register,
        commands::redeem::export_audit_csv,
        commands::redeem::demo_codes,
        commands::update::update_status,
        commands::update::check_for_update,
        commands::update::install_update,
        commands::update::set_update_endpoint,
        commands::support::about,
        commands::support::export_support_bundle,
        commands::support::check_connection,
        commands::support::check_connection_before_sign_in,
        commands::support::diagnostics,
        commands::support::clear_diagnostics,
        commands::hub::hub_status,
        commands::hub::join_hub,
        commands::hub::leave_hub,
    ]
}

/// Logs to stderr and, when the log folder can be made, to a daily file there (14 days kept).
/// Secrets are never formatted: they are wrapped in redacting types.
fn start_logging(dir: Option<std::path::PathBuf>) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;

    let filter =
        || tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,frontdesk_lib=info".into());
    let files = dir.and_then(|d| {
        std::fs::create_dir_all(&d).ok()?;
        support::log_files(&d).map_err(|e| eprintln!("log files unavailable in {}: {e}", d.display())).ok()
    });
    let file_layer =
        files.map(|w| tracing_subscriber::fmt::layer().with_ansi(false).with_writer(w).with_filter(filter()));
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter()))
        .with(file_layer)
        .try_init();
}

/// A shutdown or logout asks processes to stop with SIGTERM: close the way the window's close
/// button does, so that the window's size and position are saved and the logs flushed.
fn exit_on_terminate(app: tauri::AppHandle) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
                quit_after_redemptions(app, "asked to stop (SIGTERM)").await;
            }
            Err(err) => tracing::warn!(error = %err, "cannot listen for SIGTERM"),
        }
    });
    #[cfg(not(unix))]
    let _ = app;
}

/// The events the window hears, by name, with their payload's type (for the generated bindings).
pub const EVENTS: &[(&str, &str)] = &[
    (CLOSING_EVENT, "ClosingNotice"),
    (HUB_STATUS_EVENT, "HubStatus"),
    (HUB_UPDATE_EVENT, "HubUpdate"),
    (HUB_RESYNC_EVENT, "HubStatus"),
];

/// The hub's state changed (connected, offline, joined, left).
pub const HUB_STATUS_EVENT: &str = "hub-status";
/// Something happened in Zenoti (another desk's redemption, an invoice closed): re-read.
pub const HUB_UPDATE_EVENT: &str = "hub-update";
/// The hub is back after being offline: re-read what is on screen.
pub const HUB_RESYNC_EVENT: &str = "hub-resync";

/// Restores the hub joined earlier and tells the window what it hears from it.
fn forward_hub_notices<R: tauri::Runtime>(app: tauri::AppHandle<R>, hub: std::sync::Arc<services::HubDesk>) {
    use services::hub::HubNotice;
    let mut notices = hub.subscribe();
    tauri::async_runtime::spawn(async move {
        hub.restore().await;
        loop {
            let sent = match notices.recv().await {
                Ok(HubNotice::Status(status)) => app.emit(HUB_STATUS_EVENT, status),
                Ok(HubNotice::Update(update)) => app.emit(HUB_UPDATE_EVENT, update),
                Ok(HubNotice::Resync(status)) => app.emit(HUB_RESYNC_EVENT, status),
                // Fell behind: the window re-reads instead of missing something.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => app.emit(HUB_RESYNC_EVENT, hub.status()),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            };
            if let Err(err) = sent {
                tracing::warn!(%err, "the window could not be told about the hub");
            }
        }
    });
}

/// Heard when Front Desk was asked to close during a redemption and waits for its result.
pub const CLOSING_EVENT: &str = "closing";

/// Front Desk closes once the redemptions in progress have their result, at most this late.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ClosingNotice {
    pub redemptions: usize,
    pub seconds_at_most: u64,
}

/// Quits once no redemption is being sent or checked, waiting at most the payment check window
/// and a margin: no new one starts meanwhile, and each that was in flight ends in the audit log
/// with its result. What happened is logged, and shown by the window while it waits.
async fn quit_after_redemptions<R: tauri::Runtime>(app: tauri::AppHandle<R>, why: &'static str) {
    let redemptions = app.state::<Redemptions>();
    let waiting = redemptions.in_flight();
    let bound = app.state::<Workstation>().payment_check_window() + std::time::Duration::from_secs(30);
    if waiting > 0 {
        tracing::info!(why, waiting, "closing once the redemptions in progress have their result");
        let notice = ClosingNotice { redemptions: waiting, seconds_at_most: bound.as_secs() };
        if let Err(err) = app.emit(CLOSING_EVENT, notice) {
            tracing::warn!(%err, "the window could not be told that Front Desk is closing");
        }
    }
    match redemptions.drain(bound).await {
        0 if waiting > 0 => {
            tracing::info!(why, "the redemptions in progress have their result (see the audit log): closing");
            // Long enough to read the result on screen.
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        }
        0 => tracing::info!(why, "closing"),
        left => tracing::error!(
            why,
            left,
            "closing with redemptions whose result is not known yet: their attempts are in the audit log; check them in Zenoti"
        ),
    }
    app.exit(0);
}

/// Checks for updates a minute after start-up and every six hours in packaged builds with the
/// updater (`tauri build`, debug or release); otherwise records why there are none. Development
/// builds (`cargo run`, `tauri dev`: Tauri's `dev` configuration) never check on their own.
fn start_update_checks(app: tauri::AppHandle) {
    let updates = app.state::<update::Updates>();
    let mut status = updates.status.lock().unwrap();
    status.current_version = app.package_info().version.to_string();
    if !cfg!(feature = "updater") {
        status.disabled = Some("This build is updated by your system's package manager.".into());
        return;
    }
    if tauri::is_dev() {
        status.disabled = Some("Development builds do not update themselves.".into());
        return;
    }
    drop(status);
    #[cfg(feature = "updater")]
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(update::FIRST_CHECK_AFTER).await;
        loop {
            let endpoint = app.state::<Workstation>().update_endpoint();
            update::run_check(&app, &app.state::<update::Updates>(), endpoint).await;
            tokio::time::sleep(update::CHECK_EVERY).await;
        }
    });
}
