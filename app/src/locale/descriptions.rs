//! The change description of an operation, said in the reader's language: a field's name and
//! the one sentence of what happened.

use super::{pick, td_string, Locale};
use crate::model::detail::{ChangeDescription, FieldName};

impl FieldName {
    /// The name in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        pick(locale, &self.en, &self.nb)
    }
}

impl ChangeDescription {
    /// The sentence in `locale`.
    pub fn sentence(&self, locale: Locale) -> String {
        match self {
            Self::Created {
                channel,
                name,
                fields,
                account,
            } => {
                let who = name
                    .as_deref()
                    .unwrap_or(td_string!(locale, describe.no_name));
                let fields = if *fields == 1 {
                    td_string!(locale, describe.one_field).to_string()
                } else {
                    td_string!(locale, describe.n_fields, n = fields).to_string()
                };
                match account {
                    Some(account) => {
                        td_string!(locale, describe.created_now, channel, who, fields, account)
                            .to_string()
                    }
                    None => td_string!(locale, describe.created, channel, who, fields).to_string(),
                }
            }
            Self::Updated { changed } if changed.is_empty() => {
                td_string!(locale, describe.update_none).to_owned()
            }
            Self::Updated { changed } => {
                let names: Vec<String> = changed
                    .iter()
                    .map(|n| lowercase_first(n.get(locale)))
                    .collect();
                let fields = join_names(locale, &names);
                td_string!(locale, describe.updated, fields).to_string()
            }
        }
    }
}

/// "a", "a and b", "a, b and c"; past four names, "a, b, c and 3 more fields".
pub fn join_names(locale: Locale, names: &[String]) -> String {
    const SHOWN: usize = 3;
    let and = td_string!(locale, describe.and);
    match names {
        [] => String::new(),
        [one] => one.clone(),
        _ if names.len() > SHOWN + 1 => {
            let names_shown = names[..SHOWN].join(", ");
            let n = names.len() - SHOWN;
            td_string!(locale, describe.more_fields, names = names_shown, n).to_string()
        }
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
