//! Settings → Check connection: the read-only probes of every call Front Desk uses (see the
//! client's `check_connection`), against the session's Zenoti and center. The readings it
//! settles are kept for this connection and used from then on.

use std::time::Duration;

use zenoti::{CheckOptions, ConnectionReport};

use crate::error::CommandResult;
use crate::services::connection::{Connected, Connection};

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
