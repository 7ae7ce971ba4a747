//! The normalized keys a customer is matched by: the same person typed at two tills rarely
//! gives the same bytes. Email: trimmed, lower case. Phone: E.164, read with the channel's
//! country (`22 33 44 55` in Norway is `+4722334455`). Name + street + ZIP: transliterated to
//! ASCII (`Søren Ødegård` → `soren odegard`), lower case, letters and digits only, so spacing,
//! punctuation and diacritics do not matter.

use phonenumber::country;

use crate::model::duplicate::MatchRule;

/// The values of a customer (or of a create) that the rules look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonValues {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub cellular_phone: Option<String>,
    pub name: Option<String>,
    pub street: Option<String>,
    pub street_number: Option<String>,
    pub zip: Option<String>,
    /// The country phone numbers without a `+` are read in (ISO 3166 alpha-2).
    pub country: Option<String>,
}

/// The standard fields the rules read (a name from its parts when the full name is missing).
pub const PERSON_FIELDS: &[&str] = &[
    "name",
    "first_name",
    "middle_name",
    "last_name",
    "email",
    "phone",
    "cellular_phone",
    "street",
    "street_number",
    "zip",
];

/// One normalized key.
pub type MatchKey = (MatchRule, String);

/// Every key of `values`, without repeats: a rule gives no key when a value it needs is empty.
pub fn keys_of(values: &PersonValues) -> Vec<MatchKey> {
    let mut keys = Vec::new();
    if let Some(email) = values.email.as_deref().and_then(email_key) {
        keys.push((MatchRule::Email, email));
    }
    for phone in [&values.phone, &values.cellular_phone] {
        if let Some(key) = phone
            .as_deref()
            .and_then(|p| phone_key(p, values.country.as_deref()))
        {
            if !keys.contains(&(MatchRule::Phone, key.clone())) {
                keys.push((MatchRule::Phone, key));
            }
        }
    }
    let parts = [
        values.name.as_deref().map(folded),
        values.street.as_deref().map(|s| {
            folded(&format!(
                "{s} {}",
                values.street_number.as_deref().unwrap_or("")
            ))
        }),
        values.zip.as_deref().map(folded),
    ];
    if parts
        .iter()
        .all(|p| p.as_deref().is_some_and(|p| !p.is_empty()))
    {
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        keys.push((MatchRule::NameAddress, parts.join("|")));
    }
    keys
}

/// An email as the rules compare it; `None` when empty.
pub fn email_key(email: &str) -> Option<String> {
    let email = email.trim();
    (!email.is_empty()).then(|| email.to_lowercase())
}

/// A phone number in E.164 (`+4722334455`), read in `country` unless it starts with `+`;
/// `None` when it is not a phone number.
pub fn phone_key(phone: &str, country: Option<&str>) -> Option<String> {
    let country = country.and_then(|c| c.trim().to_uppercase().parse::<country::Id>().ok());
    let number = phonenumber::parse(country, phone.trim()).ok()?;
    Some(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Loads the phone-number metadata now (a third of a second, half a megabyte), so that the
/// first Synchronize run after a start does not pay for it in the middle of its batch.
pub fn warm_up() {
    let _ = phone_key("+47 22 33 44 55", Some("NO"));
}

/// Text as the name-and-address rule compares it: ASCII, lower case, letters and digits only.
pub fn folded(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kari() -> PersonValues {
        PersonValues {
            email: Some(" Kari.Nordmann@Example.NO ".into()),
            phone: Some("22 33 44 55".into()),
            cellular_phone: Some("+47 412 34 567".into()),
            name: Some("Kari Nordmann".into()),
            street: Some("Strandgaten".into()),
            street_number: Some("1".into()),
            zip: Some("5013".into()),
            country: Some("NO".into()),
        }
    }

    #[test]
    fn an_email_matches_whatever_its_case_and_surrounding_spaces() {
        assert_eq!(
            email_key(" Kari.Nordmann@Example.NO "),
            Some("kari.nordmann@example.no".into())
        );
        assert_eq!(email_key("   "), None);
    }

    #[test]
    fn a_phone_is_read_in_the_channels_country_unless_it_says_its_own() {
        assert_eq!(
            phone_key("22 33 44 55", Some("NO")),
            Some("+4722334455".into())
        );
        assert_eq!(
            phone_key("+47 22-33-44-55", Some("SE")),
            Some("+4722334455".into())
        );
        assert_eq!(phone_key("+4722334455", None), Some("+4722334455".into()));
        assert_eq!(
            phone_key("020 7946 0018", Some("GB")),
            Some("+442079460018".into())
        );
        assert_eq!(phone_key("not a phone", Some("NO")), None);
    }

    #[test]
    fn name_and_address_ignore_case_spacing_punctuation_and_diacritics() {
        assert_eq!(folded("Søren  Ødegård-Æsop"), "sorenodegardaesop");
        let typed_at_another_till = PersonValues {
            name: Some("KARI  NORDMANN".into()),
            street: Some("Strandgaten 1".into()),
            street_number: None,
            zip: Some(" 5013".into()),
            ..PersonValues::default()
        };
        let key = |v: &PersonValues| {
            keys_of(v)
                .into_iter()
                .find(|(rule, _)| *rule == MatchRule::NameAddress)
        };
        assert_eq!(key(&kari()), key(&typed_at_another_till));
        assert!(key(&kari()).is_some());
    }

    #[test]
    fn a_rule_gives_no_key_when_a_value_it_needs_is_missing() {
        let no_zip = PersonValues {
            zip: None,
            ..kari()
        };
        let rules: Vec<MatchRule> = keys_of(&no_zip).into_iter().map(|(r, _)| r).collect();
        assert_eq!(
            rules,
            [MatchRule::Email, MatchRule::Phone, MatchRule::Phone]
        );
        assert_eq!(keys_of(&PersonValues::default()), []);
    }

    #[test]
    fn the_same_number_as_phone_and_mobile_is_one_key() {
        let twice = PersonValues {
            cellular_phone: Some("+47 22 33 44 55".into()),
            ..kari()
        };
        let phones = keys_of(&twice)
            .into_iter()
            .filter(|(r, _)| *r == MatchRule::Phone)
            .count();
        assert_eq!(phones, 1);
    }
}
