//! `/healthz`: answers 200 when the database responds and this instance's job scheduler (if it
//! runs jobs) is alive, 503 naming what is wrong otherwise, for load balancers and monitoring.

use app::model::SchedulerState;
use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;

use crate::state::AppState;

/// The body of `/healthz`.
#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    /// `running`, `off` (this instance runs no jobs) or `stopped`.
    pub scheduler: &'static str,
}

/// Checks the database with a trivial query, and the scheduler's state.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let backend = state.db.backend().name();
    let scheduler = match state.scheduler.get() {
        SchedulerState::Off => "off",
        SchedulerState::Running => "running",
        SchedulerState::Stopped => "stopped",
    };
    match state.db.ping().await {
        Ok(()) if scheduler == "stopped" => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "job scheduler stopped",
                database: backend,
                scheduler,
            }),
        ),
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: backend,
                scheduler,
            }),
        ),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "database unreachable",
                    database: backend,
                    scheduler,
                }),
            )
        }
    }
}
