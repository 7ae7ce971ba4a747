//! The bulk bar above the list: the rows picked with their checkboxes, or "Select all
//! matching", which counts the filter's operations exactly (every page, not only the one
//! shown); then a dry run, a synchronize and a correction by rule. Picked rows are a filter
//! too (`ids=`), so every selection is a filter the server evaluates when the run starts. A
//! correction is previewed first — how many change, how many would pass and why the others
//! would not, and each change before → after — and stored only when the person confirms. Each
//! action becomes a bulk run, followed on its own page.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    functions::bulk_runs::{
        cancel_bulk_run, confirm_correction, count_selection, preview_correction, preview_more,
        start_bulk_run,
    },
    locale::{error_text, group_thousands, pick, td_string, tu_string, use_i18n},
    model::{
        bulk_run::{CorrectionPreview, PreviewItem},
        filter::{FilterField, ValueKind},
        BulkAction, FailureGroup, Rule, RuleChange,
    },
};

/// The kinds of rule the form offers, in its order.
const CHANGES: [&str; 8] = [
    "replace",
    "set",
    "map",
    "trim",
    "collapse_spaces",
    "uppercase",
    "lowercase",
    "clear",
];

/// The bulk bar for the list's `query` (its filter), with the fields a rule may change.
#[island]
pub fn BulkBar(query: String, fields: Vec<FilterField>) -> impl IntoView {
    let i18n = use_i18n();
    let filter_query = StoredValue::new(query);
    let fields = StoredValue::new(fields);
    let count = RwSignal::new(None::<i64>);
    // The ids of the rows whose checkbox is ticked, kept as the person ticks them.
    let picked = RwSignal::new(Vec::<i64>::new());
    #[cfg(feature = "hydrate")]
    {
        let handle =
            leptos::leptos_dom::helpers::window_event_listener(leptos::ev::change, move |_| {
                picked.set(picked_rows());
            });
        on_cleanup(move || handle.remove());
    }
    // What an action acts on: the picked rows (of this filter), or everything it selects.
    let query = move || filter_query.with_value(|q| picked.with_untracked(|ids| selection(q, ids)));
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let correcting = RwSignal::new(false);
    let say = move |error: crate::AppError| {
        problem.set(Some(error_text(i18n.get_locale_untracked(), &error).0));
        busy.set(false);
    };
    let select_all = move |_| {
        busy.set(true);
        spawn_local(async move {
            match count_selection(query()).await {
                Ok(n) => {
                    count.set(Some(n));
                    problem.set(None);
                    busy.set(false);
                }
                Err(e) => say(e),
            }
        });
    };
    let start = move |action: BulkAction| {
        busy.set(true);
        spawn_local(async move {
            match start_bulk_run(query(), action).await {
                Ok(run) => super::go_to(&format!("/bulk?run={}", run.id)),
                Err(e) => say(e),
            }
        });
    };
    view! {
        <section class="bulk-bar" aria-label=tu_string!(i18n, bulk.label)>
            {move || match (picked.with(Vec::len), count.get()) {
                (0, None) => view! {
                    <button type="button" class="button" disabled=move || busy.get() on:click=select_all>
                        {tu_string!(i18n, bulk.select_all)}
                    </button>
                }.into_any(),
                (picks, all) => {
                    let locale = i18n.get_locale_untracked();
                    let (n, sentence) = if picks > 0 {
                        let n = picks as i64;
                        (n, td_string!(locale, bulk.picked, n = group_thousands(locale, n)).to_string())
                    } else {
                        let n = all.unwrap_or_default();
                        (n, td_string!(locale, bulk.selected, n = group_thousands(locale, n)).to_string())
                    };
                    view! {
                        <p class="bulk-selected" role="status">
                            <strong>{sentence}</strong>
                        </p>
                        <div class="bulk-actions">
                            <button type="button" class="button" disabled=move || busy.get() || n == 0
                                on:click=move |_| start(BulkAction::DryRun)>{tu_string!(i18n, bulk.dry_run)}</button>
                            <button type="button" class="button" disabled=move || busy.get() || n == 0
                                on:click=move |_| start(BulkAction::Synchronize)>{tu_string!(i18n, bulk.synchronize)}</button>
                            <button type="button" class="button button-primary" disabled=move || busy.get() || n == 0
                                aria-expanded=move || correcting.get().to_string()
                                on:click=move |_| correcting.update(|c| *c = !*c)>{tu_string!(i18n, bulk.correct)}</button>
                            <button type="button" class="button button-quiet"
                                on:click=move |_| {
                                    count.set(None);
                                    correcting.set(false);
                                    unpick_rows();
                                    picked.set(Vec::new());
                                }>{tu_string!(i18n, bulk.unselect)}</button>
                        </div>
                    }.into_any()
                }
            }}
            {move || problem.get().map(|p| view! { <p class="bulk-problem" role="alert">{p}</p> })}
            {move || correcting.get().then(|| view! {
                <RuleForm query=query() fields=fields.get_value() />
            })}
        </section>
    }
}

/// The status list's query of the selection: filter `query`, narrowed to rows `ids` if any
/// are picked.
fn selection(query: &str, ids: &[i64]) -> String {
    if ids.is_empty() {
        return query.to_owned();
    }
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let pick = format!("ids={}", ids.join(","));
    if query.is_empty() {
        pick
    } else {
        format!("{query}&{pick}")
    }
}

/// The list's row checkboxes that are ticked.
#[cfg(feature = "hydrate")]
fn ticked_boxes() -> Vec<leptos::web_sys::HtmlInputElement> {
    use leptos::wasm_bindgen::JsCast;
    let Ok(boxes) = document().query_selector_all("input.row-pick:checked") else {
        return Vec::new();
    };
    (0..boxes.length())
        .filter_map(|i| boxes.item(i))
        .filter_map(|node| node.dyn_into().ok())
        .collect()
}

/// The ids of the list's rows whose checkbox is ticked.
#[cfg(feature = "hydrate")]
fn picked_rows() -> Vec<i64> {
    ticked_boxes()
        .iter()
        .filter_map(|input| input.value().parse().ok())
        .collect()
}

/// Unticks every row's checkbox.
fn unpick_rows() {
    #[cfg(feature = "hydrate")]
    ticked_boxes()
        .iter()
        .for_each(|input| input.set_checked(false));
}

/// The rule (field, kind of change, its values) and its preview.
#[component]
fn RuleForm(query: String, fields: Vec<FilterField>) -> impl IntoView {
    let i18n = use_i18n();
    let query = StoredValue::new(query);
    let field = RwSignal::new(String::new());
    let change = RwSignal::new("replace".to_owned());
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<CorrectionPreview>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let textual: Vec<(String, bool)> = fields
        .iter()
        .map(|f| {
            (
                f.key.clone(),
                matches!(f.kind, ValueKind::Text | ValueKind::Code),
            )
        })
        .collect();
    let rule = move || -> Rule {
        let (a, b) = (first.get_untracked(), second.get_untracked());
        Rule {
            field: field.get_untracked(),
            change: match change.get_untracked().as_str() {
                "set" => RuleChange::Set { value: a },
                "map" => RuleChange::Map { from: a, to: b },
                "trim" => RuleChange::Trim,
                "collapse_spaces" => RuleChange::CollapseSpaces,
                "uppercase" => RuleChange::Uppercase,
                "lowercase" => RuleChange::Lowercase,
                "clear" => RuleChange::Clear,
                _ => RuleChange::Replace { find: a, with: b },
            },
        }
    };
    let ask_preview = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let rule = rule();
        spawn_local(async move {
            match preview_correction(query.get_value(), rule).await {
                Ok(p) => {
                    preview.set(Some(p));
                    problem.set(None);
                }
                Err(e) => problem.set(Some(error_text(i18n.get_locale_untracked(), &e).0)),
            }
            busy.set(false);
        });
    };
    let inputs = move || {
        let labels = match change.get().as_str() {
            "replace" => Some((
                td_string!(i18n.get_locale_untracked(), bulk.find),
                Some(td_string!(i18n.get_locale_untracked(), bulk.with)),
            )),
            "map" => Some((
                td_string!(i18n.get_locale_untracked(), bulk.from),
                Some(td_string!(i18n.get_locale_untracked(), bulk.to)),
            )),
            "set" => Some((td_string!(i18n.get_locale_untracked(), bulk.value), None)),
            _ => None,
        };
        labels.map(|(a, b)| view! {
            <label class="filter-control">
                <span class="filter-label">{a}</span>
                <input type="text" prop:value=move || first.get() on:input=move |ev| first.set(event_target_value(&ev)) />
            </label>
            {b.map(|b| view! {
                <label class="filter-control">
                    <span class="filter-label">{b}</span>
                    <input type="text" prop:value=move || second.get() on:input=move |ev| second.set(event_target_value(&ev)) />
                </label>
            })}
        })
    };
    view! {
        <form class="rule-form" on:submit=ask_preview>
            <label class="filter-control">
                <span class="filter-label">{tu_string!(i18n, bulk.field)}</span>
                <select required on:change=move |ev| { field.set(event_target_value(&ev)); preview.set(None); }>
                    <option value="">{tu_string!(i18n, bulk.choose_field)}</option>
                    {fields.iter().map(|f| {
                        let label = pick(i18n.get_locale_untracked(), &f.label_en, &f.label_nb).to_owned();
                        view! { <option value=f.key.clone()>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filter-control">
                <span class="filter-label">{tu_string!(i18n, bulk.change)}</span>
                <select on:change=move |ev| { change.set(event_target_value(&ev)); preview.set(None); }>
                    {CHANGES.iter().map(|c| {
                        let text = change_label(i18n.get_locale_untracked(), c);
                        let fits_all = matches!(*c, "set" | "map" | "clear");
                        let textual = textual.clone();
                        view! {
                            <option value=*c selected=*c == "replace"
                                disabled=move || !fits_all && !textual.iter().any(|(k, t)| *t && *k == field.get())>
                                {text}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </label>
            {inputs}
            <button type="submit" class="button" disabled=move || busy.get()>{tu_string!(i18n, bulk.preview)}</button>
        </form>
        {move || problem.get().map(|p| view! { <p class="bulk-problem" role="alert">{p}</p> })}
        {move || preview.get().map(|p| view! { <PreviewPanel preview=p /> })}
    }
}

/// A correction's preview: its counts, why some would still fail or are left out, its changes
/// (more on request), and Confirm (with "and synchronize") or Discard.
#[component]
fn PreviewPanel(preview: CorrectionPreview) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let run_id = preview.run_id;
    let rows = RwSignal::new(preview.sample.clone());
    let more_left = RwSignal::new(
        preview.sample.len() as i64 == crate::model::bulk_run::PREVIEW_PAGE_SIZE as i64,
    );
    let and_synchronize = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let more = move |_| {
        let after = rows.with_untracked(|r| r.last().map_or(0, |i| i.operation_id));
        spawn_local(async move {
            if let Ok(next) = preview_more(run_id, after).await {
                more_left.set(!next.is_empty());
                rows.update(|r| r.extend(next));
            }
        });
    };
    let confirm = move |_| {
        busy.set(true);
        spawn_local(async move {
            match confirm_correction(run_id, and_synchronize.get_untracked()).await {
                Ok(run) => super::go_to(&format!("/bulk?run={}", run.id)),
                Err(e) => {
                    problem.set(Some(error_text(i18n.get_locale_untracked(), &e).0));
                    busy.set(false);
                }
            }
        });
    };
    let discard = move |_| {
        spawn_local(async move {
            let _ = cancel_bulk_run(run_id).await;
            super::live_indicator::refresh();
        });
    };
    let (changes, will_pass, selected) = (
        group_thousands(locale, preview.changes),
        group_thousands(locale, preview.will_pass),
        group_thousands(locale, preview.selected),
    );
    view! {
        <div class="bulk-preview" role="region" aria-label=tu_string!(i18n, bulk.preview_label)>
            <p class="bulk-preview-counts" role="status">
                <strong>{td_string!(locale, bulk.preview_counts, changes = changes.clone(), selected)}</strong>
                " "<span class="bulk-pass">{td_string!(locale, bulk.will_pass, n = will_pass)}</span>
            </p>
            {(!preview.still_fail.is_empty()).then(|| view! {
                <ul class="bulk-reasons">
                    {preview.still_fail.iter().map(|(key, n)| {
                        let title = FailureGroup::parse(key).map(|g| g.title(locale, None)).unwrap_or_else(|| key.clone());
                        let n = group_thousands(locale, *n);
                        view! { <li>{td_string!(locale, bulk.still_fail, n, title)}</li> }
                    }).collect_view()}
                </ul>
            })}
            {(!preview.left_out.is_empty()).then(|| view! {
                <ul class="bulk-reasons muted">
                    {preview.left_out.iter().map(|(why, n)| {
                        let why = why.label(locale);
                        let n = group_thousands(locale, *n);
                        view! { <li>{td_string!(locale, bulk.left_out, n, why)}</li> }
                    }).collect_view()}
                </ul>
            })}
            <div class="grid-wrap">
                <table class="bulk-changes">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, bulk.operation)}</th>
                        <th scope="col">{tu_string!(i18n, bulk.before_after)}</th>
                        <th scope="col">{tu_string!(i18n, bulk.validation)}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|i| i.operation_id let:item>
                            <PreviewRow item />
                        </For>
                    </tbody>
                </table>
            </div>
            {move || more_left.get().then(|| view! {
                <button type="button" class="button button-quiet" on:click=more>{tu_string!(i18n, bulk.more)}</button>
            })}
            <label class="bulk-sync">
                <input type="checkbox" prop:checked=move || and_synchronize.get()
                    on:change=move |ev| and_synchronize.set(event_target_checked(&ev)) />
                {tu_string!(i18n, bulk.and_synchronize)}
            </label>
            <div class="bulk-actions">
                <button type="button" class="button button-primary" disabled=move || busy.get() on:click=confirm>
                    {td_string!(locale, bulk.confirm, n = changes.clone())}
                </button>
                <button type="button" class="button button-quiet" on:click=discard>{tu_string!(i18n, bulk.discard)}</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="bulk-problem" role="alert">{p}</p> })}
        </div>
    }
}

#[component]
fn PreviewRow(item: PreviewItem) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let verdict = match &item.still_fails {
        None => {
            view! { <span class="bulk-pass">{td_string!(locale, bulk.passes)}</span> }.into_any()
        }
        Some(key) => {
            let title = FailureGroup::parse(key)
                .map(|g| g.title(locale, None))
                .unwrap_or_else(|| key.clone());
            view! { <span class="bulk-fail">{title}</span> }.into_any()
        }
    };
    view! {
        <tr>
            <td data-label=td_string!(locale, bulk.operation)><a href=format!("/?op={}", item.operation_id)>{item.operation_id}</a></td>
            <td data-label=td_string!(locale, bulk.before_after)>
                <super::correction::timeline::BeforeAfter before=item.before.clone() after=item.after.clone() />
            </td>
            <td data-label=td_string!(locale, bulk.validation)>{verdict}</td>
        </tr>
    }
}

/// A kind of change's name.
fn change_label(locale: crate::locale::Locale, change: &str) -> &'static str {
    match change {
        "set" => td_string!(locale, bulk.change_set),
        "map" => td_string!(locale, bulk.change_map),
        "trim" => td_string!(locale, bulk.change_trim),
        "collapse_spaces" => td_string!(locale, bulk.change_collapse),
        "uppercase" => td_string!(locale, bulk.change_upper),
        "lowercase" => td_string!(locale, bulk.change_lower),
        "clear" => td_string!(locale, bulk.change_clear),
        _ => td_string!(locale, bulk.change_replace),
    }
}

#[cfg(test)]
mod tests {
    use super::selection;

    #[test]
    fn the_selection_is_the_filter_narrowed_to_the_picked_rows() {
        assert_eq!(selection("status=failed", &[]), "status=failed");
        assert_eq!(
            selection("status=failed", &[12, 15]),
            "status=failed&ids=12,15"
        );
        assert_eq!(selection("", &[7]), "ids=7");
    }
}
