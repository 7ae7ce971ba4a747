//! The channel API's authentication: the bearer token names the one channel it speaks for
//! (tokens are made in `app::access::secrets`).

use app::access::secrets::{token_hash, TOKEN_PREFIX};
use axum::{extract::FromRequestParts, http::request::Parts};

use super::error::ApiError;
use crate::startup::AppState;

/// The channel the request's bearer token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelAuth {
    pub channel_id: i64,
}

impl FromRequestParts<AppState> for ChannelAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .ok_or(ApiError::Unauthorized)?;
        let now = app::storage::to_micros(chrono::Utc::now());
        match state.db.channel_of_token(&token_hash(token), now).await? {
            Some(channel_id) => Ok(Self { channel_id }),
            None => Err(ApiError::Unauthorized),
        }
    }
}
