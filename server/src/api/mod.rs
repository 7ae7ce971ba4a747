//! The channel API, version 1: JSON over HTTP, one bearer token per channel.
//!
//! - `POST /api/v1/operations` — a batch of customer creates and edits (idempotent).
//! - `GET  /api/v1/channels/{channel}/customers?after=&limit=` — the 1010 feed.
//! - `POST /api/v1/channels/{channel}/customers/ack` — moves the channel's cursor.
//! - `GET  /api/v1/openapi.json` — the OpenAPI document of all of the above.

pub mod auth;
pub mod calls;
pub mod error;
pub mod feed;
pub mod openapi;
pub mod operations;
pub mod schema;

use axum::{
    extract::DefaultBodyLimit,
    http::Method,
    routing::{get, post, MethodRouter},
    Router,
};

use crate::state::AppState;

/// The largest request body the API reads (a full batch of 1,000 operations fits easily).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The API's endpoints, under `/api`: the one table the router and the access test read.
pub fn endpoints() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/v1/openapi.json", get(openapi::document)),
        (
            Method::POST,
            "/v1/operations",
            post(operations::post_operations),
        ),
        (
            Method::GET,
            "/v1/channels/{channel}/customers",
            get(feed::get_feed),
        ),
        (
            Method::POST,
            "/v1/channels/{channel}/customers/ack",
            post(feed::post_ack),
        ),
    ]
}

/// The API's routes, to be nested under `/api`; each answer is counted in `state`'s
/// [`calls::ApiCalls`].
pub fn routes(state: &AppState) -> Router<AppState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.api_calls.clone(),
            crate::monitoring::track_api,
        ))
}
