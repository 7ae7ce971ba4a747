//! A point in time as the page shows it: in the reader's language and time zone, the same
//! instant in UTC on hover (when the zone is another), and exactly in the `datetime` attribute
//! for assistive technology and tests.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;

use crate::locale::{format_timestamp, use_i18n, use_zone};

/// `2026-11-25 15:03 CET` / `25.11.2026 kl. 15:03 CET`, titled `2026-11-25 14:03 UTC`.
#[component]
pub fn Time(at: DateTime<Utc>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let zone = use_zone();
    let utc = (zone != Tz::UTC).then(|| format_timestamp(locale, Tz::UTC, at));
    view! { <time datetime=at.to_rfc3339() title=utc>{format_timestamp(locale, zone, at)}</time> }
}
