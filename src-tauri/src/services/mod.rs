//! Tauri-free services, each registered on its own and taken by the commands that need it.
//! Every path to Zenoti goes through [`Connection::connected`], the one guard (signed in and
//! unlocked); every change to the workstation takes an [`Unlocked`] proof.

pub mod catalog;
pub mod check;
pub mod connection;
pub mod demo;
pub mod guests;
pub mod hub;
pub mod idle_lock;
pub mod invoices;
pub mod redemptions;
pub mod workstation;

pub use catalog::Catalog;
pub use connection::{ClientTuning, Connected, Connection, Unlocked};
pub use hub::HubDesk;
pub use redemptions::Redemptions;
pub use workstation::Workstation;

use crate::secrets::SecretStore;
use crate::settings::SettingsStore;

/// Every stateful service of a workstation, built from its keychain, settings and data folder.
pub struct Services {
    pub connection: Connection,
    pub workstation: Workstation,
    pub catalog: Catalog,
    pub redemptions: Redemptions,
    pub hub: std::sync::Arc<HubDesk>,
    pub diagnostics: std::sync::Arc<crate::diagnostics::DiagnosticsLog>,
}

impl Services {
    pub fn new(
        secrets: SecretStore,
        settings: SettingsStore,
        data_dir: &std::path::Path,
        tuning: ClientTuning,
    ) -> Self {
        let settings = std::sync::Arc::new(settings);
        let secrets = std::sync::Arc::new(secrets);
        let hub = std::sync::Arc::new(HubDesk::new(secrets.clone(), settings.clone()));
        let diagnostics = std::sync::Arc::new(crate::diagnostics::DiagnosticsLog::open(data_dir));
        Services {
            workstation: Workstation::new(settings.clone()),
            redemptions: Redemptions::new(data_dir, tuning.check_window),
            connection: Connection::new(secrets, settings, tuning, hub.link(), diagnostics.clone()),
            catalog: Catalog::new(data_dir),
            hub,
            diagnostics,
        }
    }
}

#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod hub_tests;
#[cfg(test)]
mod tests;
