//! The detail of one operation: header, change description, last known error, the customer
//! attributes grid (old value, new value, HQ now; the failing field outlined) and the history
//! of its async customer. Read-only; the grid is laid out for the correction workflow's inputs.

use leptos::prelude::*;

use super::{error_box::ErrorBox, format_timestamp, status_badge::StatusBadge};
use crate::model::{ChangeDescription, GridRow, OperationDetail, SyncStatus};

/// The detail of the operation `detail`, with a link back to `close_href` (the list as it was).
#[component]
pub fn OperationDetailView(detail: OperationDetail, close_href: String) -> impl IntoView {
    let description = ChangeDescription::of(&detail).sentence_en();
    let summary = detail.state.summary.clone();
    let error = detail.state.last_error.clone().filter(|_| {
        matches!(
            summary.status,
            SyncStatus::Failed | SyncStatus::Pending | SyncStatus::Editing
        )
    });
    let error_label = error.as_ref().and_then(|e| e.field.as_ref()).map(|key| {
        detail
            .grid
            .iter()
            .find(|r| &r.field == key)
            .map(|r| r.label_en.clone())
            .unwrap_or_else(|| key.clone())
    });
    let kind = summary.kind.label();
    let this_id = summary.id;
    let account = summary
        .customer_account
        .clone()
        .or_else(|| detail.customer_account.clone());
    let fields = detail.grid.len();
    view! {
        <section class="detail" aria-labelledby="detail-title" data-operation-id=this_id>
            <header class="detail-head">
                <a class="button button-quiet detail-close" href=close_href>
                    <span aria-hidden="true">"← "</span>"Back to the list"
                </a>
                <div class="detail-title-row">
                    <h2 id="detail-title">
                        {account.clone().unwrap_or_else(|| "Pending sync".to_owned())}
                    </h2>
                    <StatusBadge status=summary.status />
                </div>
                <p class="change-description">
                    <span class="visually-hidden">"Change description: "</span>
                    {description}
                </p>
            </header>
            {error.map(|e| view! {
                <div class="last-error" role="note" aria-label="Last known error">
                    <p class="last-error-title">"Last known error"</p>
                    <p>
                        {error_label.map(|l| view! { <strong>{l}": "</strong> })}
                        {e.message}
                    </p>
                    <p class="muted last-error-code">"Code "<code>{e.code}</code></p>
                </div>
            })}
            <dl class="detail-facts">
                <Fact term="Customer account">
                    {match account {
                        Some(a) => view! { <span class="num">{a}</span> }.into_any(),
                        None => view! { <span class="muted">"Pending sync"</span> }.into_any(),
                    }}
                </Fact>
                <Fact term="Async customer account">
                    <code class="guid">{summary.async_account.clone()}</code>
                </Fact>
                <Fact term="Retail async operation">
                    <code>{detail.channel_operation_id.clone()}</code>" · "{kind}
                </Fact>
                <Fact term="Channel">{summary.channel_name.clone()}" · "{detail.legal_entity_id.clone()}</Fact>
                <Fact term="Operation timestamp"><Time at=summary.operation_at /></Fact>
                <Fact term="Received"><Time at=detail.received_at /></Fact>
                <Fact term="Last change"><Time at=detail.updated_at /></Fact>
                <Fact term="Retry count"><span class="num">{detail.state.retry_count}</span></Fact>
                <Fact term="Upload session">
                    {detail.upload_session_id.map(|s| s.to_string()).unwrap_or_else(|| "–".into())}
                </Fact>
            </dl>
            <h3 class="section-title" id="grid-title">"Customer attributes "<span class="count">{fields}</span></h3>
            <AttributeGrid rows=detail.grid />
            <h3 class="section-title">"History of this async customer"</h3>
            <ol class="history">
                {detail.history.into_iter().map(|op| {
                    let current = op.id == this_id;
                    let kind = op.kind.label();
                    view! {
                        <li class:current=current>
                            <a href=format!("?op={}", op.id) aria-current=current.then_some("true")>
                                <span class="history-kind">{kind}</span>
                                <span class="history-channel">{op.channel_name}</span>
                                <Time at=op.operation_at />
                            </a>
                            <StatusBadge status=op.status />
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Fact(term: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{term}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

#[component]
fn Time(at: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339()>{format_timestamp(at)}</time> }
}

/// Field, old value, new value and the value HQ holds now; changed values emphasised, the
/// failing field outlined.
#[component]
fn AttributeGrid(rows: Vec<GridRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"This operation carries no fields."</p> }.into_any();
    }
    view! {
        <div class="grid-wrap">
            <table class="attribute-grid" aria-labelledby="grid-title">
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Old value"</th>
                        <th scope="col">"New value"</th>
                        <th scope="col">"HQ now"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let changed = row.old_value != row.new_value;
                        view! {
                            <tr class:failing=row.failing class:changed=changed data-field=row.field.clone()>
                                <th scope="row">
                                    {row.label_en}
                                    {row.group.map(|g| view! { <span class="field-group">{g}</span> })}
                                    {row.failing.then(|| view! { <span class="failing-mark">"Fails"</span> })}
                                </th>
                                <td data-label="Old value"><Value value=row.old_value /></td>
                                <td data-label="New value" class="new-value"><Value value=row.new_value /></td>
                                <td data-label="HQ now"><Value value=row.hq_value /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Value(value: Option<String>) -> impl IntoView {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => view! { <span class="value">{v}</span> }.into_any(),
        None => view! { <span class="muted" aria-label="empty">"–"</span> }.into_any(),
    }
}

/// The detail of operation `id` (as it appears in the URL), loading it from the server.
#[component]
pub fn OperationDetailPane(
    id: Signal<Option<String>>,
    close_href: Signal<String>,
) -> impl IntoView {
    let live = super::live::Live::get();
    let detail = Resource::new(
        move || (id.get(), live.version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => crate::functions::operations::open_operation(id)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the operation…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(detail)) => view! {
                        <OperationDetailView detail close_href=close_href.get_untracked() />
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
