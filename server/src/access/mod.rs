//! Access control at the door: sessions (tower-sessions, stored in custsync's database),
//! sign-in and sign-out (axum-login, Argon2id passwords), the rate limit on failed sign-ins,
//! and the middleware that tells every page and server function who is asking.
//!
//! - [`users`]: the axum-login backend over the users table.
//! - [`sessions`]: the session store over the sessions table.
//! - [`sign_in`]: the sign-in and sign-out form handlers.
//! - [`failed_sign_ins`]: the limit on failed sign-ins, per name and address and per address.
//! - [`client_address`]: where a request came from (the peer, or a trusted proxy's header).
//! - [`guard`]: who is asking (for `app::access::require`), pages that need a session, the
//!   same-origin check of cookie-authenticated writes, and the security headers.

pub mod client_address;
pub mod failed_sign_ins;
pub mod guard;
pub mod login_backend;
pub mod sessions;
pub mod sign_in;

use std::time::Duration;

use app::storage::Db;
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "custsync_session";

/// How sessions behave.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// A sign-in lasts this long (one working day by default).
    pub lifetime: Duration,
    /// Mark the cookie `Secure` (custsync is served over HTTPS, e.g. behind a TLS proxy).
    pub secure: bool,
    /// The header a trusted reverse proxy writes the client's address into (e.g.
    /// `X-Forwarded-For`); without it the TCP peer is the client.
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            lifetime: Duration::from_secs(8 * 3600),
            secure: false,
            trusted_proxy_header: None,
        }
    }
}

/// The session and sign-in layer of the router.
pub fn layer(
    db: &Db,
    settings: &SessionSettings,
) -> AuthManagerLayer<login_backend::Users, sessions::DbSessions> {
    let lifetime = time::Duration::try_from(settings.lifetime).unwrap_or(time::Duration::HOUR);
    let sessions = SessionManagerLayer::new(sessions::DbSessions::new(db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure)
        .with_expiry(Expiry::OnInactivity(lifetime));
    AuthManagerLayerBuilder::new(login_backend::Users::new(db.clone()), sessions).build()
}

/// The signed-in session of axum-login with custsync's users.
pub type AuthSession = axum_login::AuthSession<login_backend::Users>;
