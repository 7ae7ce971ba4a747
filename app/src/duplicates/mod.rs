//! Possible duplicates, the server's side: the keys a customer is matched by ([`keys`]), which
//! existing customer a create most looks like, and the side-by-side comparison a person decides
//! on. The Synchronize job asks; storage keeps the keys (`storage::match_keys`) and carries out
//! the decisions (`storage::duplicates`).

pub mod keys;

use std::collections::BTreeMap;

use crate::model::duplicate::{ComparedField, MatchRule};
use keys::{email_key, folded, phone_key, PersonValues};

/// The fields the comparison shows, in order.
pub const COMPARED: &[&str] = &[
    "name",
    "email",
    "phone",
    "cellular_phone",
    "street",
    "street_number",
    "zip",
    "city",
    "country",
];

impl PersonValues {
    /// The values the rules look at, from standard fields by key (an operation's new values,
    /// or a customer's), with the country phone numbers are read in.
    pub fn from_fields(fields: &BTreeMap<String, String>, country: Option<&str>) -> Self {
        let get = |key: &str| {
            fields
                .get(key)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let name = get("name").or_else(|| {
            let parts: Vec<String> = ["first_name", "middle_name", "last_name"]
                .into_iter()
                .filter_map(get)
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        Self {
            email: get("email"),
            phone: get("phone"),
            cellular_phone: get("cellular_phone"),
            name,
            street: get("street"),
            street_number: get("street_number"),
            zip: get("zip"),
            country: country.map(str::to_owned).or_else(|| get("country")),
        }
    }
}

/// The phone fields: a number in one matches the same number in the other.
const PHONES: &[&str] = &["phone", "cellular_phone"];

/// The existing customer a create most looks like, given every `(rule, account)` its keys
/// matched: the one matched by the most rules, then the lowest account; with its rules.
pub fn best_match(matches: &[(MatchRule, String)]) -> Option<(String, Vec<MatchRule>)> {
    let mut by_account: BTreeMap<&str, Vec<MatchRule>> = BTreeMap::new();
    for (rule, account) in matches {
        let rules = by_account.entry(account.as_str()).or_default();
        if !rules.contains(rule) {
            rules.push(*rule);
        }
    }
    by_account
        .into_iter()
        .max_by(|(a, ra), (b, rb)| ra.len().cmp(&rb.len()).then(b.cmp(a)))
        .map(|(account, mut rules)| {
            rules.sort();
            (account.to_owned(), rules)
        })
}

/// The comparison of an incoming create's values with an existing customer's, field by field
/// ([`COMPARED`]), each marked when both hold the same value as the rules compare it (a phone
/// field also when its number is the other side's phone or mobile).
pub fn compare(
    incoming: &BTreeMap<String, String>,
    existing: &BTreeMap<String, String>,
    country: Option<&str>,
) -> Vec<ComparedField> {
    let normalized = |field: &str, value: &str| match field {
        "email" => email_key(value),
        "phone" | "cellular_phone" => phone_key(value, country).or_else(|| Some(folded(value))),
        _ => Some(folded(value)).filter(|v| !v.is_empty()),
    };
    // A number is the same as either of the other side's (a mobile given as the phone).
    let phones = |values: &BTreeMap<String, String>| -> Vec<String> {
        PHONES
            .iter()
            .filter_map(|f| normalized(f, values.get(*f)?))
            .collect()
    };
    let (incoming_phones, existing_phones) = (phones(incoming), phones(existing));
    COMPARED
        .iter()
        .map(|field| {
            let incoming = incoming.get(*field).cloned();
            let existing = existing.get(*field).cloned();
            let same = if PHONES.contains(field) {
                let found = |value: &Option<String>, among: &[String]| {
                    value
                        .as_deref()
                        .and_then(|v| normalized(field, v))
                        .is_some_and(|v| among.contains(&v))
                };
                found(&incoming, &existing_phones) || found(&existing, &incoming_phones)
            } else {
                match (&incoming, &existing) {
                    (Some(a), Some(b)) => {
                        let a = normalized(field, a);
                        a.is_some() && a == normalized(field, b)
                    }
                    _ => false,
                }
            };
            ComparedField {
                field: (*field).to_owned(),
                incoming,
                existing,
                same,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_customer_matched_by_the_most_rules_is_the_one_shown() {
        let matches = [
            (MatchRule::Phone, "NO0100002".to_owned()),
            (MatchRule::Email, "NO0100007".to_owned()),
            (MatchRule::NameAddress, "NO0100007".to_owned()),
        ];
        assert_eq!(
            best_match(&matches),
            Some((
                "NO0100007".to_owned(),
                vec![MatchRule::Email, MatchRule::NameAddress]
            ))
        );
        assert_eq!(best_match(&[]), None);
    }

    #[test]
    fn among_equals_the_lowest_account_is_shown() {
        let matches = [
            (MatchRule::Phone, "NO0100009".to_owned()),
            (MatchRule::Phone, "NO0100003".to_owned()),
        ];
        assert_eq!(best_match(&matches).unwrap().0, "NO0100003");
    }

    #[test]
    fn a_name_is_made_of_its_parts_when_the_full_name_is_missing() {
        let person = PersonValues::from_fields(
            &values(&[
                ("first_name", "Kari"),
                ("last_name", "Nordmann"),
                ("country", "NO"),
            ]),
            None,
        );
        assert_eq!(person.name.as_deref(), Some("Kari Nordmann"));
        assert_eq!(person.country.as_deref(), Some("NO"));
    }

    #[test]
    fn the_comparison_marks_the_fields_that_are_the_same_as_the_rules_see_them() {
        let incoming = values(&[
            ("name", "kari nordmann"),
            ("email", "KARI@example.no"),
            ("phone", "22 33 44 55"),
            ("city", "Bergen"),
        ]);
        let existing = values(&[
            ("name", "Kari Nordmann"),
            ("email", "kari@example.no"),
            ("phone", "+47 22334455"),
            ("city", "Oslo"),
        ]);
        let rows = compare(&incoming, &existing, Some("NO"));
        let same: Vec<&str> = rows
            .iter()
            .filter(|r| r.same)
            .map(|r| r.field.as_str())
            .collect();
        assert_eq!(same, ["name", "email", "phone"]);
        assert_eq!(rows.len(), COMPARED.len());
    }

    #[test]
    fn a_mobile_given_as_the_phone_is_marked_on_both_rows() {
        let incoming = values(&[("cellular_phone", "+47 412 34 567")]);
        let existing = values(&[("phone", "41234567")]);
        let same: Vec<String> = compare(&incoming, &existing, Some("NO"))
            .into_iter()
            .filter(|r| r.same)
            .map(|r| r.field)
            .collect();
        assert_eq!(same, ["phone", "cellular_phone"]);
    }
}
