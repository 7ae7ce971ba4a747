//! "Export CSV" beside the list's order and columns: a menu with what to add to the list's
//! columns, whose form downloads `/export.csv` under the list's filter (see `crate::export`).
//! A plain GET form: it works before and without the page's script, which leaves it alone
//! (`data-reload`) so the browser downloads the file.

use leptos::prelude::*;

use crate::{
    export::{ChosenColumn, EXPORT_PATH},
    locale::{pick, tu_string, use_i18n},
    model::{filter::FilterField, OperationFilter},
};

/// The export menu for the list under `filter`; `fields` are the fields whose values may be
/// added.
#[component]
pub fn ExportMenu(filter: OperationFilter, fields: Vec<FilterField>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let carried = filter
        .to_query()
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    let choice = |column: ChosenColumn, label: String| {
        view! {
            <label class="export-choice">
                <input type="checkbox" name="with" value=column.param() />
                <span>{label}</span>
            </label>
        }
    };
    let field_choices = fields
        .iter()
        .map(|f| {
            let label = pick(locale, &f.label_en, &f.label_nb).to_owned();
            choice(ChosenColumn::Values(f.key.clone()), label)
        })
        .collect_view();
    view! {
        <details class="export-menu">
            <summary>
                <span aria-hidden="true">{"⇩ "}</span>
                {tu_string!(i18n, export.button)}
            </summary>
            <form class="export-form" method="get" action=EXPORT_PATH data-reload="">
                {carried}
                <p>{tu_string!(i18n, export.intro)}</p>
                {choice(ChosenColumn::Description, tu_string!(i18n, export.description).to_owned())}
                {choice(ChosenColumn::LastError, tu_string!(i18n, export.last_error).to_owned())}
                <fieldset>
                    <legend>{tu_string!(i18n, export.values_of)}</legend>
                    <div class="export-fields">{field_choices}</div>
                </fieldset>
                <label class="export-choice">
                    <input type="checkbox" name="bom" value="1" />
                    <span>{tu_string!(i18n, export.excel)}</span>
                </label>
                <p class="muted export-note">{tu_string!(i18n, export.personal)}</p>
                <button type="submit" class="button button-primary">{tu_string!(i18n, export.download)}</button>
            </form>
        </details>
    }
}
