//! The app's component tests, in one test binary run in headless Chromium
//! (`cargo test -p driftlab-app --target wasm32-unknown-unknown --test all`): each file of
//! this folder is a module, and `common` holds the helpers they share. One binary is
//! linked, bound by wasm-bindgen and opened in the browser once, instead of once per file
//! (see docs/COMMANDS.md, "CI's time on a fresh machine"). Run one file's tests with a
//! filter: `... --test all ntp::`. Natively this compiles to nothing.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

mod app;
mod chart;
mod feed;
mod ntp;
mod preset_bar;
