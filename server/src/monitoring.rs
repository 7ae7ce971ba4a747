//! `/metrics`: what Prometheus scrapes, in its text format (through `metrics-exporter-prometheus`).
//!
//! - `custsync_operations{channel, status}` — operations by channel and status, read from the
//!   database at each scrape (so every instance on one PostgreSQL reports the same truth);
//! - `custsync_database_up` — 1 when the database answered that read, 0 when it did not;
//! - `custsync_alerts_firing{rule, kind}` — how many subjects each alert rule fires for now
//!   (0 when it is quiet), read from the database like the operations;
//! - `custsync_job_runs_total{job, result}`, `custsync_job_run_duration_seconds{job}` and
//!   `custsync_job_operations_total{job, outcome}` — this instance's job runs (counted by
//!   `app::jobs::metrics`);
//! - `custsync_api_requests_total{method, route, status}` and
//!   `custsync_api_request_duration_seconds{method, route}` — the channel API as served here.

use std::{sync::OnceLock, time::Instant};

use app::{
    jobs::metrics::{JOB_OPERATIONS, JOB_RUNS, JOB_RUN_DURATION},
    model::SyncStatus,
    storage::Db,
};
use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

const OPERATIONS: &str = "custsync_operations";
const DATABASE_UP: &str = "custsync_database_up";
const ALERTS_FIRING: &str = "custsync_alerts_firing";
const API_REQUESTS: &str = "custsync_api_requests_total";
const API_REQUEST_DURATION: &str = "custsync_api_request_duration_seconds";

/// Upper bounds of the API latency buckets, in seconds.
const API_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
/// Upper bounds of the job run duration buckets, in seconds.
const JOB_BUCKETS: &[f64] = &[0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0];

/// The process's recorder, installed on first use (one per process, shared by every router a
/// test builds). `None` if another recorder was installed first.
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(API_REQUEST_DURATION.into()), API_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full(JOB_RUN_DURATION.into()), JOB_BUCKETS)
                })
                .and_then(PrometheusBuilder::install_recorder);
            match built {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::warn!(%error, "metrics recorder not installed; /metrics stays empty");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    metrics::describe_gauge!(
        OPERATIONS,
        "Operations by channel and synchronization status"
    );
    metrics::describe_gauge!(
        DATABASE_UP,
        "1 when the database answered the last scrape, 0 when it did not"
    );
    metrics::describe_gauge!(
        ALERTS_FIRING,
        "Subjects (channels, jobs) each alert rule fires for now; 0 when it is quiet"
    );
    metrics::describe_counter!(JOB_RUNS, "Job runs by job and result");
    metrics::describe_histogram!(
        JOB_RUN_DURATION,
        metrics::Unit::Seconds,
        "How long job runs took"
    );
    metrics::describe_counter!(
        JOB_OPERATIONS,
        "Items job runs handled, by outcome (seen, succeeded, failed, skipped)"
    );
    metrics::describe_counter!(API_REQUESTS, "Channel API requests by route and status");
    metrics::describe_histogram!(
        API_REQUEST_DURATION,
        metrics::Unit::Seconds,
        "Channel API request latency"
    );
}

/// Installs the recorder, so counters count from start-up on.
pub fn init() {
    let _ = handle();
}

/// `GET /metrics`.
pub async fn scrape(State(db): State<Db>) -> Response {
    let Some(handle) = handle() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "metrics are not available").into_response();
    };
    match db.status_counts_by_channel().await {
        Ok(counts) => {
            metrics::gauge!(DATABASE_UP).set(1.0);
            set_operation_gauges(&db, counts).await;
            set_alert_gauges(&db).await;
        }
        Err(error) => {
            tracing::warn!(%error, "metrics: database unreachable");
            metrics::gauge!(DATABASE_UP).set(0.0);
        }
    }
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Sets every channel × status gauge, zeros included, so a status that empties reads 0.
async fn set_operation_gauges(db: &Db, counts: Vec<(String, SyncStatus, i64)>) {
    let channels = db.channels().await.unwrap_or_default();
    for channel in &channels {
        for status in SyncStatus::ALL {
            let n = counts
                .iter()
                .find(|(code, s, _)| *code == channel.code && s == status)
                .map_or(0, |(_, _, n)| *n);
            metrics::gauge!(OPERATIONS, "channel" => channel.code.clone(), "status" => status.as_str())
                .set(n as f64);
        }
    }
}

/// Sets each rule's firing gauge, zeros included, so an alert that resolves reads 0.
async fn set_alert_gauges(db: &Db) {
    let (Ok(rules), Ok(open)) = (db.alert_rules().await, db.open_episodes().await) else {
        return;
    };
    for rule in &rules {
        let firing = open.iter().filter(|e| e.rule_id == rule.id).count();
        metrics::gauge!(ALERTS_FIRING, "rule" => rule.id.to_string(), "kind" => rule.kind.as_str())
            .set(firing as f64);
    }
}

/// Middleware of the channel API: counts each request and times it, by route pattern (never
/// by the raw path, so a channel id or cursor does not make a new series), and counts it for
/// the dashboard by channel and hour (`crate::api::calls`).
pub async fn track_api(
    State(calls): State<crate::api::calls::ApiCalls>,
    mut request: Request,
    next: Next,
) -> Response {
    let caller = crate::api::calls::CallerChannel::default();
    request.extensions_mut().insert(caller.clone());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    calls.count(caller.get(), response.status().as_u16());
    let status = response.status().as_u16().to_string();
    metrics::counter!(API_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(API_REQUEST_DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
