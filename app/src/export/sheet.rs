//! The export's rows as CSV, written with the `csv` crate: a header row in the reader's
//! language, `;` between cells in Norwegian (Excel's separator where the decimal sign is a
//! comma), `,` in English; times in the reader's time zone, which the header names.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or a carriage
//! return, which some strip first) as a formula. Every such value gets a `'` before it, as
//! OWASP advises against CSV injection, and the `csv` crate quotes whatever needs it.

use std::borrow::Cow;

use chrono_tz::Tz;

use super::{ChosenColumn, ExportRequest};
use crate::{
    locale::{kind_label, pick, status_label, td_string, Locale},
    model::{
        detail::FieldName, filter::FilterField, AttributeDefinition, ChangeDescription, GridRow,
        OperationField, OperationState,
    },
    storage::export::OperationWithFields,
};

/// The byte order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// How the cells of a time are written: sortable, and read as a date by spreadsheets.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Writes one export's rows: what was asked for, for whom.
pub struct Sheet<'a> {
    pub locale: Locale,
    pub zone: Tz,
    pub request: &'a ExportRequest,
    /// Every field a filter may name, for the names of fields.
    pub catalog: &'a [FilterField],
    /// Every attribute definition, for the change description's field names.
    pub definitions: &'a [AttributeDefinition],
}

impl Sheet<'_> {
    /// The cell separator of the reader's language.
    pub fn delimiter(&self) -> u8 {
        match self.locale {
            Locale::en => b',',
            Locale::nb => b';',
        }
    }

    /// A CSV writer into `out` with the reader's separator.
    fn writer<W: std::io::Write>(&self, out: W) -> csv::Writer<W> {
        csv::WriterBuilder::new()
            .delimiter(self.delimiter())
            .from_writer(out)
    }

    /// The header row (with the byte order mark first when asked for), as bytes.
    pub fn header(&self) -> Result<Vec<u8>, csv::Error> {
        let mut out = Vec::new();
        if self.request.bom {
            out.extend_from_slice(BOM);
        }
        let mut writer = self.writer(out);
        writer.write_record(self.header_cells())?;
        writer.into_inner().map_err(|e| e.into_error().into())
    }

    /// `operations` as CSV rows, as bytes.
    pub fn rows(&self, operations: &[OperationWithFields]) -> Result<Vec<u8>, csv::Error> {
        let mut writer = self.writer(Vec::with_capacity(operations.len() * 200));
        for (state, fields) in operations {
            let cells = self.cells(state, fields);
            writer.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
        }
        writer.into_inner().map_err(|e| e.into_error().into())
    }

    /// The header's cells: the list's columns, then the chosen ones.
    fn header_cells(&self) -> Vec<String> {
        let l = self.locale;
        let mut cells: Vec<String> = [
            td_string!(l, export.operation),
            td_string!(l, list.sync_status),
            td_string!(l, list.operation_kind),
            td_string!(l, list.channel_name),
            td_string!(l, list.legal_entity),
            td_string!(l, list.customer_name),
            td_string!(l, list.customer_account),
            td_string!(l, list.async_account),
        ]
        .map(str::to_owned)
        .into();
        let zone = self.zone.name();
        cells.push(
            td_string!(
                l,
                export.time_in,
                column = td_string!(l, list.operation_timestamp),
                zone
            )
            .to_string(),
        );
        cells.push(td_string!(l, list.retry_count).to_owned());
        for column in &self.request.chosen {
            match column {
                ChosenColumn::Description => {
                    cells.push(td_string!(l, export.description).to_owned())
                }
                ChosenColumn::LastError => cells.push(td_string!(l, export.last_error).to_owned()),
                ChosenColumn::Values(key) => {
                    let field = self.field_name(key);
                    cells.push(td_string!(l, export.old_value, field = &field).to_string());
                    cells.push(td_string!(l, export.new_value, field).to_string());
                }
            }
        }
        cells
    }

    /// One operation's cells, in the header's order (not yet neutralised).
    fn cells(&self, state: &OperationState, fields: &[OperationField]) -> Vec<String> {
        let l = self.locale;
        let s = &state.summary;
        let mut cells = vec![
            s.id.to_string(),
            status_label(l, s.status).to_owned(),
            kind_label(l, s.kind).to_owned(),
            s.channel_name.clone(),
            s.legal_entity_id.clone(),
            s.customer_name.clone().unwrap_or_default(),
            s.customer_account.clone().unwrap_or_default(),
            s.async_account.clone(),
            s.operation_at
                .with_timezone(&self.zone)
                .format(TIME_FORMAT)
                .to_string(),
            state.retry_count.to_string(),
        ];
        for column in &self.request.chosen {
            match column {
                ChosenColumn::Description => {
                    let grid = GridRow::build(fields, self.definitions, None, |_| None);
                    cells.push(ChangeDescription::of_grid(s, &grid).sentence(l));
                }
                ChosenColumn::LastError => {
                    let error = state.last_error.as_ref().map(|e| {
                        let name = e.field.as_deref().map(|key| self.field_name(key));
                        e.text_with_field(l, name.as_deref())
                    });
                    cells.push(error.unwrap_or_default());
                }
                ChosenColumn::Values(key) => {
                    let field = fields.iter().find(|f| &f.field == key);
                    cells.push(field.and_then(|f| f.old_value.clone()).unwrap_or_default());
                    cells.push(field.and_then(|f| f.new_value.clone()).unwrap_or_default());
                }
            }
        }
        cells
    }

    /// A field's name in the reader's language.
    fn field_name(&self, key: &str) -> String {
        match self.catalog.iter().find(|f| f.key == key) {
            Some(f) => pick(self.locale, &f.label_en, &f.label_nb).to_owned(),
            None => FieldName::of_key(key).get(self.locale).to_owned(),
        }
    }
}

/// `cell` made safe to open in a spreadsheet: a `'` before a value that would be run as a
/// formula (see the module's text).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}
