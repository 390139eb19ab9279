//! The core's integration tests, in one test binary: each file of this folder is a
//! module. One binary links the crate and its dev-dependencies once instead of once per
//! file, natively and in Wasm (see docs/COMMANDS.md, "CI's time on a fresh machine").
//! Run one file's tests with a filter: `cargo test -p driftlab-sim --test all data::`.
//!
//! The modules marked (wasm32) also run under `wasm-bindgen-test`
//! (`cargo test -p driftlab-sim --target wasm32-unknown-unknown --test all`): in them,
//! `#[test]` is `wasm_bindgen_test` on wasm32.

mod cache;
mod compare;
mod cost;
mod cures;
mod data;
// (wasm32) The pinned trace hashes of 11 runs.
mod determinism;
mod diagram;
mod explain;
mod feed;
mod gateway;
mod lessons;
mod load;
mod locks;
mod modules;
mod ntp_sim;
// (wasm32) Every preset against its JSON fixture.
mod presets;
mod properties;
// (wasm32) The pinned hashes of random scenarios; natively, 1 500 of them checked.
mod random_scenarios;
mod scenarios;
