//! Turns the simulation into bulk rows.

use std::collections::BTreeMap;

use app::{
    model::{filter::value_key, AttributeDefinition, Channel, LegalEntity},
    storage::{
        bulk::{BulkLoader, Table, Value},
        operations::{OPERATIONS, OPERATION_FIELDS},
        to_micros,
    },
};

use super::{catalog::ReferenceSet, history::SimOperation};

const LEGAL_ENTITIES: Table = Table {
    name: "legal_entities",
    columns: &["id", "name", "currency"],
    explicit_id: false,
};
const CHANNELS: Table = Table {
    name: "channels",
    columns: &[
        "id",
        "code",
        "name",
        "kind",
        "legal_entity_id",
        "country",
        "default_customer_group",
        "default_currency",
        "default_language",
        "default_receipt_option",
        "created_at",
    ],
    explicit_id: true,
};
const REFERENCE_VALUES: Table = Table {
    name: "reference_values",
    columns: &["kind", "legal_entity_id", "code", "description"],
    explicit_id: false,
};
const ATTRIBUTE_DEFINITIONS: Table = Table {
    name: "attribute_definitions",
    columns: &[
        "id",
        "legal_entity_id",
        "name",
        "label_en",
        "label_nb",
        "group_name",
        "group_name_nb",
        "attribute_type",
        "default_value",
    ],
    explicit_id: true,
};
const NUMBER_SEQUENCES: Table = Table {
    name: "number_sequences",
    columns: &[
        "legal_entity_id",
        "prefix",
        "next_value",
        "max_value",
        "width",
    ],
    explicit_id: false,
};

/// Legal entities, channels, reference data and attribute definitions.
pub async fn catalog(
    loader: &mut BulkLoader,
    entities: &[LegalEntity],
    channels: &[(Channel, u32)],
    references: &[ReferenceSet],
    definitions: &[AttributeDefinition],
) -> anyhow::Result<()> {
    let now = to_micros(chrono::Utc::now());
    let rows: Vec<Vec<Value>> = entities
        .iter()
        .map(|e| {
            vec![
                e.id.as_str().into(),
                e.name.as_str().into(),
                e.currency.as_str().into(),
            ]
        })
        .collect();
    loader.insert(LEGAL_ENTITIES, &rows).await?;
    let rows: Vec<Vec<Value>> = channels
        .iter()
        .map(|(c, _)| {
            vec![
                c.id.into(),
                c.code.as_str().into(),
                c.name.as_str().into(),
                c.kind.as_str().into(),
                c.legal_entity_id.as_str().into(),
                c.country.as_str().into(),
                c.default_customer_group.as_str().into(),
                c.default_currency.as_str().into(),
                c.default_language.as_str().into(),
                c.default_receipt_option.as_str().into(),
                now.into(),
            ]
        })
        .collect();
    loader.insert(CHANNELS, &rows).await?;
    let rows: Vec<Vec<Value>> = references
        .iter()
        .flat_map(|(kind, scope, codes)| {
            codes.iter().map(move |(code, description)| {
                vec![
                    kind.as_str().into(),
                    (*scope).into(),
                    (*code).into(),
                    (*description).into(),
                ]
            })
        })
        .collect();
    loader.insert(REFERENCE_VALUES, &rows).await?;
    let mut rows: Vec<Vec<Value>> = Vec::new();
    for d in definitions {
        rows.push(vec![
            d.id.into(),
            d.legal_entity_id.as_str().into(),
            d.name.as_str().into(),
            d.label_en.as_str().into(),
            d.label_nb.as_str().into(),
            d.group_name.as_str().into(),
            d.group_name_nb.clone().into(),
            serde_json::to_string(&d.attribute_type)?.into(),
            d.default_value.clone().into(),
        ]);
    }
    loader.insert(ATTRIBUTE_DEFINITIONS, &rows).await?;
    Ok(())
}

/// A batch of operations and their fields.
pub async fn operations(loader: &mut BulkLoader, batch: &[SimOperation]) -> anyhow::Result<()> {
    let mut rows = Vec::with_capacity(batch.len());
    let mut field_rows = Vec::with_capacity(batch.len() * 20);
    for op in batch {
        let (code, field, message, reason) = match &op.error {
            Some(e) => (
                Value::from(e.code.as_str()),
                Value::from(Some(e.field.as_str()).filter(|f| !f.is_empty())),
                Value::from(e.message.as_str()),
                Value::from(
                    e.reason
                        .as_ref()
                        .and_then(|r| serde_json::to_string(r).ok()),
                ),
            ),
            None => (Value::Null, Value::Null, Value::Null, Value::Null),
        };
        rows.push(vec![
            op.id.into(),
            op.channel_id.into(),
            op.channel_operation_id.as_str().into(),
            op.async_account.as_str().into(),
            op.customer_account.clone().into(),
            op.legal_entity_id.as_str().into(),
            op.kind.as_str().into(),
            op.status.as_str().into(),
            op.operation_at.into(),
            op.received_at.into(),
            op.updated_at.into(),
            op.upload_session_id.into(),
            op.retry_count.into(),
            op.next_retry_at.into(),
            code,
            field,
            message,
            reason,
        ]);
        for f in &op.fields {
            field_rows.push(vec![
                op.id.into(),
                f.field.as_str().into(),
                f.old_value.clone().into(),
                f.new_value.clone().into(),
                op.operation_at.into(),
                f.new_value.as_deref().map(value_key).into(),
            ]);
        }
    }
    loader.insert(OPERATIONS, &rows).await?;
    loader.insert(OPERATION_FIELDS, &field_rows).await?;
    Ok(())
}

/// Each legal entity's number sequence, continuing after the accounts the demo used.
pub async fn number_sequences(
    loader: &mut BulkLoader,
    sequences: &BTreeMap<String, (String, i64)>,
) -> anyhow::Result<()> {
    let rows: Vec<Vec<Value>> = sequences
        .iter()
        .map(|(entity, (prefix, next))| {
            vec![
                entity.as_str().into(),
                prefix.as_str().into(),
                (*next).into(),
                9_999_999_i64.into(),
                7_i64.into(),
            ]
        })
        .collect();
    loader.insert(NUMBER_SEQUENCES, &rows).await?;
    Ok(())
}
