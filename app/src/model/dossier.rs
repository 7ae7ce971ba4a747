//! Everything custsync holds about one person, as GDPR article 15 gives them the right to have
//! it: which customer an admin means ([`CustomerLookup`]: by account, async account, email or
//! phone) and why a lookup is refused ([`LookupMistake`]). The storage layer gathers the rows
//! (`storage::dossier`); the server hands them out as one JSON download and on the command line.
//!
//! Article 17 gives them the right to have it erased: every personal value becomes [`ERASED`]
//! (`storage::erasure`), unless an [`ErasureRefusal`] says why not now.

use chrono::{DateTime, Utc};

/// What an erased personal value reads as, in every table that held it.
pub const ERASED: &str = "[erased]";

/// The longest value a lookup takes.
const MAX_LOOKUP_LEN: usize = 200;

/// How an admin names the customer whose data is asked for: exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerLookup {
    /// The real account (`NO0103101`).
    Account(String),
    /// One of the temporary accounts (GUIDs) the channels gave the customer.
    AsyncAccount(String),
    /// An email the customer master or an operation holds (any case, spaces around ignored).
    Email(String),
    /// A phone or mobile number (spaces, `-`, `(`, `)` and `.` ignored).
    Phone(String),
}

/// Why a lookup is refused: each names its parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupMistake {
    /// None of `account`, `async_account`, `email`, `phone` was given.
    Missing,
    /// More than one of them was given.
    SeveralKeys,
    /// A value longer than [`MAX_LOOKUP_LEN`].
    TooLong { param: &'static str },
    /// An `email` without an `@`.
    NotAnEmail,
    /// A `phone` with fewer than 5 digits.
    NotAPhone,
    /// Nothing custsync holds matches.
    NotFound { param: &'static str },
    /// The lookup matches several customers (`accounts`): ask by account.
    SeveralCustomers {
        param: &'static str,
        accounts: Vec<String>,
    },
}

impl LookupMistake {
    /// The parameter it is about.
    pub fn param(&self) -> &'static str {
        match self {
            Self::Missing | Self::SeveralKeys => "account",
            Self::TooLong { param }
            | Self::NotFound { param }
            | Self::SeveralCustomers { param, .. } => param,
            Self::NotAnEmail => "email",
            Self::NotAPhone => "phone",
        }
    }

    /// What an admin reads (English: the download and the command line are for admins).
    pub fn text(&self) -> String {
        match self {
            Self::Missing => {
                "Name the customer: give one of account, async_account, email or phone.".into()
            }
            Self::SeveralKeys => "Give only one of account, async_account, email or phone.".into(),
            Self::TooLong { param } => {
                format!("{param} is longer than {MAX_LOOKUP_LEN} characters.")
            }
            Self::NotAnEmail => "email is not an email address (it has no @).".into(),
            Self::NotAPhone => "phone has fewer than 5 digits.".into(),
            Self::NotFound { param } => {
                format!("No customer or operation holds this {param}.")
            }
            Self::SeveralCustomers { param, accounts } => format!(
                "This {param} belongs to {} customers ({}): ask by account, once for each.",
                accounts.len(),
                accounts.join(", ")
            ),
        }
    }
}

impl CustomerLookup {
    /// The parameter's name.
    pub fn param(&self) -> &'static str {
        match self {
            Self::Account(_) => "account",
            Self::AsyncAccount(_) => "async_account",
            Self::Email(_) => "email",
            Self::Phone(_) => "phone",
        }
    }

    /// The value as the storage layer compares it: an account as given, a GUID and an email in
    /// lower case, a phone as its digits (with a leading `+` kept).
    pub fn key(&self) -> String {
        match self {
            Self::Account(account) => account.clone(),
            Self::AsyncAccount(guid) => guid.to_lowercase(),
            Self::Email(email) => email.to_lowercase(),
            Self::Phone(phone) => phone_digits(phone),
        }
    }

    /// Reads the one lookup among `pairs` (a URL query or the command line's options); empty
    /// values count as not given.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, LookupMistake> {
        let mut found = None;
        for (key, value) in pairs {
            let value = value.trim();
            let make: fn(String) -> Self = match key {
                "account" => Self::Account,
                "async_account" => Self::AsyncAccount,
                "email" => Self::Email,
                "phone" => Self::Phone,
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            if found.is_some() {
                return Err(LookupMistake::SeveralKeys);
            }
            let lookup = make(value.to_owned());
            if value.chars().count() > MAX_LOOKUP_LEN {
                return Err(LookupMistake::TooLong {
                    param: lookup.param(),
                });
            }
            match &lookup {
                Self::Email(email) if !email.contains('@') => {
                    return Err(LookupMistake::NotAnEmail)
                }
                Self::Phone(phone) if phone.chars().filter(char::is_ascii_digit).count() < 5 => {
                    return Err(LookupMistake::NotAPhone)
                }
                _ => {}
            }
            found = Some(lookup);
        }
        found.ok_or(LookupMistake::Missing)
    }
}

/// Why a customer cannot be erased now (besides a lookup's [`LookupMistake`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureRefusal {
    /// Operations of the customer are open in the correction editor, by these people: an
    /// erasure would pull the values from under them.
    BeingCorrected { by: Vec<String> },
    /// The customer (`who`: their account, or their GUID) was erased already, at `at`.
    AlreadyErased { who: String, at: DateTime<Utc> },
    /// The confirmation typed is not the customer's account (or GUID, `expected`).
    NotConfirmed { expected: String },
}

impl ErasureRefusal {
    /// The parameter it is about.
    pub fn param(&self) -> &'static str {
        match self {
            Self::NotConfirmed { .. } => "confirm",
            Self::BeingCorrected { .. } | Self::AlreadyErased { .. } => "account",
        }
    }

    /// What an admin reads (English, as [`LookupMistake::text`]).
    pub fn text(&self) -> String {
        match self {
            Self::BeingCorrected { by } => format!(
                "Operations of this customer are open in the correction editor (by {}): \
                 save or cancel them first.",
                by.join(", ")
            ),
            Self::AlreadyErased { who, at } => format!(
                "{who} was erased already, on {} UTC.",
                at.format("%Y-%m-%d %H:%M")
            ),
            Self::NotConfirmed { expected } => {
                format!("Type the customer's account, {expected}, to confirm the erasure.")
            }
        }
    }
}

/// A phone number's digits, and its leading `+` if it has one: `+47 22 33-44 55` →
/// `+4722334455`.
pub fn phone_digits(phone: &str) -> String {
    let phone = phone.trim();
    let plus = if phone.starts_with('+') { "+" } else { "" };
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    format!("{plus}{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_takes_exactly_one_key_and_names_the_one_it_refuses() {
        assert_eq!(
            CustomerLookup::from_pairs([("email", " Kari@Example.NO ")]),
            Ok(CustomerLookup::Email("Kari@Example.NO".into()))
        );
        assert_eq!(
            CustomerLookup::from_pairs([("account", ""), ("phone", "+47 22 33 44 55")]),
            Ok(CustomerLookup::Phone("+47 22 33 44 55".into()))
        );
        assert_eq!(
            CustomerLookup::from_pairs([("other", "x")]),
            Err(LookupMistake::Missing)
        );
        assert_eq!(
            CustomerLookup::from_pairs([("account", "NO1"), ("email", "a@b.no")]),
            Err(LookupMistake::SeveralKeys)
        );
        assert_eq!(
            CustomerLookup::from_pairs([("email", "kari.example.no")]),
            Err(LookupMistake::NotAnEmail)
        );
        assert_eq!(
            CustomerLookup::from_pairs([("phone", "12-34")]),
            Err(LookupMistake::NotAPhone)
        );
        let long = "x".repeat(201);
        let mistake = CustomerLookup::from_pairs([("async_account", long.as_str())]).unwrap_err();
        assert_eq!(mistake.param(), "async_account");
        assert!(mistake.text().starts_with("async_account is longer"));
    }

    #[test]
    fn keys_compare_guids_and_emails_in_lower_case_and_phones_by_their_digits() {
        assert_eq!(CustomerLookup::Email("Kari@X.no".into()).key(), "kari@x.no");
        assert_eq!(
            CustomerLookup::AsyncAccount("ABC-def".into()).key(),
            "abc-def"
        );
        assert_eq!(
            CustomerLookup::Phone("+47 (22) 33-44.55".into()).key(),
            "+4722334455"
        );
        assert_eq!(phone_digits("22 33 44 55"), "22334455");
    }
}
