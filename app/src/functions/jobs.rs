//! Server functions of the Jobs panel: the three jobs with their schedules and latest runs, and
//! Run now / Pause / Resume.

use leptos::prelude::*;

use super::wire::Answer;
use crate::{
    model::{JobAction, JobName, JobOverview, Role},
    AppError,
};

/// Runs shown per job in the panel's history.
pub const HISTORY: i64 = 5;

/// The three jobs, in pipeline order.
#[server(endpoint = "jobs/overview", output = Answer)]
pub async fn jobs_overview() -> Result<Vec<JobOverview>, AppError> {
    crate::access::require(Role::Viewer).map_err(super::fail)?;
    let db = super::db()?;
    db.job_overview(HISTORY)
        .await
        .map_err(|e| super::fail(e.into()))
}

/// Asks for a run now, or pauses or resumes a job's schedule.
#[server(endpoint = "jobs/action", output = Answer)]
pub async fn change_job(job: JobName, action: JobAction) -> Result<(), AppError> {
    let person = crate::access::require(needed(action)).map_err(super::fail)?;
    let db = super::db()?;
    apply(&db, &person, job, action).await.map_err(super::fail)
}

/// The role an action needs: running a job now is an operator's, changing its schedule an
/// admin's.
pub fn needed(action: JobAction) -> Role {
    match action {
        JobAction::RunNow => Role::Operator,
        JobAction::Pause | JobAction::Resume => Role::Admin,
    }
}

/// The plain function behind [`change_job`].
#[cfg(feature = "ssr")]
pub async fn apply(
    db: &crate::storage::Db,
    person: &crate::model::SignedIn,
    job: JobName,
    action: JobAction,
) -> Result<(), AppError> {
    match action {
        JobAction::RunNow => db.request_job_run(job).await?,
        JobAction::Pause => db.set_job_paused(job, true).await?,
        JobAction::Resume => db.set_job_paused(job, false).await?,
    }
    tracing::info!(job = %job, ?action, user = %person.name, "job action");
    let now = crate::storage::to_micros(chrono::Utc::now());
    db.audit(&person.name, action.audit_name(), job.as_str(), now)
        .await?;
    Ok(())
}
