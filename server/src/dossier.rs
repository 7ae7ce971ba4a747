//! A person's data as one JSON document (GDPR article 15): `GET /customer-data.json?<one of
//! account, async_account, email, phone>` for admins, and `custsync customer export` on the
//! command line. What is gathered, and how a lookup finds its customer: `app::storage::dossier`.
//!
//! Each export is a line of the audit log naming the customer's account (or GUIDs), never the
//! value asked by: the audit log must not become another copy of the person's data.

use crate::message_page::plain;
use app::{
    model::{
        dossier::{CustomerLookup, LookupMistake},
        user::SignedIn,
        Role,
    },
    storage::{dossier::LookupError, to_micros, Db},
};
use axum::{
    extract::{RawQuery, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use serde_json::{json, Value};

/// Who the audit log names for an export made on the command line.
pub const CLI_ACTOR: &str = "command line";

pub use app::functions::customer_data::plain::CUSTOMER_DATA_PATH;

/// Why a dossier could not be made.
#[derive(Debug)]
pub enum DossierError {
    /// The lookup is refused (its text names the parameter).
    Mistake(LookupMistake),
    /// The database failed.
    Database(sqlx::Error),
}

impl From<LookupError> for DossierError {
    fn from(error: LookupError) -> Self {
        match error {
            LookupError::Mistake(mistake) => Self::Mistake(mistake),
            LookupError::Database(error) => Self::Database(error),
        }
    }
}

impl From<sqlx::Error> for DossierError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// Everything held about `lookup`'s customer, as the document handed out, and the audit line
/// that `actor` exported it.
pub async fn dossier(db: &Db, lookup: &CustomerLookup, actor: &str) -> Result<Value, DossierError> {
    let keys = db.find_customer(lookup).await?;
    let tables = db.customer_dossier(&keys).await?;
    let now = chrono::Utc::now();
    let operations = tables["operations"].as_array().map_or(0, Vec::len);
    let who = match &keys.account {
        Some(account) => format!("account {account}"),
        None => format!("async accounts {}", keys.async_accounts.join(", ")),
    };
    db.audit(
        actor,
        "customer.export",
        &format!(
            "{who} · {operations} operations · asked by {}",
            lookup.param()
        ),
        to_micros(now),
    )
    .await?;
    Ok(json!({
        "exported_at": now.to_rfc3339(),
        "exported_by": actor,
        "customer": {
            "account": keys.account,
            "async_accounts": keys.async_accounts,
        },
        "tables": tables,
    }))
}

/// `GET /customer-data.json`: see the module's text.
pub async fn customer_data(
    State(db): State<Db>,
    person: Option<Extension<SignedIn>>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(Extension(person)) = person else {
        return plain(StatusCode::UNAUTHORIZED, "Sign in as an admin.".into());
    };
    if !person.may(Role::Admin) {
        return plain(
            StatusCode::FORBIDDEN,
            "Only an admin may export a customer's data.".into(),
        );
    }
    let query = query.unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let lookup =
        match CustomerLookup::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(lookup) => lookup,
            Err(mistake) => return refused(&mistake),
        };
    match dossier(&db, &lookup, &person.name).await {
        Ok(document) => {
            let name = document["customer"]["account"]
                .as_str()
                .map_or_else(|| lookup.key(), str::to_owned)
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_");
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"custsync-customer-{name}.json\""),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                document.to_string(),
            )
                .into_response()
        }
        Err(DossierError::Mistake(mistake)) => refused(&mistake),
        Err(DossierError::Database(error)) => {
            tracing::warn!(%error, "customer data export failed");
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "The database did not answer. Try again in a moment.".into(),
            )
        }
    }
}

/// A refused lookup: 404 when nothing matches, else 400; the text names the parameter.
fn refused(mistake: &LookupMistake) -> Response {
    let status = match mistake {
        LookupMistake::NotFound { .. } => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    plain(status, format!("{}: {}", mistake.param(), mistake.text()))
}
