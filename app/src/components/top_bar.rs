//! The slim bar at the top of every page: product, context, language and the live indicator.

use leptos::prelude::*;

use crate::locale::{t_string, use_i18n, Locale};

/// Product name, where you are, the language switch and whether the page is live.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale_untracked() {
            Locale::en => Locale::nb,
            Locale::nb => Locale::en,
        };
        i18n.set_locale(next);
    };
    view! {
        <header class="top-bar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⇄"</span>
                "custsync"
            </a>
            <span class="top-bar-context">{move || t_string!(i18n, app.context)}</span>
            <span class="top-bar-end">
                <button
                    type="button"
                    class="button button-quiet language-switch"
                    data-locale=move || match i18n.get_locale() { Locale::en => "en", Locale::nb => "nb" }
                    aria-label=move || t_string!(i18n, app.switch_to_label)
                    lang=move || match i18n.get_locale() { Locale::en => "nb", Locale::nb => "en" }
                    on:click=switch
                >
                    {move || t_string!(i18n, app.switch_to)}
                </button>
                <super::live::LiveIndicator />
            </span>
        </header>
    }
}
