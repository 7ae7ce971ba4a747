//! Legal entities and channels.

use sqlx::any::AnyRow;

use super::{col, to_micros, Db};
use crate::model::{Channel, ChannelKind, LegalEntity};

fn channel_from_row(row: &AnyRow) -> Result<Channel, sqlx::Error> {
    let kind: String = col(row, "kind")?;
    Ok(Channel {
        id: col(row, "id")?,
        code: col(row, "code")?,
        name: col(row, "name")?,
        kind: ChannelKind::parse(&kind).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "kind".into(),
            source: format!("unknown channel kind “{kind}”").into(),
        })?,
        legal_entity_id: col(row, "legal_entity_id")?,
        country: col(row, "country")?,
        default_customer_group: col(row, "default_customer_group")?,
        default_currency: col(row, "default_currency")?,
        default_language: col(row, "default_language")?,
        default_receipt_option: col(row, "default_receipt_option")?,
    })
}

impl Db {
    /// Adds a legal entity (or leaves an existing one with the same id as it is).
    #[tracing::instrument(skip(self), err)]
    pub async fn upsert_legal_entity(&self, entity: &LegalEntity) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO legal_entities (id, name, currency) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&entity.id)
        .bind(&entity.name)
        .bind(&entity.currency)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Adds a channel and returns it with its id.
    #[tracing::instrument(skip(self, channel), fields(code = %channel.code), err)]
    pub async fn insert_channel(&self, channel: &Channel) -> Result<Channel, sqlx::Error> {
        let row = sqlx::query(
            "INSERT INTO channels (code, name, kind, legal_entity_id, country, \
             default_customer_group, default_currency, default_language, \
             default_receipt_option, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&channel.code)
        .bind(&channel.name)
        .bind(channel.kind.as_str())
        .bind(&channel.legal_entity_id)
        .bind(&channel.country)
        .bind(&channel.default_customer_group)
        .bind(&channel.default_currency)
        .bind(&channel.default_language)
        .bind(&channel.default_receipt_option)
        .bind(to_micros(chrono::Utc::now()))
        .fetch_one(self.pool())
        .await?;
        Ok(Channel {
            id: col(&row, "id")?,
            ..channel.clone()
        })
    }

    /// Every channel's id and name, by name: what the page's channel pickers offer.
    pub async fn channel_names(&self) -> Result<Vec<(i64, String)>, sqlx::Error> {
        Ok(self
            .channels()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect())
    }

    /// Every channel, by name.
    #[tracing::instrument(skip(self), err)]
    pub async fn channels(&self) -> Result<Vec<Channel>, sqlx::Error> {
        let rows = sqlx::query("SELECT * FROM channels ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(channel_from_row).collect()
    }
}
