//! The admin page's alerts: the rules (what each watches, where, above what, and whether it
//! fires now), turned on or off and deleted; a new rule; the webhooks with how their last call
//! went; a new webhook. Each control is a small island that asks the server and then draws the
//! page again.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{after, form_value};
use crate::{
    components::{error_box::ErrorBox, time::Time},
    functions::alerts::{
        alerts_overview, AlertsView, ChangeAlertRule, CreateAlertRule, CreateWebhook, DeleteWebhook,
    },
    locale::{alert_kind_label, job_label, td_string, tu_string, use_i18n, Locale},
    model::{
        alert::{ActiveAlert, AlertKind, AlertRule, DeliveryState, WebhookSummary},
        FailureGroup, JobName,
    },
};

/// The alerts section, loaded on its own beside the rest of the page.
#[component]
pub fn AlertsSection() -> impl IntoView {
    let i18n = use_i18n();
    let view = OnceResource::new(alerts_overview());
    view! {
        <section class="admin-section" aria-labelledby="alerts-title" id="alerts">
            <h2 id="alerts-title" class="section-title">{tu_string!(i18n, alerts.title)}</h2>
            <p class="muted">{tu_string!(i18n, alerts.lead)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match view.await {
                        Ok(view) => view! { <AlertsContent view /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AlertsContent(view: AlertsView) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let AlertsView {
        rules,
        firing,
        webhooks,
        channels,
        causes,
    } = view;
    let causes: Vec<(String, String)> = causes
        .into_iter()
        .map(|(group, field)| (group.key(), group.title(locale, field.as_ref())))
        .collect();
    let rows = rules
        .iter()
        .map(|rule| rule_row(locale, rule, &firing, &channels))
        .collect_view();
    view! {
        <h3>{tu_string!(i18n, alerts.rules)}</h3>
        {if rules.is_empty() {
            view! { <p class="muted">{tu_string!(i18n, alerts.no_rules)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="admin-table alert-rules">
                        <thead><tr>
                            <th scope="col">{tu_string!(i18n, alerts.kind)}</th>
                            <th scope="col">{tu_string!(i18n, alerts.scope)}</th>
                            <th scope="col">{tu_string!(i18n, alerts.threshold)}</th>
                            <th scope="col">{tu_string!(i18n, alerts.state)}</th>
                            <th scope="col"></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <NewRuleForm channels=channels.clone() causes />
        <h3>{tu_string!(i18n, alerts.webhooks)}</h3>
        <p class="muted">{tu_string!(i18n, alerts.webhooks_lead)}</p>
        <WebhooksTable webhooks />
        <NewWebhookForm />
    }
}

/// Where a rule looks, in words: its channel (or every channel), its cause, its job.
fn scope(locale: Locale, rule: &AlertRule, channels: &[(i64, String)]) -> String {
    if rule.kind == AlertKind::JobStalled {
        return rule.job.map_or_else(
            || td_string!(locale, alerts.every_job).to_owned(),
            |job| job_label(locale, job).0.to_owned(),
        );
    }
    let channel = rule
        .channel_id
        .and_then(|id| channels.iter().find(|(c, _)| *c == id))
        .map_or_else(
            || td_string!(locale, alerts.every_channel).to_owned(),
            |(_, name)| name.clone(),
        );
    match rule.failure_group.as_deref().and_then(FailureGroup::parse) {
        Some(group) => format!("{channel} · {}", group.title(locale, None)),
        None => channel,
    }
}

/// A rule's row: what, where, above what, firing or not, and its buttons.
fn rule_row(
    locale: Locale,
    rule: &AlertRule,
    firing: &[ActiveAlert],
    channels: &[(i64, String)],
) -> AnyView {
    let subjects: Vec<String> = firing
        .iter()
        .filter(|a| a.episode.rule_id == rule.id)
        .map(|a| {
            if a.subject_name.is_empty() {
                JobName::parse(&a.episode.subject).map_or_else(
                    || a.episode.subject.clone(),
                    |j| job_label(locale, j).0.to_owned(),
                )
            } else {
                a.subject_name.clone()
            }
        })
        .collect();
    let state = match (rule.enabled, subjects.is_empty()) {
        (false, _) => view! { <span class="muted">{td_string!(locale, alerts.off)}</span> }.into_any(),
        (true, true) => view! { <span>{td_string!(locale, alerts.quiet)}</span> }.into_any(),
        (true, false) => view! {
            <span class="rule-firing">{td_string!(locale, alerts.firing)}": "{subjects.join(", ")}</span>
        }
        .into_any(),
    };
    view! {
        <tr data-rule=rule.id>
            <th scope="row">{alert_kind_label(locale, rule.kind)}</th>
            <td data-label=td_string!(locale, alerts.scope)>{scope(locale, rule, channels)}</td>
            <td data-label=td_string!(locale, alerts.threshold)>{rule.threshold}</td>
            <td data-label=td_string!(locale, alerts.state)>{state}</td>
            <td class="row-actions"><RuleButtons id=rule.id enabled=rule.enabled /></td>
        </tr>
    }
    .into_any()
}

/// Turn a rule on or off, or delete it.
#[island]
fn RuleButtons(id: i64, enabled: bool) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let change = ServerAction::<ChangeAlertRule>::new();
    view! {
        <button type="button" class="button button-quiet" on:click=move |_| {
            change.dispatch(ChangeAlertRule { id, enabled: Some(!enabled), delete: None });
        }>
            {if enabled { td_string!(locale, alerts.turn_off) } else { td_string!(locale, alerts.turn_on) }}
        </button>
        <button type="button" class="button button-quiet" on:click=move |_| {
            change.dispatch(ChangeAlertRule { id, enabled: None, delete: Some(true) });
        }>{td_string!(locale, alerts.delete)}</button>
        {after(change)}
    }
}

/// A new rule: what it watches, where, and above what.
#[island]
fn NewRuleForm(channels: Vec<(i64, String)>, causes: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let create = ServerAction::<CreateAlertRule>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateAlertRule {
            kind: form_value(&ev, "kind"),
            channel_id: form_value(&ev, "channel_id").parse().ok(),
            failure_group: form_value(&ev, "failure_group"),
            job: form_value(&ev, "job"),
            threshold: form_value(&ev, "threshold"),
        });
    };
    view! {
        <form class="admin-form alert-rule-form" method="post" action=CreateAlertRule::url() on:submit=submit>
            <h3>{tu_string!(i18n, alerts.new_rule)}</h3>
            <label class="field"><span class="field-label">{tu_string!(i18n, alerts.kind)}</span>
                <select name="kind">
                    {AlertKind::ALL.iter().map(|kind| view! {
                        <option value=kind.as_str()>{alert_kind_label(locale, *kind)}</option>
                    }).collect_view()}
                </select></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, alerts.channel)}</span>
                <select name="channel_id">
                    <option value="">{tu_string!(i18n, alerts.every_channel)}</option>
                    {channels.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, alerts.cause)}</span>
                <select name="failure_group">
                    <option value="">{tu_string!(i18n, alerts.every_cause)}</option>
                    {causes.into_iter().map(|(key, title)| view! { <option value=key>{title}</option> }).collect_view()}
                </select></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, alerts.job_only)}</span>
                <select name="job">
                    <option value="">{tu_string!(i18n, alerts.every_job)}</option>
                    {JobName::ALL.iter().map(|job| view! {
                        <option value=job.as_str()>{job_label(locale, *job).0}</option>
                    }).collect_view()}
                </select></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, alerts.threshold)}</span>
                <input type="number" name="threshold" required min="1" step="1" inputmode="numeric" /></label>
            <button type="submit" class="button button-primary">{tu_string!(i18n, alerts.add_rule)}</button>
        </form>
        {after(create)}
    }
}

#[component]
fn WebhooksTable(webhooks: Vec<WebhookSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if webhooks.is_empty() {
        return view! { <p class="muted">{tu_string!(i18n, alerts.no_webhooks)}</p> }.into_any();
    }
    let rows = webhooks
        .into_iter()
        .map(|hook| {
            let last = match hook.last_delivery {
                None => view! { <span class="muted">{td_string!(locale, alerts.no_calls)}</span> }.into_any(),
                Some(DeliveryState::Delivered { at }) => {
                    view! { {td_string!(locale, alerts.delivered)}" " <Time at /> }.into_any()
                }
                Some(DeliveryState::Retrying { attempts, error, next_at }) => view! {
                    <span class="rule-firing">{td_string!(locale, alerts.retrying, attempts, error)}</span>
                    " " <Time at=next_at />
                }
                .into_any(),
                Some(DeliveryState::GivenUp { attempts, error, at }) => view! {
                    <span class="rule-firing">{td_string!(locale, alerts.given_up, attempts, error)}</span>
                    " " <Time at />
                }
                .into_any(),
            };
            view! {
                <tr data-webhook=hook.id>
                    <th scope="row" class="webhook-url">{hook.url}</th>
                    <td data-label=td_string!(locale, access.created)><Time at=hook.created_at /></td>
                    <td data-label=td_string!(locale, alerts.last_call)>{last}</td>
                    <td class="row-actions"><DeleteWebhookButton id=hook.id /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="admin-table webhooks-table">
                <thead><tr>
                    <th scope="col">{tu_string!(i18n, alerts.url)}</th>
                    <th scope="col">{tu_string!(i18n, access.created)}</th>
                    <th scope="col">{tu_string!(i18n, alerts.last_call)}</th>
                    <th scope="col"></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Delete a webhook.
#[island]
fn DeleteWebhookButton(id: i64) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let delete = ServerAction::<DeleteWebhook>::new();
    view! {
        <button type="button" class="button button-quiet" on:click=move |_| {
            delete.dispatch(DeleteWebhook { id });
        }>{td_string!(locale, alerts.delete)}</button>
        {after(delete)}
    }
}

/// A new webhook: its address and secret.
#[island]
fn NewWebhookForm() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateWebhook>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateWebhook {
            url: form_value(&ev, "url"),
            secret: form_value(&ev, "secret"),
        });
    };
    view! {
        // Posted to the server function itself until the client has loaded (never a GET: the
        // secret must not land in an address).
        <form class="admin-form" method="post" action=CreateWebhook::url() on:submit=submit>
            <label class="field"><span class="field-label">{tu_string!(i18n, alerts.url)}</span>
                <input type="url" name="url" required maxlength="2000" autocomplete="off" placeholder="https://" /></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, alerts.secret)}</span>
                <input type="password" name="secret" required minlength="16" maxlength="200" autocomplete="new-password" /></label>
            <button type="submit" class="button button-primary">{tu_string!(i18n, alerts.add_webhook)}</button>
        </form>
        {after(create)}
    }
}
