//! An alert said in the reader's language: what fired, how far above its threshold, and the
//! names of the rules' kinds. The webhooks and the audit log say it in English.

use super::{job_label, td_string, Locale};
use crate::model::{
    alert::{ActiveAlert, AlertKind},
    FailureGroup, JobName,
};

/// A kind of rule's name, with the unit its threshold is in.
pub fn alert_kind_label(locale: Locale, kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::FailuresPerHour => td_string!(locale, alerts.kind_failures_per_hour),
        AlertKind::OldestPending => td_string!(locale, alerts.kind_oldest_pending),
        AlertKind::JobStalled => td_string!(locale, alerts.kind_job_stalled),
        AlertKind::ApiErrorRate => td_string!(locale, alerts.kind_api_error_rate),
    }
}

impl ActiveAlert {
    /// What fired, for people: "Bergen Storsenter: 73 failures in the last hour (the alert is
    /// set above 50)".
    pub fn summary(&self, locale: Locale) -> String {
        let subject = match (self.kind, JobName::parse(&self.episode.subject)) {
            (AlertKind::JobStalled, Some(job)) => job_label(locale, job).0.to_owned(),
            _ if self.subject_name.is_empty() => self.episode.subject.clone(),
            _ => self.subject_name.clone(),
        };
        let (value, threshold) = (self.episode.value, self.threshold);
        let cause = self
            .failure_group
            .as_deref()
            .and_then(FailureGroup::parse)
            .map(|group| group.title(locale, None));
        match (self.kind, cause) {
            (AlertKind::FailuresPerHour, Some(cause)) => td_string!(
                locale,
                alerts.failures_per_hour_group,
                subject,
                value,
                threshold,
                cause
            )
            .to_string(),
            (AlertKind::FailuresPerHour, None) => {
                td_string!(locale, alerts.failures_per_hour, subject, value, threshold).to_string()
            }
            (AlertKind::OldestPending, _) => {
                td_string!(locale, alerts.oldest_pending, subject, value, threshold).to_string()
            }
            (AlertKind::JobStalled, _) => {
                td_string!(locale, alerts.job_stalled, subject, value, threshold).to_string()
            }
            (AlertKind::ApiErrorRate, _) => {
                td_string!(locale, alerts.api_error_rate, subject, value, threshold).to_string()
            }
        }
    }
}
