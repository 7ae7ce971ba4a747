//! A failure group's cause, said in the reader's language without the values that differ from
//! one operation to the next: "Receipt email is not a valid email address".

use super::{td_string, Locale};
use crate::model::{detail::FieldName, FailureGroup};

impl FailureGroup {
    /// The cause in `locale`: the field's name (`field`, else its key) and what is wrong with
    /// it; or a sentence of its own when the error is not about one field's value.
    pub fn title(&self, locale: Locale, field: Option<&FieldName>) -> String {
        let name = || {
            field.map_or_else(
                || FieldName::of_key(&self.field).get(locale).to_owned(),
                |f| f.get(locale).to_owned(),
            )
        };
        let about_field = |predicate: &str| format!("{} {predicate}", name());
        let quoted = |predicate: &str| format!("“{}” {predicate}", self.field);
        match self.reason.as_str() {
            "invalid_email" => about_field(td_string!(locale, failures.cause.invalid_email)),
            "invalid_phone" => about_field(td_string!(locale, failures.cause.invalid_phone)),
            "invalid_url" => about_field(td_string!(locale, failures.cause.invalid_url)),
            "invalid_zip" => about_field(td_string!(locale, failures.cause.invalid_zip)),
            "too_long" => about_field(td_string!(locale, failures.cause.too_long)),
            "required" => about_field(td_string!(locale, failures.cause.required)),
            "unknown_reference" => {
                about_field(td_string!(locale, failures.cause.unknown_reference))
            }
            "not_in_list" => about_field(td_string!(locale, failures.cause.not_in_list)),
            "not_whole_number" => about_field(td_string!(locale, failures.cause.not_whole_number)),
            "not_a_number" => about_field(td_string!(locale, failures.cause.not_a_number)),
            "too_many_decimals" => {
                about_field(td_string!(locale, failures.cause.too_many_decimals))
            }
            "negative_amount" => about_field(td_string!(locale, failures.cause.negative_amount)),
            "not_yes_or_no" => about_field(td_string!(locale, failures.cause.not_yes_or_no)),
            "not_a_date" => about_field(td_string!(locale, failures.cause.not_a_date)),
            "out_of_range" => about_field(td_string!(locale, failures.cause.out_of_range)),
            "duplicate_email" => about_field(td_string!(locale, failures.cause.duplicate_email)),
            "control_character" => {
                about_field(td_string!(locale, failures.cause.control_character))
            }
            "unknown_attribute" => quoted(td_string!(locale, failures.cause.unknown_attribute)),
            "unknown_field" => quoted(td_string!(locale, failures.cause.unknown_field)),
            "already_exists" => td_string!(locale, failures.cause.already_exists).to_owned(),
            "sequence_exhausted" => {
                td_string!(locale, failures.cause.sequence_exhausted).to_owned()
            }
            "customer_not_synced" => {
                td_string!(locale, failures.cause.customer_not_synced).to_owned()
            }
            "create_never_received" => {
                td_string!(locale, failures.cause.create_never_received).to_owned()
            }
            "customer_erased" => td_string!(locale, failures.cause.customer_erased).to_owned(),
            _ if self.code == "transient" => {
                td_string!(locale, failures.cause.transient).to_owned()
            }
            _ => {
                let code = self.code.as_str();
                td_string!(locale, failures.cause.other, code).to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorCode, Reason};

    #[test]
    fn a_cause_names_the_field_once_and_no_value() {
        let group = FailureGroup::of(
            ErrorCode::InvalidEmail,
            "receipt_email",
            Some(&Reason::InvalidEmail {
                value: "ola@@example.no".into(),
            }),
        );
        assert_eq!(
            group.title(Locale::en, None),
            "Receipt email is not a valid email address"
        );
        let nb = group.title(Locale::nb, None);
        assert!(nb.ends_with("er ikke en gyldig e-postadresse"), "{nb}");
        assert!(!nb.contains("receipt_email"), "{nb}");
    }

    #[test]
    fn every_kind_of_reason_has_words_of_its_own() {
        let reasons = [
            Reason::InvalidEmail { value: "x".into() },
            Reason::InvalidPhone { value: "x".into() },
            Reason::InvalidUrl { value: "x".into() },
            Reason::TooLong { length: 2, max: 1 },
            Reason::Required {
                field: "name".into(),
            },
            Reason::NotWholeNumber { value: "x".into() },
            Reason::NotANumber { value: "x".into() },
            Reason::TooManyDecimals,
            Reason::NegativeAmount,
            Reason::NotYesOrNo { value: "x".into() },
            Reason::NotADate { value: "x".into() },
            Reason::UnknownAttribute { name: "x".into() },
            Reason::UnknownField { name: "x".into() },
            Reason::AlreadyExists {
                account: "x".into(),
            },
            Reason::SequenceExhausted { entity: "x".into() },
            Reason::CustomerNotSynced,
            Reason::CreateNeverReceived,
            Reason::CustomerErased,
        ];
        for locale in [Locale::en, Locale::nb] {
            let fallback =
                FailureGroup::of(ErrorCode::InvalidEmail, "name", None).title(locale, None);
            for reason in &reasons {
                let title =
                    FailureGroup::of(reason.code(), "name", Some(reason)).title(locale, None);
                assert_ne!(title, fallback, "{reason:?}");
                assert!(!title.contains("{{"), "{title}");
            }
        }
    }
}
