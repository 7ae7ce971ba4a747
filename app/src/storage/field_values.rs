//! The value dictionary (`field_values`): every distinct value of every field, with how many
//! field rows carry it. It answers "which values contain this text" through a trigram index
//! (SQLite FTS5, PostgreSQL pg_trgm), and the filter bar's suggestions as a person types.
//! Writers gather their moves in the counts in [`ValueCounts`] and write them at once.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{Any, Transaction};

use super::{col, json_int, json_ints, json_param, json_rows, json_text, Backend, Db};
use crate::model::filter::value_key;

/// At most this many values of the field may contain the text for a "contains" to be led by
/// the dictionary: each is a walk of its own, merged in one statement.
pub const MAX_CONTAINING_VALUES: usize = 64;
/// Trigram hits (all fields) read at most: past this, the text is too common to be worth it.
const MAX_TRIGRAM_HITS: i64 = 1_000;
/// Values of a field read at most to pick the most frequent suggestions among them.
const SUGGESTION_WINDOW: i64 = 2_000;

/// The text of a "contains" the trigram index can look up: three characters or more, no LIKE
/// wildcard in it; `None` otherwise.
fn trigram_text(text: &str) -> Option<String> {
    let key = value_key(text);
    let plain = key.chars().all(|c| !matches!(c, '%' | '_' | '\\'));
    (key.chars().count() >= 3 && plain).then_some(key)
}

impl Db {
    /// The value keys of `field` that contain `text`, each with how many field rows carry
    /// it, when the trigram index can say so and they are few (at most
    /// [`MAX_CONTAINING_VALUES`]); `None` when it cannot help (text shorter than three
    /// characters, or contained in many values).
    pub async fn values_containing(
        &self,
        field: &str,
        text: &str,
    ) -> Result<Option<Vec<(String, i64)>>, sqlx::Error> {
        let Some(key) = trigram_text(text) else {
            return Ok(None);
        };
        let hits = match self.backend() {
            Backend::Sqlite => format!(
                "SELECT v.field, v.value_key, v.uses FROM (SELECT rowid FROM field_values_trigram \
                 WHERE value_key LIKE $1 LIMIT {}) h CROSS JOIN field_values v ON v.id = h.rowid",
                MAX_TRIGRAM_HITS + 1
            ),
            Backend::Postgres => format!(
                "SELECT field, value_key, uses FROM field_values WHERE value_key LIKE $1 LIMIT {}",
                MAX_TRIGRAM_HITS + 1
            ),
        };
        let rows = sqlx::query(&hits)
            .bind(format!("%{key}%"))
            .fetch_all(self.pool())
            .await?;
        if rows.len() as i64 > MAX_TRIGRAM_HITS {
            return Ok(None);
        }
        let mut keys = Vec::new();
        for row in &rows {
            if col::<String>(row, "field")? == field {
                keys.push((col::<String>(row, "value_key")?, col::<i64>(row, "uses")?));
                if keys.len() > MAX_CONTAINING_VALUES {
                    return Ok(None);
                }
            }
        }
        Ok(Some(keys))
    }

    /// Values of `field` starting with `prefix` (any, when empty), most frequent first, as
    /// typed; at most `limit`. Among many, the most frequent of the first few thousand in
    /// alphabetical order.
    pub async fn suggest_values(
        &self,
        field: &str,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        let low = value_key(prefix);
        let high = format!("{low}\u{10FFFF}");
        let rows = sqlx::query(&format!(
            "SELECT value FROM (SELECT value, uses, value_key FROM field_values \
             WHERE field = $1 AND value_key >= $2 AND value_key < $3 AND uses > 0 \
             ORDER BY value_key LIMIT {SUGGESTION_WINDOW}) w \
             ORDER BY uses DESC, value_key LIMIT $4"
        ))
        .bind(field)
        .bind(low)
        .bind(high)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| col(row, "value")).collect()
    }

    /// Values of `field` containing `text` anywhere, most frequent first, as typed; at most
    /// `limit`, the most frequent among the first [`SUGGESTION_WINDOW`] the trigram index
    /// finds. `None` when the index cannot help (fewer than three characters).
    pub async fn suggest_values_containing(
        &self,
        field: &str,
        text: &str,
        limit: i64,
    ) -> Result<Option<Vec<String>>, sqlx::Error> {
        let Some(key) = trigram_text(text) else {
            return Ok(None);
        };
        let window = match self.backend() {
            // The trigram table finds the rows of every field; the field is picked after.
            // `CROSS JOIN` keeps the hits the outer loop: else SQLite may walk every value of
            // the field and look each up in the hits (90 ms for emails containing "gmail").
            Backend::Sqlite => format!(
                "SELECT v.value, v.uses, v.value_key FROM (SELECT rowid FROM field_values_trigram \
                 WHERE value_key LIKE $1 LIMIT {SUGGESTION_WINDOW}) h \
                 CROSS JOIN field_values v ON v.id = h.rowid WHERE v.field = $2 AND v.uses > 0"
            ),
            Backend::Postgres => format!(
                "SELECT value, uses, value_key FROM field_values \
                 WHERE value_key LIKE $1 AND field = $2 AND uses > 0 LIMIT {SUGGESTION_WINDOW}"
            ),
        };
        let rows = sqlx::query(&format!(
            "SELECT value FROM ({window}) w ORDER BY uses DESC, value_key LIMIT $3"
        ))
        .bind(format!("%{key}%"))
        .bind(field)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| col(row, "value"))
            .collect::<Result<_, _>>()
            .map(Some)
    }

    /// On SQLite, merges about `pages` pages of the value dictionary's trigram index (FTS5's
    /// `merge` command) in one short write transaction; `start` begins merging the whole index
    /// into one b-tree, and later calls go on with that merge. Forgetting a value (`secure-delete`)
    /// looks its trigrams up in every b-tree of the index: at a million values, 10 values took
    /// 18 ms in the 15 b-trees FTS5 had let grow, 3 ms in one. Returns whether there was
    /// anything to merge (never on PostgreSQL, whose index needs none of this).
    #[tracing::instrument(skip(self), err)]
    pub async fn merge_value_index(&self, pages: i64, start: bool) -> Result<bool, sqlx::Error> {
        if self.backend() != Backend::Sqlite {
            return Ok(false);
        }
        let changes = "SELECT total_changes() AS n";
        let mut tx = self.begin_write().await?;
        let before: i64 = col(&sqlx::query(changes).fetch_one(&mut *tx).await?, "n")?;
        sqlx::query(
            "INSERT INTO field_values_trigram (field_values_trigram, rank) VALUES ('merge', $1)",
        )
        .bind(if start { -pages } else { pages })
        .execute(&mut *tx)
        .await?;
        let after: i64 = col(&sqlx::query(changes).fetch_one(&mut *tx).await?, "n")?;
        tx.commit().await?;
        // FTS5's own measure: it changed two rows or more when it merged anything.
        Ok(after - before >= 2)
    }
}

/// Moves in the dictionary's counts gathered over a batch (values staged, corrected away or
/// corrected in), written in at most two statements in key order, so two writers never wait
/// on each other in a circle.
#[derive(Debug, Default)]
pub struct ValueCounts<'a> {
    /// (field, value key) → (the value as first met, trimmed; the net move in its count).
    moves: BTreeMap<(&'a str, String), (&'a str, i64)>,
}

impl<'a> ValueCounts<'a> {
    /// Moves the count of `value` of `field`, whose value key is `key`, by `by`. Empty keys
    /// (blank values) are not in the dictionary.
    pub fn count(&mut self, field: &'a str, key: String, value: &'a str, by: i64) {
        if !key.is_empty() {
            self.moves
                .entry((field, key))
                .or_insert((value.trim(), 0))
                .1 += by;
        }
    }

    /// [`ValueCounts::count`] with the value's key worked out here.
    pub fn count_value(&mut self, field: &'a str, value: &'a str, by: i64) {
        self.count(field, value_key(value), value, by);
    }

    /// Writes the moves inside `tx`: values counted up are added (or made), values counted
    /// down lose as many uses (never below zero).
    pub async fn write(
        self,
        tx: &mut Transaction<'static, Any>,
        backend: Backend,
    ) -> Result<(), sqlx::Error> {
        let (up, down): (Vec<_>, Vec<_>) = self
            .moves
            .into_iter()
            .filter(|(_, (_, by))| *by != 0)
            .map(|((field, key), (value, by))| (field, key, value, by))
            .partition(|(_, _, _, by)| *by > 0);
        if !down.is_empty() {
            // `ORDER BY` keeps SQLite from flattening the rows into a scan of the dictionary.
            sqlx::query(&format!(
                "UPDATE field_values SET uses = CASE WHEN uses > v.n THEN uses - v.n ELSE 0 END \
                 FROM (SELECT {t0} AS field, {t1} AS value_key, -{i3} AS n FROM {rows} \
                 ORDER BY 1, 2) AS v \
                 WHERE field_values.field = v.field AND field_values.value_key = v.value_key",
                rows = json_rows(backend, 1),
                t0 = json_text(0),
                t1 = json_text(1),
                i3 = json_int(3),
            ))
            .bind(json_param(&down)?)
            .execute(&mut **tx)
            .await?;
        }
        if !up.is_empty() {
            sqlx::query(&format!(
                "INSERT INTO field_values (field, value_key, value, uses) \
                 SELECT {t0}, {t1}, {t2}, {i3} FROM {rows} WHERE TRUE \
                 ON CONFLICT (field, value_key) DO UPDATE SET uses = field_values.uses + excluded.uses",
                rows = json_rows(backend, 1),
                t0 = json_text(0),
                t1 = json_text(1),
                t2 = json_text(2),
                i3 = json_int(3),
            ))
            .bind(json_param(&up)?)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// The value dictionary (`field_values`) counts the operations' values out, and forgets the
/// values no other operation carries: theirs now, and those a correction replaced (already at
/// no use).
pub(crate) async fn forget_values(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    ids_param: &str,
) -> Result<(), sqlx::Error> {
    let in_ids = json_ints(backend, 1);
    let values = sqlx::query(&format!(
        "SELECT field, value_key, COUNT(*) AS n FROM operation_fields \
         WHERE operation_id IN ({in_ids}) AND value_key IS NOT NULL AND value_key <> '' \
         GROUP BY field, value_key"
    ))
    .bind(ids_param)
    .fetch_all(&mut **tx)
    .await?;
    let values = values
        .iter()
        .map(|row| Ok((col(row, "field")?, col(row, "value_key")?, col(row, "n")?)))
        .collect::<Result<Vec<(String, String, i64)>, sqlx::Error>>()?;
    let mut counts = ValueCounts::default();
    for (field, key, n) in &values {
        counts.count(field, key.clone(), "", -n);
    }
    counts.write(tx, backend).await?;
    let mut candidates: BTreeSet<(String, String)> = values
        .into_iter()
        .map(|(field, key, _)| (field, key))
        .collect();
    let corrected = sqlx::query(&format!(
        "SELECT field, before_value, after_value FROM change_log \
         WHERE operation_id IN ({in_ids}) AND field IS NOT NULL"
    ))
    .bind(ids_param)
    .fetch_all(&mut **tx)
    .await?;
    for row in &corrected {
        let field: String = col(row, "field")?;
        for column in ["before_value", "after_value"] {
            if let Some(value) = col::<Option<String>>(row, column)? {
                candidates.insert((field.clone(), value_key(&value)));
            }
        }
    }
    let keys_param = json_param(&candidates)?;
    let forgotten = format!(
        "SELECT d.id, d.value_key FROM field_values d JOIN (SELECT {} AS field, {} AS value_key \
         FROM {}) v ON d.field = v.field AND d.value_key = v.value_key WHERE d.uses = 0",
        json_text(0),
        json_text(1),
        json_rows(backend, 1)
    );
    if backend == Backend::Sqlite {
        // The trigram index has external content: it is told what a removed row held.
        sqlx::query(&format!(
            "INSERT INTO field_values_trigram (field_values_trigram, rowid, value_key) \
             SELECT 'delete', id, value_key FROM ({forgotten})"
        ))
        .bind(&keys_param)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(&format!(
        "DELETE FROM field_values WHERE id IN (SELECT id FROM ({forgotten}) f)"
    ))
    .bind(&keys_param)
    .execute(&mut **tx)
    .await?;

    Ok(())
}
