//! The dashboard's figures: where every channel's operations stand, how many failed hour by
//! hour and day by day (by channel and by cause), how old the oldest waiting work is, how the
//! jobs' runs went, and how the channels call the API. All read from counters the database keeps as the jobs write (see
//! `crate::storage::dashboard`), never by counting operations. The charts are drawn from these
//! on the server (`crate::dashboard`); the page shows the same figures as tables beside them.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::{Deserialize, Serialize};

use super::{job::JobName, FailureGroup, SyncStatus};

/// Hours the hourly failures chart covers, the current one last.
pub const HOURS: i64 = 48;
/// Days the daily failures chart covers, today last.
pub const DAYS: i64 = 30;
/// Hours of job runs the jobs chart covers.
pub const JOB_HOURS: i64 = 48;

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// When the figures were read.
    pub at: DateTime<Utc>,
    /// Every channel with its operations per status and its oldest waiting work.
    pub channels: Vec<ChannelFigures>,
    /// Failures per hour: the start of each of the last [`HOURS`] hours, oldest first, and how
    /// many operations of that hour failed.
    pub hourly: Vec<(DateTime<Utc>, i64)>,
    /// Failures per day (UTC days), the last [`DAYS`] days, oldest first.
    pub daily: Vec<(DateTime<Utc>, i64)>,
    /// Failures of the last [`DAYS`] days per channel (id, count), most first.
    pub failures_by_channel: Vec<(i64, i64)>,
    /// Failures of the last [`DAYS`] days per cause, most first.
    pub failures_by_group: Vec<(FailureGroup, i64)>,
    /// The jobs' runs that started in the last [`JOB_HOURS`] hours, oldest first.
    pub runs: Vec<RunFigures>,
    /// Channel API requests and errors (answers of 400 and above) per hour, the last
    /// [`HOURS`] hours, oldest first.
    pub api_hourly: Vec<(DateTime<Utc>, i64, i64)>,
    /// Channel API requests and errors of the last [`HOURS`] hours per channel (id; 0 for
    /// requests without a valid token), most requests first.
    pub api_by_channel: Vec<(i64, i64, i64)>,
}

/// One channel's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelFigures {
    pub id: i64,
    pub name: String,
    /// Operations per status, every status, in display order.
    pub counts: Vec<(SyncStatus, i64)>,
    /// The operation time of the oldest Pending operation, if any.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// The operation time of the oldest Failed operation, if any.
    pub oldest_failed: Option<DateTime<Utc>>,
}

impl ChannelFigures {
    /// All the channel's operations.
    pub fn total(&self) -> i64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}

/// One job run, as the jobs chart plots it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFigures {
    pub job: JobName,
    pub started_at: DateTime<Utc>,
    /// How long it ran, in milliseconds (until now while it runs).
    pub millis: i64,
    pub seen: i64,
    pub failed: i64,
}

/// The first moment of the hour `at` is in.
pub fn hour_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::hours(1)).unwrap_or(at)
}

/// The first moment of the (UTC) day `at` is in.
pub fn day_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::days(1)).unwrap_or(at)
}

/// `count` buckets of `width` ending with the one `now` is in, oldest first, each with the sum
/// of the `counts` (keyed by bucket number since 1970, as the database keys hours and days)
/// that fall in it; buckets without any are zero.
pub fn buckets(
    now: DateTime<Utc>,
    width: Duration,
    count: i64,
    counts: &[(i64, i64)],
) -> Vec<(DateTime<Utc>, i64)> {
    let micros = width.num_microseconds().unwrap_or(1).max(1);
    let last = now.timestamp_micros().div_euclid(micros);
    (last - count + 1..=last)
        .map(|bucket| {
            let n = counts
                .iter()
                .filter(|(b, _)| *b == bucket)
                .map(|(_, n)| n)
                .sum();
            let start = DateTime::from_timestamp_micros(bucket * micros).unwrap_or(now);
            (start, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_end_with_the_current_one_and_fill_the_empty_ones_with_zero() {
        let now: DateTime<Utc> = "2026-12-06T14:35:00Z".parse().unwrap();
        let hour = now.timestamp() / 3600;
        let counts = [(hour, 3), (hour - 2, 5), (hour - 2, 1), (hour - 48, 9)];
        let hours = buckets(now, Duration::hours(1), 48, &counts);
        assert_eq!(hours.len(), 48);
        assert_eq!(hours[47], ("2026-12-06T14:00:00Z".parse().unwrap(), 3));
        assert_eq!(hours[46].1, 0);
        assert_eq!(hours[45], ("2026-12-06T12:00:00Z".parse().unwrap(), 6));
        assert_eq!(
            hours[0].0,
            "2026-12-04T15:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            hours.iter().map(|(_, n)| n).sum::<i64>(),
            9,
            "the 49th hour back is out"
        );
        assert_eq!(hour_of(now), hours[47].0);
        assert_eq!(
            day_of(now),
            "2026-12-06T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
