//! The correction editor: the attributes grid with an input for every new value, each checked
//! on every keystroke by the validation the server runs; a reason; Save, Save and synchronize,
//! Cancel; and, when someone else saved first, what changed — nothing is overwritten.

use std::collections::BTreeMap;

use leptos::{prelude::*, task::spawn_local};

use super::input::FieldInput;
use crate::components::field_value::FieldValue;
use crate::{
    components::{error_box::ErrorBox, time::Time},
    functions::corrections::{cancel_correction, keep_correcting, save_correction},
    locale::{pick, status_label, td_string, tu_string, use_i18n},
    model::{
        correction::{conflicting_fields, ConflictField, EDIT_KEEPALIVE_SECONDS},
        ChangeEntry, Correction, EditSession, GridRow, OperationDetail, SaveOutcome,
    },
    validate::editor::{check_typed, editor_input, editor_rows, typed_changes},
    AppError,
};

/// How the editor ended.
#[derive(Debug, Clone)]
pub enum EditorEnd {
    /// Stored; `synchronized` when Synchronize now ran too.
    Saved {
        detail: Box<OperationDetail>,
        synchronized: bool,
    },
    Cancelled,
    /// Open it again from the values as they are now (after a conflict).
    StartAgain,
}

/// The editor of `session`'s operation; `on_end` hears how it ended.
#[component]
pub fn CorrectionEditor(session: EditSession, on_end: Callback<EditorEnd>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let EditSession { detail, context } = session;
    let id = detail.state.summary.id;
    let version = detail.state.version;
    let kind = detail.state.summary.kind;
    let rows = StoredValue::new(editor_rows(kind, &detail.grid));
    let context = StoredValue::new(context);
    provide_context(context);
    let typed = RwSignal::new(rows.with_value(|rows| {
        rows.iter()
            .map(|r| (r.field.clone(), r.new_value.clone().unwrap_or_default()))
            .collect::<BTreeMap<String, String>>()
    }));
    let errors = Memo::new(move |_| {
        typed.with(|t| rows.with_value(|r| context.with_value(|c| check_typed(kind, r, t, c))))
    });
    let changes = Memo::new(move |_| typed.with(|t| rows.with_value(|r| typed_changes(r, t))));
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let conflict = RwSignal::new(None::<(OperationDetail, Option<ChangeEntry>)>);
    let ended = StoredValue::new(false);

    // Tell the server now and then that the editor is still open (else the hold lapses), and
    // let go of the operation if the editor leaves the page without Save or Cancel (the person
    // followed a link: public/pages.js replaced the detail without ending this island).
    let form = NodeRef::<leptos::html::Form>::new();
    let control = super::DetailControl::get();
    // When the server last heard that the editor is open, by the clock (a hidden tab's timers
    // fire rarely: counting ticks would let the hold lapse).
    let told = StoredValue::new(now_ms());
    // The timer stops itself once the editor's reactive values are disposed (Save, Cancel, or
    // another correction); an editor whose page was replaced lets go of the hold above.
    let timer = std::rc::Rc::new(std::cell::Cell::new(None::<IntervalHandle>));
    let own_timer = timer.clone();
    let tick = move || {
        let (Some(form), Some(done)) = (form.try_get_untracked(), ended.try_get_value()) else {
            if let Some(timer) = own_timer.take() {
                timer.clear();
            }
            return;
        };
        let gone = form.is_some_and(|form| !form.is_connected());
        if gone || !control.is_editing(id) {
            if !done {
                ended.set_value(true);
                spawn_local(async move { drop(cancel_correction(id).await) });
                control.close();
            }
            return;
        }
        let now = now_ms();
        if now - told.get_value() >= (EDIT_KEEPALIVE_SECONDS * 1000) as f64 {
            told.set_value(now);
            spawn_local(async move { drop(keep_correcting(id).await) });
        }
    };
    if let Ok(watch) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
        timer.set(Some(watch));
        on_cleanup(move || watch.clear());
    }

    let save = move |synchronize: bool| {
        let text = reason.get_untracked();
        let correction = Correction {
            operation_id: id,
            version,
            values: changes.get_untracked(),
            reason: (!text.trim().is_empty()).then_some(text),
            synchronize,
        };
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            match save_correction(correction).await {
                Ok(SaveOutcome::Saved(detail)) => {
                    ended.set_value(true);
                    on_end.run(EditorEnd::Saved {
                        detail: Box::new(detail),
                        synchronized: synchronize,
                    });
                }
                Ok(SaveOutcome::Conflict { current, by }) => {
                    conflict.set(Some((current, by.map(|b| *b))))
                }
                Err(error) => failure.set(Some(error)),
            }
            busy.set(false);
        });
    };
    let cancel = move |_| {
        ended.set_value(true);
        spawn_local(async move {
            drop(cancel_correction(id).await);
            on_end.run(EditorEnd::Cancelled);
        });
    };
    let summary = move || {
        let wrong = errors.with(BTreeMap::len);
        let changed = changes.with(BTreeMap::len);
        match (wrong, changed) {
            (0, 0) => td_string!(locale, fix.unchanged).to_string(),
            (0, 1) => td_string!(locale, fix.ready_one).to_owned(),
            (0, n) => td_string!(locale, fix.ready, n).to_string(),
            (1, _) => td_string!(locale, fix.to_fix_one).to_owned(),
            (n, _) => td_string!(locale, fix.to_fix, n).to_string(),
        }
    };
    let blocked = move || busy.get() || errors.with(|e| !e.is_empty());
    let grid_rows = rows.get_value();
    let opened_grid = detail.grid.clone();

    // Parts erased to `AnyView`: the whole editor's view type is too deep to compile otherwise.
    let head = view! {
        <div class="editor-head">
            <p class="editor-title" id="editor-title">{tu_string!(i18n, fix.editing_title)}</p>
            <p class="muted">{tu_string!(i18n, fix.editing_note)}</p>
        </div>
        {move || conflict.get().map(|(current, by)| {
            let changed = conflicting_fields(&opened_grid, &current.grid, &changes.get_untracked());
            view! { <ConflictBox current by changed on_end /> }
        })}
    }
    .into_any();
    let table = view! {
        <div class="grid-wrap">
            <table class="attribute-grid editing" aria-labelledby="grid-title">
                <crate::components::operation_detail::GridHead />
                <tbody>
                    {grid_rows.into_iter().map(|row| view! { <EditorRow row typed errors changes /> }.into_any()).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any();
    let footer = view! {
        <label class="editor-reason">
            <span>{tu_string!(i18n, fix.reason)}</span>
            <input type="text" maxlength="500" placeholder=tu_string!(i18n, fix.reason_placeholder)
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
        </label>
        <p class="editor-summary" class:has-errors=move || errors.with(|e| !e.is_empty()) role="status">{summary}</p>
        {move || failure.get().map(|error| view! { <ErrorBox error /> })}
    }
    .into_any();
    let actions = view! {
        <div class="editor-actions">
            <button type="button" class="button button-primary" data-action="save-sync"
                disabled=blocked on:click=move |_| save(true)>
                {tu_string!(i18n, fix.save_and_sync)}
            </button>
            <button type="submit" class="button" data-action="save"
                disabled=move || blocked() || changes.with(BTreeMap::is_empty)>
                {tu_string!(i18n, fix.save)}
            </button>
            <button type="button" class="button button-quiet" data-action="cancel" on:click=cancel>
                {tu_string!(i18n, fix.cancel)}
            </button>
            {move || busy.get().then(|| view! { <span class="muted" role="status">{td_string!(locale, fix.working)}</span> })}
        </div>
    }
    .into_any();
    view! {
        <form node_ref=form class="editor" aria-labelledby="editor-title" on:submit=move |ev| { ev.prevent_default(); save(false) }>
            {head}
            {table}
            {footer}
            {actions}
        </form>
    }
}

/// One row of the editor: the field, its old value, the input and what HQ holds now.
#[component]
fn EditorRow(
    row: GridRow,
    typed: RwSignal<BTreeMap<String, String>>,
    errors: Memo<BTreeMap<String, crate::validate::FieldError>>,
    changes: Memo<BTreeMap<String, String>>,
) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let context = expect_context::<StoredValue<crate::validate::ValidationContext>>();
    let input = context.with_value(|c| editor_input(&row.field, c));
    let label = pick(locale, &row.label_en, &row.label_nb).to_owned();
    let key = row.field.clone();
    let message = Signal::derive(move || errors.with(|e| e.get(&key).map(|e| e.text(locale))));
    let key = row.field.clone();
    let changed = move || changes.with(|c| c.contains_key(&key));
    let added = row.new_value.is_none() && row.old_value.is_none() && row.hq_value.is_none();
    view! {
        <tr class:failing=move || message.with(Option::is_some) class:changed=changed data-field=row.field.clone()>
            <th scope="row">
                <label for=super::input::input_id(&row.field)>{label.clone()}</label>
                {row.group.clone().map(|g| view! { <span class="field-group">{g.get(locale).to_owned()}</span> })}
                {added.then(|| view! { <span class="field-group">{td_string!(locale, fix.required)}</span> })}
            </th>
            <td data-label=td_string!(locale, detail.old_value)><FieldValue value=row.old_value.clone() kind=row.kind /></td>
            <td data-label=td_string!(locale, detail.new_value) class="new-value">
                <FieldInput field=row.field.clone() label input typed message />
            </td>
            <td data-label=td_string!(locale, detail.hq_now)><FieldValue value=row.hq_value.clone() kind=row.kind /></td>
        </tr>
    }
}

/// A value beside the input: as it is, or a quiet dash when empty.
fn value_text(locale: crate::locale::Locale, value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| td_string!(locale, fix.empty).to_owned())
}

/// Someone else saved first: who, the status now, and each field as it was, is, and as typed.
#[component]
fn ConflictBox(
    current: OperationDetail,
    by: Option<ChangeEntry>,
    changed: Vec<ConflictField>,
    on_end: Callback<EditorEnd>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let status = status_label(locale, current.state.summary.status);
    view! {
        <div class="conflict" role="alert">
            <p class="conflict-title">{tu_string!(i18n, fix.conflict_title)}</p>
            {by.map(|by| view! {
                <p>{td_string!(locale, fix.conflict_by, who = by.actor.as_str()).to_string()}" "<Time at=by.at /></p>
            })}
            <p>{td_string!(locale, fix.conflict_status, status).to_string()}</p>
            <table class="conflict-fields">
                <thead>
                    <tr>
                        <th scope="col">{tu_string!(i18n, detail.field)}</th>
                        <th scope="col">{tu_string!(i18n, fix.when_opened)}</th>
                        <th scope="col">{tu_string!(i18n, fix.now)}</th>
                        <th scope="col">{tu_string!(i18n, fix.yours)}</th>
                    </tr>
                </thead>
                <tbody>
                    {changed.into_iter().map(|f| view! {
                        <tr data-field=f.field.clone()>
                            <th scope="row">{pick(locale, &f.label_en, &f.label_nb).to_owned()}</th>
                            <td>{value_text(locale, f.when_opened)}</td>
                            <td class="conflict-now">{value_text(locale, f.now)}</td>
                            <td>{value_text(locale, f.yours)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted">{tu_string!(i18n, fix.conflict_nothing)}</p>
            <button type="button" class="button button-primary" data-action="start-again"
                on:click=move |_| on_end.run(EditorEnd::StartAgain)>
                {tu_string!(i18n, fix.start_again)}
            </button>
        </div>
    }
}

/// The browser's clock, in milliseconds (the editor only runs in the browser).
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    return leptos::web_sys::js_sys::Date::now();
    #[cfg(not(feature = "hydrate"))]
    0.0
}
