//! `custsync-tools bench-erasure`: how long erasing one customer takes on the database as it is
//! (seed it first). For each sample, a customer of the demo gets edits until they have
//! `--operations` operations (received through the inbox and applied by the jobs, as a
//! channel's would be), and is then erased by account through the same call the admin page
//! and `custsync customer erase` make; the erasure alone is timed. It erases the customers it
//! picks.

use std::time::{Duration, Instant};

use app::{
    jobs::{execute, Jobs},
    model::{
        channel_api::IncomingOperation, dossier::CustomerLookup, JobName, JobTrigger,
        OperationField, OperationKind,
    },
    storage::{to_micros, Db},
};
use sqlx::Row;

use super::page::{summarize, Case};

/// Erases `samples` customers of `operations` operations each; the erasures' times.
pub async fn erasure_bench(db: &Db, operations: usize, samples: usize) -> anyhow::Result<Case> {
    let samples = samples.max(1);
    let customers = sqlx::query(
        "SELECT account, async_account, origin_channel_id FROM customers \
         WHERE erased_at IS NULL AND async_account IS NOT NULL \
         AND origin_channel_id IS NOT NULL ORDER BY account LIMIT $1",
    )
    .bind(samples as i64)
    .fetch_all(db.pool())
    .await?;
    anyhow::ensure!(
        customers.len() == samples,
        "{} customers to erase; {samples} are needed (seed first)",
        customers.len()
    );
    let mut jobs = Jobs::new(db.clone(), "bench-erasure".into());
    let mut times: Vec<Duration> = Vec::with_capacity(samples);
    let mut held = 0;
    for customer in &customers {
        let account: String = customer.get("account");
        let guid: String = customer.get("async_account");
        let channel: i64 = customer.get("origin_channel_id");
        let lookup = CustomerLookup::Account(account.clone());
        let had = db
            .customer_holdings(
                &db.find_customer(&lookup)
                    .await
                    .map_err(|e| anyhow::anyhow!("finding {account}: {e:?}"))?,
            )
            .await?
            .operations as usize;
        let now = chrono::Utc::now();
        let edits: Vec<(String, String)> = (had..operations)
            .map(|i| {
                let edit = IncomingOperation {
                    channel_operation_id: format!("bench-erasure-{account}-{i}"),
                    async_account: guid.clone(),
                    customer_account: Some(account.clone()),
                    kind: OperationKind::Update,
                    operation_at: now - chrono::Duration::seconds((operations - i) as i64),
                    fields: vec![
                        OperationField {
                            field: "street".into(),
                            old_value: None,
                            new_value: Some(format!("Målevegen {i}")),
                        },
                        OperationField {
                            field: "phone".into(),
                            old_value: None,
                            new_value: Some(format!("+47 9{i:07}")),
                        },
                    ],
                };
                (
                    edit.channel_operation_id.clone(),
                    serde_json::to_string(&edit).unwrap_or_default(),
                )
            })
            .collect();
        db.receive_operations(channel, &edits, to_micros(now))
            .await?;
        for job in JobName::ALL {
            execute(&mut jobs, *job, JobTrigger::RunNow, false).await?;
        }
        let started = Instant::now();
        let (_, erasure) = db
            .erase_customer(
                &lookup,
                &account,
                "bench-erasure",
                to_micros(chrono::Utc::now()),
            )
            .await
            .map_err(|e| anyhow::anyhow!("erasing {account}: {e:?}"))?;
        times.push(started.elapsed());
        held = erasure.operations;
    }
    Ok(summarize(
        format!("erase a customer of {held} operations"),
        times,
        held,
    ))
}
