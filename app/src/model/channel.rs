//! Channels (stores, online stores, call centers) and the legal entities they belong to.

use serde::{Deserialize, Serialize};

/// What kind of channel sends operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChannelKind {
    Store,
    Online,
    CallCenter,
}

super::text_enum!(ChannelKind {
    Store => "store",
    Online => "online",
    CallCenter => "call_center",
});

/// A company of the retailer with its own customers, number sequence and attribute definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalEntity {
    /// A short code such as `NO01`.
    pub id: String,
    pub name: String,
    /// The accounting currency, ISO 4217.
    pub currency: String,
}

/// A store, web shop or call center that creates and edits customers asynchronously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: i64,
    /// A short stable code such as `OSL-KJ`.
    pub code: String,
    pub name: String,
    pub kind: ChannelKind,
    pub legal_entity_id: String,
    /// The country of the channel's own address: the default for new customers' addresses.
    pub country: String,
    /// The channel's default customer: values a new customer gets when the channel sends none.
    pub default_customer_group: String,
    pub default_currency: String,
    pub default_language: String,
    pub default_receipt_option: String,
}
