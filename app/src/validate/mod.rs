//! Field validation: pure functions that run on the server (Synchronize job, Save) and in the
//! browser on every keystroke of a correction. No I/O here: everything a check needs arrives in
//! a [`ValidationContext`].

mod attributes;
pub mod editor;
mod formats;

pub use crate::model::{
    reason::{ErrorCode, Reason, ZipFormat},
    validation_context::ValidationContext,
};
pub use attributes::{parse_bool, validate_attribute};
pub use formats::{validate_email, validate_phone, validate_url, validate_zip};

use serde::{Deserialize, Serialize};

use crate::model::{
    field::ATTRIBUTE_PREFIX, CustomerField, FieldKind, OperationField, OperationKind,
};

/// A refused value: which field, why (code), a sentence a person understands (English, for
/// channels and the stored last error) and, when validation refused it, the reason as data, so
/// the page can say it in the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Box<Reason>>,
}

impl FieldError {
    /// An error known only by its code and English sentence (a database problem, say).
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
            reason: None,
        }
    }

    /// `field` refused for `reason`.
    pub fn because(field: impl Into<String>, reason: Reason) -> Self {
        Self {
            field: field.into(),
            code: reason.code(),
            message: reason.text(crate::locale::Locale::en),
            reason: Some(Box::new(reason)),
        }
    }

    /// The sentence in `locale` (the stored English one when there is no reason).
    pub fn text(&self, locale: crate::locale::Locale) -> String {
        self.reason
            .as_ref()
            .map_or_else(|| self.message.clone(), |r| r.text(locale))
    }
}

/// Checks one new value of one field. `country` is the operation's address country, which
/// decides the postal code format. An empty value is valid here; required fields are checked
/// by [`validate_operation`].
pub fn validate_value(
    field: &str,
    value: &str,
    country: Option<&str>,
    ctx: &ValidationContext,
) -> Result<(), FieldError> {
    if value.is_empty() {
        return Ok(());
    }
    check_characters(value).map_err(|r| FieldError::because(field, r))?;
    if let Some(name) = field.strip_prefix(ATTRIBUTE_PREFIX) {
        return match ctx.attribute(name) {
            Some(definition) => {
                validate_attribute(definition, value).map_err(|r| FieldError::because(field, r))
            }
            None => Err(FieldError::because(
                field,
                Reason::UnknownAttribute {
                    name: name.to_owned(),
                },
            )),
        };
    }
    let Some(standard) = CustomerField::from_key(field) else {
        return Err(FieldError::because(
            field,
            Reason::UnknownField {
                name: field.to_owned(),
            },
        ));
    };
    check_kind(standard.kind(), value, country, ctx).map_err(|r| FieldError::because(field, r))
}

/// Refuses control characters (C0, DEL and C1: NUL, escape, a form feed…) in any value: they
/// cannot be typed, print as nothing or as garbage on a receipt, and break the feeds and files
/// the value goes on to. No customer field holds more than one line, so tab and newline are
/// refused too.
pub fn check_characters(value: &str) -> Result<(), Reason> {
    match value.chars().position(char::is_control) {
        Some(at) => Err(Reason::ControlCharacter {
            position: at + 1,
            code_point: format!("U+{:04X}", value.chars().nth(at).map_or(0, u32::from)),
        }),
        None => Ok(()),
    }
}

fn check_kind(
    kind: FieldKind,
    value: &str,
    country: Option<&str>,
    ctx: &ValidationContext,
) -> Result<(), Reason> {
    match kind {
        FieldKind::Text { max_len } => {
            let len = value.chars().count();
            if len > max_len {
                return Err(Reason::TooLong {
                    length: len,
                    max: max_len,
                });
            }
            Ok(())
        }
        FieldKind::Email => validate_email(value),
        FieldKind::Phone => validate_phone(value),
        FieldKind::Url => validate_url(value),
        FieldKind::Zip => validate_zip(value, country),
        FieldKind::Reference(reference) => {
            if ctx.is_known(reference, value) {
                Ok(())
            } else {
                Err(Reason::UnknownReference {
                    value: value.to_owned(),
                    kind: reference,
                })
            }
        }
        FieldKind::Choice(allowed) => {
            if allowed.contains(&value) {
                Ok(())
            } else {
                Err(Reason::NotInList {
                    value: value.to_owned(),
                    allowed: allowed.iter().map(|a| a.to_string()).collect(),
                })
            }
        }
        FieldKind::Decimal => attributes::parse_decimal(value).map(|_| ()),
        FieldKind::Boolean => attributes::parse_bool(value).map(|_| ()),
    }
}

/// Fields a new customer must have.
pub const REQUIRED_FOR_CREATE: &[CustomerField] = &[CustomerField::Name];
/// Address fields required as soon as an operation carries an address.
pub const REQUIRED_ADDRESS: &[CustomerField] = &[
    CustomerField::Street,
    CustomerField::City,
    CustomerField::Zip,
    CustomerField::Country,
];

/// Checks every new value of an operation, then what the operation as a whole needs (required
/// fields of a create, a complete address). Returns every problem, in field order.
pub fn validate_operation(
    kind: OperationKind,
    fields: &[OperationField],
    ctx: &ValidationContext,
) -> Vec<FieldError> {
    let value_of = |key: &str| {
        fields
            .iter()
            .find(|f| f.field == key)
            .and_then(|f| f.new_value.as_deref())
            .filter(|v| !v.trim().is_empty())
    };
    let country = value_of(CustomerField::Country.key());
    let mut errors: Vec<FieldError> = fields
        .iter()
        .filter_map(|f| {
            let value = f.new_value.as_deref().unwrap_or("");
            validate_value(&f.field, value, country, ctx).err()
        })
        .collect();

    let mut required: Vec<CustomerField> = Vec::new();
    if kind == OperationKind::Create {
        required.extend_from_slice(REQUIRED_FOR_CREATE);
    }
    let carries_address = fields
        .iter()
        .any(|f| CustomerField::from_key(&f.field).is_some_and(CustomerField::is_address));
    if carries_address && kind == OperationKind::Create {
        required.extend_from_slice(REQUIRED_ADDRESS);
    }
    for field in required {
        let present = value_of(field.key()).is_some();
        let touched_but_empty = fields.iter().any(|f| f.field == field.key());
        if !present && (kind == OperationKind::Create || touched_but_empty) {
            errors.push(FieldError::because(
                field.key(),
                Reason::Required {
                    field: field.key().to_owned(),
                },
            ));
        }
    }
    // Definition order, so "the first error" is stable whatever order the channel sent.
    errors.sort_by_key(|e| field_order(&e.field));
    errors
}

fn field_order(field: &str) -> usize {
    CustomerField::from_key(field)
        .and_then(|f| CustomerField::ALL.iter().position(|x| *x == f))
        .unwrap_or(CustomerField::ALL.len())
}

#[cfg(test)]
mod tests;
