//! The mistakes channels really make, injected into demo operations so that every kind of
//! failure an administrator must fix appears (and fails in real validation, not by decree).

use rand::{seq::IndexedRandom, Rng};

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
