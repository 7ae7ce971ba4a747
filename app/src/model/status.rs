//! The customer sync status of an operation and its state machine.
//!
//! ```text
//!            ┌──────────── earlier operation of the same async customer not yet Succeeded
//!            ▼
//!         Waiting ──(earlier one Succeeded)──▶ Pending ──(Synchronize job)──▶ Succeeded
//!                                               │  ▲                 │
//!                                               │  └─(transient error, retry later)
//!                                               │                    ▼
//!                            Editing ◀──(admin opens a correction)── Failed
//!                               └──(Save / Cancel)──▶ Pending or back to where it was
//! ```
//! A create that looks like an existing customer (same email, phone, or name and address) goes
//! from Pending to `PossibleDuplicate` instead of Succeeded; a person then links it to that
//! customer (Succeeded), creates it anyway (Pending, the check skipped) or corrects it (Editing).
//! Jobs only take `Pending` operations; `Editing` ones are skipped while a person holds them.

use serde::{Deserialize, Serialize};

/// Where an operation is on its way to the customer master.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SyncStatus {
    /// Received, waiting for the Synchronize customers job.
    Pending,
    /// Held back behind an earlier operation of the same async customer.
    Waiting,
    /// An administrator is correcting it; jobs skip it.
    Editing,
    /// Applied to the customer master.
    Succeeded,
    /// Rejected by validation or by the customer master; needs a person.
    Failed,
    /// A create that looks like an existing customer of its legal entity; a person decides.
    PossibleDuplicate,
}

super::text_enum!(SyncStatus {
    Failed => "failed",
    PossibleDuplicate => "possible_duplicate",
    Pending => "pending",
    Waiting => "waiting",
    Editing => "editing",
    Succeeded => "succeeded",
});

impl SyncStatus {
    /// The statuses an operation may move to from this one.
    pub fn may_become(self, next: SyncStatus) -> bool {
        use SyncStatus::*;
        matches!(
            (self, next),
            (Waiting, Pending)
                | (
                    Pending,
                    Succeeded | Failed | Editing | Pending | PossibleDuplicate
                )
                | (Failed, Editing | Pending)
                | (PossibleDuplicate, Succeeded | Pending | Editing)
                | (Editing, Pending | Failed | PossibleDuplicate)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_from_its_stored_text() {
        for status in SyncStatus::ALL {
            assert_eq!(SyncStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(SyncStatus::parse("done"), None);
    }

    #[test]
    fn a_succeeded_operation_never_changes_again() {
        for next in SyncStatus::ALL {
            assert!(!SyncStatus::Succeeded.may_become(*next));
        }
    }

    #[test]
    fn a_failed_operation_is_corrected_through_editing() {
        assert!(SyncStatus::Failed.may_become(SyncStatus::Editing));
        assert!(SyncStatus::Editing.may_become(SyncStatus::Pending));
        assert!(!SyncStatus::Failed.may_become(SyncStatus::Succeeded));
    }
}
