//! The live page: the browser listens to the server's change events (`GET /events`,
//! server-sent events, reconnecting by itself). At every change the page is drawn again by the
//! server and morphed in place (the list, the counts, the Jobs panel, the open detail; an open
//! editor stays as it is). The top bar shows whether the page is live.

use leptos::prelude::*;

/// Draws the page again from the server, in place (`public/pages.js` does that on the
/// `custsync:refresh` event: same address, no new history entry; the islands whose props did
/// not change keep their state).
pub fn refresh() {
    #[cfg(feature = "hydrate")]
    if let Ok(event) = web_sys::Event::new("custsync:refresh") {
        let _ = window().dispatch_event(&event);
    }
}

/// The live indicator, a dot and a word (never colour alone), and the event stream behind it.
/// Only on a signed-in page: the stream answers nobody else.
#[island]
pub fn LiveIndicator() -> impl IntoView {
    use crate::locale::{tu_string, use_i18n};
    let connected = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |opened: Option<()>| {
        if opened.is_none() {
            connect(connected);
            // Without the stream, the page still catches up now and then.
            set_interval(
                move || {
                    if !connected.get_untracked() {
                        refresh();
                    }
                },
                std::time::Duration::from_secs(10),
            );
        }
    });
    let i18n = use_i18n();
    view! {
        <span
            class="live-indicator"
            class:on=move || connected.get()
            role="status"
            title=move || if connected.get() {
                tu_string!(i18n, live.on_title)
            } else {
                tu_string!(i18n, live.off_title)
            }
        >
            <span class="live-dot" aria-hidden="true"></span>
            <span class="live-label">
                {move || if connected.get() { tu_string!(i18n, live.on) } else { tu_string!(i18n, live.off) }}
            </span>
        </span>
    }
}

#[cfg(feature = "hydrate")]
fn connect(connected: RwSignal<bool>) {
    use std::cell::Cell;
    use wasm_bindgen::{closure::Closure, JsCast};

    let Ok(source) = web_sys::EventSource::new("/events") else {
        return;
    };
    // The first event only says where the server stands now: the page is already current.
    let first = Cell::new(true);
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        connected.set(true);
        if !first.replace(false) {
            refresh();
        }
    });
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    on_change.forget();
    let on_open = Closure::<dyn FnMut()>::new(move || connected.set(true));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();
    let on_error = Closure::<dyn FnMut()>::new(move || connected.set(false));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
}
