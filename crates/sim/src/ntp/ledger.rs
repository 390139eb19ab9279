//! The phase-correction ledger: what the client has done to its own clock.
//!
//! A sample measured before a correction is stale after it: if the clock was 20 ms
//! behind and has since been slewed 15 ms forward, that sample's "+20 ms" now means
//! "+5 ms". The client cannot read how far a slew has got (that is the simulator's
//! business), but it knows the rule: a slew moves the clock at 500 ppm of true time
//! until done or replaced; a step is instant and cancels the slew. So the ledger
//! predicts the total correction at any local instant, samples remember its reading
//! when taken, and later readers subtract the difference.
//!
//! The ledger only sees local time, which itself runs 500 ppm fast (or slow) while
//! slewing: at 500 ppm, 2001 local nanoseconds pass per nanosecond of forward slew
//! (1999 backward); at a rate of `r` ppb, `(10⁹ ± r) / r`.
//! What it cannot know is the clock's own frequency error, so its prediction is off by
//! that error times the slew: 1.5 µs for a 30 ms slew on a 50 ppm clock.

use crate::time::Time;

/// Predicted cumulative phase correction of one clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    base: i64,
    start: Time,
    amount: i64,
    rate_ppb: i64,
}

impl Ledger {
    fn done(&self, now: Time) -> i64 {
        if self.amount == 0 {
            return 0;
        }
        let r = self.rate_ppb as i128;
        let elapsed = (now - self.start).max(0) as i128;
        let cap = elapsed * r / (1_000_000_000 + self.amount.signum() as i128 * r);
        self.amount.signum() * (self.amount.abs() as i128).min(cap) as i64
    }

    /// Total correction applied by local time `now`, nanoseconds.
    pub fn applied(&self, now: Time) -> i64 {
        self.base + self.done(now)
    }

    /// Part of the current slew not yet applied at `now`, nanoseconds.
    pub fn remaining(&self, now: Time) -> i64 {
        self.amount - self.done(now)
    }

    /// Records a slew of `amount` at `rate_ppm` ordered at `now`, replacing the one in
    /// progress (the clock's rate: capped at 500 ppm, at least 1 ppb).
    pub fn slew(&mut self, now: Time, amount: i64, rate_ppm: f64) {
        self.base += self.done(now);
        (self.start, self.amount) = (now, amount);
        self.rate_ppb = crate::clock::slew_rate_ppb(rate_ppm);
    }

    /// Records a step of `delta` at `now` (local time before the step).
    pub fn step(&mut self, now: Time, delta: i64) {
        self.base += self.done(now) + delta;
        (self.start, self.amount) = (now + delta, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ClockConfig};
    use crate::time::{MS, SEC};

    #[test]
    fn predicts_a_slew_at_500_ppm() {
        let t0 = Time::from_hms(10, 0, 0);
        let mut l = Ledger::default();
        l.slew(t0, -10 * MS, 500.0);
        // 9.995 local seconds at 500 ppm slow: 9.995 s / 1999 = 5 ms of true-time slew.
        assert_eq!(l.applied(t0 + 9_995 * MS), -5 * MS);
        assert_eq!(l.remaining(t0 + 9_995 * MS), -5 * MS);
        assert_eq!(l.applied(t0 + 100 * SEC), -10 * MS);
        // A new slew replaces the rest of the old one, as adjtime does.
        l.slew(t0 + 9_995 * MS, 2 * MS, 500.0);
        assert_eq!(l.applied(t0 + 100 * SEC), -3 * MS);
        // A step adds at once and cancels the slew; times continue in the new frame.
        // By then 2.001 local seconds of forward slew have applied 1 ms.
        l.step(t0 + 11_996 * MS, 7 * SEC);
        assert_eq!(l.applied(t0 + 20 * SEC), 7 * SEC - 5 * MS + MS);
        assert_eq!(l.remaining(t0 + 20 * SEC), 0);
    }

    #[test]
    fn agrees_with_the_clock() {
        let t0 = Time::from_hms(10, 0, 0);
        for (amount, rate) in [
            (30 * MS, 500.0),
            (-30 * MS, 500.0),
            (MS, 0.9765625),
            (-40_000, 0.001),
        ] {
            let mut c = Clock::new(&ClockConfig::default(), t0);
            let mut l = Ledger::default();
            c.slew_at_rate(t0, amount, rate);
            l.slew(c.read(t0), amount, rate);
            for s in [1, 17, 59, 60, 61, 500, 1023, 5000, 50_000] {
                let t = t0 + s * SEC + 1234;
                let err = l.applied(c.read(t)) - c.offset(t);
                assert!(err.abs() <= 1, "{amount} at {s} s: off by {err} ns");
            }
        }
    }
}
