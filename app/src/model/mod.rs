//! Plain domain types shared by the server and the browser (serde, `chrono::DateTime<Utc>`).
//! One name per concept, in code, UI and API. Types only: what a person reads of them is written
//! in `crate::locale`, and the rules that check them are in `crate::validate`.

pub mod alert;
pub mod attribute;
pub mod bulk_run;
pub mod changes;
pub mod channel;
pub mod channel_api;
pub mod correction;
pub mod customer;
pub mod dashboard;
pub mod detail;
pub mod dossier;
pub mod duplicate;
pub mod failure_group;
pub mod field;
pub mod filter;
pub mod job;
pub mod operation;
pub mod reason;
pub mod status;
pub mod user;
pub mod validation_context;

pub use attribute::{AttributeDefinition, AttributeType};
pub use bulk_run::{BulkAction, BulkRun, BulkStatus, Rule, RuleChange};
pub use channel::{Channel, ChannelKind, LegalEntity};
pub use correction::{ChangeAction, ChangeEntry, Correction, EditSession, SaveOutcome};
pub use customer::{Customer, CustomerAddress};
pub use detail::{ChangeDescription, GridRow, OperationDetail};
pub use failure_group::FailureGroup;
pub use field::{CustomerField, FieldKind, ReferenceKind};
pub use filter::{FieldFilter, FilterOp, OperationFilter};
pub use job::{
    JobAction, JobName, JobOverview, JobRun, JobSchedule, JobTrigger, JobsStatus, SchedulerState,
};
pub use operation::{
    FilterCounts, LastError, OperationCursor, OperationField, OperationKind, OperationPage,
    OperationState, OperationSummary,
};
pub use reason::{ErrorCode, Reason};
pub use status::SyncStatus;
pub use user::{AuditEntry, Role, SignedIn, TokenSummary, UserSummary};

/// Implements `as_str`, `parse` and `ALL` for a fieldless enum stored as text.
macro_rules! text_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable text stored in the database and used in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads the stored text back; `None` for anything unknown.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;
