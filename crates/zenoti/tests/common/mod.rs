//! What the tests against the sandbox share.

use std::time::Duration;

use zenoti::{Client, ClientConfig, Credentials, RetryPolicy, SecretString};
use zenoti_sandbox::{Sandbox, DEMO_API_KEY};

/// A client of the sandbox with quick retries and a 3-second timeout.
pub fn client(sandbox: &Sandbox) -> Client {
    let mut config =
        ClientConfig::new(sandbox.base_url().parse().unwrap(), Credentials::ApiKey(SecretString::from(DEMO_API_KEY)));
    config.retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    };
    config.timeout = Duration::from_secs(3);
    Client::new(config).unwrap()
}
