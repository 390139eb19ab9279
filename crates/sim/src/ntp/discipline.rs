//! The clock discipline as ntpd does it (RFC 5905 A.5.5.6–7, with the constants and the
//! daemon loop of ntpd 4.2.8's `ntp_loopfilter.c`): step, amortise the phase, learn the
//! frequency with a hybrid PLL/FLL, pick the poll interval.
//!
//! * `|θ| > panic` (1000 s): refuse; a human must set the clock.
//! * `|θ| > step` (128 ms): **step**, except that once synchronised a first outlier is
//!   only noted (SPIK) and the clock is stepped only if outliers persist for the
//!   **stepout** (300 s) since the last update.
//! * Otherwise the offset becomes the loop's **clock offset**, amortised over the loop's
//!   time constant: every second ntpd slews the clock by `clock_offset / (16 · 2^poll)`,
//!   an exponential decay of time constant `16 · 2^poll` s (1024 s at poll 6), or 32 s
//!   during the startup clamp (the first 300 s of synchronisation, ended early by an
//!   offset under 0.5 ms). Driftlab's clock takes a slew at a rate: each update orders
//!   the slew ntpd's per-second decay makes until the next poll is due (at the decay's
//!   initial rate; capped so that phase plus frequency stay within 500 ppm, as ntpd's
//!   `adj_host_clock` does). A later update replaces it, as in ntpd; if none comes,
//!   the slew stops there instead of decaying on.
//! * The **frequency** is corrected at each update, once the startup clamp is over, by
//!   the PLL, `Δf = θ · min(μ, 2^11 s) / (4 · 16 · 2^poll)²` (`μ` the time since the
//!   last update), and at polls of 2^11 s and more (the Allan intercept) by the FLL,
//!   `Δf = 0.25 · (θ − residual) / max(2^poll, μ)`, where the residual is the part of
//!   the previous offset not yet amortised. The frequency is clamped at ±500 ppm.
//! * Without a drift file (state NSET) the first offset is slewed at once (or stepped),
//!   then the clock is watched for the stepout (FREQ) and the frequency set directly:
//!   `f = θ / μ`. With a drift file (FSET) it starts from that frequency.
//!
//! The poll exponent grows when `|clock offset| < 4 × jitter` and shrinks otherwise,
//! with a hysteresis counter (±30), and stays put during the startup clamp; the jitter
//! and wander are exponential averages over 8 updates (ntpd's `CLOCK_AVG`; the RFC
//! skeleton uses 4).
//!
//! Where Driftlab differs from ntpd: offsets are measured with the corrections made
//! since each sample subtracted (the [`Ledger`]); a step sets the poll back to minpoll;
//! the kernel discipline (`ntp_adjtime`) is not modelled, only the daemon loop.

use super::ledger::Ledger;
use super::{Command, PRECISION};
use crate::time::{Time, MS, SEC};
use serde::Serialize;

/// Default step threshold: 128 ms (`CLOCK_MAX`, `tinker step`).
pub const STEPT: i64 = 128 * MS;
/// Default stepout: outliers must persist this long before a step, and the frequency
/// is watched this long without a drift file (`CLOCK_MINSTEP`, `tinker stepout`; the
/// RFC skeleton uses 900 s). Also the length of the startup clamp.
pub const WATCH: i64 = 300 * SEC;
/// Default panic threshold: 1000 s (`CLOCK_PANIC`, `tinker panic`).
pub const PANICT: i64 = 1000 * SEC;
/// Largest frequency correction, ppm (`NTP_MAXFREQ`).
pub const MAXFREQ_PPM: f64 = 500.0;
/// PLL loop gain (`CLOCK_PLL`): the phase time constant is `PLL × 2^poll` seconds.
pub const PLL: f64 = 16.0;
/// FLL loop gain (`CLOCK_FLL`).
pub const FLL: f64 = 0.25;
/// Averaging constant for jitter and wander (`CLOCK_AVG`).
pub const AVG: f64 = 8.0;
/// Startup offset floor: an offset under 0.5 ms ends the startup clamp (`CLOCK_FLOOR`).
pub const FLOOR: i64 = 500_000;
/// Allan intercept as a poll exponent (`CLOCK_ALLAN`): the FLL engages at `poll ≥ 11`.
pub const ALLAN: i8 = 11;
/// Poll-adjust hysteresis limit (`CLOCK_LIMIT`).
pub const LIMIT: i32 = 30;
/// Poll-adjust gate (`CLOCK_PGATE`): "stable" means `|θ| < PGATE × jitter`.
pub const PGATE: f64 = 4.0;

/// The thresholds a system administrator can tinker with (ntpd's `tinker step`,
/// `stepout`, `panic`; `-x` is a step of 600 s, `-g` a panic of 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    /// Step threshold, ns; 0 never steps (every offset is amortised).
    pub step_ns: i64,
    /// Stepout, ns.
    pub stepout_ns: i64,
    /// Panic threshold, ns; 0 never panics.
    pub panic_ns: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            step_ns: STEPT,
            stepout_ns: WATCH,
            panic_ns: PANICT,
        }
    }
}

/// The discipline's state (RFC 5905 A.5.5.6, ntpd's `EVNT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ClockState {
    /// Never set, frequency unknown (no drift file).
    Nset,
    /// Frequency set from a drift file, time not yet.
    Fset,
    /// Measuring the frequency: hands off for the stepout.
    Freq,
    /// An outlier was seen while synchronised; waiting to see if it persists.
    Spik,
    /// Synchronised: the loop runs.
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
    /// Refused: the offset exceeds the panic threshold.
    Panic,
}

/// The clock discipline of one client (ntpd's daemon loop).
#[derive(Clone, Debug)]
pub struct Discipline {
    th: Thresholds,
    state: ClockState,
    /// ntpd's `clock_epoch`: when the state last changed or the loop last updated.
    epoch: Option<Time>,
    /// The offset handed to the loop at `epoch` (ntpd's `clock_offset` then), and the
    /// ledger's reading at that moment: the residual still to amortise is the
    /// difference.
    clock_offset: i64,
    epoch_phase: i64,
    last_offset: i64,
    last_call: Option<Time>,
    /// The startup clamp still to run, ns of synchronised time (ntpd's `freq_cnt`).
    clamp_ns: i64,
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
    /// frequency correction from a drift file, if any (state FSET instead of NSET);
    /// the default thresholds.
    pub fn new(minpoll: i8, maxpoll: i8, drift_ppm: Option<f64>) -> Discipline {
        Discipline::with_thresholds(minpoll, maxpoll, drift_ppm, Thresholds::default())
    }

    /// [`Discipline::new`] with thresholds `th`.
    pub fn with_thresholds(
        minpoll: i8,
        maxpoll: i8,
        drift_ppm: Option<f64>,
        th: Thresholds,
    ) -> Discipline {
        Discipline {
            th,
            state: if drift_ppm.is_some() {
                ClockState::Fset
            } else {
                ClockState::Nset
            },
            epoch: None,
            clock_offset: 0,
            epoch_phase: 0,
            last_offset: 0,
            last_call: None,
            clamp_ns: th.stepout_ns,
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
    /// Whether the startup clamp is over: until then the clock filters trust their
    /// newest sample rather than the least-delayed (ntpd sorts only once `freq_cnt` is
    /// 0), and the frequency is left alone.
    pub fn settled(&self) -> bool {
        self.clamp_ns == 0
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
    /// The thresholds.
    pub fn thresholds(&self) -> Thresholds {
        self.th
    }

    /// ntpd's `rstclock`: enter `state` with `offset` as the loop's clock offset.
    fn rstclock(&mut self, state: ClockState, offset: i64, now: Time) {
        self.state = state;
        (self.clock_offset, self.last_offset) = (offset, offset);
        self.epoch = Some(now);
        self.epoch_phase = self.ledger.applied(now);
    }

    /// The part of the last clock offset not amortised yet at `now`.
    fn residual(&self, now: Time) -> i64 {
        self.clock_offset - (self.ledger.applied(now) - self.epoch_phase)
    }

    /// Processes the combined offset `offset` measured at local time `now` (ntpd's
    /// `local_clock`), pushing the clock commands into `out`.
    pub fn update(&mut self, now: Time, offset: i64, out: &mut Vec<Command>) -> Outcome {
        use ClockState::*;
        if self.th.panic_ns > 0 && offset.abs() > self.th.panic_ns {
            out.push(Command::Panic { offset_ns: offset });
            return Outcome::Panic;
        }
        // The startup clamp runs down one second per second of synchronised time.
        if let Some(last) = self.last_call {
            if self.state == Sync {
                self.clamp_ns = (self.clamp_ns - (now - last).max(0)).max(0);
            }
        }
        self.last_call = Some(now);
        let mu = self.epoch.map_or(0, |e| (now - e).max(0));
        let mut freq = self.freq_ppm;
        let outcome;
        if self.th.step_ns > 0 && offset.abs() > self.th.step_ns {
            match self.state {
                Sync => {
                    self.state = Spik;
                    return Outcome::Ignore;
                }
                Freq | Spik if mu < self.th.stepout_ns => return Outcome::Ignore,
                Freq => freq = ppm(offset, mu),
                _ => {}
            }
            out.push(Command::Step { delta_ns: offset });
            self.ledger.step(now, offset);
            let after = now + offset;
            (self.count, self.poll, self.jitter_ns) = (0, self.minpoll, PRECISION as f64);
            if self.state == Nset {
                self.rstclock(Freq, 0, after);
                self.last_call = Some(after);
                return Outcome::Step(offset);
            }
            self.rstclock(Sync, 0, after);
            self.last_call = Some(after);
            outcome = Outcome::Step(offset);
        } else {
            let d = ((offset - self.last_offset).abs().max(PRECISION)) as f64;
            let j2 = self.jitter_ns * self.jitter_ns;
            self.jitter_ns = libm::sqrt(j2 + (d * d - j2) / AVG);
            match self.state {
                Nset => {
                    // The whole first offset at once (adjtime), then the watch.
                    out.push(Command::Slew {
                        amount_ns: offset,
                        rate_ppm: crate::clock::MAX_SLEW_PPM,
                    });
                    self.ledger.slew(now, offset, crate::clock::MAX_SLEW_PPM);
                    self.rstclock(Freq, offset, now);
                    return Outcome::Slew;
                }
                Freq if mu < self.th.stepout_ns => return Outcome::Ignore,
                _ => {
                    if self.state == Freq {
                        freq = ppm(offset, mu);
                    }
                    if self.clamp_ns == 0 {
                        freq += pll_fll(offset, self.residual(now), mu, self.poll);
                    }
                    self.rstclock(Sync, offset, now);
                    if offset.abs() < FLOOR {
                        self.clamp_ns = 0;
                    }
                    outcome = Outcome::Slew;
                }
            }
        }
        self.set_freq(freq, out);
        self.adjust_poll();
        if outcome == Outcome::Slew {
            self.amortise(now, out);
        }
        outcome
    }

    /// Orders the slew ntpd's `adj_host_clock` makes until the next poll: from the
    /// clock offset `R`, `R · (1 − (1 − 1/T)^H)` over `H = 2^poll` seconds at the decay's
    /// initial rate `R / T`, `T = 16 · 2^poll` s (32 s during the startup clamp).
    fn amortise(&mut self, now: Time, out: &mut Vec<Command>) {
        let r = self.clock_offset;
        let shift = if self.clamp_ns > 0 { 1 } else { self.poll };
        let t = PLL * (1i64 << shift) as f64;
        let h = (1i64 << self.poll) as f64;
        let amount = libm::round(r as f64 * (1.0 - libm::pow(1.0 - 1.0 / t, h))) as i64;
        let room = (MAXFREQ_PPM - self.freq_ppm.abs()).max(0.001);
        let rate_ppm = (r.abs() as f64 / t / 1e3).min(room);
        out.push(Command::Slew {
            amount_ns: amount,
            rate_ppm,
        });
        self.ledger.slew(now, amount, rate_ppm);
    }

    fn set_freq(&mut self, ppm: f64, out: &mut Vec<Command>) {
        let new = ppm.clamp(-MAXFREQ_PPM, MAXFREQ_PPM);
        let df = new - self.freq_ppm;
        let w2 = self.wander_ppm * self.wander_ppm;
        self.wander_ppm = libm::sqrt(w2 + (df * df - w2) / AVG);
        self.freq_ppm = new;
        out.push(Command::SetFrequency { ppm: new });
    }

    fn adjust_poll(&mut self) {
        if self.clamp_ns > 0 {
            self.count = 0;
            return;
        }
        let poll = self.poll as i32;
        if (self.clock_offset.abs() as f64) < PGATE * self.jitter_ns {
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

/// A client's clock discipline: ntpd's loop or the chrony-style regression
/// ([`ClientConfig::discipline`](crate::ntp::ClientConfig::discipline)).
#[derive(Clone, Debug)]
pub enum Loop {
    /// ntpd's hybrid PLL/FLL.
    Ntpd(Discipline),
    /// chrony-style regression.
    Chrony(super::chrony::Chrony),
}

impl Loop {
    /// Processes the combined offset `offset` measured at local time `now`.
    pub fn update(&mut self, now: Time, offset: i64, out: &mut Vec<Command>) -> Outcome {
        match self {
            Loop::Ntpd(d) => d.update(now, offset, out),
            Loop::Chrony(c) => c.update(now, offset, out),
        }
    }
    /// The state (chrony-style: NSET, then SYNC once it has corrected the clock).
    pub fn state(&self) -> ClockState {
        match self {
            Loop::Ntpd(d) => d.state(),
            Loop::Chrony(c) => c.state(),
        }
    }
    /// Whether the clock filters rank by delay (ntpd: once its startup clamp is over)
    /// or hand on their newest sample (ntpd during the clamp; chrony-style always: chrony
    /// feeds every measurement to its regression, which weighs them itself).
    pub fn settled(&self) -> bool {
        match self {
            Loop::Ntpd(d) => d.settled(),
            Loop::Chrony(_) => false,
        }
    }
    /// The frequency correction, ppm.
    pub fn freq_ppm(&self) -> f64 {
        match self {
            Loop::Ntpd(d) => d.freq_ppm(),
            Loop::Chrony(c) => c.freq_ppm(),
        }
    }
    /// The system poll exponent.
    pub fn poll(&self) -> i8 {
        match self {
            Loop::Ntpd(d) => d.poll(),
            Loop::Chrony(c) => c.poll(),
        }
    }
    /// The clock jitter, ns.
    pub fn jitter_ns(&self) -> i64 {
        match self {
            Loop::Ntpd(d) => d.jitter_ns(),
            Loop::Chrony(c) => c.jitter_ns(),
        }
    }
    /// The phase-correction ledger.
    pub fn ledger(&self) -> &Ledger {
        match self {
            Loop::Ntpd(d) => d.ledger(),
            Loop::Chrony(c) => c.ledger(),
        }
    }
}

/// The frequency update of ntpd's hybrid loop, ppm, for an offset `offset` measured `mu`
/// after the last update at poll exponent `poll`, `residual` of the previous offset
/// not amortised yet: the PLL always, the FLL from the Allan intercept (2^11 s) up.
pub fn pll_fll(offset: i64, residual: i64, mu: i64, poll: i8) -> f64 {
    let tau = (1i64 << poll) as f64 * SEC as f64;
    let mu = mu as f64;
    let mut df = 0.0;
    if poll >= ALLAN {
        df += (offset - residual) as f64 / tau.max(mu) * FLL;
    }
    let allan = (1i64 << ALLAN) as f64 * SEC as f64;
    let d = 4.0 * PLL * tau;
    df += offset as f64 * allan.min(mu) / (d * d);
    df * 1e6
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

    fn slew_of(out: &[Command]) -> (i64, f64) {
        match out.iter().find(|c| matches!(c, Command::Slew { .. })) {
            Some(Command::Slew {
                amount_ns,
                rate_ppm,
            }) => (*amount_ns, *rate_ppm),
            _ => panic!("no Slew in {out:?}"),
        }
    }

    /// A discipline past its startup clamp, synchronised at `at(0)` with offset 0.
    fn settled(poll: i8) -> Discipline {
        let mut d = Discipline::new(poll, poll, Some(0.0));
        run(&mut d, at(0), 0); // FSET → SYNC; |0| < 0.5 ms ends the clamp
        assert!(d.settled() && d.state() == Sync);
        d
    }

    #[test]
    fn pll_frequency_update_by_hand() {
        // ntpd: Δf = θ · min(μ, 2048 s) / (4 · 16 · 2^poll)². Poll 6, θ = 1 ms, μ = 64 s:
        // 0.001 × 64 / 4096² = 0.064 / 16 777 216 = 3.814697265625e−9 = 0.003814697… ppm.
        assert_eq!(pll_fll(MS, 0, 64 * SEC, 6), 0.003814697265625);
        let mut d = settled(6);
        let (_, out) = run(&mut d, at(64), MS);
        assert!((freq_of(&out) - 0.003814697265625).abs() < 1e-15);
        // μ is capped at the Allan intercept: μ = 4096 s counts as 2048 s.
        assert_eq!(pll_fll(MS, 0, 4096 * SEC, 6), pll_fll(MS, 0, 2048 * SEC, 6));
    }

    #[test]
    fn fll_engages_at_the_allan_intercept_by_hand() {
        // Poll 11 (τ = 2048 s), θ = 1 ms, μ = 2048 s, nothing left of the last offset:
        // FLL 0.25 × 0.001 / 2048 = 1.220703125e−7; PLL 0.001 × 2048 / (64 × 2048)² =
        // 1.1920928955078125e−10; together 0.12218952178955… ppm.
        let want = 0.1220703125 + 0.00011920928955078125;
        assert!((pll_fll(MS, 0, 2048 * SEC, 11) - want).abs() < 1e-12);
        // The FLL sees only what the residual does not explain: with 0.4 ms of the last
        // offset still to amortise, 0.25 × 0.6 ms / 2048 s = 0.0732421875 ppm.
        let want = 0.0732421875 + 0.00011920928955078125;
        assert!((pll_fll(MS, 400_000, 2048 * SEC, 11) - want).abs() < 1e-12);
        // Below the intercept there is no FLL at all.
        assert_eq!(
            pll_fll(MS, 0, 1024 * SEC, 10),
            0.001 * 1024.0 / (64.0 * 1024.0f64).powi(2) * 1e6
        );
    }

    #[test]
    fn the_phase_is_amortised_over_the_time_constant() {
        // Poll 6, clamp over: T = 16 × 64 = 1024 s. A 1 ms offset starts at 1 ms / 1024 s
        // = 0.9765625 ppm, and ntpd's per-second decay applies 1 ms × (1 − (1023/1024)^64)
        // = 60.616 µs before the next poll.
        let mut d = settled(6);
        let (o, out) = run(&mut d, at(64), MS);
        assert_eq!(o, Outcome::Slew);
        assert_eq!(slew_of(&out), (60_616, 0.9765625));
        // During the startup clamp the time constant is 16 × 2 = 32 s: 1 ms starts at
        // 31.25 ppm and 1 − (31/32)^64 = 86.89 % of it goes before the next poll.
        let mut d = Discipline::new(6, 10, Some(0.0));
        let (_, out) = run(&mut d, at(0), MS);
        assert!(!d.settled());
        assert_eq!(slew_of(&out), (868_916, 31.25));
        // Phase plus frequency stay within 500 ppm: 100 ms at 32 s would be 3125 ppm.
        let mut d = Discipline::new(6, 10, Some(-20.0));
        let (_, out) = run(&mut d, at(0), 100 * MS);
        assert_eq!(slew_of(&out).1, 480.0);
    }

    #[test]
    fn step_spike_stepout_and_panic() {
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
        assert_eq!(d.state(), Freq, "stepped, frequency still unknown");
        // With a drift file 128 ms exactly is still amortised...
        let mut d = Discipline::new(6, 10, Some(0.0));
        assert_eq!(run(&mut d, at(0), STEPT).0, Outcome::Slew);
        // ...and once synchronised a first outlier is only noted.
        assert_eq!(run(&mut d, at(64), STEPT + 1).0, Outcome::Ignore);
        assert_eq!(d.state(), Spik);
        // Outliers are believed 300 s after the last update (the stepout), not before.
        assert_eq!(run(&mut d, at(299), 200 * MS).0, Outcome::Ignore);
        assert_eq!(run(&mut d, at(300), 200 * MS).0, Outcome::Step(200 * MS));
        assert_eq!((d.state(), d.poll()), (Sync, 6));
        // A spike that goes away is forgotten.
        run(&mut d, at(364), 300 * MS);
        assert_eq!(run(&mut d, at(428), MS).0, Outcome::Slew);
        assert_eq!(d.state(), Sync);
        // Thresholds are tinkerable: step 0 never steps, panic 0 never panics.
        let th = Thresholds {
            step_ns: 0,
            stepout_ns: WATCH,
            panic_ns: 0,
        };
        let mut d = Discipline::with_thresholds(6, 10, Some(0.0), th);
        assert_eq!(run(&mut d, at(0), 2000 * SEC).0, Outcome::Slew);
    }

    #[test]
    fn without_a_drift_file_the_frequency_is_watched_then_set_directly() {
        let mut d = Discipline::new(6, 10, None);
        assert_eq!(run(&mut d, at(0), -15 * SEC).0, Outcome::Step(-15 * SEC));
        // The local clock now reads 15 s less. Hands off while measuring:
        let after = |s| at(s) - 15 * SEC;
        assert_eq!(run(&mut d, after(100), -5 * MS), (Outcome::Ignore, vec![]));
        // 320 s after the step it has drifted −16 ms: f = −16 ms / 320 s = −50 ppm.
        let (o, out) = run(&mut d, after(320), -16 * MS);
        assert_eq!(o, Outcome::Slew);
        assert!((freq_of(&out) + 50.0).abs() < 1e-9);
        assert_eq!(d.state(), Sync);
        // Without a step, the first offset (+3 ms) is slewed at once, at 500 ppm...
        let mut d = Discipline::new(6, 10, None);
        let (o, out) = run(&mut d, at(0), 3 * MS);
        assert_eq!((o, slew_of(&out)), (Outcome::Slew, (3 * MS, 500.0)));
        assert_eq!(d.state(), Freq);
        // ...so 400 s later the offset is the drift alone: 8 ms / 400 s = 20 ppm.
        let (_, out) = run(&mut d, at(400), 8 * MS);
        assert!((freq_of(&out) - 20.0).abs() < 1e-9);
    }

    #[test]
    fn no_frequency_change_during_the_startup_clamp() {
        // With a drift file, the first 300 s of synchronisation only amortise the
        // phase, unless an offset under 0.5 ms ends the clamp early.
        let mut d = Discipline::new(6, 10, Some(7.0));
        run(&mut d, at(0), 2 * MS);
        let (_, out) = run(&mut d, at(64), 2 * MS);
        assert_eq!(freq_of(&out), 7.0);
        let (_, out) = run(&mut d, at(128), 400_000);
        assert_eq!(freq_of(&out), 7.0);
        assert!(d.settled());
        let (_, out) = run(&mut d, at(192), MS);
        assert!(freq_of(&out) > 7.0);
    }

    #[test]
    fn poll_grows_when_stable_and_shrinks_on_a_persistent_offset() {
        let mut d = settled(6);
        d.maxpoll = 10;
        // Offsets of 0 are within PGATE × jitter: the counter climbs by the poll
        // exponent, 6 (the settling update), 12, …, 36 > LIMIT (30) at the 5th update
        // here, then by 7 at poll 7: 35 > 30 at the 10th.
        let mut t = at(0);
        for k in 1..=11 {
            t += crate::ntp::poll_interval(d.poll());
            run(&mut d, t, 0);
            let want = if k < 5 {
                6
            } else if k < 10 {
                7
            } else {
                8
            };
            assert_eq!(d.poll(), want, "after update {k}");
        }
        assert_eq!(d.count, 8);
        // Then a persistent 20 ms. The first jump looks like jitter: √(20² / 8) =
        // 7.071 ms, and 20 ms < 4 × 7.071 ms, so the counter still climbs (16, 24, then
        // 32 > 30: poll 9). Each steady update shrinks the jitter by √(7/8); from the
        // 7th (4.737 ms × 4 < 20 ms) the counter falls by 18 per update at poll 9, 16
        // at poll 8: 9, −9, −27, −45 → poll 8; −16, −32 → poll 7.
        let mut polls = Vec::new();
        for k in 1..=14 {
            run(&mut d, t + k * 256 * SEC, 20 * MS);
            polls.push(d.poll());
            if k == 1 {
                assert_eq!(d.jitter_ns(), 7_071_068);
            }
        }
        assert_eq!(polls, [8, 8, 9, 9, 9, 9, 9, 9, 9, 8, 8, 7, 7, 7]);
    }
}
