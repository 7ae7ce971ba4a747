//! The reader's time zone: the browser's own, which `public/pages.js` keeps in the `tz` cookie
//! (remembered like the language), so the server draws every time in it from the first byte.
//! Until the browser has said it (the very first page), and for a name no zone has, UTC. The
//! server writes the zone it drew in on `<html data-tz>`, where the islands read it.

use chrono_tz::Tz;

/// The cookie the browser keeps its time zone's IANA name in (`Europe/Oslo`).
pub const ZONE_COOKIE: &str = "tz";

/// A zone by its IANA name; `None` for anything else.
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// The zone of the page being drawn: on the server the request's cookie, in the browser the
/// page's `<html data-tz>`.
pub fn use_zone() -> Tz {
    page_zone().unwrap_or(Tz::UTC)
}

#[cfg(feature = "ssr")]
fn page_zone() -> Option<Tz> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    request_zone(&parts.headers)
}

/// The zone a request's `tz` cookie names, if it names one.
#[cfg(feature = "ssr")]
pub fn request_zone(headers: &http::HeaderMap) -> Option<Tz> {
    parse_zone(&super::request_cookie(headers, ZONE_COOKIE)?)
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn page_zone() -> Option<Tz> {
    let root = leptos::prelude::document().document_element()?;
    parse_zone(&root.get_attribute("data-tz")?)
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn page_zone() -> Option<Tz> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_is_known_by_its_iana_name_and_nothing_else() {
        assert_eq!(parse_zone("Europe/Oslo"), Some(Tz::Europe__Oslo));
        assert_eq!(parse_zone(" UTC "), Some(Tz::UTC));
        assert_eq!(parse_zone("Mars/Olympus"), None);
        assert_eq!(parse_zone("<script>"), None);
    }
}
