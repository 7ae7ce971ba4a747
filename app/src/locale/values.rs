//! A stored value as a person reads it, in the reader's language: yes/no for a flag, the label
//! of a fixed list's value, a date and a number in the locale's format. The stored value stays
//! what is saved, sent and filtered on; the page shows it on hover.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::{format_timestamp, group_thousands, td_string, Locale};
use crate::model::filter::ValueKind;

/// `raw` made readable for a field holding `kind`; `None` when it reads best as it is (free
/// text, a reference code, or a value that is not what the field should hold).
pub fn readable_value(locale: Locale, zone: Tz, kind: ValueKind, raw: &str) -> Option<String> {
    let value = raw.trim();
    let readable = match kind {
        ValueKind::Text => None,
        ValueKind::Boolean => crate::validate::parse_bool(value).ok().map(|yes| {
            if yes {
                td_string!(locale, values.yes)
            } else {
                td_string!(locale, values.no)
            }
            .to_owned()
        }),
        ValueKind::Code => choice_label(locale, value).map(str::to_owned),
        ValueKind::Number => number(locale, value),
        ValueKind::Date => date(locale, zone, value),
    };
    readable.filter(|r| r != raw)
}

/// The label of a value of one of the fixed lists (party type, receipt option, address
/// purpose); reference codes (`NOK`, `RETAIL`) are shown as they are.
fn choice_label(locale: Locale, value: &str) -> Option<&'static str> {
    Some(match value {
        "Person" => td_string!(locale, values.person),
        "Organization" => td_string!(locale, values.organization),
        "Print" => td_string!(locale, values.print),
        "Email" => td_string!(locale, values.email),
        "PrintAndEmail" => td_string!(locale, values.print_and_email),
        "None" => td_string!(locale, values.none),
        "Home" => td_string!(locale, values.home),
        "Business" => td_string!(locale, values.business),
        "Office" => td_string!(locale, values.office),
        "Post box" => td_string!(locale, values.post_box),
        _ => return None,
    })
}

/// `43000.00` → `43,000.00` / `43 000,00`: thousands grouped, the locale's decimal sign, the
/// decimals as stored.
fn number(locale: Locale, value: &str) -> Option<String> {
    let (whole, fraction) = match value.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (value, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut text = group_thousands(locale, digits.parse().ok()?);
    if whole.starts_with('-') {
        text.insert(0, '-');
    }
    if let Some(fraction) = fraction {
        text.push_str(td_string!(locale, format.decimal));
        text.push_str(fraction);
    }
    Some(text)
}

/// `2026-05-17` → `17 May 2026` / `17.5.2026` (a day is the same everywhere); a date and time
/// as the page's timestamps, in `zone`.
fn date(locale: Locale, zone: Tz, value: &str) -> Option<String> {
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some(day.format(td_string!(locale, format.date)).to_string());
    }
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|at| format_timestamp(locale, zone, at.to_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_lists_numbers_and_dates_read_as_the_locale_says_them() {
        use ValueKind::*;
        let en = |kind, raw| readable_value(Locale::en, Tz::UTC, kind, raw);
        let nb = |kind, raw| readable_value(Locale::nb, Tz::UTC, kind, raw);
        assert_eq!(en(Boolean, "true").as_deref(), Some("Yes"));
        assert_eq!(nb(Boolean, "false").as_deref(), Some("Nei"));
        assert_eq!(
            nb(Code, "PrintAndEmail").as_deref(),
            Some("Utskrift og e-post")
        );
        assert_eq!(en(Code, "Home").as_deref(), None, "already reads well");
        assert_eq!(nb(Code, "NOK"), None, "reference codes stay codes");
        assert_eq!(en(Number, "43000.00").as_deref(), Some("43,000.00"));
        assert_eq!(
            nb(Number, "-1234567.5").as_deref(),
            Some("-1\u{a0}234\u{a0}567,5")
        );
        assert_eq!(en(Number, "12"), None);
        assert_eq!(en(Number, "12abc"), None, "not a number: shown as stored");
        assert_eq!(en(Date, "2026-05-17").as_deref(), Some("17 May 2026"));
        assert_eq!(nb(Date, "2026-05-17").as_deref(), Some("17.5.2026"));
        assert_eq!(
            en(Date, "2026-05-17T10:30:00Z").as_deref(),
            Some("2026-05-17 10:30 UTC")
        );
        assert_eq!(en(Text, "true"), None, "free text is never rewritten");
        let oslo = readable_value(Locale::nb, Tz::Europe__Oslo, Date, "2026-05-17T10:30:00Z");
        assert_eq!(oslo.as_deref(), Some("17.05.2026 kl. 12:30 CEST"));
    }
}
