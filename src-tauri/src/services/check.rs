//! Settings → Check connection: the read-only probes of every call Front Desk uses (see the
//! client's `check_connection`), against the session's Zenoti and center; and the same from the
//! sign-in screen, with the credentials typed there, for a first contact that cannot sign in.
//! The readings it settles are kept for the connection and used from then on.

use std::time::Duration;

use zenoti::{CheckOptions, ConnectionReport};

use crate::error::CommandResult;
use crate::services::connection::{Connected, Connection, SignInRequest};

/// Each probe's own limit: long enough for a slow data center, short enough that one that
/// hangs does not hold the report back.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn check_connection(
    connection: &Connection,
    c: &Connected,
    timeout: Duration,
) -> CommandResult<ConnectionReport> {
    let center_id = connection.info().await.and_then(|s| s.center).map(|center| center.id);
    let report = c.client().check_connection(CheckOptions { center_id, timeout }).await;
    connection.remember_readings(c, report.readings.clone())?;
    tracing::info!(
        calls = report.calls,
        verdict = ?report.verdict,
        readings = ?report.readings,
        "connection check done"
    );
    Ok(report)
}

/// Check connection on the sign-in screen: the form's Zenoti and credentials, nothing signed in
/// or kept but the readings (the sign-in that follows reads by them), the first center read.
pub async fn check_before_sign_in(
    connection: &Connection,
    request: SignInRequest,
    timeout: Duration,
) -> CommandResult<ConnectionReport> {
    let (client, key) = connection.client_before_sign_in(request)?;
    let report = client.check_connection(CheckOptions { center_id: None, timeout }).await;
    connection.remember_readings_for(&key, report.readings.clone())?;
    tracing::info!(calls = report.calls, verdict = ?report.verdict, "connection check before sign-in done");
    Ok(report)
}
