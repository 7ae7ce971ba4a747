//! The limit on failed sign-ins. Only failures count: a person who signs in correctly ten times
//! a minute is never refused. Failures are counted per user name *from one client address* and
//! per client address over all names, so a password cannot be guessed by trying, one address
//! cannot try many names, and nobody elsewhere can keep an account (the admin's, say) locked
//! out by failing on purpose: the lock holds only where the failures came from.
//!
//! The counts live in bounded caches (moka) that forget a key when its window ends and never
//! hold more than [`MAX_KEYS`] keys, so a flood of made-up names or addresses cannot grow the
//! server's memory.

use std::{
    net::IpAddr,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc,
    },
    time::Duration,
};

use moka::sync::Cache;

/// Failed sign-ins allowed for one name from one address within [`WINDOW`].
pub const PER_NAME_AND_ADDRESS: u32 = 5;
/// Failed sign-ins allowed from one address, over all names, within [`WINDOW`].
pub const PER_ADDRESS: u32 = 20;
/// How long failures are remembered, from the first failure of a key.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The most keys each count keeps; past it the least recently used go first.
pub const MAX_KEYS: u64 = 100_000;

/// The failed sign-ins of the last [`WINDOW`].
#[derive(Clone)]
pub struct FailedSignIns {
    by_name_and_address: Cache<(String, IpAddr), Arc<AtomicU32>>,
    by_address: Cache<IpAddr, Arc<AtomicU32>>,
}

impl Default for FailedSignIns {
    fn default() -> Self {
        Self::with_window(WINDOW)
    }
}

impl FailedSignIns {
    /// Counts that forget each key `window` after its first failure.
    pub fn with_window(window: Duration) -> Self {
        Self {
            by_name_and_address: Cache::builder()
                .max_capacity(MAX_KEYS)
                .time_to_live(window)
                .build(),
            by_address: Cache::builder()
                .max_capacity(MAX_KEYS)
                .time_to_live(window)
                .build(),
        }
    }

    /// Whether `name` may try to sign in from `address` now.
    pub fn allows(&self, name: &str, address: IpAddr) -> bool {
        let count = |c: Option<Arc<AtomicU32>>| c.map_or(0, |c| c.load(Ordering::Relaxed));
        count(self.by_name_and_address.get(&(name.to_owned(), address))) < PER_NAME_AND_ADDRESS
            && count(self.by_address.get(&address)) < PER_ADDRESS
    }

    /// Counts one failed sign-in of `name` from `address`.
    pub fn record_failure(&self, name: &str, address: IpAddr) {
        self.by_name_and_address
            .get_with((name.to_owned(), address), Default::default)
            .fetch_add(1, Ordering::Relaxed);
        self.by_address
            .get_with(address, Default::default)
            .fetch_add(1, Ordering::Relaxed);
    }

    /// How many keys the counts hold now (after pending evictions are done).
    pub fn keys(&self) -> u64 {
        self.by_name_and_address.run_pending_tasks();
        self.by_address.run_pending_tasks();
        self.by_name_and_address.entry_count() + self.by_address.entry_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn a_name_is_refused_after_five_failures_from_one_address_and_not_elsewhere() {
        let failed = FailedSignIns::default();
        for _ in 0..PER_NAME_AND_ADDRESS {
            assert!(failed.allows("admin", ip(1)));
            failed.record_failure("admin", ip(1));
        }
        assert!(!failed.allows("admin", ip(1)));
        assert!(failed.allows("admin", ip(2)), "the real admin elsewhere");
        assert!(
            failed.allows("kari", ip(1)),
            "another name from the same address"
        );
    }

    #[test]
    fn one_address_trying_many_names_is_refused_after_twenty_failures() {
        let failed = FailedSignIns::default();
        for n in 0..PER_ADDRESS {
            failed.record_failure(&format!("name-{n}"), ip(3));
        }
        assert!(!failed.allows("someone-new", ip(3)));
        assert!(failed.allows("someone-new", ip(4)));
    }

    #[test]
    fn failures_are_forgotten_when_their_window_ends() {
        let failed = FailedSignIns::with_window(Duration::from_millis(50));
        for _ in 0..PER_NAME_AND_ADDRESS {
            failed.record_failure("ola", ip(5));
        }
        assert!(!failed.allows("ola", ip(5)));
        std::thread::sleep(Duration::from_millis(120));
        assert!(failed.allows("ola", ip(5)));
        assert_eq!(failed.keys(), 0);
    }

    #[test]
    fn a_flood_of_made_up_names_keeps_at_most_the_bounded_number_of_keys() {
        let failed = FailedSignIns::default();
        for n in 0..(MAX_KEYS + 20_000) {
            let address = IpAddr::from((n as u32).to_be_bytes());
            failed.record_failure(&format!("made-up-{n}"), address);
        }
        assert!(failed.keys() <= 2 * MAX_KEYS, "{} keys", failed.keys());
    }
}
