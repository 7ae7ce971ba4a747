//! Server functions of the status list.

use leptos::prelude::*;

use crate::{model::OperationPage, AppError};

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
