//! The slim bar at the top of every page: product, context, language and the live indicator.

use leptos::prelude::*;

use crate::locale::{tu_string, use_i18n, Locale};

/// Product name, where you are, the language switch and whether the page is live.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    // Texts are rendered once, in the page's language: switching remembers the choice in the
    // cookie the server reads and loads the page again, in the other language.
    let switch = move |_| {
        use leptos::wasm_bindgen::JsCast;
        let next = match i18n.get_locale_untracked() {
            Locale::en => "nb",
            Locale::nb => "en",
        };
        if let Ok(doc) = document().dyn_into::<leptos::web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&format!(
                "i18n_pref_locale={next}; path=/; max-age=31536000; SameSite=Lax"
            ));
        }
        let _ = window().location().reload();
    };
    view! {
        <header class="top-bar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⇄"</span>
                "custsync"
            </a>
            <span class="top-bar-context">{tu_string!(i18n, app.context)}</span>
            <span class="top-bar-end">
                <button
                    type="button"
                    class="button button-quiet language-switch"
                    data-locale=match i18n.get_locale_untracked() { Locale::en => "en", Locale::nb => "nb" }
                    aria-label=tu_string!(i18n, app.switch_to_label)
                    lang=match i18n.get_locale_untracked() { Locale::en => "nb", Locale::nb => "en" }
                    on:click=switch
                >
                    {tu_string!(i18n, app.switch_to)}
                </button>
                <super::live::LiveIndicator />
            </span>
        </header>
    }
}
