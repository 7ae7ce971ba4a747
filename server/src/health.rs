//! `/healthz`: answers 200 when the database responds, 503 otherwise, for load balancers and
//! monitoring.

use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;

use crate::startup::AppState;

/// The body of `/healthz`.
#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
}

/// Checks the database with a trivial query.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let backend = state.db.backend().name();
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: backend,
            }),
        ),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "database unreachable",
                    database: backend,
                }),
            )
        }
    }
}
