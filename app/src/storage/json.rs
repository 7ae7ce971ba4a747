//! SQL text for a whole batch bound as one JSON parameter, on SQLite and PostgreSQL alike.

use super::Backend;
use crate::model::OperationField;

/// A whole batch as one parameter: the set-based statements of the Synchronize job bind a JSON
/// array (one text value) instead of thousands of values, which SQLite binds in quadratic time
/// and which costs a round trip per chunk. `json_rows` is a `FROM` item whose column `value` is
/// each element of the array bound as parameter `n`; read an element's members with
/// [`json_text`] and [`json_int`].
pub fn json_rows(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => format!("json_each(?{n})"),
        Backend::Postgres => format!("jsonb_array_elements(${n}::jsonb) AS j(value)"),
    }
}

/// A subquery of the strings of the JSON array bound as parameter `n`, for `IN (…)`.
pub fn json_texts(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => format!("SELECT value FROM json_each(?{n})"),
        Backend::Postgres => format!("SELECT jsonb_array_elements_text(${n}::jsonb)"),
    }
}

/// A subquery of the integers of the JSON array bound as parameter `n`, for `IN (…)`.
pub fn json_ints(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => format!("SELECT value FROM json_each(?{n})"),
        Backend::Postgres => {
            format!("SELECT CAST(jsonb_array_elements_text(${n}::jsonb) AS BIGINT)")
        }
    }
}

/// Member `i` of a [`json_rows`] element (itself an array), as text.
pub fn json_text(i: usize) -> String {
    format!("value->>{i}")
}

/// Member `i` of a [`json_rows`] element (itself an array), as an integer.
pub fn json_int(i: usize) -> String {
    format!("CAST(value->>{i} AS BIGINT)")
}

/// An aggregate of a group's rows as the JSON text of an array of arrays of `exprs`: one
/// value per group instead of a row each (every row SQLite returns is a hop between threads).
pub fn json_group(backend: Backend, exprs: &[&str]) -> String {
    json_group_in_order(backend, exprs, "")
}

/// Like [`json_group`], the rows in `order` (an `ORDER BY`'s terms; empty: any order).
pub fn json_group_in_order(backend: Backend, exprs: &[&str], order: &str) -> String {
    let exprs = exprs.join(", ");
    let order = if order.is_empty() {
        String::new()
    } else {
        format!(" ORDER BY {order}")
    };
    match backend {
        Backend::Sqlite => format!("json_group_array(json_array({exprs}){order})"),
        Backend::Postgres => format!("CAST(json_agg(json_build_array({exprs}){order}) AS TEXT)"),
    }
}

/// A batch's rows (or a list of keys) as the JSON text a [`json_rows`] parameter takes.
pub fn json_param<T: serde::Serialize + ?Sized>(rows: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// An operation's fields from their JSON aggregate (`[[field, old, new], …]`), by field name.
pub fn operation_fields_from_json(
    json: Option<String>,
) -> Result<Vec<OperationField>, sqlx::Error> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let triples: Vec<(String, Option<String>, Option<String>)> =
        serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let mut fields: Vec<OperationField> = triples
        .into_iter()
        .map(|(field, old_value, new_value)| OperationField {
            field,
            old_value,
            new_value,
        })
        .collect();
    fields.sort_by(|a, b| a.field.cmp(&b.field));
    Ok(fields)
}
