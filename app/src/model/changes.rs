//! What an operation does to a customer record, sorted by where it lands in the customer
//! master: the customer's own columns, its primary address, its attribute values. Pure: the
//! Synchronize job builds one from an operation's fields and hands it to storage.

use std::collections::BTreeMap;

use super::{field::ATTRIBUTE_PREFIX, Channel, CustomerField, OperationField};

/// New values by column (`None` clears a value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    /// `customers` columns; flags as `"0"`/`"1"`.
    pub customer: BTreeMap<&'static str, Option<String>>,
    /// `customer_addresses` columns of the primary address.
    pub address: BTreeMap<&'static str, Option<String>>,
    /// Attribute values by definition name.
    pub attributes: BTreeMap<String, Option<String>>,
}

impl CustomerChanges {
    /// Sorts an operation's new values. Unknown standard fields are left out (validation has
    /// refused them before this is called).
    pub fn from_fields(fields: &[OperationField]) -> Self {
        let mut changes = Self::default();
        for f in fields {
            let value = f
                .new_value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned);
            if let Some(name) = f.field.strip_prefix(ATTRIBUTE_PREFIX) {
                changes.attributes.insert(name.to_owned(), value);
                continue;
            }
            let Some(field) = CustomerField::from_key(&f.field) else {
                continue;
            };
            let value = match field.kind() {
                super::FieldKind::Boolean => value.map(|v| flag(&v).to_owned()),
                _ => value,
            };
            if field.is_address() {
                changes.address.insert(address_column(field), value);
            } else {
                changes.customer.insert(field.key(), value);
            }
        }
        changes
    }

    /// Fills what a new customer did not get from the channel's default customer: type,
    /// group, currency, language, receipt option, and the address country.
    pub fn with_defaults_of(mut self, channel: &Channel) -> Self {
        let defaults = [
            ("party_type", "Person"),
            ("customer_group", channel.default_customer_group.as_str()),
            ("currency", channel.default_currency.as_str()),
            ("language", channel.default_language.as_str()),
            ("receipt_option", channel.default_receipt_option.as_str()),
        ];
        for (column, value) in defaults {
            let entry = self.customer.entry(column).or_insert(None);
            if entry.is_none() {
                *entry = Some(value.to_owned());
            }
        }
        if !self.address.is_empty() {
            let country = self.address.entry("country").or_insert(None);
            if country.is_none() {
                *country = Some(channel.country.clone());
            }
        }
        self
    }

    /// The email this operation gives the customer, if it sets one.
    pub fn email(&self) -> Option<&str> {
        self.customer.get("email").and_then(|v| v.as_deref())
    }
}

/// The `customer_addresses` column of an address field.
pub fn address_column(field: CustomerField) -> &'static str {
    match field {
        CustomerField::AddressName => "name",
        CustomerField::AddressPurpose => "purpose",
        CustomerField::AddressPrimary => "is_primary",
        other => other.key(),
    }
}

/// `"1"` for a true-ish value, `"0"` otherwise (validation has checked it is a boolean).
fn flag(value: &str) -> &'static str {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "ja" => "1",
        _ => "0",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChannelKind;

    fn field(key: &str, new: &str) -> OperationField {
        OperationField {
            field: key.into(),
            old_value: None,
            new_value: Some(new.into()),
        }
    }

    fn bergen() -> Channel {
        Channel {
            id: 1,
            code: "BGO".into(),
            name: "Bergen Storsenter".into(),
            kind: ChannelKind::Store,
            legal_entity_id: "NO01".into(),
            country: "NO".into(),
            default_customer_group: "RETAIL".into(),
            default_currency: "NOK".into(),
            default_language: "nb-NO".into(),
            default_receipt_option: "Email".into(),
        }
    }

    #[test]
    fn fields_land_in_the_customer_its_address_and_its_attributes() {
        let changes = CustomerChanges::from_fields(&[
            field("name", "Kari Nordmann"),
            field("street", "Strandgaten 1"),
            field("address_name", "Hjem"),
            field("blocked", "false"),
            field("attr:loyalty_tier", "Gold"),
            field("email", "  "),
        ]);
        assert_eq!(changes.customer["name"].as_deref(), Some("Kari Nordmann"));
        assert_eq!(changes.customer["blocked"].as_deref(), Some("0"));
        assert_eq!(changes.customer["email"], None, "blank clears");
        assert_eq!(changes.address["street"].as_deref(), Some("Strandgaten 1"));
        assert_eq!(changes.address["name"].as_deref(), Some("Hjem"));
        assert_eq!(changes.attributes["loyalty_tier"].as_deref(), Some("Gold"));
    }

    #[test]
    fn a_new_customer_gets_the_channels_defaults_but_keeps_its_own_values() {
        let changes = CustomerChanges::from_fields(&[
            field("customer_group", "STAFF"),
            field("street", "Strandgaten 1"),
        ])
        .with_defaults_of(&bergen());
        assert_eq!(changes.customer["customer_group"].as_deref(), Some("STAFF"));
        assert_eq!(changes.customer["currency"].as_deref(), Some("NOK"));
        assert_eq!(changes.customer["party_type"].as_deref(), Some("Person"));
        assert_eq!(changes.address["country"].as_deref(), Some("NO"));
    }

    #[test]
    fn no_address_is_invented_for_a_customer_without_one() {
        let changes =
            CustomerChanges::from_fields(&[field("name", "Ola")]).with_defaults_of(&bergen());
        assert!(changes.address.is_empty());
    }
}
