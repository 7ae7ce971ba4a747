//! Everything custsync holds about one customer (GDPR article 15): which customer a lookup
//! means, then every row of every table that holds their data, each table as a list of
//! objects with all its columns, as stored.
//!
//! A customer is their real account and every temporary account (GUID) the channels gave
//! them: the customer master's, and those of their operations. An email or a phone may also
//! be in operations that never made a customer (a create refused as a duplicate, one not yet
//! synchronized): their GUIDs are the same person's and are included.

use serde_json::{Map, Value};
use sqlx::{any::AnyRow, Column, Row, ValueRef};

use super::{json_param, json_texts, Backend, Db};
use crate::model::dossier::{CustomerLookup, LookupMistake};

/// Which customer a lookup found: their account (none when only operations that never made
/// a customer hold the value) and every GUID they have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerKeys {
    pub account: Option<String>,
    pub async_accounts: Vec<String>,
}

impl CustomerKeys {
    /// How the customer is named where one name is needed (the erasure's confirmation, its
    /// audit line): their account, else their first GUID.
    pub fn who(&self) -> String {
        self.account
            .clone()
            .or_else(|| self.async_accounts.first().cloned())
            .unwrap_or_default()
    }
}

/// How much custsync holds about a customer: what an admin sees before a download or an
/// erasure.
#[derive(Debug, Clone, PartialEq)]
pub struct Holdings {
    /// The name in the customer master (none before the customer was made).
    pub name: Option<String>,
    pub operations: i64,
    /// Operations not Succeeded.
    pub unfinished: i64,
    pub erased_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Operations whose values are not erased (after an erasure: those that arrived since).
    pub not_erased: i64,
}

/// A lookup that cannot be answered: a mistake the admin reads, or the database's failure.
#[derive(Debug)]
pub enum LookupError {
    Mistake(LookupMistake),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for LookupError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// The email fields of an operation, and its phone fields.
const EMAIL_FIELDS: &str = "'email', 'receipt_email'";
const PHONE_FIELDS: &str = "'phone', 'cellular_phone'";

/// The tables of a dossier, in the order it lists them, each with the rows that are the
/// customer's: `C` stands for the customer's accounts, `G` for their GUIDs, `O` for their
/// operations (see [`Db::customer_dossier`]).
const TABLES: [(&str, &str); 12] = [
    (
        "customers",
        "SELECT t.* FROM customers t WHERE t.account IN (C) ORDER BY t.account",
    ),
    (
        "customer_addresses",
        "SELECT t.* FROM customer_addresses t WHERE t.customer_account IN (C) ORDER BY t.id",
    ),
    (
        "customer_attribute_values",
        "SELECT t.* FROM customer_attribute_values t WHERE t.customer_account IN (C) \
         ORDER BY t.attribute_name",
    ),
    (
        "customer_match_keys",
        "SELECT t.* FROM customer_match_keys t WHERE t.customer_account IN (C) \
         ORDER BY t.rule, t.match_key",
    ),
    (
        "customer_links",
        "SELECT t.* FROM customer_links t WHERE t.customer_account IN (C) \
         OR t.async_account IN (G) ORDER BY t.linked_at",
    ),
    (
        "operations",
        "SELECT t.* FROM operations t WHERE t.id IN (O) ORDER BY t.operation_at, t.id",
    ),
    (
        "operation_fields",
        "SELECT t.* FROM operation_fields t WHERE t.operation_id IN (O) \
         ORDER BY t.operation_id, t.field",
    ),
    (
        "channel_inbox",
        "SELECT t.* FROM channel_inbox t JOIN operations o ON o.channel_id = t.channel_id \
         AND o.channel_operation_id = t.channel_operation_id WHERE o.id IN (O) ORDER BY t.id",
    ),
    (
        "change_log",
        "SELECT t.* FROM change_log t WHERE t.operation_id IN (O) ORDER BY t.id",
    ),
    (
        "bulk_run_items",
        "SELECT t.* FROM bulk_run_items t WHERE t.operation_id IN (O) \
         ORDER BY t.run_id, t.operation_id",
    ),
    (
        "customer_changes",
        "SELECT t.* FROM customer_changes t WHERE t.customer_account IN (C) ORDER BY t.id",
    ),
    (
        "distribution_feed",
        "SELECT t.* FROM distribution_feed t WHERE t.customer_account IN (C) ORDER BY t.id",
    ),
];

/// Columns whose text is JSON: the dossier shows them as JSON, not as a string of it.
const JSON_COLUMNS: [&str; 2] = ["payload", "error_reason"];

impl Db {
    /// Which customer `lookup` means, or why it means none (or several).
    #[tracing::instrument(skip(self))]
    pub async fn find_customer(
        &self,
        lookup: &CustomerLookup,
    ) -> Result<CustomerKeys, LookupError> {
        let key = lookup.key();
        // (account, GUID) pairs of the customers and operations that hold the value.
        let sql = match lookup {
            CustomerLookup::Account(_) => "SELECT account AS a, NULL AS g FROM customers \
                 WHERE account = $1 UNION SELECT customer_account, NULL FROM operations \
                 WHERE customer_account = $1"
                .to_owned(),
            CustomerLookup::AsyncAccount(_) => "SELECT account AS a, async_account AS g \
                 FROM customers WHERE async_account = $1 UNION SELECT customer_account, \
                 async_account FROM operations WHERE async_account = $1"
                .to_owned(),
            CustomerLookup::Email(_) => format!(
                "SELECT account AS a, NULL AS g FROM customers WHERE LOWER(TRIM(email)) = $1 \
                 OR LOWER(TRIM(receipt_email)) = $1 UNION SELECT o.customer_account, \
                 o.async_account FROM operation_fields f JOIN operations o \
                 ON o.id = f.operation_id WHERE f.field IN ({EMAIL_FIELDS}) AND f.value_key = $1"
            ),
            CustomerLookup::Phone(_) => {
                let digits = |column: &str| {
                    ["' '", "'-'", "'('", "')'", "'.'"]
                        .iter()
                        .fold(format!("TRIM({column})"), |expr, sign| {
                            format!("REPLACE({expr}, {sign}, '')")
                        })
                };
                format!(
                    "SELECT account AS a, NULL AS g FROM customers WHERE {} = $1 OR {} = $1 \
                     UNION SELECT o.customer_account, o.async_account FROM operation_fields f \
                     JOIN operations o ON o.id = f.operation_id \
                     WHERE f.field IN ({PHONE_FIELDS}) AND {} = $1",
                    digits("phone"),
                    digits("cellular_phone"),
                    digits("f.value_key"),
                )
            }
        };
        let rows = sqlx::query(&sql).bind(&key).fetch_all(self.pool()).await?;
        let mut accounts: Vec<String> = Vec::new();
        let mut guids: Vec<String> = Vec::new();
        for row in &rows {
            let account: Option<String> = super::col(row, "a")?;
            let guid: Option<String> = super::col(row, "g")?;
            match account {
                Some(account) if !accounts.contains(&account) => accounts.push(account),
                Some(_) => {}
                None => guids.extend(guid),
            }
        }
        accounts.sort();
        let param = lookup.param();
        let account = match accounts.len() {
            0 if guids.is_empty() => {
                return Err(LookupError::Mistake(LookupMistake::NotFound { param }))
            }
            0 => None,
            1 => accounts.pop(),
            _ => {
                return Err(LookupError::Mistake(LookupMistake::SeveralCustomers {
                    param,
                    accounts,
                }))
            }
        };
        if let Some(account) = &account {
            let rows = sqlx::query(
                "SELECT async_account AS g FROM customers WHERE account = $1 \
                 UNION SELECT async_account FROM operations WHERE customer_account = $1",
            )
            .bind(account)
            .fetch_all(self.pool())
            .await?;
            for row in &rows {
                guids.push(super::col(row, "g")?);
            }
        }
        guids.sort();
        guids.dedup();
        Ok(CustomerKeys {
            account,
            async_accounts: guids,
        })
    }

    /// How much is held about `keys`' customer (see [`Holdings`]).
    pub async fn customer_holdings(&self, keys: &CustomerKeys) -> Result<Holdings, sqlx::Error> {
        let account = keys.account.clone().unwrap_or_default();
        let operations = sqlx::query(&format!(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN status <> 'succeeded' THEN 1 ELSE 0 \
             END), 0) AS unfinished, COALESCE(SUM(CASE WHEN erased_at IS NULL THEN 1 ELSE 0 \
             END), 0) AS not_erased FROM operations \
             WHERE customer_account = $1 OR async_account IN ({})",
            json_texts(self.backend(), 2)
        ))
        .bind(&account)
        .bind(json_param(&keys.async_accounts)?)
        .fetch_one(self.pool())
        .await?;
        let customer = sqlx::query("SELECT name, erased_at FROM customers WHERE account = $1")
            .bind(&account)
            .fetch_optional(self.pool())
            .await?;
        let (name, erased_at) = match &customer {
            Some(row) => (
                super::col(row, "name")?,
                super::col::<Option<i64>>(row, "erased_at")?.map(super::from_micros),
            ),
            None => (None, None),
        };
        Ok(Holdings {
            name,
            operations: super::col(&operations, "n")?,
            unfinished: super::col(&operations, "unfinished")?,
            erased_at,
            not_erased: super::col(&operations, "not_erased")?,
        })
    }

    /// Every row of every table that holds `keys`' customer's data, as a JSON object of
    /// tables (see [`TABLES`]), read in one transaction so the tables agree.
    #[tracing::instrument(skip(self), err)]
    pub async fn customer_dossier(&self, keys: &CustomerKeys) -> Result<Value, sqlx::Error> {
        let guids = json_param(&keys.async_accounts)?;
        let account = keys.account.clone().unwrap_or_default();
        let g = json_texts(self.backend(), 2);
        let c = "SELECT account FROM customers WHERE account = $1 OR async_account IN (G)";
        let o = "SELECT id FROM operations WHERE customer_account IN (C) \
                 OR async_account IN (G)";
        let mut tables = Map::new();
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        for (table, sql) in TABLES {
            let sql = sql
                .replace("(O)", &format!("({o})"))
                .replace("(C)", &format!("({c})"))
                .replace("(G)", &format!("({g})"));
            let rows = sqlx::query(&sql)
                .bind(&account)
                .bind(&guids)
                .fetch_all(&mut *tx)
                .await?;
            let rows = rows
                .iter()
                .map(row_as_json)
                .collect::<Result<Vec<_>, _>>()?;
            tables.insert(table.to_owned(), Value::Array(rows));
        }
        tx.commit().await?;
        Ok(Value::Object(tables))
    }
}

/// A row as a JSON object of its columns, each value as stored (JSON text as JSON).
fn row_as_json(row: &AnyRow) -> Result<Value, sqlx::Error> {
    use sqlx::any::AnyTypeInfoKind as Kind;
    let mut object = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let name = column.name();
        let raw = row.try_get_raw(i)?;
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().kind() {
                Kind::Bool => Value::Bool(row.try_get(i)?),
                Kind::SmallInt | Kind::Integer | Kind::BigInt => {
                    Value::from(row.try_get::<i64, _>(i)?)
                }
                Kind::Real | Kind::Double => Value::from(row.try_get::<f64, _>(i)?),
                Kind::Text if JSON_COLUMNS.contains(&name) => {
                    let text: String = row.try_get(i)?;
                    serde_json::from_str(&text).unwrap_or(Value::String(text))
                }
                Kind::Text => Value::String(row.try_get(i)?),
                Kind::Blob | Kind::Null => Value::Null,
            }
        };
        object.insert(name.to_owned(), value);
    }
    Ok(Value::Object(object))
}
