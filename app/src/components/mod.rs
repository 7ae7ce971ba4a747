//! Reusable pieces of the pages.

pub mod error_box;
pub mod jobs_panel;
pub mod operation_detail;
pub mod operation_list;
pub mod status_badge;
pub mod status_counts;
pub mod top_bar;

/// A timestamp as shown in lists: `2026-11-25 14:03 UTC`. Rendered the same on the server and in
/// the browser, so hydration finds what it expects.
pub fn format_timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A GUID shortened for a list column: its first block, the whole value on hover.
pub fn short_guid(guid: &str) -> String {
    match guid.split_once('-') {
        Some((head, _)) => format!("{head}…"),
        None => guid.to_owned(),
    }
}
