//! The API's one error shape: a status code and a JSON body naming each bad item and field.
//! Database and internal text never appear in it; they go to the log.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;

/// Seconds a channel should wait before trying again while the database is unreachable.
pub const RETRY_AFTER_SECONDS: u64 = 30;

/// One problem with one value of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Index of the operation in the batch, when the problem is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    /// Where the value is, e.g. `operations[3].fields[2].new_value`.
    pub field: String,
    pub message: String,
}

/// An API failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request is malformed or breaks the schema; `problems` names each bad value.
    BadRequest {
        message: String,
        problems: Vec<Problem>,
    },
    Unauthorized,
    Forbidden(String),
    /// No such endpoint or resource; the sentence says which.
    NotFound(String),
    Conflict {
        message: String,
        problems: Vec<Problem>,
    },
    PayloadTooLarge,
    /// The body is not declared as JSON (`Content-Type: application/json`).
    UnsupportedMediaType,
    Unavailable,
    Internal,
}

/// The body of every API error.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorResponse)]
pub struct Body<'a> {
    error: ErrorBody<'a>,
}

/// The body's name in the OpenAPI document.
pub type ErrorResponse = Body<'static>;

/// What went wrong: a stable code, a sentence, and each bad value.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorDetail)]
pub struct ErrorBody<'a> {
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `payload_too_large`, `unsupported_media_type`, `unavailable` or `internal`.
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[Problem]>::is_empty")]
    problems: &'a [Problem],
}

impl ApiError {
    /// A bad request with one problem.
    pub fn bad(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest {
            message: "the request is not valid".to_owned(),
            problems: vec![Problem {
                item: None,
                field: field.into(),
                message,
            }],
        }
    }

    fn parts(&self) -> (StatusCode, &str, &str, &[Problem]) {
        match self {
            Self::BadRequest { message, problems } => {
                (StatusCode::BAD_REQUEST, "bad_request", message, problems)
            }
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid channel token is required (Authorization: Bearer …)",
                &[],
            ),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, "forbidden", message, &[]),
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message, &[]),
            Self::Conflict { message, problems } => {
                (StatusCode::CONFLICT, "conflict", message, problems)
            }
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large; send at most 1,000 operations per batch",
                &[],
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON, sent with Content-Type: application/json",
                &[],
            ),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the database is unreachable; try again later",
                &[],
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; the details are in the server log",
                &[],
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, problems) = self.parts();
        let mut response = (
            status,
            Json(Body {
                error: ErrorBody {
                    code,
                    message,
                    problems,
                },
            }),
        )
            .into_response();
        let headers = response.headers_mut();
        match self {
            Self::Unavailable => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
            }
            Self::Unauthorized => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if app::storage::is_unavailable(&error) {
            tracing::warn!(%error, "API: database unavailable");
            Self::Unavailable
        } else {
            tracing::error!(%error, "API: database error");
            Self::Internal
        }
    }
}

/// Unknown paths under `/api`.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint".into())
}
