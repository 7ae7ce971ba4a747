//! The WebAssembly entry point: hydrates the page the server rendered, so the status page becomes
//! interactive without being drawn twice.

pub mod bench;

/// Called by the JavaScript glue that cargo-leptos generates, once the module is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
