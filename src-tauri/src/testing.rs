//! Set-ups shared by the tests and the bench: the keychain in memory, a client tuned for
//! loopback, and (in unit tests) the test host: the app's services in Tauri's mock runtime,
//! called through the app's own commands, without a desktop.

use std::time::Duration;

use crate::secrets::SecretStore;
use crate::services::{ClientTuning, Services};
use crate::settings::SettingsStore;

/// The tests' check window for lost answers (a workstation's is a minute).
pub const CHECK_WINDOW: Duration = Duration::from_millis(300);

/// The keychain service name the tests use.
pub const TEST_KEYCHAIN: &str = "com.frontdesk.client.test";

/// Keyring's in-memory store, for the whole process.
pub fn mock_keyring() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| keyring::set_default_credential_builder(keyring::mock::default_credential_builder()));
}

/// A client for a loopback sandbox: this timeout, quick retries, no rate limit to speak of.
pub fn tuning(timeout: Duration, check_window: Option<Duration>) -> ClientTuning {
    ClientTuning {
        connect_timeout: Duration::from_secs(2),
        timeout,
        retry: zenoti::RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
        },
        rate_limit: zenoti::RateLimit { per_minute: 600_000, burst: 10_000 },
        check_window,
    }
}

/// A workstation's services on the in-memory keychain, with its settings and data in `dir`.
pub fn services(dir: &std::path::Path, tuning: ClientTuning) -> Services {
    mock_keyring();
    Services::new(SecretStore::new(TEST_KEYCHAIN), SettingsStore::open(dir), dir, tuning)
}

#[cfg(test)]
pub(crate) use host::TestHost;

#[cfg(test)]
mod host {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use secrecy::SecretString;
    use tauri::ipc::{Channel, InvokeResponseBody};
    use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
    use tauri::{Manager, State};
    use zenoti_sandbox::{Sandbox, DEMO_API_KEY};

    use crate::catalog::MemberPrice;
    use crate::commands::{auth, centers, guests, packages, redeem};
    use crate::error::CommandResult;
    use crate::guest_packages::{DeskPackage, PackageDetails};
    use crate::redemption::package::RedeemPackageRequest;
    use crate::redemption::points::RedeemPointsRequest;
    use crate::redemption::{AuditEntry, RedeemProgress, RedemptionOutcome};
    use crate::services::connection::{SessionInfo, SignInRequest};
    use crate::services::demo::DemoCodes;
    use crate::services::workstation::AppSettings;
    use crate::services::{ClientTuning, Connection, Redemptions, Workstation};
    use crate::settings::CenterChoice;

    /// The app's services in Tauri's mock runtime. Its methods call the app's commands with
    /// the services as the app registers them, so a test runs each command's own body.
    pub(crate) struct TestHost {
        app: tauri::App<MockRuntime>,
    }

    /// A channel whose messages are decoded as JSON into `sink`.
    fn channel<T: serde::Serialize>(sink: impl Fn(serde_json::Value) + Send + Sync + 'static) -> Channel<T> {
        Channel::new(move |body| {
            if let InvokeResponseBody::Json(json) = body {
                sink(serde_json::from_str(&json).expect("channel message is JSON"));
            }
            Ok(())
        })
    }

    fn progress_channel(progress: impl Fn(RedeemProgress) + Send + Sync + 'static) -> Channel<RedeemProgress> {
        channel(move |v| progress(serde_json::from_value(v).expect("a redemption step")))
    }

    impl TestHost {
        /// A workstation whose settings and data are in `dir`, with this client tuning.
        pub(crate) fn new(dir: &std::path::Path, tuning: ClientTuning) -> TestHost {
            let app = mock_builder()
                .invoke_handler(crate::handler())
                .build(mock_context(noop_assets()))
                .expect("the mock app builds");
            crate::manage(&app, super::services(dir, tuning));
            TestHost { app }
        }

        /// A workstation signed in to `sandbox` with its API key, paying on `register-7`.
        pub(crate) async fn signed_in(
            sandbox: &Sandbox,
            dir: &std::path::Path,
            timeout: Duration,
            check_window: Duration,
        ) -> TestHost {
            let host = TestHost::new(dir, super::tuning(timeout, Some(check_window)));
            host.sign_in(SignInRequest::ApiKey {
                base_url: sandbox.base_url(),
                api_key: DEMO_API_KEY.to_owned().into(),
            })
            .await
            .unwrap();
            host.set_cash_register("register-7".into()).unwrap();
            host
        }

        /// A registered service, as a command takes it.
        pub(crate) fn s<T: Send + Sync + 'static>(&self) -> State<'_, T> {
            self.app.state::<T>()
        }

        /// The connection service, for what tests check beneath the commands (the keychain).
        pub(crate) fn connection(&self) -> State<'_, Connection> {
            self.s()
        }

        pub(crate) fn app_settings(&self) -> AppSettings {
            auth::app_settings(self.s())
        }
        pub(crate) async fn restore_session(&self) -> CommandResult<Option<SessionInfo>> {
            auth::restore_session(self.s()).await
        }
        pub(crate) async fn sign_in(&self, request: SignInRequest) -> CommandResult<SessionInfo> {
            auth::sign_in(self.s(), request).await
        }
        pub(crate) async fn start_demo(&self) -> CommandResult<SessionInfo> {
            auth::start_demo(self.s()).await
        }
        pub(crate) async fn sign_out(&self) -> CommandResult<()> {
            auth::sign_out(self.s()).await
        }
        pub(crate) async fn lock(&self) -> CommandResult<SessionInfo> {
            auth::lock(self.s()).await
        }
        pub(crate) async fn unlock(&self, secret: SecretString) -> CommandResult<SessionInfo> {
            auth::unlock(self.s(), secret).await
        }
        pub(crate) async fn set_workstation_pin(&self, pin: SecretString) -> CommandResult<SessionInfo> {
            auth::set_workstation_pin(self.s(), pin).await
        }
        pub(crate) fn set_idle_lock_minutes(&self, minutes: u32) -> CommandResult<()> {
            auth::set_idle_lock_minutes(self.s(), self.s(), minutes)
        }
        pub(crate) fn set_payment_check_seconds(&self, seconds: u32) -> CommandResult<()> {
            auth::set_payment_check_seconds(self.s(), self.s(), seconds)
        }
        pub(crate) async fn list_centers(&self) -> CommandResult<Vec<zenoti::Center>> {
            centers::list_centers(self.s()).await
        }
        pub(crate) async fn select_center(&self, center: CenterChoice) -> CommandResult<SessionInfo> {
            centers::select_center(self.s(), self.s(), center).await
        }
        /// The catalog's events as the UI receives them (JSON).
        pub(crate) async fn open_catalog(&self, center_id: String) -> CommandResult<Vec<serde_json::Value>> {
            let events = Arc::new(Mutex::new(Vec::new()));
            let sink = events.clone();
            packages::open_catalog(self.s(), self.s(), center_id, channel(move |e| sink.lock().unwrap().push(e)))
                .await?;
            let events = events.lock().unwrap().clone();
            Ok(events)
        }
        pub(crate) async fn member_prices(
            &self,
            center_id: String,
            guest_id: String,
        ) -> CommandResult<Vec<MemberPrice>> {
            packages::member_prices(self.s(), center_id, guest_id).await
        }
        pub(crate) async fn gift_card_packages(&self, center_id: String) -> CommandResult<Vec<String>> {
            packages::gift_card_packages(self.s(), center_id).await
        }
        pub(crate) async fn list_categories(&self, center_id: String) -> CommandResult<Vec<zenoti::Category>> {
            packages::list_categories(self.s(), center_id).await
        }
        pub(crate) async fn search_guests(
            &self,
            center_id: String,
            text: String,
            page: u32,
            across_centers: bool,
        ) -> CommandResult<zenoti::GuestPage> {
            guests::search_guests(self.s(), center_id, text, Some(page), Some(across_centers)).await
        }
        pub(crate) async fn guest_packages(
            &self,
            guest_id: String,
            center_id: String,
        ) -> CommandResult<Vec<DeskPackage>> {
            guests::guest_packages(self.s(), guest_id, center_id).await
        }
        pub(crate) async fn package_details(
            &self,
            guest_id: String,
            user_package_id: String,
        ) -> CommandResult<PackageDetails> {
            guests::package_details(self.s(), guest_id, user_package_id).await
        }
        pub(crate) async fn redeem_package(
            &self,
            request: RedeemPackageRequest,
            progress: impl Fn(RedeemProgress) + Send + Sync + 'static,
        ) -> CommandResult<RedemptionOutcome> {
            guests::redeem_package(self.s(), self.s(), self.s(), self.s(), request, progress_channel(progress)).await
        }
        pub(crate) async fn find_invoices(
            &self,
            center_id: String,
            number: Option<String>,
        ) -> CommandResult<Vec<zenoti::InvoiceSummary>> {
            redeem::find_invoices(self.s(), center_id, number).await
        }
        pub(crate) async fn get_invoice(&self, invoice_id: String) -> CommandResult<zenoti::Invoice> {
            redeem::get_invoice(self.s(), invoice_id).await
        }
        pub(crate) async fn redeemable_points(&self, invoice_id: String) -> CommandResult<zenoti::RedeemableInfo> {
            redeem::redeemable_points(self.s(), invoice_id).await
        }
        pub(crate) async fn quote_points(
            &self,
            request: RedeemPointsRequest,
        ) -> CommandResult<crate::redemption::points::PointsQuote> {
            redeem::quote_points(self.s(), request).await
        }
        pub(crate) async fn redeem_points(
            &self,
            request: RedeemPointsRequest,
            progress: impl Fn(RedeemProgress) + Send + Sync + 'static,
        ) -> CommandResult<RedemptionOutcome> {
            redeem::redeem_points(self.s(), self.s(), self.s(), self.s(), request, progress_channel(progress)).await
        }
        pub(crate) async fn check_connection(&self) -> CommandResult<zenoti::ConnectionReport> {
            crate::commands::support::check_connection(self.s()).await
        }
        pub(crate) async fn check_connection_before_sign_in(
            &self,
            request: SignInRequest,
        ) -> CommandResult<zenoti::ConnectionReport> {
            crate::commands::support::check_connection_before_sign_in(self.s(), request).await
        }
        pub(crate) fn diagnostics(&self) -> Vec<crate::diagnostics::DiagnosticEntry> {
            crate::commands::support::diagnostics(self.s())
        }
        pub(crate) fn clear_diagnostics(&self) -> CommandResult<()> {
            crate::commands::support::clear_diagnostics(self.s(), self.s())
        }
        pub(crate) fn hub_status(&self) -> crate::services::hub::HubStatus {
            crate::commands::hub::hub_status(self.s())
        }
        pub(crate) async fn join_hub(
            &self,
            url: String,
            code: String,
        ) -> CommandResult<crate::services::hub::HubStatus> {
            crate::commands::hub::join_hub(self.s(), self.s(), url, code).await
        }
        pub(crate) async fn leave_hub(&self) -> CommandResult<crate::services::hub::HubStatus> {
            crate::commands::hub::leave_hub(self.s(), self.s()).await
        }
        pub(crate) async fn check_redemption(&self, attempt_id: String) -> CommandResult<RedemptionOutcome> {
            redeem::check_redemption(self.s(), self.s(), attempt_id).await
        }
        pub(crate) async fn dismiss_redemption(&self, attempt_id: String) -> CommandResult<()> {
            redeem::dismiss_redemption(self.s(), self.s(), self.s(), attempt_id).await
        }
        pub(crate) async fn audit_log(&self) -> CommandResult<Vec<AuditEntry>> {
            redeem::audit_log(self.s(), self.s()).await
        }
        pub(crate) fn set_cash_register(&self, id: String) -> CommandResult<()> {
            redeem::set_cash_register(self.s(), self.s(), id)
        }
        /// The export command writes to the Downloads folder; this writes the same into `dir`.
        pub(crate) async fn export_audit_csv(&self, dir: &std::path::Path) -> CommandResult<String> {
            let connection = self.connection();
            let demo = connection.in_demo().await;
            self.s::<Redemptions>().export_audit_csv(&connection.unlocked()?, demo, dir)
        }
        pub(crate) async fn demo_codes(&self) -> CommandResult<DemoCodes> {
            redeem::demo_codes(self.s()).await
        }
        pub(crate) fn set_update_endpoint(&self, endpoint: String) -> CommandResult<()> {
            crate::commands::update::set_update_endpoint(self.s(), self.s(), endpoint)
        }
        pub(crate) fn update_endpoint(&self) -> Option<String> {
            self.s::<Workstation>().update_endpoint()
        }
        pub(crate) fn redemptions_in_flight(&self) -> usize {
            self.s::<Redemptions>().in_flight()
        }
        pub(crate) fn close_for_restart(&self) -> CommandResult<()> {
            self.s::<Redemptions>().close_for_restart()
        }
    }
}
