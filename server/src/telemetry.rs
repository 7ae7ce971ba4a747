//! Logging: tracing to standard error, filtered by `CUSTSYNC_LOG` (or `--log`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. A bad filter falls back to `info` and says so.
pub fn init(filter: &str) {
    let (filter, bad) = match EnvFilter::try_new(filter) {
        Ok(filter) => (filter, None),
        Err(error) => (EnvFilter::new("info"), Some(error)),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    if let Some(error) = bad {
        tracing::warn!(%error, "ignoring the log filter; using info");
    }
}
