//! Reusable pieces of the pages: rendered by the server; the `#[island]`s among them also
//! come alive in the browser.

pub mod alert_banner;
pub mod bulk_bar;
pub mod correction;
pub mod duplicate_compare;
pub mod error_box;
pub mod export_menu;
pub mod field_value;
pub mod filter_bar;
pub mod jobs_panel;
pub mod live_indicator;
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

/// Follows `href` as a click on a link to it would: `public/pages.js` fetches the page and
/// morphs it in (where it is not running, the browser loads the page).
pub fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::{prelude::document, wasm_bindgen::JsCast};
        let doc = document();
        let link = doc
            .create_element("a")
            .ok()
            .and_then(|a| a.dyn_into::<leptos::web_sys::HtmlElement>().ok());
        if let (Some(link), Some(body)) = (link, doc.body()) {
            let _ = link.set_attribute("href", href);
            let _ = body.append_child(&link);
            link.click();
            link.remove();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}
