//! `custsync-tools bench-triage`: failures grouped by cause and bulk runs on the database as it
//! is (seed it with `custsync-tools seed-demo --operations 1000000` first). It times the
//! failures page, the exact count of selections (a failure group, every Failed operation, a
//! field filter), then adds a flood of `operations` creates from one channel on a day of their
//! own whose receipt emails have a doubled `@`, runs the P-job and Synchronize customers over
//! them (the job's own rate), previews the rule `@@ → @` over them and carries it out with
//! synchronize (the bulk run's rate), through the same plain functions the server functions
//! call. It adds and changes operations.

use std::time::{Duration, Instant};

use app::{
    bulk_runs::{self, runner},
    functions::failures::groups,
    model::{
        channel_api::IncomingOperation, OperationField, OperationKind, Role, Rule, RuleChange,
        SignedIn,
    },
    storage::{to_micros, Db},
};

use super::page::{summarize, Case};

/// What the flood's part measured.
#[derive(Debug, Clone)]
pub struct Flood {
    pub operations: usize,
    /// P-job and Synchronize customers over the flood (they fail on the receipt email).
    pub jobs: Duration,
    pub preview: Duration,
    pub will_pass: i64,
    /// Confirm to the run's end: each operation corrected, logged and synchronized.
    pub bulk: Duration,
    pub synchronized: i64,
}

impl std::fmt::Display for Flood {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = |d: Duration| self.operations as f64 / d.as_secs_f64().max(0.001);
        write!(
            f,
            "flood of {} creates with a doubled @ (one channel, one day):\n\
             P-job + Synchronize customers (they fail): {:>8.2} s  {:>8.0} operations/s\n\
             preview of the rule @@ → @             : {:>8.2} s  ({} will pass)\n\
             bulk correction + synchronize          : {:>8.2} s  {:>8.0} operations/s  ({} synchronized)",
            self.operations,
            self.jobs.as_secs_f64(),
            rate(self.jobs),
            self.preview.as_secs_f64(),
            self.will_pass,
            self.bulk.as_secs_f64(),
            rate(self.bulk),
            self.synchronized,
        )
    }
}

/// Times `f` `samples` times.
async fn timed<F, Fut, T>(name: &str, samples: usize, mut f: F) -> anyhow::Result<Case>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
    T: Rows,
{
    let mut times = Vec::with_capacity(samples);
    let mut rows = 0;
    for _ in 0..samples {
        let start = Instant::now();
        rows = f().await?.rows();
        times.push(start.elapsed());
    }
    Ok(summarize(name.to_owned(), times, rows))
}

/// How many rows an answer holds, for the report.
trait Rows {
    fn rows(&self) -> usize;
}
impl Rows for i64 {
    fn rows(&self) -> usize {
        usize::try_from(*self).unwrap_or(0)
    }
}
impl Rows for app::model::failure_group::FailureGroups {
    fn rows(&self) -> usize {
        self.groups.len()
    }
}

/// Times the failures page and exact counts, `samples` times each.
pub async fn read_bench(db: &Db, samples: usize) -> anyhow::Result<Vec<Case>> {
    let samples = samples.max(1);
    let all = groups(db, "").await?;
    anyhow::ensure!(
        !all.groups.is_empty(),
        "no operation has failed; seed first"
    );
    let biggest = all.groups[0].group.key();
    let channel = all.groups[0].channels[0].id;
    let mut cases = vec![
        timed("failures page, every channel", samples, || async {
            Ok(groups(db, "").await?)
        })
        .await?,
        timed("failures page, one channel", samples, || async {
            Ok(groups(db, &format!("channel={channel}")).await?)
        })
        .await?,
    ];
    for (name, query) in [
        (
            "exact count: the biggest failure group",
            format!("status=failed&error={biggest}"),
        ),
        (
            "exact count: every Failed operation",
            "status=failed".into(),
        ),
        (
            "exact count: Failed, receipt email contains @",
            "status=failed&f=receipt_email~contains~%40".into(),
        ),
    ] {
        cases.push(
            timed(name, samples, || async {
                Ok(bulk_runs::count(db, &query).await?)
            })
            .await?,
        );
    }
    Ok(cases)
}

/// Adds the flood, fails it through the jobs, previews and carries out the bulk correction.
pub async fn flood_bench(db: &Db, operations: usize) -> anyhow::Result<Flood> {
    let channel = db
        .channels()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no channel; seed first"))?;
    let day = chrono::NaiveDate::from_ymd_opt(2003, 3, 14)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| anyhow::anyhow!("a date"))?;
    let run_tag = to_micros(chrono::Utc::now());
    let items: Vec<(String, String)> = (0..operations)
        .map(|i| {
            let op = IncomingOperation {
                channel_operation_id: format!("flood-{run_tag}-{i}"),
                async_account: uuid::Uuid::new_v4().to_string(),
                customer_account: None,
                kind: OperationKind::Create,
                operation_at: day + chrono::Duration::milliseconds(i as i64),
                fields: [
                    ("name", format!("Flom Testesen {i}")),
                    ("receipt_option", "Email".to_owned()),
                    ("receipt_email", format!("flom.{run_tag}.{i}@@example.no")),
                ]
                .into_iter()
                .map(|(field, value)| OperationField {
                    field: field.into(),
                    old_value: None,
                    new_value: Some(value),
                })
                .collect(),
            };
            Ok((op.channel_operation_id.clone(), serde_json::to_string(&op)?))
        })
        .collect::<anyhow::Result<_>>()?;
    for chunk in items.chunks(1_000) {
        db.receive_operations(channel.id, chunk, to_micros(chrono::Utc::now()))
            .await
            .map_err(|e| anyhow::anyhow!("receive: {e:?}"))?;
    }
    let start = Instant::now();
    let mut jobs = app::jobs::Jobs::new(db.clone(), "bench-triage".into());
    for job in [
        app::model::JobName::PJob,
        app::model::JobName::SynchronizeCustomers,
    ] {
        app::jobs::execute(&mut jobs, job, app::model::JobTrigger::RunNow, false).await?;
    }
    let jobs_took = start.elapsed();
    let date = day.date_naive();
    let query = format!(
        "status=failed&error=invalid_email.receipt_email.invalid_email&channel={}&from={date}&to={date}",
        channel.id
    );
    let admin = SignedIn {
        id: 0,
        name: "bench-triage".into(),
        role: Role::Admin,
    };
    let rule = Rule {
        field: "receipt_email".into(),
        change: RuleChange::Replace {
            find: "@@".into(),
            with: "@".into(),
        },
    };
    let start = Instant::now();
    let preview =
        bulk_runs::preview(db, &admin, &query, &rule, to_micros(chrono::Utc::now())).await?;
    let preview_took = start.elapsed();
    let start = Instant::now();
    let run = bulk_runs::confirm(
        db,
        &admin,
        preview.run_id,
        true,
        to_micros(chrono::Utc::now()),
    )
    .await?;
    while runner::step(db, "bench-triage").await? {}
    let bulk_took = start.elapsed();
    let run = db
        .bulk_run(run.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the run disappeared"))?;
    Ok(Flood {
        operations,
        jobs: jobs_took,
        preview: preview_took,
        will_pass: preview.will_pass,
        bulk: bulk_took,
        synchronized: run.counts.passed,
    })
}
