//! The middleware of access control:
//!
//! - [`identify`]: puts the signed-in person in the request (server functions read it with
//!   `app::access::require`), sends pages to the sign-in form without a session, and refuses
//!   the live event stream;
//! - [`same_origin`]: refuses a write carried by the session cookie from another site (CSRF),
//!   using the `Sec-Fetch-Site` and `Origin` headers browsers send;
//! - [`session_unavailable`]: a signed-in request while the database is down gets a 503 page
//!   that says so, not the sign-in layer's empty 500;
//! - [`limit_body`]: refuses oversize bodies before reading them;
//! - [`security_headers`]: nosniff, no framing, and a content security policy for answers
//!   that have none (pages set their own, with the nonce of their inline scripts).

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use super::AuthSession;

/// What a request needs before it reaches a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// Anyone: the sign-in form, static files, health, metrics, the API document, the channel
    /// API (its handlers check the channel token) and server functions (each checks the role).
    Open,
    /// A page: without a session, the sign-in form instead.
    Page,
    /// A stream for the pages: without a session, 401.
    Session,
}

/// Which door a request path has. Pages are paths without a file extension outside the
/// server's own prefixes.
pub fn door(method: &Method, path: &str) -> Door {
    const OPEN_PREFIXES: [&str; 7] = [
        "/api/",
        "/rpc/",
        "/pkg/",
        "/healthz",
        "/metrics",
        "/sign-in",
        "/sign-out",
    ];
    if path == "/events" {
        Door::Session
    } else if method != Method::GET && method != Method::HEAD
        || OPEN_PREFIXES.iter().any(|p| path.starts_with(p))
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
    {
        Door::Open
    } else {
        Door::Page
    }
}

/// Tells the request who is asking, and keeps pages behind the sign-in form.
pub async fn identify(auth: AuthSession, mut request: Request, next: Next) -> Response {
    let person = auth.user.as_ref().map(|u| u.signed_in());
    match (door(request.method(), request.uri().path()), &person) {
        (Door::Page, None) => {
            let wanted = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("next", &wanted)
                .finish();
            return Redirect::to(&format!("/sign-in?{query}")).into_response();
        }
        (Door::Session, None) => return StatusCode::UNAUTHORIZED.into_response(),
        _ => {}
    }
    if let Some(person) = person {
        request.extensions_mut().insert(person);
    }
    next.run(request).await
}

/// Whether a request that may change something comes from this site's own pages. Browsers
/// send `Sec-Fetch-Site` (Chromium, Firefox, Safari since 2023) and `Origin` on every such
/// request; a request with neither is not a browser's, so it carries no one's cookie by
/// accident.
pub fn from_this_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// Refuses cross-site writes to everything the session cookie opens. The channel API is
/// left out: it is authenticated by a bearer token, which a browser never adds by itself.
pub async fn same_origin(request: Request, next: Next) -> Response {
    let reads = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let channel_api = request.uri().path().starts_with("/api/v1/");
    if !reads && !channel_api && !from_this_site(request.headers()) {
        tracing::warn!(path = %request.uri().path(), "cross-site write refused");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(request).await
}

/// The largest body a page's request may carry (server functions, sign-in): 1 MiB. The
/// channel API takes batches up to its own limit.
pub const MAX_PAGE_BODY: u64 = 1024 * 1024;

/// Refuses a page request's body larger than [`MAX_PAGE_BODY`] with 413: before reading it when
/// its length is declared, and while reading it when it is sent without one (chunked), so a
/// server function never meets a cut-off body. The channel API checks its own (and answers in
/// its JSON error format).
pub async fn limit_body(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let too_large = || (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > MAX_PAGE_BODY => too_large(),
        Some(_) => next.run(request).await,
        None => {
            let (parts, body) = request.into_parts();
            match axum::body::to_bytes(body, MAX_PAGE_BODY as usize).await {
                Ok(bytes) => next.run(Request::from_parts(parts, bytes.into())).await,
                Err(error) if is_length_limit(&error) => too_large(),
                Err(_) => (
                    StatusCode::BAD_REQUEST,
                    "the request body could not be read",
                )
                    .into_response(),
            }
        }
    }
}

/// Whether reading a body failed on its length limit (not on a broken or slow client).
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// The answer to a signed-in request when the database cannot be reached: the session cannot be
/// read, so the sign-in layer answers an empty 500. This turns it into a 503 that says what is
/// going on, in both languages, and when to try again.
pub async fn session_unavailable(
    axum::extract::State(db): axum::extract::State<app::storage::Db>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || db.ping().await.is_ok() {
        return response;
    }
    let mut page = crate::message_page::message_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "The database is unreachable",
        "The database is not answering. The page will work again as soon as it is back; try \
         reloading in a minute.",
        "Databasen svarer ikke. Siden virker igjen så snart den er tilbake; prøv å laste inn på \
         nytt om et minutt.",
    );
    page.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    page
}

/// Adds the security headers every answer carries.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = HeaderValue::from_str(&app::content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn pages_need_a_session_and_files_and_apis_do_not() {
        assert_eq!(door(&Method::GET, "/"), Door::Page);
        assert_eq!(door(&Method::GET, "/admin"), Door::Page);
        assert_eq!(door(&Method::GET, "/events"), Door::Session);
        assert_eq!(door(&Method::GET, "/sign-in"), Door::Open);
        assert_eq!(door(&Method::GET, "/pkg/custsync.wasm"), Door::Open);
        assert_eq!(door(&Method::GET, "/favicon.svg"), Door::Open);
        assert_eq!(door(&Method::POST, "/rpc/operations/list"), Door::Open);
        assert_eq!(door(&Method::GET, "/api/v1/openapi.json"), Door::Open);
    }

    #[test]
    fn a_write_from_another_site_is_told_apart_from_one_from_this_site() {
        assert!(from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!from_this_site(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(from_this_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!from_this_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!from_this_site(&headers(&[
            ("origin", "null"),
            ("host", "shop")
        ])));
        assert!(from_this_site(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
