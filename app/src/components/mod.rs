//! Reusable pieces of the pages.

pub mod error_box;
pub mod filter_bar;
pub mod jobs_panel;
pub mod live;
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

/// A count with thousands grouped: `12,345`.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A GUID shortened for a list column: its first block, the whole value on hover.
pub fn short_guid(guid: &str) -> String {
    match guid.split_once('-') {
        Some((head, _)) => format!("{head}…"),
        None => guid.to_owned(),
    }
}
