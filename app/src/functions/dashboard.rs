//! Server function of the dashboard: its figures and their charts, drawn on the server in the
//! reader's language and time zone.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::answer_codec::Answer;
use crate::{model::dashboard::Dashboard, AppError};

/// The dashboard's figures and its charts (SVG text, ours: drawn from the figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub figures: Dashboard,
    /// Operations by status, a row per channel.
    pub statuses: String,
    /// Failures per hour, the last 48 hours.
    pub hourly: String,
    /// Failures per day, the last 30 days.
    pub daily: String,
    /// How long each job run took (seconds), the last 48 hours.
    pub run_seconds: String,
    /// How many operations each job run handled, the last 48 hours.
    pub run_operations: String,
    /// Channel API calls per hour, answered and refused (400 and above), the last 48 hours.
    pub api: String,
    /// The colours of answered and refused calls, for the legend.
    pub api_colours: Vec<String>,
    /// The colour of each status in the charts (`#rrggbb`), for the legends.
    pub status_colours: Vec<(crate::model::SyncStatus, String)>,
    /// The colour of each job in the charts, for the legends.
    pub job_colours: Vec<(crate::model::job::JobName, String)>,
}

/// The dashboard, its texts in `lang` (`en` or `nb`, the page's language).
#[server(prefix = "/rpc", endpoint = "dashboard", output = Answer)]
pub async fn load_dashboard(lang: String) -> Result<DashboardView, AppError> {
    crate::access::require(crate::model::Role::Viewer).map_err(super::with_status)?;
    let db = super::db()?;
    let locale = match lang.as_str() {
        "nb" => crate::locale::Locale::nb,
        _ => crate::locale::Locale::en,
    };
    dashboard(&db, locale, crate::locale::use_zone(), chrono::Utc::now())
        .await
        .map_err(super::with_status)
}

/// The plain function behind [`load_dashboard`]: the figures at `now` and their charts.
#[cfg(feature = "ssr")]
pub async fn dashboard(
    db: &crate::storage::Db,
    locale: crate::locale::Locale,
    zone: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DashboardView, AppError> {
    let figures = db.dashboard(now).await?;
    draw(figures, locale, zone).map_err(|error| {
        tracing::error!(%error, "the dashboard's charts cannot be drawn");
        AppError::Internal
    })
}

/// Draws the charts of `figures`.
#[cfg(feature = "ssr")]
fn draw(
    figures: Dashboard,
    locale: crate::locale::Locale,
    zone: chrono_tz::Tz,
) -> Result<DashboardView, crate::charts::ChartError> {
    use crate::{
        charts::{columns, dots, stacked_rows},
        locale::format_day,
        model::{dashboard::JOB_HOURS, job::JobName, SyncStatus},
    };
    let statuses = stacked_rows(
        &figures
            .channels
            .iter()
            .map(|c| (c.name.clone(), c.counts.iter().map(|(_, n)| *n).collect()))
            .collect::<Vec<_>>(),
        &SyncStatus::ALL
            .iter()
            .map(|s| status_colour(*s))
            .collect::<Vec<_>>(),
    )?;
    // The reader's clock time of a moment, under the hourly charts' and the runs' axes.
    let clock =
        |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&zone).format("%H:%M").to_string();
    let hourly_values: Vec<i64> = figures.hourly.iter().map(|(_, n)| *n).collect();
    let hourly = columns(&[(FAILED, hourly_values)], 6, |i| {
        clock(figures.hourly[i].0)
    })?;
    let daily_values: Vec<i64> = figures.daily.iter().map(|(_, n)| *n).collect();
    let daily = columns(&[(FAILED, daily_values)], 5, |i| {
        format_day(locale, figures.daily[i].0.date_naive())
    })?;
    let answered: Vec<i64> = figures.api_hourly.iter().map(|(_, r, e)| r - e).collect();
    let refused: Vec<i64> = figures.api_hourly.iter().map(|(_, _, e)| *e).collect();
    let api = columns(&[(ANSWERED, answered), (FAILED, refused)], 6, |i| {
        clock(figures.api_hourly[i].0)
    })?;
    let since = figures.at - chrono::Duration::hours(JOB_HOURS);
    let hours_in = |at: chrono::DateTime<chrono::Utc>| (at - since).num_seconds() as f64 / 3600.0;
    let series = |value: &dyn Fn(&crate::model::dashboard::RunFigures) -> f64| {
        JobName::ALL
            .iter()
            .map(|job| {
                let points = figures
                    .runs
                    .iter()
                    .filter(|r| r.job == *job)
                    .map(|r| (hours_in(r.started_at), value(r)))
                    .collect();
                (job_colour(*job), points)
            })
            .collect::<Vec<_>>()
    };
    let time_label = |x: f64| clock(since + chrono::Duration::minutes((x * 60.0) as i64));
    let run_seconds = dots(
        &series(&|r| r.millis as f64 / 1000.0),
        JOB_HOURS as f64,
        9,
        time_label,
    )?;
    let run_operations = dots(&series(&|r| r.seen as f64), JOB_HOURS as f64, 9, time_label)?;
    let hex = |c: crate::charts::Colour| format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2);
    Ok(DashboardView {
        figures,
        statuses,
        hourly,
        daily,
        run_seconds,
        run_operations,
        api,
        api_colours: vec![hex(ANSWERED), hex(FAILED)],
        status_colours: SyncStatus::ALL
            .iter()
            .map(|s| (*s, hex(status_colour(*s))))
            .collect(),
        job_colours: JobName::ALL
            .iter()
            .map(|j| (*j, hex(job_colour(*j))))
            .collect(),
    })
}

/// The colour of channel API calls answered well.
#[cfg(feature = "ssr")]
const ANSWERED: crate::charts::Colour = plotters::style::RGBColor(0x2f, 0x80, 0xc8);

/// The failures' colour.
#[cfg(feature = "ssr")]
const FAILED: crate::charts::Colour = plotters::style::RGBColor(0xd6, 0x45, 0x45);

/// A status's colour in the charts: the status chips' hue, in a tone that reads on both themes.
#[cfg(feature = "ssr")]
pub fn status_colour(status: crate::model::SyncStatus) -> crate::charts::Colour {
    use crate::model::SyncStatus;
    use plotters::style::RGBColor;
    match status {
        SyncStatus::Failed => FAILED,
        SyncStatus::Pending => RGBColor(0xd9, 0x91, 0x1a),
        SyncStatus::Waiting => RGBColor(0x5f, 0x7f, 0xa3),
        SyncStatus::Editing => RGBColor(0x8a, 0x6a, 0xd1),
        SyncStatus::Succeeded => RGBColor(0x3a, 0x9a, 0x5b),
        SyncStatus::PossibleDuplicate => RGBColor(0xb8, 0x3b, 0x8a),
    }
}

/// A job's colour in the charts.
#[cfg(feature = "ssr")]
pub fn job_colour(job: crate::model::job::JobName) -> crate::charts::Colour {
    use crate::model::job::JobName;
    use plotters::style::RGBColor;
    match job {
        JobName::PJob => RGBColor(0x2f, 0x80, 0xc8),
        JobName::SynchronizeCustomers => RGBColor(0x3a, 0x9a, 0x5b),
        JobName::Distribution => RGBColor(0xb0, 0x62, 0xc9),
        JobName::Retention => RGBColor(0x7a, 0x7f, 0x87),
    }
}
