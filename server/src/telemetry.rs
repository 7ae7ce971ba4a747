//! Logging: tracing to standard error, filtered by `CUSTSYNC_LOG` (or `--log`), in colour only
//! on a terminal (a log file or the journal gets plain lines, which `grep ERROR` finds).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. A bad filter falls back to `info` and says so.
pub fn init(filter: &str) {
    let (filter, bad) = match EnvFilter::try_new(filter) {
        Ok(filter) => (filter, None),
        Err(error) => (EnvFilter::new("info"), Some(error)),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .try_init();
    if let Some(error) = bad {
        tracing::warn!(%error, "ignoring the log filter; using info");
    }
}

/// The request type every layer of the router sees.
type Request = axum::http::Request<axum::body::Body>;

/// [`trace_layer`]'s type: tower-http's HTTP classifier with our span.
pub type RequestTraceLayer = tower_http::trace::TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    fn(&Request) -> tracing::Span,
>;

/// The trace layer of every request: a span with its method, path and request id (from
/// `x-request-id`, which [`tower_http::request_id::SetRequestIdLayer`] sets when the client did
/// not), so every log line a request causes — a panic's included — says which request it was.
/// The span is at ERROR level so it is there whatever the log filter lets through; answers of
/// 5xx are logged at WARN (a panic has its own ERROR line).
pub fn trace_layer() -> RequestTraceLayer {
    fn span(request: &Request) -> tracing::Span {
        let id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        tracing::error_span!("request", method = %request.method(), path = %request.uri().path(), id)
    }
    tower_http::trace::TraceLayer::new_for_http()
        .make_span_with(span as fn(&Request) -> tracing::Span)
        .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::WARN))
}
