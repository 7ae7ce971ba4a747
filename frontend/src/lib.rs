//! The WebAssembly entry point. The server renders every page; this module brings its islands
//! (the filter bar, the live indicator, the Jobs panel, the correction workflow…) to life.

#[cfg(feature = "bench")]
pub mod bench;

/// Called by Leptos' island script once the module is loaded, before it hydrates the islands.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // A release client aborts at a panic without running any hook (see scripts/build-client.sh):
    // the hook would only weigh.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    app::hydrate();
}
