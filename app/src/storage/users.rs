//! Users and the audit log: who may sign in, with which role, and what they did.

use super::{col, from_micros, Db};
use crate::model::{AuditEntry, Role, UserSummary};

/// A user as sign-in needs them: with the password hash, never sent to a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
}

const USER_COLUMNS: &str =
    "id, name, password_hash, role, created_at, last_sign_in_at, disabled_at";

fn user_record(row: &sqlx::any::AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: col(row, "id")?,
        name: col(row, "name")?,
        password_hash: col(row, "password_hash")?,
        role: role(row)?,
        disabled: col::<Option<i64>>(row, "disabled_at")?.is_some(),
    })
}

fn role(row: &sqlx::any::AnyRow) -> Result<Role, sqlx::Error> {
    let text: String = col(row, "role")?;
    Role::parse(&text).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {text}").into()))
}

impl Db {
    /// Adds a user; `None` when the name is taken. `name` must already be normalized
    /// ([`crate::model::user::user_name`]).
    #[tracing::instrument(skip(self, password_hash), err)]
    pub async fn insert_user(
        &self,
        name: &str,
        password_hash: &str,
        role: Role,
        now_micros: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO users (name, password_hash, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now_micros)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| col(&r, "id")).transpose()
    }

    /// The user with this (normalized) name.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<UserRecord>, sqlx::Error> {
        self.user_where("name = $1", name.to_owned()).await
    }

    /// The user with this id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, sqlx::Error> {
        self.user_where("id = $1", id).await
    }

    #[tracing::instrument(skip(self, key), err)]
    async fn user_where<T>(
        &self,
        condition: &str,
        key: T,
    ) -> Result<Option<UserRecord>, sqlx::Error>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
    {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE {condition}"
        ))
        .bind(key)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(user_record)
        .transpose()
    }

    /// Every user, by name.
    #[tracing::instrument(skip(self), err)]
    pub async fn users(&self) -> Result<Vec<UserSummary>, sqlx::Error> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(UserSummary {
                    id: col(row, "id")?,
                    name: col(row, "name")?,
                    role: role(row)?,
                    created_at: from_micros(col(row, "created_at")?),
                    last_sign_in_at: col::<Option<i64>>(row, "last_sign_in_at")?.map(from_micros),
                    disabled: col::<Option<i64>>(row, "disabled_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Changes a user's role, disables or enables them, or sets a new password hash; `false`
    /// when there is no such user.
    #[tracing::instrument(skip(self, password_hash), err)]
    pub async fn update_user(
        &self,
        id: i64,
        role: Option<Role>,
        disabled: Option<bool>,
        password_hash: Option<&str>,
        now_micros: i64,
    ) -> Result<bool, sqlx::Error> {
        let update = sqlx::query(
            "UPDATE users SET role = COALESCE($2, role), \
             disabled_at = CASE WHEN $3 = 1 THEN COALESCE(disabled_at, $5) \
                                WHEN $3 = 0 THEN NULL ELSE disabled_at END, \
             password_hash = COALESCE($4, password_hash) WHERE id = $1",
        )
        .bind(id)
        .bind(role.map(Role::as_str))
        .bind(disabled.map(i64::from))
        .bind(password_hash)
        .bind(now_micros);
        Ok(self.write_one(update).await? == 1)
    }

    /// Notes a successful sign-in.
    pub async fn note_sign_in(&self, id: i64, now_micros: i64) -> Result<(), sqlx::Error> {
        let update = sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now_micros);
        self.write_one(update).await.map(drop)
    }

    /// Appends a line to the audit log.
    #[tracing::instrument(skip(self), err)]
    pub async fn audit(
        &self,
        user_name: &str,
        action: &str,
        subject: &str,
        now_micros: i64,
    ) -> Result<(), sqlx::Error> {
        let insert = sqlx::query(
            "INSERT INTO audit_log (at, user_name, action, subject) VALUES ($1, $2, $3, $4)",
        )
        .bind(now_micros)
        .bind(user_name)
        .bind(action)
        .bind(subject);
        self.write_one(insert).await.map(drop)
    }

    /// The latest lines of the audit log, newest first.
    #[tracing::instrument(skip(self), err)]
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT at, user_name, action, subject FROM audit_log ORDER BY at DESC, id DESC \
             LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    at: from_micros(col(row, "at")?),
                    user_name: col(row, "user_name")?,
                    action: col(row, "action")?,
                    subject: col(row, "subject")?,
                })
            })
            .collect()
    }
}
