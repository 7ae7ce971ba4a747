//! Failed operations grouped by cause (migration 0014): counters per group, channel and day that
//! the database keeps as operations fail and leave Failed (on PostgreSQL plus the deltas its
//! concurrent writers append, folded by [`Db::fold_count_deltas`]), and for each group its
//! oldest and newest operations found on `operations_by_failure_group`. A page of groups thus
//! reads counters and a few index entries per group, never every Failed operation.

use std::collections::{BTreeMap, HashMap};

use sqlx::any::AnyRow;

use super::{col, from_micros, to_micros, Db};
use crate::model::{
    detail::FieldName,
    failure_group::{
        day_number, day_of_number, ChannelCount, FailureGroupSummary, FailureGroups, FailureSample,
        PossibleDuplicates,
    },
    FailureGroup, OperationFilter,
};

/// The counters and the deltas not yet folded into them, as one relation.
pub(super) const FAILURE_COUNTS: &str =
    "(SELECT failure_group, channel_id, day, n FROM failure_counts \
     UNION ALL SELECT failure_group, channel_id, day, n FROM failure_count_deltas) k";

/// How many groups the page shows (most operations first): each costs two index lookups.
pub const MAX_GROUPS: usize = 100;

/// How many of a group's newest operations the page shows as examples.
const SAMPLES: i64 = 2;

/// One microsecond day, as the counters' day numbers count.
const DAY_MICROS: i64 = 86_400_000_000;

/// A group's counts under the filter, before its samples are read.
#[derive(Default)]
struct Tally {
    count: i64,
    channels: HashMap<i64, i64>,
    days: BTreeMap<i64, i64>,
}

impl Db {
    /// The failure groups under `filter`'s channel and days (its other parts aside), most
    /// operations first (the first [`MAX_GROUPS`]), each with its channels, days, first and
    /// last time and samples.
    #[tracing::instrument(skip(self), err)]
    pub async fn failure_groups(
        &self,
        filter: &OperationFilter,
    ) -> Result<FailureGroups, sqlx::Error> {
        let sql = format!(
            "SELECT k.failure_group, k.channel_id, k.day, CAST(SUM(k.n) AS BIGINT) AS n \
             FROM {FAILURE_COUNTS} \
             WHERE (k.channel_id = $1 OR $1 IS NULL) AND (k.day >= $2 OR $2 IS NULL) \
             AND (k.day <= $3 OR $3 IS NULL) \
             GROUP BY k.failure_group, k.channel_id, k.day HAVING SUM(k.n) <> 0"
        );
        let rows = sqlx::query(&sql)
            .bind(filter.channel)
            .bind(filter.from.map(day_number))
            .bind(filter.to.map(day_number))
            .fetch_all(self.pool())
            .await?;
        let mut tallies: HashMap<String, Tally> = HashMap::new();
        for row in &rows {
            let n: i64 = col(row, "n")?;
            let tally = tallies.entry(col(row, "failure_group")?).or_default();
            tally.count += n;
            *tally.channels.entry(col(row, "channel_id")?).or_default() += n;
            *tally.days.entry(col(row, "day")?).or_default() += n;
        }
        let channel_names = self.channel_names().await?;
        let names: HashMap<i64, String> = channel_names.iter().cloned().collect();
        let definitions = self.every_attribute_definition().await?;
        let mut tallies: Vec<(String, Tally)> =
            tallies.into_iter().filter(|(_, t)| t.count > 0).collect();
        tallies.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
        let total = tallies.iter().map(|(_, t)| t.count).sum();
        let group_count = tallies.len();
        let mut groups = Vec::with_capacity(tallies.len().min(MAX_GROUPS));
        for (key, tally) in tallies.into_iter().take(MAX_GROUPS) {
            let Some(group) = FailureGroup::parse(&key) else {
                tracing::warn!(key, "a failure group key that does not read back");
                continue;
            };
            let (Some(first_day), Some(last_day)) = (
                tally.days.keys().next().copied(),
                tally.days.keys().next_back().copied(),
            ) else {
                continue;
            };
            let newest = self
                .group_operations(&key, filter.channel, last_day, false)
                .await?;
            let oldest = self
                .group_operations(&key, filter.channel, first_day, true)
                .await?;
            let (Some(newest_row), Some(oldest_row)) = (newest.first(), oldest.first()) else {
                // The counters and the operations disagree only while a job's deltas wait to
                // be folded; the group shows again on the next look.
                continue;
            };
            let mut channels: Vec<ChannelCount> = tally
                .channels
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(id, n)| ChannelCount {
                    id,
                    name: names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
                    n,
                })
                .collect();
            channels.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.name.cmp(&b.name)));
            groups.push(FailureGroupSummary {
                field_name: (!group.field.is_empty())
                    .then(|| FieldName::of_field(&group.field, &definitions)),
                group,
                count: tally.count,
                channels,
                days: tally
                    .days
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(day, n)| (day_of_number(day), n))
                    .collect(),
                first_seen: from_micros(col(oldest_row, "operation_at")?),
                last_seen: from_micros(col(newest_row, "operation_at")?),
                samples: newest
                    .iter()
                    .map(sample_from_row)
                    .collect::<Result<_, _>>()?,
            });
        }
        let possible_duplicates = self.possible_duplicates(filter, &names).await?;
        Ok(FailureGroups {
            groups,
            channels: channel_names,
            total,
            group_count,
            possible_duplicates,
        })
    }

    /// The possible duplicates under `filter`'s channel and days, per channel. (Read from the
    /// operations through the status index: a possible duplicate waits for a person, so they
    /// are few.)
    async fn possible_duplicates(
        &self,
        filter: &OperationFilter,
        names: &HashMap<i64, String>,
    ) -> Result<Option<PossibleDuplicates>, sqlx::Error> {
        let day = |d: Option<chrono::NaiveDate>, end: bool| {
            d.and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| to_micros(t.and_utc() + chrono::Duration::days(i64::from(end))))
        };
        let rows = sqlx::query(
            "SELECT channel_id, COUNT(*) AS n, MIN(operation_at) AS first_at, \
             MAX(operation_at) AS last_at FROM operations WHERE status = 'possible_duplicate' \
             AND (channel_id = $1 OR $1 IS NULL) AND (operation_at >= $2 OR $2 IS NULL) \
             AND (operation_at < $3 OR $3 IS NULL) GROUP BY channel_id",
        )
        .bind(filter.channel)
        .bind(day(filter.from, false))
        .bind(day(filter.to, true))
        .fetch_all(self.pool())
        .await?;
        let mut channels = Vec::with_capacity(rows.len());
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for row in &rows {
            let id: i64 = col(row, "channel_id")?;
            first = first.min(col(row, "first_at")?);
            last = last.max(col(row, "last_at")?);
            channels.push(ChannelCount {
                id,
                name: names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
                n: col(row, "n")?,
            });
        }
        if channels.is_empty() {
            return Ok(None);
        }
        channels.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.name.cmp(&b.name)));
        Ok(Some(PossibleDuplicates {
            count: channels.iter().map(|c| c.n).sum(),
            channels,
            first_seen: from_micros(first),
            last_seen: from_micros(last),
        }))
    }

    /// The Failed operations of group `key` on day number `day` (of one channel or all), the
    /// oldest or the newest [`SAMPLES`], with the value of the field each failed on.
    async fn group_operations(
        &self,
        key: &str,
        channel: Option<i64>,
        day: i64,
        oldest: bool,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        let dir = if oldest { "ASC" } else { "DESC" };
        let hint = match self.backend() {
            super::Backend::Sqlite => " INDEXED BY operations_by_failure_group",
            super::Backend::Postgres => "",
        };
        let sql = format!(
            "SELECT o.id, o.operation_at, o.error_code, o.error_field, o.error_message, \
             o.error_reason, f.new_value FROM operations o{hint} \
             LEFT JOIN operation_fields f ON f.operation_id = o.id AND f.field = o.error_field \
             WHERE o.failure_group = $1 AND o.status = 'failed' \
             AND (o.channel_id = $2 OR $2 IS NULL) AND o.operation_at >= $3 \
             AND o.operation_at < $4 ORDER BY o.operation_at {dir}, o.id {dir} LIMIT $5"
        );
        sqlx::query(&sql)
            .bind(key)
            .bind(channel)
            .bind(day * DAY_MICROS)
            .bind((day + 1) * DAY_MICROS)
            .bind(SAMPLES)
            .fetch_all(self.pool())
            .await
    }
}

fn sample_from_row(row: &AnyRow) -> Result<FailureSample, sqlx::Error> {
    let error =
        super::operations::last_error_from_row(row)?.ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "error_code".into(),
            source: "a Failed operation without an error".into(),
        })?;
    Ok(FailureSample {
        operation_id: col(row, "id")?,
        value: col(row, "new_value")?,
        error,
    })
}
