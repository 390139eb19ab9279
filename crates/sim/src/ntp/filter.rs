//! The clock filter (RFC 5905 §10 and A.5.2, as ntpd's `clock_filter` does it): eight
//! samples per source, trust the least-delayed one.
//!
//! Network delay only ever *adds* error, so the sample that crossed the network fastest
//! is likely the most accurate. The filter keeps the last [`NSTAGE`] samples of one
//! source and ranks them by **delay** `δ` (RFC 5905 §10: "the sample with the lowest
//! delay"). Like ntpd, a sample older than the Allan intercept ([`ALLAN_S`], 2048 s) is
//! so uncorrelated with the present that it ranks by `δ + ε` instead; below that age
//! (every stage at a 64 s poll) the order is the delay order alone, whatever the ages.
//!
//! * **Dispersion growth.** A sample's dispersion `εᵢ` starts at both clocks' precision
//!   plus PHI × δ and grows by PHI (15 µs per second) with its age. A stage whose
//!   dispersion reaches [`MAXDISP`] (16 s), or an empty stage, counts as a dummy: it
//!   ranks last and carries 16 s.
//! * **Peer dispersion** `ε = Σ εᵢ / 2^(i+1)` over the ranked stages, so a source needs
//!   a few samples before it is believable.
//! * **Peer jitter** `ψ`: the RMS of the offsets of the first `m` ranked samples around
//!   the trusted one, over `m − 1` (at least the precision), where `m` counts the
//!   stages that are neither dummies nor, once two are kept, beyond [`MAXDIST`].
//! * **Popcorn spike suppressor** (SGATE, in [`crate::ntp::peer`]): a new pick whose
//!   offset jumps more than [`SGATE`] × ψ from the previous pick, less than two poll
//!   intervals after the last sample used, is ignored.

use super::packet::OnWire;
use super::{phi, MAXDISP, MAXDIST, PRECISION};
use crate::time::Time;
use serde::Serialize;

/// Number of stages in the filter's shift register.
pub const NSTAGE: usize = 8;
/// The Allan intercept, 2^11 s (ntpd's `CLOCK_ALLAN`): beyond this age a sample ranks
/// by delay plus dispersion rather than by delay alone.
pub const ALLAN_S: i64 = 2048 * crate::time::SEC;
/// Popcorn spike gate (ntpd's `CLOCK_SGATE`): a jump of more than 3 jitters is a spike.
pub const SGATE: f64 = 3.0;

/// One measurement of one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// `θ`, nanoseconds.
    pub offset_ns: i64,
    /// `δ`, nanoseconds (at least [`PRECISION`]).
    pub delay_ns: i64,
    /// `ε` when taken: both clocks' precision plus PHI × delay, nanoseconds.
    pub disp_ns: i64,
    /// When it was taken (`t4`, client clock).
    pub time: Time,
    /// The client's cumulative phase corrections when it was taken (see
    /// [`crate::ntp::ledger::Ledger`]): lets later readers subtract the corrections
    /// made since, so a slew does not look like jitter.
    pub phase_ns: i64,
}

impl Sample {
    /// A sample from one exchange received at `t4`, with the ledger reading `phase_ns`.
    pub fn new(w: OnWire, t4: Time, phase_ns: i64) -> Sample {
        let delay_ns = w.delay_ns.max(PRECISION);
        Sample {
            offset_ns: w.offset_ns,
            delay_ns,
            disp_ns: 2 * PRECISION + phi(delay_ns),
            time: t4,
            phase_ns,
        }
    }
}

/// What the filter concludes about its source at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FilterOutput {
    /// Offset of the trusted sample, corrected for phase adjustments since, nanoseconds.
    pub offset_ns: i64,
    /// Delay of the trusted sample, nanoseconds.
    pub delay_ns: i64,
    /// Peer dispersion `ε`, nanoseconds.
    pub disp_ns: i64,
    /// Peer jitter `ψ`, nanoseconds (at least [`PRECISION`]).
    pub jitter_ns: i64,
    /// When the trusted sample was taken: a sample is used only once, and never one
    /// older than the last used.
    pub time: Time,
    /// How many stages hold a valid sample.
    pub valid: usize,
    /// The trusted sample's stage (0 is the newest).
    pub stage: usize,
    /// The trusted sample's own dispersion, aged to now, nanoseconds.
    pub pick_disp_ns: i64,
    /// The stages in ranked order, best first (dummies and empty stages last).
    pub order: [usize; NSTAGE],
}

/// The 8-stage shift register of one source; stage 0 is the newest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClockFilter {
    stages: [Option<Sample>; NSTAGE],
}

impl ClockFilter {
    /// An empty filter (every stage counts as 16 s of dispersion).
    pub fn new() -> ClockFilter {
        ClockFilter::default()
    }

    /// Shifts in a sample; `None` is the dummy a poll shifts in when the source has
    /// been silent for three polls (RFC: offset 0, delay 0, dispersion 16 s).
    pub fn push(&mut self, sample: Option<Sample>) {
        self.stages.rotate_right(1);
        self.stages[0] = sample;
    }

    /// Forgets every sample (after a clock step, or on demobilisation).
    pub fn clear(&mut self) {
        self.stages = [None; NSTAGE];
    }

    /// The stages, newest first.
    pub fn stages(&self) -> &[Option<Sample>; NSTAGE] {
        &self.stages
    }

    /// Ranks the samples at local time `now` (the ledger reading `phase_now`) and
    /// returns the filter's conclusion, or `None` if no stage holds a valid sample.
    pub fn evaluate(&self, now: Time, phase_now: i64) -> Option<FilterOutput> {
        self.evaluate_with(now, phase_now, true)
    }

    /// [`ClockFilter::evaluate`], sorting by delay only if `sort`: like ntpd, a clock
    /// whose frequency is still being measured (its startup clamp) takes the newest
    /// sample, since an older one would bias the measured drift.
    pub fn evaluate_with(&self, now: Time, phase_now: i64, sort: bool) -> Option<FilterOutput> {
        // (rank key, stage, aged dispersion, corrected offset) for every stage; a dummy
        // or empty stage has key and dispersion MAXDISP.
        let mut ranked: Vec<(i64, usize, i64, i64)> = Vec::with_capacity(NSTAGE);
        for (i, s) in self.stages.iter().enumerate() {
            let aged = s.map(|s| {
                let age = (now - s.time).max(0);
                (s, age, (s.disp_ns + phi(age)).min(MAXDISP))
            });
            ranked.push(match aged {
                Some((s, age, eps)) if eps < MAXDISP => {
                    let key = if !sort {
                        0
                    } else if age > ALLAN_S {
                        s.delay_ns + eps
                    } else {
                        s.delay_ns
                    };
                    (key, i, eps, s.offset_ns - (phase_now - s.phase_ns))
                }
                _ => (MAXDISP, i, MAXDISP, 0),
            });
        }
        // Ties go to the newer stage: a deterministic total order.
        crate::order::sort_by_key(&mut ranked, |&(key, stage, _, _)| (key, stage));
        let valid = ranked.iter().filter(|r| r.2 < MAXDISP).count();
        if valid == 0 {
            return None;
        }
        let mut m = 0;
        for r in &ranked {
            if r.0 >= MAXDISP || (m >= 2 && r.0 >= MAXDIST) {
                continue;
            }
            m += 1;
        }
        let (_, best, best_eps, best_offset) = ranked[0];
        let disp: i64 = ranked.iter().enumerate().map(|(k, r)| r.2 >> (k + 1)).sum();
        let jitter = if m > 1 {
            let sum: f64 = ranked[..m]
                .iter()
                .map(|r| {
                    let d = (r.3 - best_offset) as f64;
                    d * d
                })
                .sum();
            libm::round(libm::sqrt(sum / (m - 1) as f64)) as i64
        } else {
            0
        };
        let chosen = self.stages[best].expect("a ranked valid stage holds a sample");
        let mut order = [0; NSTAGE];
        for (k, r) in ranked.iter().enumerate() {
            order[k] = r.1;
        }
        Some(FilterOutput {
            offset_ns: best_offset,
            delay_ns: chosen.delay_ns,
            disp_ns: disp,
            jitter_ns: jitter.max(PRECISION),
            time: chosen.time,
            valid,
            stage: best,
            pick_disp_ns: best_eps,
            order,
        })
    }
}

/// The popcorn spike gate (ntpd's `clock_filter`): the new pick `out` is a spike when
/// both it and the source are believable (dispersions under [`MAXDIST`]), its offset
/// jumps `jump_ns` from the previous pick, more than [`SGATE`] × ψ, and it comes less
/// than two poll intervals (`2 × 2^poll`) after the last sample used (`since_ns`).
///
/// Note that ψ includes the new pick's own distance from the other samples: a lone
/// spike among samples that agree with each other raises ψ to about its own jump and
/// passes the gate. What the gate catches is a pick that leaves the samples it was
/// close to for samples that agree among themselves, within two polls: a sudden
/// level shift, held back one sample. Lone delay spikes are caught earlier, by the
/// ranking by delay, which never picks them.
pub fn popcorn(out: &FilterOutput, jump_ns: i64, since_ns: i64, poll: i8) -> bool {
    out.disp_ns < MAXDIST
        && out.pick_disp_ns < MAXDIST
        && jump_ns as f64 > SGATE * out.jitter_ns as f64
        && since_ns < 2 * super::poll_interval(poll)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS, SEC};

    const US: i64 = 1_000;

    fn sample(age_polls: i64, delay_ms: i64, offset_ms: i64, now: Time) -> Sample {
        Sample {
            offset_ns: offset_ms * MS,
            delay_ns: delay_ms * MS,
            disp_ns: 0,
            time: now - age_polls * 64 * SEC,
            phase_ns: 0,
        }
    }

    /// Eight samples 64 s apart: stage i is i × 64 s old, so its dispersion has grown
    /// by i × 0.96 ms. Delay order and age order disagree:
    ///   stage:  0      1      2     3     4      5     6     7
    ///   δ (ms): 30     20     12    10    16     40    8     50
    ///   θ (ms): 6      4      0     2     3      −1    0     7
    ///   ε (ms): 0      0.96   1.92  2.88  3.84   4.80  5.76  6.72
    /// By delay: 6, 3, 2, 4, 1, 0, 5, 7. (By δ/2 + ε, the old ranking, stage 3 won:
    /// 7.88 ms against stage 6's 9.76 ms.)
    fn textbook(now: Time) -> ClockFilter {
        let mut f = ClockFilter::new();
        let rows = [
            (50, 7),
            (8, 0),
            (40, -1),
            (16, 3),
            (10, 2),
            (12, 0),
            (20, 4),
            (30, 6),
        ];
        for (k, (delay, offset)) in rows.into_iter().enumerate() {
            f.push(Some(sample(7 - k as i64, delay, offset, now)));
        }
        f
    }

    #[test]
    fn picks_the_least_delay_even_when_older_and_computes_jitter_by_hand() {
        let now = Time::from_hms(10, 0, 0);
        let out = textbook(now).evaluate(now, 0).unwrap();
        // Stage 6 (δ = 8 ms) wins although 384 s old.
        assert_eq!((out.offset_ns, out.delay_ns, out.stage), (0, 8 * MS, 6));
        assert_eq!(out.time, now - 6 * 64 * SEC);
        assert_eq!(out.order, [6, 3, 2, 4, 1, 0, 5, 7]);
        assert_eq!(out.pick_disp_ns, 5_760_000);
        // Differences from θ = 0: 6, 4, 0, 2, 3, −1, 0, 7 ms → squares sum to 115 ms²;
        // ψ = √(115 / 7) ms = 4.053217 ms.
        assert_eq!(out.jitter_ns, 4_053_217);
        // Ranked ε: 5.76, 2.88, 1.92, 3.84, 0.96, 0, 4.80, 6.72 ms, over 2, 4, …, 256:
        // 2.88 + 0.72 + 0.24 + 0.24 + 0.03 + 0 + 0.0375 + 0.02625 = 4.17375 ms.
        assert_eq!(out.disp_ns, 4_173_750);
        assert_eq!(out.valid, 8);
    }

    #[test]
    fn unsorted_the_newest_sample_is_trusted() {
        let now = Time::from_hms(10, 0, 0);
        let out = textbook(now).evaluate_with(now, 0, false).unwrap();
        assert_eq!(
            (out.stage, out.offset_ns, out.delay_ns),
            (0, 6 * MS, 30 * MS)
        );
        assert_eq!(out.order, [0, 1, 2, 3, 4, 5, 6, 7]);
        // Differences from 6 ms: 0, −2, −6, −4, −3, −7, −6, 1 → 151 ms² / 7.
        assert_eq!(out.jitter_ns, 4_644_505);
    }

    #[test]
    fn beyond_the_allan_intercept_a_sample_ranks_by_delay_plus_dispersion() {
        let now = Time::from_hms(10, 0, 0);
        let at = |age_s: i64, delay_ms: i64, offset_ms: i64| Sample {
            offset_ns: offset_ms * MS,
            delay_ns: delay_ms * MS,
            disp_ns: 0,
            time: now - age_s * SEC,
            phase_ns: 0,
        };
        // 2048 s old (not beyond): ranks by its 5 ms delay and beats the fresh 10 ms.
        let mut f = ClockFilter::new();
        f.push(Some(at(2048, 5, 1)));
        f.push(Some(at(0, 10, 2)));
        assert_eq!(f.evaluate(now, 0).unwrap().offset_ns, MS);
        // 3072 s old: 5 ms + 3072 s × 15 ppm = 5 + 46.08 ms > 10 ms: the fresh one wins.
        let mut f = ClockFilter::new();
        f.push(Some(at(3072, 5, 1)));
        f.push(Some(at(0, 10, 2)));
        assert_eq!(f.evaluate(now, 0).unwrap().offset_ns, 2 * MS);
    }

    #[test]
    fn samples_beyond_maxdist_are_left_out_of_the_jitter_once_two_are_kept() {
        let now = Time::from_hms(10, 0, 0);
        let mut f = ClockFilter::new();
        // δ = 2 s (≥ MAXDIST, 1.5 s) with θ = 100 ms, then two ordinary samples.
        f.push(Some(sample(0, 2000, 100, now)));
        f.push(Some(sample(0, 4, 1, now)));
        f.push(Some(sample(0, 6, 4, now)));
        let out = f.evaluate(now, 0).unwrap();
        // m = 2: ψ = √((4 − 1)² / 1) = 3 ms, the 100 ms sample ignored.
        assert_eq!((out.offset_ns, out.jitter_ns, out.valid), (MS, 3 * MS, 3));
    }

    #[test]
    fn a_delay_spike_is_never_picked() {
        // Seven samples 64 s apart, δ 2–3 ms, θ within ±0.1 ms; then a 50 ms delay spike
        // (50 ms one way, so θ biased by +25 ms) arrives as stage 0.
        let now = Time::from_hms(10, 0, 0);
        let mut f = ClockFilter::new();
        let rows = [(2, 0), (3, 0), (2, 0), (3, 0), (2, 0), (3, 0), (2, 0)];
        for (k, (delay, offset)) in rows.into_iter().enumerate() {
            f.push(Some(sample(7 - k as i64, delay, offset, now)));
        }
        f.push(Some(sample(0, 50, 25, now)));
        let out = f.evaluate(now, 0).unwrap();
        // The least delay (2 ms) at the newest such stage (1, 64 s old) wins; the spike
        // ranks last.
        assert_eq!((out.stage, out.offset_ns), (1, 0));
        assert_eq!(out.order[NSTAGE - 1], 0);
    }

    /// A level shift: the previous pick (θ = 0, used 64 s ago) has left the register,
    /// and four samples agree around +12 ms. By delay: stage 0 (1 ms, θ 12), 1 (4 ms,
    /// θ 11), 2 (4 ms, θ 13), 3 (5 ms, θ 12). ψ = √((0 + 1 + 1 + 0) / 3) ms = 0.8165 ms,
    /// so SGATE × ψ = 2.449 ms, and the 12 ms jump is a popcorn spike if it comes within
    /// two polls (128 s at poll 6) of the last sample used.
    #[test]
    fn popcorn_gate_by_hand() {
        let now = Time::from_hms(10, 0, 0);
        let mut f = ClockFilter::new();
        for (age, delay, offset) in [(3, 5, 12), (2, 4, 13), (1, 4, 11), (0, 1, 12)] {
            f.push(Some(sample(age, delay, offset, now)));
        }
        let out = f.evaluate(now, 0).unwrap();
        assert_eq!((out.offset_ns, out.jitter_ns), (12 * MS, 816_497));
        // ε: 0, 0.96, 1.92, 2.88 ms over 2 … 16, and four empty stages of 16 s:
        // 0.66 ms + 937.5 ms, under MAXDIST.
        assert_eq!(out.disp_ns, 938_160_000);
        assert!(popcorn(&out, 12 * MS, 64 * SEC, 6));
        assert!(!popcorn(&out, 12 * MS, 128 * SEC, 6), "two polls later");
        assert!(!popcorn(&out, 2_449 * US, 64 * SEC, 6), "within 3 ψ");
        assert!(popcorn(&out, 2_450 * US, 64 * SEC, 6));
        // A lone spike among agreeing samples raises ψ to its own jump and passes: here
        // the pick at +12 ms against three samples at 0 has ψ = 12 ms.
        let mut g = ClockFilter::new();
        for (age, delay, offset) in [(3, 5, 0), (2, 4, 0), (1, 4, 0), (0, 1, 12)] {
            g.push(Some(sample(age, delay, offset, now)));
        }
        let out = g.evaluate(now, 0).unwrap();
        assert_eq!(out.jitter_ns, 12 * MS);
        assert!(!popcorn(&out, 12 * MS, 64 * SEC, 6));
    }

    #[test]
    fn a_lone_sample_carries_almost_eight_seconds_of_dispersion() {
        let now = Time::from_hms(10, 0, 0);
        let mut f = ClockFilter::new();
        f.push(Some(sample(0, 2, 5, now)));
        let out = f.evaluate(now, 0).unwrap();
        // 0 / 2 + 16 s × (1/4 + 1/8 + … + 1/256) = 7.9375 s; jitter floors at precision.
        assert_eq!(out.disp_ns, 7_937_500_000);
        assert_eq!(out.jitter_ns, PRECISION);
        // Four samples bring it under a second: 16 s × (1/32 + … + 1/256) = 0.9375 s.
        for _ in 0..3 {
            f.push(Some(sample(0, 2, 5, now)));
        }
        assert_eq!(f.evaluate(now, 0).unwrap().disp_ns, 937_500_000);
    }

    #[test]
    fn dummies_push_samples_out_and_rank_last() {
        let now = Time::from_hms(10, 0, 0);
        let mut f = textbook(now);
        for _ in 0..7 {
            f.push(None);
        }
        // Only the newest original sample (stage 0: δ 30, θ 6) survives, now at stage 7.
        let out = f.evaluate(now, 0).unwrap();
        assert_eq!((out.offset_ns, out.valid), (6 * MS, 1));
        f.push(None);
        assert_eq!(f.evaluate(now, 0), None);
    }

    #[test]
    fn corrections_since_a_sample_are_subtracted() {
        let now = Time::from_hms(10, 0, 0);
        let mut f = ClockFilter::new();
        // Taken when the ledger read 0: θ = 20 ms. Since then the client slewed 15 ms.
        f.push(Some(Sample::new(
            OnWire {
                offset_ns: 20 * MS,
                delay_ns: 2 * MS,
            },
            now,
            0,
        )));
        let out = f.evaluate(now, 15 * MS).unwrap();
        assert_eq!(out.offset_ns, 5 * MS);
        // Sample::new: ε = 2 µs precision + 15 ppm × 2 ms = 2.03 µs.
        assert_eq!(f.stages()[0].unwrap().disp_ns, 2 * US + 30);
    }
}
