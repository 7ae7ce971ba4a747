//! The Jobs panel: a compact strip with the three recurring jobs — schedule, last and next run,
//! a progress bar while one runs — with Run now / Pause / Resume and each job's latest runs.

use std::time::Duration;

use leptos::prelude::*;

use super::{error_box::ErrorBox, format_timestamp};
use crate::{
    functions::jobs::{change_job, jobs_overview},
    model::{job::describe_interval, JobAction, JobOverview, JobRun},
};

/// How often the panel looks again while the page is not live (no event stream).
const REFRESH: Duration = Duration::from_secs(10);

/// The three jobs, refreshed when the server reports a change, after every action, and every
/// few seconds while the page is not live.
#[component]
pub fn JobsPanel() -> impl IntoView {
    let refresh = RwSignal::new(0_u32);
    let live = super::live::Live::get();
    let overview = Resource::new(
        move || (refresh.get(), live.version.get()),
        |_| jobs_overview(),
    );
    let act =
        Action::new(|(job, action): &(crate::model::JobName, JobAction)| change_job(*job, *action));
    Effect::new(move |_| {
        if act.value().get().is_some() {
            refresh.update(|n| *n += 1);
        }
    });
    Effect::new(move |started: Option<bool>| {
        if started.is_none() {
            set_interval(
                move || {
                    if !live.connected.get_untracked() {
                        refresh.update(|n| *n += 1)
                    }
                },
                REFRESH,
            );
        }
        true
    });

    view! {
        <section class="jobs-panel" aria-labelledby="jobs-title">
            <h2 id="jobs-title" class="section-title">"Recurring jobs"</h2>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(jobs) => view! {
                            <div class="job-cards">
                                {jobs.into_iter().map(|job| view! { <JobCard job act /> }).collect_view()}
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Transition>
            {move || act.value().get().and_then(Result::err).map(|error| view! { <ErrorBox error /> })}
        </section>
    }
}

#[component]
fn JobCard(
    job: JobOverview,
    act: Action<(crate::model::JobName, JobAction), Result<(), crate::AppError>>,
) -> impl IntoView {
    let name = job.schedule.job;
    let paused = job.schedule.paused;
    let running = job.running().cloned();
    let last = job.last_finished().cloned();
    let state = match (&running, paused) {
        (Some(run), _) => format!("Running · {} %", run.progress),
        (None, true) => "Paused".to_owned(),
        (None, false) => describe_interval(job.schedule.interval_seconds),
    };
    let state_class = match (&running, paused) {
        (Some(_), _) => "job-state running",
        (None, true) => "job-state paused",
        (None, false) => "job-state",
    };
    let next = match (paused, job.schedule.next_run_at) {
        (true, _) => "Not scheduled while paused".to_owned(),
        (false, Some(at)) => format!("Next run {}", format_timestamp(at)),
        (false, None) => "Next run soon".to_owned(),
    };
    let pending = move || act.pending().get();
    let toggle = if paused {
        (JobAction::Resume, "Resume")
    } else {
        (JobAction::Pause, "Pause")
    };
    view! {
        <article class="job-card" data-job=name.as_str()>
            <header class="job-head">
                <h3 class="job-name">{name.label()}</h3>
                <span class=state_class>{state}</span>
            </header>
            <p class="job-purpose">{name.purpose()}</p>
            {running.map(|run| view! {
                <div class="job-progress" role="progressbar" aria-label=format!("{} progress", name.label())
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=run.progress>
                    <div class="job-progress-bar" style=format!("width: {}%", run.progress)></div>
                </div>
            })}
            <p class="job-last">
                {match last {
                    Some(run) => describe_run(&run),
                    None => "Not run yet".to_owned(),
                }}
            </p>
            <p class="job-next">{next}</p>
            <div class="job-actions">
                <button type="button" class="button" disabled=pending
                    on:click=move |_| { act.dispatch((name, JobAction::RunNow)); }>
                    "Run now"
                </button>
                <button type="button" class="button button-quiet" disabled=pending
                    on:click=move |_| { act.dispatch((name, toggle.0)); }>
                    {toggle.1}
                </button>
            </div>
            <details class="job-history">
                <summary>"Run history"</summary>
                <ol>
                    {job.runs.iter().map(|run| view! { <li>{describe_run(run)}</li> }).collect_view()}
                </ol>
            </details>
        </article>
    }
}

/// "Last run 14:03 UTC (2.1 s) · 120 seen · 118 succeeded · 2 failed", or its error.
fn describe_run(run: &JobRun) -> String {
    let mut text = format!("{} {}", run_label(run), format_timestamp(run.started_at));
    if let Some(finished) = run.finished_at {
        let seconds = (finished - run.started_at).num_milliseconds() as f64 / 1000.0;
        text.push_str(&format!(" ({seconds:.1} s)"));
    }
    text.push_str(&format!(" · {} seen", run.seen));
    if run.succeeded > 0 {
        text.push_str(&format!(" · {} succeeded", run.succeeded));
    }
    if run.failed > 0 {
        text.push_str(&format!(" · {} failed", run.failed));
    }
    if let Some(error) = &run.error {
        text.push_str(&format!(" · {error}"));
    }
    text
}

fn run_label(run: &JobRun) -> &'static str {
    match (run.finished_at, &run.error) {
        (None, _) => "Running since",
        (Some(_), Some(_)) => "Failed run",
        (Some(_), None) => "Last run",
    }
}
