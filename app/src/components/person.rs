//! Who is signed in, for every component: asked once per page load. Components use it to hide
//! what the person's role cannot do; the server checks every call again.

use leptos::prelude::*;

use crate::{
    functions::session::who_am_i,
    model::{Role, SignedIn},
    AppError,
};

/// The signed-in person of this page, shared through context.
#[derive(Clone, Copy)]
pub struct Person(OnceResource<Result<Option<SignedIn>, AppError>>);

impl Person {
    /// Asks the server once and shares the answer with every component.
    pub fn provide() {
        provide_context(Self(OnceResource::new(who_am_i())));
    }

    /// The page's person (use inside `Suspense` or `Transition`).
    pub fn get() -> Self {
        expect_context()
    }

    /// The signed-in person, once known (`None` when signed out or the question failed).
    pub async fn signed_in(self) -> Option<SignedIn> {
        self.0.await.ok().flatten()
    }

    /// The person's role, once known.
    pub async fn role(self) -> Option<Role> {
        self.signed_in().await.map(|p| p.role)
    }
}

/// Whether `role` allows what `needed` may do (`false` for nobody).
pub fn allows(role: Option<Role>, needed: Role) -> bool {
    role.is_some_and(|r| r.allows(needed))
}
