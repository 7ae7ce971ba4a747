//! A customer sync status as a badge: colour, icon and text, never colour alone.

use leptos::prelude::*;

use crate::model::SyncStatus;

/// The icon shown beside a status (also meaningful without colour).
pub fn status_icon(status: SyncStatus) -> &'static str {
    match status {
        SyncStatus::Failed => "✕",
        SyncStatus::Pending => "◷",
        SyncStatus::Waiting => "‖",
        SyncStatus::Editing => "✎",
        SyncStatus::Succeeded => "✓",
    }
}

/// A status badge.
#[component]
pub fn StatusBadge(status: SyncStatus) -> impl IntoView {
    view! {
        <span class=format!("badge badge-{}", status.as_str())>
            <span class="badge-icon" aria-hidden="true">{status_icon(status)}</span>
            {status.label()}
        </span>
    }
}
