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
///
/// The same check as `password_auth::verify_password`, but Argon2 works in memory this thread
/// keeps ([`with_argon2_memory`]) instead of 19 MiB allocated and freed at every sign-in.
pub fn password_matches(password: &str, hash: &str) -> bool {
    argon2_matches(password, hash).unwrap_or(false)
}

/// The check of [`password_matches`]; `None` when `hash` is not an Argon2 PHC string.
fn argon2_matches(password: &str, hash: &str) -> Option<bool> {
    use argon2::password_hash::{Output, PasswordHash};
    let parsed = PasswordHash::new(hash).ok()?;
    let algorithm = argon2::Algorithm::try_from(parsed.algorithm).ok()?;
    let version = match parsed.version {
        Some(version) => argon2::Version::try_from(version).ok()?,
        None => argon2::Version::default(),
    };
    let params = argon2::Params::try_from(&parsed).ok()?;
    let expected = parsed.hash?;
    let mut salt = [0_u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
    let mut computed = vec![0_u8; expected.len()];
    let blocks = params.block_count();
    let hasher = argon2::Argon2::new(algorithm, version, params);
    with_argon2_memory(blocks, |memory| {
        hasher
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, memory)
            .ok()
    })?;
    // `Output`'s comparison takes the same time wherever the first difference is.
    Some(Output::new(&computed).ok()? == expected)
}

/// Runs `work` with `blocks` blocks of Argon2 memory that stay with this thread. glibc gives
/// a freed 19 MiB block back to the system only while its mmap threshold is low, and raises
/// the threshold at the first such free: after that each hashing thread's arena kept up to
/// 150 MB (58 → 212 MB over 50 sign-ins). Kept memory costs one block set per hashing thread
/// ([`HASHING_THREADS`]), once.
fn with_argon2_memory<T>(blocks: usize, work: impl FnOnce(&mut [argon2::Block]) -> T) -> T {
    thread_local! {
        static MEMORY: std::cell::RefCell<Vec<argon2::Block>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        work(&mut memory[..blocks])
    })
}

/// Threads that hash and check passwords.
pub const HASHING_THREADS: usize = 2;

/// Runs password work (`work`) on one of [`HASHING_THREADS`] threads kept for it, waiting in
/// line when both are busy. Argon2 works in 19 MiB of memory, which each thread that checks a
/// password keeps ([`password_matches`]): on tokio's blocking pool, where any of hundreds of
/// threads may hash, that could be gigabytes; on two threads of their own it is 38 MiB.
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
        assert!(!password_matches("anything", ""));
    }

    #[test]
    fn a_hash_with_other_argon2_parameters_is_checked_with_its_own() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"sixteen byte salt").unwrap();
        let small = argon2::Params::new(1024, 3, 2, Some(24)).unwrap();
        let hash = argon2::Argon2::new(argon2::Algorithm::Argon2i, argon2::Version::V0x10, small)
            .hash_password(b"an old password", &salt)
            .unwrap()
            .to_string();
        assert!(password_matches("an old password", &hash));
        assert!(!password_matches("an old passwore", &hash));
        // Then the larger default again, on the same thread's memory.
        let default = hash_password("a new password");
        assert!(password_matches("a new password", &default));
    }

    #[test]
    fn new_passwords_are_long_enough_and_differ() {
        let a = new_password();
        assert_eq!(a.len(), 20);
        assert_ne!(a, new_password());
        assert!(crate::model::user::check_password(&a).is_ok());
    }
}
