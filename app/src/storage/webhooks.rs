//! Alert webhooks in the database (migration 0019): the webhooks, and the calls to make — an
//! outbox that `super::alerts` writes in the transaction that opens or resolves an episode
//! and the server's courier leases, makes and settles (`server/src/alerts.rs`).

use chrono::{DateTime, Utc};

use super::{col, from_micros, to_micros, Db};
use crate::model::alert::{DeliveryState, WebhookSummary};

/// A webhook call to make now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

impl Db {
    /// Every webhook with how its latest call went, oldest first.
    #[tracing::instrument(skip(self), err)]
    pub async fn webhooks(&self) -> Result<Vec<WebhookSummary>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT w.id, w.url, w.created_by, w.created_at, d.attempts, d.delivered_at, \
             d.given_up_at, d.last_error, d.next_attempt_at \
             FROM webhooks w LEFT JOIN webhook_deliveries d ON d.id = \
             (SELECT MAX(x.id) FROM webhook_deliveries x WHERE x.webhook_id = w.id \
              AND x.attempts > 0) \
             ORDER BY w.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let attempts: Option<i64> = col(row, "attempts")?;
                let delivered: Option<i64> = col(row, "delivered_at")?;
                let given_up: Option<i64> = col(row, "given_up_at")?;
                let error: Option<String> = col(row, "last_error")?;
                let next: Option<i64> = col(row, "next_attempt_at")?;
                let last_delivery = attempts.map(|attempts| match (delivered, given_up) {
                    (Some(at), _) => DeliveryState::Delivered {
                        at: from_micros(at),
                    },
                    (None, Some(at)) => DeliveryState::GivenUp {
                        attempts,
                        error: error.clone().unwrap_or_default(),
                        at: from_micros(at),
                    },
                    (None, None) => DeliveryState::Retrying {
                        attempts,
                        error: error.clone().unwrap_or_default(),
                        next_at: from_micros(next.unwrap_or_default()),
                    },
                });
                Ok(WebhookSummary {
                    id: col(row, "id")?,
                    url: col(row, "url")?,
                    created_by: col(row, "created_by")?,
                    created_at: from_micros(col(row, "created_at")?),
                    last_delivery,
                })
            })
            .collect()
    }

    /// Stores a webhook (checked by `check_webhook`); returns its id.
    #[tracing::instrument(skip(self, secret), err)]
    pub async fn insert_webhook(
        &self,
        url: &str,
        secret: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (url, secret, created_by, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(url)
        .bind(secret)
        .bind(by)
        .bind(to_micros(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes a webhook and its calls; false if there is none.
    #[tracing::instrument(skip(self), err)]
    pub async fn delete_webhook(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_with(
            &[
                "DELETE FROM webhook_deliveries WHERE webhook_id = $1",
                "DELETE FROM webhooks WHERE id = $1",
            ],
            id,
        )
        .await
    }

    /// Takes up to `limit` webhook calls that are due and that nobody holds, for `owner`, until
    /// `until` (a call whose instance stopped mid-way is taken again after that); an episode's
    /// calls to one webhook in the order they were written. On PostgreSQL two instances asking
    /// at once never get the same call.
    #[tracing::instrument(skip(self), err)]
    pub async fn lease_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        // In order per webhook and episode: "resolved" waits until "fired" is delivered (or
        // given up), so a receiver never hears an alert end before it began.
        let due = "d.delivered_at IS NULL AND d.given_up_at IS NULL AND d.next_attempt_at <= $1 \
                   AND (d.lease_until IS NULL OR d.lease_until < $1) \
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e \
                   WHERE e.webhook_id = d.webhook_id AND e.episode_id = d.episode_id \
                   AND e.id < d.id AND e.delivered_at IS NULL AND e.given_up_at IS NULL)";
        // Asked every second by every instance: take SQLite's one writer only when there is
        // a call to make.
        let waiting = sqlx::query(&format!(
            "SELECT d.id FROM webhook_deliveries d WHERE {due} LIMIT 1"
        ))
        .bind(to_micros(now))
        .fetch_optional(self.pool())
        .await?;
        if waiting.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT d.id FROM webhook_deliveries d WHERE {due} ORDER BY d.id LIMIT $2{}",
            self.skip_locked()
        ))
        .bind(to_micros(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut taken = Vec::new();
        for id in ids {
            let row = sqlx::query(&format!(
                "UPDATE webhook_deliveries SET lease_owner = $2, lease_until = $3 \
                 WHERE id = $4 AND id IN (SELECT d.id FROM webhook_deliveries d WHERE {due}) \
                 RETURNING id, webhook_id, event, body, attempts"
            ))
            .bind(to_micros(now))
            .bind(owner)
            .bind(to_micros(until))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            let hook = sqlx::query("SELECT url, secret FROM webhooks WHERE id = $1")
                .bind(col::<i64>(&row, "webhook_id")?)
                .fetch_one(&mut *tx)
                .await?;
            taken.push(Delivery {
                id: col(&row, "id")?,
                url: col(&hook, "url")?,
                secret: col(&hook, "secret")?,
                event: col(&row, "event")?,
                body: col(&row, "body")?,
                attempts: col(&row, "attempts")?,
            });
        }
        tx.commit().await?;
        Ok(taken)
    }

    /// Notes how a webhook call went: delivered, or failed with `error` and tried again at
    /// `retry_at` (or given up, without one).
    #[tracing::instrument(skip(self), err)]
    pub async fn settle_delivery(
        &self,
        id: i64,
        now: DateTime<Utc>,
        outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
    ) -> Result<(), sqlx::Error> {
        let statement = match outcome {
            Ok(()) => sqlx::query(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = $2, \
                 last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(to_micros(now)),
            Err((error, retry_at)) => sqlx::query(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $3, \
                 next_attempt_at = COALESCE($4, next_attempt_at), \
                 given_up_at = CASE WHEN $4 IS NULL THEN $2 ELSE NULL END, \
                 lease_owner = NULL, lease_until = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(to_micros(now))
            .bind(error.to_owned())
            .bind(retry_at.map(to_micros)),
        };
        self.write_one(statement).await.map(drop)
    }
}
