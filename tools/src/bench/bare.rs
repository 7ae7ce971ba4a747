//! The bare loop of `bench-sync`: the Synchronize job's claims, reads and writes in plain sqlx —
//! the same set-based statements (one per table per batch, the batch bound as one JSON
//! parameter), without validation, model types, defaults or decisions. Every create succeeds.
//! It is what the database alone costs, the yardstick of the job's overhead.

use std::collections::{BTreeMap, HashMap, HashSet};

use app::storage::{
    json_group, json_int, json_param, json_rows, json_text, json_texts, placeholders, to_micros,
    Backend, Db,
};
use sqlx::Row;

use app::jobs::synchronize::BATCH;

/// Standard fields the bare loop copies into `customers`.
const CUSTOMER_FIELDS: &[&str] = &[
    "name",
    "first_name",
    "last_name",
    "party_type",
    "customer_group",
    "currency",
    "language",
    "receipt_option",
    "email",
    "cellular_phone",
];
/// Fields it copies into the primary address.
const ADDRESS_FIELDS: &[&str] = &["street", "city", "zip", "country"];

/// One claimed operation: id, legal entity, async account, and its new values by field.
struct Claimed {
    id: i64,
    channel_id: i64,
    entity: String,
    async_account: String,
    values: HashMap<String, Option<String>>,
}

/// Runs batches until `n` operations are settled.
pub async fn bare_loop(db: &Db, n: i64) -> anyhow::Result<()> {
    let backend = db.backend();
    let p = |i: usize| placeholders(backend, i, 1);
    let lock = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    let claim_sql = format!(
        "SELECT o.id, o.channel_id, o.legal_entity_id, o.async_account, (SELECT {} \
         FROM operation_fields f WHERE f.operation_id = o.id) AS fields FROM operations o \
         WHERE o.status = 'pending' AND (o.next_retry_at IS NULL OR o.next_retry_at <= {}) \
         ORDER BY o.operation_at, o.id LIMIT {}{lock}",
        json_group(backend, &["f.field", "f.new_value"]),
        p(1),
        p(2)
    );
    let mut done = 0;
    while done < n {
        let now = to_micros(chrono::Utc::now());
        let mut tx = db.begin_write().await?;
        let rows = sqlx::query(&claim_sql)
            .bind(now)
            .bind(BATCH.min(n - done))
            .fetch_all(&mut *tx)
            .await?;
        if rows.is_empty() {
            break;
        }
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let fields: Option<String> = row.try_get("fields")?;
            let pairs: Vec<(String, Option<String>)> =
                serde_json::from_str(fields.as_deref().unwrap_or("[]"))?;
            claimed.push(Claimed {
                id: row.try_get("id")?,
                channel_id: row.try_get("channel_id")?,
                entity: row.try_get("legal_entity_id")?,
                async_account: row.try_get("async_account")?,
                values: pairs.into_iter().collect(),
            });
        }

        // The reads the job makes: existing customers of these async accounts, email owners.
        let asyncs: Vec<&str> = claimed.iter().map(|c| c.async_account.as_str()).collect();
        sqlx::query(&format!(
            "SELECT async_account, account FROM customers WHERE async_account IN ({})",
            json_texts(backend, 1)
        ))
        .bind(json_param(&asyncs)?)
        .fetch_all(&mut *tx)
        .await?;
        let mut by_entity: BTreeMap<&str, Vec<&Claimed>> = BTreeMap::new();
        for c in &claimed {
            by_entity.entry(c.entity.as_str()).or_default().push(c);
        }
        let mut accounts: HashMap<i64, String> = HashMap::new();
        let mut duplicate_emails: HashSet<i64> = HashSet::new();
        for (entity, ops) in &by_entity {
            let emails: Vec<&str> = ops
                .iter()
                .filter_map(|c| c.values.get("email").and_then(|v| v.as_deref()))
                .collect();
            let owned = sqlx::query(&format!(
                "SELECT email, account FROM customers WHERE legal_entity_id = {} AND email <> '' \
                 AND email IN ({})",
                p(1),
                json_texts(backend, 2)
            ))
            .bind(*entity)
            .bind(json_param(&emails)?)
            .fetch_all(&mut *tx)
            .await?;
            // An email another customer has (or an earlier one of the batch) is left out, as
            // the unique index requires; the job fails such an operation instead.
            let mut taken: HashSet<String> = owned
                .iter()
                .map(|row| row.try_get::<String, _>("email"))
                .collect::<Result<_, _>>()?;
            for c in ops {
                if let Some(email) = c.values.get("email").and_then(|v| v.as_deref()) {
                    if !taken.insert(email.to_owned()) {
                        duplicate_emails.insert(c.id);
                    }
                }
            }
            for (c, account) in ops
                .iter()
                .zip(take_numbers(db, &mut tx, entity, ops.len()).await?)
            {
                accounts.insert(c.id, account);
            }
        }

        let value = |c: &Claimed, field: &str| c.values.get(field).cloned().flatten();
        let customers: Vec<Vec<serde_json::Value>> = claimed
            .iter()
            .map(|c| {
                let mut row = vec![
                    accounts[&c.id].clone().into(),
                    c.entity.clone().into(),
                    c.async_account.clone().into(),
                    c.channel_id.into(),
                ];
                row.extend(CUSTOMER_FIELDS.iter().map(|f| match *f {
                    "email" if duplicate_emails.contains(&c.id) => serde_json::Value::Null,
                    _ => value(c, f).into(),
                }));
                row
            })
            .collect();
        let reads: Vec<String> = (0..CUSTOMER_FIELDS.len())
            .map(|i| json_text(4 + i))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO customers (account, legal_entity_id, async_account, origin_channel_id, \
             created_at, updated_at, {}) SELECT {}, {}, {}, {}, {now}, {now}, {} FROM {}",
            CUSTOMER_FIELDS.join(", "),
            json_text(0),
            json_text(1),
            json_text(2),
            json_int(3),
            reads.join(", "),
            json_rows(backend, 1),
            now = p(2)
        ))
        .bind(json_param(&customers)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;

        let addresses: Vec<Vec<Option<String>>> = claimed
            .iter()
            .map(|c| {
                let mut row = vec![Some(accounts[&c.id].clone())];
                row.extend(ADDRESS_FIELDS.iter().map(|f| value(c, f)));
                row
            })
            .collect();
        let reads: Vec<String> = (0..=ADDRESS_FIELDS.len()).map(json_text).collect();
        sqlx::query(&format!(
            "INSERT INTO customer_addresses (customer_account, {}, is_primary) SELECT {}, 1 FROM {}",
            ADDRESS_FIELDS.join(", "),
            reads.join(", "),
            json_rows(backend, 1)
        ))
        .bind(json_param(&addresses)?)
        .execute(&mut *tx)
        .await?;

        let attributes: Vec<(&str, &str, Option<&str>)> = claimed
            .iter()
            .flat_map(|c| {
                let account = accounts[&c.id].as_str();
                c.values.iter().filter_map(move |(field, v)| {
                    Some((account, field.strip_prefix("attr:")?, v.as_deref()))
                })
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO customer_attribute_values (customer_account, attribute_name, value) \
             SELECT {}, {}, {} FROM {}",
            json_text(0),
            json_text(1),
            json_text(2),
            json_rows(backend, 1)
        ))
        .bind(json_param(&attributes)?)
        .execute(&mut *tx)
        .await?;

        let changes: Vec<(&str, &str)> = claimed
            .iter()
            .map(|c| (accounts[&c.id].as_str(), c.entity.as_str()))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO customer_changes (customer_account, legal_entity_id, change, changed_at) \
             SELECT {}, {}, 'created', {} FROM {}",
            json_text(0),
            json_text(1),
            p(2),
            json_rows(backend, 1)
        ))
        .bind(json_param(&changes)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;

        let settled: Vec<(i64, &str)> = claimed
            .iter()
            .map(|c| (c.id, accounts[&c.id].as_str()))
            .collect();
        sqlx::query(&format!(
            "UPDATE operations SET status = 'succeeded', customer_account = v.account, \
             updated_at = {}, version = version + 1 FROM (SELECT {} AS id, {} AS account \
             FROM {} ORDER BY 1) AS v WHERE operations.id = v.id AND operations.status = 'pending'",
            p(2),
            json_int(0),
            json_text(1),
            json_rows(backend, 1)
        ))
        .bind(json_param(&settled)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "SELECT id, async_account FROM operations WHERE status || '' = 'waiting' \
             AND async_account IN ({}) ORDER BY operation_at DESC, id DESC",
            json_texts(backend, 1)
        ))
        .bind(json_param(&asyncs)?)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        done += claimed.len() as i64;
    }
    Ok(())
}

/// Takes `n` account numbers of `entity`: inside the batch on SQLite, in a short transaction of
/// its own on PostgreSQL — as the job does.
async fn take_numbers(
    db: &Db,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    entity: &str,
    n: usize,
) -> anyhow::Result<Vec<String>> {
    let (select, update) = (
        "SELECT prefix, next_value, width FROM number_sequences WHERE legal_entity_id = ",
        "UPDATE number_sequences SET next_value = ",
    );
    let mut own = match db.backend() {
        Backend::Postgres => Some(db.begin_write().await?),
        Backend::Sqlite => None,
    };
    let conn: &mut sqlx::AnyConnection = match own.as_mut() {
        Some(own) => own,
        None => tx,
    };
    let p = |i: usize| placeholders(db.backend(), i, 1);
    let lock = if db.backend() == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let row = sqlx::query(&format!("{select}{}{lock}", p(1)))
        .bind(entity)
        .fetch_one(&mut *conn)
        .await?;
    let (prefix, next, width): (String, i64, i64) = (
        row.try_get("prefix")?,
        row.try_get("next_value")?,
        row.try_get("width")?,
    );
    sqlx::query(&format!(
        "{update}{} WHERE legal_entity_id = {}",
        p(1),
        p(2)
    ))
    .bind(next + n as i64)
    .bind(entity)
    .execute(&mut *conn)
    .await?;
    if let Some(own) = own {
        own.commit().await?;
    }
    Ok((next..next + n as i64)
        .map(|v| format!("{prefix}{v:0width$}", width = width as usize))
        .collect())
}
