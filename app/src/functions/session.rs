//! The signed-in person, for the pages: who they are and what their role lets them see.

use leptos::prelude::*;

use crate::{model::SignedIn, AppError};

/// Who is signed in (`None` when nobody is): the top bar shows them, and the pages hide what
/// their role cannot do. Hiding is never the protection: every server function checks again.
#[server(endpoint = "session/who")]
pub async fn who_am_i() -> Result<Option<SignedIn>, AppError> {
    Ok(crate::access::signed_in())
}
