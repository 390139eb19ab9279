//! The other view a system administrator knows: `chronyc sources` and `chronyc
//! tracking`, from the same client status as `ntpq -p` ([`super::ntpq`]).
//!
//! ```text
//! MS Name/IP address         Stratum Poll Reach LastRx Last sample
//! ===============================================================================
//! ^* ntp-c                         2   6   377    12    -12us +/- 1000us
//! ```
//!
//! `M` is the mode (`^` a server), `S` the state: `*` the source the clock follows, `+`
//! combined with it, `-` not combined (a cluster outlier), `x` a falseticker, `?`
//! unreachable or failing a test. `Poll` is log2 seconds, `Reach` octal, `LastRx` the
//! seconds since its last answer, `Last sample` its offset `±` its error bound (its
//! root distance). `tracking` states the reference, stratum, last offset, frequency
//! (`slow`: the clock runs slow and is sped up), root delay and dispersion, the update
//! interval and the leap status.

use super::monitor::{ClientStatus, SourceState};
use super::SourceId;
use crate::time::Time;
use serde::Serialize;

/// The state character of a source (chronyc's `S` column).
pub fn state(s: SourceState) -> char {
    s.mark().unwrap_or('?')
}

/// A source's stratum as chronyc shows it: 0 before its first valid answer (16 in the
/// rows, [`super::ClientStatus::rows`], which are `chronyc sources`' lines too).
pub fn stratum(stratum: u8) -> u8 {
    if stratum >= super::MAXSTRAT {
        0
    } else {
        stratum
    }
}

/// `chronyc tracking`, the figures Driftlab has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tracking {
    /// The reference: the followed source's name, or `None` when unsynchronised.
    pub reference: Option<String>,
    /// The client's stratum (0 unsynchronised, as chrony shows it).
    pub stratum: u8,
    /// When the clock was last updated (local time).
    pub ref_time: Option<Time>,
    /// The offset measured at the last update, ms.
    pub last_offset_ms: f64,
    /// The frequency correction, ppm: positive, the clock runs slow and is sped up.
    pub frequency_ppm: f64,
    /// Root delay, ms.
    pub root_delay_ms: f64,
    /// Root dispersion, ms.
    pub root_dispersion_ms: f64,
    /// The update interval, s.
    pub update_interval_s: i64,
    /// Leap status: synchronised ("Normal") or not ("Not synchronised").
    pub synchronized: bool,
}

/// `chronyc tracking` for a client.
pub fn tracking(status: &ClientStatus, name: impl Fn(SourceId) -> String) -> Tracking {
    let synced = status.synchronized();
    Tracking {
        reference: status.selected.filter(|_| synced).map(&name),
        stratum: if synced { status.stratum } else { 0 },
        ref_time: status.last_sync,
        last_offset_ms: status.offset_ns as f64 / 1e6,
        frequency_ppm: status.frequency_ppm,
        root_delay_ms: status.root_delay_ns as f64 / 1e6,
        root_dispersion_ms: status.root_dispersion_ns as f64 / 1e6,
        update_interval_s: status.poll_interval_s,
        synchronized: synced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntp::monitor::{SourceStatus, SyncState};
    use crate::ntp::packet::{Kiss, RefId};

    fn source(id: usize, state: SourceState) -> SourceStatus {
        SourceStatus {
            id,
            fallback: false,
            state,
            reach: 0o377,
            stratum: 2,
            refid: RefId::Source(0),
            offset_ns: Some(-12_000),
            delay_ns: Some(323_000),
            jitter_ns: Some(45_000),
            root_distance_ns: Some(1_000_000),
            poll_log2: 6,
            when_s: Some(12),
        }
    }

    fn status(sync: SyncState) -> ClientStatus {
        ClientStatus {
            sync,
            stratum: 3,
            refid: RefId::Source(4),
            offset_ns: -250_000,
            jitter_ns: 0,
            delay_ns: 0,
            root_delay_ns: 1_500_000,
            root_dispersion_ns: 2_000_000,
            root_distance_ns: 2_750_000,
            poll_log2: 6,
            poll_interval_s: 64,
            frequency_ppm: -49.5,
            last_sync: Some(Time::from_hms(10, 0, 0)),
            selected: Some(4),
            falsetickers: vec![3],
            sources: vec![
                source(2, SourceState::Candidate),
                source(3, SourceState::Falseticker),
                source(4, SourceState::SystemPeer),
                source(5, SourceState::Outlier),
                SourceStatus {
                    reach: 0,
                    stratum: 16,
                    when_s: None,
                    offset_ns: None,
                    root_distance_ns: None,
                    refid: RefId::Kiss(Kiss::Init),
                    ..source(0, SourceState::Unreachable)
                },
                source(1, SourceState::Idle),
            ],
        }
    }

    #[test]
    fn sources_as_chronyc_shows_them() {
        let names = ["gps", "atomic", "ntp-a", "ntp-b", "ntp-c", "ntp-d"];
        let lines = status(SyncState::Synchronized).rows(|i| names[i].into());
        let states: String = lines.iter().map(|l| state(l.state)).collect();
        assert_eq!(states, "+x*-?");
        let gps = &lines[4];
        assert_eq!(
            (
                gps.name.as_str(),
                stratum(gps.stratum),
                gps.reach,
                gps.when_s,
                gps.offset_ms
            ),
            ("gps", 0, 0, None, None)
        );
        assert_eq!(
            (lines[2].offset_ms, lines[2].error_ms),
            (Some(-0.012), Some(1.0))
        );
    }

    #[test]
    fn tracking_as_chronyc_shows_it() {
        let names = ["gps", "atomic", "ntp-a", "ntp-b", "ntp-c"];
        let t = tracking(&status(SyncState::Synchronized), |i| names[i].into());
        assert_eq!(t.reference.as_deref(), Some("ntp-c"));
        assert_eq!(
            (t.stratum, t.synchronized, t.update_interval_s),
            (3, true, 64)
        );
        assert_eq!((t.last_offset_ms, t.frequency_ppm), (-0.25, -49.5));
        assert_eq!((t.root_delay_ms, t.root_dispersion_ms), (1.5, 2.0));
        let t = tracking(&status(SyncState::Unsynchronized), |i| names[i].into());
        assert_eq!((t.reference, t.stratum, t.synchronized), (None, 0, false));
    }
}
