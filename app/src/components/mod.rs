//! Reusable pieces of the pages.

pub mod correction;
pub mod error_box;
pub mod filter_bar;
pub mod jobs_panel;
pub mod live;
pub mod operation_detail;
pub mod operation_list;
pub mod person;
pub mod status_badge;
pub mod status_counts;
pub mod time;
pub mod top_bar;

/// A GUID shortened for a list column: its first block, the whole value on hover.
pub fn short_guid(guid: &str) -> String {
    match guid.split_once('-') {
        Some((head, _)) => format!("{head}…"),
        None => guid.to_owned(),
    }
}
