//! The page shown for an address that does not exist.

use leptos::prelude::*;

/// Says the page does not exist and leads back to the status list.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="message-page">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. "<a href="/">"Go to the customer synchronization status"</a>"."</p>
        </main>
    }
}
