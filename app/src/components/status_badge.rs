//! A customer sync status as a badge: colour, icon and text, never colour alone.

use leptos::prelude::*;

use crate::{
    locale::{status_label, use_i18n},
    model::SyncStatus,
};

/// The icon shown beside a status (also meaningful without colour).
pub fn status_icon(status: SyncStatus) -> &'static str {
    match status {
        SyncStatus::Failed => "✕",
        SyncStatus::Pending => "◷",
        SyncStatus::Waiting => "‖",
        SyncStatus::Editing => "✎",
        SyncStatus::Succeeded => "✓",
        SyncStatus::PossibleDuplicate => "≈",
    }
}

/// A status badge.
#[component]
pub fn StatusBadge(status: SyncStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge badge-{}", status.as_str())>
            <span class="badge-icon" aria-hidden="true">{status_icon(status)}</span>
            {status_label(i18n.get_locale_untracked(), status)}
        </span>
    }
}
