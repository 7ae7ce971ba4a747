//! The secrets of access control: password hashes (Argon2id, by `password-auth`) and channel
//! API tokens (random, shown once, stored as a SHA-256 hash).

use rand::RngCore;
use sha2::{Digest, Sha256};

/// What every channel token starts with, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "cst_";

/// A new random channel token (256 bits).
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// The stored form of a token. A fast hash is right here: the token is random and long, so
/// there is nothing to guess (unlike a password).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random password for a first admin (printed once): 20 characters from an alphabet
/// without look-alikes.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

/// The stored form of a password (a PHC string, salted Argon2id). Slow on purpose: run it
/// off the async threads ([`on_hashing_threads`]).
pub fn hash_password(password: &str) -> String {
    password_auth::generate_hash(password)
}

/// Whether `password` matches the stored hash.
pub fn password_matches(password: &str, hash: &str) -> bool {
    password_auth::verify_password(password, hash).is_ok()
}

/// Threads that hash and check passwords.
pub const HASHING_THREADS: usize = 2;

/// Runs password work (`work`) on one of [`HASHING_THREADS`] threads kept for it, waiting in
/// line when both are busy. Argon2 works in 19 MiB of memory, which the allocator keeps in an
/// arena per thread after it is freed: on tokio's blocking pool, where any of hundreds of
/// threads may hash, each sign-in could leave another 19 MiB behind (37 → 159 MB after six);
/// on two threads of their own the memory for hashing stays at two arenas, whatever the load.
/// `None` only if the work panicked.
pub async fn on_hashing_threads<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(HASHING_THREADS)
            .thread_name(|i| format!("password-hashing-{i}"))
            .build()
            .map_err(|error| tracing::warn!(%error, "no password hashing threads"))
            .ok()
    });
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job = move || {
        let _ = answer.send(work());
    };
    match pool {
        Some(pool) => pool.spawn(job),
        // Without threads of its own (the system refused them), hashing still works.
        None => drop(tokio::task::spawn_blocking(job)),
    }
    answered.await.ok()
}

/// Hashes on the password hashing threads.
pub async fn hash_password_off_thread(password: String) -> String {
    on_hashing_threads(move || hash_password(&password))
        .await
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
    }

    #[test]
    fn the_stored_hash_is_not_the_token() {
        let token = new_token();
        let hash = token_hash(&token);
        assert_eq!(hash, token_hash(&token));
        assert!(!hash.contains(&token[TOKEN_PREFIX.len()..]));
    }

    #[test]
    fn a_password_matches_its_hash_and_nothing_else() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &hash));
        assert!(!password_matches("correct horse batterx", &hash));
        assert!(!password_matches("anything", "not a hash"));
    }

    #[test]
    fn new_passwords_are_long_enough_and_differ() {
        let a = new_password();
        assert_eq!(a.len(), 20);
        assert_ne!(a, new_password());
        assert!(crate::model::user::check_password(&a).is_ok());
    }
}
