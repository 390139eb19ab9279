//! The app's shared handles: the signals every panel may read ([`Ui`]), the engine
//! behind them with the actions the controls call, and the feeds through which each
//! panel reads the run ([`Ctx::feed`]).
//!
//! The simulation lives in a `StoredValue`, outside the reactive graph. After every
//! frame that moved the run, and after every action, [`Ctx`] runs a pass over the
//! registered feeds ([`crate::feed`]): each panel copies what it shows into its own
//! signals, at its own cadence, each signal set only when its value changed, so a
//! paused view stays still.

use crate::engine::{Engine, SPEEDS};
use crate::feed::{Cadence, Feeds, Job, Source, Spec};
use crate::i18n::{Lang, Txt};
use crate::panels::timeline::data::{self as track, Track};
use crate::scenario::{self, Field};
use crate::view::View;
use driftlab_sim::{Acted, Config, Policy, Time};
use leptos::prelude::*;

/// The run's clock and counters: what the playback bar and the empty states read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clock {
    /// True time.
    pub now: Time,
    /// Whether the run is over.
    pub finished: bool,
    /// Events processed.
    pub events: u64,
}

/// The signals any panel may read. `Copy`: pass it around freely.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The language.
    pub lang: RwSignal<Lang>,
    /// Whether the frame loop advances the run.
    pub playing: RwSignal<bool>,
    /// Index into [`SPEEDS`].
    pub speed: RwSignal<usize>,
    /// The run's clock, read every frame.
    pub clock: RwSignal<Clock>,
    /// The scenario (what the fields show).
    pub scenario: RwSignal<Config>,
    /// Bumped at every new run or restart.
    pub run: RwSignal<u64>,
    /// Whether the help overlay is open.
    pub help: RwSignal<bool>,
    /// Bumped on every window resize (see [`crate::chart::listen_resize`]).
    pub resized: RwSignal<u32>,
    /// The view on screen (part of the URL).
    pub view: RwSignal<View>,
    /// The whole run's span and marks, for the timeline (set at every new run and
    /// every live action, which rewrites the run's future).
    pub track: RwSignal<Track>,
    /// The seat selected in the hall (its story shown), shared so that another view
    /// (Why?: an anomaly's seat) can select it; a new run forgets it.
    pub seat: RwSignal<Option<u32>>,
    /// Projector mode: larger text and figures, for the back of a classroom (part of
    /// the URL; see [`Ctx::set_projector`]).
    pub projector: RwSignal<bool>,
}

/// The shared handle: signals, the engine and the feeds. `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The signals.
    pub ui: Ui,
    engine: StoredValue<Engine, LocalStorage>,
    feeds: StoredValue<Feeds, LocalStorage>,
}

/// A panel's handle on one of its feeds: the value's signal, and a way to read it again
/// now (when the panel's own filter or selection changed). `Copy`.
pub struct Feed<T: 'static> {
    value: RwSignal<T>,
    id: u64,
    ctx: Ctx,
}

impl<T> Clone for Feed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Feed<T> {}

impl<T: Send + Sync + 'static> Feed<T> {
    /// The value, as a read-only signal (set only when it changed).
    pub fn signal(self) -> ReadSignal<T> {
        self.value.read_only()
    }

    /// Reads the feed now, whatever its cadence.
    pub fn refresh(self) {
        self.ctx.refresh_one(self.id);
    }
}

/// Sets or removes `data-projector` on the page's root element (`<html>`), which
/// style/projector.css follows (its root font size scales every `rem`).
pub fn mark_projector(on: bool) {
    if let Some(root) = document().document_element() {
        let _ = if on {
            root.set_attribute("data-projector", "on")
        } else {
            root.remove_attribute("data-projector")
        };
    }
}

/// The app's context (panics outside the app: a programming error).
pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    /// A context for a run of `cfg`, paused at its start, speaking `lang`, showing
    /// `view`.
    pub fn new(cfg: Config, actions: &[Acted], lang: Lang, speed: usize, view: View) -> Ctx {
        let engine =
            Engine::with_actions(cfg.clone(), actions).expect("the initial config is valid");
        let first_track = track::track(engine.timeline());
        let ctx = Ctx {
            ui: Ui {
                lang: RwSignal::new(lang),
                playing: RwSignal::new(false),
                speed: RwSignal::new(speed.min(SPEEDS.len() - 1)),
                clock: RwSignal::new(Clock::default()),
                scenario: RwSignal::new(cfg),
                run: RwSignal::new(0),
                help: RwSignal::new(false),
                resized: RwSignal::new(0),
                view: RwSignal::new(view),
                track: RwSignal::new(first_track),
                seat: RwSignal::new(None),
                projector: RwSignal::new(false),
            },
            engine: StoredValue::new_local(engine),
            feeds: StoredValue::new_local(Feeds::default()),
        };
        let clock = ctx.ui.clock;
        ctx.sink(
            Spec::new(Cadence::EveryFrame),
            Box::new(move |src: &Source| {
                let sim = src.sim();
                let now = Clock {
                    now: sim.now(),
                    finished: sim.finished(),
                    events: sim.events(),
                };
                set_if_changed(clock, now);
            }),
        );
        ctx.refresh();
        ctx
    }

    /// `key` in the current language (tracked: call it inside a reactive closure).
    pub fn t(self, key: Txt) -> &'static str {
        self.ui.lang.get().t(key)
    }

    /// `key` in the current language, kept up to date where a view shows it (as
    /// `move || ctx.t(key)`). Every text shown this way is one closure type, so the
    /// view code (Leptos' `Render` and attribute implementations) exists once for all
    /// of them instead of once per text: the bundle's size.
    pub fn tr(self, key: Txt) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.ui.lang;
        move || lang.get().t(key)
    }

    /// Runs `f` on the engine; `None` once the app is gone.
    pub fn with_engine<R>(self, f: impl FnOnce(&Engine) -> R) -> Option<R> {
        self.engine.try_with_value(f)
    }

    fn update_engine<R>(self, f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
        self.engine.try_update_value(f)
    }

    /// Registers a feed: `read` copies what a panel shows out of the run, at the pace
    /// `spec` declares, into the returned signal, set only when the value changed. Read
    /// once now for the initial value; unregistered with the calling component.
    pub fn feed<T>(self, spec: Spec, read: impl Fn(&Source) -> T + 'static) -> Feed<T>
    where
        T: PartialEq + Send + Sync + 'static,
    {
        let first = self
            .with_engine(|e| read(&Source::new(e.sim(), 0, false)))
            .expect("a feed is registered while the app is alive");
        let value = RwSignal::new(first);
        let id = self.sink(
            spec,
            Box::new(move |src: &Source| set_if_changed(value, read(src))),
        );
        // The key and cadence count from this first read.
        self.with_feeds_out(|feeds, sim| feeds.mark(id, sim));
        Feed {
            value,
            id,
            ctx: self,
        }
    }

    /// Registers a feed that writes its own signals (the hall's seats, a signal each);
    /// returns its id. Unregistered with the calling component.
    pub fn sink(self, spec: Spec, job: Job) -> u64 {
        let id = self
            .feeds
            .try_update_value(|f| f.add(spec, job))
            .unwrap_or_default();
        let feeds = self.feeds;
        on_cleanup(move || {
            feeds.try_update_value(|f| f.remove(id));
        });
        id
    }

    /// Reads feed `id` now, whatever its cadence and key.
    pub fn refresh_one(self, id: u64) {
        self.with_feeds_out(|feeds, sim| {
            feeds.refresh(id, sim);
        });
    }

    /// Runs `f` on the feeds taken out of the registry (see [`Feeds::take`]) and the
    /// run; does nothing once the app is gone.
    fn with_feeds_out(self, f: impl FnOnce(&mut Feeds, &driftlab_sim::Sim)) {
        let Some(mut taken) = self.feeds.try_update_value(Feeds::take) else {
            return;
        };
        self.with_engine(|e| f(&mut taken, e.sim()));
        self.feeds.try_update_value(|during| during.absorb(taken));
    }

    /// The work of the animation frame at `now_ms` (done in a task after the frame is
    /// drawn: [`crate::frame`]): advances the run if playing, within a budget of
    /// `budget_ms`, then runs the feeds. Returns false once the app is gone (the loop
    /// stops).
    pub fn frame(self, now_ms: f64, budget_ms: f64) -> bool {
        let Some(playing) = self.ui.playing.try_get_untracked() else {
            return false;
        };
        if !playing {
            // A frame while playing leaves some feeds a few frames behind; the first
            // frame after a pause brings them all up to date.
            if self.feeds.try_update_value(Feeds::take_stale) == Some(true) {
                self.refresh();
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
            self.with_feeds_out(|feeds, sim| feeds.pass(sim, !finished));
        }
        true
    }

    /// Reads every feed now (a full pass): after a pause, a step, a new run, an edit.
    pub fn refresh(self) {
        self.with_feeds_out(|feeds, sim| feeds.pass(sim, false));
    }

    fn after_new_run(self) {
        let ui = self.ui;
        if let Some(cfg) = self.with_engine(|e| e.config().clone()) {
            set_if_changed(ui.scenario, cfg);
        }
        ui.run.update(|r| *r += 1);
        set_if_changed(ui.seat, None);
        self.update_track();
        self.feeds.try_update_value(Feeds::new_run);
        self.refresh();
    }

    /// The run's span and marks changed (a new run, a live action): the timeline's too.
    fn update_track(self) {
        if let Some(t) = self.with_engine(|e| track::track(e.timeline())) {
            set_if_changed(self.ui.track, t);
        }
    }

    /// Pauses and shows the run at true time `t` (held within the run): re-simulated
    /// from the last checkpoint before it, the state playing to `t` reaches.
    pub fn seek(self, t: Time) {
        self.ui.playing.set(false);
        self.update_engine(|e| e.seek(t));
        self.after_seek();
    }

    /// Pauses and goes back one event.
    pub fn step_back(self) {
        self.ui.playing.set(false);
        self.update_engine(Engine::step_back);
        self.after_seek();
    }

    /// Pauses and jumps to the next mark of the timeline (`forward`) or the previous.
    pub fn jump(self, forward: bool) {
        let now = self.ui.clock.with_untracked(|c| c.now);
        let target = self
            .ui
            .track
            .with_untracked(|tr| tr.next_tick(now, forward));
        match target {
            Some(t) => self.seek(t),
            None if forward => self.seek(self.ui.track.with_untracked(|tr| tr.end)),
            None => self.restart(),
        }
    }

    fn after_seek(self) {
        // The run went elsewhere: every keyed feed reads again.
        self.feeds.try_update_value(Feeds::new_run);
        self.refresh();
    }

    /// Selects `seat` in the hall, moves the timeline to `t` and opens the hall: where
    /// the Why? view sends an anomaly's seat.
    pub fn show_seat(self, seat: u32, t: Time) {
        self.ui.seat.set(Some(seat));
        self.seek(t);
        self.open(View::Hall);
    }

    /// Shows `view`, and records it in the URL (the browser's Back returns).
    pub fn open(self, view: View) {
        if self.ui.view.get_untracked() != view {
            self.ui.view.set(view);
            crate::url::push_view(view);
        }
    }

    /// Turns projector mode on or off: the page's root element takes `data-projector`
    /// (style/projector.css: larger text, secondary detail folded away) before the
    /// signal changes, so that the charts, told by [`Ui::resized`], measure the new
    /// layout and draw their text and lines larger at the canvas's own resolution. The
    /// URL keeps it (`projector=on`; off is the default and leaves the link as it was).
    pub fn set_projector(self, on: bool) {
        mark_projector(on);
        if self.ui.projector.get_untracked() != on {
            self.ui.projector.set(on);
            crate::url::set_params(&[("projector", if on { "on".into() } else { String::new() })]);
            self.ui.resized.update(|r| *r += 1);
        }
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
        self.refresh();
    }

    /// Whether the run can go back (it is past its start).
    pub fn can_go_back(self) -> bool {
        self.ui.clock.with(|c| c.events > 0)
    }

    /// The same scenario from its start, paused.
    pub fn restart(self) {
        self.ui.playing.set(false);
        self.update_engine(Engine::restart);
        self.after_new_run();
    }

    /// A new run of `cfg`, paused; refused (nothing changes) if `cfg` is invalid.
    pub fn load(self, cfg: Config) -> Result<(), String> {
        self.load_scenario(cfg, &[])
    }

    /// A new run of an imported scenario (`cfg` and its live actions), paused;
    /// refused (nothing changes) if either is invalid.
    pub fn load_scenario(self, cfg: Config, actions: &[Acted]) -> Result<(), String> {
        match self.update_engine(|e| e.load_with(cfg, actions)) {
            Some(Ok(())) => {
                self.ui.playing.set(false);
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
        self.update_track();
        self.refresh();
    }

    /// Switches server `i`'s NTP client to the discipline `kind` now.
    pub fn set_discipline(self, i: usize, kind: driftlab_sim::ntp::DisciplineKind) {
        self.update_engine(|e| e.set_discipline(i, kind));
        self.update_track();
        self.refresh();
    }

    /// Injects a fault into the running sale; the core's reason if it is refused.
    pub fn inject(self, fault: driftlab_sim::timesync::Fault) -> Result<(), String> {
        let r = self
            .update_engine(|e| e.inject(fault))
            .unwrap_or(Ok(()))
            .map_err(|e| e.to_string());
        self.update_track();
        self.refresh();
        r
    }

    /// Crashes, hangs, slows down or restarts instance `i` now; the core's reason if
    /// it is refused.
    pub fn set_instance(self, i: usize, mode: driftlab_sim::server::Mode) -> Result<(), String> {
        let r = self
            .update_engine(|e| e.set_instance(i, mode))
            .unwrap_or(Ok(()))
            .map_err(|e| e.to_string());
        self.refresh();
        r
    }

    /// A live action on the data path or the cache (partition, promote, fence, cache
    /// down) now; the core's reason if it is refused.
    pub fn data_act(
        self,
        act: impl FnOnce(&mut driftlab_sim::Sim) -> Result<(), driftlab_sim::ConfigError>,
    ) -> Result<(), String> {
        let r = self
            .update_engine(|e| e.data_act(act))
            .unwrap_or(Ok(()))
            .map_err(|e| e.to_string());
        self.update_track();
        self.refresh();
        r
    }

    /// Crashes database node `i` of the data path now; the core's reason if it is
    /// refused.
    pub fn crash_data_node(self, i: usize) -> Result<(), String> {
        let r = self
            .update_engine(|e| e.crash_data_node(i))
            .unwrap_or(Ok(()))
            .map_err(|e| e.to_string());
        self.update_track();
        self.refresh();
        r
    }

    /// Disconnects (or reconnects) the change feed's listener now; the core's reason if
    /// it is refused.
    pub fn set_feed_listener(self, up: bool) -> Result<(), String> {
        let r = self
            .update_engine(|e| e.set_feed_listener(up))
            .unwrap_or(Ok(()))
            .map_err(|e| e.to_string());
        self.update_track();
        self.refresh();
        r
    }

    /// Switches the change feed's transport now (a live action, replayed on restart
    /// and carried in a link); the core's reason if it is refused.
    pub fn feed_transport(
        self,
        transport: driftlab_sim::feed::config::Transport,
    ) -> Result<(), String> {
        self.data_act(|s| s.set_feed_transport(transport))
    }

    /// Changes the gateway's balancing algorithm now.
    pub fn set_balancing(self, algorithm: driftlab_sim::gateway::Algorithm) {
        self.update_engine(|e| e.set_balancing(algorithm));
        self.after_clock_edit();
    }

    /// Switches the gateway's health checks now.
    pub fn set_checks(self, active: bool, passive: bool) {
        self.update_engine(|e| e.set_checks(active, passive));
        self.after_clock_edit();
    }

    fn after_clock_edit(self) {
        if let Some(cfg) = self.with_engine(|e| e.config().clone()) {
            self.ui.scenario.set(cfg);
        }
        self.update_track();
        self.refresh();
    }
}

/// Sets `s` to `v` unless it already holds that value (no change, no notification).
pub fn set_if_changed<T: PartialEq + Send + Sync + 'static>(s: RwSignal<T>, v: T) {
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
