//! One stored field value as the attributes grid shows it: readable in the reader's language
//! (yes/no, a list's label, a date or number in the locale's format) with the stored value on
//! hover, or a dash for none.

use leptos::prelude::*;

use crate::{
    locale::{readable_value, tu_string, use_i18n, use_zone},
    model::filter::ValueKind,
};

/// `value` of a field holding `kind`.
#[component]
pub fn FieldValue(value: Option<String>, kind: ValueKind) -> impl IntoView {
    let i18n = use_i18n();
    match value.filter(|v| !v.is_empty()) {
        Some(v) => match readable_value(i18n.get_locale_untracked(), use_zone(), kind, &v) {
            Some(readable) => view! { <span class="value" title=v>{readable}</span> }.into_any(),
            None => view! { <span class="value">{v}</span> }.into_any(),
        },
        None => view! { <span class="muted" aria-label=tu_string!(i18n, detail.empty)>"–"</span> }
            .into_any(),
    }
}
