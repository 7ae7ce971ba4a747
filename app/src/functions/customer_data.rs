//! Server functions of the admin page's customer data (GDPR): find one customer by account,
//! GUID, email or phone and see what custsync holds about them, then download it (the JSON
//! document is served at `/customer-data.json`) or erase it with a typed confirmation. Both
//! need the admin role; an erasure is a line in the audit log.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{answer_codec::Answer, AppError};

/// Whom a lookup found, and how much custsync holds about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDataSummary {
    /// The real account, when the customer was made.
    pub account: Option<String>,
    /// The customer's name in the customer master (the erased marker once erased).
    pub name: Option<String>,
    /// Their temporary accounts (GUIDs).
    pub async_accounts: Vec<String>,
    /// Their operations, and how many of them are not Succeeded.
    pub operations: i64,
    pub unfinished: i64,
    /// When they were erased, if they were.
    pub erased_at: Option<DateTime<Utc>>,
    /// Operations whose values are not erased: after an erasure, those that arrived since
    /// (another erasure takes them).
    pub not_erased: i64,
    /// What an admin types to confirm an erasure: the account, or the first GUID.
    pub confirm_with: String,
    /// The download's address (`/customer-data.json?<param>=<value>`).
    pub download: String,
}

/// What an erasure changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureDone {
    pub operations: usize,
    pub stopped: usize,
}

/// Finds the customer `by` (account, async_account, email or phone) `value` names.
#[server(prefix = "/rpc", endpoint = "customer-data/find", output = Answer)]
pub async fn find_customer_data(
    by: String,
    value: String,
) -> Result<CustomerDataSummary, AppError> {
    crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::find(&db, &by, &value)
        .await
        .map_err(super::with_status)
}

/// Erases the personal data of the customer `by` `value` names, once `confirm` is their
/// account (or GUID).
#[server(prefix = "/rpc", endpoint = "customer-data/erase", output = Answer)]
pub async fn erase_customer_data(
    by: String,
    value: String,
    confirm: String,
) -> Result<ErasureDone, AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::erase(&db, &admin.name, &by, &value, &confirm)
        .await
        .map_err(super::with_status)
}

/// The plain, tested functions behind the server functions.
#[cfg(feature = "ssr")]
pub mod plain {
    use super::{CustomerDataSummary, ErasureDone};
    use crate::{
        model::dossier::CustomerLookup,
        storage::{dossier::LookupError, erasure::ErasureError, to_micros, Db},
        AppError,
    };

    /// Where an admin downloads a customer's data (served by the server crate).
    pub const CUSTOMER_DATA_PATH: &str = "/customer-data.json";

    fn lookup(by: &str, value: &str) -> Result<CustomerLookup, AppError> {
        CustomerLookup::from_pairs([(by, value)])
            .map_err(|mistake| AppError::validation(mistake.param(), mistake.text()))
    }

    /// See [`super::find_customer_data`].
    pub async fn find(db: &Db, by: &str, value: &str) -> Result<CustomerDataSummary, AppError> {
        let lookup = lookup(by, value)?;
        let keys = match db.find_customer(&lookup).await {
            Ok(keys) => keys,
            Err(LookupError::Mistake(mistake)) => {
                return Err(AppError::validation(mistake.param(), mistake.text()))
            }
            Err(LookupError::Database(error)) => return Err(error.into()),
        };
        let held = db.customer_holdings(&keys).await?;
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair(lookup.param(), value.trim())
            .finish();
        Ok(CustomerDataSummary {
            confirm_with: keys.who(),
            account: keys.account,
            name: held.name,
            async_accounts: keys.async_accounts,
            operations: held.operations,
            unfinished: held.unfinished,
            erased_at: held.erased_at,
            not_erased: held.not_erased,
            download: format!("{CUSTOMER_DATA_PATH}?{query}"),
        })
    }

    /// See [`super::erase_customer_data`].
    pub async fn erase(
        db: &Db,
        actor: &str,
        by: &str,
        value: &str,
        confirm: &str,
    ) -> Result<ErasureDone, AppError> {
        let lookup = lookup(by, value)?;
        let now = to_micros(chrono::Utc::now());
        match db.erase_customer(&lookup, confirm, actor, now).await {
            Ok((_, erasure)) => Ok(ErasureDone {
                operations: erasure.operations,
                stopped: erasure.stopped,
            }),
            Err(ErasureError::Database(error)) => Err(error.into()),
            Err(refused) => {
                let (param, text) = refused.refusal().unwrap_or_default();
                Err(AppError::validation(param, text))
            }
        }
    }
}
