//! A node's local clock: phase, frequency error (skew), wander, resolution, and the
//! corrections a discipline applies (step, slew, frequency).
//!
//! `local(t) = t + phase + ∫ freq_error dt + corrections` (docs/MODEL.md, "Time and clocks"). The clock is
//! piecewise linear in true time: every change re-anchors it at the current instant,
//! and readings in between are exact integer arithmetic, so they are the same on every
//! platform.

use crate::rng::Rng;
use crate::time::{Time, SEC};
use serde::{Deserialize, Serialize};

/// The fastest a slew may move a clock, as Linux `adjtime` and ntpd allow: 500 ppm.
pub const MAX_SLEW_PPM: f64 = 500.0;
/// The largest frequency correction a discipline may apply: 500 ppm.
pub const MAX_FREQ_CORRECTION_PPM: f64 = 500.0;
/// How often wander moves the frequency (true time between random-walk steps).
pub const WANDER_STEP: i64 = 10 * SEC;

/// How a clock starts and how it misbehaves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClockConfig {
    /// Initial offset from true time, in milliseconds (positive: the clock is ahead).
    pub offset_ms: f64,
    /// Frequency error in parts per million (positive: the clock runs fast).
    /// Typical quartz: ±10..±100 ppm; 1 ppm ≈ 86 ms a day.
    pub skew_ppm: f64,
    /// Wander: standard deviation of the frequency's random walk, in ppm per √hour.
    /// Zero means a perfectly stable (if wrong) frequency.
    pub wander_ppm: f64,
    /// Reading resolution in microseconds (e.g. 15 625 for a 15.6 ms OS tick); 0 = exact.
    pub resolution_us: f64,
}

impl Default for ClockConfig {
    fn default() -> Self {
        ClockConfig {
            offset_ms: 0.0,
            skew_ppm: 0.0,
            wander_ppm: 0.0,
            resolution_us: 0.0,
        }
    }
}

/// A drifting, disciplinable clock.
///
/// # Examples
/// ```
/// use driftlab_sim::clock::{Clock, ClockConfig};
/// use driftlab_sim::{Time, time::SEC};
/// let start = Time::from_hms(10, 0, 0);
/// let mut c = Clock::new(&ClockConfig { offset_ms: -2000.0, skew_ppm: 100.0, ..Default::default() }, start);
/// assert_eq!(c.offset(start), -2 * SEC);
/// // 100 ppm over 1000 s is 100 ms.
/// assert_eq!(c.offset(start + 1000 * SEC), -2 * SEC + 100_000_000);
/// c.step(start + 1000 * SEC, 2 * SEC - 100_000_000);
/// assert_eq!(c.offset(start + 1000 * SEC), 0);
/// ```
#[derive(Clone, Debug)]
pub struct Clock {
    anchor: Time,
    anchor_offset: i64,
    natural_ppb: i64,
    wander_ppb: i64,
    correction_ppb: i64,
    slew_ppb: i64,
    slew_left: i64,
    resolution: i64,
    wander_sigma_ppb: f64,
}

fn ppm_to_ppb(ppm: f64) -> i64 {
    libm::round(ppm * 1000.0) as i64
}

/// The rate a slew at `rate_ppm` runs at, in ppb: capped at 500 ppm, at least 1 ppb.
pub fn slew_rate_ppb(rate_ppm: f64) -> i64 {
    ppm_to_ppb(rate_ppm.abs().min(MAX_SLEW_PPM)).max(1)
}

/// `ns × ppb / 10⁹` without overflow, truncated toward zero.
#[inline]
fn scale(ns: i64, ppb: i64) -> i64 {
    if ppb == 0 {
        return 0;
    }
    // Fast path in 64 bits when the product cannot overflow (spans under ~2.5 hours at
    // 1000 ppm); the 128-bit path gives the same result beyond.
    match ns.checked_mul(ppb) {
        Some(p) => p / 1_000_000_000,
        None => (ns as i128 * ppb as i128 / 1_000_000_000) as i64,
    }
}

impl Clock {
    /// A clock configured by `cfg`, started at true time `start`.
    pub fn new(cfg: &ClockConfig, start: Time) -> Clock {
        Clock {
            anchor: start,
            anchor_offset: crate::time::ms_to_nanos(cfg.offset_ms),
            natural_ppb: ppm_to_ppb(cfg.skew_ppm),
            wander_ppb: 0,
            correction_ppb: 0,
            slew_ppb: 0,
            slew_left: 0,
            resolution: libm::round(cfg.resolution_us * 1000.0) as i64,
            // ppm per √hour → ppb per √(WANDER_STEP).
            wander_sigma_ppb: cfg.wander_ppm
                * 1000.0
                * libm::sqrt(WANDER_STEP as f64 / (3600.0 * SEC as f64)),
        }
    }

    /// The exact offset `local(t) − t` in nanoseconds, before resolution. `t` must not
    /// precede the last change made to the clock.
    pub fn offset(&self, t: Time) -> i64 {
        let dt = t - self.anchor;
        debug_assert!(dt >= 0, "clock read before its last change");
        let freq = scale(dt, self.natural_ppb + self.wander_ppb + self.correction_ppb);
        self.anchor_offset + freq + self.slew_done(dt)
    }

    /// What the clock shows at true time `t`: `t + offset`, floored to the resolution.
    pub fn read(&self, t: Time) -> Time {
        let local = t.0 + self.offset(t);
        if self.resolution > 1 {
            Time(local - local.rem_euclid(self.resolution))
        } else {
            Time(local)
        }
    }

    fn slew_done(&self, dt: i64) -> i64 {
        if self.slew_left == 0 {
            return 0;
        }
        scale(dt, self.slew_ppb.abs()).min(self.slew_left.abs()) * self.slew_left.signum()
    }

    /// Moves the anchor to `t`, folding what happened since into the anchor offset.
    fn reanchor(&mut self, t: Time) {
        let dt = t - self.anchor;
        debug_assert!(dt >= 0, "clock changed before its last change");
        let off = self.offset(t);
        self.slew_left -= self.slew_done(dt);
        self.anchor = t;
        self.anchor_offset = off;
    }

    /// Jumps the clock by `delta` nanoseconds at true time `t` (may go backwards).
    /// Cancels any slew in progress.
    pub fn step(&mut self, t: Time, delta: i64) {
        self.reanchor(t);
        self.anchor_offset += delta;
        self.slew_left = 0;
        self.slew_ppb = 0;
    }

    /// Sets the offset to exactly `offset` nanoseconds at true time `t` (a teacher's
    /// slider, or a preset): a step by the difference.
    pub fn set_offset(&mut self, t: Time, offset: i64) {
        let now = self.offset(t);
        self.step(t, offset - now);
    }

    /// Starts slewing the clock by `amount` nanoseconds at the fastest allowed rate
    /// (500 ppm), replacing any slew in progress, as `adjtime` does.
    pub fn slew(&mut self, t: Time, amount: i64) {
        self.slew_at_rate(t, amount, MAX_SLEW_PPM);
    }

    /// Starts slewing by `amount` nanoseconds at `rate_ppm` (capped at 500 ppm),
    /// replacing any slew in progress.
    pub fn slew_at_rate(&mut self, t: Time, amount: i64, rate_ppm: f64) {
        self.reanchor(t);
        self.slew_left = amount;
        self.slew_ppb = slew_rate_ppb(rate_ppm);
    }

    /// Nanoseconds of slew still to apply at true time `t`.
    pub fn slew_remaining(&self, t: Time) -> i64 {
        self.slew_left - self.slew_done(t - self.anchor)
    }

    /// Sets the discipline's frequency correction (capped at ±500 ppm) from true time `t`.
    pub fn set_correction_ppm(&mut self, t: Time, ppm: f64) {
        self.reanchor(t);
        let cap = MAX_FREQ_CORRECTION_PPM;
        self.correction_ppb = ppm_to_ppb(ppm.clamp(-cap, cap));
    }

    /// The discipline's frequency correction, in ppm.
    pub fn correction_ppm(&self) -> f64 {
        self.correction_ppb as f64 / 1000.0
    }

    /// Sets the natural frequency error (skew) from true time `t`, keeping wander.
    pub fn set_skew_ppm(&mut self, t: Time, ppm: f64) {
        self.reanchor(t);
        self.natural_ppb = ppm_to_ppb(ppm);
    }

    /// The configured skew, in ppm (without wander or corrections).
    pub fn skew_ppm(&self) -> f64 {
        self.natural_ppb as f64 / 1000.0
    }

    /// The frequency error the clock runs with now: skew + wander + correction, in ppm
    /// (a slew in progress excluded).
    pub fn freq_error_ppm(&self) -> f64 {
        (self.natural_ppb + self.wander_ppb + self.correction_ppb) as f64 / 1000.0
    }

    /// Whether this clock wanders at all (so the simulator schedules wander steps).
    pub fn wanders(&self) -> bool {
        self.wander_sigma_ppb > 0.0
    }

    /// The true instant at which this clock will have advanced by `local_ns` from true
    /// time `now`, at its current rate (what a timer set on this clock waits). Exact for
    /// a clock without frequency error; a later step or slew is not foreseen.
    pub fn true_after(&self, now: Time, local_ns: i64) -> Time {
        let guess = now + local_ns;
        if self.natural_ppb + self.wander_ppb + self.correction_ppb == 0 && self.slew_left == 0 {
            // A clock at the right rate: local and true durations agree.
            return guess;
        }
        let drift = self.offset(guess) - self.offset(now);
        guess - drift
    }

    /// One step of the frequency random walk at true time `t`, drawn from `rng`.
    pub fn wander(&mut self, t: Time, rng: &mut Rng) {
        if !self.wanders() {
            return;
        }
        self.reanchor(t);
        self.wander_ppb += libm::round(self.wander_sigma_ppb * rng.normal()) as i64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS;

    fn at(s: i64) -> Time {
        Time::from_hms(10, 0, 0) + s * SEC
    }

    fn clock(offset_ms: f64, skew_ppm: f64) -> Clock {
        Clock::new(
            &ClockConfig {
                offset_ms,
                skew_ppm,
                ..Default::default()
            },
            at(0),
        )
    }

    #[test]
    fn skew_accumulates_linearly() {
        let c = clock(0.0, 50.0);
        assert_eq!(c.offset(at(100)), 5 * MS);
        assert_eq!(c.offset(at(86_400)), 4_320 * MS);
        let slow = clock(-30_000.0, -20.0);
        assert_eq!(slow.offset(at(1000)), -30 * SEC - 20 * MS);
        assert_eq!(slow.read(at(0)), at(-30));
    }

    #[test]
    fn step_can_go_backwards() {
        let mut c = clock(15_000.0, 0.0);
        let before = c.read(at(10));
        c.step(at(10), -15 * SEC);
        assert!(c.read(at(10)) < before);
        assert_eq!(c.offset(at(20)), 0);
    }

    #[test]
    fn slew_is_capped_at_500_ppm_and_stops_when_done() {
        let mut c = clock(100.0, 0.0);
        c.slew(at(0), -100 * MS);
        // 500 ppm: 0.5 ms per second, so 100 ms takes 200 s.
        assert_eq!(c.offset(at(100)), 50 * MS);
        assert_eq!(c.slew_remaining(at(100)), -50 * MS);
        assert_eq!(c.offset(at(200)), 0);
        assert_eq!(c.offset(at(1000)), 0);
        // A faster requested rate is capped.
        let mut d = clock(0.0, 0.0);
        d.slew_at_rate(at(0), 10 * SEC, 10_000.0);
        assert_eq!(d.offset(at(10)), 5 * MS);
    }

    #[test]
    fn reanchoring_mid_slew_keeps_the_curve() {
        let mut a = clock(0.0, 10.0);
        a.slew(at(0), 60 * MS);
        let mut b = a.clone();
        b.set_skew_ppm(at(40), 10.0); // a no-op change that re-anchors
        for s in [40, 60, 119, 120, 121, 500] {
            assert_eq!(a.offset(at(s)), b.offset(at(s)), "at {s}s");
        }
        assert_eq!(a.offset(at(500)), 60 * MS + 5 * MS);
    }

    #[test]
    fn correction_cancels_skew() {
        let mut c = clock(0.0, 42.0);
        c.set_correction_ppm(at(0), -42.0);
        assert_eq!(c.offset(at(10_000)), 0);
        c.set_correction_ppm(at(0), -9_999.0);
        assert_eq!(c.correction_ppm(), -500.0);
    }

    #[test]
    fn resolution_floors_readings() {
        let c = Clock::new(
            &ClockConfig {
                resolution_us: 15_625.0,
                ..Default::default()
            },
            at(0),
        );
        let r = c.read(at(0) + 20 * MS);
        assert_eq!((r - Time::ZERO) % 15_625_000, 0);
        assert!(r <= at(0) + 20 * MS && r > at(0) + 4 * MS);
    }

    #[test]
    fn wander_moves_frequency_reproducibly() {
        let cfg = ClockConfig {
            wander_ppm: 5.0,
            ..Default::default()
        };
        let mut a = Clock::new(&cfg, at(0));
        let mut b = a.clone();
        let (mut ra, mut rb) = (Rng::stream(1, 1), Rng::stream(1, 1));
        for k in 1..100 {
            a.wander(at(10 * k), &mut ra);
            b.wander(at(10 * k), &mut rb);
        }
        assert_eq!(a.offset(at(2000)), b.offset(at(2000)));
        assert_ne!(a.freq_error_ppm(), 0.0);
    }
}
