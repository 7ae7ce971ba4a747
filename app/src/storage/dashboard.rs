//! The dashboard's figures, each read from what the database keeps as the jobs write: the
//! status counters (migration 0007), the failures per hour (0017) and per group and day
//! (0014), the Pending operations' own index, and the job runs. A handful of small reads at
//! any table size; the oldest Failed operation of a channel is one index lookup from the
//! first day its failure counters have.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{
    col, counts::COUNTS, failures::FAILURE_COUNTS, from_micros, json_int, json_param, json_rows,
    to_micros, Db,
};
use crate::model::{
    dashboard::{buckets, ChannelFigures, Dashboard, RunFigures, DAYS, HOURS, JOB_HOURS},
    job::JobName,
    FailureGroup, SyncStatus,
};

/// The failures per hour and the deltas not yet folded into them, as one relation.
pub(super) const FAILURE_EVENTS: &str =
    "(SELECT hour, channel_id, failure_group, n FROM failure_events \
     UNION ALL SELECT hour, channel_id, failure_group, n FROM failure_event_deltas) e";

const HOUR_MICROS: i64 = 3_600_000_000;
const DAY_MICROS: i64 = 24 * HOUR_MICROS;

impl Db {
    /// The dashboard as it stands at `now`.
    #[tracing::instrument(skip(self), err)]
    pub async fn dashboard(&self, now: DateTime<Utc>) -> Result<Dashboard, sqlx::Error> {
        let channels = self.channel_figures().await?;
        let first_day = now.timestamp_micros().div_euclid(DAY_MICROS) - DAYS + 1;
        let first_hour = first_day * 24;
        let rows = sqlx::query(&format!(
            "SELECT e.hour, e.channel_id, e.failure_group, CAST(SUM(e.n) AS BIGINT) AS n \
             FROM {FAILURE_EVENTS} WHERE e.hour >= $1 \
             GROUP BY e.hour, e.channel_id, e.failure_group"
        ))
        .bind(first_hour)
        .fetch_all(self.pool())
        .await?;
        let mut per_hour: Vec<(i64, i64)> = Vec::new();
        let mut per_day: Vec<(i64, i64)> = Vec::new();
        let mut by_channel: HashMap<i64, i64> = HashMap::new();
        let mut by_group: HashMap<String, i64> = HashMap::new();
        for row in &rows {
            let hour: i64 = col(row, "hour")?;
            let n: i64 = col(row, "n")?;
            per_hour.push((hour, n));
            per_day.push((hour.div_euclid(24), n));
            *by_channel.entry(col(row, "channel_id")?).or_default() += n;
            *by_group.entry(col(row, "failure_group")?).or_default() += n;
        }
        let mut failures_by_channel: Vec<(i64, i64)> =
            by_channel.into_iter().filter(|(_, n)| *n > 0).collect();
        failures_by_channel.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut failures_by_group: Vec<(FailureGroup, i64)> = by_group
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .filter_map(|(key, n)| Some((FailureGroup::parse(&key)?, n)))
            .collect();
        failures_by_group.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let calls = sqlx::query(
            "SELECT hour, channel_id, requests, errors FROM api_calls WHERE hour >= $1",
        )
        .bind(now.timestamp_micros().div_euclid(HOUR_MICROS) - HOURS + 1)
        .fetch_all(self.pool())
        .await?;
        let (mut requests, mut errors) = (Vec::new(), Vec::new());
        let mut api_by_channel: Vec<(i64, i64, i64)> = Vec::new();
        for row in &calls {
            let (hour, channel): (i64, i64) = (col(row, "hour")?, col(row, "channel_id")?);
            let (r, e): (i64, i64) = (col(row, "requests")?, col(row, "errors")?);
            requests.push((hour, r));
            errors.push((hour, e));
            match api_by_channel.iter_mut().find(|(c, _, _)| *c == channel) {
                Some(entry) => {
                    entry.1 += r;
                    entry.2 += e;
                }
                None => api_by_channel.push((channel, r, e)),
            }
        }
        api_by_channel.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let api_hourly = buckets(now, Duration::hours(1), HOURS, &requests)
            .into_iter()
            .zip(buckets(now, Duration::hours(1), HOURS, &errors))
            .map(|((at, r), (_, e))| (at, r, e))
            .collect();
        Ok(Dashboard {
            at: now,
            api_hourly,
            api_by_channel,
            channels,
            hourly: buckets(now, Duration::hours(1), HOURS, &per_hour),
            daily: buckets(now, Duration::days(1), DAYS, &per_day),
            failures_by_channel,
            failures_by_group,
            runs: self
                .runs_since(now - Duration::hours(JOB_HOURS), now)
                .await?,
        })
    }

    /// Adds an instance's counts of channel API calls: (hour since 1970, channel id or 0
    /// without a valid token, requests, errors).
    #[tracing::instrument(skip(self), err)]
    pub async fn add_api_calls(&self, calls: &[(i64, i64, i64, i64)]) -> Result<(), sqlx::Error> {
        if calls.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO api_calls (hour, channel_id, requests, errors) \
             SELECT {i0}, {i1}, {i2}, {i3} FROM {rows} WHERE TRUE \
             ON CONFLICT (hour, channel_id) DO UPDATE SET \
             requests = api_calls.requests + excluded.requests, \
             errors = api_calls.errors + excluded.errors",
            rows = json_rows(self.backend(), 1),
            i0 = json_int(0),
            i1 = json_int(1),
            i2 = json_int(2),
            i3 = json_int(3),
        );
        let insert = sqlx::query(&sql).bind(json_param(calls)?);
        self.write_one(insert).await.map(drop)
    }

    /// Every channel's operations per status and oldest Pending and Failed operation.
    async fn channel_figures(&self) -> Result<Vec<ChannelFigures>, sqlx::Error> {
        let counts = sqlx::query(&format!(
            "SELECT k.channel_id, k.status, CAST(SUM(k.n) AS BIGINT) AS n FROM {COUNTS} \
             GROUP BY k.channel_id, k.status"
        ))
        .fetch_all(self.pool())
        .await?;
        let pending = sqlx::query(
            "SELECT channel_id, MIN(operation_at) AS at FROM operations \
             WHERE status = 'pending' GROUP BY channel_id",
        )
        .fetch_all(self.pool())
        .await?;
        let failed_since = sqlx::query(&format!(
            "SELECT d.channel_id, MIN(d.day) AS day FROM (SELECT k.channel_id, k.day \
             FROM {FAILURE_COUNTS} GROUP BY k.channel_id, k.day HAVING SUM(k.n) > 0) d \
             GROUP BY d.channel_id"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut channels: Vec<ChannelFigures> = self
            .channel_names()
            .await?
            .into_iter()
            .map(|(id, name)| ChannelFigures {
                id,
                name,
                counts: SyncStatus::ALL.iter().map(|s| (*s, 0)).collect(),
                oldest_pending: None,
                oldest_failed: None,
            })
            .collect();
        for row in &counts {
            let status: String = col(row, "status")?;
            let n: i64 = col(row, "n")?;
            if let (Some(channel), Some(status)) = (
                of(&mut channels, col(row, "channel_id")?),
                SyncStatus::parse(&status),
            ) {
                if let Some(count) = channel.counts.iter_mut().find(|(s, _)| *s == status) {
                    count.1 += n;
                }
            }
        }
        for row in &pending {
            if let Some(channel) = of(&mut channels, col(row, "channel_id")?) {
                channel.oldest_pending = Some(from_micros(col(row, "at")?));
            }
        }
        for row in &failed_since {
            let (id, day): (i64, i64) = (col(row, "channel_id")?, col(row, "day")?);
            let oldest: Option<i64> = sqlx::query_scalar(
                "SELECT operation_at FROM operations WHERE channel_id = $1 \
                 AND operation_at >= $2 AND status = 'failed' ORDER BY operation_at LIMIT 1",
            )
            .bind(id)
            .bind(day * DAY_MICROS)
            .fetch_optional(self.pool())
            .await?;
            if let Some(channel) = of(&mut channels, id) {
                channel.oldest_failed = oldest.map(from_micros);
            }
        }
        Ok(channels)
    }

    /// The job runs that started between `since` and `now`, oldest first.
    async fn runs_since(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<RunFigures>, sqlx::Error> {
        let mut runs = Vec::new();
        for job in JobName::ALL {
            let rows = sqlx::query(
                "SELECT started_at, finished_at, seen, failed FROM job_runs \
                 WHERE job = $1 AND started_at >= $2 ORDER BY started_at",
            )
            .bind(job.as_str())
            .bind(to_micros(since))
            .fetch_all(self.pool())
            .await?;
            for row in &rows {
                let started_at = from_micros(col(row, "started_at")?);
                let finished: Option<i64> = col(row, "finished_at")?;
                let end = finished.map_or(now, from_micros);
                runs.push(RunFigures {
                    job: *job,
                    started_at,
                    millis: (end - started_at).num_milliseconds().max(0),
                    seen: col(row, "seen")?,
                    failed: col(row, "failed")?,
                });
            }
        }
        runs.sort_by_key(|r| r.started_at);
        Ok(runs)
    }
}

/// Channel `id` among `channels`.
fn of(channels: &mut [ChannelFigures], id: i64) -> Option<&mut ChannelFigures> {
    channels.iter_mut().find(|c| c.id == id)
}
