//! Operations: one create or edit of one customer from one channel, and the page of them the
//! status list shows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::SyncStatus;

/// Whether an operation creates a customer or updates one.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationKind {
    /// A new customer, known to the channel only by its async account.
    Create,
    /// A change to a customer (by async account until it has synced, then by real account).
    Update,
}

super::text_enum!(OperationKind {
    Create => "create",
    Update => "update",
});

/// One row of the status list: the five default columns and what is needed to open it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSummary {
    pub id: i64,
    pub channel_id: i64,
    pub channel_name: String,
    /// The real customer account, once the customer master has one.
    pub customer_account: Option<String>,
    /// The temporary account (a GUID) the channel gave the customer.
    pub async_account: String,
    pub kind: OperationKind,
    /// When the channel made the change (the channel's clock).
    pub operation_at: DateTime<Utc>,
    pub status: SyncStatus,
    /// The legal entity whose customer master the operation goes to.
    pub legal_entity_id: String,
    /// Who the customer is: the name the operation gives, else the customer master's.
    #[serde(default)]
    pub customer_name: Option<String>,
}

#[cfg(test)]
impl OperationSummary {
    /// Operation `id` of one async customer of a Bergen store, for tests.
    pub(crate) fn sample(id: i64, kind: OperationKind, status: SyncStatus) -> Self {
        Self {
            id,
            channel_id: 1,
            channel_name: "Bergen Storsenter".into(),
            customer_account: None,
            async_account: "5f0c6a5e-3b1e-4c3e-9a57-2f1d9c1b7a10".into(),
            kind,
            operation_at: Utc::now(),
            status,
            legal_entity_id: "NO01".into(),
            customer_name: None,
        }
    }
}

/// A field an operation touches, with the value the channel knew and the one it wants.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationField {
    /// A standard customer field's key (`name`, `email`, `street`, …) or `attr:<name>` for a
    /// custom attribute of the legal entity.
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 100))]
    pub field: String,
    /// The value the channel knew before the change (at most 2,000 characters; no control
    /// characters).
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub old_value: Option<String>,
    /// The value the channel wants (at most 2,000 characters; no control characters).
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub new_value: Option<String>,
}

/// The last known error of an operation: which field, why (a stable code), and a sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastError {
    pub code: String,
    pub field: Option<String>,
    /// In English, as channels read it.
    pub message: String,
    /// Why validation refused the value, when it did: said in the reader's language. The
    /// server draws every last error, so the browser does not read it (its decoder, for every
    /// kind of reason, would be a tenth of the client).
    #[cfg_attr(feature = "hydrate", serde(skip_deserializing))]
    pub reason: Option<super::Reason>,
}

/// Where an operation stands now: its row in the list and what the jobs last said of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationState {
    pub summary: OperationSummary,
    pub retry_count: i64,
    pub last_error: Option<LastError>,
    /// Grows with every change, for optimistic concurrency.
    pub version: i64,
}

/// Where a page of operations ends: the next page starts strictly after it (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationCursor {
    pub operation_at_micros: i64,
    pub id: i64,
}

impl OperationCursor {
    /// The compact form used in URLs: `<micros>_<id>`.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.operation_at_micros, self.id)
    }

    /// Reads [`Self::encode`]'s form back; `None` if it is not one.
    pub fn decode(text: &str) -> Option<Self> {
        let (micros, id) = text.split_once('_')?;
        Some(Self {
            operation_at_micros: micros.parse().ok()?,
            id: id.parse().ok()?,
        })
    }

    /// The cursor just after `summary`.
    pub fn after(summary: &OperationSummary) -> Self {
        Self {
            operation_at_micros: summary.operation_at.timestamp_micros(),
            id: summary.id,
        }
    }
}

/// A page of the status list, newest first (or oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationPage {
    /// Each row with what the extra columns show (retry count, last error).
    pub operations: Vec<OperationState>,
    /// Present when there are more operations in the page's order.
    pub next: Option<OperationCursor>,
}

/// How many operations there are per status under a filter (its status aside): the status
/// chips. Asked for apart from the page, so the list never waits for counting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterCounts {
    /// Every status, zeros included, in display order.
    pub counts: Vec<(SyncStatus, i64)>,
    /// The counts stopped at a cap: they are of the newest matching operations only.
    pub capped: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_url() {
        let cursor = OperationCursor {
            operation_at_micros: 1_764_000_000_123_456,
            id: 42,
        };
        assert_eq!(OperationCursor::decode(&cursor.encode()), Some(cursor));
    }

    #[test]
    fn a_malformed_cursor_is_refused() {
        for text in ["", "12", "a_b", "1_", "_1", "1_2_3"] {
            assert_eq!(OperationCursor::decode(text), None, "{text}");
        }
    }
}
