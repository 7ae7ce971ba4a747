//! The axum-login backend: users from the users table, passwords checked against their
//! Argon2id hash off the async threads. A disabled user is unknown here, so their open
//! sessions end at their next request; a changed password ends them too (the session keeps a
//! hash of the password hash).

use std::sync::OnceLock;

use app::{
    access::secrets,
    model::{user::user_name, Role, SignedIn},
    storage::{users::UserRecord, Db},
};
use axum_login::{AuthUser, AuthnBackend, UserId};

/// A user of a session.
#[derive(Debug, Clone)]
pub struct User {
    record: UserRecord,
}

impl User {
    /// What pages and server functions know of the user.
    pub fn signed_in(&self) -> SignedIn {
        SignedIn {
            id: self.record.id,
            name: self.record.name.clone(),
            role: self.record.role,
        }
    }

    pub fn name(&self) -> &str {
        &self.record.name
    }

    pub fn role(&self) -> Role {
        self.record.role
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.record.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.record.password_hash.as_bytes()
    }
}

/// What the sign-in form sends.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

/// Users from the database.
#[derive(Debug, Clone)]
pub struct Users {
    db: Db,
}

impl Users {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

/// A failure of the user store: the database.
#[derive(Debug, thiserror::Error)]
#[error("user store: {0}")]
pub struct UsersError(#[from] sqlx::Error);

/// A hash to check against when the user does not exist, so an unknown name takes as long as
/// a wrong password (no telling which names exist by the time the answer takes).
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| secrets::hash_password("decoy password, never used"))
}

impl AuthnBackend for Users {
    type User = User;
    type Credentials = Credentials;
    type Error = UsersError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, UsersError> {
        let record = match user_name(&creds.name) {
            Ok(name) => self.db.user_by_name(&name).await?,
            Err(_) => None,
        };
        let hash = record
            .as_ref()
            .filter(|r| !r.disabled)
            .map(|r| r.password_hash.clone());
        let matches = secrets::on_hashing_threads(move || {
            let known = hash.is_some();
            let hash = hash.unwrap_or_else(|| decoy_hash().to_owned());
            secrets::password_matches(&creds.password, &hash) && known
        })
        .await
        .unwrap_or(false);
        Ok(record.filter(|_| matches).map(|record| User { record }))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, UsersError> {
        Ok(self
            .db
            .user_by_id(*id)
            .await?
            .filter(|r| !r.disabled)
            .map(|record| User { record }))
    }
}
