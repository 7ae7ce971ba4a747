//! The page shown for an address that does not exist.

use leptos::prelude::*;

use crate::locale::{tu_string, use_i18n};

/// Says the page does not exist and leads back to the status list.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <main class="message-page">
            <h1>{tu_string!(i18n, errors.page_not_found)}</h1>
            <p><span>{tu_string!(i18n, errors.nothing_here)}</span>" "<a href="/">{tu_string!(i18n, errors.go_home)}</a></p>
        </main>
    }
}
