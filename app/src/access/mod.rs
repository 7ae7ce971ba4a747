//! Access control on the server: who is asking (the signed-in person the server's session
//! middleware found), whether their role allows what they ask, and the secrets behind
//! sign-in and channel tokens. Every server function starts with [`require`].

pub mod secrets;

use crate::{
    model::{Role, SignedIn},
    AppError,
};

/// The signed-in person of the current request, if their role allows `needed`:
/// [`AppError::SignInNeeded`] without a session, [`AppError::Forbidden`] when the role is too
/// low. The server's session middleware puts [`SignedIn`] in the request's extensions.
pub fn require(needed: Role) -> Result<SignedIn, AppError> {
    let person = signed_in().ok_or(AppError::SignInNeeded)?;
    allow(&person, needed)?;
    Ok(person)
}

/// The signed-in person of the current request, if any.
pub fn signed_in() -> Option<SignedIn> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
}

/// Whether `person` may do what `needed` may.
pub fn allow(person: &SignedIn, needed: Role) -> Result<(), AppError> {
    if person.may(needed) {
        Ok(())
    } else {
        tracing::warn!(user = %person.name, role = person.role.as_str(), needed = needed.as_str(), "refused: role too low");
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(role: Role) -> SignedIn {
        SignedIn {
            id: 1,
            name: "kari".into(),
            role,
        }
    }

    #[test]
    fn a_viewer_is_refused_what_an_operator_may_do() {
        assert_eq!(
            allow(&person(Role::Viewer), Role::Operator),
            Err(AppError::Forbidden)
        );
        assert_eq!(allow(&person(Role::Operator), Role::Operator), Ok(()));
    }

    #[test]
    fn without_a_request_nobody_is_signed_in() {
        assert_eq!(require(Role::Viewer), Err(AppError::SignInNeeded));
    }
}
