//! An error, said so a person knows what happened and what to try, in their language.

use leptos::prelude::*;

use crate::{
    locale::{error_text, tu_string, use_i18n},
    AppError,
};

/// An error panel with a way back.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let (title, advice) = error_text(i18n.get_locale_untracked(), &error);
    view! {
        <div class="error-box" role="alert">
            <p class="error-title">{title}</p>
            <p>{advice}</p>
            <a class="button" href="/">{tu_string!(i18n, errors.back)}</a>
        </div>
    }
}
