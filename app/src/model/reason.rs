//! Why a value was refused, as data: a stable [`ErrorCode`] and the [`Reason`] with the values
//! that make it. The sentence is written from it in the reader's language (`crate::locale`):
//! Norwegian or English on the page (under the field while correcting, in the last known
//! error), English for channels and for the stored message.

use serde::{Deserialize, Serialize};

use super::ReferenceKind;

/// Why a value was refused. The code is stable (stored, sent to channels, translated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    InvalidEmail,
    InvalidPhone,
    InvalidUrl,
    InvalidZip,
    TooLong,
    Required,
    UnknownReference,
    NotInList,
    WrongType,
    OutOfRange,
    UnknownField,
    InvalidCharacter,
    DuplicateEmail,
    CustomerNotSynced,
    CustomerErased,
    AlreadyExists,
    NumberSequenceExhausted,
    Transient,
}

super::text_enum!(ErrorCode {
    InvalidEmail => "invalid_email",
    InvalidPhone => "invalid_phone",
    InvalidUrl => "invalid_url",
    InvalidZip => "invalid_zip",
    TooLong => "too_long",
    Required => "required",
    UnknownReference => "unknown_reference",
    NotInList => "not_in_list",
    WrongType => "wrong_type",
    OutOfRange => "out_of_range",
    UnknownField => "unknown_field",
    InvalidCharacter => "invalid_character",
    DuplicateEmail => "duplicate_email",
    CustomerNotSynced => "customer_not_synced",
    CustomerErased => "customer_erased",
    AlreadyExists => "already_exists",
    NumberSequenceExhausted => "number_sequence_exhausted",
    Transient => "transient",
});

impl ErrorCode {
    /// Transient errors are retried by the jobs; all others wait for a person.
    pub fn is_transient(self) -> bool {
        matches!(self, Self::Transient)
    }
}

/// The postal code format an address country expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZipFormat {
    /// Norway: 4 digits.
    Norway,
    /// Denmark: 4 digits.
    Denmark,
    /// Finland: 5 digits.
    Finland,
    /// Sweden: 5 digits, often written 3 + 2.
    Sweden,
    /// The United Kingdom: a postcode.
    Uk,
    /// Anywhere else: up to 10 letters, digits, spaces and dashes.
    Other,
}

/// Why a value was refused, with what the sentence about it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    InvalidEmail {
        value: String,
    },
    InvalidPhone {
        value: String,
    },
    InvalidUrl {
        value: String,
    },
    InvalidZip {
        value: String,
        format: ZipFormat,
    },
    TooLong {
        length: usize,
        max: usize,
    },
    /// A required standard field (its key) has no value.
    Required {
        field: String,
    },
    UnknownReference {
        value: String,
        kind: ReferenceKind,
    },
    NotInList {
        value: String,
        allowed: Vec<String>,
    },
    NotWholeNumber {
        value: String,
    },
    NotANumber {
        value: String,
    },
    TooManyDecimals,
    NegativeAmount,
    NotYesOrNo {
        value: String,
    },
    NotADate {
        value: String,
    },
    /// Outside a range; the bounds as written in the definition, with its unit.
    OutOfRange {
        min: Option<f64>,
        max: Option<f64>,
        unit: Option<String>,
    },
    UnknownAttribute {
        name: String,
    },
    UnknownField {
        name: String,
    },
    DuplicateEmail {
        email: String,
        owner: String,
        entity: String,
    },
    AlreadyExists {
        account: String,
    },
    SequenceExhausted {
        entity: String,
    },
    CustomerNotSynced,
    /// A control character (`code_point`, e.g. `U+0000`) at character `position` (from 1).
    ControlCharacter {
        position: usize,
        code_point: String,
    },
    /// An edit whose customer HQ never received a create for.
    CreateNeverReceived,
    /// The customer's personal data was erased (GDPR article 17): the operation's values are
    /// gone, so it can no longer be applied.
    CustomerErased,
}

impl Reason {
    /// The stable code of this reason (stored, sent to channels).
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidEmail { .. } => ErrorCode::InvalidEmail,
            Self::InvalidPhone { .. } => ErrorCode::InvalidPhone,
            Self::InvalidUrl { .. } => ErrorCode::InvalidUrl,
            Self::InvalidZip { .. } => ErrorCode::InvalidZip,
            Self::TooLong { .. } => ErrorCode::TooLong,
            Self::Required { .. } => ErrorCode::Required,
            Self::UnknownReference { .. } => ErrorCode::UnknownReference,
            Self::NotInList { .. } => ErrorCode::NotInList,
            Self::NotWholeNumber { .. }
            | Self::NotANumber { .. }
            | Self::TooManyDecimals
            | Self::NotYesOrNo { .. }
            | Self::NotADate { .. } => ErrorCode::WrongType,
            Self::NegativeAmount | Self::OutOfRange { .. } => ErrorCode::OutOfRange,
            Self::UnknownAttribute { .. } | Self::UnknownField { .. } => ErrorCode::UnknownField,
            Self::DuplicateEmail { .. } => ErrorCode::DuplicateEmail,
            Self::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            Self::SequenceExhausted { .. } => ErrorCode::NumberSequenceExhausted,
            Self::CustomerNotSynced | Self::CreateNeverReceived => ErrorCode::CustomerNotSynced,
            Self::ControlCharacter { .. } => ErrorCode::InvalidCharacter,
            Self::CustomerErased => ErrorCode::CustomerErased,
        }
    }
}
