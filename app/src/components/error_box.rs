//! An error, said so a person knows what happened and what to try.

use leptos::prelude::*;

use crate::AppError;

/// What to try for each kind of error.
fn advice(error: &AppError) -> &'static str {
    match error {
        AppError::Unavailable => "The database is not answering. The page will work again as soon as it is back; try reloading in a minute.",
        AppError::Validation { .. } => "Check the address or go back to the newest operations.",
        AppError::NotFound { .. } => "It may have been removed. Go back to the list.",
        AppError::Forbidden => "Ask an administrator for access.",
        AppError::Conflict(_) => "Someone changed this meanwhile. Reload to see the current version.",
        AppError::Internal => "Something went wrong on the server. Try again; if it keeps happening, the server log has the details.",
        AppError::Request(_) => "The server could not be reached. Check the connection and try again.",
    }
}

/// An error panel with a way back.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let advice = advice(&error);
    view! {
        <div class="error-box" role="alert">
            <p class="error-title">{error.to_string()}</p>
            <p>{advice}</p>
            <a class="button" href="/">"Back to the newest operations"</a>
        </div>
    }
}
