//! Server functions of the Jobs panel: the three jobs with their schedules and latest runs, and
//! Run now / Pause / Resume.

use leptos::prelude::*;

use crate::answer_codec::Answer;
#[cfg(feature = "ssr")]
use crate::model::SchedulerState;
use crate::{
    model::{JobAction, JobName, JobsStatus, Role},
    AppError,
};

/// Runs shown per job in the panel's history.
pub const HISTORY: i64 = 5;

/// The three jobs, in pipeline order, and whether this instance's scheduler runs.
#[server(prefix = "/rpc", endpoint = "jobs/overview", output = Answer)]
pub async fn jobs_overview() -> Result<JobsStatus, AppError> {
    crate::access::require(Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    let jobs = db
        .job_overview(HISTORY)
        .await
        .map_err(|e| super::with_status(e.into()))?;
    let scheduler = use_context::<SchedulerHealth>()
        .map(|health| health.get())
        .unwrap_or_default();
    Ok(JobsStatus { jobs, scheduler })
}

/// Whether this instance's scheduler runs: written by the server's scheduler task (and by the
/// task that watches it end), read by `/healthz` and the Jobs panel.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Default)]
pub struct SchedulerHealth(std::sync::Arc<std::sync::RwLock<SchedulerState>>);

#[cfg(feature = "ssr")]
impl SchedulerHealth {
    pub fn get(&self) -> SchedulerState {
        *self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn set(&self, state: SchedulerState) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = state;
    }
}

/// Asks for a run now, or pauses or resumes a job's schedule.
#[server(prefix = "/rpc", endpoint = "jobs/action", output = Answer)]
pub async fn change_job(job: JobName, action: JobAction) -> Result<(), AppError> {
    let person = crate::access::require(needed(action)).map_err(super::with_status)?;
    let db = super::db()?;
    apply(&db, &person, job, action)
        .await
        .map_err(super::with_status)
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
