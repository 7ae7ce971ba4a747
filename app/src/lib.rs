//! custsync's shared core, compiled twice: into the server (feature `ssr`) and into the
//! WebAssembly client (feature `hydrate`).
//!
//! - [`access`] (server only): who is asking and what their role allows.
//! - [`alerts`] (server only): the alert rules looked at, episodes opened and resolved.
//! - [`model`]: plain domain types (operations, channels, customers, attributes, jobs).
//! - [`validate`]: pure field validation, the same code on the server and in the browser.
//! - [`storage`] (server only): every SQL statement, for SQLite and PostgreSQL.
//! - [`jobs`] (server only): the P-job, Synchronize customers and 1010, each in a folder with
//!   its steps, decisions and SQL.
//! - [`duplicates`] (server only): the keys a create is matched by against existing customers,
//!   and the comparison a person decides a possible duplicate on.
//! - [`charts`] (server only): SVG charts drawn with plotters, for the dashboard.
//! - [`export`]: the status list as a CSV file (what is asked for; the rows, server only).
//! - [`functions`]: server functions, thin adapters over storage and the jobs.
//! - [`pages`] and [`components`]: the pages, rendered by the server; the `#[island]`s among
//!   them (the parts that answer a person) also run in the browser.

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod alerts;
pub mod answer_codec;
#[cfg(feature = "ssr")]
pub mod bulk_runs;
#[cfg(feature = "ssr")]
pub mod charts;
pub mod components;
#[cfg(feature = "ssr")]
pub mod duplicates;
pub mod error;
pub mod export;
pub mod functions;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod locale;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod validate;

pub use error::AppError;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    SsrMode, StaticSegment,
};

/// The content security policy of custsync's answers: scripts only from this site (on a page,
/// also the inline scripts that carry its `nonce`), WebAssembly allowed, nothing from
/// elsewhere, never inside another site's frame. Styles allow inline `style` attributes
/// (progress bars).
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let inline = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{inline} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// In the browser, before Leptos' island script hydrates the islands (every `#[island]` of this
/// crate is one of the client's exports). The script hydrates them right after this returns,
/// without waiting for a task: by the first timer every island on the page is live, and the
/// page says so (`data-hydrated`, which the browser tests wait for).
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    set_timeout(
        || {
            if let Some(app) = document().query_selector(".app").ok().flatten() {
                let _ = app.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(policy) = http::HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <HydrationScripts options islands=true />
                <script type="module" src="/pages.js"></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: routes and the frame around every page. Rendered on the server only: the
/// browser receives HTML, and only the islands (the parts that react to a person) become
/// interactive. Following a link or a GET form fetches the next page and morphs the current one
/// into it (`public/pages.js`), keeping every island whose props did not change.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::person::Person::provide();
    view! {
        <Stylesheet id="leptos" href="/pkg/custsync.css" />
        <locale::I18nContextProvider>
            <Frame />
        </locale::I18nContextProvider>
    }
}

/// The page frame inside the language context: title, top bar and the routes.
#[component]
fn Frame() -> impl IntoView {
    let i18n = locale::use_i18n();
    view! {
        <Title text=locale::tu_string!(i18n, app.title) />
        // The time zone every time on the page is drawn in, for the islands to draw theirs.
        <Html {..} data-tz=locale::use_zone().name() />
        <Meta name="description" content=locale::tu_string!(i18n, app.description) />
        <Router>
            <div class="app">
                <components::top_bar::TopBar />
                <components::alert_banner::AlertBanner />
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=StaticSegment("") view=pages::status::StatusPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-in") view=pages::sign_in::SignInPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("admin") view=pages::admin::AdminPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("changes") view=pages::changes::ChangesPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("failures") view=pages::failures::FailuresPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("dashboard") view=pages::dashboard::DashboardPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("bulk") view=pages::bulk_runs::BulkRunsPage ssr=SsrMode::Async />
                </Routes>
            </div>
        </Router>
    }
}
