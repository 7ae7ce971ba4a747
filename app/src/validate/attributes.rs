//! Values of custom attributes, checked against their typed definitions.

use crate::model::{AttributeDefinition, AttributeType};

use super::Reason;

type Checked<T> = Result<T, Reason>;

/// Checks `value` against the definition's type, range and allowed list.
pub fn validate_attribute(definition: &AttributeDefinition, value: &str) -> Checked<()> {
    match &definition.attribute_type {
        AttributeType::Text { allowed } => {
            if allowed.is_empty() || allowed.iter().any(|a| a == value) {
                Ok(())
            } else {
                Err(Reason::NotInList {
                    value: value.to_owned(),
                    allowed: allowed.clone(),
                })
            }
        }
        AttributeType::Integer { min, max, unit } => {
            let number: i64 = value.trim().parse().map_err(|_| Reason::NotWholeNumber {
                value: value.to_owned(),
            })?;
            check_range(
                number as f64,
                min.map(|m| m as f64),
                max.map(|m| m as f64),
                unit,
            )
        }
        AttributeType::Decimal { min, max, unit } => {
            let number = parse_decimal(value)?;
            check_range(number, *min, *max, unit)
        }
        AttributeType::Boolean => parse_bool(value).map(|_| ()),
        AttributeType::DateTime => parse_date_time(value),
        AttributeType::Currency => {
            let amount = parse_decimal(value)?;
            let decimals = value.trim().split(['.', ',']).nth(1).map_or(0, str::len);
            if decimals > 2 {
                return Err(Reason::TooManyDecimals);
            }
            if amount < 0.0 {
                return Err(Reason::NegativeAmount);
            }
            Ok(())
        }
    }
}

fn check_range(
    number: f64,
    min: Option<f64>,
    max: Option<f64>,
    unit: &Option<String>,
) -> Checked<()> {
    let below = min.is_some_and(|min| number < min);
    let above = max.is_some_and(|max| number > max);
    if below || above {
        Err(Reason::OutOfRange {
            min,
            max,
            unit: unit.clone(),
        })
    } else {
        Ok(())
    }
}

/// A decimal number, with `.` or `,` as the decimal separator (both are typed in Norway).
pub fn parse_decimal(value: &str) -> Checked<f64> {
    let normalized = value.trim().replace(',', ".");
    let valid_shape = !normalized.is_empty()
        && normalized
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'))
        && normalized.matches('.').count() <= 1;
    match normalized.parse::<f64>() {
        Ok(number) if valid_shape && number.is_finite() => Ok(number),
        _ => Err(Reason::NotANumber {
            value: value.to_owned(),
        }),
    }
}

/// `true`/`false` (also `yes`/`no`, `1`/`0`, `ja`/`nei`).
pub fn parse_bool(value: &str) -> Checked<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "ja" => Ok(true),
        "false" | "no" | "0" | "nei" => Ok(false),
        _ => Err(Reason::NotYesOrNo {
            value: value.to_owned(),
        }),
    }
}

/// An ISO 8601 date (`2026-05-17`) or date and time (`2026-05-17T10:30:00Z`).
fn parse_date_time(value: &str) -> Checked<()> {
    let trimmed = value.trim();
    let ok = chrono::NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").is_ok()
        || chrono::DateTime::parse_from_rfc3339(trimmed).is_ok()
        || chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S").is_ok()
        || chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M").is_ok();
    if ok {
        Ok(())
    } else {
        Err(Reason::NotADate {
            value: value.to_owned(),
        })
    }
}
