//! The clock filter of one source as a student reads it: its 8 stages, the one picked
//! and why, the others and why not, and the popcorn spikes the suppressor held back.
//!
//! Pure: everything is read from the filter ([`ClockFilter`]) and the association
//! ([`Peer`]); nothing is decided here that the filter did not decide.

use super::filter::{ClockFilter, ALLAN_S, NSTAGE};
use super::peer::{Peer, Spike};
use super::{phi, MAXDISP};
use crate::time::{Time, SEC};
use serde::Serialize;

/// What became of one stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// The sample the filter trusts.
    Picked,
    /// Ranked after the pick: its delay is larger (ntpd's rank by delay).
    LongerDelay,
    /// Older than the Allan intercept (2048 s): ranked by delay plus dispersion, after
    /// the pick.
    TooOld,
    /// Ranked after the pick while the frequency is being measured (the newest sample
    /// is trusted, whatever its delay).
    Older,
    /// Empty, or a dummy shifted in after three silent polls (16 s of dispersion).
    Empty,
}

/// Why the pick was picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Why {
    /// The least delay (RFC 5905 §10).
    LeastDelay,
    /// The newest sample: the clock's frequency is being measured (ntpd's startup).
    Newest,
}

/// One stage of the filter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Stage {
    /// Its position in the shift register, 0 the newest.
    pub stage: usize,
    /// Its rank, 1 for the pick, if it holds a sample.
    pub rank: Option<usize>,
    /// How old the sample is, seconds.
    pub age_s: Option<f64>,
    /// Its offset θ, ms (the corrections made since it was taken subtracted).
    pub offset_ms: Option<f64>,
    /// Its delay δ, ms.
    pub delay_ms: Option<f64>,
    /// Its dispersion ε, grown with its age, ms.
    pub disp_ms: Option<f64>,
    /// What became of it.
    pub verdict: Verdict,
}

/// The filter of one source, at one instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FilterView {
    /// The source (index in `ntp.servers`).
    pub source: usize,
    /// The 8 stages, newest first.
    pub stages: Vec<Stage>,
    /// Why the pick was picked (`None`: no sample).
    pub why: Option<Why>,
    /// The peer jitter ψ, ms.
    pub jitter_ms: Option<f64>,
    /// The peer dispersion ε, ms.
    pub disp_ms: Option<f64>,
    /// The popcorn spikes the suppressor held back so far.
    pub popcorns: u32,
    /// The latest one.
    pub last_spike: Option<Spike>,
}

/// Peer `p`'s filter at local time `now`, the client's ledger reading `phase_now`.
pub fn filter_view(p: &Peer, now: Time, phase_now: i64) -> FilterView {
    let f: &ClockFilter = p.filter();
    let out = f.evaluate_with(now, phase_now, p.sort);
    let mut rank = [None; NSTAGE];
    if let Some(o) = &out {
        for (k, &s) in o.order[..o.valid].iter().enumerate() {
            rank[s] = Some(k + 1);
        }
    }
    let ms = |ns: i64| ns as f64 / 1e6;
    let stages = f
        .stages()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let live = s.filter(|s| s.disp_ns + phi((now - s.time).max(0)) < MAXDISP);
            let Some(s) = live else {
                return Stage {
                    stage: i,
                    rank: None,
                    age_s: None,
                    offset_ms: None,
                    delay_ms: None,
                    disp_ms: None,
                    verdict: Verdict::Empty,
                };
            };
            let age = (now - s.time).max(0);
            let verdict = match rank[i] {
                Some(1) => Verdict::Picked,
                _ if !p.sort => Verdict::Older,
                _ if age > ALLAN_S => Verdict::TooOld,
                _ => Verdict::LongerDelay,
            };
            Stage {
                stage: i,
                rank: rank[i],
                age_s: Some(age as f64 / SEC as f64),
                offset_ms: Some(ms(s.offset_ns - (phase_now - s.phase_ns))),
                delay_ms: Some(ms(s.delay_ns)),
                disp_ms: Some(ms((s.disp_ns + phi(age)).min(MAXDISP))),
                verdict,
            }
        })
        .collect();
    FilterView {
        source: p.id(),
        stages,
        why: out.map(|_| if p.sort { Why::LeastDelay } else { Why::Newest }),
        jitter_ms: out.map(|o| ms(o.jitter_ns)),
        disp_ms: out.map(|o| ms(o.disp_ns)),
        popcorns: p.popcorns(),
        last_spike: p.last_spike(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntp::filter::Sample;
    use crate::time::MS;

    /// Eight samples 64 s apart, stage i taken i × 64 s ago (dispersion 0 when taken,
    /// so i × 64 s × 15 µs/s = i × 0.96 ms now). Delay order and age order disagree:
    ///   stage:  0    1    2    3    4    5    6    7
    ///   δ (ms): 30   20   12   10   16   40   8    50
    ///   θ (ms): 6    4    0    2    3    −1   0    7
    /// By delay: stage 6 (8 ms) first, then 3, 2, 4, 1, 0, 5, 7.
    fn peer(now: Time, sort: bool) -> Peer {
        let mut p = Peer::new(4, false, (6, 10), true, now);
        p.sort = sort;
        let rows = [
            (30, 6),
            (20, 4),
            (12, 0),
            (10, 2),
            (16, 3),
            (40, -1),
            (8, 0),
            (50, 7),
        ];
        for (i, &(delay, offset)) in rows.iter().enumerate().rev() {
            p.filter_mut().push(Some(Sample {
                offset_ns: offset * MS,
                delay_ns: delay * MS,
                disp_ns: 0,
                time: now - i as i64 * 64 * SEC,
                phase_ns: 0,
            }));
        }
        p
    }

    #[test]
    fn the_least_delayed_stage_is_picked_the_others_rank_by_delay() {
        let now = Time::from_hms(10, 0, 0);
        let v = filter_view(&peer(now, true), now, 0);
        assert_eq!(v.source, 4);
        assert_eq!(v.why, Some(Why::LeastDelay));
        let ranks: Vec<Option<usize>> = v.stages.iter().map(|s| s.rank).collect();
        let by_hand = [6, 5, 3, 2, 4, 7, 1, 8].map(Some);
        assert_eq!(ranks, by_hand);
        assert_eq!(v.stages[6].verdict, Verdict::Picked);
        assert!(v
            .stages
            .iter()
            .filter(|s| s.stage != 6)
            .all(|s| s.verdict == Verdict::LongerDelay));
        // Stage 5: 40 ms of delay, 320 s old: 5 × 0.96 = 4.8 ms of dispersion.
        let s5 = v.stages[5];
        assert_eq!(
            (s5.delay_ms, s5.offset_ms, s5.age_s),
            (Some(40.0), Some(-1.0), Some(320.0))
        );
        assert!((s5.disp_ms.unwrap() - 4.8).abs() < 1e-9);
        // ψ over the 8 stages around the pick's 0 ms: √((6²+4²+0+2²+3²+1+7²)/7) = √(115/7).
        assert!((v.jitter_ms.unwrap() - (115.0f64 / 7.0).sqrt()).abs() < 1e-6);
        assert_eq!((v.popcorns, v.last_spike), (0, None));
    }

    #[test]
    fn while_the_frequency_is_measured_the_newest_stage_is_picked() {
        let now = Time::from_hms(10, 0, 0);
        let v = filter_view(&peer(now, false), now, 0);
        assert_eq!(v.why, Some(Why::Newest));
        assert_eq!(v.stages[0].verdict, Verdict::Picked);
        assert!(v.stages[1..].iter().all(|s| s.verdict == Verdict::Older));
        // An empty filter: eight empty stages, no pick.
        let empty = Peer::new(1, false, (6, 10), true, now);
        let v = filter_view(&empty, now, 0);
        assert!(v
            .stages
            .iter()
            .all(|s| s.verdict == Verdict::Empty && s.rank.is_none()));
        assert_eq!(v.why, None);
    }
}
