//! How the status list is shown, beside what it lets through: its order and its extra columns.
//! In the URL like the filter (`sort=oldest`, `cols=kind,retries`), so a view is bookmarked and
//! shared whole.

use serde::{Deserialize, Serialize};

use super::{shorten, FilterMistake, FilterProblem};

/// A column the list can show beside the five default ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExtraColumn {
    Kind,
    Retries,
    LegalEntity,
    LastError,
}

crate::model::text_enum!(ExtraColumn {
    Kind => "kind",
    Retries => "retries",
    LegalEntity => "entity",
    LastError => "error",
});

/// The list's order and extra columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListView {
    /// Oldest first instead of newest first.
    pub oldest_first: bool,
    /// Extra columns, in [`ExtraColumn::ALL`] order.
    pub columns: Vec<ExtraColumn>,
}

impl ListView {
    /// Reads URL parameter `key` if it is one of the view's; `Ok(false)` when it is not.
    pub fn read(&mut self, key: &str, value: &str) -> Result<bool, FilterProblem> {
        match key {
            "sort" => {
                self.oldest_first = match value {
                    "oldest" => true,
                    "newest" => false,
                    _ => {
                        return Err(FilterProblem {
                            param: "sort".into(),
                            mistake: FilterMistake::NotAnOrder {
                                value: shorten(value),
                            },
                        })
                    }
                };
                Ok(true)
            }
            "cols" => {
                let mut columns = Vec::new();
                for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    let column = ExtraColumn::parse(name).ok_or_else(|| FilterProblem {
                        param: "cols".into(),
                        mistake: FilterMistake::NotAColumn {
                            value: shorten(name),
                        },
                    })?;
                    columns.push(column);
                }
                self.columns = ExtraColumn::ALL
                    .iter()
                    .copied()
                    .filter(|c| columns.contains(c))
                    .collect();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The view's URL parameters (none for the default view).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if self.oldest_first {
            pairs.push(("sort", "oldest".to_owned()));
        }
        if !self.columns.is_empty() {
            let names: Vec<&str> = self.columns.iter().map(|c| c.as_str()).collect();
            pairs.push(("cols", names.join(",")));
        }
        pairs
    }

    /// This view with `column` shown, or hidden if it was.
    pub fn toggled(&self, column: ExtraColumn) -> Self {
        let mut columns = self.columns.clone();
        match columns.iter().position(|c| *c == column) {
            Some(at) => {
                columns.remove(at);
            }
            None => columns.push(column),
        }
        Self {
            oldest_first: self.oldest_first,
            columns: ExtraColumn::ALL
                .iter()
                .copied()
                .filter(|c| columns.contains(c))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_survives_the_url() {
        let mut view = ListView::default();
        assert!(view.read("sort", "oldest").unwrap());
        assert!(view.read("cols", "error,kind").unwrap());
        assert!(!view.read("status", "failed").unwrap());
        assert_eq!(view.columns, [ExtraColumn::Kind, ExtraColumn::LastError]);
        assert_eq!(
            view.to_query(),
            [
                ("sort", "oldest".to_owned()),
                ("cols", "kind,error".to_owned())
            ]
        );
    }

    #[test]
    fn unknown_orders_and_columns_are_refused_naming_their_parameter() {
        let mut view = ListView::default();
        assert_eq!(view.read("sort", "sideways").unwrap_err().param, "sort");
        assert_eq!(
            view.read("cols", "kind,password").unwrap_err().param,
            "cols"
        );
    }

    #[test]
    fn toggling_a_column_shows_or_hides_it() {
        let view = ListView::default().toggled(ExtraColumn::Retries);
        assert_eq!(view.columns, [ExtraColumn::Retries]);
        assert!(view.toggled(ExtraColumn::Retries).columns.is_empty());
    }
}
