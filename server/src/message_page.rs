//! The plain page custsync answers with when it cannot draw the real one (the database is
//! unreachable, a request panicked): a sentence in English and in Norwegian, with the site's
//! style sheet, and nothing of what went wrong inside; and [`plain`], the one-sentence answer
//! of the downloads (`/export.csv`, `/customer-data.json`).

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

/// A page of `status` with a title and one sentence in each language (texts are ours, never a
/// client's or the database's, so they are not escaped).
pub fn message_page(status: StatusCode, title: &str, english: &str, norwegian: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <title>custsync</title><link rel=\"stylesheet\" href=\"/pkg/custsync.css\"></head>\
        <body><main class=\"message-page\"><div class=\"error-box\" role=\"alert\">\
        <p class=\"error-title\">{title}</p><p>{english}</p><p lang=\"nb\">{norwegian}</p>\
        <p><a href=\"/\">custsync</a></p></div></main></body></html>"
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}

/// A short plain-text answer of `status` (a text of ours, never the database's words).
pub fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}
