//! CSV export of the status list (`GET /export.csv?<the list's query>`): exactly the
//! operations the list's filter selects, every page of them, in the list's order, with the
//! list's columns and a choice of more: the change description, the last error, and any
//! field's old and new values (`with=description&with=error&with=values:email`).
//!
//! - This module reads what is asked for ([`ExportRequest`]); the page's Export form
//!   (`components::export_menu`) writes the same parameters.
//! - [`sheet`] (server only) writes the rows with the `csv` crate, in the reader's language and
//!   time zone, with spreadsheet formulas neutralised.
//! - The server streams it a page at a time and writes the export in the audit log
//!   (`server/src/export.rs`).

#[cfg(feature = "ssr")]
pub mod sheet;

use crate::model::filter::{shorten, FilterField, FilterMistake, FilterProblem};
use crate::model::OperationFilter;

/// Where the export is downloaded.
pub const EXPORT_PATH: &str = "/export.csv";

/// The `with=` parameter's prefix for a field's old and new values.
const VALUES_PREFIX: &str = "values:";

/// A column chosen beside the list's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChosenColumn {
    /// What the operation does, in a sentence (`description`).
    Description,
    /// The last error in the reader's language (`error`).
    LastError,
    /// A field's old and new values, two columns (`values:<field key>`).
    Values(String),
}

impl ChosenColumn {
    /// The `with=` value that asks for it.
    pub fn param(&self) -> String {
        match self {
            Self::Description => "description".to_owned(),
            Self::LastError => "error".to_owned(),
            Self::Values(field) => format!("{VALUES_PREFIX}{field}"),
        }
    }

    /// Reads a `with=` value; the field of `values:` must be one of `catalog`'s.
    fn parse(value: &str, catalog: &[FilterField]) -> Result<Self, FilterMistake> {
        match value {
            "description" => Ok(Self::Description),
            "error" => Ok(Self::LastError),
            _ => match value.strip_prefix(VALUES_PREFIX) {
                Some(field) if catalog.iter().any(|f| f.key == field) => {
                    Ok(Self::Values(field.to_owned()))
                }
                Some(field) => Err(FilterMistake::NotAField {
                    name: shorten(field),
                }),
                None => Err(FilterMistake::NotAnExportColumn {
                    value: shorten(value),
                }),
            },
        }
    }
}

/// What an export asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportRequest {
    /// The list's filter (and order).
    pub filter: OperationFilter,
    /// The columns chosen beside the list's, in the order asked for, each once.
    pub chosen: Vec<ChosenColumn>,
    /// A byte order mark first, so Excel reads the file as UTF-8 (`bom=1`).
    pub bom: bool,
}

/// The most columns of field values one export may ask for.
pub const MAX_VALUE_COLUMNS: usize = 40;

impl ExportRequest {
    /// Reads the export's URL query: the list's filter, `with=` (repeated) and `bom=1`.
    /// `catalog` is every field a filter may name.
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
        catalog: &[FilterField],
    ) -> Result<Self, FilterProblem> {
        let filter = OperationFilter::from_query(pairs.clone())?;
        if let Some(field) = filter
            .fields
            .iter()
            .find(|f| !catalog.iter().any(|c| c.key == f.field))
        {
            return Err(FilterProblem {
                param: "f".into(),
                mistake: FilterMistake::NotAField {
                    name: shorten(&field.field),
                },
            });
        }
        let mut request = Self {
            filter,
            ..Self::default()
        };
        let problem = |param: &str, mistake| FilterProblem {
            param: param.to_owned(),
            mistake,
        };
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "with" if !value.is_empty() => {
                    let column =
                        ChosenColumn::parse(value, catalog).map_err(|m| problem("with", m))?;
                    if !request.chosen.contains(&column) {
                        request.chosen.push(column);
                    }
                }
                "bom" => {
                    request.bom = match value {
                        "1" | "true" | "on" => true,
                        "" | "0" | "false" | "off" => false,
                        _ => {
                            return Err(problem(
                                "bom",
                                FilterMistake::NotAnExportColumn {
                                    value: shorten(value),
                                },
                            ))
                        }
                    }
                }
                _ => {}
            }
        }
        let value_columns = request
            .chosen
            .iter()
            .filter(|c| matches!(c, ChosenColumn::Values(_)))
            .count();
        if value_columns > MAX_VALUE_COLUMNS {
            return Err(problem(
                "with",
                FilterMistake::TooManyFilters {
                    max: MAX_VALUE_COLUMNS,
                },
            ));
        }
        Ok(request)
    }

    /// Whether the rows need each operation's fields (a description or a field's values).
    pub fn needs_fields(&self) -> bool {
        !self
            .chosen
            .iter()
            .all(|c| matches!(c, ChosenColumn::LastError))
    }

    /// The export's parameters: the filter's, then the choice's.
    fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = self.filter.to_query();
        params.extend(self.chosen.iter().map(|c| ("with", c.param())));
        if self.bom {
            params.push(("bom", "1".to_owned()));
        }
        params
    }

    /// The export's URL: [`EXPORT_PATH`] with the filter's and the choice's parameters.
    pub fn href(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.params() {
            query.append_pair(key, &value);
        }
        format!("{EXPORT_PATH}?{}", query.finish())
    }

    /// What was asked for, as a person reads it (the audit log): `status=failed & with=error`,
    /// or `everything`.
    pub fn describe(&self) -> String {
        let params: Vec<String> = self
            .params()
            .into_iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        if params.is_empty() {
            "everything".to_owned()
        } else {
            params.join(" & ")
        }
    }
}

#[cfg(test)]
mod tests;
