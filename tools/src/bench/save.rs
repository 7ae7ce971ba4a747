//! `custsync-tools bench-save`: the correction workflow's server time on the database as it is (seed
//! it with `custsync-tools seed-demo --operations 1000000` first). Failed operations whose email or
//! receipt email was refused are opened for correction, saved with a valid address, and — on
//! others — saved and synchronized, through the same plain functions the server functions
//! call; each step's p50, p95 and max. It changes the operations it corrects.

use std::time::Instant;

use app::{
    functions::corrections::plain,
    model::{Correction, Role, SaveOutcome, SignedIn},
    storage::{to_micros, Db},
};
use rand::{seq::SliceRandom, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::Row;

use super::page::{summarize, Case};

/// Times opening, saving, and saving and synchronizing, `samples` operations each.
pub async fn save_bench(db: &Db, samples: usize) -> anyhow::Result<Vec<Case>> {
    let samples = samples.max(1);
    let rows = sqlx::query(
        "SELECT id, error_field FROM operations WHERE status = 'failed' \
         AND error_code = 'invalid_email' AND error_field IN ('email', 'receipt_email')",
    )
    .fetch_all(db.pool())
    .await?;
    let mut failed: Vec<(i64, String)> = rows
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
        .collect();
    anyhow::ensure!(
        failed.len() >= 2 * samples,
        "{} operations failed on an email; {} are needed (seed more operations)",
        failed.len(),
        2 * samples
    );
    failed.shuffle(&mut ChaCha8Rng::seed_from_u64(11));
    let person = SignedIn {
        id: 0,
        name: "bench".into(),
        role: Role::Operator,
    };
    let (mut open, mut save, mut save_sync) = (Vec::new(), Vec::new(), Vec::new());
    let mut outcomes = (0, 0);
    for (i, (id, field)) in failed.iter().take(2 * samples).enumerate() {
        let synchronize = i % 2 == 1;
        let now = to_micros(chrono::Utc::now());
        let started = Instant::now();
        let session = plain::start(db, &person, *id, now).await?;
        open.push(started.elapsed());
        let correction = Correction {
            operation_id: *id,
            version: session.detail.state.version,
            values: [(field.clone(), format!("corrected.{id}@example.no"))].into(),
            reason: Some("benchmark".into()),
            synchronize,
        };
        let started = Instant::now();
        let outcome = plain::save(db, &person, &correction, now).await;
        let took = started.elapsed();
        match outcome {
            Ok(SaveOutcome::Saved(_)) => outcomes.0 += 1,
            Ok(SaveOutcome::Conflict { .. }) => outcomes.1 += 1,
            // Another field of the operation is wrong too: not a save, not timed.
            Err(app::AppError::Validation { .. }) => {
                db.release_editing(*id, &person.name).await?;
                continue;
            }
            Err(error) => anyhow::bail!("saving operation {id}: {error}"),
        }
        if synchronize {
            save_sync.push(took);
        } else {
            save.push(took);
        }
    }
    eprintln!("bench-save: {} saved, {} conflicts", outcomes.0, outcomes.1);
    Ok(vec![
        summarize(
            "open for correction (Editing, detail, context)".into(),
            open,
            1,
        ),
        summarize("Save (validate, store, change log, detail)".into(), save, 1),
        summarize(
            "Save and synchronize (+ the job for it)".into(),
            save_sync,
            1,
        ),
    ])
}
