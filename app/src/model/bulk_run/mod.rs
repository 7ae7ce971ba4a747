//! Bulk runs: one action over every operation a filter selects — validate again (dry run),
//! synchronize, correct one field by a rule, or revert an earlier bulk correction. A run is a
//! row of its own (who, when, what, the selection as the list's query, its counts), carried
//! out in chunks by whichever instance holds its lease, so a crash leaves each operation changed
//! once or not at all and the run goes on after a restart.
//!
//! [`Rule`] is the correction: plain data with a pure [`Rule::apply`], checked against the
//! field's kind of value before anything is previewed or stored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::filter::ValueKind;

/// An operator may act on this many operations at once; more takes an admin.
pub const OPERATOR_LIMIT: i64 = 10_000;
/// How many of a preview's changes the page shows at once.
pub const PREVIEW_PAGE_SIZE: usize = 20;
/// The longest value a rule may hold (characters).
pub const MAX_RULE_VALUE: usize = 200;

/// What a bulk run does to each selected operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BulkAction {
    /// Validate again with today's reference data; change nothing.
    DryRun,
    /// Run Synchronize customers for it now.
    Synchronize,
    /// Change one field's new value by a rule (and optionally synchronize).
    Correct,
    /// Put back what an earlier bulk correction changed, where nobody changed it since.
    Revert,
}

super::text_enum!(BulkAction {
    DryRun => "dry_run",
    Synchronize => "synchronize",
    Correct => "correct",
    Revert => "revert",
});

/// Where a bulk run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BulkStatus {
    /// A correction shown to its person, not confirmed: nothing is stored but the preview.
    Previewed,
    /// Confirmed (or a dry run or synchronize asked for): the runner carries it out.
    Running,
    Finished,
    Cancelled,
}

super::text_enum!(BulkStatus {
    Previewed => "previewed",
    Running => "running",
    Finished => "finished",
    Cancelled => "cancelled",
});

/// How one operation of a bulk run settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BulkOutcome {
    /// Corrected, put back, or sent to synchronize.
    Changed,
    /// Left alone (the item's detail says why).
    Skipped,
    /// Passes validation now (dry run).
    Passed,
    /// Still fails validation (dry run; the detail is its failure group).
    Failed,
}

super::text_enum!(BulkOutcome {
    Changed => "changed",
    Skipped => "skipped",
    Passed => "passed",
    Failed => "failed",
});

/// Why a bulk run left an operation alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SkipReason {
    /// The rule gives the value it has.
    Unchanged,
    /// Someone is correcting it.
    Editing,
    /// It changed after it was selected (synchronized, corrected, failed again).
    ChangedSince,
    /// Its status is not one the action applies to (Succeeded, Waiting).
    NotApplicable,
    /// A revert: it was synchronized since; the customer master has the value.
    Synchronized,
    /// A revert: someone changed the field since.
    EditedSince,
}

super::text_enum!(SkipReason {
    Unchanged => "unchanged",
    Editing => "editing",
    ChangedSince => "changed_since",
    NotApplicable => "not_applicable",
    Synchronized => "synchronized",
    EditedSince => "edited_since",
});

/// What a correction by rule would do, shown before anything is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionPreview {
    /// The previewed run, to confirm (or cancel).
    pub run_id: i64,
    /// Operations the selection holds now.
    pub selected: i64,
    /// Of them, those the rule changes.
    pub changes: i64,
    /// Of those, how many pass validation with the rule applied.
    pub will_pass: i64,
    /// The others: their failure group's key and how many, most first.
    pub still_fail: Vec<(String, i64)>,
    /// Of the rest, why each was left out, and how many.
    pub left_out: Vec<(SkipReason, i64)>,
    /// The first changes, by operation id.
    pub sample: Vec<PreviewItem>,
}

/// One operation's change in a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewItem {
    pub operation_id: i64,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The failure group it would still fail with; `None`: it passes.
    pub still_fails: Option<String>,
}

/// How a rule changes a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum RuleChange {
    /// Every value becomes `value`.
    Set {
        value: String,
    },
    /// Each occurrence of `find` becomes `with` (`@@` → `@`).
    Replace {
        find: String,
        with: String,
    },
    /// Spaces at either end go.
    Trim,
    /// Spaces at either end go, and runs of spaces inside become one.
    CollapseSpaces,
    Uppercase,
    Lowercase,
    /// The value is removed.
    Clear,
    /// A value equal to `from` (ignoring case and spaces at either end) becomes `to`; others
    /// stay (customer group `RETAIL ` → `RETAIL`).
    Map {
        from: String,
        to: String,
    },
}

/// A correction of one field, applied to each selected operation's new value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// A standard field's key or `attr:<name>`.
    pub field: String,
    #[serde(flatten)]
    pub change: RuleChange,
}

/// Why a rule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mistake", rename_all = "snake_case")]
pub enum RuleMistake {
    /// Text changes (replace, trim, case) on a number, a date or yes/no.
    DoesNotFit,
    /// Replace needs the text to find.
    NothingToFind,
    /// The value given for a number, a date or yes/no is not one.
    NotOfKind {
        value: String,
    },
    TooLong {
        max: usize,
    },
}

impl Rule {
    /// The new value a rule gives `value` (`None`: no value), stored as the editor stores a
    /// typed value: trimmed, and no value when nothing is left.
    pub fn apply(&self, value: Option<&str>) -> Option<String> {
        self.change_of(value)
            .and_then(|v| super::correction::stored_value(&v))
    }

    fn change_of(&self, value: Option<&str>) -> Option<String> {
        match &self.change {
            RuleChange::Set { value } => Some(value.clone()),
            RuleChange::Clear => None,
            RuleChange::Map { from, to } => match value {
                Some(v) if v.trim().to_lowercase() == from.trim().to_lowercase() => {
                    Some(to.clone())
                }
                other => other.map(str::to_owned),
            },
            change => value.map(|v| match change {
                RuleChange::Replace { find, with } => v.replace(find.as_str(), with),
                RuleChange::Trim => v.trim().to_owned(),
                RuleChange::CollapseSpaces => v.split_whitespace().collect::<Vec<_>>().join(" "),
                RuleChange::Uppercase => v.to_uppercase(),
                RuleChange::Lowercase => v.to_lowercase(),
                _ => v.to_owned(),
            }),
        }
    }

    /// Whether the rule fits a field holding values of `kind`: text changes only on text and
    /// codes; a value set or mapped to must be of the field's kind.
    pub fn check(&self, kind: ValueKind) -> Result<(), RuleMistake> {
        let textual = matches!(kind, ValueKind::Text | ValueKind::Code);
        let of_kind = |value: &str| -> Result<(), RuleMistake> {
            if value.chars().count() > MAX_RULE_VALUE {
                return Err(RuleMistake::TooLong {
                    max: MAX_RULE_VALUE,
                });
            }
            let fits = match kind {
                ValueKind::Text | ValueKind::Code => true,
                ValueKind::Number => value.trim().replace(',', ".").parse::<f64>().is_ok(),
                ValueKind::Date => NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").is_ok(),
                ValueKind::Boolean => matches!(value.trim(), "true" | "false"),
            };
            if fits {
                Ok(())
            } else {
                Err(RuleMistake::NotOfKind {
                    value: super::filter::shorten(value),
                })
            }
        };
        match &self.change {
            RuleChange::Set { value } => of_kind(value),
            RuleChange::Clear => Ok(()),
            RuleChange::Map { from, to } => {
                if from.chars().count() > MAX_RULE_VALUE {
                    return Err(RuleMistake::TooLong {
                        max: MAX_RULE_VALUE,
                    });
                }
                of_kind(to)
            }
            _ if !textual => Err(RuleMistake::DoesNotFit),
            RuleChange::Replace { find, with } => {
                if find.is_empty() {
                    return Err(RuleMistake::NothingToFind);
                }
                if find.chars().count().max(with.chars().count()) > MAX_RULE_VALUE {
                    return Err(RuleMistake::TooLong {
                        max: MAX_RULE_VALUE,
                    });
                }
                Ok(())
            }
            RuleChange::Trim
            | RuleChange::CollapseSpaces
            | RuleChange::Uppercase
            | RuleChange::Lowercase => Ok(()),
        }
    }
}

/// A bulk run as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkRun {
    pub id: i64,
    pub action: BulkAction,
    pub status: BulkStatus,
    /// Who asked for it.
    pub actor: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The selection: the status list's query (its filter) when the run was asked for.
    pub selection: String,
    pub rule: Option<Rule>,
    /// A correction synchronizes each operation it changed.
    pub and_synchronize: bool,
    /// The bulk correction a revert puts back.
    pub reverts: Option<i64>,
    pub counts: BulkCounts,
}

impl BulkRun {
    /// Whether the run synchronizes the operations it changes.
    pub fn synchronizes(&self) -> bool {
        self.action == BulkAction::Synchronize
            || (self.action == BulkAction::Correct && self.and_synchronize)
    }
}

/// What a bulk run has done so far; `done` of `selected` operations are settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCounts {
    pub selected: i64,
    pub done: i64,
    /// Corrected (or put back, for a revert).
    pub changed: i64,
    /// Left alone: no longer matching, held for correcting, changed since the preview, or (a
    /// revert) changed by someone since.
    pub skipped: i64,
    /// Would pass validation now (dry run), or synchronized into a customer.
    pub passed: i64,
    /// Still fail validation (dry run), or failed when synchronized.
    pub failed: i64,
}

#[cfg(test)]
mod tests;
