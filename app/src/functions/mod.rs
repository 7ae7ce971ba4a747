//! Server functions: thin adapters that take the database from context, call a plain function
//! and turn its failure into an [`crate::AppError`] with the right HTTP status. They are served
//! under [`SERVER_FUNCTIONS`] (each `#[server]` says `prefix = "/rpc"`: the macro takes only a
//! literal), apart from the channel API under `/api/v1`.

pub mod admin;
pub mod alerts;
pub mod bulk_runs;
pub mod corrections;
pub mod customer_data;
pub mod dashboard;
pub mod duplicates;
pub mod failures;
pub mod jobs;
pub mod operations;
pub mod session;

/// Where server functions are served.
pub const SERVER_FUNCTIONS: &str = "/rpc";

#[cfg(feature = "ssr")]
use crate::{storage::Db, AppError};

/// The database provided to every request by the server.
#[cfg(feature = "ssr")]
pub(crate) fn db() -> Result<Db, AppError> {
    leptos::prelude::use_context::<Db>().ok_or_else(|| {
        tracing::error!("no database in the request context");
        AppError::Internal
    })
}

/// Sets the HTTP status of the server function's answer to fit `error`, and returns it.
#[cfg(feature = "ssr")]
pub(crate) fn with_status(error: AppError) -> AppError {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum_status(error.status_code()) {
            response.set_status(status);
        }
    }
    error
}

#[cfg(feature = "ssr")]
fn axum_status(code: u16) -> Result<http::StatusCode, ()> {
    http::StatusCode::from_u16(code).map_err(|_| ())
}
