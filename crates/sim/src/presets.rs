//! Scenario presets (MODEL §6): plain functions returning a [`Config`].
//!
//! A preset decides how many servers there are and their initial offsets; skew,
//! wander and jitter are separate knobs and stay zero here, so `reset` is exact.

use crate::clock::ClockConfig;
use crate::config::{
    Config, CrowdConfig, HallConfig, NetworkConfig, Policy, SaleConfig, ServerConfig,
};

/// A named preset and what it shows, in one line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresetInfo {
    /// The name the command line and the app use.
    pub name: &'static str,
    /// Initial offsets of `server-1`, `server-2`, …, in seconds.
    pub offsets_s: &'static [f64],
    /// One plain sentence: what a student will see.
    pub summary: &'static str,
}

/// Every preset, in the order the app shows them.
pub const PRESETS: &[PresetInfo] = &[
    PresetInfo {
        name: "minor_drift",
        offsets_s: &[0.0, -1.0, 0.5],
        summary: "Three servers within a second and a half: occasional conflicts, mostly settled right.",
    },
    PresetInfo {
        name: "major_drift",
        offsets_s: &[0.0, -10.0, 5.0, -3.0],
        summary: "Four servers up to 15 s apart: frequent wrong winners and a log out of order.",
    },
    PresetInfo {
        name: "extreme_drift",
        offsets_s: &[0.0, -30.0, 15.0, -8.0, 12.0],
        summary: "Five servers up to 45 s apart: early sales, refused customers, seats to the wrong people.",
    },
    PresetInfo {
        name: "start_demo",
        offsets_s: &[0.0, -5.0, 3.0, -2.0],
        summary: "The original demo's four servers (0, −5, +3, −2 s): a gentle start for a class.",
    },
    PresetInfo {
        name: "reset",
        offsets_s: &[0.0, 0.0, 0.0],
        summary: "Three servers with exact clocks: the baseline, where clocks decide nothing wrongly.",
    },
];

/// The names of every preset, comma-separated (for error messages).
pub fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The config of preset `name`, with every other knob at its default.
///
/// # Examples
/// ```
/// let c = driftlab_sim::presets::preset("extreme_drift").unwrap();
/// assert_eq!(c.servers.len(), 5);
/// assert_eq!(c.servers[1].clock.offset_ms, -30_000.0);
/// assert!(driftlab_sim::presets::preset("huge").unwrap_err().contains("minor_drift"));
/// ```
pub fn preset(name: &str) -> Result<Config, String> {
    let info = PRESETS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| format!("unknown preset {name:?}; valid presets: {}", preset_names()))?;
    Ok(Config {
        preset: info.name.to_string(),
        seed: 42,
        policy: Policy::LocalTimestamp,
        servers: info
            .offsets_s
            .iter()
            .map(|&s| ServerConfig {
                clock: ClockConfig {
                    offset_ms: s * 1000.0,
                    ..Default::default()
                },
            })
            .collect(),
        hall: HallConfig::default(),
        sale: SaleConfig::default(),
        crowd: CrowdConfig::default(),
        network: NetworkConfig::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_named() {
        for p in PRESETS {
            let c = preset(p.name).unwrap();
            c.validate().unwrap();
            assert_eq!(c.preset, p.name);
            assert_eq!(c.servers.len(), p.offsets_s.len());
        }
        assert!(preset("reset")
            .unwrap()
            .servers
            .iter()
            .all(|s| s.clock == ClockConfig::default()));
    }
}
