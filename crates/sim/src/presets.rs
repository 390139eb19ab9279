//! Scenario presets (MODEL §6): plain functions returning a [`Config`].
//!
//! A preset decides how many servers there are and their initial offsets; skew,
//! wander and jitter are separate knobs and stay zero here, so `reset` is exact.

use crate::clock::ClockConfig;
use crate::config::{
    Config, CrowdConfig, HallConfig, NetworkConfig, Policy, SaleConfig, ServerConfig,
};
use crate::timesync::{Fault, NtpConfig};

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
        name: "synced",
        offsets_s: &[0.0, -30.0, 15.0, -8.0, 12.0],
        summary: "Extreme drift with NTP on: clocks stepped back within milliseconds, order restored.",
    },
    PresetInfo {
        name: "ntp_falseticker",
        offsets_s: &[0.0, -30.0, 15.0, -8.0, 12.0],
        summary: "NTP with one time server lying by +10 s: the others outvote it.",
    },
    PresetInfo {
        name: "ntp_asymmetric",
        offsets_s: &[0.0, -30.0, 15.0, -8.0, 12.0],
        summary: "NTP over a route 20 ms out, 0 ms back: every clock ends 10 ms off, and NTP cannot tell.",
    },
    PresetInfo {
        name: "ntp_unreachable",
        offsets_s: &[0.0, -30.0, 15.0, -8.0, 12.0],
        summary: "NTP with a primary time server down: a fallback server takes over.",
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
    let mut ntp = NtpConfig::default();
    let n = info.offsets_s.len();
    // Faults dated 0 (midnight) are due as soon as the run starts, whenever it starts.
    let start_s = 0.0;
    match info.name {
        "synced" => ntp.enabled = true,
        "ntp_falseticker" => {
            ntp.enabled = true;
            ntp.faults.push(Fault::Falseticker {
                source: 3,
                lie_ms: 10_000.0,
                at_s: start_s,
            });
        }
        "ntp_asymmetric" => {
            ntp.enabled = true;
            for server in 1..=n as u32 {
                ntp.faults.push(Fault::Asymmetry {
                    server,
                    out_ms: 20.0,
                    back_ms: 0.0,
                    at_s: start_s,
                });
            }
        }
        "ntp_unreachable" => {
            ntp.enabled = true;
            ntp.faults.push(Fault::SourceDown {
                source: 2,
                from_s: start_s,
                to_s: 86_400.0,
            });
        }
        _ => {}
    }
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
        ntp,
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
