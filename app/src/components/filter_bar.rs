//! The filter bar: channel and date range, the cause of failure and the field filters in force
//! as sentences (each with an ×), and "+ Filter" to add one on any customer field or custom
//! attribute with an operator that fits its type. Every change is a new URL (bookmarkable, the back button undoes it).

use leptos::prelude::*;

use crate::{
    functions::operations::{suggest_values, FilterMenu},
    locale::{op_label, pick, td_string, tu_string, use_i18n},
    model::{
        filter::{FilterField, ValueKind},
        FieldFilter, FilterOp, OperationFilter,
    },
};

/// The filter bar for `filter`, offering `choices`: an island, drawn anew whenever the filter
/// changes (its props change).
#[island]
pub fn FilterBar(filter: OperationFilter, choices: FilterMenu) -> impl IntoView {
    let i18n = use_i18n();
    let go = move |f: OperationFilter| super::go_to(&f.href(&[]));

    let on_channel = {
        let filter = filter.clone();
        move |ev| {
            let value = event_target_value(&ev);
            go(OperationFilter {
                channel: value.parse().ok(),
                ..filter.clone()
            })
        }
    };
    let on_date = |which: &'static str| {
        let filter = filter.clone();
        move |ev| {
            let date = chrono::NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d").ok();
            let mut next = filter.clone();
            if which == "from" {
                next.from = date;
            } else {
                next.to = date;
            }
            go(next)
        }
    };
    let sentences = filter
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut without = filter.clone();
            without.fields.remove(i);
            let field = choices.fields.iter().find(|c| c.key == f.field).cloned();
            let f = f.clone();
            let sentence = Memo::new(move |_| {
                let locale = i18n.get_locale_untracked();
                let label = field
                    .as_ref()
                    .map(|c| pick(locale, &c.label_en, &c.label_nb).to_owned())
                    .unwrap_or_else(|| f.field.clone());
                let op = op_label(locale, f.op);
                if f.op.needs_value() {
                    format!("{label} {op} “{}”", f.value)
                } else {
                    format!("{label} {op}")
                }
            });
            view! {
                <li class="filter-pill">
                    <span>{sentence}</span>
                    <a
                        class="pill-remove"
                        href=without.href(&[])
                        aria-label=move || {
                            let sentence = sentence.get();
                            td_string!(i18n.get_locale_untracked(), filter.remove, sentence).to_string()
                        }
                    >"×"</a>
                </li>
            }
        })
        .collect_view();
    // The cause of failure the list is narrowed to (from the failures page), as a sentence.
    let cause = filter.error.clone().map(|group| {
        let without = OperationFilter {
            error: None,
            ..filter.clone()
        };
        let field = choices
            .fields
            .iter()
            .find(|c| c.key == group.field)
            .map(|c| crate::model::detail::FieldName {
                en: c.label_en.clone(),
                nb: c.label_nb.clone(),
            });
        let locale = i18n.get_locale_untracked();
        let sentence = format!(
            "{}: {}",
            td_string!(locale, failures.filter_chip),
            group.title(locale, field.as_ref())
        );
        let remove = td_string!(locale, filter.remove, sentence = sentence.clone()).to_string();
        view! {
            <li class="filter-pill filter-pill-cause">
                <span>{sentence}</span>
                <a class="pill-remove" href=without.href(&[]) aria-label=remove>"×"</a>
            </li>
        }
    });
    // Operations picked one by one (a bulk run's selection opened in the list).
    let picked = (!filter.ids.is_empty()).then(|| {
        let without = OperationFilter {
            ids: Vec::new(),
            ..filter.clone()
        };
        let locale = i18n.get_locale_untracked();
        let sentence = td_string!(locale, bulk.picked_pill, n = filter.ids.len()).to_string();
        let remove = td_string!(locale, filter.remove, sentence = sentence.clone()).to_string();
        view! {
            <li class="filter-pill">
                <span>{sentence}</span>
                <a class="pill-remove" href=without.href(&[]) aria-label=remove>"×"</a>
            </li>
        }
    });
    let clear = (!filter.is_empty()).then(|| {
        let href = filter.cleared().href(&[]);
        view! { <a class="button button-quiet" href=href>{tu_string!(i18n, filter.clear)}</a> }
    });
    let selected_channel = filter.channel;
    // On a phone the controls fold away behind one button; the filters in force stay visible.
    let open = RwSignal::new(false);
    let in_force = filter.fields.len()
        + usize::from(filter.error.is_some())
        + usize::from(!filter.ids.is_empty())
        + usize::from(filter.channel.is_some())
        + usize::from(filter.from.is_some() || filter.to.is_some());
    let from = filter.from.map(|d| d.to_string()).unwrap_or_default();
    let to = filter.to.map(|d| d.to_string()).unwrap_or_default();

    view! {
        <section class="filter-bar" class:open=move || open.get() aria-label=tu_string!(i18n, filter.label)>
            <button
                type="button"
                class="button filter-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="filter-controls"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || if open.get() {
                    tu_string!(i18n, filter.hide).to_string()
                } else if in_force > 0 {
                    tu_string!(i18n, filter.show_n, n = in_force).to_string()
                } else {
                    tu_string!(i18n, filter.show).to_string()
                }}
            </button>
            <div class="filter-row" id="filter-controls">
                <label class="filter-control">
                    <span class="filter-label">{tu_string!(i18n, filter.channel)}</span>
                    <select on:change=on_channel>
                        <option value="" selected=selected_channel.is_none()>{tu_string!(i18n, filter.all_channels)}</option>
                        {choices.channels.iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=selected_channel == Some(*id)>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="filter-control">
                    <span class="filter-label">{tu_string!(i18n, filter.from)}</span>
                    <input type="date" value=from on:change=on_date("from") />
                </label>
                <label class="filter-control">
                    <span class="filter-label">{tu_string!(i18n, filter.to)}</span>
                    <input type="date" value=to on:change=on_date("to") />
                </label>
                {clear}
            </div>
            <ul class="filter-pills" aria-label=tu_string!(i18n, filter.in_force)>{cause}{picked}{sentences}</ul>
            <AddFilter filter fields=choices.fields />
        </section>
    }
}

/// "+ Filter": pick a field, an operator that fits it, a value; Add.
#[component]
fn AddFilter(filter: OperationFilter, fields: Vec<FilterField>) -> impl IntoView {
    let i18n = use_i18n();
    let fields = StoredValue::new(fields);
    let field = RwSignal::new(String::new());
    let op = RwSignal::new(FilterOp::Equals);
    let value = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let kind = move || {
        fields.with_value(|all| {
            all.iter()
                .find(|f| f.key == field.get())
                .map(|f| f.kind)
                .unwrap_or(ValueKind::Text)
        })
    };
    let full = filter.fields.len() >= crate::model::filter::MAX_FIELD_FILTERS;
    // The values in use for the chosen field as the person types, most frequent first (not
    // for dates and numbers, where a picker or a figure fits better).
    let suggestions = Resource::new(
        move || {
            (
                field.get(),
                value.get(),
                kind(),
                op.get() == FilterOp::Contains,
            )
        },
        |(field, typed, kind, containing)| async move {
            if field.is_empty() || matches!(kind, ValueKind::Date | ValueKind::Number) {
                return Ok(Vec::new());
            }
            suggest_values(field, typed, containing).await
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let candidate = format!("{}~{}~{}", field.get(), op.get(), value.get());
        let checked = FieldFilter::parse(&candidate).and_then(|f| {
            fields.with_value(|all| FilterField::check(all, &f))?;
            Ok(f)
        });
        match checked {
            Ok(f) => {
                problem.set(None);
                let mut next = filter.clone();
                next.fields.push(f);
                value.set(String::new());
                super::go_to(&next.href(&[]));
            }
            Err(mistake) => problem.set(Some(mistake.text(i18n.get_locale_untracked()))),
        }
    };
    let groups = move || {
        let locale = i18n.get_locale_untracked();
        fields.with_value(|all| {
            all.iter()
                .map(|f| {
                    let name = pick(locale, &f.label_en, &f.label_nb);
                    let label = match &f.group {
                        Some(group) => format!("{name} ({})", group.get(locale)),
                        None => name.to_owned(),
                    };
                    view! { <option value=f.key.clone()>{label}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <form class="add-filter" on:submit=on_submit aria-label=tu_string!(i18n, filter.add_label)>
            <label class="filter-control">
                <span class="filter-label">{tu_string!(i18n, filter.field)}</span>
                <select
                    name="field"
                    required
                    disabled=full
                    on:change=move |ev| {
                        field.set(event_target_value(&ev));
                        let fits = FilterOp::fitting(kind());
                        if !fits.contains(&op.get_untracked()) {
                            op.set(fits[0]);
                        }
                    }
                >
                    <option value="" selected=true>{tu_string!(i18n, filter.pick_field)}</option>
                    {groups}
                </select>
            </label>
            <label class="filter-control">
                <span class="filter-label">{tu_string!(i18n, filter.operator)}</span>
                <select
                    name="operator"
                    disabled=full
                    on:change=move |ev| {
                        if let Some(o) = FilterOp::parse(&event_target_value(&ev)) {
                            op.set(o);
                        }
                    }
                >
                    {move || FilterOp::fitting(kind()).iter().map(|o| view! {
                        <option value=o.as_str() selected=op.get() == *o>{op_label(i18n.get_locale_untracked(), *o)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || op.get().needs_value()>
                <label class="filter-control filter-value">
                    <span class="filter-label">{tu_string!(i18n, filter.value)}</span>
                    <input
                        name="value"
                        type=move || match kind() { ValueKind::Date => "date", _ => "text" }
                        maxlength=crate::model::filter::MAX_FILTER_VALUE
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                        list="filter-suggestions"
                        autocomplete="off"
                        placeholder=move || match kind() {
                            ValueKind::Number => tu_string!(i18n, filter.placeholder_number),
                            ValueKind::Boolean => tu_string!(i18n, filter.placeholder_boolean),
                            _ => tu_string!(i18n, filter.placeholder_text),
                        }
                    />
                </label>
                <datalist id="filter-suggestions">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            suggestions.await.unwrap_or_default().into_iter().map(|v| view! {
                                <option value=v></option>
                            }).collect_view()
                        })}
                    </Transition>
                </datalist>
            </Show>
            <button class="button" type="submit" disabled=full>{tu_string!(i18n, filter.add)}</button>
            {move || problem.get().map(|p| view! { <p class="field-message" role="alert">{p}</p> })}
            {full.then(|| view! { <p class="muted">{tu_string!(i18n, filter.full)}</p> })}
        </form>
    }
}
