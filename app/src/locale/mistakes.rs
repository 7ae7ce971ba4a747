//! What is wrong with a filter, said in the reader's language (the filter bar, the page) or in
//! English (the server's 400 answers).

use super::{op_label, pick, td_string, Locale};
use crate::model::{
    filter::{FilterMistake, FilterProblem},
    FilterOp,
};

impl FilterMistake {
    /// The sentence in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let ops = |ops: &[FilterOp]| {
            ops.iter()
                .map(|o| op_label(locale, *o))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Self::NotAStatus { value } => {
                td_string!(locale, mistake.not_a_status, value).to_string()
            }
            Self::NotAChannel { value } => {
                td_string!(locale, mistake.not_a_channel, value).to_string()
            }
            Self::NotADate { value } => td_string!(locale, mistake.not_a_date, value).to_string(),
            Self::TooManyFilters { max } => td_string!(locale, mistake.too_many, max).to_string(),
            Self::ToBeforeFrom => td_string!(locale, mistake.to_before_from).to_owned(),
            Self::NotAnOrder { value } => {
                td_string!(locale, mistake.not_an_order, value).to_string()
            }
            Self::NotAColumn { value } => {
                td_string!(locale, mistake.not_a_column, value).to_string()
            }
            Self::NotAnExportColumn { value } => {
                td_string!(locale, mistake.not_an_export_column, value).to_string()
            }
            Self::NoField => td_string!(locale, mistake.no_field).to_owned(),
            Self::NotAField { name } => td_string!(locale, mistake.not_a_field, name).to_string(),
            Self::NotAnOperator { op } => {
                let ops = FilterOp::ALL
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                td_string!(locale, mistake.not_an_operator, op, ops).to_string()
            }
            Self::NeedsValue { op } => {
                let op = op_label(locale, *op);
                td_string!(locale, mistake.needs_value, op).to_string()
            }
            Self::ValueTooLong { max } => {
                td_string!(locale, mistake.value_too_long, max).to_string()
            }
            Self::NotABound { value } => td_string!(locale, mistake.not_a_bound, value).to_string(),
            Self::NotIds { max } => td_string!(locale, mistake.not_ids, max).to_string(),
            Self::NotAFailureGroup { value } => {
                td_string!(locale, mistake.not_a_failure_group, value).to_string()
            }
            Self::DoesNotFit {
                op,
                field_en,
                field_nb,
                fitting,
            } => {
                let field = pick(locale, field_en, field_nb);
                let ops = ops(fitting);
                let op = op_label(locale, *op);
                td_string!(locale, mistake.does_not_fit, op, field, ops).to_string()
            }
        }
    }

    /// The sentence in English, as the server's answers say it.
    pub fn message(&self) -> String {
        self.text(Locale::en)
    }
}

impl FilterProblem {
    /// Why, in English (the server's answers).
    pub fn message(&self) -> String {
        self.mistake.message()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OperationFilter;

    fn read(query: &str) -> Result<OperationFilter, FilterProblem> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        OperationFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    #[test]
    fn a_filter_mistake_reads_in_norwegian_as_well_as_english() {
        let problem = read("f=email~eq~").unwrap_err();
        assert_eq!(problem.message(), "“equals” needs a value");
        assert_eq!(
            problem.mistake.text(Locale::nb),
            "«er lik» trenger en verdi"
        );
        let problem = read("from=2026-11-02&to=2026-11-01").unwrap_err();
        assert_eq!(
            problem.mistake.text(Locale::nb),
            "er før første dag i perioden"
        );
    }
}
