//! Formats of contact and address values: email, phone, URL, postal code per country.

use super::ErrorCode;

type Check = Result<(), (ErrorCode, String)>;

/// An email address a receipt can be sent to: valid per RFC 5322 (the `email_address` crate)
/// and with a domain that has a dot, as every deliverable retail customer address does.
pub fn validate_email(value: &str) -> Check {
    let invalid = || {
        Err((
            ErrorCode::InvalidEmail,
            format!("“{value}” is not a valid email address"),
        ))
    };
    if !email_address::EmailAddress::is_valid(value) {
        return invalid();
    }
    match value.rsplit_once('@') {
        Some((_, domain))
            if domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') =>
        {
            Ok(())
        }
        _ => invalid(),
    }
}

/// A phone number: an optional leading `+`, then digits with spaces, dashes, dots or
/// parentheses; 5 to 15 digits (E.164's maximum).
pub fn validate_phone(value: &str) -> Check {
    let body = value.strip_prefix('+').unwrap_or(value);
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if allowed && (5..=15).contains(&digits) {
        Ok(())
    } else {
        Err((
            ErrorCode::InvalidPhone,
            format!("“{value}” is not a valid phone number (digits, optionally starting with +)"),
        ))
    }
}

/// A web address: `http://` or `https://` followed by a host with a dot.
pub fn validate_url(value: &str) -> Check {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host) if host.contains('.') && !host.contains(' ') => Ok(()),
        _ => Err((
            ErrorCode::InvalidUrl,
            format!("“{value}” is not a web address (it should start with https://)"),
        )),
    }
}

/// A postal code in the format of the address country (Norway, Sweden, Denmark, Finland, the
/// United Kingdom); other countries take up to 10 letters, digits, spaces and dashes.
pub fn validate_zip(value: &str, country: Option<&str>) -> Check {
    let digits = |n: usize| value.len() == n && value.bytes().all(|b| b.is_ascii_digit());
    let (ok, expected) = match country {
        Some("NO") => (digits(4), "4 digits, e.g. 0150"),
        Some("DK") => (digits(4), "4 digits, e.g. 2100"),
        Some("FI") => (digits(5), "5 digits, e.g. 00100"),
        Some("SE") => (is_swedish_zip(value), "5 digits, e.g. 111 22"),
        Some("GB") => (is_uk_postcode(value), "a UK postcode, e.g. SW1A 1AA"),
        _ => (
            !value.is_empty()
                && value.len() <= 10
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-'),
            "up to 10 letters and digits",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err((
            ErrorCode::InvalidZip,
            format!("“{value}” is not a valid postal code here: expected {expected}"),
        ))
    }
}

fn is_swedish_zip(value: &str) -> bool {
    let compact: String = value.chars().filter(|c| *c != ' ').collect();
    compact.len() == 5 && compact.bytes().all(|b| b.is_ascii_digit())
}

/// UK postcodes: an outward code (area letters, district digits, optional letter) and an inward
/// code (a digit and two letters).
fn is_uk_postcode(value: &str) -> bool {
    let upper = value.trim().to_ascii_uppercase();
    let Some((outward, inward)) = upper.split_once(' ') else {
        return false;
    };
    let inward = inward.as_bytes();
    let inward_ok = inward.len() == 3
        && inward[0].is_ascii_digit()
        && inward[1].is_ascii_alphabetic()
        && inward[2].is_ascii_alphabetic();
    let outward_ok = (2..=4).contains(&outward.len())
        && outward.as_bytes()[0].is_ascii_alphabetic()
        && outward.bytes().any(|b| b.is_ascii_digit())
        && outward.bytes().all(|b| b.is_ascii_alphanumeric());
    inward_ok && outward_ok
}
