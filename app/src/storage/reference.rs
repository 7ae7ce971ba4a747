//! Reference data and attribute definitions: what validation checks values against.

use super::{col, Db};
use crate::{
    model::{AttributeDefinition, AttributeType, ReferenceKind},
    validate::ValidationContext,
};

/// `legal_entity_id` of reference values valid in every legal entity.
pub const ALL_LEGAL_ENTITIES: &str = "";

impl Db {
    /// Adds allowed codes of one kind (existing ones are kept).
    #[tracing::instrument(skip(self, codes), err)]
    pub async fn add_reference_values(
        &self,
        kind: ReferenceKind,
        legal_entity_id: &str,
        codes: &[(&str, &str)],
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        for (code, description) in codes {
            sqlx::query(
                "INSERT INTO reference_values (kind, legal_entity_id, code, description) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(kind.as_str())
            .bind(legal_entity_id)
            .bind(*code)
            .bind(*description)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Adds an attribute definition and returns its id.
    #[tracing::instrument(skip(self, definition), fields(name = %definition.name), err)]
    pub async fn insert_attribute_definition(
        &self,
        definition: &AttributeDefinition,
    ) -> Result<i64, sqlx::Error> {
        let attribute_type = serde_json::to_string(&definition.attribute_type)
            .map_err(|e| sqlx::Error::Encode(e.into()))?;
        let row = sqlx::query(
            "INSERT INTO attribute_definitions (legal_entity_id, name, label_en, label_nb, \
             group_name, group_name_nb, attribute_type, default_value) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
        )
        .bind(&definition.legal_entity_id)
        .bind(&definition.name)
        .bind(&definition.label_en)
        .bind(&definition.label_nb)
        .bind(&definition.group_name)
        .bind(definition.group_name_nb.as_deref())
        .bind(attribute_type)
        .bind(definition.default_value.as_deref())
        .fetch_one(self.pool())
        .await?;
        col(&row, "id")
    }

    /// The attribute definitions of a legal entity, by group and name.
    #[tracing::instrument(skip(self), err)]
    pub async fn attribute_definitions(
        &self,
        legal_entity_id: &str,
    ) -> Result<Vec<AttributeDefinition>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT * FROM attribute_definitions WHERE legal_entity_id = $1 \
             ORDER BY group_name, name",
        )
        .bind(legal_entity_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(definition_from_row).collect()
    }

    /// The attribute definitions of every legal entity, by group and name.
    #[tracing::instrument(skip(self), err)]
    pub async fn every_attribute_definition(
        &self,
    ) -> Result<Vec<AttributeDefinition>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT * FROM attribute_definitions ORDER BY group_name, name, legal_entity_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(definition_from_row).collect()
    }

    /// Everything validation needs for operations of `legal_entity_id`.
    #[tracing::instrument(skip(self), err)]
    pub async fn validation_context(
        &self,
        legal_entity_id: &str,
    ) -> Result<ValidationContext, sqlx::Error> {
        let mut ctx = ValidationContext {
            attributes: self.attribute_definitions(legal_entity_id).await?,
            ..ValidationContext::default()
        };
        let rows = sqlx::query(
            "SELECT kind, code FROM reference_values WHERE legal_entity_id IN ($1, $2)",
        )
        .bind(legal_entity_id)
        .bind(ALL_LEGAL_ENTITIES)
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            let kind: String = col(row, "kind")?;
            let code: String = col(row, "code")?;
            ctx.references.entry(kind).or_default().insert(code);
        }
        Ok(ctx)
    }
}

fn definition_from_row(row: &sqlx::any::AnyRow) -> Result<AttributeDefinition, sqlx::Error> {
    let attribute_type: String = col(row, "attribute_type")?;
    Ok(AttributeDefinition {
        id: col(row, "id")?,
        legal_entity_id: col(row, "legal_entity_id")?,
        name: col(row, "name")?,
        label_en: col(row, "label_en")?,
        label_nb: col(row, "label_nb")?,
        group_name: col(row, "group_name")?,
        group_name_nb: col(row, "group_name_nb")?,
        attribute_type: serde_json::from_str::<AttributeType>(&attribute_type)
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
        default_value: col(row, "default_value")?,
    })
}
