//! Alerts, looked at: every few seconds each instance reads what the rules measure
//! ([`crate::storage::alerts`]), and for each rule opens an episode for a subject that went
//! above its threshold and resolves the episode of one that came back (the rule's measures are
//! `crate::model::alert`). Opening and resolving write the audit line and the webhook calls in
//! the same transaction; the server sends the calls (`server/src/alerts.rs`), so a slow
//! receiver never holds up a look or a job.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    locale::Locale,
    model::{
        alert::{changes, ActiveAlert, OpenEpisode},
        JobName,
    },
    storage::{alerts::AlertNews, Db},
};

/// What one look changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LookOutcome {
    pub opened: usize,
    pub resolved: usize,
}

/// The JSON body of a webhook call.
#[derive(Debug, Serialize)]
pub struct WebhookBody<'a> {
    /// `alert.fired` or `alert.resolved`.
    pub event: &'a str,
    pub alert: AlertBody<'a>,
    /// What fired, in a sentence (English).
    pub summary: String,
    /// The page that shows it.
    pub link: String,
}

/// The alert in a webhook call.
#[derive(Debug, Serialize)]
pub struct AlertBody<'a> {
    /// The episode's id: a fired and a resolved call of one episode carry the same.
    pub id: i64,
    pub rule: &'a RuleBody<'a>,
    /// A channel's code or a job's name.
    pub subject: &'a str,
    pub value: i64,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The rule in a webhook call, in the words of the API (`failures_per_hour`, `p_job`).
#[derive(Debug, Serialize)]
pub struct RuleBody<'a> {
    pub id: i64,
    pub kind: &'static str,
    pub threshold: i64,
    /// The channel's code, when the rule watches one.
    pub channel: Option<&'a str>,
    pub failure_group: Option<&'a str>,
    pub job: Option<&'static str>,
}

/// Looks at every rule at `now` and writes what changed. `site_url` (without a trailing slash)
/// makes the webhooks' links. A rule turned off resolves its open episodes.
pub async fn look(db: &Db, now: DateTime<Utc>, site_url: &str) -> Result<LookOutcome, sqlx::Error> {
    let rules = db.alert_rules().await?;
    let open = db.open_episodes().await?;
    let inputs = db.alert_inputs(now).await?;
    let channels = db.channels().await?;
    let mut outcome = LookOutcome::default();
    for rule in &rules {
        let firing = if rule.enabled {
            inputs.firing(rule)
        } else {
            Vec::new()
        };
        let open_of_rule: Vec<OpenEpisode> = open
            .iter()
            .filter(|e| e.rule_id == rule.id)
            .cloned()
            .collect();
        let (to_open, to_resolve) = changes(&firing, &open_of_rule);
        for reading in firing.iter().filter(|r| !to_open.contains(r)) {
            if let Some(episode) = open_of_rule.iter().find(|e| e.subject == reading.subject) {
                db.update_episode_value(episode.id, reading.value).await?;
            }
        }
        let rule_body = RuleBody {
            id: rule.id,
            kind: rule.kind.as_str(),
            threshold: rule.threshold,
            channel: rule
                .channel_id
                .and_then(|id| channels.iter().find(|c| c.id == id))
                .map(|c| c.code.as_str()),
            failure_group: rule.failure_group.as_deref(),
            job: rule.job.map(JobName::as_str),
        };
        let alert_of = |episode: OpenEpisode| {
            let channel = channels.iter().find(|c| c.code == episode.subject);
            ActiveAlert {
                kind: rule.kind,
                threshold: rule.threshold,
                failure_group: rule.failure_group.clone(),
                subject_name: channel.map(|c| c.name.clone()).unwrap_or_default(),
                channel_id: channel.map(|c| c.id),
                episode,
            }
        };
        for reading in to_open {
            let alert = alert_of(OpenEpisode {
                id: 0,
                rule_id: rule.id,
                subject: reading.subject.clone(),
                value: reading.value,
                started_at: now,
            });
            let summary = alert.summary(Locale::en);
            let body = |id| body(&rule_body, &alert, id, "alert.fired", None, site_url);
            let news = AlertNews {
                audit_subject: &summary,
                body: &body,
            };
            if db
                .open_episode(rule.id, &reading.subject, reading.value, now, news)
                .await?
                .is_some()
            {
                outcome.opened += 1;
                tracing::warn!(rule = rule.id, subject = %reading.subject, value = reading.value, "alert fired");
            }
        }
        for episode in to_resolve {
            let alert = alert_of(episode.clone());
            let summary = format!("resolved: {}", alert.summary(Locale::en));
            let body = |id| {
                body(
                    &rule_body,
                    &alert,
                    id,
                    "alert.resolved",
                    Some(now),
                    site_url,
                )
            };
            let news = AlertNews {
                audit_subject: &summary,
                body: &body,
            };
            if db.resolve_episode(episode.id, now, news).await? {
                outcome.resolved += 1;
                tracing::info!(rule = rule.id, subject = %episode.subject, "alert resolved");
            }
        }
    }
    Ok(outcome)
}

/// A webhook call's body for `alert`, as episode `id`.
fn body(
    rule: &RuleBody,
    alert: &ActiveAlert,
    id: i64,
    event: &str,
    resolved_at: Option<DateTime<Utc>>,
    site_url: &str,
) -> String {
    let body = WebhookBody {
        event,
        alert: AlertBody {
            id,
            rule,
            subject: &alert.episode.subject,
            value: alert.episode.value,
            started_at: alert.episode.started_at,
            resolved_at,
        },
        summary: alert.summary(Locale::en),
        link: format!("{site_url}{}", alert.href()),
    };
    serde_json::to_string(&body).unwrap_or_default()
}
