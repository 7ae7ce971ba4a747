//! The fields the list can be filtered on: each standard field and custom attribute with the
//! kind of value it holds, which decides the operators the "+ Filter" menu offers.

use serde::{Deserialize, Serialize};

use super::{shorten, FieldFilter, FilterMistake, FilterOp};
use crate::model::{field::ATTRIBUTE_PREFIX, CustomerField, FieldKind};

/// What a field holds, as far as filtering is concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueKind {
    #[default]
    Text,
    /// A code from a list (reference data, a choice).
    Code,
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    Boolean,
}

impl ValueKind {
    /// The kind of a standard field.
    pub fn of_field(field: CustomerField) -> Self {
        match field.kind() {
            FieldKind::Decimal => Self::Number,
            FieldKind::Boolean => Self::Boolean,
            FieldKind::Reference(_) | FieldKind::Choice(_) => Self::Code,
            _ => Self::Text,
        }
    }
}

impl ValueKind {
    /// The kind of a custom attribute.
    pub fn of_attribute(attribute_type: &crate::model::AttributeType) -> Self {
        use crate::model::AttributeType as T;
        match attribute_type {
            T::Text { allowed } if !allowed.is_empty() => Self::Code,
            T::Text { .. } => Self::Text,
            T::Integer { .. } | T::Decimal { .. } | T::Currency => Self::Number,
            T::Boolean => Self::Boolean,
            T::DateTime => Self::Date,
        }
    }
}

/// A field the list can be filtered on, as the "+ Filter" menu offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterField {
    /// A [`CustomerField`] key or `attr:<name>`.
    pub key: String,
    pub label_en: String,
    pub label_nb: String,
    /// The attribute group's name (custom attributes only).
    pub group: Option<crate::model::detail::FieldName>,
    pub kind: ValueKind,
}

impl FilterField {
    /// Every standard field, then every custom attribute (once per name, whichever legal
    /// entity defines it).
    pub fn catalog(definitions: &[crate::model::AttributeDefinition]) -> Vec<FilterField> {
        let mut fields: Vec<FilterField> = CustomerField::ALL
            .iter()
            .map(|f| FilterField {
                key: f.key().to_owned(),
                label_en: f.label_en().to_owned(),
                label_nb: f.label_nb().to_owned(),
                group: None,
                kind: ValueKind::of_field(*f),
            })
            .collect();
        for d in definitions {
            let key = format!("{ATTRIBUTE_PREFIX}{}", d.name);
            if fields.iter().all(|f| f.key != key) {
                fields.push(FilterField {
                    key,
                    label_en: d.label_en.clone(),
                    label_nb: d.label_nb.clone(),
                    group: Some(crate::model::detail::FieldName::group_of(d)),
                    kind: ValueKind::of_attribute(&d.attribute_type),
                });
            }
        }
        fields
    }

    /// Checks a field filter against the catalog: the field exists and the operator fits it.
    pub fn check(catalog: &[FilterField], filter: &FieldFilter) -> Result<(), FilterMistake> {
        let Some(field) = catalog.iter().find(|f| f.key == filter.field) else {
            return Err(FilterMistake::NotAField {
                name: shorten(&filter.field),
            });
        };
        if !FilterOp::fitting(field.kind).contains(&filter.op) {
            return Err(FilterMistake::DoesNotFit {
                op: filter.op,
                field_en: field.label_en.clone(),
                field_nb: field.label_nb.clone(),
                fitting: FilterOp::fitting(field.kind).to_vec(),
            });
        }
        Ok(())
    }
}
