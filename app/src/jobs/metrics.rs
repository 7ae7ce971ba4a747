//! What the jobs' runs tell Prometheus (the server's `/metrics` installs the exporter and
//! describes these): runs by result, their duration, and the operations they handled.

use std::time::Duration;

use crate::{model::JobName, storage::jobs::RunCounts};

/// `custsync_job_runs_total{job, result}`.
pub const JOB_RUNS: &str = "custsync_job_runs_total";
/// `custsync_job_run_duration_seconds{job}` (histogram).
pub const JOB_RUN_DURATION: &str = "custsync_job_run_duration_seconds";
/// `custsync_job_operations_total{job, outcome}`.
pub const JOB_OPERATIONS: &str = "custsync_job_operations_total";

/// Counts one finished run of `job`.
pub fn record_job_run(job: JobName, succeeded: bool, elapsed: Duration, counts: &RunCounts) {
    let job = job.as_str();
    let result = if succeeded { "succeeded" } else { "failed" };
    metrics::counter!(JOB_RUNS, "job" => job, "result" => result).increment(1);
    metrics::histogram!(JOB_RUN_DURATION, "job" => job).record(elapsed.as_secs_f64());
    for (outcome, n) in [
        ("seen", counts.seen),
        ("succeeded", counts.succeeded),
        ("failed", counts.failed),
        ("skipped", counts.skipped),
    ] {
        metrics::counter!(JOB_OPERATIONS, "job" => job, "outcome" => outcome)
            .increment(n.max(0) as u64);
    }
}
