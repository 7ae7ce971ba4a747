//! Bulk runs said in the reader's language: what a run does, where it stands, a rule, and why
//! an operation was left alone.

use super::{td_string, Locale};
use crate::model::{
    bulk_run::SkipReason, detail::FieldName, BulkAction, BulkStatus, Rule, RuleChange,
};

impl BulkAction {
    /// The action's name.
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::DryRun => td_string!(locale, bulk.action_dry_run),
            Self::Synchronize => td_string!(locale, bulk.action_synchronize),
            Self::Correct => td_string!(locale, bulk.action_correct),
            Self::Revert => td_string!(locale, bulk.action_revert),
        }
    }
}

impl BulkStatus {
    /// The status's name.
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Previewed => td_string!(locale, bulk.status_previewed),
            Self::Running => td_string!(locale, bulk.status_running),
            Self::Finished => td_string!(locale, bulk.status_finished),
            Self::Cancelled => td_string!(locale, bulk.status_cancelled),
        }
    }
}

impl SkipReason {
    /// Why the operation was left alone.
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Unchanged => td_string!(locale, bulk.skip_unchanged),
            Self::Editing => td_string!(locale, bulk.skip_editing),
            Self::ChangedSince => td_string!(locale, bulk.skip_changed_since),
            Self::NotApplicable => td_string!(locale, bulk.skip_not_applicable),
            Self::Synchronized => td_string!(locale, bulk.skip_synchronized),
            Self::EditedSince => td_string!(locale, bulk.skip_edited_since),
        }
    }
}

impl Rule {
    /// The rule in one line: the field's name and the change.
    pub fn describe(&self, locale: Locale) -> String {
        let field = FieldName::of_key(&self.field).get(locale).to_owned();
        match &self.change {
            RuleChange::Replace { find, with } => {
                td_string!(locale, bulk.rule_replace, field, find, with).to_string()
            }
            RuleChange::Set { value } => {
                td_string!(locale, bulk.rule_set, field, value).to_string()
            }
            RuleChange::Map { from, to } => {
                td_string!(locale, bulk.rule_map, field, from, to).to_string()
            }
            RuleChange::Trim => td_string!(locale, bulk.rule_trim, field).to_string(),
            RuleChange::CollapseSpaces => td_string!(locale, bulk.rule_collapse, field).to_string(),
            RuleChange::Uppercase => td_string!(locale, bulk.rule_upper, field).to_string(),
            RuleChange::Lowercase => td_string!(locale, bulk.rule_lower, field).to_string(),
            RuleChange::Clear => td_string!(locale, bulk.rule_clear, field).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_says_its_field_and_change_in_both_languages() {
        let rule = Rule {
            field: "receipt_email".into(),
            change: RuleChange::Replace {
                find: "@@".into(),
                with: "@".into(),
            },
        };
        assert_eq!(
            rule.describe(Locale::en),
            "Receipt email: replace “@@” with “@”"
        );
        assert!(
            rule.describe(Locale::nb).contains("«@@»"),
            "{}",
            rule.describe(Locale::nb)
        );
    }
}
