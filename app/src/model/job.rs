//! The four recurring jobs, their schedules and the history of their runs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The recurring jobs, with the names users know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobName {
    /// P-job: channel inbox → upload sessions and staging operations.
    PJob,
    /// Synchronize customers and channel requests: staging → customer master.
    SynchronizeCustomers,
    /// 1010 Customers distribution: customer master → channel feeds.
    Distribution,
    /// Retention: Succeeded operations and read feed entries past the retention period removed.
    Retention,
}

super::text_enum!(JobName {
    PJob => "p_job",
    SynchronizeCustomers => "synchronize_customers",
    Distribution => "distribution_1010",
    Retention => "retention",
});

/// Why a job ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobTrigger {
    Schedule,
    RunNow,
    SynchronizeOne,
}

super::text_enum!(JobTrigger {
    Schedule => "schedule",
    RunNow => "run_now",
    SynchronizeOne => "synchronize_one",
});

/// When a job runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSchedule {
    pub job: JobName,
    pub interval_seconds: i64,
    pub paused: bool,
    pub next_run_at: Option<DateTime<Utc>>,
}

/// One run of a job, with what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRun {
    pub id: i64,
    pub job: JobName,
    pub trigger: JobTrigger,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub seen: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    /// 0–100 while running.
    pub progress: i64,
    pub error: Option<String>,
}

/// What a person can do to a job from the Jobs panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobAction {
    RunNow,
    Pause,
    Resume,
}

impl JobAction {
    /// The action's name in the audit log.
    pub fn audit_name(self) -> &'static str {
        match self {
            Self::RunNow => "job.run_now",
            Self::Pause => "job.pause",
            Self::Resume => "job.resume",
        }
    }
}

/// Whether this instance's job scheduler runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SchedulerState {
    /// This instance runs no jobs (`CUSTSYNC_RUN_JOBS=false`, or not started yet).
    #[default]
    Off,
    Running,
    /// The scheduler ended without being asked to: no job runs here until custsync restarts.
    Stopped,
}

/// The Jobs panel's content: the three jobs and this instance's scheduler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobsStatus {
    pub jobs: Vec<JobOverview>,
    pub scheduler: SchedulerState,
}

/// A job as the Jobs panel shows it: its schedule and its latest runs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOverview {
    pub schedule: JobSchedule,
    pub runs: Vec<JobRun>,
}

impl JobOverview {
    /// The run going on now, if any.
    pub fn running(&self) -> Option<&JobRun> {
        self.runs.first().filter(|run| run.finished_at.is_none())
    }

    /// The latest finished run.
    pub fn last_finished(&self) -> Option<&JobRun> {
        self.runs.iter().find(|run| run.finished_at.is_some())
    }
}
