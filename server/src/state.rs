//! The state every request handler may read: the database, the live change stamp, the failed
//! sign-ins, the shutdown signal and the scheduler's health. Modules import it; it imports no
//! module of the server but the types it holds.

use app::{functions::jobs::SchedulerHealth, storage::Db};
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use tokio_util::sync::CancellationToken;

use crate::{access::failed_sign_ins::FailedSignIns, events::Live};

/// Everything a request handler may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub live: Live,
    /// Failed sign-ins of the last minutes, per name and address and per address.
    pub failed_sign_ins: FailedSignIns,
    /// The header a trusted proxy writes the client's address into, when there is one.
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
    /// Cancelled when the server shuts down: long-lived answers (the event stream) end.
    pub shutdown: CancellationToken,
    /// Whether this instance's job scheduler is running.
    pub scheduler: SchedulerHealth,
    /// The channel API's calls counted since they last went to the database.
    pub api_calls: crate::api::calls::ApiCalls,
}
