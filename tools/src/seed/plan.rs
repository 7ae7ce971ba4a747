//! The plan of a demo: when each operation happens, from which channel, and in which upload
//! session it reaches headquarters.

use std::collections::HashMap;

use app::model::Channel;
use rand::{distr::weighted::WeightedIndex, prelude::Distribution, Rng};
use rand_chacha::ChaCha8Rng;

use super::history::{SimSession, DAY, HOUR, MINUTE};

/// A planned operation: when, from where.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    pub operation_at: i64,
    pub received_at: i64,
    pub channel: usize,
    pub session: i64,
}

/// Plans `count` operations over `days` days up to `now`, in time order, with their sessions.
pub fn plan(
    rng: &mut ChaCha8Rng,
    now: i64,
    days: u32,
    count: u64,
    channels: &[(Channel, u32)],
    first_session_id: i64,
) -> (Vec<Slot>, Vec<SimSession>) {
    let weights = WeightedIndex::new(channels.iter().map(|(_, w)| *w))
        .expect("demo channels have positive weights");
    let span = i64::from(days.max(1)) * DAY;
    let mut slots: Vec<Slot> = (0..count)
        .map(|_| {
            let operation_at = busy_hour_time(rng, now, span);
            // Stores are sometimes offline and upload hours later.
            let delay = if rng.random_bool(0.03) {
                rng.random_range(10 * MINUTE..6 * HOUR)
            } else {
                rng.random_range(1_000_000..40_000_000)
            };
            Slot {
                operation_at,
                received_at: (operation_at + delay).min(now),
                channel: weights.sample(rng),
                session: 0,
            }
        })
        .collect();
    slots.sort_by_key(|s| s.operation_at);
    let sessions = assign_sessions(&mut slots, first_session_id, now);
    (slots, sessions)
}

/// A time in the last `span` microseconds, more often in shop opening hours (08–21).
fn busy_hour_time(rng: &mut ChaCha8Rng, now: i64, span: i64) -> i64 {
    loop {
        let at = now - rng.random_range(0..span);
        let hour = (at / HOUR).rem_euclid(24);
        let weight = match hour {
            9..=19 => 1.0,
            7 | 8 | 20 => 0.5,
            _ => 0.08,
        };
        if rng.random_bool(weight) {
            return at;
        }
    }
}

/// Groups operations into upload sessions: one per channel per 15-minute P-job cycle.
fn assign_sessions(slots: &mut [Slot], first_id: i64, now: i64) -> Vec<SimSession> {
    let cycle = 15 * MINUTE;
    let mut by_key: HashMap<(usize, i64), usize> = HashMap::new();
    let mut sessions: Vec<SimSession> = Vec::new();
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|i| slots[*i].received_at);
    for i in order {
        let slot = &mut slots[i];
        let key = (slot.channel, slot.received_at / cycle);
        let index = *by_key.entry(key).or_insert_with(|| {
            sessions.push(SimSession {
                id: first_id + sessions.len() as i64,
                operation_count: 0,
                created_at: ((key.1 + 1) * cycle).min(now),
            });
            sessions.len() - 1
        });
        sessions[index].operation_count += 1;
        slot.session = sessions[index].id;
    }
    sessions
}
