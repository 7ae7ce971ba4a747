//! The filter bar: channel and date range, the field filters in force as sentences (each with
//! an ×), and "+ Filter" to add one on any customer field or custom attribute with an operator
//! that fits its type. Every change is a new URL (bookmarkable, the back button undoes it).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{
    functions::operations::FilterMenu,
    model::{
        filter::{FilterField, ValueKind},
        FieldFilter, FilterOp, OperationFilter,
    },
};

/// The filter bar for `filter`, offering `choices`.
#[component]
pub fn FilterBar(filter: OperationFilter, choices: FilterMenu) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |f: OperationFilter| navigate(&f.href(&[]), Default::default());

    let on_channel = {
        let (filter, go) = (filter.clone(), go.clone());
        move |ev| {
            let value = event_target_value(&ev);
            go(OperationFilter {
                channel: value.parse().ok(),
                ..filter.clone()
            })
        }
    };
    let on_date = |which: &'static str| {
        let (filter, go) = (filter.clone(), go.clone());
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
            let label = choices
                .fields
                .iter()
                .find(|c| c.key == f.field)
                .map(|c| c.label_en.clone())
                .unwrap_or_else(|| f.field.clone());
            let sentence = if f.op.needs_value() {
                format!("{label} {} “{}”", f.op.label_en(), f.value)
            } else {
                format!("{label} {}", f.op.label_en())
            };
            view! {
                <li class="filter-pill">
                    <span>{sentence.clone()}</span>
                    <a class="pill-remove" href=without.href(&[]) aria-label=format!("Remove the filter: {sentence}")>"×"</a>
                </li>
            }
        })
        .collect_view();
    let clear = (!filter.is_empty()).then(|| {
        view! { <a class="button button-quiet" href="/">"Clear all filters"</a> }
    });
    let selected_channel = filter.channel;
    // On a phone the controls fold away behind one button; the filters in force stay visible.
    let open = RwSignal::new(false);
    let in_force = filter.fields.len()
        + usize::from(filter.channel.is_some())
        + usize::from(filter.from.is_some() || filter.to.is_some());
    let from = filter.from.map(|d| d.to_string()).unwrap_or_default();
    let to = filter.to.map(|d| d.to_string()).unwrap_or_default();

    view! {
        <section class="filter-bar" class:open=move || open.get() aria-label="Filter">
            <button
                type="button"
                class="button filter-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="filter-controls"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || if open.get() { "Hide filters".to_owned() } else if in_force > 0 {
                    format!("Filters ({in_force})")
                } else {
                    "Filters".to_owned()
                }}
            </button>
            <div class="filter-row" id="filter-controls">
                <label class="filter-control">
                    <span class="filter-label">"Channel"</span>
                    <select on:change=on_channel>
                        <option value="" selected=selected_channel.is_none()>"All channels"</option>
                        {choices.channels.iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=selected_channel == Some(*id)>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="filter-control">
                    <span class="filter-label">"From"</span>
                    <input type="date" value=from on:change=on_date("from") />
                </label>
                <label class="filter-control">
                    <span class="filter-label">"To"</span>
                    <input type="date" value=to on:change=on_date("to") />
                </label>
                {clear}
            </div>
            <ul class="filter-pills" aria-label="Field filters in force">{sentences}</ul>
            <AddFilter filter fields=choices.fields />
        </section>
    }
}

/// "+ Filter": pick a field, an operator that fits it, a value; Add.
#[component]
fn AddFilter(filter: OperationFilter, fields: Vec<FilterField>) -> impl IntoView {
    let navigate = use_navigate();
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
                navigate(&next.href(&[]), Default::default());
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    let groups = move || {
        fields.with_value(|all| {
            all.iter()
                .map(|f| {
                    let label = match &f.group {
                        Some(group) => format!("{} ({group})", f.label_en),
                        None => f.label_en.clone(),
                    };
                    view! { <option value=f.key.clone()>{label}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <form class="add-filter" on:submit=on_submit aria-label="Add a field filter">
            <label class="filter-control">
                <span class="filter-label">"Field"</span>
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
                    <option value="" selected=true>"+ Filter on a field…"</option>
                    {groups}
                </select>
            </label>
            <label class="filter-control">
                <span class="filter-label">"Operator"</span>
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
                        <option value=o.as_str() selected=op.get() == *o>{o.label_en()}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || op.get().needs_value()>
                <label class="filter-control filter-value">
                    <span class="filter-label">"Value"</span>
                    <input
                        name="value"
                        type=move || match kind() { ValueKind::Date => "date", _ => "text" }
                        maxlength=crate::model::filter::MAX_FILTER_VALUE
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                        placeholder=move || match kind() {
                            ValueKind::Number => "a number, e.g. 5000",
                            ValueKind::Boolean => "true or false",
                            _ => "a value",
                        }
                    />
                </label>
            </Show>
            <button class="button" type="submit" disabled=full>"Add filter"</button>
            {move || problem.get().map(|p| view! { <p class="field-message" role="alert">{p}</p> })}
            {full.then(|| view! { <p class="muted">"At most five field filters; remove one to add another."</p> })}
        </form>
    }
}
