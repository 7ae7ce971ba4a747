//! The value dictionary (`field_values`): every distinct value of every field, with how many
//! field rows carry it. It answers "which values contain this text" through a trigram index
//! (SQLite FTS5, PostgreSQL pg_trgm), and the filter bar's suggestions as a person types.

use super::{col, Backend, Db};
use crate::model::filter::value_key;

/// At most this many values of the field may contain the text for a "contains" to be led by
/// the dictionary: each is a walk of its own, merged in one statement.
pub const MAX_CONTAINING_VALUES: usize = 64;
/// Trigram hits (all fields) read at most: past this, the text is too common to be worth it.
const MAX_TRIGRAM_HITS: i64 = 1_000;
/// Values of a field read at most to pick the most frequent suggestions among them.
const SUGGESTION_WINDOW: i64 = 2_000;

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
        let key = value_key(text);
        let plain = key.chars().all(|c| !matches!(c, '%' | '_' | '\\'));
        if key.chars().count() < 3 || !plain {
            return Ok(None);
        }
        let hits = match self.backend() {
            Backend::Sqlite => format!(
                "SELECT v.field, v.value_key, v.uses FROM (SELECT rowid FROM field_values_trigram \
                 WHERE value_key LIKE $1 LIMIT {}) h JOIN field_values v ON v.id = h.rowid",
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
}
