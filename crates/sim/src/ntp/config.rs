//! A client's NTP configuration (its `ntp.conf`), with documented defaults.

use super::chrony::{Chrony, Makestep, MAKESTEP_LIMIT, MAKESTEP_NS};
use super::discipline::{Discipline, Loop, Thresholds, PANICT, STEPT, WATCH};
use super::{SourceId, MAXPOLL, MINPOLL, POLL_CEILING, POLL_FLOOR};
use crate::time::{ms_to_nanos, SEC};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which daemon's clock discipline a client follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DisciplineKind {
    /// ntpd's hybrid PLL/FLL (RFC 5905 A.5.5.6–7, `ntp_loopfilter.c`): the phase
    /// amortised over 16 × 2^poll s, the frequency learnt slowly.
    #[default]
    Ntpd,
    /// chrony-style: offset and frequency from a regression over recent updates,
    /// slewed away over three update intervals, `makestep` for the first updates.
    Chrony,
}

/// How a client uses its sources.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientMode {
    /// Full NTP (RFC 5905): every source polled, filtered, selected (falsetickers
    /// outvoted), clustered and combined before the discipline.
    #[default]
    Full,
    /// The original report's `NTPService`, SNTP-like (RFC 4330): the sources are asked
    /// in their order (`sources`, then `fallbacks`), only the first that answers is
    /// asked, the next one only once it is unreachable, and its every answer is
    /// believed: the clock is set to it (stepped beyond the step threshold, slewed
    /// below), with no filter, no selection, no vote and no frequency learnt.
    FirstAnswer,
}

/// How one node runs NTP as a client.
///
/// Every field has a default (`{}` is a valid configuration, if a useless one: it
/// names no source).
///
/// # Examples
/// ```
/// use driftlab_sim::ntp::ClientConfig;
/// let cfg: ClientConfig = serde_json::from_str(r#"{"sources": [0, 1, 2], "fallbacks": [3]}"#).unwrap();
/// assert_eq!((cfg.minpoll, cfg.maxpoll, cfg.iburst), (6, 10, true));
/// assert!(cfg.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    /// Primary sources (server ids), polled from the start. Default: none.
    pub sources: Vec<SourceId>,
    /// Fallback sources, in order of preference, mobilised one by one when primaries
    /// become unreachable, released when they answer again. Default: none.
    pub fallbacks: Vec<SourceId>,
    /// How many answering sources the client wants; fallbacks fill the gap when fewer
    /// primaries answer. Default `None`: as many as there are primaries.
    pub want: Option<usize>,
    /// Shortest poll interval, as a power of two seconds. Default 6 (64 s).
    pub minpoll: i8,
    /// Longest poll interval, as a power of two seconds. Default 10 (1024 s).
    pub maxpoll: i8,
    /// Send a burst of 8 packets 2 s apart when a source has nothing to say yet (at
    /// start, after a step, when it goes silent). Default `true`.
    pub iburst: bool,
    /// How many truechimers must agree before the clock is touched. Default `None`: a
    /// majority of the sources currently polled and not unreachable (with 3 sources, 2
    /// must agree, so a lone liar cannot set the clock while the others are still
    /// being heard from). `Some(1)` is the RFC's and ntpd's `minsane` default.
    pub min_sane: Option<usize>,
    /// Frequency correction from a drift file, ppm. Default `None`: unknown, so the
    /// client measures it first (300 s hands off). `Some(x)` starts with `x` and
    /// synchronises at once, as ntpd does with `/var/lib/ntp/ntp.drift`.
    pub drift_ppm: Option<f64>,
    /// Which daemon's discipline: `"ntpd"` (default) or `"chrony"`.
    pub discipline: DisciplineKind,
    /// Step threshold, ms: larger offsets are stepped, smaller ones slewed; 0 never
    /// steps. Default `None`: the daemon's, 128 ms for ntpd (`tinker step 0.128`),
    /// 1000 ms for chrony (`makestep 1.0 3`).
    pub step_ms: Option<f64>,
    /// Updates that may step, chrony's `makestep` limit: the first `n`, or −1 for any.
    /// Default `None`: the daemon's, any for ntpd, 3 for chrony.
    pub step_limit: Option<i32>,
    /// ntpd's stepout, s: how long outliers must persist before a step, and how long
    /// the frequency is watched without a drift file (`tinker stepout`). Default 300.
    pub stepout_s: f64,
    /// ntpd's panic threshold, s: a larger offset is refused (`tinker panic`); 0 never
    /// panics (like `ntpd -g` for every update). Default 1000. chrony has none.
    pub panic_s: f64,
    /// `"full"` NTP (default) or `"first-answer"` (SNTP-like: believe the first source
    /// that answers, in order).
    pub mode: ClientMode,
    /// Authenticate every source with this key (ntpd's `server … key N` on every
    /// source line, with `trustedkey N`): requests carry its MAC, and replies without
    /// its valid MAC are dropped before the reach bit. Default `None`: no
    /// authentication. The key's secret is in the run's keys (`ntp.keys`).
    pub key: Option<super::auth::KeyId>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            sources: Vec::new(),
            fallbacks: Vec::new(),
            want: None,
            minpoll: MINPOLL,
            maxpoll: MAXPOLL,
            iburst: true,
            min_sane: None,
            drift_ppm: None,
            discipline: DisciplineKind::Ntpd,
            step_ms: None,
            step_limit: None,
            stepout_s: WATCH as f64 / SEC as f64,
            panic_s: PANICT as f64 / SEC as f64,
            mode: ClientMode::Full,
            key: None,
        }
    }
}

/// A client configuration that cannot work, and why.
#[derive(Clone, Debug, PartialEq)]
pub enum NtpConfigError {
    /// No primary source.
    NoSources,
    /// `minpoll`/`maxpoll` outside 4..=17 or in the wrong order.
    PollRange {
        /// The configured minpoll.
        minpoll: i8,
        /// The configured maxpoll.
        maxpoll: i8,
    },
    /// A source listed twice.
    Duplicate(SourceId),
    /// A drift-file frequency beyond ±500 ppm.
    Drift(f64),
    /// `min_sane` or `want` is 0.
    Zero(&'static str),
    /// A threshold out of its range.
    Range {
        /// The field.
        field: &'static str,
        /// Its value.
        value: f64,
        /// The smallest allowed.
        min: f64,
        /// The largest allowed.
        max: f64,
    },
}

impl fmt::Display for NtpConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NtpConfigError::NoSources => write!(f, "an NTP client needs at least one source in `sources`"),
            NtpConfigError::PollRange { minpoll, maxpoll } => write!(
                f,
                "poll exponents must satisfy {POLL_FLOOR} ≤ minpoll ≤ maxpoll ≤ {POLL_CEILING} \
                 (2^minpoll seconds between polls at most); got minpoll {minpoll}, maxpoll {maxpoll}"
            ),
            NtpConfigError::Duplicate(id) => write!(f, "source {id} is listed twice"),
            NtpConfigError::Drift(ppm) => {
                write!(f, "drift_ppm {ppm} is beyond what a clock can be corrected by (±500 ppm)")
            }
            NtpConfigError::Zero(field) => write!(f, "`{field}` must be at least 1"),
            NtpConfigError::Range {
                field,
                value,
                min,
                max,
            } => write!(f, "`{field}` must be between {min} and {max}; got {value}"),
        }
    }
}

impl std::error::Error for NtpConfigError {}

impl ClientConfig {
    /// Checks that the configuration can work.
    pub fn validate(&self) -> Result<(), NtpConfigError> {
        if self.sources.is_empty() {
            return Err(NtpConfigError::NoSources);
        }
        let (lo, hi) = (self.minpoll, self.maxpoll);
        if lo < POLL_FLOOR || hi > POLL_CEILING || lo > hi {
            return Err(NtpConfigError::PollRange {
                minpoll: lo,
                maxpoll: hi,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(&dup) = self
            .sources
            .iter()
            .chain(&self.fallbacks)
            .find(|&&id| !seen.insert(id))
        {
            return Err(NtpConfigError::Duplicate(dup));
        }
        if let Some(ppm) = self.drift_ppm.filter(|p| !(-500.0..=500.0).contains(p)) {
            return Err(NtpConfigError::Drift(ppm));
        }
        if self.min_sane == Some(0) {
            return Err(NtpConfigError::Zero("min_sane"));
        }
        if self.want == Some(0) {
            return Err(NtpConfigError::Zero("want"));
        }
        let range = |field, value: f64, min, max| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(NtpConfigError::Range {
                    field,
                    value,
                    min,
                    max,
                })
            }
        };
        range("step_ms", self.step_ms.unwrap_or(0.0), 0.0, 3_600_000.0)?;
        range("step_limit", self.step_limit.unwrap_or(0) as f64, -1.0, 1e6)?;
        range("stepout_s", self.stepout_s, 1.0, 86_400.0)?;
        range("panic_s", self.panic_s, 0.0, 1e7)?;
        Ok(())
    }

    /// The discipline this configuration asks for, with its thresholds.
    pub fn discipline_loop(&self) -> Loop {
        match self.discipline {
            DisciplineKind::Ntpd => Loop::Ntpd(Discipline::with_thresholds(
                self.minpoll,
                self.maxpoll,
                self.drift_ppm,
                Thresholds {
                    step_ns: self.step_ms.map_or(STEPT, ms_to_nanos),
                    stepout_ns: libm::round(self.stepout_s * 1e9) as i64,
                    panic_ns: libm::round(self.panic_s * 1e9) as i64,
                },
            )),
            DisciplineKind::Chrony => Loop::Chrony(Chrony::new(
                self.minpoll,
                self.maxpoll,
                self.drift_ppm,
                Makestep {
                    threshold_ns: self.step_ms.map_or(MAKESTEP_NS, ms_to_nanos),
                    limit: self.step_limit.unwrap_or(MAKESTEP_LIMIT),
                },
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_documented_values() {
        let cfg: ClientConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(cfg, ClientConfig::default());
        assert_eq!((cfg.minpoll, cfg.maxpoll, cfg.iburst), (6, 10, true));
        assert_eq!((cfg.want, cfg.min_sane, cfg.drift_ppm), (None, None, None));
        assert_eq!(cfg.discipline, DisciplineKind::Ntpd);
        assert_eq!((cfg.step_ms, cfg.step_limit), (None, None));
        assert_eq!((cfg.stepout_s, cfg.panic_s), (300.0, 1000.0));
        assert_eq!(cfg.mode, ClientMode::Full);
        let sntp: ClientConfig = serde_json::from_str(r#"{"mode": "first-answer"}"#).unwrap();
        assert_eq!(sntp.mode, ClientMode::FirstAnswer);
        assert!(serde_json::from_str::<ClientConfig>(r#"{"mode": "sntp"}"#).is_err());
        let chrony: ClientConfig =
            serde_json::from_str(r#"{"discipline": "chrony", "step_ms": 100}"#).unwrap();
        assert_eq!(chrony.discipline, DisciplineKind::Chrony);
        assert!(serde_json::from_str::<ClientConfig>(r#"{"discipline": "openntpd"}"#).is_err());
        assert!(
            serde_json::from_str::<ClientConfig>(r#"{"minpol": 4}"#).is_err(),
            "typos are caught"
        );
    }

    #[test]
    fn invalid_configs_say_why() {
        let ok = ClientConfig {
            sources: vec![0, 1],
            fallbacks: vec![2],
            ..Default::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let e = ClientConfig {
            sources: vec![],
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e, NtpConfigError::NoSources);
        let e = ClientConfig {
            minpoll: 8,
            maxpoll: 7,
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("minpoll 8, maxpoll 7"), "{e}");
        let e = ClientConfig {
            fallbacks: vec![1],
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.to_string(), "source 1 is listed twice");
        let e = ClientConfig {
            drift_ppm: Some(900.0),
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e, NtpConfigError::Drift(900.0));
        let e = ClientConfig {
            min_sane: Some(0),
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.to_string(), "`min_sane` must be at least 1");
        for (bad, msg) in [
            (
                ClientConfig {
                    step_ms: Some(-1.0),
                    ..ok.clone()
                },
                "`step_ms` must be between 0 and 3600000; got -1",
            ),
            (
                ClientConfig {
                    stepout_s: 0.0,
                    ..ok.clone()
                },
                "`stepout_s` must be between 1 and 86400; got 0",
            ),
            (
                ClientConfig {
                    step_limit: Some(-2),
                    ..ok.clone()
                },
                "`step_limit` must be between -1 and 1000000; got -2",
            ),
            (
                ClientConfig {
                    panic_s: -5.0,
                    ..ok
                },
                "`panic_s` must be between 0 and 10000000; got -5",
            ),
        ] {
            assert_eq!(bad.validate().unwrap_err().to_string(), msg);
        }
    }
}
