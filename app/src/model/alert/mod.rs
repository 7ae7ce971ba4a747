//! Alerts: the rules an admin sets, what each measures, and the episodes they fire. An episode
//! opens when a rule's measure for one subject (a channel, or a job) goes above its threshold
//! and resolves when it is back at or below it: an alert fires once per episode, however many
//! times it is looked at meanwhile. The measures are plain functions of [`AlertInputs`] (read
//! by `crate::storage::alerts`), so every rule is tested without a clock or a database.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::JobName;

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AlertKind {
    /// Failures of a channel (or of one failure group) in the last hour, above N.
    FailuresPerHour,
    /// A channel's oldest Pending operation, received more than M minutes ago.
    OldestPending,
    /// A job that has not finished a run for K of its intervals: none started, or the one
    /// going on started that long ago (a paused job is left alone).
    JobStalled,
    /// The channel API's share of answers that are errors (400 and above) in the last hour,
    /// above X %.
    ApiErrorRate,
}

super::text_enum!(AlertKind {
    FailuresPerHour => "failures_per_hour",
    OldestPending => "oldest_pending",
    JobStalled => "job_stalled",
    ApiErrorRate => "api_error_rate",
});

impl AlertKind {
    /// The largest threshold that still makes sense: failures in an hour, minutes (a week),
    /// intervals, percent.
    pub fn max_threshold(self) -> i64 {
        match self {
            Self::FailuresPerHour => 1_000_000,
            Self::OldestPending => 7 * 24 * 60,
            Self::JobStalled => 1_000,
            Self::ApiErrorRate => 99,
        }
    }
}

/// The fewest channel API requests in the window for its error rate to mean something (one
/// bad request of two is not a failing channel).
pub const MIN_API_REQUESTS: i64 = 20;

/// A rule, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRule {
    pub id: i64,
    pub kind: AlertKind,
    /// The channel watched, or every channel, each on its own.
    pub channel_id: Option<i64>,
    /// Failures per hour only: one failure group's key, or every failure.
    pub failure_group: Option<String>,
    /// Job stalled only: one job, or every job, each on its own.
    pub job: Option<JobName>,
    pub threshold: i64,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A rule as an admin asks for it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlertRule {
    pub kind: AlertKind,
    pub channel_id: Option<i64>,
    pub failure_group: Option<String>,
    pub job: Option<JobName>,
    pub threshold: i64,
}

impl NewAlertRule {
    /// Checks a rule typed on the admin page: `(field, message)` names what is wrong. Scopes
    /// that do not apply to the kind are dropped (a job for a channel's failures means nothing).
    pub fn check(
        kind: &str,
        channel_id: Option<i64>,
        failure_group: &str,
        job: &str,
        threshold: &str,
        channels: &[i64],
    ) -> Result<Self, (&'static str, String)> {
        let kind = AlertKind::parse(kind.trim())
            .ok_or(("kind", "is not a kind of alert custsync knows".to_owned()))?;
        let threshold: i64 = threshold.trim().parse().map_err(|_| {
            (
                "threshold",
                "must be a whole number of 1 or more".to_owned(),
            )
        })?;
        if threshold < 1 {
            return Err(("threshold", "must be 1 or more".to_owned()));
        }
        if threshold > kind.max_threshold() {
            return Err((
                "threshold",
                format!("must be {} or less for this kind", kind.max_threshold()),
            ));
        }
        let by_channel = kind != AlertKind::JobStalled;
        let channel_id = channel_id.filter(|_| by_channel);
        if let Some(id) = channel_id {
            if !channels.contains(&id) {
                return Err(("channel_id", "is not a channel".to_owned()));
            }
        }
        let failure_group = match failure_group.trim() {
            "" => None,
            _ if kind != AlertKind::FailuresPerHour => None,
            key => Some(
                super::FailureGroup::parse(key)
                    .ok_or(("failure_group", "is not a failure group's key".to_owned()))?
                    .key(),
            ),
        };
        let job = match job.trim() {
            "" => None,
            _ if kind != AlertKind::JobStalled => None,
            name => Some(JobName::parse(name).ok_or(("job", "is not a job".to_owned()))?),
        };
        Ok(Self {
            kind,
            channel_id,
            failure_group,
            job,
            threshold,
        })
    }
}

/// One channel's failures in the hour going on and the hour before (by the operations' own
/// time, as the dashboard counts them), of one failure group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureCount {
    pub channel_id: i64,
    pub failure_group: String,
    pub this_hour: i64,
    pub last_hour: i64,
}

/// One channel's API requests and errors in the hour going on and the hour before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCount {
    pub channel_id: i64,
    pub this_hour: (i64, i64),
    pub last_hour: (i64, i64),
}

/// A job's schedule and when it last did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPulse {
    pub job: JobName,
    pub interval_seconds: i64,
    pub paused: bool,
    /// When its latest run ended, or started if it is still running; when its schedule was
    /// last set, if that is later (or it never ran).
    pub last_active: DateTime<Utc>,
}

/// Everything the rules measure, read at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertInputs {
    pub now: DateTime<Utc>,
    /// (id, code) of every channel.
    pub channels: Vec<(i64, String)>,
    pub failures: Vec<FailureCount>,
    /// (channel id, when its oldest Pending operation was received).
    pub oldest_pending: Vec<(i64, DateTime<Utc>)>,
    pub jobs: Vec<JobPulse>,
    pub api: Vec<ApiCount>,
}

/// A rule's measure for one subject that is above its threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// A channel's code or a job's name.
    pub subject: String,
    /// Failures, minutes, intervals or percent, by kind.
    pub value: i64,
}

impl AlertInputs {
    /// How much of the hour before still lies within the last 60 minutes, in seconds of 3,600.
    fn last_hour_share(&self) -> i64 {
        3_600 - self.now.timestamp().rem_euclid(3_600)
    }

    /// A count over the last 60 minutes from the hour going on and the one before: the one
    /// before weighted by how much of it is still within the window (a sliding window from
    /// hourly counters).
    fn in_last_hour(&self, this_hour: i64, last_hour: i64) -> i64 {
        this_hour + last_hour * self.last_hour_share() / 3_600
    }

    fn code_of(&self, channel_id: i64) -> Option<&str> {
        self.channels
            .iter()
            .find(|(id, _)| *id == channel_id)
            .map(|(_, code)| code.as_str())
    }

    /// Rule `rule`'s subjects whose measure is above its threshold now, by subject.
    pub fn firing(&self, rule: &AlertRule) -> Vec<Reading> {
        let in_scope = |channel_id: i64| rule.channel_id.is_none_or(|id| id == channel_id);
        let mut measures: Vec<(String, i64)> = Vec::new();
        let mut add =
            |subject: &str, value: i64| match measures.iter_mut().find(|(s, _)| s == subject) {
                Some((_, total)) => *total += value,
                None => measures.push((subject.to_owned(), value)),
            };
        match rule.kind {
            AlertKind::FailuresPerHour => {
                for count in &self.failures {
                    let group_matches = rule
                        .failure_group
                        .as_ref()
                        .is_none_or(|key| *key == count.failure_group);
                    if let (true, true, Some(code)) = (
                        in_scope(count.channel_id),
                        group_matches,
                        self.code_of(count.channel_id),
                    ) {
                        add(code, self.in_last_hour(count.this_hour, count.last_hour));
                    }
                }
            }
            AlertKind::OldestPending => {
                for (channel_id, received_at) in &self.oldest_pending {
                    if let (true, Some(code)) = (in_scope(*channel_id), self.code_of(*channel_id)) {
                        add(code, (self.now - *received_at).num_minutes());
                    }
                }
            }
            AlertKind::JobStalled => {
                for pulse in &self.jobs {
                    if pulse.paused || rule.job.is_some_and(|job| job != pulse.job) {
                        continue;
                    }
                    let idle = (self.now - pulse.last_active).num_seconds();
                    add(pulse.job.as_str(), idle / pulse.interval_seconds.max(1));
                }
            }
            AlertKind::ApiErrorRate => {
                let mut totals: Vec<(&str, i64, i64)> = Vec::new();
                for count in &self.api {
                    let (Some(code), true) =
                        (self.code_of(count.channel_id), in_scope(count.channel_id))
                    else {
                        continue;
                    };
                    let requests = self.in_last_hour(count.this_hour.0, count.last_hour.0);
                    let errors = self.in_last_hour(count.this_hour.1, count.last_hour.1);
                    match totals.iter_mut().find(|(c, _, _)| *c == code) {
                        Some(total) => {
                            total.1 += requests;
                            total.2 += errors;
                        }
                        None => totals.push((code, requests, errors)),
                    }
                }
                for (code, requests, errors) in totals {
                    if requests >= MIN_API_REQUESTS {
                        add(code, errors * 100 / requests);
                    }
                }
            }
        }
        let mut firing: Vec<Reading> = measures
            .into_iter()
            .filter(|(_, value)| *value > rule.threshold)
            .map(|(subject, value)| Reading { subject, value })
            .collect();
        firing.sort_by(|a, b| a.subject.cmp(&b.subject));
        firing
    }
}

/// An episode that has not resolved yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenEpisode {
    pub id: i64,
    pub rule_id: i64,
    pub subject: String,
    pub value: i64,
    pub started_at: DateTime<Utc>,
}

/// What one look at a rule changes: the readings to open an episode for (no episode of that
/// subject is open) and the open episodes to resolve (their subject is no longer firing).
pub fn changes<'a>(
    firing: &'a [Reading],
    open: &'a [OpenEpisode],
) -> (Vec<&'a Reading>, Vec<&'a OpenEpisode>) {
    let to_open = firing
        .iter()
        .filter(|r| !open.iter().any(|e| e.subject == r.subject))
        .collect();
    let to_resolve = open
        .iter()
        .filter(|e| !firing.iter().any(|r| r.subject == e.subject))
        .collect();
    (to_open, to_resolve)
}

/// An alert that is firing, as the banner and the admin page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveAlert {
    pub episode: OpenEpisode,
    pub kind: AlertKind,
    pub threshold: i64,
    pub failure_group: Option<String>,
    /// The subject's name for people: a channel's name, or empty for a job (its name is
    /// in the page's language).
    pub subject_name: String,
    /// The channel's id when the subject is a channel (the banner links to its operations).
    pub channel_id: Option<i64>,
}

impl ActiveAlert {
    /// The page that shows what fired: the channel's Failed (of the rule's cause) or Pending
    /// operations, the dashboard for the channel API, the status page and its jobs for a job.
    pub fn href(&self) -> String {
        let list = |status| super::OperationFilter {
            status: Some(status),
            channel: self.channel_id,
            error: self
                .failure_group
                .as_deref()
                .and_then(super::FailureGroup::parse),
            ..Default::default()
        };
        match self.kind {
            AlertKind::FailuresPerHour => list(super::SyncStatus::Failed).href(&[]),
            AlertKind::OldestPending => super::OperationFilter {
                error: None,
                ..list(super::SyncStatus::Pending)
            }
            .href(&[]),
            AlertKind::ApiErrorRate => "/dashboard".to_owned(),
            AlertKind::JobStalled => "/".to_owned(),
        }
    }
}

mod webhook;
#[cfg(feature = "ssr")]
pub use webhook::check_webhook;
pub use webhook::{DeliveryState, WebhookSummary, MAX_SECRET, MAX_URL, MIN_SECRET};

#[cfg(test)]
mod tests;
