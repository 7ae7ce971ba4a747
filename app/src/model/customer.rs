//! What headquarters holds: the customer master, with addresses and attribute values.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A real customer in the customer master. Standard fields are keyed like
/// [`super::CustomerField`]; attributes by their definition name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub account: String,
    pub legal_entity_id: String,
    pub async_account: Option<String>,
    pub origin_channel_id: Option<i64>,
    /// Standard fields (`CustomerField::key` → value); absent when empty.
    pub fields: Vec<(String, String)>,
    pub addresses: Vec<CustomerAddress>,
    /// Custom attribute values (definition name → value as text).
    pub attributes: Vec<(String, String)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A postal address of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerAddress {
    pub name: Option<String>,
    pub street: Option<String>,
    pub street_number: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub district: Option<String>,
    /// Home, Business, Office or Post box.
    pub purpose: Option<String>,
    pub is_primary: bool,
}
