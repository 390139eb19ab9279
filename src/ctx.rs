//! The app's shared handles: the signals the panels read ([`Ui`]) and the engine
//! behind them, with the actions the controls call ([`Ctx`]).
//!
//! The simulation lives in a `StoredValue`, outside the reactive graph; after every
//! change [`Ctx::publish`] copies what the panels show into a few signals, each set
//! only when its value changed, so a paused view stays still.

use crate::engine::{Engine, Stats, SPEEDS};
use crate::i18n::{Lang, Txt};
use crate::scenario::{self, Field};
use driftlab_sim::log::LogRecord;
use driftlab_sim::metrics::Metrics;
use driftlab_sim::snapshot::{SeatStory, SeatView, ServerView};
use driftlab_sim::{Config, Policy, Time};
use leptos::prelude::*;

/// Log lines the event log shows.
pub const LOG_ROWS: usize = 25;

/// While playing, refresh [`Stats`] (a scan of every request) every this many frames.
const STATS_EVERY: u32 = 12;
/// While playing, refresh the event log every this many frames: at high speed its lines
/// change faster than anyone can read, and rebuilding them is the costliest DOM work.
const LOG_EVERY: u32 = 10;
/// While playing, update at most this many seats a frame: when the doors open, hundreds
/// change in one frame at ×1000; spreading them over a few frames keeps each smooth.
const SEATS_PER_FRAME: usize = 80;
// A playing frame does at most one of the costly jobs: the log (frames 0, 10, 20…),
// the stats (frames 5, 35…), or one chart (odd frames otherwise: each chart is
// redrawn about ten times a second at most).

/// The clocks and counters of one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// True time.
    pub now: Time,
    /// The simulation's first instant.
    pub start: Time,
    /// The official opening.
    pub opening: Time,
    /// Whether the run is over.
    pub finished: bool,
    /// Events processed.
    pub events: u64,
    /// One per server.
    pub servers: Vec<ServerView>,
}

/// The hall as the grid draws it: one signal per seat, so that a frame touches only
/// the seats that changed (one signal read by a thousand cells would make every frame
/// re-subscribe a thousand readers).
#[derive(Clone, Debug, Default)]
pub struct Seats {
    /// Rows.
    pub rows: u32,
    /// Seats per row.
    pub cols: u32,
    /// Seats, row by row.
    pub cells: Vec<ArcRwSignal<SeatView>>,
}

impl Seats {
    /// Updates at most `limit` seats from a snapshot's. `None` if the hall's size
    /// changed (nothing was updated: build new seats), else whether seats were left
    /// for a later frame.
    fn update(&self, rows: u32, cols: u32, views: &[SeatView], limit: usize) -> Option<bool> {
        if (self.rows, self.cols) != (rows, cols) || self.cells.len() != views.len() {
            return None;
        }
        let mut left = limit;
        for (cell, v) in self.cells.iter().zip(views) {
            if cell.with_untracked(|old| old != v) {
                if left == 0 {
                    return Some(true);
                }
                left -= 1;
                cell.set(*v);
            }
        }
        Some(false)
    }
}

/// Every signal the panels read. `Copy`: pass it around freely.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The language.
    pub lang: RwSignal<Lang>,
    /// Whether the frame loop advances the run.
    pub playing: RwSignal<bool>,
    /// Index into [`SPEEDS`].
    pub speed: RwSignal<usize>,
    /// Clocks and server cards.
    pub frame: RwSignal<Frame>,
    /// The seat grid.
    pub seats: RwSignal<Seats>,
    /// The counters.
    pub metrics: RwSignal<Metrics>,
    /// Response times, spread, consistency.
    pub stats: RwSignal<Stats>,
    /// The event log's visible lines, newest first, with their index in the log.
    pub log: RwSignal<Vec<(usize, LogRecord)>>,
    /// The log's filter.
    pub anomalies_only: RwSignal<bool>,
    /// Bumped when a chart has something new to draw, one per [`ChartKind`]
    /// (`chart_rev[kind as usize]`).
    pub chart_rev: [RwSignal<u64>; 3],
    /// The seat whose story is shown.
    pub selected: RwSignal<Option<u32>>,
    /// That seat's story.
    pub story: RwSignal<Option<SeatStory>>,
    /// The scenario (what the fields show).
    pub scenario: RwSignal<Config>,
    /// Bumped at every new run or restart.
    pub run: RwSignal<u64>,
    /// Whether the help overlay is open.
    pub help: RwSignal<bool>,
}

/// Bookkeeping of the publishing, outside the graph.
#[derive(Default)]
struct Seen {
    /// Frames published while playing.
    frames: u32,
    /// History samples the charts have seen.
    history_len: usize,
    /// Charts with new samples not drawn yet.
    charts_due: [bool; 3],
    /// The chart to draw next: while playing, one chart per frame, in turn, so that no
    /// frame draws all three.
    next_chart: usize,
    /// Whether a panel was left behind by a frame while playing.
    stale: bool,
}

/// The shared handle: signals plus the engine. `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The signals.
    pub ui: Ui,
    engine: StoredValue<Engine, LocalStorage>,
    seen: StoredValue<Seen, LocalStorage>,
}

/// The app's context (panics outside the app: a programming error).
pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    /// A context for a run of `cfg`, paused at its start, speaking `lang`.
    pub fn new(cfg: Config, lang: Lang, speed: usize) -> Ctx {
        let engine = Engine::new(cfg.clone()).expect("the initial config is valid");
        let ctx = Ctx {
            ui: Ui {
                lang: RwSignal::new(lang),
                playing: RwSignal::new(false),
                speed: RwSignal::new(speed.min(SPEEDS.len() - 1)),
                frame: RwSignal::new(Frame::default()),
                seats: RwSignal::new(Seats::default()),
                metrics: RwSignal::new(Metrics::default()),
                stats: RwSignal::new(Stats::default()),
                log: RwSignal::new(Vec::new()),
                anomalies_only: RwSignal::new(false),
                chart_rev: [RwSignal::new(0), RwSignal::new(0), RwSignal::new(0)],
                selected: RwSignal::new(None),
                story: RwSignal::new(None),
                scenario: RwSignal::new(cfg),
                run: RwSignal::new(0),
                help: RwSignal::new(false),
            },
            engine: StoredValue::new_local(engine),
            seen: StoredValue::new_local(Seen::default()),
        };
        ctx.publish(true);
        ctx
    }

    /// `key` in the current language (tracked: call it inside a reactive closure).
    pub fn t(self, key: Txt) -> &'static str {
        self.ui.lang.get().t(key)
    }

    /// Runs `f` on the engine; `None` once the app is gone.
    pub fn with_engine<R>(self, f: impl FnOnce(&Engine) -> R) -> Option<R> {
        self.engine.try_with_value(f)
    }

    fn update_engine<R>(self, f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
        self.engine.try_update_value(f)
    }

    /// One animation frame at `now_ms`: advances the run if playing, within a budget of
    /// `budget_ms`, then publishes. Returns false once the app is gone (the loop stops).
    pub fn frame(self, now_ms: f64, budget_ms: f64) -> bool {
        let Some(playing) = self.ui.playing.try_get_untracked() else {
            return false;
        };
        if !playing {
            // A frame while playing may leave some panels a few frames behind; the
            // first frame after a pause brings them all up to date.
            if self.seen.try_update_value(|s| std::mem::take(&mut s.stale)) == Some(true) {
                self.publish(true);
            }
            return self.update_engine(Engine::pause).is_some();
        }
        let speed = SPEEDS[self.ui.speed.get_untracked()];
        let deadline = now() + budget_ms;
        let Some((moved, finished)) = self.update_engine(|e| {
            let moved = e.tick(now_ms, speed, || now() > deadline);
            (moved, e.sim().finished())
        }) else {
            return false;
        };
        if finished {
            self.ui.playing.set(false);
        }
        if moved || finished {
            self.publish(finished);
        }
        true
    }

    /// Copies the run's state into the signals. `full` refreshes everything now (a
    /// pause, a step, a new run); otherwise (a frame while playing) the costlier panels
    /// are refreshed every few frames and the charts one per frame.
    pub fn publish(self, full: bool) {
        let ui = self.ui;
        let Some(frame) = self.seen.try_update_value(|s| {
            s.frames = s.frames.wrapping_add(1);
            s.frames
        }) else {
            return;
        };
        let log = full || frame % LOG_EVERY == 0;
        let stats = full || frame % STATS_EVERY == LOG_EVERY / 2;
        let chart_slot = !(log || stats) && frame % 2 == 1;
        let anomalies_only = ui.anomalies_only.get_untracked();
        let selected = ui.selected.get_untracked();
        let Some((snap, log, story, history_len, st)) = self.with_engine(|e| {
            let sim = e.sim();
            (
                sim.snapshot(),
                log.then(|| e.log_rows(anomalies_only, LOG_ROWS)),
                selected.and_then(|s| sim.seat_story(s)),
                sim.history().t.len(),
                stats.then(|| e.stats()),
            )
        }) else {
            return;
        };
        let frame = Frame {
            now: snap.now,
            start: snap.start,
            opening: snap.opening,
            finished: snap.finished,
            events: snap.events,
            servers: snap.servers,
        };
        set_if_changed(ui.frame, frame);
        let (rows, cols) = (snap.rows, snap.cols);
        let limit = if full { usize::MAX } else { SEATS_PER_FRAME };
        // Seats left for later frames are caught up by the next ones (the frame after a
        // pause publishes in full).
        let updated = ui
            .seats
            .with_untracked(|s| s.update(rows, cols, &snap.seats, limit));
        if updated.is_none() {
            ui.seats.set(Seats {
                rows,
                cols,
                cells: snap.seats.into_iter().map(ArcRwSignal::new).collect(),
            });
        }
        set_if_changed(ui.metrics, snap.metrics);
        if let Some(log) = log {
            set_if_changed(ui.log, log);
        }
        set_if_changed(ui.story, story);
        if let Some(st) = st {
            set_if_changed(ui.stats, st);
        }
        let draw = self.seen.try_update_value(|s| {
            s.stale = !full;
            if std::mem::replace(&mut s.history_len, history_len) != history_len {
                s.charts_due = [true; 3];
            }
            let mut draw = [false; 3];
            if full {
                draw = std::mem::take(&mut s.charts_due);
            } else if let Some(k) = (0..3)
                .map(|k| (s.next_chart + k) % 3)
                .find(|&k| chart_slot && s.charts_due[k])
            {
                s.charts_due[k] = false;
                s.next_chart = (k + 1) % 3;
                draw[k] = true;
            }
            draw
        });
        for (k, due) in draw.unwrap_or_default().into_iter().enumerate() {
            if due {
                ui.chart_rev[k].update(|r| *r += 1);
            }
        }
    }

    fn after_new_run(self) {
        let ui = self.ui;
        if let Some(cfg) = self.with_engine(|e| e.config().clone()) {
            set_if_changed(ui.scenario, cfg);
        }
        ui.run.update(|r| *r += 1);
        for rev in ui.chart_rev {
            rev.update(|r| *r += 1);
        }
        self.publish(true);
    }

    /// Play or pause.
    pub fn toggle_play(self) {
        let finished = self.with_engine(|e| e.sim().finished()).unwrap_or(true);
        if finished && !self.ui.playing.get_untracked() {
            // Play at the end of a run replays it.
            self.restart();
        }
        self.ui.playing.update(|p| *p = !*p);
    }

    /// Pauses and processes exactly one event.
    pub fn step(self) {
        self.ui.playing.set(false);
        self.update_engine(|e| e.step());
        self.publish(true);
    }

    /// The same scenario from its start, paused.
    pub fn restart(self) {
        self.ui.playing.set(false);
        self.update_engine(Engine::restart);
        self.after_new_run();
    }

    /// A new run of `cfg`, paused; refused (nothing changes) if `cfg` is invalid.
    pub fn load(self, cfg: Config) -> Result<(), String> {
        match self.update_engine(|e| e.load(cfg)) {
            Some(Ok(())) => {
                self.ui.playing.set(false);
                self.ui.selected.set(None);
                self.after_new_run();
                Ok(())
            }
            Some(Err(e)) => Err(e.to_string()),
            None => Err("the app is gone".into()),
        }
    }

    /// Loads preset `name`, keeping the bar's settings.
    pub fn preset(self, name: &str) {
        let cfg = self.ui.scenario.get_untracked();
        if let Ok(c) = scenario::with_preset(&cfg, name) {
            let _ = self.load(c);
        }
    }

    /// A new run with another policy.
    pub fn policy(self, policy: Policy) {
        let cfg = self.ui.scenario.get_untracked();
        let _ = self.load(scenario::with_policy(&cfg, policy));
    }

    /// Applies a scenario field's text: a new run, or the message refusing it.
    pub fn field(self, field: Field, text: &str) -> Result<(), Txt> {
        let cfg = self.ui.scenario.get_untracked();
        let new = field.apply(&cfg, text)?;
        if new != cfg {
            self.load(new).map_err(|_| field.error())?;
        }
        Ok(())
    }

    /// Moves server `i`'s clock now (and in the scenario).
    pub fn set_offset(self, i: usize, offset_s: f64) {
        self.update_engine(|e| e.set_offset(i, offset_s));
        self.after_clock_edit();
    }

    /// Sets server `i`'s skew now (and in the scenario).
    pub fn set_skew(self, i: usize, ppm: f64) {
        self.update_engine(|e| e.set_skew(i, ppm));
        self.after_clock_edit();
    }

    /// Switches NTP on or off now on server `i`, or on every server if `None`.
    pub fn set_ntp(self, i: Option<usize>, on: bool) {
        self.update_engine(|e| {
            for k in 0..e.config().servers.len() {
                if i.is_none_or(|i| i == k) {
                    e.set_ntp(k, on);
                }
            }
        });
        self.publish(true);
    }

    /// Injects a fault into the running sale; the core's reason if it is refused.
    pub fn inject(self, fault: driftlab_sim::timesync::Fault) -> Result<(), String> {
        let r = self
            .update_engine(|e| e.inject(fault))
            .unwrap_or(Ok(()))
            .map_err(|e| e.to_string());
        self.publish(true);
        r
    }

    fn after_clock_edit(self) {
        if let Some(cfg) = self.with_engine(|e| e.config().clone()) {
            self.ui.scenario.set(cfg);
        }
        self.publish(true);
    }

    /// Shows the story of `seat`.
    pub fn select(self, seat: u32) {
        if self.ui.selected.get_untracked() != Some(seat) {
            self.ui.selected.set(Some(seat));
            let story = self.with_engine(|e| e.sim().seat_story(seat)).flatten();
            self.ui.story.set(story);
        }
    }

    /// Filters the log to anomalies, or not.
    pub fn set_anomalies_only(self, on: bool) {
        self.ui.anomalies_only.set(on);
        self.publish(true);
    }
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(s: RwSignal<T>, v: T) {
    if s.with_untracked(|old| *old != v) {
        s.set(v);
    }
}

/// A monotonic clock in ms (the frame's budget); 0 outside a browser.
fn now() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        window().performance().map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}
