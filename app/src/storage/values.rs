//! How values are written in SQL and read back, the same on both databases: timestamps as
//! microseconds since the epoch, numbered placeholders, columns by name.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::Backend;

/// Microseconds since the epoch, the stored form of a timestamp.
pub fn to_micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// Reads a stored timestamp back.
pub fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// The placeholders of an `IN (…)` list or `VALUES` rows for `n` values, numbered from `first`:
/// `$first, $first+1, …` on PostgreSQL, `?first, ?first+1, …` on SQLite. SQLite treats `$n` as a
/// *named* parameter and looks each one up among the names before it, so a statement with
/// thousands of `$n` takes quadratic time to prepare (70 ms for 200 customers); `?n` is numbered.
pub fn placeholders(backend: Backend, first: usize, n: usize) -> String {
    let mark = match backend {
        Backend::Sqlite => '?',
        Backend::Postgres => '$',
    };
    (first..first + n)
        .map(|i| format!("{mark}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a column, turning a decode problem into an error that names the column.
pub(crate) fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row;
    row.try_get(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_lists_number_their_placeholders_from_the_first() {
        assert_eq!(placeholders(Backend::Postgres, 3, 3), "$3, $4, $5");
        assert_eq!(placeholders(Backend::Postgres, 1, 1), "$1");
        assert_eq!(placeholders(Backend::Sqlite, 3, 3), "?3, ?4, ?5");
    }
}
