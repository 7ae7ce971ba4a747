//! The sign-in and sign-out forms' handlers. They answer with a redirect (the forms work
//! without the WebAssembly client): to the page asked for, or back to the sign-in page with
//! the reason in its URL (`?error=bad_credentials`), which the page says in the reader's
//! language. Failed attempts are limited (see [`super::failed_sign_ins`]), so a password cannot
//! be guessed by trying; each sign-in gets a new session id (no session fixation).

use app::storage::to_micros;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
    Form,
};

use super::{client_address::ClientAddress, login_backend::Credentials, AuthSession};
use crate::state::AppState;

/// The sign-in form.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    pub name: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// Where to go after signing in: a path of this site only. It must start with one `/`, and no
/// character of it may be a `/` or `\` right after that first one, a control character or
/// whitespace: browsers and URL parsers drop tabs and newlines, so `/<TAB>/evil.example` would
/// name another host, and a newline cannot go into a `Location` header at all. Anything else,
/// and the sign-in page itself, goes to `/`.
pub fn safe_next(next: &str) -> &str {
    let mut chars = next.chars();
    let rooted = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
    let plain = !next
        .chars()
        .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    if rooted && plain && !next.starts_with("/sign-in") {
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
    ClientAddress(address): ClientAddress,
    Form(form): Form<SignInForm>,
) -> Response {
    let name = form.name.trim().to_lowercase();
    let next = safe_next(&form.next).to_owned();
    if name.chars().count() > app::model::user::MAX_USER_NAME || form.password.len() > 1024 {
        return back("bad_credentials", "", &next);
    }
    if !state.failed_sign_ins.allows(&name, address) {
        tracing::warn!(user = %name, %address, "sign-in refused: too many failed attempts");
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
            state.failed_sign_ins.record_failure(&name, address);
            tracing::info!(user = %name, %address, "sign-in failed");
            let _ = state.db.audit(&name, "sign_in.failed", "", now).await;
            return back("bad_credentials", &name, &next);
        }
        Err(error) => {
            tracing::warn!(%error, "sign-in: user store unavailable");
            return back("unavailable", &name, &next);
        }
    };
    // A new session id at every sign-in, the old one removed from the store: a cookie that
    // somebody planted or saw before (or this browser's earlier sign-in as another user) never
    // becomes this user's session. axum-login cycles only when nobody was signed in.
    if let Err(error) = auth.session.cycle_id().await {
        tracing::warn!(%error, "sign-in: session id not renewed");
        return back("unavailable", &name, &next);
    }
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
        let table = [
            ("/?status=failed", "/?status=failed"),
            ("/admin", "/admin"),
            (
                "/?op=12&status=failed#detail",
                "/?op=12&status=failed#detail",
            ),
            ("/changes?q=%2F%2Fx", "/changes?q=%2F%2Fx"),
            ("//evil.example/", "/"),
            ("https://evil.example/", "/"),
            ("/\\evil.example", "/"),
            ("/a\\b", "/"),
            ("/\t/evil.example", "/"),
            ("/\n/x", "/"),
            ("/\r\nSet-Cookie: x=1", "/"),
            ("/ /evil.example", "/"),
            ("/\u{a0}/evil.example", "/"),
            ("/\u{85}x", "/"),
            ("/\u{7f}x", "/"),
            ("/\u{3000}x", "/"),
            ("evil.example", "/"),
            ("/sign-in", "/"),
            ("/sign-in?next=/admin", "/"),
            ("", "/"),
        ];
        for (next, goes_to) in table {
            assert_eq!(safe_next(next), goes_to, "next = {next:?}");
        }
    }
}
