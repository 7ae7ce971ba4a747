//! The page's two languages, English (the default) and Norwegian Bokmål, with leptos_i18n:
//! the translations live in `app/locales/{en,nb}.json` and are compiled into the [`i18n`]
//! module, so a key missing in either language fails the build. The chosen language is kept in
//! a cookie; without one, the browser's `Accept-Language` decides.
//!
//! What a person reads of a model value is written here: [`alerts`] (an alert that fired),
//! [`bulk_runs`] (a bulk run, its rule
//! and its skips), [`descriptions`] (the change
//! description of an operation), [`failures`] (a failure group's cause), [`mistakes`] (what is
//! wrong with a filter) and [`reasons`]
//! (why a value was refused). The model holds the data; this module imports the model, never
//! the other way round.
//!
//! Dates and numbers follow the language too; their patterns are translations like any other
//! (`format.timestamp`, `format.thousands`), so SSR and the browser render the same text and
//! hydration finds what it expects.

/// The translations, as leptos_i18n's build step writes them (see `app/build.rs`).
#[expect(
    clippy::expect_used,
    reason = "leptos_i18n's generated code expects what its own build step checked"
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}

pub use generated::i18n;

mod alerts;
mod bulk_runs;
mod descriptions;
mod failures;
mod mistakes;
mod reasons;
mod values;
mod zone;

pub use alerts::alert_kind_label;
pub use values::readable_value;
#[cfg(feature = "ssr")]
pub use zone::request_zone;
pub use zone::{parse_zone, use_zone, ZONE_COOKIE};

use chrono_tz::Tz;

pub use descriptions::join_names;
pub use i18n::{t, t_string, td_string, tu_string, I18nContextProvider, Locale};

use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    model::{job::JobName, OperationKind, SyncStatus},
    AppError,
};

/// The page's language context. What the server draws finds the page's (from
/// [`I18nContextProvider`]); an island in the browser has no parent to take it from, so the
/// first call in it makes one from the language the server chose (`<html lang>`).
pub fn use_i18n() -> leptos_i18n::I18nContext<Locale> {
    #[expect(
        deprecated,
        reason = "the provider component cannot wrap an island's own body"
    )]
    leptos_i18n::provide_i18n_context::<Locale>()
}

/// The cookie the language switch keeps the chosen language in (leptos_i18n's).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The language of a request outside the pages (a download): the language cookie's, else the
/// browser's `Accept-Language`, as the pages choose it.
#[cfg(feature = "ssr")]
pub fn request_locale(headers: &http::HeaderMap) -> Locale {
    use leptos_i18n::Locale as _;
    if let Some(chosen) = request_cookie(headers, LOCALE_COOKIE) {
        return Locale::find_locale(&[chosen]);
    }
    let accepted: Vec<&str> = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .split(',')
        .filter_map(|tag| tag.split(';').next())
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .collect();
    Locale::find_locale(&accepted)
}

/// The value of cookie `name` of a request, if it has one.
#[cfg(feature = "ssr")]
fn request_cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A timestamp as lists show it, in `zone`: `2026-11-25 15:03 CET` / `25.11.2026 kl. 15:03
/// CET` (`UTC` in UTC).
pub fn format_timestamp(locale: Locale, zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone)
        .format(td_string!(locale, format.timestamp))
        .to_string()
}

/// A day as counts per day show it: `6 Dec` / `6.12.`.
pub fn format_day(locale: Locale, day: NaiveDate) -> String {
    day.format(td_string!(locale, format.day)).to_string()
}

/// A count with its thousands grouped: `12,345` / `12 345`.
pub fn group_thousands(locale: Locale, n: i64) -> String {
    let separator = td_string!(locale, format.thousands);
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A sync status's name.
pub fn status_label(locale: Locale, status: SyncStatus) -> &'static str {
    match status {
        SyncStatus::Pending => td_string!(locale, status.pending),
        SyncStatus::Waiting => td_string!(locale, status.waiting),
        SyncStatus::Editing => td_string!(locale, status.editing),
        SyncStatus::Succeeded => td_string!(locale, status.succeeded),
        SyncStatus::Failed => td_string!(locale, status.failed),
        SyncStatus::PossibleDuplicate => td_string!(locale, status.possible_duplicate),
    }
}

/// An operation kind's name.
pub fn kind_label(locale: Locale, kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::Create => td_string!(locale, kind.create),
        OperationKind::Update => td_string!(locale, kind.update),
    }
}

/// A job's name and what it does.
pub fn job_label(locale: Locale, job: JobName) -> (&'static str, &'static str) {
    match job {
        JobName::PJob => (
            td_string!(locale, jobs.p_job),
            td_string!(locale, jobs.p_job_purpose),
        ),
        JobName::SynchronizeCustomers => (
            td_string!(locale, jobs.synchronize),
            td_string!(locale, jobs.synchronize_purpose),
        ),
        JobName::Distribution => (
            td_string!(locale, jobs.distribution),
            td_string!(locale, jobs.distribution_purpose),
        ),
        JobName::Retention => (
            td_string!(locale, jobs.retention),
            td_string!(locale, jobs.retention_purpose),
        ),
    }
}

/// "every 15 min", "every 60 s", "every 2 h" (in the largest whole unit).
pub fn describe_interval(locale: Locale, seconds: i64) -> String {
    if seconds % 3_600 == 0 {
        td_string!(locale, jobs.every_h, n = seconds / 3_600).to_string()
    } else if seconds % 60 == 0 {
        td_string!(locale, jobs.every_min, n = seconds / 60).to_string()
    } else {
        td_string!(locale, jobs.every_s, n = seconds).to_string()
    }
}

/// A field's display name in the language: custom attributes and standard fields carry both.
pub fn pick<'a>(locale: Locale, en: &'a str, nb: &'a str) -> &'a str {
    match locale {
        Locale::en => en,
        Locale::nb => nb,
    }
}

/// What went wrong, in one line, and what to try.
pub fn error_text(locale: Locale, error: &AppError) -> (String, &'static str) {
    match error {
        AppError::NotFound { what } => (
            td_string!(locale, errors.not_found, what).to_string(),
            td_string!(locale, errors.advice_not_found),
        ),
        AppError::Validation { field, message } => (
            td_string!(locale, errors.validation, field, message).to_string(),
            td_string!(locale, errors.advice_validation),
        ),
        AppError::Conflict(message) => (
            td_string!(locale, errors.conflict, message).to_string(),
            td_string!(locale, errors.advice_conflict),
        ),
        AppError::SignInNeeded => (
            td_string!(locale, errors.sign_in_needed).to_owned(),
            td_string!(locale, errors.advice_sign_in_needed),
        ),
        AppError::Forbidden => (
            td_string!(locale, errors.forbidden).to_owned(),
            td_string!(locale, errors.advice_forbidden),
        ),
        AppError::Unavailable => (
            td_string!(locale, errors.unavailable).to_owned(),
            td_string!(locale, errors.advice_unavailable),
        ),
        AppError::Internal => (
            td_string!(locale, errors.internal).to_owned(),
            td_string!(locale, errors.advice_internal),
        ),
        AppError::Request(_) => (
            td_string!(locale, errors.request).to_owned(),
            td_string!(locale, errors.advice_request),
        ),
    }
}

/// A role's name: "Operator", "Operatør".
pub fn role_label(locale: Locale, role: crate::model::Role) -> &'static str {
    match role {
        crate::model::Role::Viewer => td_string!(locale, access.role_viewer),
        crate::model::Role::Operator => td_string!(locale, access.role_operator),
        crate::model::Role::Admin => td_string!(locale, access.role_admin),
    }
}

/// An operator as the filter sentence says it: "contains", "er lik".
pub fn op_label(locale: Locale, op: crate::model::FilterOp) -> &'static str {
    match op {
        crate::model::FilterOp::Equals => td_string!(locale, filter.op_equals),
        crate::model::FilterOp::Contains => td_string!(locale, filter.op_contains),
        crate::model::FilterOp::StartsWith => td_string!(locale, filter.op_starts),
        crate::model::FilterOp::Empty => td_string!(locale, filter.op_empty),
        crate::model::FilterOp::NotEmpty => td_string!(locale, filter.op_not_empty),
        crate::model::FilterOp::AtLeast => td_string!(locale, filter.op_gte),
        crate::model::FilterOp::AtMost => td_string!(locale, filter.op_lte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_the_way_each_language_writes_them() {
        assert_eq!(group_thousands(Locale::en, 1_234_567), "1,234,567");
        assert_eq!(
            group_thousands(Locale::nb, 1_234_567),
            "1\u{a0}234\u{a0}567"
        );
        assert_eq!(group_thousands(Locale::en, -1_000), "-1,000");
        assert_eq!(group_thousands(Locale::nb, 999), "999");
    }

    #[test]
    fn timestamps_follow_the_language() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T14:03:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            format_timestamp(Locale::en, Tz::UTC, at),
            "2026-11-25 14:03 UTC"
        );
        assert_eq!(
            format_timestamp(Locale::nb, Tz::UTC, at),
            "25.11.2026 kl. 14:03 UTC"
        );
    }

    #[test]
    fn timestamps_are_in_the_readers_zone_with_its_abbreviation() {
        let winter = chrono::DateTime::parse_from_rfc3339("2026-11-25T14:03:00Z")
            .unwrap()
            .to_utc();
        let summer = chrono::DateTime::parse_from_rfc3339("2026-06-25T14:03:00Z")
            .unwrap()
            .to_utc();
        let oslo = Tz::Europe__Oslo;
        assert_eq!(
            format_timestamp(Locale::nb, oslo, winter),
            "25.11.2026 kl. 15:03 CET"
        );
        assert_eq!(
            format_timestamp(Locale::nb, oslo, summer),
            "25.06.2026 kl. 16:03 CEST"
        );
        assert_eq!(
            format_timestamp(Locale::en, Tz::Europe__London, summer),
            "2026-06-25 15:03 BST"
        );
    }

    #[test]
    fn intervals_read_in_the_largest_whole_unit() {
        assert_eq!(describe_interval(Locale::en, 900), "every 15 min");
        assert_eq!(describe_interval(Locale::en, 7_200), "every 2 h");
        assert_eq!(describe_interval(Locale::en, 90), "every 90 s");
        assert_eq!(describe_interval(Locale::nb, 900), "hvert 15. minutt");
    }

    #[test]
    fn every_status_has_a_name_in_both_languages() {
        for status in SyncStatus::ALL {
            assert!(!status_label(Locale::en, *status).is_empty());
            assert_ne!(
                status_label(Locale::en, *status),
                status_label(Locale::nb, *status)
            );
        }
    }
}
