//! The 1010 feed as a channel reads it: its legal entity's new and changed customers after a
//! cursor, with the async → real account mapping, and the acknowledgement that moves its
//! cursor. A token reads only its own channel's feed.

use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, rejection::QueryRejection, Path, Query, State},
    Json,
};
use serde::Deserialize;

use app::{
    model::{
        channel_api::{FeedAck, FeedPage},
        Channel,
    },
    storage::{feed::MAX_FEED_PAGE, to_micros},
};

use super::error::ErrorResponse;
use super::{auth::ChannelAuth, error::ApiError, operations::parse_json, schema::shorten};
use crate::state::AppState;

/// Customers per page when the channel does not say.
const DEFAULT_LIMIT: i64 = 100;

/// The query of a feed request.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Start after this cursor (0, or leave it out, for the beginning).
    pub after: Option<i64>,
    /// Customers per page, 1 to 1,000 (default 100).
    pub limit: Option<i64>,
}

/// `GET /api/v1/channels/{channel}/customers?after=CURSOR&limit=N`.
#[utoipa::path(
    get,
    path = "/api/v1/channels/{channel}/customers",
    tag = "1010 feed",
    summary = "New and changed customers for a channel, after a cursor",
    description = "The channel's legal entity's customers created or changed since `after`, each \
        with its real account and the async account (GUID) it replaces. Read pages until \
        `has_more` is false, then acknowledge the last cursor.",
    params(("channel" = String, Path, description = "The channel's code"), FeedQuery),
    responses(
        (status = 200, description = "A page of the feed", body = FeedPage),
        (status = 400, description = "A bad cursor or limit", body = ErrorResponse),
        (status = 401, description = "No valid channel token", body = ErrorResponse),
        (status = 403, description = "The token belongs to another channel", body = ErrorResponse),
        (status = 404, description = "No channel has this code or id", body = ErrorResponse),
        (status = 503, description = "The database is unreachable; retry after `Retry-After` seconds", body = ErrorResponse),
    ),
    security(("channel_token" = []))
)]
pub async fn get_feed(
    State(state): State<AppState>,
    auth: ChannelAuth,
    Path(channel): Path<String>,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Result<Json<FeedPage>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad("query", e.body_text()))?;
    let channel = own_channel(&state, auth, &channel).await?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_FEED_PAGE).contains(&limit) {
        return Err(ApiError::bad(
            "limit",
            format!("must be 1 to {MAX_FEED_PAGE}"),
        ));
    }
    if query.after.is_some_and(|a| a < 0) {
        return Err(ApiError::bad(
            "after",
            "must be a cursor from an earlier page (≥ 0)",
        ));
    }
    Ok(Json(
        state.db.feed_page(channel.id, query.after, limit).await?,
    ))
}

/// `POST /api/v1/channels/{channel}/customers/ack` with `{"cursor": N}`.
#[utoipa::path(
    post,
    path = "/api/v1/channels/{channel}/customers/ack",
    tag = "1010 feed",
    summary = "Acknowledge the feed up to a cursor",
    description = "Moves the channel's cursor: what it acknowledged is not offered again. A \
        cursor never moves back.",
    params(("channel" = String, Path, description = "The channel's code")),
    request_body = FeedAck,
    responses(
        (status = 200, description = "The cursor now stored", body = FeedAck),
        (status = 400, description = "A bad cursor", body = ErrorResponse),
        (status = 401, description = "No valid channel token", body = ErrorResponse),
        (status = 403, description = "The token belongs to another channel", body = ErrorResponse),
        (status = 404, description = "No channel has this code or id", body = ErrorResponse),
        (status = 413, description = "The body is larger than 8 MiB", body = ErrorResponse),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorResponse),
        (status = 503, description = "The database is unreachable; retry after `Retry-After` seconds", body = ErrorResponse),
    ),
    security(("channel_token" = []))
)]
pub async fn post_ack(
    State(state): State<AppState>,
    auth: ChannelAuth,
    Path(channel): Path<String>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<FeedAck>, ApiError> {
    let channel = own_channel(&state, auth, &channel).await?;
    let ack: FeedAck = parse_json(&headers, body)?;
    if ack.cursor < 0 {
        return Err(ApiError::bad(
            "cursor",
            "must be a cursor from the feed (≥ 0)",
        ));
    }
    match state
        .db
        .ack_feed(channel.id, ack.cursor, to_micros(chrono::Utc::now()))
        .await?
    {
        Some(cursor) => Ok(Json(FeedAck { cursor })),
        None => Err(ApiError::bad("cursor", "is past the end of the feed")),
    }
}

/// The channel named in the path (code or id), if the token belongs to it.
async fn own_channel(state: &AppState, auth: ChannelAuth, key: &str) -> Result<Channel, ApiError> {
    let channel = state
        .db
        .channel_by_code_or_id(key)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no channel “{}”", shorten(key))))?;
    if channel.id != auth.channel_id {
        return Err(ApiError::Forbidden(
            "this token belongs to another channel".into(),
        ));
    }
    Ok(channel)
}
