//! How many operations are in each status, Failed first: the answer to "is anything broken?".
//! Each chip is also the status quick filter: a link that narrows the list to that status (or
//! widens it again), keeping the rest of the filter.

use leptos::prelude::*;

use super::status_badge::status_icon;
use crate::model::{OperationFilter, SyncStatus};

/// One chip per status with its count under `filter` (its status aside).
#[component]
pub fn StatusCounts(
    counts: Vec<(SyncStatus, i64)>,
    filter: OperationFilter,
    /// The counts are of the newest matching operations only.
    capped: bool,
) -> impl IntoView {
    view! {
        <nav aria-label="Customer sync status">
            <ul class="status-counts">
                {counts
                    .into_iter()
                    .map(|(status, count)| {
                        let active = filter.status == Some(status);
                        let href = OperationFilter {
                            status: (!active).then_some(status),
                            ..filter.clone()
                        }
                        .href(&[]);
                        let count = if capped { format!("{count}+") } else { count.to_string() };
                        view! {
                            <li>
                                <a
                                    class=format!("count-chip badge-{}", status.as_str())
                                    class:active=active
                                    href=href
                                    aria-current=active.then_some("true")
                                >
                                    <span class="badge-icon" aria-hidden="true">{status_icon(status)}</span>
                                    <span class="count-label">{status.label()}</span>
                                    <span class="count-value">{count}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {capped.then(|| view! {
                <p class="muted counts-note">
                    "Counts of the newest "{super::group_thousands(crate::model::filter::COUNT_CAP)}" matching operations."
                </p>
            })}
        </nav>
    }
}
