//! The clock filter (RFC 5905 §10): eight samples per source, trust the best one.
//!
//! Network delay only ever *adds* error, so the sample that crossed the network fastest
//! is likely the most accurate. The filter keeps the last [`NSTAGE`] samples of one
//! source, ranks them by **distance** `δ/2 + ε` (half the delay plus the dispersion,
//! which grows by 15 µs per second of age) and trusts the first. Among samples of
//! similar age that is the least-delay one, as docs/MODEL.md, "NTP" says; an old low-delay sample
//! loses to a fresh one once its age costs more than its delay saves (RFC 5905 ranks
//! this way, and it keeps the filter from clinging to a stale sample).
//!
//! Two figures describe the source: its **dispersion** `ε = Σ εᵢ / 2^(i+1)` over the
//! ranked stages (missing stages count as 16 s, so a source needs a few samples before
//! it is believable) and its **jitter** `ψ`, the RMS of the other samples' offsets
//! around the trusted one.

use super::packet::OnWire;
use super::{phi, MAXDISP, PRECISION};
use crate::time::Time;
use serde::Serialize;

/// Number of stages in the filter's shift register.
pub const NSTAGE: usize = 8;

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
        // (distance, stage, aged dispersion, corrected offset) for each valid stage.
        let mut ranked: Vec<(i64, usize, i64, i64)> = Vec::with_capacity(NSTAGE);
        for (i, s) in self.stages.iter().enumerate() {
            let Some(s) = s else { continue };
            let eps = s.disp_ns + phi((now - s.time).max(0));
            if eps >= MAXDISP {
                continue;
            }
            let offset = s.offset_ns - (phase_now - s.phase_ns);
            ranked.push((s.delay_ns / 2 + eps, i, eps, offset));
        }
        // Ties go to the newer stage: a deterministic total order.
        ranked.sort_unstable_by_key(|&(dist, stage, _, _)| (dist, stage));
        let &(_, best, _, best_offset) = ranked.first()?;
        let mut disp: i64 = 0;
        for k in 0..NSTAGE {
            let eps = ranked.get(k).map_or(MAXDISP, |r| r.2);
            disp += eps >> (k + 1);
        }
        let valid = ranked.len();
        let jitter = if valid > 1 {
            let sum: f64 = ranked
                .iter()
                .map(|r| {
                    let d = (r.3 - best_offset) as f64;
                    d * d
                })
                .sum();
            libm::round(libm::sqrt(sum / (valid - 1) as f64)) as i64
        } else {
            0
        };
        let chosen = self.stages[best].expect("ranked stages are valid");
        Some(FilterOutput {
            offset_ns: best_offset,
            delay_ns: chosen.delay_ns,
            disp_ns: disp,
            jitter_ns: jitter.max(PRECISION),
            time: chosen.time,
            valid,
        })
    }
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

    /// Eight samples 64 s apart (stage i is i × 64 s old, so its dispersion has grown
    /// by i × 0.96 ms). Distances δ/2 + ε, in ms:
    ///   stage:  0      1      2     3     4      5     6     7
    ///   δ:      30     20     12    10    16     40    8     50
    ///   θ:      6      4      0     2     3      −1    0     7
    ///   ε:      0      0.96   1.92  2.88  3.84   4.80  5.76  6.72
    ///   dist:   15.00  10.96  7.92  7.88  11.84  24.80 9.76  31.72
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
    fn picks_least_distance_and_computes_jitter_by_hand() {
        let now = Time::from_hms(10, 0, 0);
        let out = textbook(now).evaluate(now, 0).unwrap();
        // Stage 3 (δ = 10 ms, dist 7.88) wins; stage 6 has the least delay (8 ms) but
        // is 384 s old, which costs it 5.76 ms.
        assert_eq!((out.offset_ns, out.delay_ns), (2 * MS, 10 * MS));
        assert_eq!(out.time, now - 3 * 64 * SEC);
        // Differences from θ = 2 ms: 4, 2, −2, 0, 1, −3, −2, 5 → squares sum to 63;
        // ψ = √(63 / 7) = 3 ms.
        assert_eq!(out.jitter_ns, 3 * MS);
        // Ranked ε: 2.88, 1.92, 5.76, 0.96, 3.84, 0, 4.80, 6.72 ms, halved each stage:
        // 1.44 + 0.48 + 0.72 + 0.06 + 0.12 + 0 + 0.0375 + 0.02625 = 2.88375 ms.
        assert_eq!(out.disp_ns, 2_883_750);
        assert_eq!(out.valid, 8);
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
