//! What crosses the channel API (`/api/v1`): the batches channels post, the receipt they get
//! back, and the 1010 feed they read. Shared so the `simulate` command speaks the same types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{OperationField, OperationKind};

/// The most operations one batch may carry.
pub const MAX_BATCH: usize = 1_000;
/// The most fields one operation may carry.
pub const MAX_FIELDS: usize = 200;
/// The longest value a field may carry (business rules may allow less).
pub const MAX_VALUE_CHARS: usize = 2_000;
/// The longest channel operation id.
pub const MAX_OPERATION_ID_CHARS: usize = 100;

/// One customer create or edit, as the channel made it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomingOperation {
    /// The channel's own id of the operation (1 to 100 printable characters): resending it
    /// stores nothing twice.
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 100))]
    pub channel_operation_id: String,
    /// The temporary account the channel gave the customer: a hyphenated GUID, in either case
    /// (stored in lower case, so `1D45…` and `1d45…` are one customer).
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
            example = "3f2b8c1e-0a4d-4e7b-9c55-2d1f6a7b8c9d"
        )
    )]
    pub async_account: String,
    /// The real account, when the channel edits a customer that has already synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_account: Option<String>,
    pub kind: OperationKind,
    /// When the change was made, on the channel's clock.
    pub operation_at: DateTime<Utc>,
    /// Standard fields by key, custom attributes as `attr:<name>`, with old and new values:
    /// at most 200, each field once (a create carries at least one).
    #[cfg_attr(feature = "ssr", schema(max_items = 200))]
    pub fields: Vec<OperationField>,
}

impl IncomingOperation {
    /// The operation in its canonical form: the async account's GUID in lower case, as it is
    /// stored, so a channel that writes GUIDs in upper case reaches the same customer.
    pub fn canonical(mut self) -> Self {
        self.async_account.make_ascii_lowercase();
        self
    }
}

/// The body of `POST /api/v1/operations`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationBatch {
    /// 1 to 1,000 operations.
    #[cfg_attr(feature = "ssr", schema(min_items = 1, max_items = 1000))]
    pub operations: Vec<IncomingOperation>,
}

/// What became of one operation of a batch.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedOperation {
    pub channel_operation_id: String,
    /// Our id of the received operation; the same when the batch is sent again.
    pub inbox_id: i64,
}

/// The answer to a batch: every operation was received, in the order sent.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReceipt {
    pub received: Vec<ReceivedOperation>,
}

/// Whether the customer is new to the channels, changed, erased, or linked to a channel's
/// async account.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomerChange {
    Created,
    Updated,
    /// The customer's personal data was erased at HQ (GDPR article 17): erase what the channel
    /// holds about this account and its async account too. `fields` and `attributes` are
    /// empty, and the customer's earlier entries in the feed now are too.
    Erased,
    /// An administrator found that a channel's new customer is this existing one (a possible
    /// duplicate, linked): map `async_account` to `account`, as for `created`, and send later
    /// edits of that customer to it. `fields` hold the customer as HQ has it.
    Linked,
}

super::text_enum!(CustomerChange {
    Created => "created",
    Updated => "updated",
    Erased => "erased",
    Linked => "linked",
});

/// One customer in the 1010 feed: what HQ holds now, and the async account it replaces.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedCustomer {
    /// Position in the feed: pass the last one as `after`, and acknowledge it.
    pub cursor: i64,
    pub change: CustomerChange,
    pub account: String,
    /// The temporary account the real one replaces, when the customer began in a channel.
    pub async_account: Option<String>,
    pub origin_channel_id: Option<i64>,
    pub legal_entity_id: String,
    /// Standard fields by key (empty ones left out), primary address fields included.
    pub fields: std::collections::BTreeMap<String, String>,
    /// Custom attribute values by definition name.
    pub attributes: std::collections::BTreeMap<String, String>,
    pub changed_at: DateTime<Utc>,
}

/// A page of the feed.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedPage {
    pub customers: Vec<FeedCustomer>,
    /// Where the next page starts (the last customer's cursor, or `after` when empty).
    pub next_cursor: i64,
    pub has_more: bool,
    /// What the channel has acknowledged so far.
    pub acked_cursor: i64,
}

/// The body of `POST /api/v1/channels/{channel}/customers/ack`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedAck {
    pub cursor: i64,
}
