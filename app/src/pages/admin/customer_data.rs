//! The admin page's customer data (GDPR articles 15 and 17): find one customer by account,
//! GUID, email or phone, see what custsync holds about them, download it as one JSON
//! document, or erase it after typing their account to confirm.

use leptos::{prelude::*, server_fn::ServerFn};

use super::form_value;
use crate::{
    components::{error_box::ErrorBox, time::Time},
    functions::customer_data::{CustomerDataSummary, EraseCustomerData, FindCustomerData},
    locale::{td_string, tu_string, use_i18n, Locale},
};

/// The ways to name a customer, as the lookup's parameters.
const LOOKUPS: [&str; 4] = ["account", "async_account", "email", "phone"];

fn lookup_label(locale: Locale, by: &str) -> &'static str {
    match by {
        "account" => td_string!(locale, customer_data.by_account),
        "async_account" => td_string!(locale, customer_data.by_async_account),
        "email" => td_string!(locale, customer_data.by_email),
        _ => td_string!(locale, customer_data.by_phone),
    }
}

#[component]
pub fn CustomerDataSection() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="admin-section" aria-labelledby="customer-data-title">
            <h2 id="customer-data-title" class="section-title">{tu_string!(i18n, customer_data.title)}</h2>
            <p class="muted">{tu_string!(i18n, customer_data.lead)}</p>
            <CustomerDataForm />
        </section>
    }
}

/// The lookup, and what it found with its download and erasure.
#[island]
fn CustomerDataForm() -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let find = ServerAction::<FindCustomerData>::new();
    let erase = ServerAction::<EraseCustomerData>::new();
    let asked = RwSignal::new((String::new(), String::new()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (by, value) = (form_value(&ev, "by"), form_value(&ev, "value"));
        asked.set((by.clone(), value.clone()));
        erase.value().set(None);
        find.dispatch(FindCustomerData { by, value });
    };
    // Once erased, the customer is looked up again by account (or GUID: their email and phone
    // are gone), so the page shows what is left, not what was there.
    Effect::new(move |_| {
        if let Some(Ok(_)) = erase.value().get() {
            if let Some(Ok(summary)) = find.value().get_untracked() {
                let by = if summary.account.is_some() {
                    "account"
                } else {
                    "async_account"
                };
                find.dispatch(FindCustomerData {
                    by: by.to_owned(),
                    value: summary.confirm_with,
                });
            }
        }
    });
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (by, value) = asked.get_untracked();
        erase.dispatch(EraseCustomerData {
            by,
            value,
            confirm: form_value(&ev, "confirm"),
        });
    };
    view! {
        <form class="admin-form customer-data-lookup" method="post" action=FindCustomerData::url() on:submit=submit>
            <label class="field"><span class="field-label">{td_string!(locale, customer_data.find_by)}</span>
                <select name="by">
                    {LOOKUPS.iter().map(|by| view! { <option value=*by>{lookup_label(locale, by)}</option> }).collect_view()}
                </select></label>
            <label class="field"><span class="field-label">{td_string!(locale, customer_data.value)}</span>
                <input type="text" name="value" required maxlength="200" autocomplete="off" autocapitalize="none" spellcheck="false" /></label>
            <button type="submit" class="button button-primary">{td_string!(locale, customer_data.find)}</button>
        </form>
        {move || find.value().get().map(|answer| match answer {
            Ok(summary) => found(locale, summary, erase, confirm).into_any(),
            Err(error) => view! { <ErrorBox error /> }.into_any(),
        })}
    }
}

/// What a lookup found: the facts, the download, and the erasure (or when it happened).
fn found(
    locale: Locale,
    summary: CustomerDataSummary,
    erase: ServerAction<EraseCustomerData>,
    confirm: impl Fn(leptos::ev::SubmitEvent) + 'static,
) -> impl IntoView {
    let none = || view! { <span class="muted">"—"</span> }.into_any();
    let erased_at = summary.erased_at;
    let all_erased = erased_at.is_some() && summary.not_erased == 0;
    let confirm_with = summary.confirm_with.clone();
    let account = summary.account.clone();
    view! {
        <div class="customer-data" data-account=account>
            <dl class="customer-data-facts">
                <dt>{td_string!(locale, customer_data.account)}</dt>
                <dd>{match summary.account { Some(account) => view! { <code>{account}</code> }.into_any(), None => none() }}</dd>
                <dt>{td_string!(locale, customer_data.name)}</dt>
                <dd>{match summary.name { Some(name) => name.into_any(), None => none() }}</dd>
                <dt>{td_string!(locale, customer_data.async_accounts)}</dt>
                <dd>{summary.async_accounts.into_iter().map(|guid| view! { <code class="guid">{guid}</code>" " }).collect_view()}</dd>
                <dt>{td_string!(locale, customer_data.operations)}</dt>
                <dd>{td_string!(locale, customer_data.operation_count, count = summary.operations, unfinished = summary.unfinished).to_string()}</dd>
                {erased_at.map(|at| view! {
                    <dt>{td_string!(locale, customer_data.erased)}</dt>
                    <dd><Time at /></dd>
                })}
            </dl>
            <a class="button" href=summary.download download>{td_string!(locale, customer_data.download)}</a>
            {match erase.value().get() {
                Some(Ok(done)) => view! {
                    <p class="notice notice-info" role="status">
                        {td_string!(locale, customer_data.done, count = done.operations, stopped = done.stopped).to_string()}
                    </p>
                }.into_any(),
                _ if all_erased => ().into_any(),
                failed => view! {
                    <form class="admin-form erase-form" method="post" action=EraseCustomerData::url() on:submit=confirm data-confirm=confirm_with.clone()>
                        <p>{td_string!(locale, customer_data.erase_lead)}</p>
                        <label class="field"><span class="field-label">
                            {td_string!(locale, customer_data.confirm, account = confirm_with.clone()).to_string()}
                        </span>
                            <input type="text" name="confirm" required autocomplete="off" autocapitalize="none" spellcheck="false" /></label>
                        <button type="submit" class="button button-danger">{td_string!(locale, customer_data.erase)}</button>
                    </form>
                    {failed.and_then(Result::err).map(|error| view! { <ErrorBox error /> })}
                }.into_any(),
            }}
        </div>
    }
}
