//! The corrections of one operation as a timeline, newest first: who, when, which field,
//! before → after, why — and Revert on a correction while the operation can still change.

use leptos::{prelude::*, task::spawn_local};

use super::{DetailControl, Notice};
use crate::{
    components::time::Time,
    functions::corrections::revert_change,
    locale::{pick, td_string, tu_string, use_i18n, Locale},
    model::{detail::FieldName, ChangeAction, ChangeEntry, GridRow, SaveOutcome},
};

/// "corrected", "reverted", "asked to synchronize now".
pub fn action_label(locale: Locale, action: ChangeAction) -> &'static str {
    match action {
        ChangeAction::Correct => td_string!(locale, fix.action_correct),
        ChangeAction::Revert => td_string!(locale, fix.action_revert),
        ChangeAction::Synchronize => td_string!(locale, fix.action_synchronize),
        ChangeAction::Link => td_string!(locale, fix.action_link),
        ChangeAction::CreateAnyway => td_string!(locale, fix.action_create_anyway),
    }
}

/// A field's display name: from the grid when the operation carries it, else from its key.
pub fn field_label(locale: Locale, key: &str, grid: &[GridRow]) -> String {
    match grid.iter().find(|r| r.field == key) {
        Some(row) => pick(locale, &row.label_en, &row.label_nb).to_owned(),
        None => FieldName::of_key(key).get(locale).to_owned(),
    }
}

/// Before → after, an empty value said as such.
#[component]
pub fn BeforeAfter(before: Option<String>, after: Option<String>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let say =
        move |v: Option<String>| v.unwrap_or_else(|| td_string!(locale, fix.empty).to_owned());
    view! {
        <span class="before-after">
            <del class="before">{say(before)}</del>
            <span aria-hidden="true">" → "</span>
            <ins class="after">{say(after)}</ins>
        </span>
    }
}

/// The timeline of `changes`; `may_revert` when the person and the operation allow it.
#[component]
pub fn ChangeTimeline(
    operation_id: i64,
    changes: Vec<ChangeEntry>,
    grid: Vec<GridRow>,
    may_revert: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let control = DetailControl::get();
    let busy = RwSignal::new(false);
    let revert = move |change: i64| {
        busy.set(true);
        spawn_local(async move {
            let notice = match revert_change(change, None).await {
                Ok(SaveOutcome::Saved(_)) => Notice::Reverted,
                Ok(SaveOutcome::Conflict { .. }) => Notice::ChangedSince,
                Err(error) => Notice::Failed(error),
            };
            busy.set(false);
            control.done(operation_id, notice);
        });
    };
    if changes.is_empty() {
        return view! { <p class="muted">{tu_string!(i18n, fix.no_corrections)}</p> }.into_any();
    }
    view! {
        <ol class="timeline">
            {changes.into_iter().map(|entry| {
                let field = entry.field.as_deref().map(|k| field_label(locale, k, &grid));
                let revertable = may_revert && entry.action == ChangeAction::Correct && entry.reverted_by.is_none();
                let label = td_string!(locale, fix.revert_label, field = field.as_deref().unwrap_or("")).to_string();
                let id = entry.id;
                view! {
                    <li data-change=entry.id data-action=entry.action.as_str()>
                        <p class="timeline-line">
                            <strong>{entry.actor.clone()}</strong>" "
                            <span>{action_label(locale, entry.action)}</span>
                            {field.map(|f| view! { " " <span class="timeline-field">{f}</span> })}
                            {entry.reverted_by.map(|_| view! { " " <span class="reverted-mark">{td_string!(locale, fix.reverted)}</span> })}
                        </p>
                        {(entry.before.is_some() || entry.after.is_some()).then(|| view! {
                            <p><BeforeAfter before=entry.before.clone() after=entry.after.clone() /></p>
                        })}
                        {entry.reason.clone().map(|r| view! { <p class="timeline-reason">"“"{r}"”"</p> })}
                        <p class="muted"><Time at=entry.at /></p>
                        {revertable.then(|| view! {
                            <button type="button" class="button button-quiet" data-action="revert"
                                aria-label=label disabled=move || busy.get() on:click=move |_| revert(id)>
                                {td_string!(locale, fix.revert)}
                            </button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}
