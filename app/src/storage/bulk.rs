//! Bulk loading: many rows into a few tables in one transaction, for the demo generator and
//! benchmarks (a million operations must load in reasonable time).
//!
//! This is where the two databases differ most, so each gets its fastest path on a native
//! connection: PostgreSQL streams rows with `COPY … FROM STDIN`; SQLite runs multi-row `INSERT`s
//! with bound values inside one transaction. Either way the load is all or nothing.

use sqlx::{postgres::PgConnection, sqlite::SqliteConnection, Connection, Executor};

use super::{Backend, Db};

/// One value of a bulk row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A table and the columns a bulk load fills.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    /// Whether `id` is given explicitly in an identity column (PostgreSQL's sequence must then
    /// be moved past the loaded ids when the load commits).
    pub explicit_id: bool,
}

enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// An open bulk load. Nothing is visible to others until [`BulkLoader::commit`].
pub struct BulkLoader {
    conn: Conn,
    touched_identity_tables: Vec<&'static str>,
}

/// SQLite's limit on bound values per statement (since 3.32).
const SQLITE_MAX_VARIABLES: usize = 32_766;

impl Db {
    /// Starts a bulk load on a connection of its own.
    pub async fn bulk_loader(&self) -> Result<BulkLoader, sqlx::Error> {
        let conn = match self.backend() {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::connect(self.url()).await?;
                conn.execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE",
                )
                .await?;
                Conn::Sqlite(conn)
            }
            Backend::Postgres => {
                let mut conn = PgConnection::connect(self.url()).await?;
                conn.execute("BEGIN").await?;
                Conn::Postgres(conn)
            }
        };
        Ok(BulkLoader {
            conn,
            touched_identity_tables: Vec::new(),
        })
    }
}

impl BulkLoader {
    /// Adds `rows` (each with one value per column of `table`) to the load.
    pub async fn insert(&mut self, table: Table, rows: &[Vec<Value>]) -> Result<(), sqlx::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        if table.explicit_id && !self.touched_identity_tables.contains(&table.name) {
            self.touched_identity_tables.push(table.name);
        }
        match &mut self.conn {
            Conn::Sqlite(conn) => insert_sqlite(conn, table, rows).await,
            Conn::Postgres(conn) => copy_postgres(conn, table, rows).await,
        }
    }

    /// Makes the whole load visible at once.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.conn {
            Conn::Sqlite(mut conn) => {
                conn.execute("COMMIT").await?;
                conn.close().await
            }
            Conn::Postgres(mut conn) => {
                for table in &self.touched_identity_tables {
                    // Identity columns do not notice explicit ids: move them past the load.
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
                    );
                    conn.execute(sql.as_str()).await?;
                }
                conn.execute("COMMIT").await?;
                conn.close().await
            }
        }
    }
}

async fn insert_sqlite(
    conn: &mut SqliteConnection,
    table: Table,
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    let width = table.columns.len();
    let per_statement = (SQLITE_MAX_VARIABLES / width).clamp(1, 500);
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            table.name,
            table.columns.join(", ")
        );
        for (r, _) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push(',');
                }
                sql.push('?');
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for row in chunk {
            debug_assert_eq!(row.len(), width, "row width of {}", table.name);
            for value in row {
                query = match value {
                    Value::Null => query.bind(None::<i64>),
                    Value::Int(v) => query.bind(*v),
                    Value::Text(v) => query.bind(v.as_str()),
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn copy_postgres(
    conn: &mut PgConnection,
    table: Table,
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    let statement = format!(
        "COPY {} ({}) FROM STDIN",
        table.name,
        table.columns.join(", ")
    );
    let mut copy = conn.copy_in_raw(&statement).await?;
    let mut buffer = String::with_capacity(64 * 1024);
    for row in rows {
        for (c, value) in row.iter().enumerate() {
            if c > 0 {
                buffer.push('\t');
            }
            match value {
                Value::Null => buffer.push_str("\\N"),
                Value::Int(v) => buffer.push_str(&v.to_string()),
                Value::Text(v) => escape_copy_text(v, &mut buffer),
            }
        }
        buffer.push('\n');
        if buffer.len() > 60 * 1024 {
            copy.send(buffer.as_bytes()).await?;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// Escapes a value for COPY's text format.
fn escape_copy_text(value: &str, out: &mut String) {
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_separators_and_backslashes() {
        let mut out = String::new();
        escape_copy_text("Storgata 1\tH0101\\n\nx", &mut out);
        assert_eq!(out, "Storgata 1\\tH0101\\\\n\\nx");
    }
}
