//! The dashboard: is anything broken, and where? Operations by status per channel, failures
//! per hour (48 hours) and per day (30 days) with their channels and causes, the channel API's
//! calls and errors, the oldest waiting work of each channel, and the jobs' runs. Each chart
//! (SVG drawn on the server) has a sentence that says what it shows, a legend, and its figures
//! as a table whose every number opens the status list filtered to it. Every role may read it; it is live like the status
//! page.
//!
//! This file holds the page and the frame every chart shares; [`sections`] the six sections.

use leptos::prelude::*;

use crate::{
    components::error_box::ErrorBox,
    functions::dashboard::{load_dashboard, DashboardView},
    locale::{tu_string, use_i18n, Locale},
    model::{OperationFilter, SyncStatus},
};

mod sections;

use sections::{ApiCalls, Backlog, FailuresOverTime, Runs, Statuses};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = match i18n.get_locale_untracked() {
        Locale::en => "en",
        Locale::nb => "nb",
    };
    let page = OnceResource::new(load_dashboard(lang.to_owned()));
    view! {
        <main class="dashboard-page">
            <h1>{tu_string!(i18n, dashboard.title)}</h1>
            <p class="muted">{tu_string!(i18n, dashboard.lead)}</p>
            <Transition fallback=move || view! { <p class="loading" role="status">"…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(view) => view! { <Figures view /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The status list filtered to `status` of `channel`, oldest first when asked.
pub(super) fn list_href(
    status: Option<SyncStatus>,
    channel: Option<i64>,
    oldest_first: bool,
) -> String {
    let mut filter = OperationFilter {
        status,
        channel,
        ..OperationFilter::default()
    };
    filter.view.oldest_first = oldest_first;
    filter.href(&[])
}

/// A chart: its title, a sentence of what it shows (also the picture's text alternative), the
/// picture, its legend and its table (`children`).
#[component]
pub(super) fn Chart(
    id: &'static str,
    title: String,
    summary: String,
    svg: String,
    children: Children,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    view! {
        <figure class="chart" id=id aria-labelledby=title_id.clone()>
            <figcaption>
                <h2 class="chart-title" id=title_id.clone()>{title}</h2>
                <p class="chart-summary">{summary.clone()}</p>
            </figcaption>
            <div class="chart-svg" role="img" aria-label=summary inner_html=svg></div>
            {children()}
        </figure>
    }
}

/// A legend: a swatch and a name per series.
#[component]
pub(super) fn Legend(entries: Vec<(String, String)>) -> impl IntoView {
    view! {
        <ul class="chart-legend">
            {entries.into_iter().map(|(name, colour)| view! {
                <li>
                    <span class="chart-swatch" aria-hidden="true" style=format!("background: {colour}")></span>
                    {name}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// A table behind a chart, folded away until asked for.
#[component]
pub(super) fn FiguresTable(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="chart-table">
            <summary>{tu_string!(i18n, dashboard.as_table)}</summary>
            // A table wider than a phone scrolls: by keyboard too.
            <div class="table-scroll" tabindex="0" role="region" aria-label=tu_string!(i18n, dashboard.as_table)>
                {children()}
            </div>
        </details>
    }
}

#[component]
fn Figures(view: DashboardView) -> impl IntoView {
    let figures = view.figures;
    // Channels by id, for the sections that name a channel they hold only the id of.
    let names: Vec<(i64, String)> = figures
        .channels
        .iter()
        .map(|c| (c.id, c.name.clone()))
        .collect();
    view! {
        <div class="dashboard">
            <Statuses channels=figures.channels.clone() svg=view.statuses colours=view.status_colours />
            <FailuresOverTime
                id="hourly"
                points=figures.hourly
                svg=view.hourly
                daily=false
                by_channel=Vec::new()
                by_group=Vec::new()
                channels=Vec::new()
            />
            <FailuresOverTime
                id="daily"
                points=figures.daily
                svg=view.daily
                daily=true
                by_channel=figures.failures_by_channel
                by_group=figures.failures_by_group
                channels=names.clone()
            />
            <ApiCalls
                hourly=figures.api_hourly
                by_channel=figures.api_by_channel
                channels=names
                svg=view.api
                colours=view.api_colours
            />
            <Backlog channels=figures.channels now=figures.at />
            <Runs
                runs=figures.runs
                seconds=view.run_seconds
                operations=view.run_operations
                colours=view.job_colours
            />
        </div>
    }
}
