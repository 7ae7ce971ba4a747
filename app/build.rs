//! - Generates the `i18n` module from the translation files in `app/locales/` (English, the
//!   default, and Norwegian Bokmål): every key becomes a checked accessor, so a missing or
//!   misspelt translation is a compile error, not a blank on the page.
//! - Rebuilds `app` when a migration is added or changed: `sqlx::migrate!` embeds the files at
//!   compile time, and cargo does not watch that folder by itself.

use std::{error::Error, path::PathBuf};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    println!("cargo::rerun-if-changed=../migrations");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    let options = ParseOptions::default().interpolate_display(true);
    let config = Config::new("en")?.add_locale("nb")?.parse_options(options);
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
