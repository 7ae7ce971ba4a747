//! The three recurring jobs, their schedules and the history of their runs.

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
}

super::text_enum!(JobName {
    PJob => "p_job",
    SynchronizeCustomers => "synchronize_customers",
    Distribution => "distribution_1010",
});

impl JobName {
    /// What the job does, in one line for the Jobs panel.
    pub fn purpose(self) -> &'static str {
        match self {
            Self::PJob => "Channel uploads → staging operations",
            Self::SynchronizeCustomers => "Staging operations → customer master",
            Self::Distribution => "Customer master → channels",
        }
    }

    /// The English name shown on the page.
    pub fn label(self) -> &'static str {
        match self {
            Self::PJob => "P-job (upload)",
            Self::SynchronizeCustomers => "Synchronize customers and channel requests",
            Self::Distribution => "1010 Customers distribution",
        }
    }
}

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

/// "every 15 min", "every 60 s", "every 2 h".
pub fn describe_interval(seconds: i64) -> String {
    if seconds % 3_600 == 0 {
        format!("every {} h", seconds / 3_600)
    } else if seconds % 60 == 0 {
        format!("every {} min", seconds / 60)
    } else {
        format!("every {seconds} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_in_the_largest_whole_unit() {
        assert_eq!(describe_interval(900), "every 15 min");
        assert_eq!(describe_interval(7_200), "every 2 h");
        assert_eq!(describe_interval(90), "every 90 s");
    }
}
