//! The slim bar at the top of every page.

use leptos::prelude::*;

/// Product name, where you are, and whether the page is live.
#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="top-bar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⇄"</span>
                "custsync"
            </a>
            <span class="top-bar-context">"Headquarters · Customers"</span>
            <span class="top-bar-end"><super::live::LiveIndicator /></span>
        </header>
    }
}
