//! Alerts in the database (migration 0019): the rules, what they measure (read from the
//! counters the dashboard reads) and the episodes; the webhooks and their calls are
//! [`super::webhooks`].
//!
//! An episode opens in one transaction with its audit line and one call per webhook, and only
//! if no episode of the same rule and subject is open (a unique index): with several
//! instances looking at once, one of them opens it and the others see it open. Resolving is
//! the same: the instance whose update took the open episode writes the line and the calls.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::{col, dashboard::FAILURE_EVENTS, from_micros, to_micros, Db};
use crate::model::{
    alert::{
        ActiveAlert, AlertInputs, AlertKind, AlertRule, ApiCount, FailureCount, JobPulse,
        NewAlertRule, OpenEpisode,
    },
    JobName,
};

const HOUR_MICROS: i64 = 3_600_000_000;

/// The name alerts write in the audit log.
pub const ALERTS_ACTOR: &str = "custsync alerts";

/// What an alert's opening or resolving writes besides the episode: its audit line and the
/// body of the call each webhook gets (from the episode's id).
pub struct AlertNews<'a> {
    pub audit_subject: &'a str,
    pub body: &'a (dyn Fn(i64) -> String + Sync),
}

fn rule_of(row: &AnyRow) -> Result<AlertRule, sqlx::Error> {
    let kind: String = col(row, "kind")?;
    let job: Option<String> = col(row, "job")?;
    Ok(AlertRule {
        id: col(row, "id")?,
        kind: AlertKind::parse(&kind).unwrap_or(AlertKind::FailuresPerHour),
        channel_id: col(row, "channel_id")?,
        failure_group: col(row, "failure_group")?,
        job: job.as_deref().and_then(JobName::parse),
        threshold: col(row, "threshold")?,
        enabled: col::<i64>(row, "enabled")? != 0,
        created_by: col(row, "created_by")?,
        created_at: from_micros(col(row, "created_at")?),
    })
}

fn episode_of(row: &AnyRow) -> Result<OpenEpisode, sqlx::Error> {
    Ok(OpenEpisode {
        id: col(row, "id")?,
        rule_id: col(row, "rule_id")?,
        subject: col(row, "subject")?,
        value: col(row, "value")?,
        started_at: from_micros(col(row, "started_at")?),
    })
}

impl Db {
    /// Every rule, oldest first.
    #[tracing::instrument(skip(self), err)]
    pub async fn alert_rules(&self) -> Result<Vec<AlertRule>, sqlx::Error> {
        sqlx::query("SELECT * FROM alert_rules ORDER BY id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(rule_of)
            .collect()
    }

    /// Stores a rule (checked by [`NewAlertRule::check`]); returns its id.
    #[tracing::instrument(skip(self), err)]
    pub async fn insert_alert_rule(
        &self,
        rule: &NewAlertRule,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO alert_rules (kind, channel_id, failure_group, job, threshold, enabled, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id",
        )
        .bind(rule.kind.as_str())
        .bind(rule.channel_id)
        .bind(rule.failure_group.as_deref())
        .bind(rule.job.map(JobName::as_str))
        .bind(rule.threshold)
        .bind(by)
        .bind(to_micros(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Turns a rule on or off; false if there is no such rule. Its open episodes are left to
    /// the next look, which resolves them (a rule turned off fires nothing).
    #[tracing::instrument(skip(self), err)]
    pub async fn set_alert_rule_enabled(
        &self,
        id: i64,
        enabled: bool,
    ) -> Result<bool, sqlx::Error> {
        let update = sqlx::query("UPDATE alert_rules SET enabled = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(enabled));
        Ok(self.write_one(update).await? == 1)
    }

    /// Deletes a rule with its episodes and their calls; false if there is none.
    #[tracing::instrument(skip(self), err)]
    pub async fn delete_alert_rule(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_with(
            &[
                "DELETE FROM webhook_deliveries WHERE episode_id IN \
                 (SELECT id FROM alert_episodes WHERE rule_id = $1)",
                "DELETE FROM alert_episodes WHERE rule_id = $1",
                "DELETE FROM alert_rules WHERE id = $1",
            ],
            id,
        )
        .await
    }

    /// What the rules measure, as it stands at `now`: a handful of small reads of the counters
    /// the jobs and the channel API keep, and of the Pending operations' index.
    #[tracing::instrument(skip(self), err)]
    pub async fn alert_inputs(&self, now: DateTime<Utc>) -> Result<AlertInputs, sqlx::Error> {
        let this_hour = now.timestamp_micros().div_euclid(HOUR_MICROS);
        let channels = self
            .channels()
            .await?
            .into_iter()
            .map(|c| (c.id, c.code))
            .collect();
        let mut failures: Vec<FailureCount> = Vec::new();
        let rows = sqlx::query(&format!(
            "SELECT e.hour, e.channel_id, e.failure_group, CAST(SUM(e.n) AS BIGINT) AS n \
             FROM {FAILURE_EVENTS} WHERE e.hour >= $1 \
             GROUP BY e.hour, e.channel_id, e.failure_group"
        ))
        .bind(this_hour - 1)
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            let (hour, channel_id, n): (i64, i64, i64) =
                (col(row, "hour")?, col(row, "channel_id")?, col(row, "n")?);
            let failure_group: String = col(row, "failure_group")?;
            let at = failures
                .iter()
                .position(|f| f.channel_id == channel_id && f.failure_group == failure_group)
                .unwrap_or_else(|| {
                    failures.push(FailureCount {
                        channel_id,
                        failure_group,
                        this_hour: 0,
                        last_hour: 0,
                    });
                    failures.len() - 1
                });
            let entry = &mut failures[at];
            if hour == this_hour {
                entry.this_hour += n;
            } else {
                entry.last_hour += n;
            }
        }
        let oldest_pending = sqlx::query(
            "SELECT channel_id, MIN(received_at) AS at FROM operations \
             WHERE status = 'pending' GROUP BY channel_id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| Ok((col(row, "channel_id")?, from_micros(col(row, "at")?))))
        .collect::<Result<_, sqlx::Error>>()?;
        let mut jobs = Vec::new();
        let schedules = sqlx::query(
            "SELECT s.job, s.interval_seconds, s.paused, s.updated_at, \
             (SELECT r.finished_at FROM job_runs r WHERE r.job = s.job \
              AND r.finished_at IS NOT NULL ORDER BY r.started_at DESC LIMIT 1) AS last_finished, \
             (SELECT r.started_at FROM job_runs r WHERE r.job = s.job \
              ORDER BY r.started_at DESC LIMIT 1) AS last_started \
             FROM job_schedules s",
        )
        .fetch_all(self.pool())
        .await?;
        for row in &schedules {
            let job: String = col(row, "job")?;
            let Some(job) = JobName::parse(&job) else {
                continue;
            };
            let set_at: i64 = col(row, "updated_at")?;
            let finished: Option<i64> = col(row, "last_finished")?;
            let started: Option<i64> = col(row, "last_started")?;
            jobs.push(JobPulse {
                job,
                interval_seconds: col(row, "interval_seconds")?,
                paused: col::<i64>(row, "paused")? != 0,
                // The latest run's end, or its start while it runs (a run that goes on for K
                // intervals is stalled too); paused and resumed, or given a new interval:
                // counted from then.
                last_active: from_micros(
                    set_at
                        .max(finished.unwrap_or_default())
                        .max(started.unwrap_or_default()),
                ),
            });
        }
        let mut api: Vec<ApiCount> = Vec::new();
        let calls = sqlx::query(
            "SELECT hour, channel_id, requests, errors FROM api_calls WHERE hour >= $1",
        )
        .bind(this_hour - 1)
        .fetch_all(self.pool())
        .await?;
        for row in &calls {
            let (hour, channel_id): (i64, i64) = (col(row, "hour")?, col(row, "channel_id")?);
            let counts: (i64, i64) = (col(row, "requests")?, col(row, "errors")?);
            let at = api
                .iter()
                .position(|a| a.channel_id == channel_id)
                .unwrap_or_else(|| {
                    api.push(ApiCount {
                        channel_id,
                        this_hour: (0, 0),
                        last_hour: (0, 0),
                    });
                    api.len() - 1
                });
            let entry = &mut api[at];
            if hour == this_hour {
                entry.this_hour = counts;
            } else {
                entry.last_hour = counts;
            }
        }
        Ok(AlertInputs {
            now,
            channels,
            failures,
            oldest_pending,
            jobs,
            api,
        })
    }

    /// Every episode not resolved yet, oldest first.
    #[tracing::instrument(skip(self), err)]
    pub async fn open_episodes(&self) -> Result<Vec<OpenEpisode>, sqlx::Error> {
        sqlx::query(
            "SELECT id, rule_id, subject, value, started_at FROM alert_episodes \
             WHERE resolved_at IS NULL ORDER BY started_at, id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(episode_of)
        .collect()
    }

    /// The alerts firing now, for the banner: each open episode with its rule, and the
    /// channel's name when its subject is a channel.
    #[tracing::instrument(skip(self), err)]
    pub async fn active_alerts(&self) -> Result<Vec<ActiveAlert>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT e.id, e.rule_id, e.subject, e.value, e.started_at, r.kind, r.threshold, \
             r.failure_group, c.id AS channel_id, c.name AS channel_name \
             FROM alert_episodes e JOIN alert_rules r ON r.id = e.rule_id \
             LEFT JOIN channels c ON c.code = e.subject AND r.kind <> 'job_stalled' \
             WHERE e.resolved_at IS NULL ORDER BY e.started_at, e.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let kind: String = col(row, "kind")?;
                let name: Option<String> = col(row, "channel_name")?;
                Ok(ActiveAlert {
                    episode: episode_of(row)?,
                    kind: AlertKind::parse(&kind).unwrap_or(AlertKind::FailuresPerHour),
                    threshold: col(row, "threshold")?,
                    failure_group: col(row, "failure_group")?,
                    subject_name: name.unwrap_or_default(),
                    channel_id: col(row, "channel_id")?,
                })
            })
            .collect()
    }

    /// Opens an episode of `rule_id` for `subject` unless one is open; returns its id when
    /// this call opened it, with its audit line and a call for every webhook.
    #[tracing::instrument(skip(self, news), err)]
    pub async fn open_episode(
        &self,
        rule_id: i64,
        subject: &str,
        value: i64,
        now: DateTime<Utc>,
        news: AlertNews<'_>,
    ) -> Result<Option<i64>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let opened: Option<i64> = sqlx::query_scalar(
            "INSERT INTO alert_episodes (rule_id, subject, value, started_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (rule_id, subject) WHERE resolved_at IS NULL DO NOTHING RETURNING id",
        )
        .bind(rule_id)
        .bind(subject)
        .bind(value)
        .bind(to_micros(now))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = opened {
            tell(&mut tx, id, "alert.fired", now, &news).await?;
        }
        tx.commit().await?;
        Ok(opened)
    }

    /// Notes a firing episode's latest measure (the banner shows it); writes only a change.
    #[tracing::instrument(skip(self), err)]
    pub async fn update_episode_value(&self, id: i64, value: i64) -> Result<(), sqlx::Error> {
        let update = sqlx::query(
            "UPDATE alert_episodes SET value = $2 WHERE id = $1 AND value <> $2 \
             AND resolved_at IS NULL",
        )
        .bind(id)
        .bind(value);
        self.write_one(update).await.map(drop)
    }

    /// Resolves episode `id` if it is still open; true when this call resolved it, with its
    /// audit line and a call for every webhook.
    #[tracing::instrument(skip(self, news), err)]
    pub async fn resolve_episode(
        &self,
        id: i64,
        now: DateTime<Utc>,
        news: AlertNews<'_>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let resolved = sqlx::query(
            "UPDATE alert_episodes SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL",
        )
        .bind(id)
        .bind(to_micros(now))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if resolved {
            tell(&mut tx, id, "alert.resolved", now, &news).await?;
        }
        tx.commit().await?;
        Ok(resolved)
    }
}

/// Writes an episode's news in its transaction: the audit line and a call to every webhook.
async fn tell(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    episode_id: i64,
    event: &str,
    now: DateTime<Utc>,
    news: &AlertNews<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, user_name, action, subject) VALUES ($1, $2, $3, $4)")
        .bind(to_micros(now))
        .bind(ALERTS_ACTOR)
        .bind(event)
        .bind(news.audit_subject)
        .execute(&mut **tx)
        .await?;
    let hooks: Vec<i64> = sqlx::query_scalar("SELECT id FROM webhooks ORDER BY id")
        .fetch_all(&mut **tx)
        .await?;
    let body = (news.body)(episode_id);
    for hook in hooks {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, episode_id, event, body, created_at, \
             next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(hook)
        .bind(episode_id)
        .bind(event)
        .bind(&body)
        .bind(to_micros(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
