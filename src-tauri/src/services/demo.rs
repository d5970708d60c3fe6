//! What only the demo has: the codes its sandbox "sent" to guests.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::services::connection::Connected;

/// OTP codes of the demo, shown in its help panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DemoCodes {
    /// (invoice number, code) pairs.
    pub sent: Vec<(String, String)>,
    /// ("Package – guest", code) pairs, for packages that ask for a code.
    pub package_codes: Vec<(String, String)>,
    pub override_codes: Vec<String>,
}

/// In the demo: the OTP codes the sandbox "sent" to guests, and each center's override code.
pub fn codes(c: &Connected) -> CommandResult<DemoCodes> {
    let sandbox = c.demo().ok_or_else(|| {
        IpcError::new(
            ErrorCode::InvalidInput,
            "Demo codes exist only in the demo. Ask the guest for the code Zenoti sent.",
        )
    })?;
    // Sorted, so the help panel does not reshuffle each time it is read.
    let (sent, override_codes) = sandbox.with_books(|b| {
        let mut sent: Vec<(String, String)> = b
            .otps
            .iter()
            .filter_map(|(id, code)| {
                b.invoices.iter().find(|i| i.id.eq_ignore_ascii_case(id)).map(|i| (i.printed_number(), code.clone()))
            })
            .collect();
        sent.sort();
        let mut override_codes: Vec<String> = b.otp_centers.values().cloned().collect();
        override_codes.sort();
        (sent, override_codes)
    });
    let mut package_codes: Vec<(String, String)> = sandbox.with_packages(|p| {
        p.otps
            .iter()
            .filter_map(|(id, code)| {
                let held = p.held.iter().find(|h| &h.user_package_id == id)?;
                let guest = sandbox.organization().guests.iter().find(|g| g.id == held.guest_id)?;
                let info = &guest.json["personal_info"];
                let who = format!("{} {}", info["first_name"].as_str()?, info["last_name"].as_str()?);
                Some((format!("{} – {who}", held.name), code.clone()))
            })
            .collect()
    });
    package_codes.sort();
    Ok(DemoCodes { sent, package_codes, override_codes })
}
