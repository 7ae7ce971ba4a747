//! The signed-in person, for the pages: who they are and what their role lets them see.

use leptos::prelude::*;

use crate::answer_codec::Answer;
use crate::{model::SignedIn, AppError};

/// Who is signed in (`None` when nobody is): the top bar shows them, and the pages hide what
/// their role cannot do. Hiding is never the protection: every server function checks again.
#[server(prefix = "/rpc", endpoint = "session/who", output = Answer)]
pub async fn who_am_i() -> Result<Option<SignedIn>, AppError> {
    Ok(crate::access::signed_in())
}

/// Whether the database answers: the sign-in page says so when it does not, since signing in
/// cannot work then.
#[server(prefix = "/rpc", endpoint = "session/database", output = Answer)]
pub async fn database_reachable() -> Result<(), AppError> {
    let db = super::db()?;
    db.ping()
        .await
        .map_err(|error| super::with_status(AppError::from(error)))
}
