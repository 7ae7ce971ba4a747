//! Server functions of possible duplicates: a person's decision on one — Link it to the
//! existing customer, or Create it anyway (Correct is the correction editor's). Needs the
//! operator role; each decision is a line in the change log.

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::{
    answer_codec::Answer,
    model::duplicate::{DuplicateDecision, DuplicateRefusal},
    AppError,
};

/// Carries out `decision` on possible duplicate `id`, as the page showed it at `version`; a
/// refusal (nothing changed) says why.
#[server(prefix = "/rpc", endpoint = "duplicates/decide", input = Json, output = Answer)]
pub async fn decide_duplicate(
    id: i64,
    version: i64,
    decision: DuplicateDecision,
) -> Result<Result<(), DuplicateRefusal>, AppError> {
    let person =
        crate::access::require(crate::model::Role::Operator).map_err(super::with_status)?;
    let db = super::db()?;
    let now = crate::storage::to_micros(chrono::Utc::now());
    db.decide_duplicate(id, version, decision, &person.name, now)
        .await
        .map_err(|e| super::with_status(e.into()))
}
