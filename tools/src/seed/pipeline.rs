//! The demo's operations go through the real pipeline: each channel's uploads reach the
//! channel inbox as over the API (same canonical form, same schema checks), and the real P-job,
//! Synchronize customers and 1010 jobs give them their statuses — every Failed operation failed
//! in the Synchronize job, with its real error. The uploads of the last minutes are only
//! staged (Pending), for the running server's jobs to take.

use std::collections::{HashMap, HashSet};

use anyhow::{bail, Context};
use app::{
    model::{
        channel_api::{IncomingOperation, OperationBatch, MAX_BATCH},
        JobName, JobTrigger,
    },
    storage::{inbox::ReceiveError, Db},
};
use indicatif::ProgressBar;

use super::history::{SimOperation, SimSession};
use app::jobs::{execute, Jobs};

use server::api::schema::check_batch;

/// The instance name the seed's job runs carry in the run history.
const SEED_INSTANCE: &str = "seed-demo";

/// Posts operations to their channels' inboxes, grouped as the channels uploaded them.
pub struct Poster<'a> {
    db: &'a Db,
    /// When each upload session reached headquarters.
    session_times: HashMap<i64, i64>,
    /// Attribute names per channel, for the API's schema checks.
    attribute_names: HashMap<i64, HashSet<String>>,
}

impl<'a> Poster<'a> {
    pub async fn new(db: &'a Db, sessions: &[SimSession]) -> anyhow::Result<Self> {
        let mut attribute_names = HashMap::new();
        for channel in db.channels().await? {
            let names: HashSet<String> = db
                .attribute_definitions(&channel.legal_entity_id)
                .await?
                .into_iter()
                .map(|d| d.name)
                .collect();
            attribute_names.insert(channel.id, names);
        }
        Ok(Self {
            db,
            session_times: sessions.iter().map(|s| (s.id, s.created_at)).collect(),
            attribute_names,
        })
    }

    /// Receives `batch` (in time order) into the inbox: one post per channel upload, at most
    /// [`MAX_BATCH`] operations each. A schema problem is a bug of the generator.
    pub async fn post(&self, batch: &[SimOperation]) -> anyhow::Result<()> {
        let mut uploads: Vec<((i64, i64), Vec<IncomingOperation>)> = Vec::new();
        let mut index: HashMap<(i64, i64), usize> = HashMap::new();
        for op in batch {
            let key = (op.channel_id, op.upload_session_id);
            let slot = *index.entry(key).or_insert_with(|| {
                uploads.push((key, Vec::new()));
                uploads.len() - 1
            });
            uploads[slot].1.push(incoming(op));
        }
        for ((channel_id, session), operations) in uploads {
            let received_at = self
                .session_times
                .get(&session)
                .copied()
                .unwrap_or_default();
            for chunk in operations.chunks(MAX_BATCH) {
                self.post_upload(channel_id, chunk, received_at).await?;
            }
        }
        Ok(())
    }

    async fn post_upload(
        &self,
        channel_id: i64,
        operations: &[IncomingOperation],
        received_at: i64,
    ) -> anyhow::Result<()> {
        let batch = OperationBatch {
            operations: operations.to_vec(),
        };
        let empty = HashSet::new();
        let names = self.attribute_names.get(&channel_id).unwrap_or(&empty);
        let problems = check_batch(&batch, names, chrono::Utc::now());
        if let Some(problem) = problems.first() {
            bail!(
                "the demo generator made an operation the API refuses: {}: {}",
                problem.field,
                problem.message
            );
        }
        let items = batch
            .operations
            .iter()
            .map(|op| Ok((op.channel_operation_id.clone(), serde_json::to_string(op)?)))
            .collect::<Result<Vec<_>, serde_json::Error>>()?;
        match self
            .db
            .receive_operations(channel_id, &items, received_at)
            .await
        {
            Ok(_) => Ok(()),
            Err(ReceiveError::ReusedIds(ids)) => {
                bail!(
                    "the demo generator reused operation ids: {}",
                    ids.join(", ")
                )
            }
            Err(ReceiveError::Database(error)) => Err(error).context("receiving demo operations"),
        }
    }
}

/// A simulated operation as its channel posts it. Edits name the customer by its async account
/// only: the generator's own account numbers are not HQ's.
fn incoming(op: &SimOperation) -> IncomingOperation {
    IncomingOperation {
        channel_operation_id: op.channel_operation_id.clone(),
        async_account: op.async_account.clone(),
        customer_account: None,
        kind: op.kind,
        operation_at: chrono::DateTime::from_timestamp_micros(op.operation_at).unwrap_or_default(),
        fields: op.fields.clone(),
    }
}

/// Runs `jobs` one after the other, each to the end of its work, as "Run now" would.
pub async fn run_jobs(db: &Db, jobs: &[JobName], bar: &ProgressBar) -> anyhow::Result<()> {
    let mut runner = Jobs::new(db.clone(), SEED_INSTANCE.to_owned());
    // One Synchronize batch at a time: accounts are then handed out in the same order on every
    // database, so the same seed gives the same customers.
    runner.sync_workers = 1;
    for job in jobs {
        bar.set_message(job.as_str());
        execute(&mut runner, *job, JobTrigger::RunNow, false)
            .await
            .with_context(|| format!("running the {job} job on the demo operations"))?;
    }
    Ok(())
}
