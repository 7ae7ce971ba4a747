//! The sign-in and sign-out forms' handlers. They answer with a redirect (the forms work
//! without the WebAssembly client): to the page asked for, or back to the sign-in page with
//! the reason in its URL (`?error=bad_credentials`), which the page says in the reader's
//! language. Attempts are limited per user name, so a password cannot be guessed by trying.

use std::{num::NonZeroU32, sync::Arc};

use app::storage::to_micros;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::{users::Credentials, AuthSession};
use crate::startup::AppState;

/// Sign-in attempts allowed per user name: 5 at once, then one more every 12 seconds.
pub fn attempts_per_name() -> Arc<DefaultKeyedRateLimiter<String>> {
    let five = NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN);
    Arc::new(DefaultKeyedRateLimiter::keyed(Quota::per_minute(five)))
}

/// The sign-in form.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    pub name: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// Where to go after signing in: a path of this site only (no `//host` or `https://`).
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if local && !next.starts_with("/sign-in") {
        next
    } else {
        "/"
    }
}

fn back(error: &str, name: &str, next: &str) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("error", error)
        .append_pair("name", name)
        .append_pair("next", next)
        .finish();
    Redirect::to(&format!("/sign-in?{query}")).into_response()
}

/// `POST /sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    mut auth: AuthSession,
    Form(form): Form<SignInForm>,
) -> Response {
    let name = form.name.trim().to_lowercase();
    let next = safe_next(&form.next).to_owned();
    if name.chars().count() > app::model::user::MAX_USER_NAME || form.password.len() > 1024 {
        return back("bad_credentials", "", &next);
    }
    if state.sign_in_limit.check_key(&name).is_err() {
        tracing::warn!(user = %name, "sign-in refused: too many attempts");
        return back("too_many", &name, &next);
    }
    let creds = Credentials {
        name: name.clone(),
        password: form.password,
    };
    let now = to_micros(chrono::Utc::now());
    let user = match auth.authenticate(creds).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            tracing::info!(user = %name, "sign-in failed");
            let _ = state.db.audit(&name, "sign_in.failed", "", now).await;
            return back("bad_credentials", &name, &next);
        }
        Err(error) => {
            tracing::warn!(%error, "sign-in: user store unavailable");
            return back("unavailable", &name, &next);
        }
    };
    if let Err(error) = auth.login(&user).await {
        tracing::warn!(%error, "sign-in: session not stored");
        return back("unavailable", &name, &next);
    }
    let _ = state.db.note_sign_in(user.signed_in().id, now).await;
    let _ = state.db.audit(user.name(), "sign_in", "", now).await;
    tracing::info!(user = %user.name(), "signed in");
    Redirect::to(&next).into_response()
}

/// `POST /sign-out`.
pub async fn sign_out(State(state): State<AppState>, mut auth: AuthSession) -> Response {
    if let Ok(Some(user)) = auth.logout().await {
        let now = to_micros(chrono::Utc::now());
        let _ = state.db.audit(user.name(), "sign_out", "", now).await;
        // Whatever they were correcting goes back to where it was.
        let _ = state.db.release_editing_of(user.name()).await;
    }
    Redirect::to("/sign-in?error=signed_out").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_sign_in_only_paths_of_this_site_are_followed() {
        assert_eq!(safe_next("/?status=failed"), "/?status=failed");
        assert_eq!(safe_next("/admin"), "/admin");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/sign-in"), "/");
        assert_eq!(safe_next(""), "/");
    }

    #[test]
    fn a_sixth_quick_attempt_for_one_name_is_refused_and_other_names_are_not() {
        let limit = attempts_per_name();
        for _ in 0..5 {
            assert!(limit.check_key(&"kari".to_owned()).is_ok());
        }
        assert!(limit.check_key(&"kari".to_owned()).is_err());
        assert!(limit.check_key(&"ola".to_owned()).is_ok());
    }
}
