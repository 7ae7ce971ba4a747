//! The customers' normalized match keys (`customer_match_keys`), which the Synchronize job looks
//! a create up by: written for every customer it creates or updates, dropped with an erasure,
//! and written once for customers from before the keys existed (`keyed_at` NULL).

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::{col, json_param, json_rows, json_text, json_texts, Backend, Db};
use crate::{
    duplicates::keys::{keys_of, MatchKey, PersonValues, PERSON_FIELDS},
    model::duplicate::MatchRule,
};

/// Customers keyed per transaction when keying those not keyed yet.
const KEYING_BATCH: i64 = 2_000;

/// Every `(rule, key, account)` of a legal entity's customers holding one of `keys`.
pub(crate) async fn customers_matching(
    conn: &mut AnyConnection,
    backend: Backend,
    legal_entity_id: &str,
    keys: &[MatchKey],
) -> Result<Vec<(MatchRule, String, String)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(&str, &str)> = keys.iter().map(|(r, k)| (r.as_str(), k.as_str())).collect();
    // One primary-key lookup per key: `CROSS JOIN` keeps SQLite's planner from walking every
    // key of the legal entity and scanning the list for each (1 s a create at 9,000 keys).
    let sql = format!(
        "SELECT k.rule, k.match_key, k.customer_account \
         FROM (SELECT {} AS rule, {} AS match_key FROM {}) AS v \
         CROSS JOIN customer_match_keys k WHERE k.legal_entity_id = $2 AND k.rule = v.rule \
         AND k.match_key = v.match_key",
        json_text(0),
        json_text(1),
        json_rows(backend, 1)
    );
    let found = sqlx::query(&sql)
        .bind(json_param(&rows)?)
        .bind(legal_entity_id)
        .fetch_all(&mut *conn)
        .await?;
    found
        .iter()
        .map(|row| {
            let rule: String = col(row, "rule")?;
            let rule = MatchRule::parse(&rule)
                .ok_or_else(|| super::operations::decode_error("rule", &rule))?;
            Ok((rule, col(row, "match_key")?, col(row, "customer_account")?))
        })
        .collect()
}

/// Writes the match keys of these customers as they are now (an erased customer has none) and
/// marks them keyed.
pub(crate) async fn key_customers(
    conn: &mut AnyConnection,
    backend: Backend,
    accounts: &[&str],
    now_micros: i64,
) -> Result<(), sqlx::Error> {
    if accounts.is_empty() {
        return Ok(());
    }
    let accounts_json = json_param(accounts)?;
    // A customer's primary address (the first one, when none is marked), and the country its
    // channel reads phone numbers in.
    let sql = format!(
        "SELECT c.account, c.legal_entity_id, c.name, c.first_name, c.middle_name, c.last_name, \
         c.email, c.phone, c.cellular_phone, a.street, a.street_number, a.zip, \
         COALESCE(ch.country, a.country) AS country \
         FROM customers c \
         LEFT JOIN channels ch ON ch.id = c.origin_channel_id \
         LEFT JOIN customer_addresses a ON a.id = (SELECT id FROM customer_addresses \
             WHERE customer_account = c.account ORDER BY is_primary DESC, id LIMIT 1) \
         WHERE c.account IN ({}) AND c.erased_at IS NULL",
        json_texts(backend, 1)
    );
    let customers = sqlx::query(&sql)
        .bind(&accounts_json)
        .fetch_all(&mut *conn)
        .await?;
    let mut rows: Vec<(String, &'static str, String, String)> = Vec::new();
    for customer in &customers {
        let mut fields = BTreeMap::new();
        for key in PERSON_FIELDS {
            if let Some(value) = col::<Option<String>>(customer, key)? {
                fields.insert((*key).to_owned(), value);
            }
        }
        let country: Option<String> = col(customer, "country")?;
        let account: String = col(customer, "account")?;
        let entity: String = col(customer, "legal_entity_id")?;
        for (rule, key) in keys_of(&PersonValues::from_fields(&fields, country.as_deref())) {
            rows.push((entity.clone(), rule.as_str(), key, account.clone()));
        }
    }
    let sql = format!(
        "DELETE FROM customer_match_keys WHERE customer_account IN ({})",
        json_texts(backend, 1)
    );
    sqlx::query(&sql)
        .bind(&accounts_json)
        .execute(&mut *conn)
        .await?;
    if !rows.is_empty() {
        let sql = format!(
            "INSERT INTO customer_match_keys (legal_entity_id, rule, match_key, customer_account) \
             SELECT {}, {}, {}, {} FROM {} WHERE true ON CONFLICT DO NOTHING",
            json_text(0),
            json_text(1),
            json_text(2),
            json_text(3),
            json_rows(backend, 1)
        );
        sqlx::query(&sql)
            .bind(json_param(&rows)?)
            .execute(&mut *conn)
            .await?;
    }
    let sql = format!(
        "UPDATE customers SET keyed_at = $1 WHERE account IN ({})",
        json_texts(backend, 2)
    );
    sqlx::query(&sql)
        .bind(now_micros)
        .bind(&accounts_json)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Db {
    /// Keys up to [`KEYING_BATCH`] customers not keyed yet, in one transaction (on PostgreSQL,
    /// others than those another instance is keying). Returns how many.
    #[tracing::instrument(skip(self), err)]
    pub async fn key_some_customers(&self, now_micros: i64) -> Result<usize, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(&format!(
            "SELECT account FROM customers WHERE keyed_at IS NULL LIMIT $1{}",
            self.skip_locked()
        ))
        .bind(KEYING_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let accounts: Vec<String> = rows
            .iter()
            .map(|row| col(row, "account"))
            .collect::<Result<_, _>>()?;
        let accounts: Vec<&str> = accounts.iter().map(String::as_str).collect();
        key_customers(&mut tx, self.backend(), &accounts, now_micros).await?;
        tx.commit().await?;
        Ok(accounts.len())
    }

    /// Keys every customer not keyed yet (after an upgrade, or a bulk load), a batch at a
    /// time so channels and people are not held up. Returns how many.
    pub async fn key_all_customers(&self) -> Result<usize, sqlx::Error> {
        let mut keyed = 0;
        loop {
            let now = super::to_micros(chrono::Utc::now());
            match self.key_some_customers(now).await? {
                0 => return Ok(keyed),
                n => keyed += n,
            }
        }
    }

    /// Every `(rule, key, account)` of a legal entity's customers holding one of `keys`: what
    /// the Synchronize job asks of each create, on a connection of its own (for benchmarks).
    pub async fn customers_matching(
        &self,
        legal_entity_id: &str,
        keys: &[MatchKey],
    ) -> Result<Vec<(MatchRule, String, String)>, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        customers_matching(&mut conn, self.backend(), legal_entity_id, keys).await
    }

    /// How many customers wait to be keyed.
    pub async fn customers_to_key(&self) -> Result<i64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM customers WHERE keyed_at IS NULL")
            .fetch_one(self.pool())
            .await?;
        col(&row, "n")
    }
}
