//! The running simulation and its playback, outside the reactive graph.
//!
//! The app keeps one [`Engine`] in a `StoredValue`; the frame loop calls
//! [`Engine::tick`] and then runs the panels' feeds. Everything
//! here is plain Rust, tested natively.

use driftlab_sim::time::{MS, SEC};
use driftlab_sim::timeline::{Pos, Timeline};
use driftlab_sim::{Config, ConfigError, Sim, Time};

/// The speeds the slider offers: true seconds per real second. Below ×1, slow motion:
/// at ×0.01 a request's 25 ms on the network take 2.5 s, long enough to follow its dot
/// on the map ([`crate::panels::map::flight`]).
pub const SPEEDS: [f64; 12] = [
    0.01, 0.1, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
];

/// The most real time one frame may account for, ms: after a stall (a hidden tab, a
/// debugger) the run resumes instead of leaping ahead.
const MAX_FRAME_MS: f64 = 100.0;

/// The most true time the simulation advances between two checks of the frame budget.
const SLICE: i64 = SEC / 2;

/// The most events (about: the last instant is finished) processed between two checks
/// of the frame budget: however busy half a second of true time is (over a thousand
/// events just after the doors open to 20 000 customers), a frame overruns its budget
/// by at most one piece, about half a millisecond in the browser.
const SLICE_EVENTS: u64 = 512;

/// A run (a [`Timeline`]: played forward, or sought anywhere) and the config it
/// started from.
pub struct Engine {
    tl: Timeline,
    cfg: Config,
    last_ms: Option<f64>,
}

impl Engine {
    /// A run of `cfg`, paused at its start.
    pub fn new(cfg: Config) -> Result<Engine, ConfigError> {
        Engine::with_actions(cfg, &[])
    }

    /// A run of `cfg` in which `actions` (from a link or a scenario file) happen at
    /// their instants, paused at its start.
    pub fn with_actions(
        cfg: Config,
        actions: &[driftlab_sim::Acted],
    ) -> Result<Engine, ConfigError> {
        Ok(Engine {
            tl: Timeline::new(cfg.clone(), actions)?,
            cfg,
            last_ms: None,
        })
    }

    /// The simulation.
    pub fn sim(&self) -> &Sim {
        self.tl.sim()
    }

    /// The whole run: its length, its marks, its checkpoints.
    pub fn timeline(&self) -> &Timeline {
        &self.tl
    }

    /// The scenario: the config the run started from, with the clock edits made before
    /// it started playing (edits made while it runs are live actions, replayed by a
    /// restart at their instants: [`Sim::actions`]).
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Replaces the run by a new one of `cfg`; on error the current run is kept.
    pub fn load(&mut self, cfg: Config) -> Result<(), ConfigError> {
        self.load_with(cfg, &[])
    }

    /// Replaces the run by a new one of `cfg` and `actions`; on error the current run
    /// is kept.
    pub fn load_with(
        &mut self,
        cfg: Config,
        actions: &[driftlab_sim::Acted],
    ) -> Result<(), ConfigError> {
        *self = Engine::with_actions(cfg, actions)?;
        Ok(())
    }

    /// Starts the same scenario again from its start: same seed, and every live action
    /// (clock edits, NTP switches, faults) again at its instant: the same run.
    pub fn restart(&mut self) {
        self.tl.seek(Pos::At(Time(i64::MIN)));
        self.last_ms = None;
    }

    /// Whether the run has not started playing: an edit then changes the scenario.
    fn at_start(&self) -> bool {
        self.sim().events() == 0 && self.tl.actions().is_empty()
    }

    /// Processes exactly one event; false if the run is over.
    pub fn step(&mut self) -> bool {
        self.tl.step()
    }

    /// Goes back one event (the state after one event fewer); false at the start.
    pub fn step_back(&mut self) -> bool {
        self.tl.step_back()
    }

    /// Moves to true time `t` (held within the run): the state playing to `t` reaches,
    /// re-simulated from the last checkpoint before it.
    pub fn seek(&mut self, t: Time) {
        self.tl.seek(Pos::At(t));
        self.last_ms = None;
    }

    /// Forgets the last frame's time: call when playback pauses, so that resuming does
    /// not count the pause as elapsed.
    pub fn pause(&mut self) {
        self.last_ms = None;
    }

    /// Advances the run by the real time elapsed since the last tick (`now_ms`, a
    /// monotonic clock in ms) times `speed`, in slices (at most [`SLICE`] of true time
    /// and about [`SLICE_EVENTS`] events each), stopping early when
    /// `over_budget` says the frame has no time left. The first tick after a pause
    /// only notes the time. Returns true if true time moved.
    pub fn tick(&mut self, now_ms: f64, speed: f64, mut over_budget: impl FnMut() -> bool) -> bool {
        let Some(last) = self.last_ms.replace(now_ms) else {
            return false;
        };
        if self.sim().finished() {
            return false;
        }
        let wall = (now_ms - last).clamp(0.0, MAX_FRAME_MS);
        let target = self.sim().now() + (wall * speed * MS as f64) as i64;
        let before = self.sim().now();
        while self.sim().now() < target && !self.sim().finished() {
            let next = target.min(self.sim().now() + SLICE);
            self.tl.run_until_at_most(next, SLICE_EVENTS);
            if over_budget() {
                break;
            }
        }
        self.sim().now() != before
    }

    /// Moves server `i`'s clock to `offset_s` from true time now. Before the run plays,
    /// this is the scenario's initial offset; while it runs, a live action that a
    /// restart replays at the same instant.
    pub fn set_offset(&mut self, i: usize, offset_s: f64) {
        if self.at_start() {
            if let Some(s) = self.cfg.servers.get_mut(i) {
                s.clock.offset_ms = offset_s * 1000.0;
                self.start_edited();
            }
            return;
        }
        let ns = driftlab_sim::time::secs_to_nanos(offset_s);
        self.tl.act(|s| s.set_server_offset(i, ns));
    }

    /// Sets server `i`'s skew now (in the scenario too, before the run plays).
    pub fn set_skew(&mut self, i: usize, ppm: f64) {
        if self.at_start() {
            if let Some(s) = self.cfg.servers.get_mut(i) {
                s.clock.skew_ppm = ppm;
                self.start_edited();
            }
            return;
        }
        self.tl.act(|s| s.set_server_skew(i, ppm));
    }

    /// An edit made before the run plays is in the scenario, not a live action: the run
    /// afresh from the edited scenario.
    fn start_edited(&mut self) {
        self.tl = Timeline::new(self.cfg.clone(), &[]).expect("the running config was validated");
    }

    /// Switches NTP on or off on server `i` now: a live action, replayed by a restart.
    pub fn set_ntp(&mut self, i: usize, on: bool) {
        self.tl.act(|s| s.set_ntp(i, on));
    }

    /// Switches server `i`'s NTP client to the discipline `kind` now: a live action,
    /// replayed by a restart.
    pub fn set_discipline(&mut self, i: usize, kind: driftlab_sim::ntp::DisciplineKind) {
        self.tl.act(|s| s.set_discipline(i, kind));
    }

    /// Injects `fault` into the running sale (a live action, replayed by a restart);
    /// refused with the reason if it names a server or time server that does not exist.
    pub fn inject(&mut self, fault: driftlab_sim::timesync::Fault) -> Result<(), ConfigError> {
        self.tl.act(|s| s.inject(fault))
    }

    /// Disconnects (or reconnects) the change feed's listener now (a live action).
    pub fn set_feed_listener(&mut self, up: bool) -> Result<(), ConfigError> {
        self.tl.act(|s| s.set_feed_listener(up))
    }

    /// Crashes database node `i` of the data path now (a live action).
    pub fn crash_data_node(&mut self, i: usize) -> Result<(), ConfigError> {
        self.tl.act(|s| s.crash_data_node(i))
    }

    /// Carries out a live action on the data path or the cache now (`act` calls the
    /// run's method: partition, promote, fence, cache down); refused with the reason.
    pub fn data_act(
        &mut self,
        act: impl FnOnce(&mut driftlab_sim::Sim) -> Result<(), ConfigError>,
    ) -> Result<(), ConfigError> {
        self.tl.act(act)
    }

    /// Crashes, hangs, slows down or restarts instance `i` now (a live action).
    pub fn set_instance(
        &mut self,
        i: usize,
        mode: driftlab_sim::server::Mode,
    ) -> Result<(), ConfigError> {
        self.tl.act(|s| s.set_instance(i, mode))
    }

    /// Changes the gateway's algorithm now (a live action; the scenario's before the
    /// run plays).
    pub fn set_balancing(&mut self, algorithm: driftlab_sim::gateway::Algorithm) {
        if self.at_start() {
            self.cfg.gateway.algorithm = algorithm;
            self.start_edited();
            return;
        }
        self.tl.act(|s| s.set_balancing(algorithm));
    }

    /// Switches the gateway's health checks now (the scenario's before the run plays).
    pub fn set_checks(&mut self, active: bool, passive: bool) {
        if self.at_start() {
            self.cfg.gateway.active.enabled = active;
            self.cfg.gateway.passive.enabled = passive;
            self.start_edited();
            return;
        }
        self.tl.act(|s| s.set_checks(active, passive));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::with_preset;

    fn small(preset: &str) -> Config {
        let mut c = with_preset(&Config::default(), preset).unwrap();
        c.crowd.customers = 400;
        c
    }

    fn play_to_end(e: &mut Engine) {
        let mut t = 0.0;
        e.tick(t, 1000.0, || false);
        while !e.sim().finished() {
            t += 16.0;
            e.tick(t, 1000.0, || false);
        }
    }

    #[test]
    fn one_real_second_at_x1_is_one_true_second() {
        let mut e = Engine::new(small("reset")).unwrap();
        let t0 = e.sim().now();
        assert!(
            !e.tick(1000.0, 1.0, || false),
            "the first tick only notes the time"
        );
        for k in 1..=10 {
            e.tick(1000.0 + 100.0 * k as f64, 1.0, || false);
        }
        assert_eq!(e.sim().now() - t0, SEC);
        e.pause();
        e.tick(60_000.0, 1.0, || false);
        assert_eq!(e.sim().now() - t0, SEC, "a pause is not elapsed time");
    }

    #[test]
    fn a_budget_stops_the_frame_early() {
        let mut e = Engine::new(small("reset")).unwrap();
        e.tick(0.0, 1000.0, || false);
        let t0 = e.sim().now();
        e.tick(100.0, 1000.0, || true);
        assert_eq!(
            e.sim().now() - t0,
            SLICE,
            "one slice, then the budget is spent"
        );
    }

    #[test]
    fn a_busy_half_second_is_cut_into_pieces_of_a_few_hundred_events() {
        // Just after the doors open, 20 000 customers: over a thousand events in the
        // first half second. A frame whose budget is spent stops after one piece.
        let mut c = with_preset(&Config::default(), "extreme_drift").unwrap();
        c.crowd.customers = 20_000;
        let mut e = Engine::new(c.clone()).unwrap();
        e.seek(c.sale.opening());
        e.tick(0.0, 1000.0, || false);
        let (t0, n0) = (e.sim().now(), e.sim().events());
        e.tick(100.0, 1000.0, || true);
        let ran = e.sim().events() - n0;
        assert!(
            (SLICE_EVENTS..2 * SLICE_EVENTS).contains(&ran),
            "{ran} events"
        );
        assert!(e.sim().now() - t0 < SLICE, "stopped inside the half second");
        // The next frames go on from there, to where playing without a budget goes.
        let mut t = 100.0;
        while e.sim().now() < t0 + 2 * SEC {
            t += 16.0;
            e.tick(t, 1000.0, || true);
        }
        let mut whole = Engine::new(c.clone()).unwrap();
        whole.seek(e.sim().now());
        assert_eq!(whole.sim().trace_hash(), e.sim().trace_hash());
        assert_eq!(whole.sim().events(), e.sim().events());
    }

    #[test]
    fn extreme_drift_has_wrong_winners_and_reset_has_none() {
        let mut e = Engine::new(small("extreme_drift")).unwrap();
        play_to_end(&mut e);
        assert!(e.sim().metrics().wrong_winners > 0);
        let mut e = Engine::new(small("reset")).unwrap();
        play_to_end(&mut e);
        assert_eq!(e.sim().metrics().wrong_winners, 0);
    }

    #[test]
    fn restart_replays_the_same_run_with_clock_edits() {
        let mut e = Engine::new(small("minor_drift")).unwrap();
        e.set_offset(1, -20.0);
        e.set_skew(2, 50.0);
        e.restart();
        assert_eq!(e.config().servers[1].clock.offset_ms, -20_000.0);
        assert_eq!(e.config().servers[2].clock.skew_ppm, 50.0);
        assert_eq!(e.sim().clock(1).offset(e.sim().now()), -20 * SEC);
        play_to_end(&mut e);
        let first = e.sim().trace_hash();
        e.restart();
        play_to_end(&mut e);
        assert_eq!(e.sim().trace_hash(), first);
    }

    #[test]
    fn restart_replays_live_actions_at_their_instants() {
        let mut e = Engine::new(small("extreme_drift")).unwrap();
        let mut t = 0.0;
        e.tick(t, 1000.0, || false);
        // Play about 90 s of the sale, then act: a clock edit, NTP on, a fault.
        while e.sim().now() < e.config().sale.opening() + 30 * SEC {
            t += 16.0;
            e.tick(t, 1000.0, || false);
        }
        e.set_offset(2, 0.0);
        e.set_ntp(0, true);
        e.inject(driftlab_sim::timesync::Fault::ClockBump {
            server: 4,
            delta_ms: 2_000.0,
            at_s: 0.0,
        })
        .unwrap();
        assert_eq!(e.sim().actions().len(), 3);
        assert_eq!(
            e.config().servers[2].clock.offset_ms,
            15_000.0,
            "a live edit is not the scenario's initial offset"
        );
        play_to_end(&mut e);
        let first = e.sim().report();
        e.restart();
        play_to_end(&mut e);
        assert_eq!(e.sim().report(), first, "the same run, actions included");
        // Without the actions, the run differs.
        let plain = {
            let mut e = Engine::new(small("extreme_drift")).unwrap();
            play_to_end(&mut e);
            e.sim().trace_hash()
        };
        assert_ne!(plain, first.trace_hash);
    }

    #[test]
    fn seeking_shows_what_playing_showed() {
        let mut e = Engine::new(small("extreme_drift")).unwrap();
        let mut t = 0.0;
        e.tick(t, 200.0, || false);
        while e.sim().now() < e.config().sale.opening() + 40 * SEC {
            t += 16.0;
            e.tick(t, 200.0, || false);
        }
        let at = e.sim().now();
        let shown = (
            *e.sim().metrics(),
            e.sim().trace_hash(),
            e.sim().log().len(),
        );
        // To the end, back to that instant, to the start, and there again.
        e.seek(e.timeline().end());
        assert!(e.sim().finished());
        e.seek(at);
        let again = (
            *e.sim().metrics(),
            e.sim().trace_hash(),
            e.sim().log().len(),
        );
        assert_eq!(again, shown);
        e.restart();
        assert_eq!(e.sim().events(), 0);
        e.seek(at);
        assert_eq!(e.sim().trace_hash(), shown.1);
        // One event back, one forward.
        let n = e.sim().events();
        assert!(e.step_back());
        assert_eq!(e.sim().events(), n - 1);
        assert!(e.step());
        assert_eq!(e.sim().events(), n);
    }

    #[test]
    fn a_bad_config_keeps_the_current_run() {
        let mut e = Engine::new(small("reset")).unwrap();
        e.step();
        let mut bad = e.config().clone();
        bad.hall.rows = 0;
        assert!(e.load(bad).is_err());
        assert_eq!(e.sim().events(), 1);
    }
}
