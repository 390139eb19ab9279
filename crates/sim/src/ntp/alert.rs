//! Notable events and threshold breaches, for the log and the dashboard.
//!
//! A client reports protocol events as [`Command::Alert`](super::Command::Alert) when
//! they happen; [`alerts`](super::monitor::alerts) derives the threshold ones from a
//! status snapshot.

use super::SourceId;
use serde::Serialize;

/// Something a dashboard should flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Alert {
    /// `|offset|` above the threshold (default 100 ms).
    OffsetHigh {
        /// The offset, nanoseconds.
        offset_ns: i64,
    },
    /// Jitter above the threshold (default 50 ms).
    JitterHigh {
        /// The jitter, nanoseconds.
        jitter_ns: i64,
    },
    /// Delay above the threshold (default 200 ms).
    DelayHigh {
        /// The delay, nanoseconds.
        delay_ns: i64,
    },
    /// Stratum above the threshold (default 5).
    StratumHigh {
        /// The stratum.
        stratum: u8,
    },
    /// The client is not synchronised.
    NotSynchronized,
    /// A source was found lying.
    Falseticker {
        /// Its id.
        source: SourceId,
    },
    /// No majority of sources agrees: the clock free-runs.
    NoMajority,
    /// A source has been silent for 8 polls.
    SourceUnreachable {
        /// Its id.
        source: SourceId,
    },
    /// A fallback source was mobilised to replace an unreachable one.
    FallbackMobilised {
        /// Its id.
        source: SourceId,
    },
    /// A fallback source was released, the primaries being back.
    FallbackReleased {
        /// Its id.
        source: SourceId,
    },
    /// A source sent a `RATE` kiss: the client backs off.
    RateLimited {
        /// Its id.
        source: SourceId,
    },
    /// A source sent a `DENY` kiss: the client stops asking it.
    AccessDenied {
        /// Its id.
        source: SourceId,
    },
    /// A reply from an authenticated source failed authentication (no MAC, another
    /// key, or a digest that does not match: forged or altered on the way): dropped.
    BadAuth {
        /// Its id.
        source: SourceId,
    },
}

impl Alert {
    /// What an operator should do, in the original report's words where it has some.
    pub fn advice(&self) -> &'static str {
        match self {
            Alert::OffsetHigh { .. } => "immediate alert: the clock is far off",
            Alert::JitterHigh { .. } => "investigate: the measurements are noisy",
            Alert::DelayHigh { .. } => "check the network: the path is slow",
            Alert::StratumHigh { .. } => "reconfigure: the source is far from a reference",
            Alert::NotSynchronized => "not synchronised yet: the clock is on its own",
            Alert::Falseticker { .. } => "a source disagrees with the majority: it is ignored",
            Alert::NoMajority => "the sources disagree: add sources so a majority can form",
            Alert::SourceUnreachable { .. } => "a source stopped answering",
            Alert::FallbackMobilised { .. } => "a fallback source takes over",
            Alert::FallbackReleased { .. } => "the primary sources are back",
            Alert::RateLimited { .. } => "the server asked us to poll less often",
            Alert::AccessDenied { .. } => "the server refuses us",
            Alert::BadAuth { .. } => "a reply failed authentication: forged or altered, dropped",
        }
    }
}
