//! The channel API's authentication: the bearer token names the one channel it speaks for
//! (tokens are made in `app::access::secrets`).

use app::access::secrets::{token_hash, TOKEN_PREFIX};
use axum::{extract::FromRequestParts, http::request::Parts};

use super::error::ApiError;
use crate::state::AppState;

/// The token of an `Authorization: Bearer <token>` value; the scheme's name in any case (HTTP
/// auth schemes are case-insensitive).
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

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
            .and_then(bearer_token)
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .ok_or(ApiError::Unauthorized)?;
        let now = app::storage::to_micros(chrono::Utc::now());
        match state.db.channel_of_token(&token_hash(token), now).await? {
            Some(channel_id) => {
                if let Some(caller) = parts.extensions.get::<super::calls::CallerChannel>() {
                    caller.set(channel_id);
                }
                Ok(Self { channel_id })
            }
            None => Err(ApiError::Unauthorized),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer_token("Bearer cs_abc"), Some("cs_abc"));
        assert_eq!(bearer_token("bearer cs_abc"), Some("cs_abc"));
        assert_eq!(bearer_token("BEARER  cs_abc "), Some("cs_abc"));
        assert_eq!(bearer_token("Basic cs_abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
    }
}
