//! The WebAssembly entry point. The server renders every page; this module brings its islands
//! (the filter bar, the live indicator, the Jobs panel, the correction workflow…) to life.

#[cfg(feature = "bench")]
pub mod bench;

/// Called by Leptos' island script once the module is loaded, before it hydrates the islands.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::hydrate();
}
