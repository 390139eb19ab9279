//! The view a system administrator knows: `ntpq -p`, one line per source.
//!
//! ```text
//!      remote           refid      st t when poll reach   delay   offset  jitter
//! ==============================================================================
//! *ntp-c           .GPS.            1 u   12   64  377    0.323   -0.012   0.045
//! ```
//!
//! The **tally code** in the first column says what the selection made of the source:
//! `*` the system peer, `+` a candidate combined into the offset, `-` an outlier the
//! cluster step dropped, `x` a falseticker, and a space for a source rejected, still
//! probing or unreachable (ntpq's `.` excess, `#` backup and `o` PPS peer do not occur
//! in Driftlab). `when` is the seconds since its last answer, `poll` the interval,
//! `reach` the reach register in octal (377: the last 8 polls answered), and delay,
//! offset and jitter are in milliseconds. Sources not mobilised (idle fallbacks) are not
//! listed, as ntpq does not list associations that do not exist.

use super::monitor::{SourceRow, SourceState};

/// The tally code of a source's state (ntpq's first column).
pub fn tally(state: SourceState) -> char {
    state.mark().unwrap_or(' ')
}

/// ntpq's poll column: the interval in seconds, from its exponent.
pub fn poll_s(poll_log2: i8) -> i64 {
    1i64 << poll_log2.clamp(0, 40)
}

/// ntpq's "when": seconds, then minutes (`m`), hours (`h`) and days (`d`) as it grows;
/// `-` before any answer.
pub fn when(s: Option<i64>) -> String {
    match s {
        None => "-".into(),
        Some(s) if s <= 2048 => s.to_string(),
        Some(s) if s <= 300 * 60 => format!("{}m", s / 60),
        Some(s) if s <= 96 * 3600 => format!("{}h", s / 3600),
        Some(s) => format!("{}d", s / 86_400),
    }
}

/// The rows ([`super::ClientStatus::rows`]) as `ntpq -p` prints them, header and rule
/// included.
pub fn table(rows: &[SourceRow]) -> String {
    let mut s = String::from(
        "     remote           refid      st t when poll reach   delay   offset  jitter\n",
    );
    s.push_str(&"=".repeat(78));
    s.push('\n');
    let num = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
    for r in rows {
        s.push_str(&format!(
            "{}{:<15} {:<15} {:>2} u {:>4} {:>4} {:>5o} {:>7} {:>8} {:>7}\n",
            tally(r.state),
            r.name,
            r.refid,
            r.stratum,
            when(r.when_s),
            poll_s(r.poll_log2),
            r.reach,
            num(r.delay_ms),
            num(r.offset_ms),
            num(r.jitter_ms),
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntp::monitor::{ClientStatus, SourceStatus, SyncState};
    use crate::ntp::packet::{Kiss, RefId};

    fn source(id: usize, state: SourceState, refid: RefId) -> SourceStatus {
        SourceStatus {
            id,
            fallback: false,
            state,
            reach: 0o377,
            stratum: 2,
            refid,
            offset_ns: Some(-12_000),
            delay_ns: Some(323_000),
            jitter_ns: Some(45_000),
            root_distance_ns: Some(1_000_000),
            poll_log2: 6,
            when_s: Some(12),
        }
    }

    #[test]
    fn a_falseticker_run_as_ntpq_shows_it() {
        let status = ClientStatus {
            sync: SyncState::Synchronized,
            stratum: 3,
            refid: RefId::Source(4),
            offset_ns: 0,
            jitter_ns: 0,
            delay_ns: 0,
            root_delay_ns: 0,
            root_dispersion_ns: 0,
            root_distance_ns: 0,
            poll_log2: 6,
            poll_interval_s: 64,
            frequency_ppm: 0.0,
            last_sync: None,
            selected: Some(4),
            falsetickers: vec![3],
            sources: vec![
                source(2, SourceState::Candidate, RefId::Source(0)),
                SourceStatus {
                    offset_ns: Some(9_999_938_652),
                    ..source(3, SourceState::Falseticker, RefId::Source(1))
                },
                source(4, SourceState::SystemPeer, RefId::Source(0)),
                SourceStatus {
                    reach: 0,
                    stratum: 16,
                    when_s: None,
                    offset_ns: None,
                    delay_ns: None,
                    jitter_ns: None,
                    ..source(0, SourceState::Probing, RefId::Kiss(Kiss::Init))
                },
                source(1, SourceState::Idle, RefId::default()),
            ],
        };
        let names = ["gps", "atomic", "ntp-a", "ntp-b", "ntp-c"];
        let t = table(&status.rows(|i| names[i].to_string()));
        let want = "     remote           refid      st t when poll reach   delay   offset  jitter
==============================================================================
+ntp-a           gps              2 u   12   64   377   0.323   -0.012   0.045
xntp-b           atomic           2 u   12   64   377   0.323 9999.939   0.045
*ntp-c           gps              2 u   12   64   377   0.323   -0.012   0.045
 gps             .INIT.          16 u    -   64     0       -        -       -
";
        assert_eq!(t, want);
    }

    #[test]
    fn when_grows_units() {
        assert_eq!(
            [
                None,
                Some(5),
                Some(2048),
                Some(2049),
                Some(7200 * 3),
                Some(200_000),
                Some(500_000)
            ]
            .map(when),
            ["-", "5", "2048", "34m", "6h", "55h", "5d"]
        );
    }
}
