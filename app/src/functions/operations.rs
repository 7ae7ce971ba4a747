//! Server functions of the status list.

use leptos::prelude::*;

use crate::answer_codec::Answer;
use crate::{
    model::{FilterCounts, OperationDetail, OperationPage},
    AppError,
};

/// How many operations one page of the status list shows.
pub const PAGE_SIZE: i64 = 50;

/// A page of the status list: the filter and page position as the page's URL query has them
/// (`status=failed&f=email~contains~gmial&before=…`), newest first.
#[server(prefix = "/rpc", endpoint = "operations/list", output = Answer)]
pub async fn list_operations(query: String) -> Result<OperationPage, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    list(&db, &query).await.map_err(super::with_status)
}

/// The plain function behind [`list_operations`]: every problem with the query is a
/// validation error naming its URL parameter.
#[cfg(feature = "ssr")]
pub async fn list(db: &crate::storage::Db, query: &str) -> Result<OperationPage, AppError> {
    let (filter, cursor) = read_query(db, query).await?;
    Ok(db.filtered_page(&filter, cursor, PAGE_SIZE).await?)
}

/// The status chips of the list's filter: operations per status under the filter as the
/// page's URL query has it (its status, page position and view aside).
#[server(prefix = "/rpc", endpoint = "operations/counts", output = Answer)]
pub async fn count_operations(query: String) -> Result<FilterCounts, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    counts(&db, &query).await.map_err(super::with_status)
}

/// The plain function behind [`count_operations`].
#[cfg(feature = "ssr")]
pub async fn counts(db: &crate::storage::Db, query: &str) -> Result<FilterCounts, AppError> {
    let (filter, _) = read_query(db, query).await?;
    Ok(db.filtered_counts(&filter).await?)
}

/// The filter of a list query (its page position aside), checked: every problem is a
/// validation error naming its URL parameter.
#[cfg(feature = "ssr")]
pub async fn read_filter(
    db: &crate::storage::Db,
    query: &str,
) -> Result<crate::model::OperationFilter, AppError> {
    Ok(read_query(db, query).await?.0)
}

/// The filter and page position of a list query, checked: every problem is a validation
/// error naming its URL parameter.
#[cfg(feature = "ssr")]
async fn read_query(
    db: &crate::storage::Db,
    query: &str,
) -> Result<
    (
        crate::model::OperationFilter,
        Option<crate::model::OperationCursor>,
    ),
    AppError,
> {
    use crate::model::{filter::FilterField, OperationCursor, OperationFilter};
    const MAX_QUERY: usize = 16 * 1024;
    if query.len() > MAX_QUERY {
        return Err(AppError::validation("query", "the filter is too long"));
    }
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    let filter = OperationFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|p| AppError::validation(p.param.clone(), p.message()))?;
    if !filter.fields.is_empty() {
        let catalog = FilterField::catalog(&db.every_attribute_definition().await?);
        for f in &filter.fields {
            FilterField::check(&catalog, f).map_err(|m| AppError::validation("f", m.message()))?;
        }
    }
    let before = pairs
        .iter()
        .find(|(k, _)| k == "before")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty());
    let cursor = match before {
        None => None,
        Some(text) => Some(OperationCursor::decode(text).ok_or_else(|| {
            AppError::validation(
                "before",
                "is not a page position; start again from the newest operations",
            )
        })?),
    };
    Ok((filter, cursor))
}

/// What the filter bar offers: the channels and every field with its kind.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FilterMenu {
    /// (id, name), by name.
    pub channels: Vec<(i64, String)>,
    pub fields: Vec<crate::model::filter::FilterField>,
}

/// The channels and fields the filter bar offers.
#[server(prefix = "/rpc", endpoint = "operations/filter-choices", output = Answer)]
pub async fn filter_choices() -> Result<FilterMenu, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    choices(&db).await.map_err(super::with_status)
}

/// The plain function behind [`filter_choices`].
#[cfg(feature = "ssr")]
pub async fn choices(db: &crate::storage::Db) -> Result<FilterMenu, AppError> {
    let channels = db.channel_names().await?;
    let fields =
        crate::model::filter::FilterField::catalog(&db.every_attribute_definition().await?);
    Ok(FilterMenu { channels, fields })
}

/// One operation in full, for the detail. `id` comes from the URL (`?op=`), so it is checked
/// here, not trusted.
#[server(prefix = "/rpc", endpoint = "operations/detail", output = Answer)]
pub async fn open_operation(id: String) -> Result<OperationDetail, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    detail(&db, &id).await.map_err(super::with_status)
}

/// The plain function behind [`open_operation`].
#[cfg(feature = "ssr")]
pub async fn detail(db: &crate::storage::Db, id: &str) -> Result<OperationDetail, AppError> {
    let id: i64 = id
        .trim()
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::validation("op", "is not an operation number"))?;
    db.operation_detail(id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: format!("operation {id}"),
        })
}

/// How many values the filter bar suggests at once.
pub const SUGGESTIONS: i64 = 8;

/// Values in use for `field` that start with what was typed (`prefix`) — or, `containing`,
/// that contain it anywhere — most frequent first: the filter bar's suggestions as a person
/// types.
#[server(prefix = "/rpc", endpoint = "operations/suggest", output = Answer)]
pub async fn suggest_values(
    field: String,
    prefix: String,
    #[server(default)] containing: bool,
) -> Result<Vec<String>, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    suggestions(&db, &field, &prefix, containing)
        .await
        .map_err(super::with_status)
}

/// The plain function behind [`suggest_values`]: the field must be one the filter offers.
#[cfg(feature = "ssr")]
pub async fn suggestions(
    db: &crate::storage::Db,
    field: &str,
    prefix: &str,
    containing: bool,
) -> Result<Vec<String>, AppError> {
    use crate::model::filter::{FilterField, MAX_FILTER_VALUE};
    if prefix.chars().count() > MAX_FILTER_VALUE {
        return Err(AppError::validation(
            "prefix",
            format!("is longer than {MAX_FILTER_VALUE} characters"),
        ));
    }
    let catalog = FilterField::catalog(&db.every_attribute_definition().await?);
    if !catalog.iter().any(|f| f.key == field) {
        return Err(AppError::validation("field", "is not a customer field"));
    }
    if containing {
        if let Some(values) = db
            .suggest_values_containing(field, prefix, SUGGESTIONS)
            .await?
        {
            return Ok(values);
        }
    }
    Ok(db.suggest_values(field, prefix, SUGGESTIONS).await?)
}
