//! The slim bar at the top of every page: product, context, language, who is signed in (with
//! sign-out and, for an admin, the admin page) and the live indicator.

use leptos::prelude::*;

use crate::{
    locale::{role_label, tu_string, use_i18n, Locale},
    model::{Role, SignedIn},
};

/// Product name, where you are, the language switch and whether the page is live.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let person = super::person::Person::get();
    view! {
        <header class="top-bar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⇄"</span>
                <span class="brand-name">"custsync"</span>
            </a>
            <span class="top-bar-context">{tu_string!(i18n, app.context)}</span>
            <span class="top-bar-end">
                <LanguageSwitch />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        person.signed_in().await.map(|who| view! {
                            <SignedInAs who />
                            <super::live_indicator::LiveIndicator />
                        })
                    })}
                </Transition>
            </span>
        </header>
    }
}

/// The other language. Texts are rendered by the server in the page's language: switching
/// remembers the choice in the cookie the server reads and loads the page again.
#[island]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let next = match i18n.get_locale_untracked() {
                Locale::en => "nb",
                Locale::nb => "en",
            };
            if let Ok(doc) = document().dyn_into::<leptos::web_sys::HtmlDocument>() {
                let _ = doc.set_cookie(&format!(
                    "{}={next}; path=/; max-age=31536000; SameSite=Lax",
                    crate::locale::LOCALE_COOKIE
                ));
            }
            let _ = window().location().reload();
        }
    };
    view! {
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
    }
}

/// The signed-in person's name and role, the admin page's link for an admin, and Sign out (a
/// plain form: it works before the client has loaded).
#[component]
fn SignedInAs(who: SignedIn) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <span class="signed-in" data-role=who.role.as_str()>
            <span class="visually-hidden">{tu_string!(i18n, access.signed_in_as)}" "</span>
            <span class="signed-in-name">{who.name.clone()}</span>
            <span class="signed-in-role">{role_label(locale, who.role)}</span>
        </span>
        <a class="button button-quiet" href="/dashboard">{tu_string!(i18n, dashboard.nav)}</a>
        <a class="button button-quiet" href="/failures">{tu_string!(i18n, failures.nav)}</a>
        <a class="button button-quiet" href="/changes">{tu_string!(i18n, fix.change_log)}</a>
        {who.may(Role::Admin).then(|| view! {
            <a class="button button-quiet" href="/admin">{tu_string!(i18n, access.admin)}</a>
        })}
        <form method="post" action="/sign-out" class="sign-out">
            <button type="submit" class="button button-quiet">{tu_string!(i18n, access.sign_out)}</button>
        </form>
    }
}
