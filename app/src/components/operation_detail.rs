//! The detail of one operation: header, change description, last known error, the customer
//! attributes grid (old value, new value, HQ now; the failing field outlined) and the history
//! of its async customer. For an operator, a failed or pending operation can be corrected in
//! place (see [`super::correction`]), synchronized at once, and its corrections reverted.

use leptos::{either::Either, prelude::*, task::spawn_local};

use super::{
    correction::{
        synchronize_now, ChangeTimeline, CorrectionEditor, DetailControl, EditorEnd, Notice,
        NoticeLine,
    },
    error_box::ErrorBox,
    status_badge::StatusBadge,
    time::Time,
};
use crate::{
    functions::corrections::start_correction,
    locale::{kind_label, pick, tu_string, use_i18n},
    model::{
        correction::is_correctable, ChangeDescription, EditSession, GridRow, OperationDetail,
        SyncStatus,
    },
};

/// The detail of the operation `detail`, with a link back to `close_href` (the list as it was).
/// `may_correct`: the person's role allows corrections.
#[component]
pub fn OperationDetailView(
    detail: OperationDetail,
    close_href: String,
    #[prop(optional)] may_correct: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let control = DetailControl::get();
    let version = detail.state.version;
    let op_id = detail.state.summary.id;
    let session = Signal::derive(move || {
        control
            .session
            .get()
            .filter(|s: &EditSession| s.detail.state.summary.id == op_id)
    });
    let start_error = RwSignal::new(None::<crate::AppError>);
    let correctable = may_correct && is_correctable(detail.state.summary.status);
    let start = move || {
        start_error.set(None);
        // Hold live reloads from the click on: a reload landing while the server answers
        // would draw a new detail, and the editor would open in the one it replaced.
        control.editing.set(true);
        spawn_local(async move {
            match start_correction(op_id).await {
                Ok(opened) => control.session.set(Some(opened)),
                Err(error) => {
                    control.editing.set(false);
                    start_error.set(Some(error));
                }
            }
        });
    };
    let on_end = Callback::new(move |end: EditorEnd| match end {
        EditorEnd::Saved {
            detail,
            synchronized,
        } => control.done(op_id, Notice::after_save(&detail, synchronized)),
        EditorEnd::Cancelled => {
            control.session.set(None);
            control.notice.set(None);
            control.editing.set(false);
            control.reload.update(|n| *n += 1);
        }
        EditorEnd::StartAgain => start(),
    });
    let description = ChangeDescription::of(&detail);
    let summary = detail.state.summary.clone();
    let error = detail.state.last_error.clone().filter(|_| {
        matches!(
            summary.status,
            SyncStatus::Failed | SyncStatus::Pending | SyncStatus::Editing
        )
    });
    let error_label = error.as_ref().and_then(|e| e.field.as_ref()).map(|key| {
        let row = detail.grid.iter().find(|r| &r.field == key);
        let (en, nb) = row
            .map(|r| (r.label_en.clone(), r.label_nb.clone()))
            .unwrap_or_else(|| (key.clone(), key.clone()));
        format!("{}: ", pick(i18n.get_locale_untracked(), &en, &nb))
    });
    let kind = summary.kind;
    let this_id = summary.id;
    let account = summary
        .customer_account
        .clone()
        .or_else(|| detail.customer_account.clone());
    let fields = detail.grid.len();
    let status = summary.status;
    let shown_status = move || {
        session
            .with(|s| s.as_ref().map(|s| s.detail.state.summary.status))
            .unwrap_or(status)
    };
    let grid = detail.grid.clone();
    let changes = detail.changes.clone();
    view! {
        <section class="detail" aria-labelledby="detail-title" data-operation-id=this_id>
            <header class="detail-head">
                <a class="button button-quiet detail-close" href=close_href>
                    <span aria-hidden="true">"← "</span><span>{tu_string!(i18n, detail.back)}</span>
                </a>
                <div class="detail-title-row">
                    <h2 id="detail-title">
                        {match account.clone() {
                            Some(account) => Either::Left(account),
                            None => Either::Right(tu_string!(i18n, list.pending_sync)),
                        }}
                    </h2>
                    {move || view! { <StatusBadge status=shown_status() /> }}
                </div>
                <p class="change-description">
                    <span class="visually-hidden">{tu_string!(i18n, detail.change_description)}</span>
                    <span>{description.sentence(i18n.get_locale_untracked())}</span>
                </p>
            </header>
            <NoticeLine id=this_id />
            {correctable.then(|| view! {
                <div class="detail-actions" class:hidden=move || session.with(Option::is_some)>
                    <button type="button" class="button button-primary" data-action="correct" on:click=move |_| start()>
                        {tu_string!(i18n, fix.correct)}
                    </button>
                    <button type="button" class="button" data-action="synchronize"
                        on:click=move |_| synchronize_now(control, op_id, version)>
                        {tu_string!(i18n, fix.synchronize)}
                    </button>
                </div>
            })}
            {move || start_error.get().map(|error| view! { <ErrorBox error /> })}
            {error.map(|e| view! {
                <div class="last-error" role="note" aria-label=tu_string!(i18n, detail.last_error)>
                    <p class="last-error-title">{tu_string!(i18n, detail.last_error)}</p>
                    <p>
                        {error_label.map(|l| view! { <strong>{l}</strong> })}
                        {e.text(i18n.get_locale_untracked())}
                    </p>
                    <p class="muted last-error-code"><span>{tu_string!(i18n, detail.code)}</span>" "<code>{e.code}</code></p>
                </div>
            })}
            <dl class="detail-facts">
                <Fact term=tu_string!(i18n, detail.customer_account)>
                    {match account {
                        Some(a) => view! { <span class="num">{a}</span> }.into_any(),
                        None => view! { <span class="muted">{tu_string!(i18n, list.pending_sync)}</span> }.into_any(),
                    }}
                </Fact>
                <Fact term=tu_string!(i18n, detail.async_account)>
                    <code class="guid">{summary.async_account.clone()}</code>
                </Fact>
                <Fact term=tu_string!(i18n, detail.retail_operation)>
                    <code>{detail.channel_operation_id.clone()}</code>" · "<span>{kind_label(i18n.get_locale_untracked(), kind)}</span>
                </Fact>
                <Fact term=tu_string!(i18n, detail.channel)>{summary.channel_name.clone()}" · "{detail.legal_entity_id.clone()}</Fact>
                <Fact term=tu_string!(i18n, detail.operation_timestamp)><Time at=summary.operation_at /></Fact>
                <Fact term=tu_string!(i18n, detail.received)><Time at=detail.received_at /></Fact>
                <Fact term=tu_string!(i18n, detail.last_change)><Time at=detail.updated_at /></Fact>
                <Fact term=tu_string!(i18n, detail.retry_count)><span class="num">{detail.state.retry_count}</span></Fact>
                <Fact term=tu_string!(i18n, detail.upload_session)>
                    {detail.upload_session_id.map(|s| s.to_string()).unwrap_or_else(|| "–".into())}
                </Fact>
            </dl>
            <h3 class="section-title" id="grid-title"><span>{tu_string!(i18n, detail.attributes)}</span>" "<span class="count">{fields}</span></h3>
            {move || match session.get() {
                Some(session) => view! { <CorrectionEditor session on_end /> }.into_any(),
                None => view! { <AttributeGrid rows=grid.clone() /> }.into_any(),
            }}
            <h3 class="section-title">{tu_string!(i18n, fix.corrections)}</h3>
            <ChangeTimeline operation_id=this_id changes grid=detail.grid.clone() may_revert=correctable />
            <h3 class="section-title">{tu_string!(i18n, detail.history)}</h3>
            <ol class="history">
                {detail.history.into_iter().map(|op| {
                    let current = op.id == this_id;
                    let kind = op.kind;
                    view! {
                        <li class:current=current>
                            <a href=format!("?op={}", op.id) aria-current=current.then_some("true")>
                                <span class="history-kind">{kind_label(i18n.get_locale_untracked(), kind)}</span>
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
fn Fact(#[prop(into)] term: Signal<&'static str>, children: Children) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{term}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// The attributes grid's column headings, shared with the correction editor's grid.
#[component]
pub fn GridHead() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <thead>
            <tr>
                <th scope="col">{tu_string!(i18n, detail.field)}</th>
                <th scope="col">{tu_string!(i18n, detail.old_value)}</th>
                <th scope="col">{tu_string!(i18n, detail.new_value)}</th>
                <th scope="col">{tu_string!(i18n, detail.hq_now)}</th>
            </tr>
        </thead>
    }
}

/// Field, old value, new value and the value HQ holds now; changed values emphasised, the
/// failing field outlined.
#[component]
fn AttributeGrid(rows: Vec<GridRow>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="muted">{tu_string!(i18n, detail.no_fields)}</p> }.into_any();
    }
    view! {
        <div class="grid-wrap">
            <table class="attribute-grid" aria-labelledby="grid-title">
                <GridHead />
                <tbody>
                    {rows.into_iter().map(|row| {
                        let changed = row.old_value != row.new_value;
                        view! {
                            <tr class:failing=row.failing class:changed=changed data-field=row.field.clone()>
                                <th scope="row">
                                    <span>{pick(i18n.get_locale_untracked(), &row.label_en, &row.label_nb).to_owned()}</span>
                                    {row.group.map(|g| view! { <span class="field-group">{g}</span> })}
                                    {row.failing.then(|| view! { <span class="failing-mark">{tu_string!(i18n, detail.fails)}</span> })}
                                </th>
                                <td data-label=tu_string!(i18n, detail.old_value)><Value value=row.old_value /></td>
                                <td data-label=tu_string!(i18n, detail.new_value) class="new-value"><Value value=row.new_value /></td>
                                <td data-label=tu_string!(i18n, detail.hq_now)><Value value=row.hq_value /></td>
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
    let i18n = use_i18n();
    match value.filter(|v| !v.is_empty()) {
        Some(v) => view! { <span class="value">{v}</span> }.into_any(),
        None => view! { <span class="muted" aria-label=tu_string!(i18n, detail.empty)>"–"</span> }
            .into_any(),
    }
}

/// The detail of operation `id` (as it appears in the URL), loading it from the server.
#[component]
pub fn OperationDetailPane(
    id: Signal<Option<String>>,
    close_href: Signal<String>,
) -> impl IntoView {
    let live = super::live::Live::get();
    let i18n = use_i18n();
    let control = DetailControl::provide();
    let person = super::person::Person::get();
    // While an editor is open the detail is not reloaded by live changes (the editor would
    // lose what was typed); it catches up when the editor closes.
    let live_version = Memo::new(move |before: Option<&u64>| {
        if control.editing.get() {
            before.copied().unwrap_or_default()
        } else {
            live.version.get()
        }
    });
    // Another operation opened: whatever editor was open is gone (it let go of its hold).
    Effect::new(move |before: Option<Option<String>>| {
        let now = id.get();
        let moved = before.is_some_and(|before| before != now);
        if moved && control.editing.get_untracked() {
            control.session.set(None);
            control.editing.set(false);
        }
        now
    });
    let detail = Resource::new(
        move || (id.get(), live_version.get(), control.reload.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => crate::functions::operations::open_operation(id)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="loading" role="status">{tu_string!(i18n, detail.loading)}</p> }>
            {move || Suspend::new(async move {
                let may_correct = super::person::allows(person.role().await, crate::model::Role::Operator);
                match detail.await {
                    Ok(Some(detail)) => view! {
                        <OperationDetailView detail close_href=close_href.get_untracked() may_correct />
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
