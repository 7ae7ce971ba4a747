//! Server function of the failures page.

use leptos::prelude::*;

use crate::answer_codec::Answer;
use crate::{model::failure_group::FailureGroups, AppError};

/// The failure groups under the page's filter, as its URL query has it (`channel=3&from=…&to=…`;
/// other parameters are ignored), most operations first.
#[server(prefix = "/rpc", endpoint = "failures/groups", output = Answer)]
pub async fn group_failures(query: String) -> Result<FailureGroups, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    groups(&db, &query).await.map_err(super::with_status)
}

/// The parameters of the status list's filter the failures page narrows by.
pub const FILTER_PARAMS: [&str; 3] = ["channel", "from", "to"];

/// The plain function behind [`group_failures`]: a problem with the query is a validation
/// error naming its URL parameter.
#[cfg(feature = "ssr")]
pub async fn groups(db: &crate::storage::Db, query: &str) -> Result<FailureGroups, AppError> {
    let filter = read_filter(query)?;
    Ok(db.failure_groups(&filter).await?)
}

/// The channel and days of a failures page query, checked like the status list's.
pub fn read_filter(query: &str) -> Result<crate::model::OperationFilter, AppError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .into_owned()
            .filter(|(k, _)| FILTER_PARAMS.contains(&k.as_str()))
            .collect();
    crate::model::OperationFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|p| AppError::validation(p.param.clone(), p.message()))
}
