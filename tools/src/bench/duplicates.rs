//! `custsync-tools bench-duplicates`: the duplicate check at many customers. Customers are
//! added to the demo retailer's first legal entity (made-up people, each with an email, a phone
//! and a primary address) until the database holds `--customers`; they are keyed as the server
//! keys customers from before an upgrade (timed: that one-off cost); then each sample asks
//! which customers a create matches, with the statement the Synchronize job runs for each
//! create: half of them a customer's values written otherwise (found), half a new person (not
//! found).

use std::time::{Duration, Instant};

use app::{
    duplicates::keys::{keys_of, PersonValues},
    storage::{json_param, json_rows, json_text, to_micros, Db},
};
use sqlx::Row;

use super::page::{summarize, Case};

/// Customers written per transaction while filling.
const FILL_BATCH: u64 = 5_000;

/// What the benchmark measured.
pub struct DuplicatesReport {
    pub customers: i64,
    pub added: u64,
    pub keyed: usize,
    pub keying: Duration,
    pub found: Case,
    pub not_found: Case,
}

impl std::fmt::Display for DuplicatesReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "customers: {} ({} added); keyed {} in {:.1} s ({:.0} customers/s)",
            self.customers,
            self.added,
            self.keyed,
            self.keying.as_secs_f64(),
            self.keyed as f64 / self.keying.as_secs_f64().max(0.001)
        )?;
        writeln!(f, "{}", self.found)?;
        write!(f, "{}", self.not_found)
    }
}

/// Person number `i`: the same values every run.
fn person(i: u64) -> (String, String, String, String, String) {
    const FIRST: [&str; 8] = [
        "Kari", "Ola", "Ingrid", "Lars", "Søren", "Åse", "Øystein", "Marit",
    ];
    const LAST: [&str; 6] = ["Nordmann", "Hansen", "Ødegård", "Berg", "Dahl", "Lie"];
    let name = format!(
        "{} {} {}",
        FIRST[(i % 8) as usize],
        LAST[(i / 8 % 6) as usize],
        i
    );
    let email = format!("bench.person.{i}@example.no");
    let phone = format!("4{:07}", i % 10_000_000);
    let street = format!("Målevegen {}", i % 997 + 1);
    let zip = format!("{:04}", i % 9_000 + 1_000);
    (name, email, phone, street, zip)
}

/// Fills the database up to `customers`, keys them, and measures `samples` checks of each kind.
pub async fn duplicates_bench(
    db: &Db,
    customers: u64,
    samples: usize,
) -> anyhow::Result<DuplicatesReport> {
    let channel = db
        .channels()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no channel: seed the demo retailer first"))?;
    let entity = channel.legal_entity_id.clone();
    let have: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers")
        .fetch_one(db.pool())
        .await?
        .get("n");
    let added = customers.saturating_sub(have as u64);
    let now = to_micros(chrono::Utc::now());
    let backend = db.backend();
    let mut start = 0;
    while start < added {
        let end = (start + FILL_BATCH).min(added);
        let rows: Vec<_> = (start..end)
            .map(|i| {
                let (name, email, phone, street, zip) = person(i);
                (format!("BENCH{i:09}"), name, email, phone, street, zip)
            })
            .collect();
        let mut tx = db.begin_write().await?;
        sqlx::query(&format!(
            // The parameters in the order they appear: SQLite numbers them so.
            "INSERT INTO customers (account, legal_entity_id, origin_channel_id, name, email, \
             phone, created_at, updated_at) SELECT {}, $1, $2, {}, {}, {}, $3, $3 FROM {}",
            json_text(0),
            json_text(1),
            json_text(2),
            json_text(3),
            json_rows(backend, 4)
        ))
        .bind(&entity)
        .bind(channel.id)
        .bind(now)
        .bind(json_param(&rows)?)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO customer_addresses (customer_account, street, zip, city, country, \
             is_primary) SELECT {}, {}, {}, 'Bergen', 'NO', 1 FROM {}",
            json_text(0),
            json_text(4),
            json_text(5),
            json_rows(backend, 1)
        ))
        .bind(json_param(&rows)?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        start = end;
        if start % 100_000 == 0 {
            eprintln!("bench-duplicates: {start} of {added} customers added");
        }
    }
    if backend == app::storage::Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    let started = Instant::now();
    let keyed = db.key_all_customers().await?;
    let keying = started.elapsed();

    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers")
        .fetch_one(db.pool())
        .await?
        .get("n");
    let picked = added.max(1);
    let mut found_times = Vec::with_capacity(samples);
    let mut not_found_times = Vec::with_capacity(samples);
    let (mut found_rows, mut not_found_rows) = (0, 0);
    for s in 0..samples.max(1) as u64 {
        // A customer of the fill, as another till would type them.
        let (name, email, phone, street, zip) = person(s * 7_919 % picked);
        let hit = PersonValues {
            email: Some(email.to_uppercase()),
            phone: Some(format!("+47 {} {}", &phone[..3], &phone[3..])),
            cellular_phone: None,
            name: Some(name.to_lowercase()),
            street: Some(street),
            street_number: None,
            zip: Some(zip),
            country: Some(channel.country.clone()),
        };
        let started = Instant::now();
        let matched = db.customers_matching(&entity, &keys_of(&hit)).await?;
        found_times.push(started.elapsed());
        found_rows = matched.len();
        anyhow::ensure!(!matched.is_empty(), "sample {s} found nobody");
        let (name, email, phone, street, zip) = person(added + 1_000_000 + s);
        let miss = PersonValues {
            email: Some(email),
            phone: Some(format!("9{}", &phone[1..])),
            cellular_phone: None,
            name: Some(name),
            street: Some(street),
            street_number: Some("B".into()),
            zip: Some(zip),
            country: Some(channel.country.clone()),
        };
        let started = Instant::now();
        let matched = db.customers_matching(&entity, &keys_of(&miss)).await?;
        not_found_times.push(started.elapsed());
        not_found_rows = matched.len();
    }
    Ok(DuplicatesReport {
        customers: total,
        added,
        keyed,
        keying,
        found: summarize(
            "check of a create like a customer (3 rules match)".into(),
            found_times,
            found_rows,
        ),
        not_found: summarize(
            "check of a create like nobody".into(),
            not_found_times,
            not_found_rows,
        ),
    })
}
