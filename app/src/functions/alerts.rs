//! Server functions of the alerts: the rules and webhooks on the admin page (admin role; every
//! change a line in the audit log), and the alerts firing now for the banner every page shows
//! (anyone signed in).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::answer_codec::Answer;
use crate::{
    model::{
        alert::{ActiveAlert, AlertRule, WebhookSummary},
        detail::FieldName,
        FailureGroup,
    },
    AppError,
};

/// Everything the admin page's alerts section shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertsView {
    pub rules: Vec<AlertRule>,
    pub firing: Vec<ActiveAlert>,
    pub webhooks: Vec<WebhookSummary>,
    /// (id, name), by name: the channels a rule can watch.
    pub channels: Vec<(i64, String)>,
    /// The causes failing now, most operations first: what a rule of failures can watch.
    pub causes: Vec<(FailureGroup, Option<FieldName>)>,
}

/// The rules, what fires, the webhooks, and the choices of a new rule.
#[server(prefix = "/rpc", endpoint = "alerts/overview", output = Answer)]
pub async fn alerts_overview() -> Result<AlertsView, AppError> {
    crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::overview(&db).await.map_err(super::with_status)
}

/// The alerts firing now, oldest first.
#[server(prefix = "/rpc", endpoint = "alerts/firing", output = Answer)]
pub async fn firing_alerts() -> Result<Vec<ActiveAlert>, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    Ok(db.active_alerts().await?)
}

/// Adds a rule. The threshold is text, so a word or a negative number is refused naming it.
#[server(prefix = "/rpc", endpoint = "alerts/create-rule", output = Answer)]
pub async fn create_alert_rule(
    kind: String,
    channel_id: Option<i64>,
    failure_group: String,
    job: String,
    threshold: String,
) -> Result<i64, AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::create_rule(
        &db,
        &admin,
        &kind,
        channel_id,
        &failure_group,
        &job,
        &threshold,
    )
    .await
    .map_err(super::with_status)
}

/// Turns a rule on or off, or deletes it.
#[server(prefix = "/rpc", endpoint = "alerts/change-rule", output = Answer)]
pub async fn change_alert_rule(
    id: i64,
    enabled: Option<bool>,
    delete: Option<bool>,
) -> Result<(), AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::change_rule(&db, &admin, id, enabled, delete.unwrap_or(false))
        .await
        .map_err(super::with_status)
}

/// Adds a webhook: an http(s) address and the secret its calls are signed with.
#[server(prefix = "/rpc", endpoint = "alerts/create-webhook", output = Answer)]
pub async fn create_webhook(url: String, secret: String) -> Result<i64, AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::create_webhook(&db, &admin, &url, &secret)
        .await
        .map_err(super::with_status)
}

/// Deletes a webhook; its calls not yet made are dropped.
#[server(prefix = "/rpc", endpoint = "alerts/delete-webhook", output = Answer)]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::delete_webhook(&db, &admin, id)
        .await
        .map_err(super::with_status)
}

/// The plain, tested functions behind the alerts' server functions.
#[cfg(feature = "ssr")]
pub mod plain {
    use chrono::Utc;

    use super::AlertsView;
    use crate::{
        locale::{alert_kind_label, Locale},
        model::{
            alert::{check_webhook, NewAlertRule},
            OperationFilter, SignedIn,
        },
        storage::Db,
        AppError,
    };

    /// How many failing causes the new rule's form offers.
    const CAUSES: usize = 30;

    pub async fn overview(db: &Db) -> Result<AlertsView, AppError> {
        let groups = db.failure_groups(&OperationFilter::default()).await?;
        Ok(AlertsView {
            rules: db.alert_rules().await?,
            firing: db.active_alerts().await?,
            webhooks: db.webhooks().await?,
            channels: db.channel_names().await?,
            causes: groups
                .groups
                .into_iter()
                .take(CAUSES)
                .map(|g| (g.group, g.field_name))
                .collect(),
        })
    }

    fn invalid((field, message): (&'static str, String)) -> AppError {
        AppError::validation(field, message)
    }

    /// Adds a rule, checked; returns its id.
    pub async fn create_rule(
        db: &Db,
        admin: &SignedIn,
        kind: &str,
        channel_id: Option<i64>,
        failure_group: &str,
        job: &str,
        threshold: &str,
    ) -> Result<i64, AppError> {
        let channels: Vec<i64> = db.channel_names().await?.into_iter().map(|c| c.0).collect();
        let rule = NewAlertRule::check(kind, channel_id, failure_group, job, threshold, &channels)
            .map_err(invalid)?;
        let now = Utc::now();
        let id = db.insert_alert_rule(&rule, &admin.name, now).await?;
        let subject = format!(
            "rule {id}: {} above {}",
            alert_kind_label(Locale::en, rule.kind),
            rule.threshold
        );
        db.audit(
            &admin.name,
            "alert_rule.create",
            &subject,
            crate::storage::to_micros(now),
        )
        .await?;
        Ok(id)
    }

    /// Turns a rule on or off, or deletes it. A rule turned off or deleted fires no more: the
    /// next look resolves what it had open (or, deleted, its episodes go with it).
    pub async fn change_rule(
        db: &Db,
        admin: &SignedIn,
        id: i64,
        enabled: Option<bool>,
        delete: bool,
    ) -> Result<(), AppError> {
        let (changed, what) = match (delete, enabled) {
            (true, _) => (db.delete_alert_rule(id).await?, "deleted"),
            (false, Some(on)) => (
                db.set_alert_rule_enabled(id, on).await?,
                if on { "turned on" } else { "turned off" },
            ),
            (false, None) => return Err(AppError::validation("enabled", "is missing")),
        };
        if !changed {
            return Err(AppError::NotFound {
                what: format!("alert rule {id}"),
            });
        }
        db.audit(
            &admin.name,
            "alert_rule.change",
            &format!("rule {id} {what}"),
            crate::storage::to_micros(Utc::now()),
        )
        .await?;
        Ok(())
    }

    /// Adds a webhook, checked; returns its id. The secret is never shown again.
    pub async fn create_webhook(
        db: &Db,
        admin: &SignedIn,
        url: &str,
        secret: &str,
    ) -> Result<i64, AppError> {
        let (url, secret) = check_webhook(url, secret).map_err(invalid)?;
        let now = Utc::now();
        let id = db.insert_webhook(&url, &secret, &admin.name, now).await?;
        db.audit(
            &admin.name,
            "webhook.create",
            &format!("webhook {id}: {url}"),
            crate::storage::to_micros(now),
        )
        .await?;
        Ok(id)
    }

    pub async fn delete_webhook(db: &Db, admin: &SignedIn, id: i64) -> Result<(), AppError> {
        if !db.delete_webhook(id).await? {
            return Err(AppError::NotFound {
                what: format!("webhook {id}"),
            });
        }
        db.audit(
            &admin.name,
            "webhook.delete",
            &format!("webhook {id}"),
            crate::storage::to_micros(Utc::now()),
        )
        .await?;
        Ok(())
    }
}
