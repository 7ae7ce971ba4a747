//! Server functions of the correction workflow: open an operation for correction (Editing),
//! keep or let go of it, Save (and Synchronize), revert a correction, and read the change log.
//! Correcting needs the operator role; reading the log, a viewer's.

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::answer_codec::Answer;
use crate::{
    model::{
        correction::{ChangeLogPage, Correction},
        EditSession, SaveOutcome,
    },
    AppError,
};

/// Change log lines per page.
pub const CHANGE_LOG_PAGE: i64 = 50;

/// Opens operation `id` for correction: it goes to Editing (jobs skip it) and the answer
/// carries what the browser validates with.
#[server(prefix = "/rpc", endpoint = "corrections/start", output = Answer)]
pub async fn start_correction(id: i64) -> Result<EditSession, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    plain::start(&db, &person, id, now())
        .await
        .map_err(super::with_status)
}

/// The editor of operation `id` is still open: its hold is renewed.
#[server(prefix = "/rpc", endpoint = "corrections/keep", output = Answer)]
pub async fn keep_correcting(id: i64) -> Result<(), AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    plain::keep(&db, &person, id, now())
        .await
        .map_err(super::with_status)
}

/// Leaves the editor of operation `id` without saving: it goes back to where it was.
#[server(prefix = "/rpc", endpoint = "corrections/cancel", output = Answer)]
pub async fn cancel_correction(id: i64) -> Result<(), AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    db.release_editing(id, &person.name)
        .await
        .map(drop)
        .map_err(|e| super::with_status(e.into()))
}

/// Saves a correction (and runs the Synchronize job for it when asked).
#[server(prefix = "/rpc", endpoint = "corrections/save", input = Json, output = Answer)]
pub async fn save_correction(correction: Correction) -> Result<SaveOutcome, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    plain::save(&db, &person, &correction, now())
        .await
        .map_err(super::with_status)
}

/// Undoes correction `change` (a line of the change log), itself logged as a revert.
#[server(prefix = "/rpc", endpoint = "corrections/revert", output = Answer)]
pub async fn revert_change(change: i64, reason: Option<String>) -> Result<SaveOutcome, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    plain::revert(&db, &person, change, reason.as_deref(), now())
        .await
        .map_err(super::with_status)
}

/// A page of the change log, filtered as the page's URL query says (`who`, `field`, `op`,
/// `action`, `before`).
#[server(prefix = "/rpc", endpoint = "changes/list", output = Answer)]
pub async fn change_log(query: String) -> Result<ChangeLogPage, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    plain::change_log(&db, &query)
        .await
        .map_err(super::with_status)
}

#[cfg(feature = "ssr")]
fn now() -> i64 {
    crate::storage::to_micros(chrono::Utc::now())
}

#[cfg(feature = "ssr")]
pub mod plain;
