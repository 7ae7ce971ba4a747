//! The sign-in page: a plain form posted to the server (it works before the client loads).
//! Why the last attempt failed comes back in the URL (`?error=`), said here in the reader's
//! language; the name typed is kept, the password never.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::error_box::ErrorBox,
    functions::session::database_reachable,
    locale::{td_string, tu_string, use_i18n, Locale},
};

/// What the sign-in form says above its fields, for the `error` the server sent back.
pub fn notice(locale: Locale, error: &str) -> Option<(&'static str, &'static str)> {
    let (text, kind) = match error {
        "bad_credentials" => (td_string!(locale, access.bad_credentials), "error"),
        "too_many" => (td_string!(locale, access.too_many), "error"),
        "unavailable" => (td_string!(locale, access.unavailable), "error"),
        "expired" => (td_string!(locale, access.expired), "info"),
        "signed_out" => (td_string!(locale, access.signed_out), "info"),
        _ => return None,
    };
    Some((text, kind))
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let locale = i18n.get_locale_untracked();
    let (error, name, next) = query.with_untracked(|q| {
        (
            q.get("error").unwrap_or_default(),
            q.get("name").unwrap_or_default(),
            q.get("next").unwrap_or_default(),
        )
    });
    let notice = notice(locale, &error);
    let database = Resource::new(|| (), |_| database_reachable());
    let failed = notice.is_some_and(|(_, kind)| kind == "error");
    // After a wrong password the name is kept: the password is what to type again.
    let retype_password = failed && !name.is_empty();
    view! {
        <main class="sign-in-page">
            <form class="sign-in-card" method="post" action="/sign-in">
                <h1>{tu_string!(i18n, access.sign_in_title)}</h1>
                <p class="sign-in-lead">{tu_string!(i18n, access.sign_in_lead)}</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        database.await.err().map(|error| view! { <ErrorBox error /> })
                    })}
                </Suspense>
                {notice.map(|(text, kind)| view! {
                    <p class=format!("notice notice-{kind}") role=if kind == "error" { "alert" } else { "status" }>{text}</p>
                })}
                <label class="field">
                    <span class="field-label">{tu_string!(i18n, access.user_name)}</span>
                    <input type="text" name="name" value=name autocomplete="username" required
                        autocapitalize="none" spellcheck="false" maxlength="64" autofocus=!retype_password
                        aria-invalid=failed.then_some("true") />
                </label>
                <label class="field">
                    <span class="field-label">{tu_string!(i18n, access.password)}</span>
                    <input type="password" name="password" autocomplete="current-password" required
                        maxlength="1024" autofocus=retype_password aria-invalid=failed.then_some("true") />
                </label>
                <input type="hidden" name="next" value=next />
                <button type="submit" class="button button-primary">{tu_string!(i18n, access.sign_in)}</button>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_the_server_sends_back_has_words_in_both_languages() {
        for error in [
            "bad_credentials",
            "too_many",
            "unavailable",
            "expired",
            "signed_out",
        ] {
            let en = notice(Locale::en, error).unwrap().0;
            let nb = notice(Locale::nb, error).unwrap().0;
            assert_ne!(en, nb, "{error}");
        }
        assert_eq!(notice(Locale::en, "<script>"), None);
    }
}
