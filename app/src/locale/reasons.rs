//! Why a value was refused, said in the reader's language: the sentence of each
//! [`Reason`], and of an operation's last error.

use super::{td_string, Locale};
use crate::model::{
    reason::{ErrorCode, ZipFormat},
    CustomerField, LastError, Reason, ReferenceKind,
};

impl Reason {
    /// The sentence a person reads, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            Self::InvalidEmail { value } => {
                td_string!(locale, reason.invalid_email, value).to_string()
            }
            Self::InvalidPhone { value } => {
                td_string!(locale, reason.invalid_phone, value).to_string()
            }
            Self::InvalidUrl { value } => td_string!(locale, reason.invalid_url, value).to_string(),
            Self::InvalidZip { value, format } => {
                let expected = match format {
                    ZipFormat::Norway => td_string!(locale, reason.zip_norway),
                    ZipFormat::Denmark => td_string!(locale, reason.zip_denmark),
                    ZipFormat::Finland => td_string!(locale, reason.zip_finland),
                    ZipFormat::Sweden => td_string!(locale, reason.zip_sweden),
                    ZipFormat::Uk => td_string!(locale, reason.zip_uk),
                    ZipFormat::Other => td_string!(locale, reason.zip_other),
                };
                td_string!(locale, reason.invalid_zip, value, expected).to_string()
            }
            Self::TooLong { length, max } => {
                td_string!(locale, reason.too_long, length, max).to_string()
            }
            Self::Required { field } => {
                let label =
                    CustomerField::from_key(field).map_or(field.as_str(), |f| match locale {
                        Locale::en => f.label_en(),
                        Locale::nb => f.label_nb(),
                    });
                td_string!(locale, reason.required, label).to_string()
            }
            Self::UnknownReference { value, kind } => {
                let noun = match kind {
                    ReferenceKind::CustomerGroup => td_string!(locale, reason.customer_group),
                    ReferenceKind::Currency => td_string!(locale, reason.currency),
                    ReferenceKind::Language => td_string!(locale, reason.language),
                    ReferenceKind::PriceGroup => td_string!(locale, reason.price_group),
                    ReferenceKind::TaxGroup => td_string!(locale, reason.tax_group),
                    ReferenceKind::Country => td_string!(locale, reason.country),
                };
                td_string!(locale, reason.unknown_reference, value, noun).to_string()
            }
            Self::NotInList { value, allowed } => {
                let allowed = allowed.join(", ");
                td_string!(locale, reason.not_in_list, value, allowed).to_string()
            }
            Self::NotWholeNumber { value } => {
                td_string!(locale, reason.not_whole_number, value).to_string()
            }
            Self::NotANumber { value } => {
                td_string!(locale, reason.not_a_number, value).to_string()
            }
            Self::TooManyDecimals => td_string!(locale, reason.too_many_decimals).to_owned(),
            Self::NegativeAmount => td_string!(locale, reason.negative_amount).to_owned(),
            Self::NotYesOrNo { value } => {
                td_string!(locale, reason.not_yes_or_no, value).to_string()
            }
            Self::NotADate { value } => td_string!(locale, reason.not_a_date, value).to_string(),
            Self::OutOfRange { min, max, unit } => {
                let with_unit = |n: f64| {
                    let n = number(locale, n);
                    match unit {
                        Some(unit) => format!("{n} {unit}"),
                        None => n,
                    }
                };
                match (min.map(with_unit), max.map(with_unit)) {
                    (Some(min), Some(max)) => {
                        td_string!(locale, reason.between, min, max).to_string()
                    }
                    (Some(min), None) => td_string!(locale, reason.at_least, min).to_string(),
                    (None, Some(max)) => td_string!(locale, reason.at_most, max).to_string(),
                    (None, None) => td_string!(locale, reason.out_of_range).to_owned(),
                }
            }
            Self::UnknownAttribute { name } => {
                td_string!(locale, reason.unknown_attribute, name).to_string()
            }
            Self::UnknownField { name } => {
                td_string!(locale, reason.unknown_field, name).to_string()
            }
            Self::DuplicateEmail {
                email,
                owner,
                entity,
            } => td_string!(locale, reason.duplicate_email, email, owner, entity).to_string(),
            Self::AlreadyExists { account } => {
                td_string!(locale, reason.already_exists, account).to_string()
            }
            Self::SequenceExhausted { entity } => {
                td_string!(locale, reason.sequence_exhausted, entity).to_string()
            }
            Self::CustomerNotSynced => td_string!(locale, reason.customer_not_synced).to_owned(),
            Self::ControlCharacter {
                position,
                code_point,
            } => td_string!(locale, reason.control_character, position, code_point).to_string(),
            Self::CreateNeverReceived => {
                td_string!(locale, reason.create_never_received).to_owned()
            }
            Self::CustomerErased => td_string!(locale, reason.customer_erased).to_owned(),
        }
    }
}

impl Reason {
    /// Whether its sentence names the field itself (“Street is required”), so it needs no
    /// field name before it.
    pub fn names_its_field(&self) -> bool {
        matches!(self, Self::Required { .. })
    }
}

impl LastError {
    /// The field name to say before the sentence: `name`, unless the sentence names the
    /// field itself.
    pub fn lead<'a>(&self, name: Option<&'a str>) -> Option<&'a str> {
        name.filter(|_| !self.reason.as_ref().is_some_and(Reason::names_its_field))
    }

    /// The sentence in `locale`, led by the field's `name` (see [`Self::lead`]).
    pub fn text_with_field(&self, locale: Locale, name: Option<&str>) -> String {
        match self.lead(name) {
            Some(name) => format!("{name}: {}", self.text(locale)),
            None => self.text(locale),
        }
    }

    /// The sentence in `locale`: from the reason when there is one; a transient error (the
    /// database did not answer, retried by itself) in the locale's words; else as stored.
    pub fn text(&self, locale: Locale) -> String {
        match &self.reason {
            Some(reason) => reason.text(locale),
            None if self.code == ErrorCode::Transient.as_str() => {
                td_string!(locale, reason.transient).to_owned()
            }
            None => self.message.clone(),
        }
    }
}

/// A bound as written: no needless decimals, the locale's decimal sign.
fn number(locale: Locale, n: f64) -> String {
    let text = if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    };
    text.replace('.', td_string!(locale, format.decimal))
}
