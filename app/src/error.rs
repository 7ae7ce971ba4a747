//! The one error type that crosses the wire: what a browser or a channel may see.
//!
//! Internal details (database text, file paths) are logged on the server and replaced by
//! [`AppError::Internal`], so they never reach a client.

use crate::answer_codec::JsonText;
use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A failure a user can be told about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist.
    #[error("{what} not found")]
    NotFound { what: String },
    /// A value given by the user is not acceptable; `field` names it.
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    /// Someone else changed the thing meanwhile.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Nobody is signed in (or the session expired).
    #[error("sign in first")]
    SignInNeeded,
    /// The signed-in person's role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// The database cannot be reached right now; trying again later may work.
    #[error("the database is unreachable; try again in a moment")]
    Unavailable,
    /// Something went wrong inside custsync; the details are in the server log.
    #[error("internal error; the details are in the server log")]
    Internal,
    /// The request itself could not be sent or read (network, encoding).
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    /// A validation error naming `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status that fits this error.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound { .. } => 404,
            Self::Validation { .. } | Self::Request(_) => 400,
            Self::Conflict(_) => 409,
            Self::SignInNeeded => 401,
            Self::Forbidden => 403,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                // A strict input type names the path of what is wrong (`values.email: …`).
                match message.split_once(": ") {
                    Some((path, rest))
                        if !path.is_empty() && path.len() <= 200 && !path.contains(' ') =>
                    {
                        Self::validation(path, rest)
                    }
                    _ => Self::validation("request", message),
                }
            }
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                Self::Request(message)
            }
            _ => Self::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if crate::storage::is_unavailable(&error) {
            tracing::warn!(%error, "database unavailable");
            Self::Unavailable
        } else {
            tracing::error!(%error, "database error");
            Self::Internal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_the_field_and_are_bad_requests() {
        let error = AppError::validation("receipt_email", "is not a valid address");
        assert_eq!(error.to_string(), "receipt_email: is not a valid address");
        assert_eq!(error.status_code(), 400);
    }

    #[test]
    fn an_argument_of_the_wrong_type_is_named_by_its_path() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "values.email: invalid type: integer `3`, expected a string".into(),
        ));
        assert_eq!(
            error,
            AppError::validation(
                "values.email",
                "invalid type: integer `3`, expected a string"
            )
        );
        let plain = AppError::from_server_fn_error(ServerFnErrorErr::Args("expected value".into()));
        assert!(matches!(plain, AppError::Validation { field, .. } if field == "request"));
    }

    #[test]
    fn internal_errors_say_nothing_about_the_inside() {
        assert!(!AppError::Internal.to_string().contains("sql"));
        assert_eq!(AppError::Internal.status_code(), 500);
    }
}
