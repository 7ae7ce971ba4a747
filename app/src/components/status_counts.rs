//! How many operations are in each status, Failed first: the answer to "is anything broken?".

use leptos::prelude::*;

use super::status_badge::status_icon;
use crate::model::SyncStatus;

/// One chip per status with its count.
#[component]
pub fn StatusCounts(counts: Vec<(SyncStatus, i64)>) -> impl IntoView {
    view! {
        <ul class="status-counts" aria-label="Operations per customer sync status">
            {counts
                .into_iter()
                .map(|(status, count)| {
                    view! {
                        <li class=format!("count-chip badge-{}", status.as_str())>
                            <span class="badge-icon" aria-hidden="true">{status_icon(status)}</span>
                            <span class="count-label">{status.label()}</span>
                            <span class="count-value">{count}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
