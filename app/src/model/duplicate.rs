//! Possible duplicates: a create that looks like an existing customer of its legal entity waits
//! for a person, who compares the two and links, creates anyway or corrects. The rules that
//! match, the side-by-side comparison the detail shows, and what a person may decide.

use serde::{Deserialize, Serialize};

/// Why a create looks like an existing customer. Values are compared normalized (see
/// `crate::duplicates::keys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MatchRule {
    /// The same email, ignoring case and surrounding spaces.
    Email,
    /// The same phone or mobile number, in E.164 with the channel's country.
    Phone,
    /// The same name, street and ZIP, ignoring case, spacing, punctuation and diacritics.
    NameAddress,
}

super::text_enum!(MatchRule {
    Email => "email",
    Phone => "phone",
    NameAddress => "name_address",
});

impl MatchRule {
    /// Rules as stored on the operation: `email,phone`.
    pub fn join(rules: &[MatchRule]) -> String {
        rules
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads [`MatchRule::join`]'s text back, leaving out what it does not know.
    pub fn split(text: &str) -> Vec<MatchRule> {
        text.split(',').filter_map(MatchRule::parse).collect()
    }
}

/// One field of the side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparedField {
    /// A standard field's key (`email`, `street`, …).
    pub field: String,
    /// What the channel sent.
    pub incoming: Option<String>,
    /// What the existing customer has.
    pub existing: Option<String>,
    /// Both hold the same value, normalized as the rules compare them.
    pub same: bool,
}

/// The existing customer a possible duplicate looks like, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateComparison {
    pub existing_account: String,
    pub rules: Vec<MatchRule>,
    pub fields: Vec<ComparedField>,
}

/// What a person decided about a possible duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DuplicateDecision {
    /// The same person: the async account maps to the existing customer.
    Link,
    /// A different person: create the customer, without the duplicate check.
    CreateAnyway,
}

super::text_enum!(DuplicateDecision {
    Link => "link",
    CreateAnyway => "create_anyway",
});

/// Why a decision was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DuplicateRefusal {
    /// The operation is no longer a possible duplicate, or changed since the page showed it.
    #[error("the operation is no longer a possible duplicate as shown")]
    ChangedMeanwhile,
    /// Create anyway while another customer of the legal entity has the same email.
    #[error("customer {owner} has the same email")]
    SameEmail { owner: String },
    /// The existing customer was erased since the check.
    #[error("the existing customer was erased")]
    ExistingErased,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_back_from_their_stored_list() {
        let rules = [MatchRule::Email, MatchRule::NameAddress];
        assert_eq!(MatchRule::join(&rules), "email,name_address");
        assert_eq!(MatchRule::split("email,name_address,shoe_size"), rules);
        assert_eq!(MatchRule::split(""), []);
    }
}
