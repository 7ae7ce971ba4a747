//! The people who sign in: their roles, what each role may do, and what the pages show of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a signed-in person may do. Each role may do everything the roles before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Reads the status page, the jobs and the log.
    Viewer,
    /// Also corrects operations, synchronizes them and runs jobs now.
    Operator,
    /// Also manages users, channel tokens and job schedules (pause, resume).
    Admin,
}

super::text_enum!(Role {
    Viewer => "viewer",
    Operator => "operator",
    Admin => "admin",
});

impl Role {
    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// The signed-in person, as every page and server function knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

impl SignedIn {
    pub fn may(&self, needed: Role) -> bool {
        self.role.allows(needed)
    }
}

/// A user as the admin page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub disabled: bool,
}

/// A channel API token as the admin page lists it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSummary {
    pub id: i64,
    pub channel_id: i64,
    pub channel_name: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One line of the audit log: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub action: String,
    pub subject: String,
}

/// The shortest password a user may choose.
pub const MIN_PASSWORD: usize = 10;
/// The longest user name.
pub const MAX_USER_NAME: usize = 64;

/// A user name as stored: trimmed and in lower case; letters, digits, `.`, `-`, `_` and `@`.
pub fn user_name(text: &str) -> Result<String, &'static str> {
    let name = text.trim().to_lowercase();
    if name.is_empty() {
        return Err("is empty");
    }
    if name.chars().count() > MAX_USER_NAME {
        return Err("is longer than 64 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
    {
        return Err("may hold letters, digits and . - _ @ only");
    }
    Ok(name)
}

/// Checks a new password: long enough, and not absurdly long (hashing cost).
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        Err("must be at least 10 characters")
    } else if password.len() > 1024 {
        Err("is longer than 1,024 bytes")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_do_what_the_roles_below_it_may() {
        assert!(Role::Admin.allows(Role::Operator));
        assert!(Role::Operator.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Operator));
        assert!(!Role::Operator.allows(Role::Admin));
    }

    #[test]
    fn user_names_are_kept_in_lower_case_and_refuse_odd_characters() {
        assert_eq!(user_name("  Kari.Nordmann ").unwrap(), "kari.nordmann");
        assert!(user_name("").is_err());
        assert!(user_name("drop table;").is_err());
        assert!(user_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn passwords_must_be_ten_characters_or_more() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough!").is_ok());
        assert!(check_password(&"x".repeat(2000)).is_err());
    }
}
