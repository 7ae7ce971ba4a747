//! Formats of contact and address values: email, phone, URL, postal code per country.

use super::{Reason, ZipFormat};

type Check = Result<(), Reason>;

/// An email address a receipt can be sent to: valid per RFC 5322 (the `email_address` crate)
/// and with a domain that has a dot, as every deliverable retail customer address does.
pub fn validate_email(value: &str) -> Check {
    let invalid = || {
        Err(Reason::InvalidEmail {
            value: value.to_owned(),
        })
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
        Err(Reason::InvalidPhone {
            value: value.to_owned(),
        })
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
        _ => Err(Reason::InvalidUrl {
            value: value.to_owned(),
        }),
    }
}

/// A postal code in the format of the address country (Norway, Sweden, Denmark, Finland, the
/// United Kingdom); other countries take up to 10 letters, digits, spaces and dashes.
pub fn validate_zip(value: &str, country: Option<&str>) -> Check {
    let digits = |n: usize| value.len() == n && value.bytes().all(|b| b.is_ascii_digit());
    let (ok, format) = match country {
        Some("NO") => (digits(4), ZipFormat::Norway),
        Some("DK") => (digits(4), ZipFormat::Denmark),
        Some("FI") => (digits(5), ZipFormat::Finland),
        Some("SE") => (is_swedish_zip(value), ZipFormat::Sweden),
        Some("GB") => (is_uk_postcode(value), ZipFormat::Uk),
        _ => (
            !value.is_empty()
                && value.len() <= 10
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-'),
            ZipFormat::Other,
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(Reason::InvalidZip {
            value: value.to_owned(),
            format,
        })
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
