//! A run you can seek: the whole run computed once, copies of the simulation kept at
//! intervals (checkpoints), and a cursor that plays forward like a [`Sim`] or jumps to
//! any instant or event by re-simulating from the nearest checkpoint before it.
//!
//! Seeking is deterministic re-simulation, so the state after [`Timeline::seek`] is the
//! state a run played from its start reaches at the same position: the same events, the
//! same figures, the same trace hash. Live actions ([`Timeline::act`]) made at a position
//! rewrite the run from there: the actions after it are forgotten, the checkpoints after
//! it are dropped, and the rest of the run is computed again.
//!
//! # Examples
//! ```
//! use driftlab_sim::timeline::{Pos, Timeline};
//! use driftlab_sim::{presets, Sim};
//! let mut cfg = presets::preset("extreme_drift").unwrap();
//! cfg.crowd.customers = 300;
//! let mut tl = Timeline::new(cfg.clone(), &[]).unwrap();
//! let t = cfg.sale.opening() + driftlab_sim::time::SEC * 30;
//! tl.seek(Pos::At(tl.end()));
//! tl.seek(Pos::At(t)); // backwards: from a checkpoint
//! let mut played = Sim::new(cfg).unwrap();
//! played.run_until(t);
//! assert_eq!(tl.sim().trace_hash(), played.trace_hash());
//! ```

use crate::config::{Config, ConfigError};
use crate::ntp_run::{Node, TimeEventKind};
use crate::sim::{Acted, Action, Sim};
use crate::time::Time;
use crate::timesync::Fault;
use crate::truth::AnomalyKind;
use serde::Serialize;

/// A checkpoint is kept every this many events (at least): seeking re-simulates at most
/// this many events, after copying one checkpoint.
pub const CHECKPOINT_EVENTS: u64 = 4096;

/// The most checkpoints kept: past this, every other one is dropped and the spacing
/// doubles, so a long run (each copy holds its whole history so far) stays within a
/// bounded memory, and a seek re-simulates at most about a sixth of the run.
pub const MAX_CHECKPOINTS: usize = 12;

/// A position in the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pos {
    /// Every event up to this true instant processed, the clock at the instant (what
    /// playing to it gives: [`Sim::run_until`]).
    At(Time),
    /// Exactly this many events processed from the start (what stepping gives:
    /// [`Sim::step`] that many times).
    After(u64),
}

/// Something worth a mark on the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mark {
    /// The sale's official opening.
    Opening,
    /// NTP's discipline stepped a clock by `delta_ns`.
    Step {
        /// Whose clock.
        node: Node,
        /// By how much, ns.
        delta_ns: i64,
    },
    /// A fault took effect (configured or injected).
    Fault(Fault),
    /// NTP was switched on or off on a node.
    Ntp {
        /// Where.
        node: Node,
        /// On or off.
        on: bool,
    },
    /// A teacher's edit while the run played: a clock's offset or skew, the gateway's
    /// algorithm or health checks.
    Edit(Action),
    /// An instance crashed, hung, slowed down or restarted (configured or live).
    Instance {
        /// Which (0-based).
        server: u8,
        /// What it became.
        mode: crate::server::Mode,
    },
    /// An anomaly was found.
    Anomaly(AnomalyKind),
}

/// A mark and its true instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    /// True time.
    pub t: Time,
    /// What.
    pub mark: Mark,
}

/// A run that can be played, stepped and sought (see the module's documentation).
#[derive(Clone, Debug)]
pub struct Timeline {
    cfg: Config,
    actions: Vec<Acted>,
    /// Copies of the run at increasing positions; the first is the run at its start.
    checkpoints: Vec<Sim>,
    /// Events between two checkpoints (doubles when they are thinned out).
    spacing: u64,
    cursor: Sim,
    end: Time,
    events: u64,
    markers: Vec<Marker>,
}

impl Timeline {
    /// The run of `cfg` with `actions` (from [`Sim::actions`]), computed to its end once
    /// for its length and marks, with the cursor at the start.
    pub fn new(cfg: Config, actions: &[Acted]) -> Result<Timeline, ConfigError> {
        let start = Sim::with_actions(cfg.clone(), actions)?;
        let mut tl = Timeline {
            cfg,
            actions: actions.to_vec(),
            checkpoints: vec![start.clone()],
            spacing: CHECKPOINT_EVENTS,
            cursor: start,
            end: Time(0),
            events: 0,
            markers: Vec::new(),
        };
        tl.compute_rest();
        Ok(tl)
    }

    /// The run at the cursor.
    pub fn sim(&self) -> &Sim {
        &self.cursor
    }

    /// The scenario.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Every live action of the run, past and future of the cursor.
    pub fn actions(&self) -> &[Acted] {
        &self.actions
    }

    /// The run's first instant.
    pub fn start(&self) -> Time {
        self.checkpoints[0].now()
    }

    /// The instant the run ends: its last event's (every customer done, every message
    /// delivered).
    pub fn end(&self) -> Time {
        self.end
    }

    /// How many events the whole run has.
    pub fn total_events(&self) -> u64 {
        self.events
    }

    /// What happens in the whole run, in true-time order.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// How many checkpoints are kept.
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Plays the cursor forward to `t` (as [`Sim::run_until`]), or to the run's end if
    /// `t` is past it: the clock then stops at the last event's instant, wherever the
    /// frames fell.
    pub fn run_until(&mut self, t: Time) {
        self.cursor.run_until(t.min(self.end));
    }

    /// Plays the cursor towards `t` (or the run's end) as [`Sim::run_until_at_most`]:
    /// stops after about `max_events` events at the end of an instant; true if it
    /// reached `t` (or the end).
    pub fn run_until_at_most(&mut self, t: Time, max_events: u64) -> bool {
        self.cursor.run_until_at_most(t.min(self.end), max_events)
    }

    /// Processes the cursor's next event; false when the run is over.
    pub fn step(&mut self) -> bool {
        self.cursor.step()
    }

    /// Goes back to the position one event earlier (the state after one event fewer);
    /// false at the start.
    pub fn step_back(&mut self) -> bool {
        let n = self.cursor.events();
        if n == 0 {
            return false;
        }
        self.seek(Pos::After(n - 1));
        true
    }

    /// Moves the cursor to `pos` (an instant is held within the run's start and end; a
    /// count of events within the run's): from the cursor if it is on the way, else
    /// from the last checkpoint before `pos`, re-simulating the rest.
    pub fn seek(&mut self, pos: Pos) {
        match pos {
            Pos::At(t) if t <= self.start() => self.cursor = self.checkpoints[0].clone(),
            Pos::At(t) => {
                let t = t.min(self.end);
                // A checkpoint strictly before `t`: running to `t` then processes every
                // event at `t` itself, as playing does.
                let from = self
                    .checkpoints
                    .iter()
                    .rposition(|s| s.now() < t)
                    .unwrap_or(0);
                let ck = &self.checkpoints[from];
                let ahead = self.cursor.now() <= t && self.cursor.events() >= ck.events();
                if !ahead {
                    self.cursor = ck.clone();
                }
                self.cursor.run_until(t);
            }
            Pos::After(n) => {
                let n = n.min(self.events);
                // A checkpoint with fewer events: the last step then sets the clock to
                // the last event's instant, as stepping does.
                let from = self
                    .checkpoints
                    .iter()
                    .rposition(|s| s.events() < n)
                    .unwrap_or(0);
                let ck = &self.checkpoints[from];
                let ahead = self.cursor.events() < n && self.cursor.events() >= ck.events();
                if !ahead {
                    self.cursor = ck.clone();
                }
                while self.cursor.events() < n && self.cursor.step() {}
            }
        }
    }

    /// Does `f` to the run at the cursor (a clock edit, NTP switched, a fault injected:
    /// [`Sim::set_server_offset`], [`Sim::set_ntp`], [`Sim::inject`]…) and returns what
    /// it returns. If `f` recorded a live action, the run is rewritten from the cursor:
    /// the actions after it are forgotten and the rest of the run is computed again.
    pub fn act<R>(&mut self, f: impl FnOnce(&mut Sim) -> R) -> R {
        let before = self.cursor.actions().len();
        let r = f(&mut self.cursor);
        if self.cursor.actions().len() == before {
            return r;
        }
        self.actions = self.cursor.actions().to_vec();
        let new = self.actions.last().expect("an action was recorded");
        let key = (new.after_events, new.at);
        // Only the checkpoints strictly before the action still hold.
        self.checkpoints.retain(|s| (s.events(), s.now()) < key);
        if self.checkpoints.is_empty() {
            let start = Sim::with_actions(self.cfg.clone(), &self.actions)
                .expect("the run's config and actions were validated");
            self.checkpoints.push(start);
        }
        for s in &mut self.checkpoints {
            s.replay_from(&self.actions);
        }
        self.cursor.replay_from(&self.actions);
        self.compute_rest();
        r
    }

    /// Runs a copy of the cursor to the end, keeping checkpoints on the way (after the
    /// last one kept), and takes the run's end (its last event's instant), length and
    /// marks from it.
    fn compute_rest(&mut self) {
        let mut s = self.cursor.clone();
        let mut last = self.checkpoints.last().map_or(0, Sim::events);
        while s.step() {
            if s.events() >= last + self.spacing && !s.finished() {
                last = s.events();
                self.checkpoints.push(s.clone());
                if self.checkpoints.len() > MAX_CHECKPOINTS {
                    // Keep the start and every other one after it.
                    let mut k = 0;
                    self.checkpoints.retain(|_| {
                        k += 1;
                        k % 2 == 1
                    });
                    self.spacing *= 2;
                    last = self.checkpoints.last().map_or(0, Sim::events);
                }
            }
        }
        self.end = s.now();
        self.events = s.events();
        self.markers = markers(&s);
    }
}

/// The marks of a finished run, in true-time order.
fn markers(s: &Sim) -> Vec<Marker> {
    let mut out = vec![Marker {
        t: s.config().sale.opening(),
        mark: Mark::Opening,
    }];
    for e in &s.truth().time_events {
        let mark = match &e.what {
            TimeEventKind::Stepped(d) => Mark::Step {
                node: e.node,
                delta_ns: *d,
            },
            TimeEventKind::Fault(f) => Mark::Fault(f.clone()),
            TimeEventKind::Switched(on) => Mark::Ntp {
                node: e.node,
                on: *on,
            },
            _ => continue,
        };
        out.push(Marker { t: e.t, mark });
    }
    for f in &s.config().instances.faults {
        out.push(Marker {
            t: Time::from_secs_f64(f.at_s).max(s.config().sale.start()),
            mark: Mark::Instance {
                server: (f.server - 1) as u8,
                mode: f.mode(),
            },
        });
    }
    for a in s.actions() {
        let mark = match a.action {
            Action::SetOffset { .. }
            | Action::SetSkew { .. }
            | Action::Balance { .. }
            | Action::Checks { .. } => Mark::Edit(a.action.clone()),
            Action::Instance { server, mode } => Mark::Instance {
                server: server as u8,
                mode,
            },
            _ => continue,
        };
        out.push(Marker { t: a.at, mark });
    }
    for a in &s.truth().anomalies {
        out.push(Marker {
            t: a.t,
            mark: Mark::Anomaly(a.kind),
        });
    }
    crate::order::sort_by_key(&mut out, |m| m.t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::time::{MS, SEC};

    fn cfg(preset: &str, customers: u32) -> Config {
        let mut c = presets::preset(preset).unwrap();
        c.crowd.customers = customers;
        c
    }

    /// What a run shows at a position, independent of how it got there.
    fn state(s: &Sim) -> (Time, u64, String, crate::metrics::Metrics, usize, bool) {
        (
            s.now(),
            s.events(),
            s.trace_hash(),
            *s.metrics(),
            s.log().len(),
            s.finished(),
        )
    }

    /// Plays a fresh run to `t` the way the app does: frames of uneven length.
    fn played(c: &Config, actions: &[Acted], t: Time) -> Sim {
        let mut s = Sim::with_actions(c.clone(), actions).unwrap();
        let mut k = 0;
        while s.now() < t && !s.finished() {
            k += 1;
            let next = (s.now() + (k % 7 + 1) * 97 * MS).min(t);
            s.run_until(next);
        }
        s
    }

    #[test]
    fn seeking_an_instant_gives_the_state_playing_reaches() {
        let c = cfg("extreme_drift", 600);
        let mut tl = Timeline::new(c.clone(), &[]).unwrap();
        assert!(tl.checkpoints() > 1, "a run of this size keeps checkpoints");
        let open = c.sale.opening();
        // Forwards, backwards, onto an event's instant, from the end.
        let instants = [
            open + 45 * SEC,
            open + 5 * SEC,
            open + 200 * SEC + 3 * MS,
            tl.end(),
            c.sale.start(),
            open + 5 * SEC,
        ];
        for t in instants {
            tl.seek(Pos::At(t));
            assert_eq!(state(tl.sim()), state(&played(&c, &[], t)), "at {t:?}");
        }
    }

    #[test]
    fn a_long_run_keeps_a_bounded_number_of_checkpoints() {
        // Enough events for more than twelve checkpoints without thinning.
        let c = cfg("extreme_drift", 30_000);
        let mut tl = Timeline::new(c.clone(), &[]).unwrap();
        assert!(tl.total_events() > (MAX_CHECKPOINTS as u64 + 2) * CHECKPOINT_EVENTS);
        assert!(tl.checkpoints() <= MAX_CHECKPOINTS);
        assert!(tl.spacing > CHECKPOINT_EVENTS);
        let evs: Vec<u64> = tl.checkpoints.iter().map(Sim::events).collect();
        assert_eq!(evs[0], 0);
        assert!(evs.windows(2).all(|w| w[0] < w[1]));
        let t = c.sale.opening() + 123 * SEC;
        tl.seek(Pos::At(tl.end()));
        tl.seek(Pos::At(t));
        assert_eq!(state(tl.sim()), state(&played(&c, &[], t)));
    }

    #[test]
    fn seeking_a_count_of_events_gives_the_state_stepping_reaches() {
        let c = cfg("major_drift", 300);
        let mut tl = Timeline::new(c.clone(), &[]).unwrap();
        for n in [5000u64, 10, 0, 4096, 4097, 1234] {
            tl.seek(Pos::After(n));
            let mut s = Sim::new(c.clone()).unwrap();
            for _ in 0..n {
                s.step();
            }
            assert_eq!(state(tl.sim()), state(&s), "after {n} events");
        }
        // One back then one forward is where it started.
        let here = state(tl.sim());
        assert!(tl.step_back());
        assert_eq!(tl.sim().events(), 1233);
        tl.step();
        assert_eq!(state(tl.sim()), here);
    }

    #[test]
    fn the_whole_run_is_known_from_the_start() {
        let c = cfg("extreme_drift", 400);
        let tl = Timeline::new(c.clone(), &[]).unwrap();
        let mut s = Sim::new(c.clone()).unwrap();
        s.run();
        assert_eq!(tl.end(), s.now());
        assert!(s.finished());
        assert_eq!(tl.total_events(), s.events());
        assert_eq!(tl.sim().events(), 0, "the cursor waits at the start");
        // Playing past the end stops at the last event, as the whole run does.
        let mut tl2 = tl.clone();
        tl2.run_until(tl.end() + 100 * SEC);
        assert!(tl2.sim().finished());
        assert_eq!(tl2.sim().now(), s.now());
        assert_eq!(tl2.sim().trace_hash(), s.trace_hash());
        // The opening is 10:00:00; every wrong winner is marked at its instant.
        let opening = tl
            .markers()
            .iter()
            .find(|m| m.mark == Mark::Opening)
            .unwrap();
        assert_eq!(opening.t, Time::from_secs_f64(36_000.0));
        let wrong = |m: &&Marker| m.mark == Mark::Anomaly(AnomalyKind::WrongWinner);
        assert_eq!(
            tl.markers().iter().filter(wrong).count() as u64,
            s.metrics().wrong_winners
        );
        assert!(tl.markers().windows(2).all(|w| w[0].t <= w[1].t));
    }

    #[test]
    fn an_action_rewrites_the_run_from_where_it_is_made() {
        let c = cfg("extreme_drift", 500);
        let mut tl = Timeline::new(c.clone(), &[]).unwrap();
        let t1 = c.sale.opening() + 20 * SEC;
        let t2 = c.sale.opening() + 90 * SEC;
        // Edit at t2, then go back to t1 and do something else: the edit at t2 is
        // forgotten, only the one at t1 remains.
        tl.seek(Pos::At(t2));
        tl.act(|s| s.set_server_offset(1, 0));
        tl.seek(Pos::At(t1));
        tl.act(|s| s.set_ntp(2, true));
        assert_eq!(tl.actions().len(), 1);
        assert!(matches!(
            tl.actions()[0].action,
            Action::Ntp {
                server: 2,
                on: true
            }
        ));
        // The rest of the run is the one a run replaying that one action gives.
        let mut full = Sim::with_actions(c.clone(), tl.actions()).unwrap();
        full.run();
        assert_eq!(tl.total_events(), full.events());
        tl.seek(Pos::At(tl.end()));
        assert_eq!(tl.sim().trace_hash(), full.trace_hash());
        // Seeking anywhere, before or after the action, matches playing with it.
        for t in [t1 - 3 * SEC, t1, t2, t1 + 300 * SEC] {
            tl.seek(Pos::At(t));
            assert_eq!(
                state(tl.sim()),
                state(&played(&c, tl.actions(), t)),
                "at {t:?}"
            );
        }
        let ntp = |m: &&Marker| matches!(m.mark, Mark::Ntp { on: true, .. });
        assert_eq!(tl.markers().iter().filter(ntp).count(), 1);
    }

    #[test]
    fn playing_a_few_events_at_a_time_stops_between_instants_where_playing_reaches() {
        // A run with a live action in it (NTP on at 30 s), played as the app's frames
        // do with a cap on events: each stop is a state that playing to its instant
        // reaches, and a call runs past the cap only to finish its last instant.
        let c = cfg("extreme_drift", 500);
        let mut first = Timeline::new(c.clone(), &[]).unwrap();
        first.seek(Pos::At(c.sale.opening() + 30 * SEC));
        first.act(|s| s.set_ntp(1, true));
        let actions = first.actions().to_vec();
        let mut tl = Timeline::new(c.clone(), &actions).unwrap();
        let target = c.sale.opening() + 60 * SEC;
        let (mut stops, mut checked) = (0, 0);
        loop {
            let before = tl.sim().events();
            let reached = tl.run_until_at_most(target, 37);
            let ran = tl.sim().events() - before;
            let now = tl.sim().now();
            if ran > 37 {
                // Only events of the instant it stopped at come after the 37th.
                let mut s = played(&c, &actions, now - 1);
                let at_now = tl.sim().events() - s.events();
                assert!(ran - 37 < at_now, "ran {ran}: {at_now} events at {now:?}");
                s.run_until(now);
                assert_eq!(state(tl.sim()), state(&s));
            }
            if reached {
                break;
            }
            stops += 1;
            assert!(now < target);
            // Checking every stop replays the run each time: one in 40 is plenty.
            if stops % 40 == 1 {
                assert_eq!(
                    state(tl.sim()),
                    state(&played(&c, &actions, now)),
                    "{now:?}"
                );
                checked += 1;
            }
        }
        assert!(stops > 100 && checked > 2, "{stops} stops");
        assert_eq!(tl.sim().now(), target);
        assert_eq!(state(tl.sim()), state(&played(&c, &actions, target)));
    }

    #[test]
    fn an_edit_at_the_start_and_a_refused_fault() {
        let c = cfg("reset", 200);
        let mut tl = Timeline::new(c.clone(), &[]).unwrap();
        let plain = tl.total_events();
        tl.act(|s| s.set_server_offset(0, 5 * SEC));
        assert_eq!(tl.actions().len(), 1);
        assert_eq!(tl.checkpoints[0].events(), 0);
        tl.seek(Pos::At(tl.end()));
        let mut full = Sim::with_actions(c.clone(), tl.actions()).unwrap();
        full.run();
        assert_eq!(tl.sim().trace_hash(), full.trace_hash());
        assert!(tl.total_events() > 0 && plain > 0);
        // A fault naming a server that does not exist changes nothing.
        let bad = Fault::ClockBump {
            server: 9,
            delta_ms: 1.0,
            at_s: 0.0,
        };
        assert!(tl.act(|s| s.inject(bad)).is_err());
        assert_eq!(tl.actions().len(), 1);
    }
}
