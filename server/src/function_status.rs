//! Server functions answer with the HTTP status their error says. A call the server function
//! cannot even read (a value of the wrong type, a body that is not JSON) fails before the
//! function runs, and leptos answers every such failure with 500; the [`AppError`] inside says
//! what it really is (a 400 naming the field), so the answer gets that status.

use app::{functions::SERVER_FUNCTIONS, AppError};
use axum::{
    body::Body,
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The largest error answer read to find its status (error answers are a few hundred bytes).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Whether `path` is a server function's: they live under [`SERVER_FUNCTIONS`], apart from the
/// channel API's `/api/v1/`.
pub fn is_server_function(path: &str) -> bool {
    path.strip_prefix(SERVER_FUNCTIONS)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Gives a server function's 500 answer the status of the [`AppError`] it carries.
pub async fn error_status(request: Request, next: Next) -> Response {
    let server_function = is_server_function(request.uri().path());
    let response = next.run(request).await;
    if !server_function || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status_code()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
