//! Channel tokens: a random secret shown once, stored as its SHA-256 hash, that lets one
//! channel post its operations and read its feed.

use axum::{extract::FromRequestParts, http::request::Parts};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::startup::AppState;

/// What every token starts with, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "cst_";

/// A new random token (256 bits).
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// The stored form of a token. A fast hash is right here: the token is random and long, so
/// there is nothing to guess (unlike a password).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
    }

    #[test]
    fn the_stored_hash_is_not_the_token() {
        let token = new_token();
        let hash = token_hash(&token);
        assert_eq!(hash, token_hash(&token));
        assert!(!hash.contains(&token[TOKEN_PREFIX.len()..]));
    }
}
