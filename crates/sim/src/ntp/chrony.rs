//! A chrony-style clock discipline: offset and frequency estimated by a linear
//! regression over the recent updates, the offset slewed away, `makestep` for the big
//! ones (as chrony's documentation describes chronyd: `sourcestats.c`'s regression
//! with its runs test, `reference.c`'s correction, `corrtimeratio`, `makestep`).
//!
//! * Every update `(t, θ)` joins a history of at most [`MAX_SAMPLES`] (chrony's
//!   `maxsamples` is 64), kept in the frame of the clock as it is now: when the clock
//!   is slewed, stepped or its frequency changed, the stored offsets are corrected by
//!   what that did to them.
//! * A least-squares line `θ(t) = a + b (t − t̄)` over the most recent samples gives the
//!   offset now and the frequency error `b`. How many samples: all of them, unless the
//!   residuals' signs come in too few runs (a runs test: the line no longer fits, the
//!   frequency has changed), in which case the oldest are dropped until they do, or
//!   three remain. The critical number of runs is the normal approximation's one-sided
//!   5 % (chrony keeps its own table).
//! * The frequency correction moves by `b` (chrony weighs the old and the new estimate
//!   by their errors; Driftlab takes the new one), and the estimated offset is slewed
//!   away at a rate that takes [`CORRTIMERATIO`] (3) update intervals, capped at
//!   500 ppm (chrony's `maxslewrate` is 83 333 ppm on Linux; Driftlab's clocks slew at
//!   500 ppm at most, like `adjtime`).
//! * `makestep threshold limit`: an offset above the threshold (1 s) is stepped during
//!   the first `limit` (3) updates; later it is slewed, however large. No panic.
//! * The poll interval grows by one step when the regression uses at least
//!   [`POLLTARGET`] (8) samples, and shrinks when it uses fewer than half of that.
//!
//! Where Driftlab differs from chronyd: chrony regresses each source's samples before
//! selecting and combining; Driftlab keeps RFC 5905's clock filter and selection and
//! regresses the combined offset the selection hands to the discipline.

use super::discipline::{ClockState, Outcome, MAXFREQ_PPM};
use super::ledger::Ledger;
use super::{Command, PRECISION};
use crate::time::{Time, SEC};
use std::collections::VecDeque;

/// Most updates kept for the regression (chrony's `maxsamples`).
pub const MAX_SAMPLES: usize = 64;
/// Fewest samples the runs test may leave.
pub const MIN_SAMPLES: usize = 3;
/// Update intervals over which an offset is slewed away (chrony's `corrtimeratio`).
pub const CORRTIMERATIO: f64 = 3.0;
/// Samples in the regression above which the poll interval grows (`polltarget`).
pub const POLLTARGET: usize = 8;
/// Default `makestep` threshold: 1 s.
pub const MAKESTEP_NS: i64 = SEC;
/// Default `makestep` limit: the first 3 updates.
pub const MAKESTEP_LIMIT: i32 = 3;

/// The regression over the recent samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// The estimated offset at the newest sample, ns.
    pub offset_ns: f64,
    /// The frequency error, ppm (the rate the offset grows at).
    pub slope_ppm: f64,
    /// Samples used.
    pub used: usize,
    /// RMS of the residuals, ns.
    pub sd_ns: f64,
}

/// Least squares over `(t, θ)` samples, oldest first: the line's value at the last
/// sample, its slope and the residuals' RMS; `None` with fewer than 2 samples.
pub fn regress(samples: &[(Time, i64)]) -> Option<Fit> {
    let n = samples.len();
    if n < 2 {
        return None;
    }
    let t0 = samples[n - 1].0;
    let xs: Vec<f64> = samples.iter().map(|s| (s.0 - t0) as f64).collect();
    let ys: Vec<f64> = samples.iter().map(|s| s.1 as f64).collect();
    let (mx, my) = (
        xs.iter().sum::<f64>() / n as f64,
        ys.iter().sum::<f64>() / n as f64,
    );
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let b = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let a = my - b * mx; // the line at x = 0, the newest sample
    let ss: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| {
            let r = y - (a + b * x);
            r * r
        })
        .sum();
    Some(Fit {
        offset_ns: a,
        slope_ppm: b * 1e6,
        used: n,
        sd_ns: libm::sqrt(ss / n as f64),
    })
}

/// Runs of equal signs among the residuals of `fit` over `samples`.
fn runs(samples: &[(Time, i64)], fit: &Fit) -> usize {
    let t0 = samples[samples.len() - 1].0;
    let mut count = 0;
    let mut last = None;
    for s in samples {
        let r = s.1 as f64 - (fit.offset_ns + fit.slope_ppm / 1e6 * (s.0 - t0) as f64);
        let sign = r >= 0.0;
        if last != Some(sign) {
            count += 1;
            last = Some(sign);
        }
    }
    count
}

/// The fewest runs `n` random signs show at the one-sided 5 % level (normal
/// approximation: mean `(n + 1) / 2`, deviation `√(n − 1) / 2`).
pub fn critical_runs(n: usize) -> f64 {
    (n as f64 + 1.0) / 2.0 - 1.645 * libm::sqrt(n as f64 - 1.0) / 2.0
}

/// The regression over as many recent samples as pass the runs test.
pub fn fit_recent(samples: &[(Time, i64)]) -> Option<Fit> {
    let mut from = 0;
    loop {
        let part = &samples[from..];
        let fit = regress(part)?;
        if part.len() <= MIN_SAMPLES || runs(part, &fit) as f64 >= critical_runs(part.len()) {
            return Some(fit);
        }
        // Drop the oldest quarter (at least one) and try again.
        from += (part.len() / 4).max(1);
        if samples.len() - from < MIN_SAMPLES {
            from = samples.len() - MIN_SAMPLES;
        }
    }
}

/// chrony's `makestep` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Makestep {
    /// Step threshold, ns; 0 never steps.
    pub threshold_ns: i64,
    /// Updates that may step: the first `limit`; −1 any.
    pub limit: i32,
}

impl Default for Makestep {
    fn default() -> Self {
        Makestep {
            threshold_ns: MAKESTEP_NS,
            limit: MAKESTEP_LIMIT,
        }
    }
}

/// The chrony-style discipline of one client.
#[derive(Clone, Debug)]
pub struct Chrony {
    makestep: Makestep,
    samples: VecDeque<(Time, i64)>,
    updates: i32,
    last: Option<(Time, i64)>,
    freq_ppm: f64,
    jitter_ns: f64,
    poll: i8,
    minpoll: i8,
    maxpoll: i8,
    synced: bool,
    ledger: Ledger,
}

impl Chrony {
    /// A fresh discipline polling between `minpoll` and `maxpoll`, starting from the
    /// drift file's `drift_ppm` (chrony's `driftfile`) if any.
    pub fn new(minpoll: i8, maxpoll: i8, drift_ppm: Option<f64>, makestep: Makestep) -> Chrony {
        Chrony {
            makestep,
            samples: VecDeque::new(),
            updates: 0,
            last: None,
            freq_ppm: drift_ppm.unwrap_or(0.0).clamp(-MAXFREQ_PPM, MAXFREQ_PPM),
            jitter_ns: PRECISION as f64,
            poll: minpoll,
            minpoll,
            maxpoll,
            synced: false,
            ledger: Ledger::default(),
        }
    }

    /// Synchronised once it has corrected the clock (SYNC), else NSET.
    pub fn state(&self) -> ClockState {
        if self.synced {
            ClockState::Sync
        } else {
            ClockState::Nset
        }
    }
    /// The frequency correction, ppm.
    pub fn freq_ppm(&self) -> f64 {
        self.freq_ppm
    }
    /// The poll exponent.
    pub fn poll(&self) -> i8 {
        self.poll
    }
    /// The regression's residual RMS, ns (chrony's "std dev").
    pub fn jitter_ns(&self) -> i64 {
        libm::round(self.jitter_ns) as i64
    }
    /// The phase-correction ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    /// The samples the next regression starts from, oldest first.
    pub fn samples(&self) -> impl Iterator<Item = &(Time, i64)> {
        self.samples.iter()
    }

    /// Processes the combined offset `offset` measured at local time `now`.
    pub fn update(&mut self, now: Time, offset: i64, out: &mut Vec<Command>) -> Outcome {
        // Bring the stored offsets into the clock's present frame: what the slews
        // since the last update did to it.
        if let Some((_, phase)) = self.last {
            let done = self.ledger.applied(now) - phase;
            for s in self.samples.iter_mut() {
                s.1 -= done;
            }
        }
        self.updates += 1;
        let ms = self.makestep;
        let may_step = ms.limit < 0 || self.updates <= ms.limit;
        if ms.threshold_ns > 0 && offset.abs() > ms.threshold_ns && may_step {
            out.push(Command::Step { delta_ns: offset });
            self.ledger.step(now, offset);
            // The history moves with the clock: times by the step, offsets by −step.
            for s in self.samples.iter_mut() {
                (s.0, s.1) = (s.0 + offset, s.1 - offset);
            }
            let after = now + offset;
            self.last = Some((after, self.ledger.applied(after)));
            self.poll = self.minpoll;
            self.synced = true;
            return Outcome::Step(offset);
        }
        self.samples.push_back((now, offset));
        while self.samples.len() > MAX_SAMPLES {
            self.samples.pop_front();
        }
        let samples: Vec<(Time, i64)> = self.samples.iter().copied().collect();
        let fit = if samples.len() >= MIN_SAMPLES {
            fit_recent(&samples)
        } else {
            None
        };
        let interval = self.last.map_or(0, |(t, _)| (now - t).max(0));
        let (estimate, used) = match fit {
            Some(f) => {
                // Keep only what the regression used: older samples no longer fit.
                while self.samples.len() > f.used {
                    self.samples.pop_front();
                }
                let df = f.slope_ppm;
                self.freq_ppm = (self.freq_ppm + df).clamp(-MAXFREQ_PPM, MAXFREQ_PPM);
                out.push(Command::SetFrequency { ppm: self.freq_ppm });
                // The line was fitted under the old frequency: from now on the offsets
                // it predicts no longer grow by df.
                for s in self.samples.iter_mut() {
                    s.1 += libm::round(df * (now - s.0) as f64 / 1e6) as i64;
                }
                self.jitter_ns = f.sd_ns.max(PRECISION as f64);
                (libm::round(f.offset_ns) as i64, f.used)
            }
            None => (offset, self.samples.len()),
        };
        // Slew the estimated offset away over CORRTIMERATIO update intervals.
        let span = CORRTIMERATIO * (interval.max(1i64 << self.poll) as f64);
        let rate_ppm = (estimate.abs() as f64 / span * 1e6).min(MAXFREQ_PPM);
        out.push(Command::Slew {
            amount_ns: estimate,
            rate_ppm,
        });
        self.ledger.slew(now, estimate, rate_ppm);
        self.last = Some((now, self.ledger.applied(now)));
        self.synced = true;
        if used >= POLLTARGET {
            self.poll = (self.poll + 1).min(self.maxpoll);
        } else if used < POLLTARGET / 2 {
            self.poll = (self.poll - 1).max(self.minpoll);
        }
        Outcome::Slew
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS, SEC};

    fn at(s: i64) -> Time {
        Time::from_hms(10, 0, 0) + s * SEC
    }

    #[test]
    fn regression_by_hand() {
        // θ = 5, 16, 25, 36 µs at 0, 10, 20, 30 s: x̄ = −15 s (from the newest),
        // ȳ = 20.5 µs; Sxy = (−15)(−15.5) + (−5)(−4.5) + 5(4.5) + 15(15.5) = 510 µs·s,
        // Sxx = 500 s²: slope 1.02 µs/s = 1.02 ppm; at the newest, 20.5 + 15 × 1.02 =
        // 35.8 µs; residuals −0.2, 0.6, −0.6, 0.2 µs, RMS √(0.8 / 4) = 0.4472 µs.
        let us = 1_000;
        let s = [
            (at(0), 5 * us),
            (at(10), 16 * us),
            (at(20), 25 * us),
            (at(30), 36 * us),
        ];
        let f = regress(&s).unwrap();
        assert!((f.slope_ppm - 1.02).abs() < 1e-9, "{f:?}");
        assert!((f.offset_ns - 35_800.0).abs() < 1e-6, "{f:?}");
        assert!((f.sd_ns - 447.2136).abs() < 1e-3, "{f:?}");
        assert_eq!(f.used, 4);
        assert_eq!(regress(&s[..1]), None);
    }

    #[test]
    fn the_runs_test_drops_samples_that_no_longer_fit() {
        // n = 10: mean runs 5.5, deviation √9 / 2 = 1.5, critical 5.5 − 1.645 × 1.5 =
        // 3.0325 runs.
        assert!((critical_runs(10) - 3.0325).abs() < 1e-9);
        // A line that bends: flat for 8 samples, then rising by 1 ms per sample. Over
        // all 12 the residuals come in 3 runs (+ − +), under the critical 3.7: the oldest
        // are dropped until the rest fit.
        let mut s: Vec<(Time, i64)> = (0..8).map(|k| (at(64 * k), 0)).collect();
        s.extend((1..=4).map(|k| (at(64 * (7 + k)), k * MS)));
        let all = regress(&s).unwrap();
        assert!(runs(&s, &all) < 4);
        let f = fit_recent(&s).unwrap();
        assert!(f.used < 12, "{f:?}");
        // Random-looking residuals keep every sample.
        let z: Vec<(Time, i64)> = [3, -2, 4, -1, 2, -4, 1, -3, 2, -2]
            .iter()
            .enumerate()
            .map(|(k, &v)| (at(64 * k as i64), v * 1000))
            .collect();
        assert_eq!(fit_recent(&z).unwrap().used, 10);
    }

    #[test]
    fn makestep_steps_only_the_first_updates() {
        let mut c = Chrony::new(6, 10, None, Makestep::default());
        let mut out = Vec::new();
        assert_eq!(c.update(at(0), 15 * SEC, &mut out), Outcome::Step(15 * SEC));
        assert_eq!(out, [Command::Step { delta_ns: 15 * SEC }]);
        // Under the 1 s threshold: slewed over 3 poll intervals (3 × 64 s), here
        // 0.5 s / 192 s = 2604 ppm, capped at 500.
        out.clear();
        assert_eq!(c.update(at(20), 500 * MS, &mut out), Outcome::Slew);
        assert_eq!(
            out,
            [Command::Slew {
                amount_ns: 500 * MS,
                rate_ppm: 500.0
            }]
        );
        // The third update may still step; the fourth may not: it slews, however large.
        assert!(matches!(
            c.update(at(40), 2 * SEC, &mut out),
            Outcome::Step(_)
        ));
        assert_eq!(c.update(at(60), 2 * SEC, &mut out), Outcome::Slew);
        // limit −1: any update may step; threshold 0: none.
        let mut any = Chrony::new(
            6,
            10,
            None,
            Makestep {
                threshold_ns: SEC,
                limit: -1,
            },
        );
        for k in 0..5 {
            assert!(matches!(
                any.update(at(k), 3 * SEC, &mut out),
                Outcome::Step(_)
            ));
        }
        let mut never = Chrony::new(
            6,
            10,
            None,
            Makestep {
                threshold_ns: 0,
                limit: 3,
            },
        );
        assert_eq!(never.update(at(0), 30 * SEC, &mut out), Outcome::Slew);
    }
}
