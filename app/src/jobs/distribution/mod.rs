//! 1010 Customers distribution: customer-master changes → the feed of their legal entity, which
//! every channel of that entity reads after its own cursor.

use crate::storage::{to_micros, Db};

use super::Outcome;

mod publish;

/// Changes one step distributes.
const BATCH: i64 = 500;

/// One step: distributes up to [`BATCH`] changes in one transaction.
pub async fn run_once(db: &Db) -> anyhow::Result<Outcome> {
    let n = db
        .distribute_changes(BATCH, to_micros(chrono::Utc::now()))
        .await?;
    Ok(Outcome {
        seen: n,
        succeeded: n,
        more: n == BATCH,
        ..Outcome::default()
    })
}
