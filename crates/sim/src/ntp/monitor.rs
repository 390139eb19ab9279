//! What a dashboard shows about an NTP client, and when it should raise an alert.
//!
//! The thresholds are the original report's (docs/MODEL.md, "NTP"): an offset above 100 ms calls
//! for an immediate alert, jitter above 50 ms for an investigation, a delay above
//! 200 ms for a look at the network, a stratum above 5 for a configuration review.

pub use super::alert::Alert;
use super::{RefId, SourceId};
use crate::time::{Time, MS};
use serde::{Deserialize, Serialize};

/// Where a client's synchronisation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SyncState {
    /// Never synchronised, or just stepped and waiting for fresh samples.
    Unsynchronized,
    /// Stepped or close enough, now watching the clock drift to measure its frequency
    /// (300 s without corrections).
    MeasuringFrequency,
    /// Synchronised: every update slews the clock.
    Synchronized,
    /// Synchronised, but the latest offset was an outlier above 128 ms, held back.
    Spike,
    /// The sources disagree and no majority agrees: the clock free-runs.
    NoMajority,
    /// The offset exceeds 1000 s: the client refuses to touch the clock.
    Panic,
}

/// What the selection made of one source (ntpq's "tally code" in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SourceState {
    /// A fallback not (yet) needed.
    Idle,
    /// Polled, but without enough samples, or not synchronised itself.
    Probing,
    /// Silent for 8 polls.
    Unreachable,
    /// Refused us with a `DENY` kiss.
    Denied,
    /// Answering, but its root distance is too large to be considered (`' '`).
    Rejected,
    /// Its interval misses the majority's intersection (`x`).
    Falseticker,
    /// A truechimer dropped by the cluster step (`-`).
    Outlier,
    /// A survivor, combined into the system offset (`+`).
    Candidate,
    /// The survivor the system follows (`*`).
    SystemPeer,
}

impl SourceState {
    /// The mark both `ntpq -p` and `chronyc sources` give a source the selection used or
    /// threw out: `*` the system peer, `+` combined, `-` a cluster outlier, `x` a
    /// falseticker. The others have none (ntpq shows a space, chronyc a `?`).
    pub fn mark(self) -> Option<char> {
        match self {
            SourceState::SystemPeer => Some('*'),
            SourceState::Candidate => Some('+'),
            SourceState::Outlier => Some('-'),
            SourceState::Falseticker => Some('x'),
            _ => None,
        }
    }
}

/// One source as a dashboard shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceStatus {
    /// The source's id.
    pub id: SourceId,
    /// Whether it is a fallback.
    pub fallback: bool,
    /// Its fate.
    pub state: SourceState,
    /// Its reach register (8 bits, bit 0 = latest poll answered).
    pub reach: u8,
    /// Its stratum (16 if unknown).
    pub stratum: u8,
    /// Its reference id (`INIT` before its first valid answer, a kiss code after one).
    pub refid: RefId,
    /// Its filtered offset, nanoseconds (as of now, corrections since subtracted).
    pub offset_ns: Option<i64>,
    /// Its round-trip delay, nanoseconds.
    pub delay_ns: Option<i64>,
    /// Its jitter, nanoseconds.
    pub jitter_ns: Option<i64>,
    /// Its root distance now, nanoseconds.
    pub root_distance_ns: Option<i64>,
    /// Its poll exponent.
    pub poll_log2: i8,
    /// Seconds since its last answer arrived (ntpq's "when"), if any.
    pub when_s: Option<i64>,
}

/// One line of `ntpq -p` and of `chronyc sources`: a listed source's figures, each
/// tool showing its own columns of them in its own way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRow {
    /// What the selection made of it (ntpq's tally code, chronyc's state).
    pub state: SourceState,
    /// The source's name.
    pub name: String,
    /// Its reference id as ntpq shows it (`.GPS.`, `.INIT.`, `.RATE.`, a server's name).
    pub refid: String,
    /// Its stratum (16 before its first valid answer).
    pub stratum: u8,
    /// Its poll exponent, log2 seconds.
    pub poll_log2: i8,
    /// Its reach register.
    pub reach: u8,
    /// Seconds since its last answer, if any (ntpq's "when", chronyc's "LastRx").
    pub when_s: Option<i64>,
    /// Delay, ms.
    pub delay_ms: Option<f64>,
    /// Offset, ms.
    pub offset_ms: Option<f64>,
    /// Jitter, ms.
    pub jitter_ms: Option<f64>,
    /// Its error bound (root distance), ms.
    pub error_ms: Option<f64>,
}

/// One client as a dashboard shows it (docs/MODEL.md, "NTP" monitoring).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientStatus {
    /// Synchronisation state.
    pub sync: SyncState,
    /// The client's stratum (its system peer's + 1; 16 if unsynchronised).
    pub stratum: u8,
    /// Its reference id: the system peer, or `INIT` while unsynchronised.
    pub refid: RefId,
    /// The latest combined offset measured, nanoseconds (0 before any).
    pub offset_ns: i64,
    /// System jitter, nanoseconds.
    pub jitter_ns: i64,
    /// Round-trip delay to the system peer, nanoseconds.
    pub delay_ns: i64,
    /// Round-trip delay to the primary reference, nanoseconds.
    pub root_delay_ns: i64,
    /// Root dispersion now, nanoseconds.
    pub root_dispersion_ns: i64,
    /// Root distance now (root delay / 2 + root dispersion): the client's error bound.
    pub root_distance_ns: i64,
    /// System poll exponent.
    pub poll_log2: i8,
    /// System poll interval, seconds.
    pub poll_interval_s: i64,
    /// Frequency correction, ppm.
    pub frequency_ppm: f64,
    /// Local time of the last update that slewed or stepped the clock.
    pub last_sync: Option<Time>,
    /// The system peer's id.
    pub selected: Option<SourceId>,
    /// Ids of the sources found lying at the last selection.
    pub falsetickers: Vec<SourceId>,
    /// Every configured source, primaries then fallbacks.
    pub sources: Vec<SourceStatus>,
}

impl ClientStatus {
    /// The sources an administrator's tools list: the mobilised ones (an idle fallback
    /// has no association, so neither `ntpq -p` nor `chronyc sources` shows it).
    pub fn listed(&self) -> impl Iterator<Item = &SourceStatus> {
        self.sources.iter().filter(|s| s.state != SourceState::Idle)
    }

    /// The listed sources as an administrator's tools show them, named by `name`
    /// ([`super::ntpq::table`] prints them as `ntpq -p`; `chronyc sources` reads the
    /// same rows through [`super::chronyc::state`] and [`super::chronyc::stratum`]).
    pub fn rows(&self, name: impl Fn(SourceId) -> String) -> Vec<SourceRow> {
        let ms = |ns: Option<i64>| ns.map(|v| v as f64 / 1e6);
        self.listed()
            .map(|s| SourceRow {
                state: s.state,
                name: name(s.id),
                refid: s.refid.ntpq(&name),
                stratum: s.stratum,
                poll_log2: s.poll_log2,
                reach: s.reach,
                when_s: s.when_s,
                delay_ms: ms(s.delay_ns),
                offset_ms: ms(s.offset_ns),
                jitter_ms: ms(s.jitter_ns),
                error_ms: ms(s.root_distance_ns),
            })
            .collect()
    }

    /// Whether the clock is disciplined (synchronised, possibly holding back a spike).
    pub fn synchronized(&self) -> bool {
        matches!(self.sync, SyncState::Synchronized | SyncState::Spike)
    }
}

/// Alert thresholds, with docs/MODEL.md's ("NTP") values as defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Largest acceptable `|offset|`, nanoseconds (default 100 ms).
    pub offset_ns: i64,
    /// Largest acceptable jitter, nanoseconds (default 50 ms).
    pub jitter_ns: i64,
    /// Largest acceptable delay, nanoseconds (default 200 ms).
    pub delay_ns: i64,
    /// Largest acceptable stratum (default 5).
    pub stratum: u8,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            offset_ns: 100 * MS,
            jitter_ns: 50 * MS,
            delay_ns: 200 * MS,
            stratum: 5,
        }
    }
}

/// The alerts `status` calls for under docs/MODEL.md's ("NTP") thresholds.
pub fn alerts(status: &ClientStatus) -> Vec<Alert> {
    alerts_with(status, &Thresholds::default())
}

/// The alerts `status` calls for under `th` (each threshold is exclusive: exactly
/// 100 ms is fine). The stratum is judged only while synchronised.
pub fn alerts_with(status: &ClientStatus, th: &Thresholds) -> Vec<Alert> {
    let mut out = Vec::new();
    if !status.synchronized() {
        out.push(Alert::NotSynchronized);
    }
    if status.offset_ns.abs() > th.offset_ns {
        out.push(Alert::OffsetHigh {
            offset_ns: status.offset_ns,
        });
    }
    if status.jitter_ns > th.jitter_ns {
        out.push(Alert::JitterHigh {
            jitter_ns: status.jitter_ns,
        });
    }
    if status.delay_ns > th.delay_ns {
        out.push(Alert::DelayHigh {
            delay_ns: status.delay_ns,
        });
    }
    if status.synchronized() && status.stratum > th.stratum {
        out.push(Alert::StratumHigh {
            stratum: status.stratum,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> ClientStatus {
        ClientStatus {
            sync: SyncState::Synchronized,
            stratum: 3,
            refid: RefId::Source(1),
            offset_ns: 2 * MS,
            jitter_ns: MS,
            delay_ns: 10 * MS,
            root_delay_ns: 12 * MS,
            root_dispersion_ns: 5 * MS,
            root_distance_ns: 11 * MS,
            poll_log2: 6,
            poll_interval_s: 64,
            frequency_ppm: -12.5,
            last_sync: Some(Time::from_hms(10, 0, 0)),
            selected: Some(1),
            falsetickers: vec![],
            sources: vec![],
        }
    }

    #[test]
    fn thresholds_are_exclusive() {
        let mut s = healthy();
        assert_eq!(alerts(&s), vec![]);
        (s.offset_ns, s.jitter_ns, s.delay_ns, s.stratum) = (-100 * MS, 50 * MS, 200 * MS, 5);
        assert_eq!(alerts(&s), vec![], "exactly at the thresholds");
        (s.offset_ns, s.jitter_ns, s.delay_ns, s.stratum) =
            (-100 * MS - 1, 50 * MS + 1, 200 * MS + 1, 6);
        assert_eq!(
            alerts(&s),
            vec![
                Alert::OffsetHigh {
                    offset_ns: -100 * MS - 1
                },
                Alert::JitterHigh {
                    jitter_ns: 50 * MS + 1
                },
                Alert::DelayHigh {
                    delay_ns: 200 * MS + 1
                },
                Alert::StratumHigh { stratum: 6 },
            ]
        );
    }

    #[test]
    fn unsynchronised_client_alerts_without_stratum() {
        let mut s = healthy();
        (s.sync, s.stratum, s.offset_ns) = (SyncState::NoMajority, 16, 15_000 * MS);
        assert_eq!(
            alerts(&s),
            vec![
                Alert::NotSynchronized,
                Alert::OffsetHigh {
                    offset_ns: 15_000 * MS
                }
            ]
        );
        s.sync = SyncState::Spike;
        assert!(s.synchronized());
        let strict = Thresholds {
            offset_ns: MS,
            ..Thresholds::default()
        };
        assert_eq!(
            alerts_with(&healthy(), &strict),
            vec![Alert::OffsetHigh { offset_ns: 2 * MS }]
        );
        assert!(Alert::DelayHigh { delay_ns: 0 }
            .advice()
            .contains("network"));
    }

    #[test]
    fn status_serialises_for_the_ui() {
        let json = serde_json::to_value(healthy()).unwrap();
        assert_eq!(json["sync"], "Synchronized");
        assert_eq!(json["selected"], 1);
        let th: Thresholds = serde_json::from_str(r#"{"stratum": 3}"#).unwrap();
        assert_eq!((th.stratum, th.offset_ns), (3, 100 * MS));
    }
}
