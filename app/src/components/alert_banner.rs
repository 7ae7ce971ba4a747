//! The banner every page shows while an alert fires, for everyone signed in: what fired, since
//! when, and a link to what it is about. It goes when the alert resolves; the page is live, so
//! both happen without a reload.

use leptos::prelude::*;

use crate::{
    components::time::Time,
    functions::alerts::firing_alerts,
    locale::{td_string, use_i18n},
};

/// How many alerts the banner lists; the rest are counted.
const SHOWN: usize = 3;

/// The alerts firing now, or nothing (nobody signed in, or all quiet).
#[component]
pub fn AlertBanner() -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let person = super::person::Person::get();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Asked only for someone signed in: the sign-in page's answer stays a 200.
                let alerts = match person.signed_in().await {
                    Some(_) => firing_alerts().await.unwrap_or_default(),
                    None => Vec::new(),
                };
                let more = alerts.len().saturating_sub(SHOWN);
                (!alerts.is_empty()).then(|| view! {
                    <section class="alert-banner" aria-label=td_string!(locale, alerts.banner)>
                        <ul>
                            {alerts.into_iter().take(SHOWN).map(|alert| view! {
                                <li data-key=alert.episode.id>
                                    <span class="alert-banner-mark" aria-hidden="true">"⚠"</span>
                                    <strong>{td_string!(locale, alerts.banner)}": "</strong>
                                    <span>{alert.summary(locale)}</span>
                                    " · "
                                    <span class="alert-banner-since">
                                        {td_string!(locale, alerts.since)}" "<Time at=alert.episode.started_at />
                                    </span>
                                    " "
                                    <a href=alert.href()>{td_string!(locale, alerts.show)}</a>
                                </li>
                            }).collect_view()}
                        </ul>
                        {(more > 0).then(|| view! {
                            <p class="alert-banner-more">{td_string!(locale, alerts.banner_more, n = more)}</p>
                        })}
                    </section>
                })
            })}
        </Suspense>
    }
}
