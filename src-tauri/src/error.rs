//! The one error type that crosses IPC: `{code, message, detail}` with a stable code.

use serde::Serialize;
use ts_rs::TS;

/// Stable codes the UI can branch on. Add new ones at the end; never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// Input refused before anything was sent.
    InvalidInput,
    NotSignedIn,
    /// Zenoti refused the credentials.
    Unauthorized,
    /// A write met an expired session; the app signed in again and did not resend it.
    SessionRenewed,
    InvalidCenter,
    /// Any other error Zenoti reported; `detail` has its code and message.
    ZenotiError,
    RateLimited,
    ServerUnavailable,
    Timeout,
    Network,
    UnexpectedResponse,
    /// No keychain service (Secret Service, Keychain, Credential Manager) could be reached.
    KeychainUnavailable,
    /// The keychain is there but locked.
    KeychainLocked,
    KeychainError,
    SettingsError,
    DemoUnavailable,
    Internal,
    /// A redemption on the same invoice is already being sent.
    RedemptionInProgress,
    /// Zenoti refused a redemption; nothing was paid. `detail` has Zenoti's words.
    RedemptionRefused,
    /// The center or program needs the OTP the guest was sent.
    OtpRequired,
    /// The workstation is locked after being idle: unlock it first.
    Locked,
    /// The password or PIN given to unlock was wrong.
    UnlockRefused,
    /// Checking for, downloading or installing an update failed; the app keeps working.
    UpdateFailed,
    /// The redemption log (or the data folder) could not be written: nothing was sent.
    AuditUnavailable,
    /// A new redemption found that the invoice's earlier one (not seen yet) went through after
    /// all: nothing more was sent.
    AlreadyApplied,
    /// The invoice's earlier redemption (not seen yet) could not be checked: nothing was sent.
    OutcomeUnchecked,
    /// Another desk holds the hub's lease on this invoice and is redeeming on it: nothing was
    /// sent. `detail` is `{desk, employee, since}` as JSON.
    InvoiceLeased,
    /// The hub could not be reached or refused to enroll this desk.
    HubUnavailable,
    /// The hub did not answer when a redemption asked it to hold the invoice: nothing was sent.
    /// The confirmation shows again with the warning that no lease keeps other desks off it.
    HubLeaseUnavailable,
    /// The hub refused the enrollment code (mistyped, used, or expired).
    EnrollmentRefused,
}

/// What a failed command returns to the UI. `message` says what happened and what to do next;
/// `detail` holds the raw cause for support (never a secret).
#[derive(Debug, Clone, PartialEq, Serialize, TS, thiserror::Error)]
#[ts(export)]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub detail: Option<String>,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError { code, message: message.into(), detail: None }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn not_signed_in() -> Self {
        IpcError::new(ErrorCode::NotSignedIn, "You are not signed in. Sign in to Zenoti or try the demo.")
    }
}

pub type CommandResult<T> = Result<T, IpcError>;

impl ErrorCode {
    /// Every code, in declaration order.
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        <ErrorCode as strum::IntoEnumIterator>::iter()
    }

    /// The code as it crosses IPC.
    pub fn as_str(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

impl From<zenoti::Error> for IpcError {
    fn from(err: zenoti::Error) -> Self {
        use zenoti::Error as Z;
        let raw = err.to_string();
        match err {
            Z::InvalidInput(message) => IpcError::new(ErrorCode::InvalidInput, message),
            Z::Unauthorized { message } => IpcError::new(
                ErrorCode::Unauthorized,
                format!("Zenoti refused the sign-in: \"{message}\" Check the API key or the employee login, then sign in again."),
            )
            .with_detail(raw),
            Z::Reauthenticated => IpcError::new(
                ErrorCode::SessionRenewed,
                "Your Zenoti session had expired and has been renewed. Nothing was sent twice: press the button again.",
            ),
            Z::Api { message, .. } if message.eq_ignore_ascii_case("invalid center_id.") || message.eq_ignore_ascii_case("Invalid CenterId.") => {
                IpcError::new(
                    ErrorCode::InvalidCenter,
                    "Zenoti does not know this center (it may have been closed or renamed). Choose the center again.",
                )
                .with_detail(raw)
            }
            Z::Api { message, .. } => IpcError::new(
                ErrorCode::ZenotiError,
                format!("Zenoti answered: \"{message}\" Check what you entered and try again; if it keeps happening, tell your Zenoti administrator."),
            )
            .with_detail(raw),
            Z::RateLimited { retry_after } => {
                let wait = retry_after.map(|d| d.as_secs().max(1)).unwrap_or(60);
                IpcError::new(
                    ErrorCode::RateLimited,
                    format!("Zenoti is busy: your organization made too many requests. Wait {wait} seconds and try again."),
                )
                .with_detail(raw)
            }
            Z::Server { .. } => IpcError::new(
                ErrorCode::ServerUnavailable,
                "Zenoti is not answering properly right now. Wait a minute and try again.",
            )
            .with_detail(raw),
            Z::Timeout => IpcError::new(
                ErrorCode::Timeout,
                "Zenoti did not answer in time. Check the internet connection and try again.",
            ),
            Z::Connect(_) | Z::Network(_) => IpcError::new(
                ErrorCode::Network,
                "Could not reach Zenoti. Check the internet connection and the data-center address, then try again.",
            )
            .with_detail(raw),
            Z::Decode { .. } => IpcError::new(
                ErrorCode::UnexpectedResponse,
                "Zenoti sent an answer Front Desk does not understand. Try again; if it keeps happening, send the details to support.",
            )
            .with_detail(raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crosses_ipc_as_code_message_detail() {
        let err = IpcError::from(zenoti::Error::Api {
            status: 502,
            code: Some("502".into()),
            message: "invalid center_id.".into(),
        });
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "invalid_center");
        assert!(json["message"].as_str().unwrap().contains("Choose the center again"));
        assert_eq!(json["detail"], "Zenoti error 502: invalid center_id.");
    }

    #[test]
    fn codes_are_stable_snake_case() {
        // Every code, new ones included: a code renamed or removed breaks the UI's decisions.
        let names: Vec<String> = ErrorCode::all().map(ErrorCode::as_str).collect();
        assert_eq!(
            names.join(","),
            "invalid_input,not_signed_in,unauthorized,session_renewed,invalid_center,zenoti_error,rate_limited,\
             server_unavailable,timeout,network,unexpected_response,keychain_unavailable,keychain_locked,\
             keychain_error,settings_error,demo_unavailable,internal,redemption_in_progress,redemption_refused,\
             otp_required,locked,unlock_refused,update_failed,audit_unavailable,already_applied,outcome_unchecked,\
             invoice_leased,hub_unavailable,hub_lease_unavailable,enrollment_refused"
        );
    }

    #[test]
    fn every_zenoti_error_has_a_message_with_a_next_step() {
        use std::time::Duration;
        use zenoti::Error as Z;
        let all = [
            Z::InvalidInput("Enter the API key.".into()),
            Z::Unauthorized { message: "Authorization has been denied for this request.".into() },
            Z::Reauthenticated,
            Z::Api { status: 502, code: Some("502".into()), message: "Invalid points.".into() },
            Z::RateLimited { retry_after: Some(Duration::from_secs(7)) },
            Z::Server { status: 503 },
            Z::Timeout,
            Z::Connect("connection refused".into()),
            Z::Network("reset".into()),
            Z::Decode { path: "centers[0].name".into(), message: "invalid type".into() },
        ];
        for err in all {
            let ipc = IpcError::from(err);
            let m = ipc.message.to_lowercase();
            assert!(
                ["try again", "sign in", "choose", "enter", "press"].iter().any(|step| m.contains(step)),
                "no next step in {:?}",
                ipc.message
            );
        }
    }
}
