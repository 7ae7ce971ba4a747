//! The Jobs panel: the three recurring jobs — schedule, last and next run, a progress bar while
//! one runs — with Run now / Pause / Resume and each job's latest runs. Below 1024 px it is a
//! one-line strip of the jobs' states that opens to the cards, so the list comes first.

use chrono_tz::Tz;
use leptos::prelude::*;

use super::{error_box::ErrorBox, person::allows};
use crate::{
    functions::jobs::{change_job, jobs_overview, needed},
    locale::{
        describe_interval, format_timestamp, job_label, td_string, tu_string, use_i18n, use_zone,
        Locale,
    },
    model::{job::JobName, JobAction, JobOverview, JobRun, JobsStatus, Role, SchedulerState},
};

/// The three jobs as the server sees them now. The page is drawn again when the server reports
/// a change (see [`super::live`]), so progress and last runs follow by themselves.
#[component]
pub fn JobsPanel() -> impl IntoView {
    let i18n = use_i18n();
    let person = super::person::Person::get();
    let overview = OnceResource::new(jobs_overview());
    let strip = move || {
        Suspend::new(async move {
            let locale = i18n.get_locale_untracked();
            overview.await.ok().map(|status| {
                status
                    .jobs
                    .iter()
                    .map(|job| {
                        let (state, class) = job_state(locale, job);
                        view! {
                            <li>
                                {job_label(locale, job.schedule.job).0}" "
                                <span class=class>{state}</span>
                            </li>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <section class="jobs-panel" aria-labelledby="jobs-title">
            <details class="jobs-details">
                <summary class="jobs-strip">
                    <h2 id="jobs-title" class="section-title">{tu_string!(i18n, jobs.title)}</h2>
                    <ul class="jobs-states">
                        <Suspense fallback=|| ()>{strip}</Suspense>
                    </ul>
                </summary>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let role = person.role().await;
                        match overview.await {
                            Ok(JobsStatus { jobs, scheduler }) => view! {
                                {(scheduler == SchedulerState::Stopped).then(|| view! {
                                    <p class="error-box" role="alert">{tu_string!(i18n, jobs.scheduler_stopped)}</p>
                                })}
                                <div class="job-cards">
                                    <For each=move || jobs.clone() key=|job| job.schedule.job.as_str() let:job>
                                        <JobCard job role />
                                    </For>
                                </div>
                            }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </details>
        </section>
    }
}

/// A job's state in a word or two ("every 1 min", "Paused", "Running 40 %") and its chip's class.
fn job_state(locale: Locale, job: &JobOverview) -> (String, &'static str) {
    match (job.running().map(|run| run.progress), job.schedule.paused) {
        (Some(percent), _) => (
            td_string!(locale, jobs.running, percent).to_string(),
            "job-state running",
        ),
        (None, true) => (
            td_string!(locale, jobs.paused).to_owned(),
            "job-state paused",
        ),
        (None, false) => (
            describe_interval(locale, job.schedule.interval_seconds),
            "job-state",
        ),
    }
}

/// Run now, Pause or Resume: asks the server, then draws the page again (an error stays beside
/// the button).
#[island]
fn JobButton(job: JobName, action: JobAction, quiet: bool) -> impl IntoView {
    let i18n = use_i18n();
    let act = Action::new(move |_: &()| change_job(job, action));
    Effect::new(move |_| {
        if let Some(Ok(())) = act.value().get() {
            super::live_indicator::refresh();
        }
    });
    let label = move || match action {
        JobAction::RunNow => tu_string!(i18n, jobs.run_now),
        JobAction::Pause => tu_string!(i18n, jobs.pause),
        JobAction::Resume => tu_string!(i18n, jobs.resume),
    };
    view! {
        <button type="button" class=if quiet { "button button-quiet" } else { "button" }
            disabled=move || act.pending().get()
            on:click=move |_| { act.dispatch(()); }>
            {label}
        </button>
        {move || act.value().get().and_then(Result::err).map(|error| view! { <ErrorBox error /> })}
    }
}

#[component]
fn JobCard(
    job: JobOverview,
    /// The signed-in person's role: Run now needs an operator, Pause and Resume an admin.
    role: Option<Role>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = job.schedule.job;
    let paused = job.schedule.paused;
    let next_run_at = job.schedule.next_run_at;
    let running = job.running().cloned();
    let last = job.last_finished().cloned();
    let (state, state_class) = job_state(i18n.get_locale_untracked(), &job);
    let zone = use_zone();
    let next = move || {
        let locale = i18n.get_locale_untracked();
        match (paused, next_run_at) {
            (true, _) => td_string!(locale, jobs.not_scheduled).to_owned(),
            (false, Some(at)) => {
                let at = format_timestamp(locale, zone, at);
                td_string!(locale, jobs.next_run, at).to_string()
            }
            (false, None) => td_string!(locale, jobs.next_soon).to_owned(),
        }
    };
    let toggle = if paused {
        JobAction::Resume
    } else {
        JobAction::Pause
    };
    let runs = StoredValue::new(job.runs.clone());
    view! {
        <article class="job-card" data-job=name.as_str()>
            <header class="job-head">
                <h3 class="job-name">{job_label(i18n.get_locale_untracked(), name).0}</h3>
                <span class=state_class>{state}</span>
            </header>
            <p class="job-purpose">{job_label(i18n.get_locale_untracked(), name).1}</p>
            {running.map(|run| view! {
                <div class="job-progress" role="progressbar"
                    aria-label=move || {
                        let job = job_label(i18n.get_locale_untracked(), name).0;
                        td_string!(i18n.get_locale_untracked(), jobs.progress, job).to_string()
                    }
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=run.progress>
                    <div class="job-progress-bar" style=format!("width: {}%", run.progress)></div>
                </div>
            })}
            <p class="job-last">
                {move || match &last {
                    Some(run) => describe_run(i18n.get_locale_untracked(), zone, run, true),
                    None => td_string!(i18n.get_locale_untracked(), jobs.not_run_yet).to_owned(),
                }}
            </p>
            <p class="job-next">{next}</p>
            <div class="job-actions">
                {allows(role, needed(JobAction::RunNow)).then(|| view! {
                    <JobButton job=name action=JobAction::RunNow quiet=false />
                })}
                {allows(role, needed(toggle)).then(|| view! {
                    <JobButton job=name action=toggle quiet=true />
                })}
            </div>
            <details class="job-history">
                <summary>{tu_string!(i18n, jobs.history)}</summary>
                <ol>
                    {move || {
                        let locale = i18n.get_locale_untracked();
                        runs.with_value(|runs| {
                            runs.iter().map(|run| view! { <li>{describe_run(locale, zone, run, false)}</li> }).collect_view()
                        })
                    }}
                </ol>
            </details>
        </article>
    }
}

/// "Last run 2026-11-25 14:03 UTC (2.1 s) · 120 seen · 118 succeeded · 2 failed", or its
/// error; a line of the run history (not `latest`) starts with its time alone.
fn describe_run(locale: Locale, zone: Tz, run: &JobRun, latest: bool) -> String {
    let at = format_timestamp(locale, zone, run.started_at);
    let mut parts = vec![match (run.finished_at, &run.error) {
        (None, _) => td_string!(locale, jobs.running_since, at).to_string(),
        (Some(_), Some(_)) => td_string!(locale, jobs.failed_run, at).to_string(),
        (Some(_), None) if latest => td_string!(locale, jobs.last_run, at).to_string(),
        (Some(_), None) => at,
    }];
    if let Some(finished) = run.finished_at {
        let seconds = format!(
            "{:.1}",
            (finished - run.started_at).num_milliseconds() as f64 / 1000.0
        )
        .replace('.', td_string!(locale, format.decimal));
        parts[0].push(' ');
        parts[0].push_str(&td_string!(locale, jobs.took, seconds).to_string());
    }
    parts.push(td_string!(locale, jobs.seen, n = run.seen).to_string());
    if run.succeeded > 0 {
        parts.push(td_string!(locale, jobs.succeeded, n = run.succeeded).to_string());
    }
    if run.failed > 0 {
        parts.push(td_string!(locale, jobs.failed, n = run.failed).to_string());
    }
    if let Some(error) = &run.error {
        parts.push(error.clone());
    }
    parts.join(" · ")
}
