//! The change log page: every correction, revert and Synchronize now made from the status
//! page, newest first, filtered by who, field, operation and action (the filter lives in the
//! URL: a plain form, so it works before the client has loaded). Read-only for everyone.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::{
    components::{
        correction::timeline::{action_label, field_label, BeforeAfter},
        error_box::ErrorBox,
        time::Time,
    },
    functions::corrections::change_log,
    locale::{td_string, tu_string, use_i18n, Locale},
    model::{correction::ChangeLogPage, ChangeAction, CustomerField},
};

#[component]
pub fn ChangesPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let page = Resource::new(move || location.search.get(), change_log);
    view! {
        <main class="changes-page">
            <h1>{tu_string!(i18n, fix.change_log)}</h1>
            <p class="muted">{tu_string!(i18n, fix.change_log_lead)}</p>
            <Transition fallback=move || view! { <p class="loading" role="status">"…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <ChangeLogView page /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn ChangeLogView(page: ChangeLogPage) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let query = use_query_map();
    let param = move |key: &str| query.with_untracked(|q| q.get(key).unwrap_or_default());
    let next_href = page.next.map(|before| {
        let mut pairs: Vec<(String, String)> = ["who", "field", "op", "action", "bulk"]
            .iter()
            .map(|k| (k.to_string(), param(k)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        pairs.push(("before".into(), before.to_string()));
        format!(
            "/changes?{}",
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
        )
    });
    let chosen_who = param("who");
    let chosen_field = param("field");
    let chosen_action = param("action");
    let paged = !param("before").is_empty();
    view! {
        <form class="changes-filter" method="get" action="/changes">
            <label>
                <span>{tu_string!(i18n, fix.who)}</span>
                <select name="who">
                    <option value="">{tu_string!(i18n, fix.anyone)}</option>
                    {page.actors.iter().map(|a| view! {
                        <option value=a.clone() selected=*a == chosen_who>{a.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{tu_string!(i18n, fix.field)}</span>
                <select name="field">
                    <option value="">{tu_string!(i18n, fix.any_field)}</option>
                    {CustomerField::ALL.iter().map(|f| view! {
                        <option value=f.key() selected=f.key() == chosen_field>{field_label(locale, f.key(), &[])}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{tu_string!(i18n, fix.action)}</span>
                <select name="action">
                    <option value="">{tu_string!(i18n, fix.any_action)}</option>
                    {ChangeAction::ALL.iter().map(|a| view! {
                        <option value=a.as_str() selected=a.as_str() == chosen_action>{action_label(locale, *a)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{tu_string!(i18n, fix.operation)}</span>
                <input type="text" inputmode="numeric" name="op" size="8" value=param("op") />
            </label>
            {(!param("bulk").is_empty()).then(|| view! { <input type="hidden" name="bulk" value=param("bulk") /> })}
            <button type="submit" class="button button-primary">{tu_string!(i18n, fix.apply_filter)}</button>
            <a class="button button-quiet" href="/changes">{tu_string!(i18n, fix.clear_filter)}</a>
        </form>
        <ChangeTable page locale />
        <nav class="pager">
            {paged.then(|| view! { <a class="button button-quiet" href="/changes">{tu_string!(i18n, fix.newest)}</a> })}
            {next_href.map(|href| view! { <a class="button" href=href rel="next">{tu_string!(i18n, fix.older)}</a> })}
        </nav>
    }
}

#[component]
fn ChangeTable(page: ChangeLogPage, locale: Locale) -> impl IntoView {
    if page.entries.is_empty() {
        return view! { <p class="muted">{td_string!(locale, fix.no_changes)}</p> }.into_any();
    }
    view! {
        <div class="grid-wrap">
            <table class="change-log">
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, fix.when)}</th>
                        <th scope="col">{td_string!(locale, fix.who)}</th>
                        <th scope="col">{td_string!(locale, fix.operation)}</th>
                        <th scope="col">{td_string!(locale, fix.action)}</th>
                        <th scope="col">{td_string!(locale, fix.field)}</th>
                        <th scope="col">{td_string!(locale, fix.change)}</th>
                        <th scope="col">{td_string!(locale, fix.why)}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|entry| {
                        let field = entry.field.as_deref().map(|k| field_label(locale, k, &[]));
                        view! {
                            <tr data-change=entry.id data-action=entry.action.as_str()>
                                <td data-label=td_string!(locale, fix.when)><Time at=entry.at /></td>
                                <td data-label=td_string!(locale, fix.who)>{entry.actor.clone()}</td>
                                <td data-label=td_string!(locale, fix.operation)>
                                    {entry.operation_id.map(|op| view! { <a href=format!("/?op={op}")>{op}</a> })}
                                </td>
                                <td data-label=td_string!(locale, fix.action)>{action_label(locale, entry.action)}</td>
                                <td data-label=td_string!(locale, fix.field)>{field.unwrap_or_default()}</td>
                                <td data-label=td_string!(locale, fix.change)>
                                    {(entry.before.is_some() || entry.after.is_some()).then(|| view! {
                                        <BeforeAfter before=entry.before.clone() after=entry.after.clone() />
                                    })}
                                </td>
                                <td data-label=td_string!(locale, fix.why)>
                                    {entry.reason.clone().unwrap_or_default()}
                                    {entry.bulk_run.map(|run| view! {
                                        " "<a class="bulk-run-link" href=format!("/bulk?run={run}")>{format!("#{run}")}</a>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
