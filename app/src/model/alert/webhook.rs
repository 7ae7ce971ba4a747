//! The webhooks an alert calls: as the admin page lists them, how their last call went, and
//! the check of a new one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A webhook, as the admin page lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSummary {
    pub id: i64,
    pub url: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_delivery: Option<DeliveryState>,
}

/// How a webhook's latest call went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    Delivered {
        at: DateTime<Utc>,
    },
    /// Still trying: attempt `attempts` failed because of `error`; the next at `next_at`.
    Retrying {
        attempts: i64,
        error: String,
        next_at: DateTime<Utc>,
    },
    GivenUp {
        attempts: i64,
        error: String,
        at: DateTime<Utc>,
    },
}

/// The shortest webhook secret accepted (characters).
pub const MIN_SECRET: usize = 16;
/// The longest webhook secret accepted (characters).
pub const MAX_SECRET: usize = 200;
/// The longest webhook address accepted (characters).
pub const MAX_URL: usize = 2_000;

#[cfg(feature = "ssr")]
/// Checks a webhook typed on the admin page: an http(s) address with a host, and a secret long
/// enough to sign with. `(field, message)` names what is wrong.
pub fn check_webhook(url: &str, secret: &str) -> Result<(String, String), (&'static str, String)> {
    let url = url.trim();
    if url.chars().count() > MAX_URL {
        return Err(("url", format!("is longer than {MAX_URL} characters")));
    }
    let parsed = url::Url::parse(url).map_err(|_| {
        (
            "url",
            "is not a web address (http://… or https://…)".to_owned(),
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(("url", "must start with http:// or https://".to_owned()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(("url", "has no host".to_owned()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err((
            "url",
            "must not hold a user name or password (the secret signs each call)".to_owned(),
        ));
    }
    let length = secret.chars().count();
    if length < MIN_SECRET {
        return Err(("secret", format!("must be {MIN_SECRET} characters or more")));
    }
    if length > MAX_SECRET {
        return Err(("secret", format!("must be {MAX_SECRET} characters or less")));
    }
    if secret.chars().any(char::is_control) {
        return Err(("secret", "must not hold control characters".to_owned()));
    }
    Ok((parsed.to_string(), secret.to_owned()))
}
