//! Per-panel feeds: each panel declares what it reads from the simulation and how
//! often, and the frame loop runs the feeds instead of one function that knows every
//! panel.
//!
//! A feed is a read (a function of a [`Source`]: the run, this frame's snapshot, the
//! frame counter) with a [`Cadence`] and, optionally, a change key. A pass over the
//! feeds ([`Feeds::pass`]) happens after every frame that moved the run and after every
//! action (pause, step, new run, clock edit):
//!
//! - a *playing* pass reads every [`Cadence::EveryFrame`] feed, and at most **one**
//!   [`Cadence::Every`] feed (the most overdue): the log, the stats scan and each chart
//!   are costly, and a frame that did two of them would miss its vsync;
//! - a *full* pass (anything but a playing frame) reads every feed, so a paused view is
//!   complete and then stays still: the typed feeds of [`crate::ctx::Ctx::feed`] set
//!   their signal only when the value changed.
//!
//! A feed with a change key ([`Spec::on_change`]) is read only when its key differs
//! from the one of its last read (or the run was replaced): the charts key on the
//! history's length, so a chart is rebuilt and redrawn only when a sample was added.
//!
//! Everything here is plain Rust, tested natively; [`crate::ctx`] holds the registry
//! in a `StoredValue` and gives panels typed handles ([`crate::ctx::Feed`]).

use driftlab_sim::snapshot::Snapshot;
use driftlab_sim::Sim;
use std::cell::{Cell, OnceCell};

/// What a feed reads: the run, this pass's snapshot, and the frame counters.
pub struct Source<'a> {
    sim: &'a Sim,
    snapshot: OnceCell<Snapshot>,
    /// The pass's number (bumped at every pass, playing or not).
    pub frame: u32,
    /// Whether this is a playing frame (false on a full pass or a panel's own refresh).
    pub playing: bool,
}

impl<'a> Source<'a> {
    /// A source over `sim` for pass `frame`.
    pub fn new(sim: &'a Sim, frame: u32, playing: bool) -> Source<'a> {
        Source {
            sim,
            snapshot: OnceCell::new(),
            frame,
            playing,
        }
    }

    /// The run.
    pub fn sim(&self) -> &'a Sim {
        self.sim
    }

    /// The run's snapshot, built on first use and shared by every feed of the pass
    /// (it copies every seat: one per pass is plenty).
    pub fn snapshot(&self) -> &Snapshot {
        self.snapshot.get_or_init(|| self.sim.snapshot())
    }
}

/// How often a feed is read while the run plays (a full pass reads every feed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Every frame: cheap copies (clocks, counters, a few seats).
    EveryFrame,
    /// A costly read (a scan of every request, a DOM rebuild, a chart): at least this
    /// many frames apart, and never in the same frame as another costly read.
    Every(u32),
    /// Only on a full pass, or when the panel asks ([`crate::ctx::Feed::refresh`]).
    OnRefresh,
}

/// A cheap figure of the run whose change means a feed has something new to read.
pub type Key = Box<dyn Fn(&Sim) -> u64>;

/// What a feed saw at its last read: (run, key).
type Seen = Option<(u64, u64)>;

/// A feed's declaration: its cadence and optional change key.
pub struct Spec {
    cadence: Cadence,
    key: Option<Key>,
}

impl Spec {
    /// A feed read at `cadence`.
    pub fn new(cadence: Cadence) -> Spec {
        Spec { cadence, key: None }
    }

    /// Reads only when `key` (a cheap figure of the run, e.g. the history's length)
    /// changed since the last read, or the run was replaced.
    pub fn on_change(mut self, key: impl Fn(&Sim) -> u64 + 'static) -> Spec {
        self.key = Some(Box::new(key));
        self
    }
}

/// A registered read: it copies what it needs out of the source into its signals.
pub type Job = Box<dyn FnMut(&Source)>;

struct Entry {
    id: u64,
    spec: Spec,
    /// (run, key) at the last read.
    seen: Seen,
    /// The pass of the last read.
    last: Option<u32>,
    job: Job,
}

impl Entry {
    /// The key to record if the feed is to be read now, `Some(None)` if it has no key,
    /// `None` if its key did not change.
    fn fresh(&self, run: u64, sim: &Sim) -> Option<Seen> {
        match &self.spec.key {
            None => Some(None),
            Some(k) => {
                let now = (run, k(sim));
                (self.seen != Some(now)).then_some(Some(now))
            }
        }
    }

    fn read(&mut self, src: &Source, seen: Seen) {
        (self.job)(src);
        self.last = Some(src.frame);
        if seen.is_some() {
            self.seen = seen;
        }
    }

    /// Frames past its due pass (negative: not due yet), for [`Cadence::Every`].
    fn overdue(&self, frame: u32) -> i64 {
        let Cadence::Every(n) = self.spec.cadence else {
            return i64::MIN;
        };
        match self.last {
            None => i64::MAX,
            Some(last) => frame.wrapping_sub(last) as i64 - n as i64,
        }
    }
}

thread_local! {
    /// Feed ids, unique across registries (see [`Feeds::absorb`]).
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// The registered feeds.
#[derive(Default)]
pub struct Feeds {
    entries: Vec<Entry>,
    /// Ids removed while the entries were out for a pass.
    removed: Vec<u64>,
    /// Bumped when the run is replaced: every key is then stale.
    run: u64,
    frame: u32,
    /// Whether a playing pass skipped feeds since the last full one.
    stale: bool,
}

impl Feeds {
    /// Registers `job` with `spec`; returns its id (for [`Feeds::remove`]).
    pub fn add(&mut self, spec: Spec, job: Job) -> u64 {
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        });
        self.entries.push(Entry {
            id,
            spec,
            seen: None,
            last: None,
            job,
        });
        id
    }

    /// Unregisters feed `id` (a panel going away).
    pub fn remove(&mut self, id: u64) {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        if self.entries.len() == before {
            self.removed.push(id);
        }
    }

    /// The run was replaced: every keyed feed reads again at the next pass.
    pub fn new_run(&mut self) {
        self.run += 1;
    }

    /// How many feeds are registered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no feed is registered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a playing pass left feeds unread since the last full pass; clears it.
    pub fn take_stale(&mut self) -> bool {
        std::mem::take(&mut self.stale)
    }

    /// One pass over the feeds: a playing frame's if `playing`, else a full one.
    pub fn pass(&mut self, sim: &Sim, playing: bool) {
        self.frame = self.frame.wrapping_add(1);
        let (run, frame) = (self.run, self.frame);
        let src = Source::new(sim, frame, playing);
        if !playing {
            self.stale = false;
            for e in &mut self.entries {
                if let Some(seen) = e.fresh(run, sim) {
                    e.read(&src, seen);
                }
            }
            return;
        }
        self.stale = true;
        let mut costly: Option<(usize, i64, Seen)> = None;
        for (k, e) in self.entries.iter_mut().enumerate() {
            match e.spec.cadence {
                Cadence::EveryFrame => {
                    if let Some(seen) = e.fresh(run, sim) {
                        e.read(&src, seen);
                    }
                }
                Cadence::Every(_) => {
                    let late = e.overdue(frame);
                    if late >= 0 && costly.is_none_or(|(_, l, _)| late > l) {
                        if let Some(seen) = e.fresh(run, sim) {
                            costly = Some((k, late, seen));
                        }
                    }
                }
                Cadence::OnRefresh => {}
            }
        }
        if let Some((k, _, seen)) = costly {
            self.entries[k].read(&src, seen);
        }
    }

    /// Reads feed `id` now, whatever its cadence and key (a panel's own refresh: its
    /// filter or its selection changed). False if there is no such feed.
    pub fn refresh(&mut self, id: u64, sim: &Sim) -> bool {
        let (run, frame) = (self.run, self.frame);
        let Some(e) = self.entries.iter_mut().find(|e| e.id == id) else {
            return false;
        };
        let seen = e.spec.key.as_ref().map(|k| (run, k(sim)));
        e.read(&Source::new(sim, frame, false), seen);
        true
    }

    /// Records that feed `id` was just read (its key and cadence count from now),
    /// without reading it: its panel read it for its initial value.
    pub fn mark(&mut self, id: u64, sim: &Sim) {
        let (run, frame) = (self.run, self.frame);
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.seen = e.spec.key.as_ref().map(|k| (run, k(sim)));
            e.last = Some(frame);
        }
    }

    /// Takes the entries out for a pass, leaving an empty registry that collects the
    /// feeds added or removed meanwhile; [`Feeds::absorb`] puts them back. (A read sets
    /// signals: if that ever made a panel register a feed at once, the registry would
    /// otherwise be borrowed twice.)
    pub fn take(&mut self) -> Feeds {
        Feeds {
            entries: std::mem::take(&mut self.entries),
            removed: Vec::new(),
            run: self.run,
            frame: self.frame,
            stale: self.stale,
        }
    }

    /// Puts back what [`Feeds::take`] took, after `self` (the registry as the pass
    /// left it) has collected additions and removals.
    pub fn absorb(&mut self, mut taken: Feeds) {
        taken.entries.retain(|e| !self.removed.contains(&e.id));
        taken.entries.append(&mut self.entries);
        self.entries = taken.entries;
        self.removed.clear();
        self.frame = taken.frame;
        self.stale = taken.stale;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn sim() -> Sim {
        let mut c = driftlab_sim::presets::preset("reset").unwrap();
        c.crowd.customers = 50;
        Sim::new(c).unwrap()
    }

    /// A feed that counts its reads, with the frames it was read at.
    fn counter(feeds: &mut Feeds, spec: Spec) -> Rc<std::cell::RefCell<Vec<u32>>> {
        let log = Rc::new(std::cell::RefCell::new(Vec::new()));
        let l = log.clone();
        feeds.add(
            spec,
            Box::new(move |s: &Source| l.borrow_mut().push(s.frame)),
        );
        log
    }

    #[test]
    fn every_frame_feeds_read_at_every_pass() {
        let (s, mut f) = (sim(), Feeds::default());
        let log = counter(&mut f, Spec::new(Cadence::EveryFrame));
        for _ in 0..4 {
            f.pass(&s, true);
        }
        f.pass(&s, false);
        assert_eq!(*log.borrow(), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_costly_feed_waits_its_cadence_while_playing_but_not_on_a_full_pass() {
        let (s, mut f) = (sim(), Feeds::default());
        let log = counter(&mut f, Spec::new(Cadence::Every(3)));
        for _ in 0..7 {
            f.pass(&s, true);
        }
        assert_eq!(*log.borrow(), vec![1, 4, 7]);
        f.pass(&s, false);
        assert_eq!(*log.borrow(), vec![1, 4, 7, 8], "a full pass reads it");
        f.pass(&s, true);
        assert_eq!(log.borrow().len(), 4, "then it waits again");
    }

    #[test]
    fn at_most_one_costly_feed_per_playing_frame_the_most_overdue_first() {
        let (s, mut f) = (sim(), Feeds::default());
        let a = counter(&mut f, Spec::new(Cadence::Every(2)));
        let b = counter(&mut f, Spec::new(Cadence::Every(2)));
        let c = counter(&mut f, Spec::new(Cadence::Every(4)));
        for _ in 0..8 {
            f.pass(&s, true);
        }
        // Frame 1: all three are new, a (first registered) goes; 2: b; 3: c (never
        // read beats a, just due); then the most overdue: at 8, c (1 frame late) goes
        // before a (just due).
        assert_eq!(*a.borrow(), vec![1, 4, 6]);
        assert_eq!(*b.borrow(), vec![2, 5, 7]);
        assert_eq!(*c.borrow(), vec![3, 8]);
        let total = a.borrow().len() + b.borrow().len() + c.borrow().len();
        assert_eq!(total, 8, "one costly read per frame, never two");
    }

    #[test]
    fn on_refresh_feeds_read_only_on_full_passes_and_when_asked() {
        let (s, mut f) = (sim(), Feeds::default());
        let log = Rc::new(Cell::new(0));
        let l = log.clone();
        let id = f.add(
            Spec::new(Cadence::OnRefresh),
            Box::new(move |_: &Source| l.set(l.get() + 1)),
        );
        f.pass(&s, true);
        f.pass(&s, true);
        assert_eq!(log.get(), 0);
        f.pass(&s, false);
        assert_eq!(log.get(), 1);
        assert!(f.refresh(id, &s));
        assert_eq!(log.get(), 2);
        f.remove(id);
        assert!(!f.refresh(id, &s));
        f.pass(&s, false);
        assert_eq!(log.get(), 2, "removed");
    }

    #[test]
    fn keyed_feeds_read_when_their_key_or_the_run_changes() {
        let (mut s, mut f) = (sim(), Feeds::default());
        let log = counter(
            &mut f,
            Spec::new(Cadence::EveryFrame).on_change(|s| s.events()),
        );
        f.pass(&s, true);
        f.pass(&s, true);
        f.pass(&s, false);
        assert_eq!(*log.borrow(), vec![1], "nothing happened: read once");
        s.step();
        f.pass(&s, true);
        assert_eq!(*log.borrow(), vec![1, 4]);
        f.new_run();
        f.pass(&s, false);
        assert_eq!(*log.borrow(), vec![1, 4, 5], "a new run reads again");
    }

    #[test]
    fn an_unchanged_keyed_costly_feed_gives_its_turn_away() {
        let (s, mut f) = (sim(), Feeds::default());
        let still = counter(&mut f, Spec::new(Cadence::Every(1)).on_change(|_| 7));
        let other = counter(&mut f, Spec::new(Cadence::Every(1)));
        for _ in 0..4 {
            f.pass(&s, true);
        }
        assert_eq!(*still.borrow(), vec![1]);
        assert_eq!(*other.borrow(), vec![2, 3, 4]);
    }

    #[test]
    fn a_playing_pass_leaves_the_view_stale_until_a_full_one() {
        let (s, mut f) = (sim(), Feeds::default());
        assert!(!f.take_stale());
        f.pass(&s, true);
        assert!(f.take_stale());
        assert!(!f.take_stale(), "taken");
        f.pass(&s, true);
        f.pass(&s, false);
        assert!(!f.take_stale(), "a full pass brought everything up to date");
    }

    #[test]
    fn feeds_added_or_removed_during_a_pass_are_kept_or_dropped() {
        let (s, mut f) = (sim(), Feeds::default());
        let gone = counter(&mut f, Spec::new(Cadence::EveryFrame));
        let gone_id = f.entries[0].id;
        let mut taken = f.take();
        taken.pass(&s, true);
        // Meanwhile, the registry saw one feed go and one come.
        f.remove(gone_id);
        let new = counter(&mut f, Spec::new(Cadence::EveryFrame));
        f.absorb(taken);
        assert_eq!(f.len(), 1);
        f.pass(&s, true);
        assert_eq!(*gone.borrow(), vec![1]);
        assert_eq!(*new.borrow(), vec![2], "the pass counter carried over");
    }
}
