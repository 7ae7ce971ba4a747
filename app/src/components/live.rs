//! The live page: the browser listens to the server's change events (`GET /events`,
//! server-sent events, reconnecting by itself) and bumps a version that the list, the counts,
//! the open detail and the Jobs panel depend on, so they reload in place when something
//! changed, and only then. The top bar shows whether the page is live.

use leptos::prelude::*;

/// The live connection's state, provided to the whole app.
#[derive(Debug, Clone, Copy)]
pub struct Live {
    /// Grows by one at every change the server reports.
    pub version: RwSignal<u64>,
    /// Whether the event stream is open.
    pub connected: RwSignal<bool>,
}

impl Live {
    /// Provides the live state and, in the browser, opens the event stream once the person is
    /// known to be signed in ([`super::person::Person`] must be provided first).
    pub fn provide() -> Self {
        let live = Self {
            version: RwSignal::new(0),
            connected: RwSignal::new(false),
        };
        provide_context(live);
        // Only a signed-in page listens: the stream answers nobody else.
        #[cfg(feature = "hydrate")]
        {
            let person = use_context::<super::person::Person>();
            Effect::new(move |opened: Option<bool>| {
                if opened.is_none() {
                    leptos::task::spawn_local(async move {
                        if let Some(person) = person {
                            if person.signed_in().await.is_some() {
                                connect(live);
                            }
                        }
                    });
                }
                true
            });
        }
        live
    }

    /// The app's live state (a disconnected one outside the app, e.g. in a test).
    pub fn get() -> Self {
        use_context::<Self>().unwrap_or(Self {
            version: RwSignal::new(0),
            connected: RwSignal::new(false),
        })
    }
}

#[cfg(feature = "hydrate")]
fn connect(live: Live) {
    use std::cell::Cell;
    use wasm_bindgen::{closure::Closure, JsCast};

    let Ok(source) = web_sys::EventSource::new("/events") else {
        return;
    };
    // The first event only says where the server stands now: the page is already current.
    let first = Cell::new(true);
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        live.connected.set(true);
        if !first.replace(false) {
            live.version.update(|v| *v += 1);
        }
    });
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    on_change.forget();
    let on_open = Closure::<dyn FnMut()>::new(move || live.connected.set(true));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();
    let on_error = Closure::<dyn FnMut()>::new(move || live.connected.set(false));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
}

/// The live indicator: a dot and a word, never colour alone.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    use crate::locale::{tu_string, use_i18n};
    let live = Live::get();
    let i18n = use_i18n();
    view! {
        <span
            class="live-indicator"
            class:on=move || live.connected.get()
            role="status"
            title=move || if live.connected.get() {
                tu_string!(i18n, live.on_title)
            } else {
                tu_string!(i18n, live.off_title)
            }
        >
            <span class="live-dot" aria-hidden="true"></span>
            {move || if live.connected.get() { tu_string!(i18n, live.on) } else { tu_string!(i18n, live.off) }}
        </span>
    }
}
