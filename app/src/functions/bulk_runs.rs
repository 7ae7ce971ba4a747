//! Server functions of bulk runs: count a selection exactly, start a dry run or a synchronize,
//! preview a correction by rule and confirm it, page through a preview, revert a bulk
//! correction, cancel, and read a run. Acting needs the operator role (an admin's for more than
//! [`crate::model::bulk_run::OPERATOR_LIMIT`] operations); reading, a viewer's. The plain
//! functions behind them are in [`crate::bulk_runs`].

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::answer_codec::Answer;
use crate::{
    model::{
        bulk_run::{BulkOutcome, CorrectionPreview, PreviewItem},
        BulkAction, BulkRun, Rule,
    },
    AppError,
};

/// A run with how its operations settled so far: (outcome, detail, how many), most first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BulkRunView {
    pub run: BulkRun,
    pub outcomes: Vec<(BulkOutcome, Option<String>, i64)>,
}

/// How many operations the status list's `query` selects now, exactly (an operator's
/// question before acting: it counts every match, where the list's chips stop at a cap).
#[server(prefix = "/rpc", endpoint = "bulk/count", output = Answer)]
pub async fn count_selection(query: String) -> Result<i64, AppError> {
    crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    crate::bulk_runs::count(&db, &query)
        .await
        .map_err(super::with_status)
}

/// Starts a dry run or a synchronize of what `query` selects.
#[server(prefix = "/rpc", endpoint = "bulk/start", output = Answer)]
pub async fn start_bulk_run(query: String, action: BulkAction) -> Result<BulkRun, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    crate::bulk_runs::start(&db, &person, &query, action, now())
        .await
        .map_err(super::with_status)
}

/// What correcting what `query` selects by `rule` would do; nothing is stored but the preview.
#[server(prefix = "/rpc", endpoint = "bulk/preview", input = Json, output = Answer)]
pub async fn preview_correction(query: String, rule: Rule) -> Result<CorrectionPreview, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    crate::bulk_runs::preview(&db, &person, &query, &rule, now())
        .await
        .map_err(super::with_status)
}

/// More of preview `run`'s changes, after operation `after`.
#[server(prefix = "/rpc", endpoint = "bulk/preview-more", output = Answer)]
pub async fn preview_more(run: i64, after: i64) -> Result<Vec<PreviewItem>, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    crate::bulk_runs::preview_more(&db, &person, run, after)
        .await
        .map_err(super::with_status)
}

/// Stores the correction previewed as `run`, synchronizing each operation when asked.
#[server(prefix = "/rpc", endpoint = "bulk/confirm", output = Answer)]
pub async fn confirm_correction(run: i64, and_synchronize: bool) -> Result<BulkRun, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    crate::bulk_runs::confirm(&db, &person, run, and_synchronize, now())
        .await
        .map_err(super::with_status)
}

/// Puts back what bulk correction `run` changed, where nobody changed it since.
#[server(prefix = "/rpc", endpoint = "bulk/revert", output = Answer)]
pub async fn revert_bulk_run(run: i64) -> Result<BulkRun, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    crate::bulk_runs::revert(&db, &person, run, now())
        .await
        .map_err(super::with_status)
}

/// Stops `run`.
#[server(prefix = "/rpc", endpoint = "bulk/cancel", output = Answer)]
pub async fn cancel_bulk_run(run: i64) -> Result<BulkRun, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    crate::bulk_runs::cancel(&db, &person, run, now())
        .await
        .map_err(super::with_status)
}

/// Run `run` and how its operations settled.
#[server(prefix = "/rpc", endpoint = "bulk/run", output = Answer)]
pub async fn open_bulk_run(run: i64) -> Result<BulkRunView, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    let view = async {
        Ok::<_, AppError>(BulkRunView {
            run: crate::bulk_runs::run_of(&db, run).await?,
            outcomes: db.bulk_outcomes(run).await?,
        })
    };
    view.await.map_err(super::with_status)
}

/// The newest bulk runs, newest first.
#[server(prefix = "/rpc", endpoint = "bulk/runs", output = Answer)]
pub async fn recent_bulk_runs() -> Result<Vec<BulkRun>, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    db.bulk_runs(50)
        .await
        .map_err(|e| super::with_status(e.into()))
}

#[cfg(feature = "ssr")]
fn now() -> i64 {
    crate::storage::to_micros(chrono::Utc::now())
}
