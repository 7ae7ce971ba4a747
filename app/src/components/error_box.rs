//! An error, said so a person knows what happened and what to try, in their language.

use leptos::prelude::*;

use crate::{
    locale::{error_text, t_string, use_i18n},
    AppError,
};

/// An error panel with a way back.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = {
        let error = error.clone();
        Memo::new(move |_| error_text(i18n.get_locale(), &error))
    };
    view! {
        <div class="error-box" role="alert">
            <p class="error-title">{move || text.get().0}</p>
            <p>{move || text.get().1}</p>
            <a class="button" href="/">{move || t_string!(i18n, errors.back)}</a>
        </div>
    }
}
