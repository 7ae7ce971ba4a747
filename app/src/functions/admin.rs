//! Server functions of the admin page: users and their roles, channel API tokens, and the
//! audit log. Every one needs the admin role; every change is written to the audit log.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::answer_codec::Answer;
use crate::{
    model::{AuditEntry, TokenSummary, UserSummary},
    AppError,
};

/// How many audit log lines the admin page shows.
pub const AUDIT_LINES: i64 = 50;

/// Everything the admin page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub users: Vec<UserSummary>,
    pub tokens: Vec<TokenSummary>,
    /// (id, name), by name: the channels a token can be made for.
    pub channels: Vec<(i64, String)>,
    pub audit: Vec<AuditEntry>,
}

/// The users, tokens, channels and latest audit lines.
#[server(prefix = "/rpc", endpoint = "admin/overview", output = Answer)]
pub async fn admin_overview() -> Result<AdminView, AppError> {
    crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::overview(&db).await.map_err(super::with_status)
}

/// Adds a user with a role and a first password.
#[server(prefix = "/rpc", endpoint = "admin/create-user", output = Answer)]
pub async fn create_user(name: String, role: String, password: String) -> Result<(), AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::create_user(&db, &admin, &name, &role, &password)
        .await
        .map_err(super::with_status)
}

/// Changes a user's role, or disables or enables them.
#[server(prefix = "/rpc", endpoint = "admin/change-user", output = Answer)]
pub async fn change_user(
    id: i64,
    role: Option<String>,
    disabled: Option<bool>,
) -> Result<(), AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::change_user(&db, &admin, id, role.as_deref(), disabled)
        .await
        .map_err(super::with_status)
}

/// Creates a channel API token; the answer is the token, shown this once.
#[server(prefix = "/rpc", endpoint = "admin/create-token", output = Answer)]
pub async fn create_token(channel_id: i64, label: String) -> Result<String, AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::create_token(&db, &admin, channel_id, &label)
        .await
        .map_err(super::with_status)
}

/// Revokes a channel API token at once.
#[server(prefix = "/rpc", endpoint = "admin/revoke-token", output = Answer)]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let admin = crate::access::require(crate::model::Role::Admin).map_err(super::with_status)?;
    let db = super::db()?;
    plain::revoke_token(&db, &admin, id)
        .await
        .map_err(super::with_status)
}

/// The plain, tested functions behind the admin server functions.
#[cfg(feature = "ssr")]
pub mod plain {
    use super::AdminView;
    use crate::{
        access::secrets,
        model::{user, Role, SignedIn},
        storage::{to_micros, Db},
        AppError,
    };

    /// The longest token label.
    pub const MAX_LABEL: usize = 100;

    fn now() -> i64 {
        to_micros(chrono::Utc::now())
    }

    pub async fn overview(db: &Db) -> Result<AdminView, AppError> {
        Ok(AdminView {
            users: db.users().await?,
            tokens: db.channel_tokens().await?,
            channels: db.channel_names().await?,
            audit: db.audit_log(super::AUDIT_LINES).await?,
        })
    }

    fn role(text: &str) -> Result<Role, AppError> {
        Role::parse(text)
            .ok_or_else(|| AppError::validation("role", "must be viewer, operator or admin"))
    }

    /// Adds a user. The name must be free; the password long enough.
    pub async fn create_user(
        db: &Db,
        admin: &SignedIn,
        name: &str,
        role_text: &str,
        password: &str,
    ) -> Result<(), AppError> {
        let name = user::user_name(name).map_err(|m| AppError::validation("name", m))?;
        let role = role(role_text)?;
        user::check_password(password).map_err(|m| AppError::validation("password", m))?;
        let hash = secrets::hash_password_off_thread(password.to_owned()).await;
        if db.insert_user(&name, &hash, role, now()).await?.is_none() {
            return Err(AppError::validation("name", "is taken by another user"));
        }
        db.audit(
            &admin.name,
            "user.create",
            &format!("{name} ({})", role.as_str()),
            now(),
        )
        .await?;
        Ok(())
    }

    /// Changes a user's role or disables them. An admin cannot lower or disable themselves,
    /// so the last admin never locks everyone out.
    pub async fn change_user(
        db: &Db,
        admin: &SignedIn,
        id: i64,
        role_text: Option<&str>,
        disabled: Option<bool>,
    ) -> Result<(), AppError> {
        let role = role_text.map(role).transpose()?;
        if id == admin.id && role.is_some_and(|r| r != Role::Admin) {
            return Err(AppError::validation(
                "role",
                "you cannot take the admin role from yourself; ask another admin",
            ));
        }
        if id == admin.id && disabled == Some(true) {
            return Err(AppError::validation(
                "disabled",
                "you cannot disable yourself; ask another admin",
            ));
        }
        let Some(user) = db.user_by_id(id).await? else {
            return Err(AppError::NotFound {
                what: format!("user {id}"),
            });
        };
        db.update_user(id, role, disabled, None, now()).await?;
        let mut what = Vec::new();
        if let Some(role) = role {
            what.push(format!("role {}", role.as_str()));
        }
        match disabled {
            Some(true) => what.push("disabled".to_owned()),
            Some(false) => what.push("enabled".to_owned()),
            None => {}
        }
        db.audit(
            &admin.name,
            "user.change",
            &format!("{}: {}", user.name, what.join(", ")),
            now(),
        )
        .await?;
        Ok(())
    }

    /// Creates a token for a channel; returns it (the only time it is seen).
    pub async fn create_token(
        db: &Db,
        admin: &SignedIn,
        channel_id: i64,
        label: &str,
    ) -> Result<String, AppError> {
        let label = label.trim();
        if label.chars().count() > MAX_LABEL {
            return Err(AppError::validation(
                "label",
                "is longer than 100 characters",
            ));
        }
        let Some(channel) = db
            .channels()
            .await?
            .into_iter()
            .find(|c| c.id == channel_id)
        else {
            return Err(AppError::validation("channel_id", "is not a channel"));
        };
        let token = secrets::new_token();
        let label = (!label.is_empty()).then_some(label);
        let id = db
            .insert_channel_token(channel.id, &secrets::token_hash(&token), label, now())
            .await?;
        db.audit(
            &admin.name,
            "token.create",
            &format!("token {id} for {}", channel.name),
            now(),
        )
        .await?;
        Ok(token)
    }

    /// Revokes a token; a token already revoked or unknown is a clear error.
    pub async fn revoke_token(db: &Db, admin: &SignedIn, id: i64) -> Result<(), AppError> {
        if !db.revoke_channel_token(id, now()).await? {
            return Err(AppError::NotFound {
                what: format!("token {id} (or it is already revoked)"),
            });
        }
        db.audit(&admin.name, "token.revoke", &format!("token {id}"), now())
            .await?;
        Ok(())
    }
}
