//! Custom customer attributes: per legal entity, typed definitions that drive validation on the
//! server and in the browser alike.

use serde::{Deserialize, Serialize};

/// The type of a custom attribute and its constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttributeType {
    /// Text; when `allowed` is not empty, the value must be one of it.
    Text {
        allowed: Vec<String>,
    },
    /// A whole number, optionally within a range, with an optional unit.
    Integer {
        min: Option<i64>,
        max: Option<i64>,
        unit: Option<String>,
    },
    /// A decimal number, optionally within a range, with an optional unit.
    Decimal {
        min: Option<f64>,
        max: Option<f64>,
        unit: Option<String>,
    },
    Boolean,
    /// A date or date and time (ISO 8601).
    DateTime,
    /// An amount of money in the legal entity's currency.
    Currency,
}

impl AttributeType {
    /// The short name stored beside the definition.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Text { .. } => "text",
            Self::Integer { .. } => "integer",
            Self::Decimal { .. } => "decimal",
            Self::Boolean => "boolean",
            Self::DateTime => "datetime",
            Self::Currency => "currency",
        }
    }
}

/// A custom customer attribute of one legal entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeDefinition {
    pub id: i64,
    pub legal_entity_id: String,
    /// The stable name used in operation fields as `attr:<name>`.
    pub name: String,
    pub label_en: String,
    pub label_nb: String,
    /// The attribute group it is shown in, in English and (when set) in Norwegian.
    pub group_name: String,
    #[serde(default)]
    pub group_name_nb: Option<String>,
    pub attribute_type: AttributeType,
    pub default_value: Option<String>,
}
