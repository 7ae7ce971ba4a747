//! One field's input in the correction editor, fitted to its kind (see
//! [`crate::validate::editor::EditorInput`]), with its message underneath as soon as the value
//! is wrong.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::{
    locale::{readable_value, td_string, use_i18n},
    model::filter::ValueKind,
    validate::editor::EditorInput,
    validate::parse_bool,
};

/// The id of a field's input (`attr:` keys keep a colon-free id).
pub fn input_id(field: &str) -> String {
    format!("fix-{}", field.replace(':', "-"))
}

/// The input of `field` (labelled `label`), bound to its entry in `typed`; `message` is what
/// is wrong with it now, if anything.
#[component]
pub fn FieldInput(
    field: String,
    label: String,
    input: EditorInput,
    typed: RwSignal<BTreeMap<String, String>>,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let id = input_id(&field);
    let message_id = format!("{id}-message");
    let aria_label = td_string!(locale, fix.new_value_for, field = label.as_str()).to_string();
    let key = field.clone();
    let value = move || typed.with(|t| t.get(&key).cloned().unwrap_or_default());
    let key = field.clone();
    let set = move |text: String| {
        typed.update(|t| {
            t.insert(key.clone(), text);
        })
    };
    let invalid = move || message.with(Option::is_some).then_some("true");
    let describedby = message_id.clone();
    let control = match input {
        EditorInput::Text { kind } => view! {
            <input id=id type=kind class="fix-input" autocomplete="off" spellcheck="false"
                aria-label=aria_label aria-invalid=invalid aria-describedby=describedby
                prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
        }
        .into_any(),
        EditorInput::Number { decimals, unit } => view! {
            <span class="fix-number">
                <input id=id type="text" class="fix-input" autocomplete="off"
                    inputmode=if decimals { "decimal" } else { "numeric" }
                    aria-label=aria_label aria-invalid=invalid aria-describedby=describedby
                    prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
                {unit.map(|u| view! { <span class="unit">{u}</span> })}
            </span>
        }
        .into_any(),
        EditorInput::Date => view! {
            <input id=id type="date" class="fix-input"
                aria-label=aria_label aria-invalid=invalid aria-describedby=describedby
                prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
        }
        .into_any(),
        EditorInput::Toggle => view! {
            <label class="fix-toggle">
                <input id=id type="checkbox" role="switch"
                    aria-label=aria_label aria-invalid=invalid aria-describedby=describedby
                    prop:checked=move || parse_bool(&value()).unwrap_or(false)
                    on:change=move |ev| set(event_target_checked(&ev).to_string()) />
                <span>{td_string!(locale, fix.yes)}</span>
            </label>
        }
        .into_any(),
        EditorInput::Select { options } => {
            let current = value.clone();
            let allowed = options.clone();
            view! {
                <select id=id class="fix-input"
                    aria-label=aria_label aria-invalid=invalid aria-describedby=describedby
                    prop:value=value on:change=move |ev| set(event_target_value(&ev))>
                    <option value="">{td_string!(locale, fix.choose)}</option>
                    {move || {
                        // A value the list does not allow stays visible (and selected), marked.
                        let now = current();
                        (!now.is_empty() && !allowed.contains(&now)).then(|| {
                            let text = td_string!(locale, fix.not_allowed, value = now.as_str()).to_string();
                            view! { <option value=now>{text}</option> }
                        })
                    }}
                    {options.iter().map(|o| {
                        // A fixed list's label ("E-post" for `Email`); reference codes as they are.
                        let text = readable_value(locale, chrono_tz::Tz::UTC, ValueKind::Code, o).unwrap_or_else(|| o.clone());
                        view! { <option value=o.clone()>{text}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
    };
    view! {
        {control}
        <p class="field-message" id=message_id aria-live="polite">{move || message.get()}</p>
    }
}
