#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! The core's runs, timed from outside: the same function compiled to wasm32 (called
//! from JavaScript in headless Chromium) and natively (the `core-native` binary), so
//! `node e2e/bench/core_wasm.mjs` can put the two side by side and check that both
//! give the same trace hash.
//!
//! Nothing here reads a clock: each side times the calls with its own (the browser's
//! `performance.now()`, the native `Instant`).

use driftlab_sim::{presets, Sim};
use wasm_bindgen::prelude::wasm_bindgen;

/// Builds and runs `preset` with `customers` customers (0: the preset's own crowd)
/// and `seed`, `times` times over, and writes the report as the CLI would need it.
/// Returns `"<events> <trace hash>"` of the last run (every run is the same).
///
/// # Errors
/// A message if the preset is unknown or the config invalid (`times` 0 runs once).
#[wasm_bindgen]
pub fn run_times(preset: &str, customers: u32, seed: u64, times: u32) -> Result<String, String> {
    let mut cfg = presets::preset(preset)?;
    cfg.seed = seed;
    if customers > 0 {
        cfg.crowd.customers = customers;
    }
    let mut last = String::new();
    for _ in 0..times.max(1) {
        let mut sim = Sim::new(cfg.clone()).map_err(|e| e.to_string())?;
        sim.run();
        let report = sim.report();
        last = format!("{} {}", report.events, report.trace_hash);
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_events_and_hash() {
        let out = run_times("reset", 200, 3, 2).unwrap();
        let (events, hash) = out.split_once(' ').unwrap();
        assert!(events.parse::<u64>().unwrap() > 200);
        assert_eq!(hash.len(), 16);
        assert_eq!(run_times("reset", 200, 3, 1).unwrap(), out);
        assert!(run_times("no_such_preset", 0, 1, 1).is_err());
    }
}
