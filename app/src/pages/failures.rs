//! The failures page: Failed operations grouped by cause, most first, each group with how many
//! operations and channels it holds, when it was first and last seen, examples of the refused
//! values and its counts per channel and day, and a link to the status list filtered to exactly
//! that cause. Narrowed by channel and days with a plain form (the filter lives in the URL).
//! Every role may read it; it is live like the status page.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::{
    components::{error_box::ErrorBox, time::Time},
    functions::failures::{group_failures, read_filter},
    locale::{format_day, group_thousands, td_string, tu_string, use_i18n, Locale},
    model::{
        failure_group::{ChannelCount, FailureGroupSummary, FailureGroups, PossibleDuplicates},
        OperationFilter, SyncStatus,
    },
};

/// How many of a group's days (the newest) the page lists.
const DAYS_SHOWN: usize = 14;

#[component]
pub fn FailuresPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = use_location().search.get_untracked();
    let page = OnceResource::new(group_failures(search));
    view! {
        <main class="failures-page">
            <h1>{tu_string!(i18n, failures.title)}</h1>
            <p class="muted">{tu_string!(i18n, failures.lead)}" "<a href="/bulk">{tu_string!(i18n, bulk.runs)}</a></p>
            <Transition fallback=move || view! { <p class="loading" role="status">"…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(groups) => view! { <FailureGroupsView groups /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn FailureGroupsView(groups: FailureGroups) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let query = use_query_map().get_untracked();
    let param = |key: &str| query.get(key).unwrap_or_default();
    // The page's own filter, read as the server read it (it answered, so it reads).
    let filter = read_filter(&use_location().search.get_untracked()).unwrap_or_default();
    let chosen_channel = param("channel");
    let total = group_thousands(locale, groups.total);
    let count = groups.group_count.to_string();
    view! {
        <form class="changes-filter failures-filter" method="get" action="/failures">
            <label>
                <span>{tu_string!(i18n, failures.channel)}</span>
                <select name="channel">
                    <option value="">{tu_string!(i18n, failures.any_channel)}</option>
                    {groups.channels.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=id.to_string() == chosen_channel>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{tu_string!(i18n, failures.from)}</span>
                <input type="date" name="from" value=param("from") />
            </label>
            <label>
                <span>{tu_string!(i18n, failures.to)}</span>
                <input type="date" name="to" value=param("to") />
            </label>
            <button type="submit" class="button button-primary">{tu_string!(i18n, failures.apply)}</button>
            <a class="button button-quiet" href="/failures">{tu_string!(i18n, failures.clear)}</a>
        </form>
        {groups.possible_duplicates.map(|duplicates| view! {
            <ol class="failure-groups">
                <PossibleDuplicatesCard duplicates filter=filter.clone() locale />
            </ol>
        })}
        {if groups.groups.is_empty() {
            view! { <p class="muted failures-none">{tu_string!(i18n, failures.none)}</p> }.into_any()
        } else {
            view! {
                <p class="failures-total" role="status">
                    {td_string!(locale, failures.total, n = total, groups = count)}
                </p>
                <ol class="failure-groups">
                    {groups.groups.into_iter().map(|group| view! {
                        <FailureGroupCard group filter=filter.clone() locale />
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// The possible duplicates: how many, since when, per channel; they open in the list.
#[component]
fn PossibleDuplicatesCard(
    duplicates: PossibleDuplicates,
    filter: OperationFilter,
    locale: Locale,
) -> impl IntoView {
    let in_list = |channel: Option<i64>| {
        OperationFilter {
            status: Some(SyncStatus::PossibleDuplicate),
            channel: channel.or(filter.channel),
            ..filter.clone()
        }
        .href(&[])
    };
    let href = in_list(None);
    let n = group_thousands(locale, duplicates.count);
    view! {
        <li class="failure-group failure-group-duplicates" data-failure-group="possible_duplicate" data-count=duplicates.count>
            <h2 class="failure-title"><a href=href.clone()>{td_string!(locale, failures.duplicates_title)}</a></h2>
            <p>{td_string!(locale, failures.duplicates_lead)}</p>
            <p class="failure-count">
                <strong>{td_string!(locale, failures.operations, n).to_string()}</strong>
                " · "
                <span>{td_string!(locale, failures.first_seen)}" "<Time at=duplicates.first_seen /></span>
                " · "
                <span>{td_string!(locale, failures.last_seen)}" "<Time at=duplicates.last_seen /></span>
            </p>
            <div class="failure-breakdown">
                <PerChannel channels=duplicates.channels.iter().map(|c| (c.clone(), in_list(Some(c.id)))).collect() locale />
            </div>
            <a class="button failure-open" href=href>{td_string!(locale, failures.open)}</a>
        </li>
    }
}

/// A group's operations per channel, most first, each a link (`href`) to the list narrowed to
/// that channel.
#[component]
fn PerChannel(channels: Vec<(ChannelCount, String)>, locale: Locale) -> impl IntoView {
    view! {
        <div>
            <h3>{td_string!(locale, failures.per_channel)}</h3>
            <ul class="failure-chips">
                {channels.into_iter().map(|(c, href)| view! {
                    <li><a href=href>{c.name}" "<span class="num">{group_thousands(locale, c.n)}</span></a></li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// One cause: its sentence, counts, times, examples, channels and days.
#[component]
fn FailureGroupCard(
    group: FailureGroupSummary,
    filter: OperationFilter,
    locale: Locale,
) -> impl IntoView {
    let key = group.group.key();
    let title = group.group.title(locale, group.field_name.as_ref());
    let in_list = |channel: Option<i64>| {
        OperationFilter {
            status: Some(SyncStatus::Failed),
            error: Some(group.group.clone()),
            channel: channel.or(filter.channel),
            ..filter.clone()
        }
        .href(&[])
    };
    let href = in_list(None);
    let operations = if group.count == 1 {
        td_string!(locale, failures.one_operation).to_owned()
    } else {
        let n = group_thousands(locale, group.count);
        td_string!(locale, failures.operations, n).to_string()
    };
    let channels = if group.channels.len() == 1 {
        td_string!(locale, failures.one_channel).to_owned()
    } else {
        let n = group.channels.len().to_string();
        td_string!(locale, failures.channels, n).to_string()
    };
    let empty = td_string!(locale, failures.empty_value);
    view! {
        <li class="failure-group" data-failure-group=key.clone() data-count=group.count>
            <h2 class="failure-title"><a href=href.clone()>{title}</a></h2>
            <p class="failure-count">
                <strong>{operations}</strong>
                " · "{channels}" · "
                <span>{td_string!(locale, failures.first_seen)}" "<Time at=group.first_seen /></span>
                " · "
                <span>{td_string!(locale, failures.last_seen)}" "<Time at=group.last_seen /></span>
            </p>
            <div class="failure-samples">
                <h3>{td_string!(locale, failures.samples)}</h3>
                <ul>
                    {group.samples.into_iter().map(|s| view! {
                        <li>
                            <a href=format!("/?op={}", s.operation_id)>
                                <code>{s.value.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| empty.to_owned())}</code>
                            </a>
                            " "<span class="muted">{s.error.text(locale)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
            <div class="failure-breakdown">
                <PerChannel channels=group.channels.iter().map(|c| (c.clone(), in_list(Some(c.id)))).collect() locale />
                <div>
                    <h3>{td_string!(locale, failures.per_day)}</h3>
                    <ul class="failure-chips failure-days">
                        {group.days[group.days.len().saturating_sub(DAYS_SHOWN)..].iter().map(|(day, n)| view! {
                            <li>
                                <time datetime=day.format("%Y-%m-%d").to_string()>{format_day(locale, *day)}</time>
                                " "<span class="num">{group_thousands(locale, *n)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
            <a class="button failure-open" href=href>{td_string!(locale, failures.open)}</a>
        </li>
    }
}
