//! The status list: the five default columns, newest first, with keyset paging.

use leptos::prelude::*;

use super::{format_timestamp, short_guid, status_badge::StatusBadge};
use crate::model::{OperationFilter, OperationPage, OperationSummary};

/// A table of operations and the link to older ones. Each row opens its detail (`?op=`),
/// keeping the page position `before`; the `selected` one is marked.
#[component]
pub fn OperationList(
    page: OperationPage,
    filter: OperationFilter,
    before: Option<String>,
    selected: Signal<Option<String>>,
) -> impl IntoView {
    if page.operations.is_empty() && !filter.is_empty() {
        return view! {
            <div class="empty-state">
                <p class="empty-title">"No operation matches this filter"</p>
                <p>"Searches cover every operation, not only recent ones. Remove a filter, or widen the date range."</p>
                <a class="button" href="/">"Clear all filters"</a>
            </div>
        }
        .into_any();
    }
    if page.operations.is_empty() {
        return view! {
            <div class="empty-state">
                <p class="empty-title">"No operations yet"</p>
                <p>
                    "Operations appear here as soon as a store, the online store or the call center creates or edits a customer. "
                    "To try custsync with demo data, run "<code>"custsync seed-demo"</code>"."
                </p>
            </div>
        }
        .into_any();
    }
    let older = page
        .next
        .map(|cursor| filter.href(&[("before", cursor.encode())]));
    let newest = filter.href(&[]);
    view! {
        <div class="table-wrap">
            <table class="operation-table">
                <thead>
                    <tr>
                        <th scope="col">"Channel name"</th>
                        <th scope="col">"Customer account"</th>
                        <th scope="col">"Async customer account"</th>
                        <th scope="col">"Operation timestamp"</th>
                        <th scope="col">"Customer sync status"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.operations.into_iter().map(|op| {
                        let mut extra: Vec<(&str, String)> =
                            before.iter().map(|b| ("before", b.clone())).collect();
                        extra.push(("op", op.id.to_string()));
                        let href = filter.href(&extra);
                        view! { <OperationRow op href selected /> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            <a class="button" href=newest>"Newest"</a>
            {older.map(|href| view! { <a class="button" rel="next" href=href>"Older operations →"</a> })}
        </nav>
    }
    .into_any()
}

/// One operation; its channel name is the link that opens it, stretched over the whole row.
#[component]
fn OperationRow(
    op: OperationSummary,
    href: String,
    selected: Signal<Option<String>>,
) -> impl IntoView {
    let timestamp = op.operation_at.to_rfc3339();
    let id = op.id.to_string();
    let is_selected = Memo::new(move |_| selected.get().as_deref() == Some(id.as_str()));
    view! {
        <tr data-operation-id=op.id class:selected=is_selected>
            <td class="cell-channel">
                <a class="row-link" href=href aria-current=move || is_selected.get().then_some("true")>
                    {op.channel_name}
                </a>
            </td>
            <td class="cell-account num">
                {match op.customer_account {
                    Some(account) => view! { <span>{account}</span> }.into_any(),
                    None => view! { <span class="muted">"Pending sync"</span> }.into_any(),
                }}
            </td>
            <td class="cell-guid">
                <code title=op.async_account.clone()>{short_guid(&op.async_account)}</code>
            </td>
            <td class="cell-time num">
                <time datetime=timestamp>{format_timestamp(op.operation_at)}</time>
            </td>
            <td class="cell-status"><StatusBadge status=op.status /></td>
        </tr>
    }
}
