//! Static files (the built client in `pkg/`, the favicon) and the HTTP caching of every
//! answer: pages and server functions carry personal data and are never stored by a browser or
//! proxy (`no-store`); the client's files are revalidated (`no-cache`: a browser keeps them and
//! asks whether they changed, answered 304 while they did not).

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::state::AppState;

/// Paths that are files of the built client or of `public/` (never personal data).
pub fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/pages.js")
}

/// The router's fallback: a file of the site root for GET and HEAD, else the not-found page;
/// 405 for every other method (a file cannot be replaced, deleted or traced).
pub async fn files_or_not_found(uri: Uri, state: State<AppState>, request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed",
        )
            .into_response();
    }
    leptos_axum::file_and_error_handler::<AppState, _>(app::shell)(uri, state, request).await
}

/// Sets `Cache-Control` on answers that did not choose their own.
pub async fn cache_headers(request: Request<Body>, next: Next) -> Response {
    let file = is_static(request.uri().path());
    let mut response = next.run(request).await;
    let policy = if file && response.status().is_success() {
        "no-cache"
    } else {
        "no-store"
    };
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(policy));
    response
}
