//! The detail of one operation: header, change description, last known error, the customer
//! attributes grid (old value, new value, HQ now; the failing field outlined) and the history
//! of its async customer. The server draws it; the correction workflow in its middle (notice,
//! Correct and Synchronize, a possible duplicate's comparison with Link and Create anyway, the
//! grid or its editor, the corrections with Revert) is one island,
//! [`CorrectionWork`], drawn anew whenever the operation changes (its props change).

use leptos::{either::Either, prelude::*, task::spawn_local};

use super::{
    correction::{
        synchronize_now, ChangeTimeline, CorrectionEditor, DetailControl, EditorEnd, Notice,
        NoticeLine,
    },
    duplicate_compare::DuplicateCompare,
    error_box::ErrorBox,
    field_value::FieldValue,
    status_badge::StatusBadge,
    time::Time,
};
use crate::{
    functions::corrections::start_correction,
    locale::{kind_label, pick, tu_string, use_i18n},
    model::{
        correction::is_correctable, detail::FieldName, ChangeDescription, GridRow, OperationDetail,
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
    let locale = i18n.get_locale_untracked();
    let description = ChangeDescription::of(&detail);
    let summary = detail.state.summary.clone();
    let error = detail.state.last_error.clone().filter(|_| {
        matches!(
            summary.status,
            SyncStatus::Failed | SyncStatus::Pending | SyncStatus::Editing
        )
    });
    let error_label = error.as_ref().and_then(|e| {
        let key = e.field.as_ref()?;
        let name = match detail.grid.iter().find(|r| &r.field == key) {
            Some(row) => pick(locale, &row.label_en, &row.label_nb).to_owned(),
            None => FieldName::of_key(key).get(locale).to_owned(),
        };
        e.lead(Some(&name)).map(|name| format!("{name}: "))
    });
    let kind = summary.kind;
    let this_id = summary.id;
    let account = summary
        .customer_account
        .clone()
        .or_else(|| detail.customer_account.clone());
    let fields = detail.grid.len();
    let history = detail.history.clone();
    let waiting_for = detail.waiting_for().cloned();
    let (account_fact, async_account, channel_operation, channel_name, legal_entity) = (
        account.clone(),
        summary.async_account.clone(),
        detail.channel_operation_id.clone(),
        summary.channel_name.clone(),
        detail.legal_entity_id.clone(),
    );
    let (operation_at, received_at, updated_at, retries, upload) = (
        summary.operation_at,
        detail.received_at,
        detail.updated_at,
        detail.state.retry_count,
        detail.upload_session_id,
    );
    let facts = view! {
        {error.map(|e| view! {
            <div class="last-error" role="note" aria-label=tu_string!(i18n, detail.last_error)>
                <p class="last-error-title">{tu_string!(i18n, detail.last_error)}</p>
                <p>
                    {error_label.map(|l| view! { <strong>{l}</strong> })}
                    {e.text(locale)}
                </p>
                <p class="muted last-error-code"><span>{tu_string!(i18n, detail.code)}</span>" "<code>{e.code}</code></p>
            </div>
        })}
        <dl class="detail-facts">
            <Fact term=tu_string!(i18n, detail.customer_account)>
                {match account_fact.clone() {
                    Some(a) => view! { <span class="num">{a}</span> }.into_any(),
                    None => view! { <span class="muted">{tu_string!(i18n, list.no_account)}</span> }.into_any(),
                }}
            </Fact>
            <Fact term=tu_string!(i18n, detail.async_account)>
                <code class="guid">{async_account.clone()}</code>
            </Fact>
            <Fact term=tu_string!(i18n, detail.retail_operation)>
                <code>{channel_operation.clone()}</code>" · "<span>{kind_label(locale, kind)}</span>
            </Fact>
            <Fact term=tu_string!(i18n, detail.channel)>{channel_name.clone()}" · "{legal_entity.clone()}</Fact>
            <Fact term=tu_string!(i18n, detail.operation_timestamp)><Time at=operation_at /></Fact>
            <Fact term=tu_string!(i18n, detail.received)><Time at=received_at /></Fact>
            <Fact term=tu_string!(i18n, detail.last_change)><Time at=updated_at /></Fact>
            <Fact term=tu_string!(i18n, detail.retry_count)><span class="num">{retries}</span></Fact>
            <Fact term=tu_string!(i18n, detail.upload_session)>
                {upload.map(|s| s.to_string()).unwrap_or_else(|| "–".into())}
            </Fact>
        </dl>
        <h3 class="section-title" id="grid-title"><span>{tu_string!(i18n, detail.attributes)}</span>" "<span class="count">{fields}</span></h3>
    }
    .into_any();
    // The facts are drawn here, once, and handed to the island as its (server-drawn) children,
    // moved into the children's closure. Not through a `StoredValue::new_local`: the server
    // renders on a multi-threaded runtime, and a local value dropped on another worker thread
    // panics (`SendWrapper`), which ended the connection without an answer.
    view! {
        <section class="detail" aria-labelledby="detail-title" data-operation-id=this_id>
            <header class="detail-head">
                <a class="button button-quiet detail-close" href=close_href>
                    <span aria-hidden="true">"← "</span><span>{tu_string!(i18n, detail.back)}</span>
                </a>
                <div class="detail-title-row">
                    <h2 id="detail-title">
                        {match summary.customer_name.clone() {
                            Some(name) => Either::Left(name),
                            None => Either::Right(tu_string!(i18n, detail.unnamed)),
                        }}
                        {account.map(|account| view! { " "<span class="detail-account num">{account}</span> })}
                    </h2>
                    <StatusBadge status=summary.status />
                </div>
                {waiting_for.map(|earlier| view! {
                    <p class="waiting-for">
                        <span>{tu_string!(i18n, detail.waits_for)}" "</span>
                        <a href=format!("?op={}", earlier.id)>
                            <span>{format!("{} · {} · ", kind_label(locale, earlier.kind), earlier.channel_name)}</span>
                            <Time at=earlier.operation_at />
                        </a>
                        " "<StatusBadge status=earlier.status />
                    </p>
                })}
                <p class="change-description">
                    <span class="visually-hidden">{tu_string!(i18n, detail.change_description)}</span>
                    <span>{description.sentence(locale)}</span>
                </p>
            </header>
            <CorrectionWork detail=detail.clone() may_correct>
                {facts}
            </CorrectionWork>
            <h3 class="section-title">{tu_string!(i18n, detail.history)}</h3>
            <ol class="history">
                <For each=move || history.clone() key=|op| op.id let:op>
                    {
                        let current = op.id == this_id;
                        let kind = op.kind;
                        view! {
                            <li data-key=op.id class=if current { "current" } else { "" }>
                                <a href=format!("?op={}", op.id) aria-current=if current { "true" } else { "false" }>
                                    <span class="history-kind">{kind_label(locale, kind)}</span>
                                    <span class="history-channel">{op.channel_name}</span>
                                    <Time at=op.operation_at />
                                </a>
                                <StatusBadge status=op.status />
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
    }
}

/// The correction workflow of one operation, in the browser: the latest notice, Correct and
/// Synchronize (for an operator, on an operation that can be corrected), the server-drawn
/// facts (`children`), the attributes grid or its editor, and the corrections with Revert.
#[island]
fn CorrectionWork(detail: OperationDetail, may_correct: bool, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let op_id = detail.state.summary.id;
    let version = detail.state.version;
    let control = DetailControl::provide(op_id);
    let session = control.session;
    let start_error = RwSignal::new(None::<crate::AppError>);
    let editor = RwSignal::new(None::<EditorView>);
    let correctable = may_correct && is_correctable(detail.state.summary.status);
    // A possible duplicate is decided on (or corrected), not synchronized again as it is.
    let synchronizable = detail.state.summary.status != SyncStatus::PossibleDuplicate;
    // Storage fills it for a Possible duplicate only.
    let duplicate = detail.duplicate.clone();
    let start = move || {
        start_error.set(None);
        // Keep this island from the click on: drawn again while the server answers, the
        // detail would be replaced, and the editor would open in the one it replaced.
        control.editing();
        spawn_local(async move {
            // The editor's code comes first (its own chunk, fetched the first time).
            let view = editor_view().await;
            match start_correction(op_id).await {
                Ok(opened) => {
                    // The session before the view: starting again after a conflict, the editor
                    // must not be drawn once more from the old session's values.
                    session.set(Some(opened));
                    if editor.with_untracked(Option::is_none) {
                        editor.set(Some(view));
                    }
                    // The list and the header say Editing now; this island stays as it is.
                    super::live_indicator::refresh();
                }
                Err(error) => {
                    control.close();
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
            control.notice.set(None);
            control.close();
        }
        EditorEnd::StartAgain => start(),
    });
    let grid = detail.grid.clone();
    let changes = detail.changes.clone();
    view! {
        <div class="correction-work" data-key=op_id node_ref=control.root>
        <NoticeLine id=op_id />
        {correctable.then(|| view! {
            <div class="detail-actions" class:hidden=move || session.with(Option::is_some)>
                <button type="button" class="button button-primary" data-action="correct" on:click=move |_| start()>
                    {tu_string!(i18n, fix.correct)}
                </button>
                {synchronizable.then(|| view! {
                    <button type="button" class="button" data-action="synchronize"
                        on:click=move |_| synchronize_now(control, op_id, version)>
                        {tu_string!(i18n, fix.synchronize)}
                    </button>
                })}
            </div>
        })}
        {duplicate.map(|comparison| view! {
            <div class:hidden=move || session.with(Option::is_some)>
                <DuplicateCompare comparison id=op_id version may_decide=may_correct />
            </div>
        })}
        {move || start_error.get().map(|error| view! { <ErrorBox error /> })}
        {children()}
        {move || match session.get() {
            Some(session) => match editor.get() {
                Some(build) => build(session, on_end),
                None => ().into_any(),
            },
            None => view! { <AttributeGrid rows=grid.clone() /> }.into_any(),
        }}
        <h3 class="section-title">{tu_string!(i18n, fix.corrections)}</h3>
        <ChangeTimeline operation_id=op_id changes grid=detail.grid.clone() may_revert=correctable />
        </div>
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
    let locale = i18n.get_locale_untracked();
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
                                    <span>{pick(locale, &row.label_en, &row.label_nb).to_owned()}</span>
                                    {row.group.map(|g| view! { <span class="field-group">{g.get(locale).to_owned()}</span> })}
                                    {row.failing.then(|| view! { <span class="failing-mark">{tu_string!(i18n, detail.fails)}</span> })}
                                </th>
                                <td data-label=tu_string!(i18n, detail.old_value)><FieldValue value=row.old_value kind=row.kind /></td>
                                <td data-label=tu_string!(i18n, detail.new_value) class="new-value"><FieldValue value=row.new_value kind=row.kind /></td>
                                <td data-label=tu_string!(i18n, detail.hq_now)><FieldValue value=row.hq_value kind=row.kind /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Draws the correction editor of a session, telling `on_end` how it ended.
type EditorView = fn(crate::model::EditSession, Callback<EditorEnd>) -> AnyView;

/// The correction editor's code, loaded the first time one opens: it and the validation it runs
/// on every keystroke are a part of the client of their own (`#[lazy]`: a WebAssembly chunk of
/// their own), so a page that is only read does not download them.
#[lazy]
fn editor_view() -> EditorView {
    |session, on_end| view! { <CorrectionEditor session on_end /> }.into_any()
}
