//! The dashboard's sections: operations by status, failures over time, the channel API's
//! calls, the oldest waiting work and the job runs, each a chart (or a table) in the frame of
//! [`super::Chart`].

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{list_href, Chart, FiguresTable, Legend};
use crate::{
    locale::{
        format_day, format_timestamp, group_thousands, job_label, status_label, td_string,
        tu_string, use_i18n, use_zone, Locale,
    },
    model::{
        dashboard::{ChannelFigures, RunFigures},
        job::JobName,
        FailureGroup, OperationFilter, SyncStatus,
    },
};

/// How many causes the daily chart lists (most failures first); the failures page has them all.
const CAUSES_SHOWN: usize = 8;

/// How long ago `at` was, in the largest whole unit that reads well.
fn age(locale: Locale, now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    if minutes < 120 {
        td_string!(locale, dashboard.age_minutes, n = minutes).to_string()
    } else if minutes < 48 * 60 {
        td_string!(locale, dashboard.age_hours, n = minutes / 60).to_string()
    } else {
        td_string!(locale, dashboard.age_days, n = minutes / (24 * 60)).to_string()
    }
}

/// Operations by status, a row per channel.
#[component]
pub(super) fn Statuses(
    channels: Vec<ChannelFigures>,
    svg: String,
    colours: Vec<(SyncStatus, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let n = move |count: i64| group_thousands(locale, count);
    let total: i64 = channels.iter().map(ChannelFigures::total).sum();
    let failed: i64 = channels
        .iter()
        .flat_map(|c| c.counts.iter())
        .filter(|(s, _)| *s == SyncStatus::Failed)
        .map(|(_, n)| n)
        .sum();
    let summary = td_string!(
        locale,
        dashboard.summary_statuses,
        total = n(total),
        channels = channels.len().to_string(),
        failed = n(failed)
    )
    .to_string();
    let legend: Vec<(String, String)> = colours
        .iter()
        .map(|(s, c)| (status_label(locale, *s).to_owned(), c.clone()))
        .collect();
    view! {
        <Chart id="statuses" title=tu_string!(i18n, dashboard.statuses).to_owned() summary svg>
            <Legend entries=legend />
            <FiguresTable>
                <table class="figures-table">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, dashboard.channel)}</th>
                        {SyncStatus::ALL.iter().map(|s| view! { <th scope="col" class="num">{status_label(locale, *s)}</th> }).collect_view()}
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.total)}</th>
                    </tr></thead>
                    <tbody>
                        {channels.into_iter().map(|c| view! {
                            <tr>
                                <th scope="row"><a href=list_href(None, Some(c.id), false)>{c.name.clone()}</a></th>
                                {c.counts.iter().map(|(s, count)| view! {
                                    <td class="num"><a href=list_href(Some(*s), Some(c.id), false)>{n(*count)}</a></td>
                                }).collect_view()}
                                <td class="num">{n(c.total())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </FiguresTable>
        </Chart>
    }
}

/// Failures per hour (`daily` false) or per day, with (per day) the channels and causes.
#[component]
pub(super) fn FailuresOverTime(
    id: &'static str,
    points: Vec<(DateTime<Utc>, i64)>,
    svg: String,
    daily: bool,
    by_channel: Vec<(i64, i64)>,
    by_group: Vec<(FailureGroup, i64)>,
    channels: Vec<(i64, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let zone = use_zone();
    let n = move |count: i64| group_thousands(locale, count);
    let when = move |at: DateTime<Utc>| {
        if daily {
            format_day(locale, at.date_naive())
        } else {
            format_timestamp(locale, zone, at)
        }
    };
    let total: i64 = points.iter().map(|(_, n)| n).sum();
    let summary = match points.iter().max_by_key(|(_, n)| *n) {
        Some((at, max)) if total > 0 && daily => td_string!(
            locale,
            dashboard.summary_failures_day,
            total = n(total),
            max = n(*max),
            day = when(*at)
        )
        .to_string(),
        Some((at, max)) if total > 0 => td_string!(
            locale,
            dashboard.summary_failures,
            total = n(total),
            max = n(*max),
            at = when(*at)
        )
        .to_string(),
        _ => td_string!(locale, dashboard.no_failures).to_owned(),
    };
    let title = if daily {
        tu_string!(i18n, dashboard.daily)
    } else {
        tu_string!(i18n, dashboard.hourly)
    };
    let since = points.first().map_or_else(Utc::now, |(at, _)| *at);
    let href = OperationFilter {
        status: Some(SyncStatus::Failed),
        from: Some(since.date_naive()),
        ..OperationFilter::default()
    }
    .href(&[]);
    let channel_name = move |id: i64| {
        channels
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let group_href = |group: &FailureGroup| {
        OperationFilter {
            status: Some(SyncStatus::Failed),
            error: Some(group.clone()),
            ..OperationFilter::default()
        }
        .href(&[])
    };
    let breakdown = daily.then(|| view! {
        <div class="chart-breakdown">
            <section>
                <h3>{tu_string!(i18n, dashboard.by_channel)}</h3>
                <table class="figures-table">
                    <tbody>
                        {by_channel.into_iter().map(|(id, count)| view! {
                            <tr>
                                <th scope="row"><a href=list_href(Some(SyncStatus::Failed), Some(id), false)>{channel_name(id)}</a></th>
                                <td class="num">{n(count)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section>
                <h3>{tu_string!(i18n, dashboard.by_cause)}</h3>
                <table class="figures-table">
                    <tbody>
                        {by_group.into_iter().take(CAUSES_SHOWN).map(|(group, count)| view! {
                            <tr>
                                <th scope="row"><a href=group_href(&group)>{group.title(locale, None)}</a></th>
                                <td class="num">{n(count)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <a class="chart-link" href="/failures">{tu_string!(i18n, dashboard.every_cause)}</a>
            </section>
        </div>
    });
    let rows = points
        .into_iter()
        .rev()
        .filter(|(_, count)| *count > 0)
        .map(|(at, count)| view! { <tr><th scope="row">{when(at)}</th><td class="num">{n(count)}</td></tr> })
        .collect_view();
    view! {
        <Chart id title=title.to_owned() summary svg>
            {breakdown}
            <FiguresTable>
                <table class="figures-table">
                    <thead><tr>
                        <th scope="col">{if daily { tu_string!(i18n, dashboard.day) } else { tu_string!(i18n, dashboard.hour) }}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.failures)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </FiguresTable>
            <a class="chart-link" href=href>{tu_string!(i18n, dashboard.show_failed)}</a>
        </Chart>
    }
}

/// The channel API's calls per hour, answered and refused, and per channel.
#[component]
pub(super) fn ApiCalls(
    hourly: Vec<(DateTime<Utc>, i64, i64)>,
    by_channel: Vec<(i64, i64, i64)>,
    channels: Vec<(i64, String)>,
    svg: String,
    colours: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let n = move |count: i64| group_thousands(locale, count);
    let rate = |calls: i64, errors: i64| {
        let percent = if calls == 0 {
            0.0
        } else {
            errors as f64 * 100.0 / calls as f64
        };
        format!("{percent:.1}").replace('.', td_string!(locale, format.decimal))
    };
    let calls: i64 = hourly.iter().map(|(_, r, _)| r).sum();
    let errors: i64 = hourly.iter().map(|(_, _, e)| e).sum();
    let summary = td_string!(
        locale,
        dashboard.api_summary,
        calls = n(calls),
        errors = n(errors),
        rate = rate(calls, errors)
    )
    .to_string();
    let legend = vec![
        (
            tu_string!(i18n, dashboard.api_answered).to_owned(),
            colours.first().cloned().unwrap_or_default(),
        ),
        (
            tu_string!(i18n, dashboard.api_refused).to_owned(),
            colours.get(1).cloned().unwrap_or_default(),
        ),
    ];
    let rows = by_channel
        .into_iter()
        .map(|(id, calls, errors)| {
            let name = match channels.iter().find(|(c, _)| *c == id) {
                Some((_, name)) => name.clone(),
                None => td_string!(locale, dashboard.no_token).to_owned(),
            };
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td class="num">{n(calls)}</td>
                    <td class="num">{n(errors)}</td>
                    <td class="num">{format!("{} %", rate(calls, errors))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Chart id="api" title=tu_string!(i18n, dashboard.api).to_owned() summary svg>
            <Legend entries=legend />
            <FiguresTable>
                <table class="figures-table">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, dashboard.channel)}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.calls)}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.errors)}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.error_rate)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </FiguresTable>
        </Chart>
    }
}

/// The oldest Pending and Failed operation of each channel, by age.
#[component]
pub(super) fn Backlog(channels: Vec<ChannelFigures>, now: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let zone = use_zone();
    let nothing = td_string!(locale, dashboard.nothing);
    let cell = move |status: SyncStatus, channel: i64, at: Option<DateTime<Utc>>| {
        match at {
        Some(at) => view! {
            <td>
                <a href=list_href(Some(status), Some(channel), true) title=format_timestamp(locale, zone, at)>
                    {age(locale, now, at)}
                </a>
            </td>
        }
        .into_any(),
        None => view! { <td class="muted">{nothing}</td> }.into_any(),
    }
    };
    view! {
        <section class="chart" aria-labelledby="backlog-title">
            <h2 class="chart-title" id="backlog-title">{tu_string!(i18n, dashboard.backlog)}</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="backlog-title">
                <table class="figures-table backlog-table">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, dashboard.channel)}</th>
                        <th scope="col">{tu_string!(i18n, dashboard.oldest_pending)}</th>
                        <th scope="col">{tu_string!(i18n, dashboard.oldest_failed)}</th>
                    </tr></thead>
                    <tbody>
                        {channels.into_iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.name.clone()}</th>
                                {cell(SyncStatus::Pending, c.id, c.oldest_pending)}
                                {cell(SyncStatus::Failed, c.id, c.oldest_failed)}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The jobs' runs: time and operations per run, and a table per job.
#[component]
pub(super) fn Runs(
    runs: Vec<RunFigures>,
    seconds: String,
    operations: String,
    colours: Vec<(JobName, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let n = move |count: i64| group_thousands(locale, count);
    let summary =
        td_string!(locale, dashboard.summary_runs, runs = n(runs.len() as i64)).to_string();
    let legend: Vec<(String, String)> = colours
        .iter()
        .map(|(j, c)| (job_label(locale, *j).0.to_owned(), c.clone()))
        .collect();
    let rows = colours
        .iter()
        .map(|(job, _)| {
            let of_job: Vec<&RunFigures> = runs.iter().filter(|r| r.job == *job).collect();
            let average = if of_job.is_empty() {
                0.0
            } else {
                of_job.iter().map(|r| r.millis).sum::<i64>() as f64 / of_job.len() as f64 / 1000.0
            };
            let seen: i64 = of_job.iter().map(|r| r.seen).sum();
            let failed: i64 = of_job.iter().map(|r| r.failed).sum();
            view! {
                <tr>
                    <th scope="row">{job_label(locale, *job).0}</th>
                    <td class="num">{of_job.len()}</td>
                    <td class="num">{format!("{average:.1}")}</td>
                    <td class="num">{n(seen)}</td>
                    <td class="num">{n(failed)}</td>
                </tr>
            }
        })
        .collect_view();
    let first_legend = legend.clone();
    view! {
        <Chart id="run-seconds" title=tu_string!(i18n, dashboard.run_seconds).to_owned() summary=summary.clone() svg=seconds>
            <Legend entries=first_legend />
        </Chart>
        <Chart id="run-operations" title=tu_string!(i18n, dashboard.run_operations).to_owned() summary svg=operations>
            <Legend entries=legend />
            <FiguresTable>
                <table class="figures-table">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, dashboard.job)}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.run_count)}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.average_seconds)}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.seen)}</th>
                        <th scope="col" class="num">{tu_string!(i18n, dashboard.failed)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </FiguresTable>
        </Chart>
    }
}
