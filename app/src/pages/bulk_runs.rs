//! The bulk runs page: `/bulk` lists the newest runs; `/bulk?run=<id>` shows one — what it
//! does and who asked, its progress (live, like the jobs), its counts, what became of each
//! operation grouped by outcome and reason, and Cancel or Revert. Every role may read it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{error_box::ErrorBox, time::Time},
    functions::bulk_runs::{
        cancel_bulk_run, open_bulk_run, recent_bulk_runs, revert_bulk_run, BulkRunView,
    },
    locale::{error_text, group_thousands, td_string, tu_string, use_i18n, Locale},
    model::{
        bulk_run::{BulkOutcome, SkipReason},
        BulkAction, BulkRun, BulkStatus, FailureGroup,
    },
};

#[component]
pub fn BulkRunsPage() -> impl IntoView {
    let i18n = use_i18n();
    let run = use_query_map()
        .get_untracked()
        .get("run")
        .and_then(|r| r.parse::<i64>().ok());
    let body = match run {
        Some(id) => {
            let view = OnceResource::new(open_bulk_run(id));
            view! {
                <Transition fallback=move || view! { <p class="loading" role="status">"…"</p> }>
                    {move || Suspend::new(async move {
                        match view.await {
                            Ok(view) => view! { <RunView view /> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        }
                    })}
                </Transition>
            }
            .into_any()
        }
        None => {
            let runs = OnceResource::new(recent_bulk_runs());
            view! {
                <h1>{tu_string!(i18n, bulk.runs)}</h1>
                <p class="muted">{tu_string!(i18n, bulk.runs_lead)}</p>
                <Transition fallback=move || view! { <p class="loading" role="status">"…"</p> }>
                    {move || Suspend::new(async move {
                        match runs.await {
                            Ok(runs) => view! { <RunList runs /> }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        }
                    })}
                </Transition>
            }
            .into_any()
        }
    };
    view! { <main class="failures-page bulk-page">{body}</main> }
}

/// The action and number of a run, as its title.
fn run_title(locale: Locale, run: &BulkRun) -> String {
    let action = run.action.label(locale);
    let id = format!("#{}", run.id);
    td_string!(locale, bulk.run_title, action, id).to_string()
}

#[component]
fn RunList(runs: Vec<BulkRun>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    if runs.is_empty() {
        return view! { <p class="muted">{td_string!(locale, bulk.no_runs)}</p> }.into_any();
    }
    view! {
        <div class="grid-wrap">
            <table class="change-log bulk-runs">
                <thead><tr>
                    <th scope="col">{td_string!(locale, bulk.runs)}</th>
                    <th scope="col">{td_string!(locale, fix.when)}</th>
                    <th scope="col">{td_string!(locale, fix.who)}</th>
                    <th scope="col">{td_string!(locale, bulk.done_n)}</th>
                    <th scope="col">{td_string!(locale, bulk.changed_n)}</th>
                    <th scope="col">{td_string!(locale, bulk.skipped_n)}</th>
                </tr></thead>
                <tbody>
                    {runs.into_iter().map(|run| view! {
                        <tr data-bulk-run=run.id data-status=run.status.as_str()>
                            <td data-label=td_string!(locale, bulk.runs)>
                                <a href=format!("/bulk?run={}", run.id)>{run_title(locale, &run)}</a>
                                " · "{run.status.label(locale)}
                            </td>
                            <td data-label=td_string!(locale, fix.when)><Time at=run.created_at /></td>
                            <td data-label=td_string!(locale, fix.who)>{run.actor.clone()}</td>
                            <td data-label=td_string!(locale, bulk.done_n) class="num">
                                {group_thousands(locale, run.counts.done)}" / "{group_thousands(locale, run.counts.selected)}
                            </td>
                            <td data-label=td_string!(locale, bulk.changed_n) class="num">{group_thousands(locale, run.counts.changed)}</td>
                            <td data-label=td_string!(locale, bulk.skipped_n) class="num">{group_thousands(locale, run.counts.skipped)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn RunView(view: BulkRunView) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let run = view.run;
    let counts = run.counts;
    let synchronizes = run.action == BulkAction::Synchronize
        || (run.action == BulkAction::Correct && run.and_synchronize);
    let (done, selected) = (
        group_thousands(locale, counts.done),
        group_thousands(locale, counts.selected),
    );
    let who = run.actor.clone();
    let mut numbers: Vec<(&'static str, i64)> = vec![
        (td_string!(locale, bulk.selected_n), counts.selected),
        (td_string!(locale, bulk.done_n), counts.done),
    ];
    match run.action {
        BulkAction::DryRun => numbers.extend([
            (td_string!(locale, bulk.passed_n), counts.passed),
            (td_string!(locale, bulk.failed_n), counts.failed),
        ]),
        _ => numbers.push((td_string!(locale, bulk.changed_n), counts.changed)),
    }
    numbers.push((td_string!(locale, bulk.skipped_n), counts.skipped));
    if synchronizes {
        numbers.extend([
            (td_string!(locale, bulk.synced_n), counts.passed),
            (td_string!(locale, bulk.sync_failed_n), counts.failed),
        ]);
    }
    let may_revert = run.action == BulkAction::Correct
        && matches!(run.status, BulkStatus::Finished | BulkStatus::Cancelled)
        && counts.changed > 0;
    let running = run.status == BulkStatus::Running;
    let changes_href = format!("/changes?bulk={}", run.id);
    let selection_href = if run.selection.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{}", run.selection)
    };
    view! {
        <h1>{run_title(locale, &run)}</h1>
        <p class="bulk-run-meta">
            <span class=format!("bulk-status bulk-status-{}", run.status.as_str())>{run.status.label(locale)}</span>
            " · "{td_string!(locale, bulk.by, who)}" · "<Time at=run.created_at />
            {run.reverts.map(|reverted| {
                let id = format!("#{reverted}");
                view! { " · "<a href=format!("/bulk?run={reverted}")>{td_string!(locale, bulk.reverts, id)}</a> }
            })}
        </p>
        {run.rule.as_ref().map(|rule| view! {
            <p class="bulk-rule"><code>{rule.describe(locale)}</code>
                {run.and_synchronize.then(|| view! { " "{td_string!(locale, bulk.with_sync)} })}
            </p>
        })}
        <div class="bulk-progress">
            <progress max=counts.selected.max(1) value=counts.done></progress>
            <span role="status">{td_string!(locale, bulk.progress, done, selected)}</span>
        </div>
        <dl class="bulk-counts">
            {numbers.into_iter().map(|(label, n)| view! {
                <div><dt>{label}</dt><dd class="num">{group_thousands(locale, n)}</dd></div>
            }).collect_view()}
        </dl>
        <h2 class="bulk-outcomes-title">{td_string!(locale, bulk.outcomes)}</h2>
        <ul class="bulk-outcomes">
            {view.outcomes.into_iter().map(|(outcome, detail, n)| view! {
                <li data-outcome=outcome.as_str()>
                    <strong class="num">{group_thousands(locale, n)}</strong>" "{outcome_text(locale, outcome, detail.as_deref())}
                </li>
            }).collect_view()}
        </ul>
        <p class="bulk-links">
            <a class="button button-quiet" href=selection_href>{td_string!(locale, bulk.open_selection)}</a>
            <a class="button button-quiet" href=changes_href>{td_string!(locale, bulk.open_changes)}</a>
            <a class="button button-quiet" href="/bulk">{td_string!(locale, bulk.runs)}</a>
        </p>
        <RunActions run=run.id running may_revert />
    }
}

/// What became of some operations, in words.
fn outcome_text(locale: Locale, outcome: BulkOutcome, detail: Option<&str>) -> String {
    match outcome {
        BulkOutcome::Changed => td_string!(locale, bulk.outcome_changed).to_owned(),
        BulkOutcome::Passed => td_string!(locale, bulk.outcome_passed).to_owned(),
        BulkOutcome::Failed => {
            let title = detail
                .and_then(FailureGroup::parse)
                .map(|g| g.title(locale, None))
                .unwrap_or_default();
            td_string!(locale, bulk.outcome_failed, title).to_string()
        }
        BulkOutcome::Skipped => {
            let why = detail
                .and_then(SkipReason::parse)
                .map(|r| r.label(locale))
                .unwrap_or_default();
            td_string!(locale, bulk.outcome_skipped, why).to_string()
        }
    }
}

/// Cancel (while it runs) or Revert (a bulk correction that ended).
#[island]
fn RunActions(run: i64, running: bool, may_revert: bool) -> impl IntoView {
    let i18n = use_i18n();
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let act = move |revert: bool| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = if revert {
                revert_bulk_run(run).await
            } else {
                cancel_bulk_run(run).await
            };
            match answer {
                Ok(next) => crate::components::go_to(&format!("/bulk?run={}", next.id)),
                Err(e) => {
                    problem.set(Some(error_text(i18n.get_locale_untracked(), &e).0));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <div class="bulk-actions">
            {running.then(|| view! {
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(false)>
                    {tu_string!(i18n, bulk.cancel)}
                </button>
            })}
            {may_revert.then(|| view! {
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(true)>
                    {tu_string!(i18n, bulk.revert)}
                </button>
            })}
        </div>
        {move || problem.get().map(|p| view! { <p class="bulk-problem" role="alert">{p}</p> })}
    }
}
