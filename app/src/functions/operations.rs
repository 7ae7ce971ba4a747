//! Server functions of the status list.

use leptos::prelude::*;

use crate::{
    model::{OperationDetail, OperationPage},
    AppError,
};

/// How many operations one page of the status list shows.
pub const PAGE_SIZE: i64 = 50;

/// A page of operations, newest first. `before` is the cursor of the previous page's end, as it
/// appears in the URL; `None` for the newest operations.
#[server(endpoint = "operations/page")]
pub async fn operations_page(before: Option<String>) -> Result<OperationPage, AppError> {
    let db = super::db()?;
    page(&db, before.as_deref()).await.map_err(super::fail)
}

/// The plain function behind [`operations_page`].
#[cfg(feature = "ssr")]
pub async fn page(
    db: &crate::storage::Db,
    before: Option<&str>,
) -> Result<OperationPage, AppError> {
    use crate::model::OperationCursor;
    let cursor = match before.filter(|b| !b.is_empty()) {
        None => None,
        Some(text) => Some(OperationCursor::decode(text).ok_or_else(|| {
            AppError::validation(
                "before",
                "is not a page position; start again from the newest operations",
            )
        })?),
    };
    Ok(db.operations_page(cursor, PAGE_SIZE).await?)
}

/// One operation in full, for the detail. `id` comes from the URL (`?op=`), so it is checked
/// here, not trusted.
#[server(endpoint = "operations/detail")]
pub async fn open_operation(id: String) -> Result<OperationDetail, AppError> {
    let db = super::db()?;
    detail(&db, &id).await.map_err(super::fail)
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
