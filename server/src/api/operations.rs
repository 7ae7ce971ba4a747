//! `POST /api/v1/operations`: a channel's batch of customer creates and edits into the inbox.

use std::collections::HashSet;

use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, State},
    http::StatusCode,
    Json,
};

use app::{
    model::channel_api::{BatchReceipt, IncomingOperation, OperationBatch, ReceivedOperation},
    storage::{inbox::ReceiveError, to_micros},
};

use super::error::ErrorResponse;
use super::{
    auth::ChannelAuth,
    error::{ApiError, Problem},
    schema::check_batch,
};
use crate::state::AppState;

/// Stores a batch once (a resent batch gets the same answer), after schema checks only.
#[utoipa::path(
    post,
    path = "/api/v1/operations",
    tag = "operations",
    summary = "Send a batch of customer creates and edits",
    description = "1 to 1,000 operations from the token's channel. Idempotent: a batch sent \
        again (after a timeout, say) stores nothing twice and gets the same answer. Only the \
        shape is checked here; business validation happens in the Synchronize job, and its \
        result shows on the status page and in the 1010 feed.",
    request_body = OperationBatch,
    responses(
        (status = 200, description = "Every operation was received", body = BatchReceipt),
        (status = 400, description = "The batch breaks the schema; each problem names its item and field; nothing was stored", body = ErrorResponse),
        (status = 401, description = "No valid channel token", body = ErrorResponse),
        (status = 409, description = "Operation ids were used before for other content; nothing was stored", body = ErrorResponse),
        (status = 413, description = "The body is larger than 8 MiB", body = ErrorResponse),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorResponse),
        (status = 503, description = "The database is unreachable; retry after `Retry-After` seconds", body = ErrorResponse),
    ),
    security(("channel_token" = []))
)]
pub async fn post_operations(
    State(state): State<AppState>,
    auth: ChannelAuth,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<BatchReceipt>, ApiError> {
    let mut batch: OperationBatch = parse_json(&headers, body)?;
    batch.operations = batch
        .operations
        .into_iter()
        .map(IncomingOperation::canonical)
        .collect();
    let channel = state
        .db
        .channels()
        .await?
        .into_iter()
        .find(|c| c.id == auth.channel_id)
        .ok_or(ApiError::Unauthorized)?;
    let attribute_names: HashSet<String> = state
        .db
        .attribute_definitions(&channel.legal_entity_id)
        .await?
        .into_iter()
        .map(|d| d.name)
        .collect();
    let problems = check_batch(&batch, &attribute_names, chrono::Utc::now());
    if !problems.is_empty() {
        return Err(ApiError::BadRequest {
            message: format!(
                "{} problem(s) in the batch; nothing was stored",
                problems.len()
            ),
            problems,
        });
    }
    let items: Vec<(String, String)> = batch
        .operations
        .iter()
        .map(|op| {
            let payload = serde_json::to_string(op).map_err(|e| {
                tracing::error!(%e, "cannot serialize an operation");
                ApiError::Internal
            })?;
            Ok((op.channel_operation_id.clone(), payload))
        })
        .collect::<Result<_, ApiError>>()?;
    let now = to_micros(chrono::Utc::now());
    match state.db.receive_operations(channel.id, &items, now).await {
        Ok(ids) => Ok(Json(BatchReceipt {
            received: items
                .into_iter()
                .zip(ids)
                .map(|((channel_operation_id, _), inbox_id)| ReceivedOperation {
                    channel_operation_id,
                    inbox_id,
                })
                .collect(),
        })),
        Err(ReceiveError::ReusedIds(reused)) => Err(ApiError::Conflict {
            message: "operation ids were received before with other content; nothing was stored"
                .into(),
            problems: batch
                .operations
                .iter()
                .enumerate()
                .filter(|(_, op)| reused.contains(&op.channel_operation_id))
                .map(|(i, _)| Problem {
                    item: Some(i),
                    field: format!("operations[{i}].channel_operation_id"),
                    message: "was already used for an operation with other content".into(),
                })
                .collect(),
        }),
        Err(ReceiveError::Database(error)) => Err(error.into()),
    }
}

/// Reads a JSON body: 415 unless it is declared as JSON, 413 past the size limit (stopping
/// there, not reading it whole), 400 naming where the JSON is wrong.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::bad("body", "the request body could not be read")
        }
    })?;
    let reader = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(reader).map_err(|e| {
        // Broken JSON is the body's fault; a value of the wrong shape is its member's.
        let path = e.path().to_string();
        let field = if path == "." || !e.inner().is_data() {
            "body".to_owned()
        } else {
            path
        };
        ApiError::bad(field, format!("not a valid request: {}", e.into_inner()))
    })
}

/// Whether the body is declared as JSON: `application/json` or a `+json` type, any parameters.
pub fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}
