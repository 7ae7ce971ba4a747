//! A possible duplicate on the detail: the incoming customer and the existing one side by side,
//! the fields that match marked (by a sign and words, not colour alone), and — for an operator
//! — Link and Create anyway (Correct is the correction workflow's own button). Drawn inside the
//! detail's island, whose [`DetailControl`] says the outcome and draws the page again.

use leptos::prelude::*;

use super::correction::{DetailControl, Notice};
use crate::{
    functions::duplicates::decide_duplicate,
    locale::{td_string, use_i18n, Locale},
    model::{
        detail::FieldName,
        duplicate::{DuplicateComparison, DuplicateDecision, MatchRule},
    },
};

/// A rule's name in a sentence.
pub fn rule_label(locale: Locale, rule: MatchRule) -> &'static str {
    match rule {
        MatchRule::Email => td_string!(locale, duplicate.rule_email),
        MatchRule::Phone => td_string!(locale, duplicate.rule_phone),
        MatchRule::NameAddress => td_string!(locale, duplicate.rule_name_address),
    }
}

/// The comparison of possible duplicate `id` (shown at `version`), with the decisions when
/// `may_decide`.
#[component]
pub fn DuplicateCompare(
    comparison: DuplicateComparison,
    id: i64,
    version: i64,
    may_decide: bool,
) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let control = DetailControl::get();
    let busy = RwSignal::new(false);
    let account = comparison.existing_account.clone();
    let linked_to = StoredValue::new(account.clone());
    let rules = comparison
        .rules
        .iter()
        .map(|r| rule_label(locale, *r))
        .collect::<Vec<_>>()
        .join(", ");
    let decide = move |decision: DuplicateDecision| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let notice = match decide_duplicate(id, version, decision).await {
                Ok(Ok(())) => match decision {
                    DuplicateDecision::Link => Notice::Linked(linked_to.get_value()),
                    DuplicateDecision::CreateAnyway => Notice::CreatedAnyway,
                },
                Ok(Err(refusal)) => Notice::Refused(refusal),
                Err(error) => Notice::Failed(error),
            };
            busy.set(false);
            control.done(id, notice);
        });
    };
    let rows = comparison
        .fields
        .into_iter()
        .filter(|f| f.incoming.is_some() || f.existing.is_some());
    view! {
        <section class="duplicate" aria-labelledby="duplicate-title" data-existing=account.clone()>
            <h3 id="duplicate-title" class="duplicate-title">
                {td_string!(locale, duplicate.title, account = account.clone()).to_string()}
            </h3>
            <p>{td_string!(locale, duplicate.lead)}</p>
            <p class="duplicate-rules">
                <strong>{td_string!(locale, duplicate.matched_on)}": "</strong>{rules}
            </p>
            <table class="duplicate-table">
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, duplicate.field)}</th>
                        <th scope="col">{td_string!(locale, duplicate.incoming)}</th>
                        <th scope="col">{td_string!(locale, duplicate.existing, account = account.clone()).to_string()}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.map(|row| {
                        let label = FieldName::of_key(&row.field).get(locale).to_owned();
                        view! {
                            <tr class:same=row.same data-field=row.field.clone()>
                                <th scope="row">{label}</th>
                                <td>{row.incoming.unwrap_or_default()}</td>
                                <td>
                                    {row.existing.unwrap_or_default()}
                                    {row.same.then(|| view! {
                                        " "<span class="same-mark">"✓ "{td_string!(locale, duplicate.same)}</span>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {may_decide.then(|| view! {
                <div class="duplicate-actions">
                    <div>
                        <button type="button" class="button button-primary" data-action="link"
                            disabled=move || busy.get() on:click=move |_| decide(DuplicateDecision::Link)>
                            {td_string!(locale, duplicate.link, account = account.clone()).to_string()}
                        </button>
                        <p class="muted">{td_string!(locale, duplicate.link_help, account = account.clone()).to_string()}</p>
                    </div>
                    <div>
                        <button type="button" class="button" data-action="create-anyway"
                            disabled=move || busy.get() on:click=move |_| decide(DuplicateDecision::CreateAnyway)>
                            {td_string!(locale, duplicate.create_anyway)}
                        </button>
                        <p class="muted">{td_string!(locale, duplicate.create_help)}</p>
                    </div>
                </div>
            })}
        </section>
    }
}
