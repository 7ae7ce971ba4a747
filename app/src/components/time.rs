//! A point in time as the page shows it, in the reader's language, with the exact instant in
//! the `datetime` attribute for assistive technology and tests.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::locale::{format_timestamp, use_i18n};

/// `2026-11-25 14:03 UTC` / `25.11.2026 kl. 14:03 UTC`.
#[component]
pub fn Time(at: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    view! { <time datetime=at.to_rfc3339()>{format_timestamp(i18n.get_locale_untracked(), at)}</time> }
}
