//! The status list: the five default columns and any extra ones chosen, newest (or oldest)
//! first, with keyset paging. The order and the columns are links: they live in the URL.

use leptos::prelude::*;

use super::{export_menu::ExportMenu, short_guid, status_badge::StatusBadge, time::Time};
use crate::{
    locale::{kind_label, pick, t, td_string, tu_string, use_i18n, Locale},
    model::{
        detail::FieldName,
        filter::{ExtraColumn, FilterField, ListView},
        OperationFilter, OperationPage, OperationState,
    },
};

/// A table of operations and the link to the next ones. Each row opens its detail (`?op=`),
/// keeping the page position `before`; the `selected` one is marked. When `pickable` (an
/// operator's list), each row has a checkbox the bulk bar acts on.
#[component]
pub fn OperationList(
    page: OperationPage,
    filter: OperationFilter,
    before: Option<String>,
    selected: Option<String>,
    /// The fields the list can be filtered on: their names name an error's field.
    fields: Vec<FilterField>,
    #[prop(optional)] pickable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let fields = StoredValue::new(fields);
    if page.operations.is_empty() && !filter.is_empty() {
        return view! {
            <div class="empty-state">
                <p class="empty-title">{tu_string!(i18n, list.empty_filter_title)}</p>
                <p>{tu_string!(i18n, list.empty_filter_text)}</p>
                <a class="button" href=filter.cleared().href(&[])>{tu_string!(i18n, filter.clear)}</a>
            </div>
        }
        .into_any();
    }
    if page.operations.is_empty() {
        return view! {
            <div class="empty-state">
                <p class="empty-title">{tu_string!(i18n, list.empty_title)}</p>
                <p>{t!(i18n, list.empty_text, <code> = <code />)}</p>
            </div>
        }
        .into_any();
    }
    let oldest_first = filter.view.oldest_first;
    let next = page
        .next
        .map(|cursor| filter.href(&[("before", cursor.encode())]));
    let first = filter.href(&[]);
    let columns = filter.view.columns.clone();
    let with_view = |view: ListView| {
        OperationFilter {
            view,
            ..filter.clone()
        }
        .href(&[])
    };
    let sort_href = with_view(ListView {
        oldest_first: !oldest_first,
        ..filter.view.clone()
    });
    view! {
        <div class="list-tools">
            <a class="button button-quiet sort-link" href=sort_href>
                <span aria-hidden="true">{if oldest_first { "↑ " } else { "↓ " }}</span>
                {if oldest_first { tu_string!(i18n, list.oldest_first) } else { tu_string!(i18n, list.newest_first) }}
            </a>
            <ColumnChooser view=filter.view.clone() href=with_view />
            <ExportMenu filter=filter.clone() fields=fields.get_value() />
        </div>
        <div class="table-wrap">
            <table class="operation-table">
                <thead>
                    <tr>
                        {pickable.then(|| view! {
                            <th scope="col" class="cell-pick"><span class="visually-hidden">{tu_string!(i18n, list.pick)}</span></th>
                        })}
                        <th scope="col">{tu_string!(i18n, list.channel_name)}</th>
                        <th scope="col">{tu_string!(i18n, list.customer_name)}</th>
                        <th scope="col">{tu_string!(i18n, list.customer_account)}</th>
                        <th scope="col">{tu_string!(i18n, list.async_account)}</th>
                        <th scope="col" aria-sort=if oldest_first { "ascending" } else { "descending" }>
                            {tu_string!(i18n, list.operation_timestamp)}
                            <span aria-hidden="true">{if oldest_first { " ↑" } else { " ↓" }}</span>
                        </th>
                        <th scope="col">{tu_string!(i18n, list.sync_status)}</th>
                        {columns.iter().map(|c| {
                            let c = *c;
                            view! { <th scope="col">{column_label(i18n.get_locale_untracked(), c)}</th> }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || page.operations.clone()
                        key={
                            let cols = format!("{:?}", filter.view.to_query());
                            move |op| format!("{}-{cols}", op.summary.id)
                        }
                        let:op
                    >
                        {
                            let mut extra: Vec<(&str, String)> =
                                before.iter().map(|b| ("before", b.clone())).collect();
                            extra.push(("op", op.summary.id.to_string()));
                            let href = filter.href(&extra);
                            let is_selected = selected.as_deref() == Some(op.summary.id.to_string().as_str());
                            view! { <OperationRow op href selected=is_selected columns=columns.clone() fields pickable /> }
                        }
                    </For>
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label=tu_string!(i18n, list.pages)>
            <a class="button" href=first>
                {if oldest_first { tu_string!(i18n, list.oldest_first) } else { tu_string!(i18n, list.newest) }}
            </a>
            {next.map(|href| view! {
                <a class="button" rel="next" href=href>
                    {if oldest_first { tu_string!(i18n, list.older_later) } else { tu_string!(i18n, list.older) }}
                </a>
            })}
        </nav>
    }
    .into_any()
}

/// An extra column's heading.
fn column_label(locale: Locale, column: ExtraColumn) -> &'static str {
    match column {
        ExtraColumn::Kind => td_string!(locale, list.operation_kind),
        ExtraColumn::Retries => td_string!(locale, list.retry_count),
        ExtraColumn::LegalEntity => td_string!(locale, list.legal_entity),
        ExtraColumn::LastError => td_string!(locale, list.last_error),
    }
}

/// "Columns": a link per extra column that shows or hides it.
#[component]
fn ColumnChooser(view: ListView, href: impl Fn(ListView) -> String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="column-chooser">
            <summary>{tu_string!(i18n, list.columns)}</summary>
            <ul>
                {ExtraColumn::ALL.iter().map(|c| {
                    let c = *c;
                    let shown = view.columns.contains(&c);
                    view! {
                        <li>
                            <a href=href(view.toggled(c)) class:shown=shown data-column=c.as_str()>
                                <span class="check" aria-hidden="true">{if shown { "☑" } else { "☐" }}</span>
                                {column_label(i18n.get_locale_untracked(), c)}
                                <span class="visually-hidden">
                                    {if shown { tu_string!(i18n, list.shown) } else { tu_string!(i18n, list.hidden) }}
                                </span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}

/// One operation; its channel name is the link that opens it, stretched over the whole row.
#[component]
fn OperationRow(
    op: OperationState,
    href: String,
    selected: bool,
    columns: Vec<ExtraColumn>,
    fields: StoredValue<Vec<FilterField>>,
    pickable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let summary = op.summary;
    let pick_box = pickable.then(|| {
        let label = td_string!(
            i18n.get_locale_untracked(),
            list.pick_operation,
            id = summary.id
        )
        .to_string();
        view! {
            <td class="cell-pick">
                <input type="checkbox" class="row-pick" value=summary.id aria-label=label />
            </td>
        }
    });
    let kind = summary.kind;
    let extra = columns
        .into_iter()
        .map(|c| match c {
            ExtraColumn::Kind => {
                view! { <td class="cell-kind">{kind_label(i18n.get_locale_untracked(), kind)}</td> }
                    .into_any()
            }
            ExtraColumn::Retries => {
                view! { <td class="cell-retries num">{op.retry_count}</td> }.into_any()
            }
            ExtraColumn::LegalEntity => {
                view! { <td class="cell-entity">{summary.legal_entity_id.clone()}</td> }.into_any()
            }
            ExtraColumn::LastError => {
                let error = op.last_error.as_ref().map(|e| {
                    let name = e.field.as_deref().map(|key| {
                        fields.with_value(|all| match all.iter().find(|f| f.key == key) {
                            Some(f) => pick(locale, &f.label_en, &f.label_nb).to_owned(),
                            None => FieldName::of_key(key).get(locale).to_owned(),
                        })
                    });
                    e.text_with_field(locale, name.as_deref())
                });
                view! { <td class="cell-error">{error.unwrap_or_default()}</td> }.into_any()
            }
        })
        .collect_view();
    view! {
        <tr data-operation-id=summary.id data-key=summary.id class=if selected { "selected" } else { "" }>
            {pick_box}
            <td class="cell-channel">
                <a class="row-link" href=href aria-current=if selected { "true" } else { "false" }>
                    {summary.channel_name}
                </a>
            </td>
            <td class="cell-name">
                {match summary.customer_name {
                    Some(name) => view! { <span>{name}</span> }.into_any(),
                    None => view! { <span class="muted">"–"</span> }.into_any(),
                }}
            </td>
            <td class="cell-account num">
                {match summary.customer_account {
                    Some(account) => view! { <span>{account}</span> }.into_any(),
                    None => view! { <span class="muted">{tu_string!(i18n, list.no_account)}</span> }.into_any(),
                }}
            </td>
            <td class="cell-guid">
                <code title=summary.async_account.clone()>{short_guid(&summary.async_account)}</code>
            </td>
            <td class="cell-time num">
                <Time at=summary.operation_at />
            </td>
            <td class="cell-status"><StatusBadge status=summary.status /></td>
            {extra}
        </tr>
    }
}
