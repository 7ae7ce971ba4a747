//! The status list under a filter: a keyset page, newest first, walked on the index that fits
//! the filter best, and the counts per status for the filter.
//!
//! Which index drives the walk:
//! - a field filter "equals": `operation_fields_by_value` (field, value, timestamp), so the
//!   walk starts at the newest match and reads only matches;
//! - else a "contains" whose text few values contain (the value dictionary's trigram index
//!   says which, and how often each is used), when walking them reads fewer rows than a plain
//!   walk: one such walk per value, merged newest first;
//! - else a failure group (`error=`): `operations_by_failure_group`, which holds only
//!   operations with an error;
//! - else a status: `operations_by_status`; else a channel: `operations_by_channel`;
//! - else `operations_by_time`.
//!
//! Every other condition is checked on the rows the walk meets (field filters as lookups of the
//! operation's field by primary key). A page therefore costs the rows read until it is full.

use super::{
    clause::{Arg, Clause},
    Db,
};
use crate::model::{
    filter::{parse_bound, value_key, Bound, COUNT_CAP},
    FieldFilter, FilterCounts, FilterOp, OperationCursor, OperationFilter, OperationPage,
    OperationSummary,
};

/// The walk's source: which table and index lead, and the name of its timestamp and id.
pub(super) struct Walk {
    pub(super) from: String,
    at: &'static str,
    id: &'static str,
}

/// The first `limit` of `rows` (read one more than wanted) and, when there were more, the
/// cursor after the last one kept.
pub(super) fn keep_page<T>(
    mut rows: Vec<T>,
    limit: i64,
    summary: impl Fn(&T) -> &OperationSummary,
) -> (Vec<T>, Option<OperationCursor>) {
    if rows.len() as i64 <= limit {
        return (rows, None);
    }
    rows.truncate(limit as usize);
    let next = rows.last().map(|row| OperationCursor::after(summary(row)));
    (rows, next)
}

/// The SQL order of the list: newest first, or oldest first.
pub(super) fn direction(oldest_first: bool) -> &'static str {
    if oldest_first {
        "ASC"
    } else {
        "DESC"
    }
}

impl Db {
    /// A page of the operations `filter` lets through, newest first (or oldest first), after
    /// `before`.
    #[tracing::instrument(skip(self), err)]
    pub async fn filtered_page(
        &self,
        filter: &OperationFilter,
        before: Option<OperationCursor>,
        limit: i64,
    ) -> Result<OperationPage, sqlx::Error> {
        let limit = limit.clamp(1, super::operations::MAX_PAGE_SIZE);
        let rows = match self.filtered_sql(filter, before, limit + 1).await? {
            Some((sql, clause)) => {
                clause
                    .bind(sqlx::query(&sql))
                    .fetch_all(self.pool())
                    .await?
            }
            None => Vec::new(),
        };
        let operations = rows
            .iter()
            .map(super::operations::state_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let (operations, next) = keep_page(operations, limit, |o| &o.summary);
        Ok(OperationPage { operations, next })
    }

    /// The query of at most `limit` operations `filter` lets through after `before`, in its
    /// order, with the columns of an [`crate::model::OperationState`] and the walk's timestamp
    /// (`walk_at`), and its parameters; `None` when the filter lets nothing through.
    pub(super) async fn filtered_sql(
        &self,
        filter: &OperationFilter,
        before: Option<OperationCursor>,
        limit: i64,
    ) -> Result<Option<(String, Clause)>, sqlx::Error> {
        let plan = self.plan(filter, limit).await?;
        if plan == Plan::Nothing {
            return Ok(None);
        }
        let mut clause = Clause::default();
        let walked = self.walk(filter, &plan, &mut clause, true, before, limit);
        let n = clause.int(limit);
        let sql = format!(
            "SELECT {cols}, {state}, m.walk_at FROM ({walked}) m \
             JOIN operations o ON o.id = m.id JOIN channels c ON c.id = o.channel_id \
             ORDER BY m.walk_at {dir}, m.id {dir} LIMIT {n}",
            cols = super::operations::SUMMARY_COLUMNS,
            state = super::operations::STATE_COLUMNS,
            dir = direction(filter.view.oldest_first),
        );
        Ok(Some((sql, clause)))
    }

    /// Counts per status under `filter` without its status (the status chips): exact from the
    /// counters for all operations or one channel; otherwise among the newest [`COUNT_CAP`]
    /// matches (and says so).
    #[tracing::instrument(skip(self), err)]
    pub async fn filtered_counts(
        &self,
        filter: &OperationFilter,
    ) -> Result<FilterCounts, sqlx::Error> {
        // Whatever the page's order, the chips count the newest matches.
        let facet = OperationFilter {
            status: None,
            view: Default::default(),
            ..filter.clone()
        };
        // Everything, or one channel: the counters the database keeps.
        let only_channel = OperationFilter {
            channel: None,
            ..facet.clone()
        };
        if only_channel.is_empty() {
            let counts = self.counted_statuses(facet.channel).await?;
            return Ok(FilterCounts {
                counts,
                capped: false,
            });
        }
        let plan = self.plan(&facet, COUNT_CAP).await?;
        if plan == Plan::Nothing {
            let counts = super::counts::per_status(&[])?;
            return Ok(FilterCounts {
                counts,
                capped: false,
            });
        }
        let mut clause = Clause::default();
        let walked = self.walk(&facet, &plan, &mut clause, false, None, COUNT_CAP);
        let cap = clause.int(COUNT_CAP);
        let sql = format!(
            "SELECT k.status, COUNT(*) AS n FROM (SELECT m.status FROM ({walked}) m \
             ORDER BY m.walk_at DESC, m.id DESC LIMIT {cap}) k GROUP BY k.status",
        );
        let rows = clause
            .bind(sqlx::query(&sql))
            .fetch_all(self.pool())
            .await?;
        let counts = super::counts::per_status(&rows)?;
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        Ok(FilterCounts {
            counts,
            capped: total >= COUNT_CAP,
        })
    }

    /// The rows (`id`, `walk_at`, `status`) `filter` lets through in its order (newest first
    /// unless it asks for the oldest), at most `limit` past the cursor `before`, as a subquery:
    /// one walk, or one per value key merged.
    fn walk(
        &self,
        filter: &OperationFilter,
        plan: &Plan,
        clause: &mut Clause,
        by_status: bool,
        before: Option<OperationCursor>,
        limit: i64,
    ) -> String {
        let leads: Vec<Option<(usize, &str)>> = match plan {
            Plan::Values { filter, keys } => {
                keys.iter().map(|k| Some((*filter, k.as_str()))).collect()
            }
            Plan::Scan | Plan::Nothing => vec![None],
        };
        let dir = direction(filter.view.oldest_first);
        let past = if filter.view.oldest_first { ">" } else { "<" };
        let parts: Vec<String> = leads
            .into_iter()
            .map(|lead| {
                let walk = self.conditions(filter, lead, clause, by_status);
                if let Some(cursor) = before {
                    let at = clause.int(cursor.operation_at_micros);
                    let id = clause.int(cursor.id);
                    // The first comparison alone bounds the index range: with only the `OR`,
                    // both databases walked the index from its start to the cursor, so each
                    // page cost more the deeper it was (a million-row export: 78 s on
                    // PostgreSQL, most of it skipping rows already exported).
                    clause.and(format!(
                        "{a} {past}= {at} AND ({a} {past} {at} OR ({a} = {at} AND {i} {past} {id}))",
                        a = walk.at,
                        i = walk.id
                    ));
                }
                let n = clause.int(limit);
                format!(
                    "SELECT * FROM (SELECT {i} AS id, {a} AS walk_at, o.status AS status FROM {from} \
                     WHERE {cond} ORDER BY {a} {dir}, {i} {dir} LIMIT {n}) w",
                    a = walk.at,
                    i = walk.id,
                    from = walk.from,
                    cond = clause.take_sql(),
                )
            })
            .collect();
        parts.join(" UNION ALL ")
    }

    /// Adds `filter`'s conditions to `clause` and picks the index to walk: field filter `i`'s
    /// value key `key` when there is a `lead`. `by_status` lets a status lead the walk (not for
    /// counting, where the status is what is counted).
    pub(super) fn conditions(
        &self,
        filter: &OperationFilter,
        lead: Option<(usize, &str)>,
        clause: &mut Clause,
        by_status: bool,
    ) -> Walk {
        let walk = match lead {
            Some((i, key)) => {
                let field = clause.text(&filter.fields[i].field);
                let value = clause.text(key);
                clause.and(format!("d.field = {field} AND d.value_key = {value}"));
                Walk {
                    from: "operation_fields d JOIN operations o ON o.id = d.operation_id".into(),
                    at: "d.operation_at",
                    id: "d.operation_id",
                }
            }
            None => Walk {
                from: format!("operations o{}", self.index_hint(filter, by_status)),
                at: "o.operation_at",
                id: "o.id",
            },
        };
        if let Some(status) = filter.status {
            let s = clause.text(status.as_str());
            clause.and(format!("o.status = {s}"));
        }
        if let Some(channel) = filter.channel {
            let c = clause.int(channel);
            clause.and(format!("o.channel_id = {c}"));
        }
        if let Some(error) = &filter.error {
            let g = clause.text(error.key());
            clause.and(format!("o.failure_group = {g}"));
        }
        if !filter.ids.is_empty() {
            let ids: Vec<String> = filter.ids.iter().map(|id| clause.int(*id)).collect();
            clause.and(format!("o.id IN ({})", ids.join(", ")));
        }
        let (start, end) = filter.micros_range();
        if let Some(start) = start {
            let s = clause.int(start);
            clause.and(format!("{} >= {s}", walk.at));
        }
        if let Some(end) = end {
            let e = clause.int(end);
            clause.and(format!("{} < {e}", walk.at));
        }
        for (i, f) in filter.fields.iter().enumerate() {
            if Some(i) != lead.map(|(i, _)| i) {
                let condition = self.field_condition(f, clause);
                clause.and(condition);
            }
        }
        walk
    }

    /// SQLite picks its index by the conditions it sees; tell it which one keeps the walk in
    /// timestamp order (PostgreSQL's planner needs no hint).
    fn index_hint(&self, filter: &OperationFilter, by_status: bool) -> &'static str {
        if self.backend() != super::Backend::Sqlite {
            return "";
        }
        if filter.error.is_some() {
            return " INDEXED BY operations_by_failure_group";
        }
        match (filter.status.filter(|_| by_status), filter.channel) {
            (Some(_), _) => " INDEXED BY operations_by_status",
            (None, Some(_)) => " INDEXED BY operations_by_channel",
            (None, None) => " INDEXED BY operations_by_time",
        }
    }

    /// One field filter as a condition on the operation `o`: a lookup of its field by key.
    fn field_condition(&self, f: &FieldFilter, clause: &mut Clause) -> String {
        let field = clause.text(&f.field);
        let lookup = format!(
            "SELECT 1 FROM operation_fields x WHERE x.operation_id = o.id AND x.field = {field}"
        );
        let key = value_key(&f.value);
        match f.op {
            FilterOp::Equals => {
                let v = clause.text(key);
                format!("EXISTS ({lookup} AND x.value_key = {v})")
            }
            FilterOp::StartsWith => {
                let low = clause.text(key.clone());
                let high = clause.text(format!("{key}\u{10FFFF}"));
                format!("EXISTS ({lookup} AND x.value_key >= {low} AND x.value_key < {high})")
            }
            FilterOp::Contains => {
                let escaped = key
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let pattern = clause.text(format!("%{escaped}%"));
                format!("EXISTS ({lookup} AND x.value_key LIKE {pattern} ESCAPE '\\')")
            }
            FilterOp::Empty => {
                format!("NOT EXISTS ({lookup} AND COALESCE(x.value_key, '') <> '')")
            }
            FilterOp::NotEmpty => format!("EXISTS ({lookup} AND COALESCE(x.value_key, '') <> '')"),
            FilterOp::AtLeast | FilterOp::AtMost => {
                let cmp = if f.op == FilterOp::AtLeast {
                    ">="
                } else {
                    "<="
                };
                match parse_bound(&f.value) {
                    Some(Bound::Date(date)) => {
                        // ISO dates (and date-times) sort like their text.
                        let bound = if f.op == FilterOp::AtLeast {
                            format!("x.value_key >= {}", clause.text(date))
                        } else {
                            format!("x.value_key < {}", clause.text(format!("{date}\u{10FFFF}")))
                        };
                        format!(
                            "EXISTS ({lookup} AND {} AND {bound})",
                            self.looks_like_date()
                        )
                    }
                    Some(Bound::Number(n)) => {
                        let v = clause.arg(Arg::Real(n));
                        format!(
                            "EXISTS ({lookup} AND {} AND {} {cmp} {v})",
                            self.looks_like_number("x.value_key"),
                            self.as_number("x.value_key")
                        )
                    }
                    None => "FALSE".to_owned(),
                }
            }
        }
    }

    fn looks_like_date(&self) -> String {
        match self.backend() {
            super::Backend::Sqlite => {
                "x.value_key GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'".to_owned()
            }
            super::Backend::Postgres => "x.value_key ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'".to_owned(),
        }
    }

    fn looks_like_number(&self, column: &str) -> String {
        match self.backend() {
            super::Backend::Sqlite => format!(
                "{column} <> '' AND {column} NOT GLOB '*[^0-9.,-]*' AND {column} GLOB '*[0-9]*'"
            ),
            super::Backend::Postgres => format!("{column} ~ '^-?[0-9]+([.,][0-9]+)?$'"),
        }
    }

    fn as_number(&self, column: &str) -> String {
        match self.backend() {
            super::Backend::Sqlite => format!("CAST(REPLACE({column}, ',', '.') AS REAL)"),
            super::Backend::Postgres => {
                format!("CAST(REPLACE({column}, ',', '.') AS DOUBLE PRECISION)")
            }
        }
    }
}

mod query_plan;
#[cfg(test)]
mod tests;

pub use query_plan::Plan;
