//! The customer master: customers, their addresses and attribute values, and the number
//! sequences that give them real accounts.

use std::collections::BTreeMap;

use sqlx::{any::AnyRow, AnyConnection};

use super::{bulk::Table, col, Db};
use crate::model::CustomerField;

/// Columns of `customers` a bulk load fills, in this order.
pub const CUSTOMERS: Table = Table {
    name: "customers",
    columns: &[
        "account",
        "legal_entity_id",
        "async_account",
        "origin_channel_id",
        "name",
        "first_name",
        "middle_name",
        "last_name",
        "party_type",
        "organization_id",
        "vat_number",
        "customer_group",
        "currency",
        "language",
        "price_group",
        "tax_group",
        "credit_limit",
        "blocked",
        "invoice_account",
        "receipt_option",
        "receipt_email",
        "phone",
        "phone_extension",
        "cellular_phone",
        "email",
        "url",
        "created_at",
        "updated_at",
        "version",
    ],
    explicit_id: false,
};

/// Columns of `customer_addresses` a bulk load fills.
pub const CUSTOMER_ADDRESSES: Table = Table {
    name: "customer_addresses",
    columns: &[
        "customer_account",
        "name",
        "street",
        "street_number",
        "city",
        "county",
        "state",
        "zip",
        "country",
        "district",
        "purpose",
        "is_primary",
    ],
    explicit_id: false,
};

/// Columns of `customer_attribute_values` a bulk load fills.
pub const CUSTOMER_ATTRIBUTE_VALUES: Table = Table {
    name: "customer_attribute_values",
    columns: &["customer_account", "attribute_name", "value"],
    explicit_id: false,
};

/// A legal entity's account number sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberSequence {
    pub legal_entity_id: String,
    pub prefix: String,
    pub next_value: i64,
    pub max_value: i64,
    pub width: i64,
}

impl NumberSequence {
    /// The account number for `value`, e.g. `C-000123`.
    pub fn format(&self, value: i64) -> String {
        format!(
            "{}{:0width$}",
            self.prefix,
            value,
            width = self.width as usize
        )
    }
}

impl Db {
    /// Creates a legal entity's number sequence if it has none.
    #[tracing::instrument(skip(self), err)]
    pub async fn ensure_number_sequence(
        &self,
        sequence: &NumberSequence,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO number_sequences (legal_entity_id, prefix, next_value, max_value, width) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (legal_entity_id) DO NOTHING",
        )
        .bind(&sequence.legal_entity_id)
        .bind(&sequence.prefix)
        .bind(sequence.next_value)
        .bind(sequence.max_value)
        .bind(sequence.width)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The current state of a legal entity's number sequence.
    #[tracing::instrument(skip(self), err)]
    pub async fn number_sequence(
        &self,
        legal_entity_id: &str,
    ) -> Result<Option<NumberSequence>, sqlx::Error> {
        let row = sqlx::query("SELECT * FROM number_sequences WHERE legal_entity_id = $1")
            .bind(legal_entity_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(NumberSequence {
                legal_entity_id: col(&row, "legal_entity_id")?,
                prefix: col(&row, "prefix")?,
                next_value: col(&row, "next_value")?,
                max_value: col(&row, "max_value")?,
                width: col(&row, "width")?,
            })
        })
        .transpose()
    }

    /// Sets where a number sequence continues (after a bulk load numbered customers itself).
    #[tracing::instrument(skip(self), err)]
    pub async fn advance_number_sequence(
        &self,
        legal_entity_id: &str,
        next_value: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE number_sequences SET next_value = $2 \
             WHERE legal_entity_id = $1 AND next_value < $2",
        )
        .bind(legal_entity_id)
        .bind(next_value)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many customers the customer master holds.
    pub async fn count_customers(&self) -> Result<i64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM customers")
            .fetch_one(self.pool())
            .await?;
        col(&row, "n")
    }
}

/// A customer as HQ holds it, by field key: what the 1010 feed sends and what the detail's
/// attributes grid shows beside the operation's values.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerValues {
    /// Standard fields and the primary address ([`CustomerField`] keys); empty ones left out.
    pub fields: BTreeMap<String, String>,
    /// Attribute values by definition name.
    pub attributes: BTreeMap<String, String>,
}

impl CustomerValues {
    /// The value of a field key (`attr:<name>` for an attribute).
    pub fn get(&self, key: &str) -> Option<&String> {
        match key.strip_prefix(crate::model::field::ATTRIBUTE_PREFIX) {
            Some(name) => self.attributes.get(name),
            None => self.fields.get(key),
        }
    }
}

/// The values of `customer` (a whole `customers` row), its primary address and attributes.
pub(crate) async fn customer_values(
    conn: &mut AnyConnection,
    customer: &AnyRow,
) -> Result<CustomerValues, sqlx::Error> {
    let account: String = col(customer, "account")?;
    let mut fields = BTreeMap::new();
    for field in CustomerField::ALL.iter().filter(|f| !f.is_address()) {
        let value = match field.key() {
            "blocked" => Some((col::<i64>(customer, "blocked")? != 0).to_string()),
            key => col::<Option<String>>(customer, key)?,
        };
        if let Some(value) = value {
            fields.insert(field.key().to_owned(), value);
        }
    }
    let address = sqlx::query(
        "SELECT * FROM customer_addresses WHERE customer_account = $1 \
         ORDER BY is_primary DESC, id LIMIT 1",
    )
    .bind(&account)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(address) = address {
        for field in CustomerField::ALL.iter().filter(|f| f.is_address()) {
            let column = crate::model::changes::address_column(*field);
            let value = match column {
                "is_primary" => Some((col::<i64>(&address, column)? != 0).to_string()),
                _ => col::<Option<String>>(&address, column)?,
            };
            if let Some(value) = value {
                fields.insert(field.key().to_owned(), value);
            }
        }
    }
    let rows = sqlx::query(
        "SELECT attribute_name, value FROM customer_attribute_values WHERE customer_account = $1",
    )
    .bind(&account)
    .fetch_all(&mut *conn)
    .await?;
    let mut attributes = BTreeMap::new();
    for row in &rows {
        attributes.insert(col(row, "attribute_name")?, col(row, "value")?);
    }
    Ok(CustomerValues { fields, attributes })
}
