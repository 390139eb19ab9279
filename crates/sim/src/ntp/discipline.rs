//! The clock discipline (RFC 5905 A.5.5.6 `local_clock`, simplified): step, slew, learn
//! the frequency, pick the poll interval.
//!
//! * `|θ| > 1000 s` (PANICT): refuse; a human must set the clock.
//! * `|θ| > 128 ms` (STEPT): **step**, but not on a single outlier once synchronised:
//!   a lone spike is ignored until it has persisted for the stepout interval (WATCH).
//! * Otherwise **slew**. Driftlab hands the whole offset to the clock's `adjtime`-like
//!   slew (at most 500 ppm) every update, and a phase-locked loop integrates the offset
//!   the clock *drifted* since the last update into the frequency correction:
//!   `Δf = drift × min(μ, τ) / (4τ)²`, `τ = 2^poll` s, `μ` the time since the last update.
//!   At long polls (`2^poll ≥ 2^ALLAN`) a frequency-locked loop adds
//!   `Δf = drift / (max(μ, τ) × AVG)`. (ntpd amortises the phase over 16 poll intervals
//!   instead; full slews converge in minutes rather than hours, which a classroom
//!   needs.) "Drift" is the measured offset minus the part of the last slew the clock
//!   has not applied yet, which the [`Ledger`] predicts.
//! * A clock that never had its frequency measured (no drift file: state NSET) first
//!   steps or notes its offset, then watches it drift for WATCH seconds without touching
//!   it (state FREQ) and sets the frequency from that drift directly.
//!
//! The poll exponent grows when the offset stays within `PGATE × jitter` and shrinks
//! otherwise, with a hysteresis counter (LIMIT).

use super::ledger::Ledger;
use super::{Command, PRECISION};
use crate::time::{Time, MS, SEC};
use serde::Serialize;

/// Step threshold: 128 ms.
pub const STEPT: i64 = 128 * MS;
/// Stepout interval: an outlier must persist this long before a step; also how long
/// the frequency is measured (ntpd's `tinker stepout` default; the RFC skeleton uses 900 s).
pub const WATCH: i64 = 300 * SEC;
/// Panic threshold: 1000 s.
pub const PANICT: i64 = 1000 * SEC;
/// Largest frequency correction, ppm.
pub const MAXFREQ_PPM: f64 = 500.0;
/// Averaging constant for jitter and wander, and the FLL's gain divisor.
pub const AVG: f64 = 4.0;
/// Allan intercept as a poll exponent: the FLL engages at `poll ≥ ALLAN` (ntpd: 11;
/// Driftlab takes 10 so the FLL is seen within the default maxpoll).
pub const ALLAN: i8 = 10;
/// Poll-adjust hysteresis limit.
pub const LIMIT: i32 = 30;
/// Poll-adjust gate: "stable" means `|θ| < PGATE × jitter`.
pub const PGATE: f64 = 4.0;

/// The discipline's state (RFC 5905 A.5.5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ClockState {
    /// Never set, frequency unknown.
    Nset,
    /// Frequency set from a drift file, time not yet.
    Fset,
    /// Measuring the frequency: hands off for WATCH seconds.
    Freq,
    /// An outlier was seen while synchronised; waiting to see if it persists.
    Spik,
    /// Synchronised: normal slewing.
    Sync,
}

/// What one update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Nothing (measuring the frequency, or a spike held back).
    Ignore,
    /// The clock was slewed.
    Slew,
    /// The clock was stepped by this many nanoseconds.
    Step(i64),
    /// Refused: the offset exceeds PANICT.
    Panic,
}

/// The clock discipline of one client.
#[derive(Clone, Debug)]
pub struct Discipline {
    state: ClockState,
    last_update: Option<Time>,
    base_ns: i64,
    last_ns: i64,
    freq_ppm: f64,
    jitter_ns: f64,
    wander_ppm: f64,
    count: i32,
    poll: i8,
    minpoll: i8,
    maxpoll: i8,
    ledger: Ledger,
}

impl Discipline {
    /// A fresh discipline polling between `minpoll` and `maxpoll`; `drift_ppm` is the
    /// frequency correction from a drift file, if any (state FSET instead of NSET).
    pub fn new(minpoll: i8, maxpoll: i8, drift_ppm: Option<f64>) -> Discipline {
        Discipline {
            state: if drift_ppm.is_some() {
                ClockState::Fset
            } else {
                ClockState::Nset
            },
            last_update: None,
            base_ns: 0,
            last_ns: 0,
            freq_ppm: drift_ppm.unwrap_or(0.0).clamp(-MAXFREQ_PPM, MAXFREQ_PPM),
            jitter_ns: PRECISION as f64,
            wander_ppm: 0.0,
            count: 0,
            poll: minpoll,
            minpoll,
            maxpoll,
            ledger: Ledger::default(),
        }
    }

    /// The state.
    pub fn state(&self) -> ClockState {
        self.state
    }
    /// Whether the frequency is known and the clock disciplined (SYNC or SPIK): until
    /// then the clock filters trust their newest sample rather than the least-delayed,
    /// as ntpd does during its startup clamp.
    pub fn settled(&self) -> bool {
        matches!(self.state, ClockState::Sync | ClockState::Spik)
    }
    /// The frequency correction, ppm.
    pub fn freq_ppm(&self) -> f64 {
        self.freq_ppm
    }
    /// The system poll exponent.
    pub fn poll(&self) -> i8 {
        self.poll
    }
    /// The clock jitter (exponential average of offset differences), nanoseconds.
    pub fn jitter_ns(&self) -> i64 {
        libm::round(self.jitter_ns) as i64
    }
    /// The frequency wander (exponential average of frequency changes), ppm.
    pub fn wander_ppm(&self) -> f64 {
        self.wander_ppm
    }
    /// The phase-correction ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Processes the combined offset `offset` measured at local time `now`, pushing the
    /// clock commands into `out`.
    pub fn update(&mut self, now: Time, offset: i64, out: &mut Vec<Command>) -> Outcome {
        use ClockState::*;
        let mu = self.last_update.map_or(0, |t| (now - t).max(0));
        if offset.abs() > PANICT {
            out.push(Command::Panic { offset_ns: offset });
            return Outcome::Panic;
        }
        if offset.abs() > STEPT {
            match self.state {
                Sync => {
                    self.state = Spik;
                    return Outcome::Ignore;
                }
                Spik | Freq if mu < WATCH => return Outcome::Ignore,
                Freq => self.learn_freq(offset, mu, out),
                _ => {}
            }
            return self.step(now, offset, out);
        }
        let d = ((offset - self.last_ns).abs().max(PRECISION)) as f64;
        let j2 = self.jitter_ns * self.jitter_ns;
        self.jitter_ns = libm::sqrt(j2 + (d * d - j2) / AVG);
        match self.state {
            Nset => {
                (self.state, self.base_ns) = (Freq, offset);
                (self.last_update, self.last_ns) = (Some(now), offset);
                return Outcome::Ignore;
            }
            Freq if mu < WATCH => return Outcome::Ignore,
            Freq => self.learn_freq(offset, mu, out),
            Fset => {}
            Spik | Sync => {
                let drift = offset - self.ledger.remaining(now);
                let tau = super::poll_interval(self.poll) as f64;
                let mu = mu as f64;
                let mut df = 0.0;
                if mu > 0.0 {
                    df += drift as f64 * mu.min(tau) / ((4.0 * tau) * (4.0 * tau));
                    if self.poll >= ALLAN {
                        df += drift as f64 / (mu.max(tau) * AVG);
                    }
                }
                self.set_freq(self.freq_ppm + df * 1e6, out);
            }
        }
        out.push(Command::Slew { amount_ns: offset });
        self.ledger.slew(now, offset);
        (self.state, self.last_update, self.last_ns) = (Sync, Some(now), offset);
        self.adjust_poll(offset);
        Outcome::Slew
    }

    /// The end of the watch: the offset's drift over `mu` is the frequency error. A
    /// drift faster than any clock can run (beyond ±500 ppm) is not a frequency error
    /// but a jump (a bump during the watch): the frequency is left as it was.
    fn learn_freq(&mut self, offset: i64, mu: i64, out: &mut Vec<Command>) {
        let measured = ppm(offset - self.base_ns, mu);
        if measured.abs() <= MAXFREQ_PPM {
            self.set_freq(self.freq_ppm + measured, out);
        }
    }

    fn set_freq(&mut self, ppm: f64, out: &mut Vec<Command>) {
        let new = ppm.clamp(-MAXFREQ_PPM, MAXFREQ_PPM);
        let df = new - self.freq_ppm;
        let w2 = self.wander_ppm * self.wander_ppm;
        self.wander_ppm = libm::sqrt(w2 + (df * df - w2) / AVG);
        self.freq_ppm = new;
        out.push(Command::SetFrequency { ppm: new });
    }

    fn step(&mut self, now: Time, offset: i64, out: &mut Vec<Command>) -> Outcome {
        out.push(Command::Step { delta_ns: offset });
        self.ledger.step(now, offset);
        self.state = if self.state == ClockState::Nset {
            ClockState::Freq
        } else {
            ClockState::Sync
        };
        (self.last_update, self.base_ns, self.last_ns) = (Some(now + offset), 0, 0);
        (self.count, self.poll) = (0, self.minpoll);
        Outcome::Step(offset)
    }

    fn adjust_poll(&mut self, offset: i64) {
        let poll = self.poll as i32;
        if (offset.abs() as f64) < PGATE * self.jitter_ns {
            self.count += poll;
            if self.count > LIMIT {
                self.count = LIMIT;
                if self.poll < self.maxpoll {
                    (self.count, self.poll) = (0, self.poll + 1);
                }
            }
        } else {
            self.count -= 2 * poll;
            if self.count < -LIMIT {
                self.count = -LIMIT;
                if self.poll > self.minpoll {
                    (self.count, self.poll) = (0, self.poll - 1);
                }
            }
        }
    }
}

/// `ns / mu` as ppm (0 if `mu` is 0).
fn ppm(ns: i64, mu: i64) -> f64 {
    if mu == 0 {
        0.0
    } else {
        ns as f64 / mu as f64 * 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClockState::*;

    fn at(s: i64) -> Time {
        Time::from_hms(10, 0, 0) + s * SEC
    }

    fn run(d: &mut Discipline, t: Time, offset: i64) -> (Outcome, Vec<Command>) {
        let mut out = Vec::new();
        (d.update(t, offset, &mut out), out)
    }

    fn freq_of(out: &[Command]) -> f64 {
        match out
            .iter()
            .find(|c| matches!(c, Command::SetFrequency { .. }))
        {
            Some(Command::SetFrequency { ppm }) => *ppm,
            _ => panic!("no SetFrequency in {out:?}"),
        }
    }

    #[test]
    fn step_slew_and_panic_thresholds() {
        let mut d = Discipline::new(6, 10, None);
        assert_eq!(
            run(&mut d, at(0), 1001 * SEC),
            (
                Outcome::Panic,
                vec![Command::Panic {
                    offset_ns: 1001 * SEC
                }]
            )
        );
        assert_eq!(d.state(), Nset, "a panic changes nothing");
        assert_eq!(run(&mut d, at(0), 999 * SEC).0, Outcome::Step(999 * SEC));
        let mut d = Discipline::new(6, 10, None);
        assert_eq!(
            run(&mut d, at(0), 200 * MS),
            (
                Outcome::Step(200 * MS),
                vec![Command::Step { delta_ns: 200 * MS }]
            )
        );
        assert_eq!(d.state(), Freq, "stepped, frequency still unknown");
        // With a known frequency (drift file), 128 ms exactly is still a slew...
        let mut d = Discipline::new(6, 10, Some(0.0));
        assert_eq!(
            run(&mut d, at(0), STEPT),
            (Outcome::Slew, vec![Command::Slew { amount_ns: STEPT }])
        );
        // ...and once synchronised a single outlier is held back as a spike.
        assert_eq!(run(&mut d, at(64), STEPT + 1).0, Outcome::Ignore);
        assert_eq!(d.state(), Spik);
    }

    #[test]
    fn spike_waits_for_the_stepout() {
        let mut d = Discipline::new(6, 10, Some(0.0));
        run(&mut d, at(0), MS);
        assert_eq!(run(&mut d, at(64), 200 * MS).0, Outcome::Ignore);
        assert_eq!(run(&mut d, at(299), 200 * MS).0, Outcome::Ignore);
        // 300 s after the last good update the outlier is believed.
        assert_eq!(run(&mut d, at(300), 200 * MS).0, Outcome::Step(200 * MS));
        assert_eq!((d.state(), d.poll()), (Sync, 6));
        // A spike that goes away is forgotten.
        run(&mut d, at(364), 300 * MS);
        assert_eq!(run(&mut d, at(428), MS).0, Outcome::Slew);
        assert_eq!(d.state(), Sync);
    }

    #[test]
    fn frequency_is_measured_directly_after_a_step() {
        let mut d = Discipline::new(6, 10, None);
        assert_eq!(run(&mut d, at(0), -15 * SEC).0, Outcome::Step(-15 * SEC));
        // The local clock now reads 15 s less. Hands off while measuring:
        let after = |s| at(s) - 15 * SEC;
        assert_eq!(run(&mut d, after(100), -5 * MS), (Outcome::Ignore, vec![]));
        // 320 s later it has drifted −16 ms: −16 ms / 320 s = −50 ppm.
        let (o, out) = run(&mut d, after(320), -16 * MS);
        assert_eq!(o, Outcome::Slew);
        assert!((freq_of(&out) + 50.0).abs() < 1e-9);
        assert_eq!(
            out[1],
            Command::Slew {
                amount_ns: -16 * MS
            }
        );
        assert_eq!(d.state(), Sync);
        // Without a step, the drift counts from the first offset seen (here +3 ms).
        let mut d = Discipline::new(6, 10, None);
        assert_eq!(run(&mut d, at(0), 3 * MS).0, Outcome::Ignore);
        assert_eq!(d.state(), Freq);
        let (_, out) = run(&mut d, at(400), 3 * MS + 8 * MS);
        assert!((freq_of(&out) - 20.0).abs() < 1e-9, "8 ms / 400 s = 20 ppm");
    }

    #[test]
    fn pll_and_fll_gains_by_hand() {
        // Poll 6 (τ = 64 s), 1 ms of drift over 64 s:
        // Δf = 1 ms × 64 s / (4 × 64 s)² = 0.064 / 65536 = 0.9765625 ppm.
        let mut d = Discipline::new(6, 10, Some(0.0));
        run(&mut d, at(0), 0);
        let (_, out) = run(&mut d, at(64), MS);
        assert!((freq_of(&out) - 0.9765625).abs() < 1e-12);
        // Poll 10 (τ = 1024 s) adds the FLL:
        // PLL 1 ms × 1024 / 4096² = 0.06103515625 ppm; FLL 1 ms / (1024 s × 4) = 0.244140625 ppm.
        let mut d = Discipline::new(10, 10, Some(0.0));
        run(&mut d, at(0), 0);
        let (_, out) = run(&mut d, at(1024), MS);
        assert!((freq_of(&out) - 0.30517578125).abs() < 1e-12);
    }

    #[test]
    fn unfinished_slew_is_not_drift() {
        let mut d = Discipline::new(6, 10, Some(0.0));
        run(&mut d, at(0), 10 * MS);
        // 10.005 s later half the slew is done (10.005 s / 2001 = 5 ms): the 5 ms still
        // measured is the other half, not a frequency error.
        let (_, out) = run(&mut d, at(10) + 5 * MS, 5 * MS);
        assert_eq!(freq_of(&out), 0.0);
        assert_eq!(out[1], Command::Slew { amount_ns: 5 * MS });
    }

    #[test]
    fn poll_grows_when_stable() {
        let mut d = Discipline::new(6, 10, Some(0.0));
        // Offsets of 0 are within PGATE × jitter: the counter climbs by the poll
        // exponent, 6, 12, …, 36 > LIMIT (30) at the 6th update, then by 7 at poll 7.
        let mut t = at(0);
        for k in 1..=11 {
            run(&mut d, t, 0);
            t += crate::ntp::poll_interval(d.poll());
            let want = if k < 6 {
                6
            } else if k < 11 {
                7
            } else {
                8
            };
            assert_eq!(d.poll(), want, "after update {k}");
        }
    }

    #[test]
    fn poll_shrinks_on_a_persistent_offset() {
        let mut d = Discipline::new(6, 10, Some(0.0));
        (d.state, d.poll, d.jitter_ns, d.last_ns, d.last_update) =
            (Sync, 8, 1e6, 20 * MS, Some(at(0)));
        // Jitter decays: √(1 ms² × 3/4) = 0.87 ms, so 4 × jitter < 20 ms: count −16.
        run(&mut d, at(256), 20 * MS);
        assert_eq!((d.poll(), d.count), (8, -16));
        // Then −32 < −LIMIT: one step down.
        run(&mut d, at(512), 20 * MS);
        assert_eq!((d.poll(), d.count), (7, 0));
    }
}
