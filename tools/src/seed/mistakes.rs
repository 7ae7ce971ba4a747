//! The mistakes channels really make, injected into demo operations so that every kind of
//! failure an administrator must fix appears (and fails in real validation, not by decree).

use rand::{seq::IndexedRandom, Rng};
use rand_chacha::ChaCha8Rng;

use super::people::Locale;

/// A kind of mistake in a create or an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    MalformedEmail,
    MalformedReceiptEmail,
    MalformedPhone,
    StreetTooLong,
    CountyTooLong,
    MissingCity,
    MissingStreet,
    BadZip,
    UnknownCustomerGroup,
    UnknownCurrency,
    UnknownLanguage,
    UnknownTaxGroup,
    UnknownCountry,
    AttributeWrongType,
    AttributeOutOfRange,
    AttributeNotInList,
    DuplicateEmail,
}

/// Every mistake with its relative frequency.
const WEIGHTED: &[(Mistake, u32)] = &[
    (Mistake::MalformedEmail, 14),
    (Mistake::MalformedReceiptEmail, 10),
    (Mistake::MalformedPhone, 8),
    (Mistake::StreetTooLong, 5),
    (Mistake::CountyTooLong, 4),
    (Mistake::MissingCity, 6),
    (Mistake::MissingStreet, 3),
    (Mistake::BadZip, 6),
    (Mistake::UnknownCustomerGroup, 7),
    (Mistake::UnknownCurrency, 3),
    (Mistake::UnknownLanguage, 3),
    (Mistake::UnknownTaxGroup, 3),
    (Mistake::UnknownCountry, 3),
    (Mistake::AttributeWrongType, 6),
    (Mistake::AttributeOutOfRange, 6),
    (Mistake::AttributeNotInList, 5),
    (Mistake::DuplicateEmail, 8),
];

/// Draws a mistake.
pub fn pick(rng: &mut impl Rng) -> Mistake {
    WEIGHTED
        .choose_weighted(rng, |(_, w)| *w)
        .map(|(m, _)| *m)
        .unwrap_or(Mistake::MalformedEmail)
}

/// A malformed version of a good email address, as typed at a busy till.
pub fn malformed_email(rng: &mut impl Rng, good: &str) -> String {
    let (local, domain) = good.split_once('@').unwrap_or((good, "gmail.com"));
    let base = domain.split('.').next().unwrap_or("gmail");
    match rng.random_range(0..6) {
        0 => format!("{local}@{base}"),
        1 => format!("{local}@@{domain}"),
        2 => format!("{local}(at){domain}"),
        3 => format!("{local}@"),
        4 => format!("{local} @{domain}"),
        _ => format!("{local}.{domain}"),
    }
}

/// A phone number nobody can call.
pub fn malformed_phone(rng: &mut impl Rng, locale: &Locale) -> String {
    let samples: [String; 4] = [
        format!("{} 9", locale.phone_prefix),
        "ring etter kl 16".to_owned(),
        "12ab 34 567".to_owned(),
        format!("{}{}", locale.phone_prefix, "0".repeat(18)),
    ];
    samples.choose(rng).cloned().unwrap_or_default()
}

/// A street line where the cashier typed the whole delivery note into the street field.
pub fn long_street(street: &str) -> String {
    let note = " (bakinngang, ring på hos naboen dersom ingen svarer, pakken kan settes i boden \
                bak garasjen ved siden av den grønne søppeldunken, husk å lukke porten etter deg \
                fordi hunden ikke får gå løs, takk!)";
    let mut long = format!("{street}{note}");
    while long.chars().count() <= 250 {
        long.push_str(note);
    }
    long
}

/// Puts one mistake into a customer's fields. `taken_email` is another customer's email, for
/// a duplicate.
pub fn inject(
    rng: &mut ChaCha8Rng,
    fields: &mut Vec<(String, String)>,
    mistake: Mistake,
    locale: &Locale,
    entity: &str,
    taken_email: Option<String>,
) {
    let current = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let pick = |rng: &mut ChaCha8Rng, options: &[&str]| {
        (*options.choose(rng).unwrap_or(&options[0])).to_owned()
    };
    let changes: Vec<(&str, String)> = match mistake {
        Mistake::MalformedEmail => {
            vec![("email", malformed_email(rng, &current("email")))]
        }
        Mistake::MalformedReceiptEmail => vec![
            ("receipt_option", "Email".into()),
            ("receipt_email", malformed_email(rng, &current("email"))),
        ],
        Mistake::MalformedPhone => {
            vec![("cellular_phone", malformed_phone(rng, locale))]
        }
        Mistake::StreetTooLong => vec![("street", long_street(&current("street")))],
        Mistake::CountyTooLong => vec![(
            "county",
            if entity == "NO01" {
                "Trøndelag fylkeskommune"
            } else {
                "Greater Manchester"
            }
            .into(),
        )],
        Mistake::MissingCity => vec![("city", String::new())],
        Mistake::MissingStreet => vec![("street", String::new())],
        Mistake::BadZip => {
            let zip = current("zip");
            vec![(
                "zip",
                if entity == "NO01" {
                    format!("N-{zip}")
                } else {
                    zip.replace(' ', "")
                },
            )]
        }
        Mistake::UnknownCustomerGroup => vec![(
            "customer_group",
            pick(rng, &["VIP", "Ansatt", "GOLD-KLUBB", "Retail "]),
        )],
        Mistake::UnknownCurrency => vec![("currency", pick(rng, &["NKR", "KR", "EURO", "£"]))],
        Mistake::UnknownLanguage => {
            vec![("language", pick(rng, &["no", "norsk", "en-UK", "nb_NO"]))]
        }
        Mistake::UnknownTaxGroup => {
            vec![("tax_group", pick(rng, &["MVA30", "STD", "VAT17.5"]))]
        }
        Mistake::UnknownCountry => vec![("country", pick(rng, &["NOR", "UK", "Norge", "EN"]))],
        Mistake::AttributeWrongType => {
            let (key, value) = *[
                ("attr:shoe_size", "stor"),
                ("attr:birth_year", "syttiåtte"),
                ("attr:newsletter_opt_in", "kanskje"),
                ("attr:member_since", "17.05.2021"),
            ]
            .choose(rng)
            .unwrap_or(&("attr:shoe_size", "stor"));
            vec![(key, value.to_owned())]
        }
        Mistake::AttributeOutOfRange => {
            let (key, value) = *[
                ("attr:shoe_size", "62"),
                ("attr:birth_year", "1875"),
                ("attr:household_size", "40"),
                ("attr:height_cm", "17"),
            ]
            .choose(rng)
            .unwrap_or(&("attr:shoe_size", "62"));
            vec![(key, value.to_owned())]
        }
        Mistake::AttributeNotInList => {
            vec![("attr:loyalty_tier", pick(rng, &["Diamant", "Gull", "VIP"]))]
        }
        Mistake::DuplicateEmail => taken_email
            .map(|email| vec![("email", email)])
            .unwrap_or_default(),
    };
    for (key, value) in changes {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => fields.push((key.to_owned(), value)),
        }
    }
}
