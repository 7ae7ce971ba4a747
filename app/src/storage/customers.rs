//! The customer master: customers, their addresses and attribute values, and the number
//! sequences that give them real accounts.

use super::{bulk::Table, col, Db};

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
