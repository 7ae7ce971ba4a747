//! Panics, which should never happen, cost one answer and nothing more. A panic anywhere is
//! logged once at ERROR (`panicked at <file:line>: <message>`, inside the request's span, so
//! with its method, path and request id) and counted in `custsync_panics_total`; inside a
//! request, tower-http's [`CatchPanicLayer`] turns it into a 500 that [`answer_panics`] gives
//! the audience's error shape: the channel API's JSON error, a server function's `AppError`, or
//! the error page. Job runs catch their own (see `app::jobs::execute`).

use axum::{
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_http::catch_panic::CatchPanicLayer;

/// The Prometheus counter of panics.
pub const PANICS: &str = "custsync_panics_total";

/// Replaces the default panic message on standard error by one log line with the current span.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned());
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        metrics::counter!(PANICS).increment(1);
        tracing::error!(target: "custsync::panic", "panicked at {location}: {message}");
    }));
}

/// What a caught panic leaves in its 500 answer, for [`answer_panics`].
#[derive(Debug, Clone, Copy)]
struct Panicked;

type PanicHandler = fn(Box<dyn std::any::Any + Send + 'static>) -> Response;

/// Catches a panic inside a request (it was logged by the hook) and answers 500.
pub fn catch_layer() -> CatchPanicLayer<PanicHandler> {
    CatchPanicLayer::custom(|_| {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(Panicked);
        response
    })
}

/// Gives a caught panic's 500 the shape its caller reads.
pub async fn answer_panics(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if response.extensions().get::<Panicked>().is_none() {
        return response;
    }
    if path.starts_with("/api/v1/") {
        crate::api::error::ApiError::Internal.into_response()
    } else if crate::function_status::is_server_function(&path) {
        let body = serde_json::to_string(&app::AppError::Internal).unwrap_or_default();
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else {
        crate::message_page::message_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "This page could not be drawn because of an error in custsync; it has been logged. \
             Try again, or go back to the status page.",
            "Siden kunne ikke vises på grunn av en feil i custsync; feilen er logget. Prøv igjen, \
             eller gå tilbake til statussiden.",
        )
    }
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, http::Request, routing::get, Router};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn panicking() -> &'static str {
        panic!("a defect")
    }

    fn app() -> Router {
        Router::new()
            .route("/", get(panicking))
            .route("/api/v1/operations", get(panicking))
            .route("/rpc/jobs/overview", get(panicking))
            .layer(catch_layer())
            .layer(axum::middleware::from_fn(answer_panics))
    }

    async fn call(path: &str) -> (StatusCode, String) {
        let response = app()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_panic_becomes_a_500_in_the_shape_its_caller_reads() {
        let (status, page) = call("/").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.contains("Something went wrong"), "{page}");
        assert!(
            !page.contains("a defect"),
            "nothing of the panic reaches the browser"
        );
        let (status, api) = call("/api/v1/operations").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(api.contains("\"code\":\"internal\""), "{api}");
        let (_, function) = call("/rpc/jobs/overview").await;
        assert!(
            serde_json::from_str::<app::AppError>(&function).is_ok(),
            "{function}"
        );
    }
}
