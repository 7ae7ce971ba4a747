//! Which index leads a filtered walk: the cost model that picks between a plain walk and one
//! walk per value of a field filter.

use super::super::Db;
use crate::model::{filter::value_key, FilterOp, OperationFilter};

/// How a filter's matches are found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Walk the operations (or a status's, a channel's) newest first, checking each.
    Scan,
    /// Walk `operation_fields_by_value` newest first for each value key of field filter
    /// `filter`, and merge: "equals" (one key) and "contains" (the few keys that contain it).
    Values { filter: usize, keys: Vec<String> },
    /// Nothing can match (no value contains the searched text).
    Nothing,
}

/// Whether walking each value that contains the text reads fewer rows than a plain walk, to
/// find `wanted` matches among `total` operations, the values being carried `uses` times each.
/// A plain walk meets a match every `total / Σ uses` operations and looks up each one's field
/// (two reads per operation); a value's walk reads its matches only, at most `wanted`.
pub(super) fn values_are_cheaper(uses: &[i64], wanted: i64, total: i64) -> bool {
    let sum: i64 = uses.iter().sum::<i64>().max(1);
    let by_values: i64 = uses.iter().map(|u| (*u).min(wanted) + 2).sum();
    let by_scan = (2 * wanted).saturating_mul(total) / sum;
    by_values <= by_scan.min(2 * total)
}

impl Db {
    /// Decides how to find `wanted` of `filter`'s matches: an "equals" leads on its value;
    /// else a "contains" of three characters or more asks the value dictionary's trigram index
    /// which values contain the text, and leads on them when walking them reads fewer rows
    /// than a plain walk would (see [`values_are_cheaper`]).
    pub async fn plan(&self, filter: &OperationFilter, wanted: i64) -> Result<Plan, sqlx::Error> {
        if let Some(i) = filter.fields.iter().position(|f| f.op == FilterOp::Equals) {
            return Ok(Plan::Values {
                filter: i,
                keys: vec![value_key(&filter.fields[i].value)],
            });
        }
        for (i, f) in filter.fields.iter().enumerate() {
            if f.op != FilterOp::Contains {
                continue;
            }
            match self.values_containing(&f.field, &f.value).await? {
                Some(keys) if keys.is_empty() => return Ok(Plan::Nothing),
                Some(keys) => {
                    let total: i64 = self
                        .counted_statuses(None)
                        .await?
                        .iter()
                        .map(|(_, n)| n)
                        .sum();
                    let uses: Vec<i64> = keys.iter().map(|(_, u)| *u).collect();
                    if values_are_cheaper(&uses, wanted, total) {
                        let keys = keys.into_iter().map(|(k, _)| k).collect();
                        return Ok(Plan::Values { filter: i, keys });
                    }
                }
                None => {}
            }
        }
        Ok(Plan::Scan)
    }
}
