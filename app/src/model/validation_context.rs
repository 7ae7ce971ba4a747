//! What validation checks a legal entity's values against: its attribute definitions and the
//! reference codes it allows. Sent to the browser with the correction editor, so checks there
//! need no round trip.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{AttributeDefinition, ReferenceKind};

/// Everything validation needs to know: the legal entity's attribute definitions and the allowed
/// reference codes. Sent to the browser with the page, so checks there need no round trip.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationContext {
    pub attributes: Vec<AttributeDefinition>,
    pub references: BTreeMap<String, BTreeSet<String>>,
}

impl ValidationContext {
    /// Allows `code` for reference data of `kind`.
    pub fn allow(&mut self, kind: ReferenceKind, code: impl Into<String>) {
        self.references
            .entry(kind.as_str().to_owned())
            .or_default()
            .insert(code.into());
    }

    pub(crate) fn is_known(&self, kind: ReferenceKind, code: &str) -> bool {
        self.references
            .get(kind.as_str())
            .is_some_and(|codes| codes.contains(code))
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&AttributeDefinition> {
        self.attributes.iter().find(|a| a.name == name)
    }
}
