//! `custsync-tools bench-page`: the status page's server time on the database as it is (seed it with
//! `custsync-tools seed-demo --operations 1000000` first): the list's default view, quick filters, a
//! field filter "equals" on a custom attribute (a common and a rare value), "contains" on the
//! name (a common and a rarer piece), walking pages, and the detail of random operations. A
//! filter's page and its status counts are timed apart, as the page asks for them. Each
//! case calls the same plain functions the server functions call, `samples` times, and reports
//! p50, p95 and max.

use std::time::{Duration, Instant};

use app::{
    functions::operations::{counts, detail, list, suggestions},
    storage::Db,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::Row;

/// One measured case.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub p50: Duration,
    pub p95: Duration,
    pub max: Duration,
    /// Rows on the last page it returned.
    pub rows: usize,
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:<52} p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms   ({} rows)",
            self.name,
            self.p50.as_secs_f64() * 1e3,
            self.p95.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3,
            self.rows
        )
    }
}

pub(crate) fn summarize(name: String, mut times: Vec<Duration>, rows: usize) -> Case {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    Case {
        name,
        p50: at(0.5),
        p95: at(0.95),
        max: *times.last().unwrap_or(&Duration::ZERO),
        rows,
    }
}

/// A value of `field` that `order` ("DESC": the most frequent, "ASC": the rarest) picks.
async fn value_of(db: &Db, field: &str, order: &str) -> anyhow::Result<Option<String>> {
    let row = sqlx::query(&format!(
        "SELECT value_key FROM field_values WHERE field = $1 ORDER BY uses {order} LIMIT 1"
    ))
    .bind(field)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| r.get::<String, _>(0)))
}

/// Times the status page's queries on `db`, `samples` times each.
pub async fn page_bench(db: &Db, samples: usize) -> anyhow::Result<Vec<Case>> {
    let samples = samples.max(1);
    let operations = db.count_operations().await?;
    anyhow::ensure!(
        operations > 0,
        "the database has no operations; seed it first"
    );
    let channel = db.channels().await?.first().map(|c| c.id).unwrap_or(1);
    let common_tier = value_of(db, "attr:loyalty_tier", "DESC")
        .await?
        .unwrap_or_default();
    let rare_tier = value_of(db, "attr:loyalty_tier", "ASC")
        .await?
        .unwrap_or_default();
    let mut cases: Vec<(String, String)> = vec![
        ("default view (newest 50)".into(), String::new()),
        ("status = failed".into(), "status=failed".into()),
        (format!("channel = {channel}"), format!("channel={channel}")),
        (
            format!("loyalty tier equals “{common_tier}” (most frequent)"),
            format!("f=attr:loyalty_tier~eq~{common_tier}"),
        ),
        (
            format!("loyalty tier equals “{rare_tier}” (rarest)"),
            format!("f=attr:loyalty_tier~eq~{rare_tier}"),
        ),
        (
            format!("loyalty tier “{common_tier}” and status failed"),
            format!("f=attr:loyalty_tier~eq~{common_tier}&status=failed"),
        ),
        (
            "name contains “sen” (common)".into(),
            "f=name~contains~sen".into(),
        ),
        ("name contains “berg”".into(), "f=name~contains~berg".into()),
        ("city equals “bergen”".into(), "f=city~eq~bergen".into()),
    ];
    cases.retain(|(_, q)| !q.ends_with("~eq~"));
    let encode = |q: &str| -> String {
        let pairs: Vec<(String, String)> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
            .collect();
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let mut report = Vec::new();
    for (name, query) in cases {
        let query = encode(&query);
        list(db, &query).await?; // warm
        counts(db, &query).await?;
        let (mut page_times, mut count_times) = (Vec::new(), Vec::new());
        let (mut rows, mut counted) = (0, 0);
        for _ in 0..samples {
            let started = Instant::now();
            let page = list(db, &query).await?;
            page_times.push(started.elapsed());
            rows = page.operations.len();
            let started = Instant::now();
            let chips = counts(db, &query).await?;
            count_times.push(started.elapsed());
            counted = chips.counts.iter().map(|(_, n)| *n as usize).sum();
        }
        report.push(summarize(format!("{name}: page"), page_times, rows));
        report.push(summarize(format!("{name}: counts"), count_times, counted));
    }
    // The filter bar's suggestions as a person types: by prefix, and anywhere ("contains").
    for (name, field, typed, containing) in [
        ("suggest names starting “kari”", "name", "kari", false),
        ("suggest names containing “sen”", "name", "sen", true),
        ("suggest emails containing “gmail”", "email", "gmail", true),
        ("suggest cities containing “erg”", "city", "erg", true),
    ] {
        suggestions(db, field, typed, containing).await?; // warm
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..samples {
            let started = Instant::now();
            rows = suggestions(db, field, typed, containing).await?.len();
            times.push(started.elapsed());
        }
        report.push(summarize(name.into(), times, rows));
    }
    // Walking twenty pages back from the newest, each page timed.
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..(samples / 20).max(1) {
        let mut before: Option<String> = None;
        for _ in 0..20 {
            let query = before
                .as_ref()
                .map(|b| format!("before={b}"))
                .unwrap_or_default();
            let started = Instant::now();
            let page = list(db, &query).await?;
            times.push(started.elapsed());
            rows = page.operations.len();
            match page.next {
                Some(next) => before = Some(next.encode()),
                None => break,
            }
        }
    }
    report.push(summarize(
        "pages 1–20 of the default view".into(),
        times,
        rows,
    ));
    // The CSV export's parts: reading pages of 2,000 (walking on from the newest), and
    // writing them as CSV rows, without and with each operation's fields.
    for with_fields in [false, true] {
        let query = if with_fields { "with=description" } else { "" };
        let definitions = db.every_attribute_definition().await?;
        let catalog = app::model::filter::FilterField::catalog(&definitions);
        let request = app::export::ExportRequest::from_query(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect::<Vec<_>>()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            &catalog,
        )
        .map_err(|p| anyhow::anyhow!(p.message()))?;
        let sheet = app::export::sheet::Sheet {
            locale: app::locale::Locale::en,
            zone: chrono_tz::Europe::Oslo,
            request: &request,
            catalog: &catalog,
            definitions: &definitions,
        };
        let (mut reads, mut writes) = (Vec::new(), Vec::new());
        let mut before = None;
        let mut rows = 0;
        for _ in 0..(samples / 5).max(2) {
            let started = Instant::now();
            let (page, next) = db
                .filtered_batch(&request.filter, before, 2_000, with_fields)
                .await?;
            reads.push(started.elapsed());
            let started = Instant::now();
            let _ = sheet.rows(&page)?;
            writes.push(started.elapsed());
            rows = page.len();
            match next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        let what = if with_fields { " with description" } else { "" };
        report.push(summarize(
            format!("export: read 2,000 rows{what}"),
            reads,
            rows,
        ));
        report.push(summarize(
            format!("export: write 2,000 rows{what}"),
            writes,
            rows,
        ));
    }
    // The dashboard: its figures and its charts, as the page asks for them.
    let mut times = Vec::new();
    let mut charts = 0;
    for _ in 0..samples {
        let started = Instant::now();
        let view = app::functions::dashboard::dashboard(
            db,
            app::locale::Locale::en,
            chrono_tz::Europe::Oslo,
            chrono::Utc::now(),
        )
        .await?;
        times.push(started.elapsed());
        charts = view.figures.channels.len();
    }
    report.push(summarize(
        "dashboard (figures and charts)".into(),
        times,
        charts,
    ));
    // The detail of random operations.
    let max_id: i64 = sqlx::query("SELECT MAX(id) FROM operations")
        .fetch_one(db.pool())
        .await?
        .get(0);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut times = Vec::with_capacity(samples);
    let mut fields = 0;
    for _ in 0..samples {
        let id = rng.random_range(1..=max_id).to_string();
        let started = Instant::now();
        if let Ok(d) = detail(db, &id).await {
            fields = d.grid.len();
        }
        times.push(started.elapsed());
    }
    report.push(summarize(
        "detail of a random operation".into(),
        times,
        fields,
    ));
    Ok(report)
}
