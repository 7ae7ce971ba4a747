//! How many operations are in each status, Failed first: the answer to "is anything broken?".
//! Each chip is also the status quick filter: a link that narrows the list to that status (or
//! widens it again), keeping the rest of the filter.

use leptos::prelude::*;

use super::status_badge::status_icon;
use crate::{
    locale::{group_thousands, status_label, td_string, tu_string, use_i18n},
    model::{filter::COUNT_CAP, OperationFilter, SyncStatus},
};

/// One chip per status with its count under `filter` (its status aside).
#[component]
pub fn StatusCounts(
    counts: Vec<(SyncStatus, i64)>,
    filter: OperationFilter,
    /// The counts are of the newest matching operations only.
    capped: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav aria-label=tu_string!(i18n, counts.label)>
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
                        let count = move || {
                            let n = group_thousands(i18n.get_locale_untracked(), count);
                            if capped { format!("{n}+") } else { n }
                        };
                        view! {
                            <li>
                                <a
                                    class=format!("count-chip badge-{}", status.as_str())
                                    class:active=active
                                    href=href
                                    aria-current=if active { "true" } else { "false" }
                                >
                                    <span class="badge-icon" aria-hidden="true">{status_icon(status)}</span>
                                    <span class="count-label">{status_label(i18n.get_locale_untracked(), status)}</span>
                                    <span class="count-value">{count}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {capped.then(|| view! {
                <p class="muted counts-note">
                    {move || {
                        let locale = i18n.get_locale_untracked();
                        let n = group_thousands(locale, COUNT_CAP);
                        td_string!(locale, counts.capped, n).to_string()
                    }}
                </p>
            })}
        </nav>
    }
}
