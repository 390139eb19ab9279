//! Cache-aside (seed 002): a cache in front of the seat-state reads of browsing
//! customers, on the data path. Off by default.
//!
//! - **The cache** ([`Cache`]) keeps one key per seat (held or free). A key lives
//!   `ttl_s` from the moment it is set, judged by the cache's own clock: a cache whose
//!   clock jumps ahead expires everything early. A server deletes a seat's key once a
//!   write to that seat commits (delete on write).
//! - **The readers** ([`Readers`]) are the customers' browsers and the application code
//!   behind their pages: each page asks the cache; on a hit it is done; on a miss the
//!   reader queries the database (the node `data.reads` names: a replica is as stale as
//!   its lag) and puts the answer in the cache. A miss that reads a lagging replica
//!   after a write's delete puts the old value back, and the cache serves it for a
//!   whole TTL.
//! - **The stampede**: when a hot key is missing, every reader asking for it before the
//!   first fill lands queries the database. With **single-flight** the first miss fills
//!   and the others wait for that fill at the cache (one query per fill); if the fill
//!   takes longer than `fill_timeout_ms`, the next waiting reader is sent to fill.
//! - **The cache down**: every page falls through to the database, which runs
//!   `db_capacity_per_s × db_query_ms` queries at once; beyond that they queue, and a
//!   query that waited more than `db_timeout_ms` fails (an error page). It comes back
//!   empty.
//!
//! Simplifications (docs/MODEL.md, "The cache"): the readers' pages are apart from the
//! crowd's seat map and claims; a query to a crashed database node is never answered
//! (the reader stops).

pub mod config;

use crate::clock::{Clock, ClockConfig};
use crate::config::Config;
use crate::data::ReadFrom;
use crate::hall::{Hall, SeatId};
use crate::host::Host;
use crate::kernel::{Build, Cx, Ev, Kernel, Node, Route};
pub use crate::msg::cache::{Msg, ReadersMsg};
use crate::msg::{Addr, Layer};
use crate::net::Way;
use crate::obs::{Obs, PageSource};
use crate::rng::Rng;
use crate::time::{ms_to_nanos, secs_to_nanos, Time};
pub use config::{CacheConfig, CacheFault};

/// A key's value and when it expires, by the cache's clock.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Slot {
    held: bool,
    expires: Time,
}

/// A fill in progress (single-flight): its number, and the readers waiting for it.
#[derive(Clone, Debug, PartialEq)]
struct Fill {
    id: u32,
    waiters: Vec<u32>,
}

/// The cache: one key per seat.
#[derive(Clone, Debug)]
pub struct Cache {
    ttl: i64,
    single_flight: bool,
    fill_timeout: i64,
    slots: Vec<Option<Slot>>,
    fills: Vec<Option<Fill>>,
    next_fill: u32,
    down: bool,
    gets: u64,
    hits: u64,
}

/// The readers' address.
const READERS: Addr = Addr::new(Layer::CacheReaders, 0);

impl Cache {
    /// A cache of `seats` keys, empty.
    pub fn new(seats: usize, cfg: &CacheConfig) -> Cache {
        Cache {
            ttl: secs_to_nanos(cfg.ttl_s),
            single_flight: cfg.single_flight,
            fill_timeout: ms_to_nanos(cfg.fill_timeout_ms),
            slots: vec![None; seats],
            fills: vec![None; seats],
            next_fill: 0,
            down: false,
            gets: 0,
            hits: 0,
        }
    }

    /// Whether it is down.
    pub fn is_down(&self) -> bool {
        self.down
    }

    /// Gets and hits so far (a reader served after waiting for a fill is a hit).
    pub fn counts(&self) -> (u64, u64) {
        (self.gets, self.hits)
    }

    /// The keys it holds at `now` (its clock): (seat, held, time left by its clock, ns).
    pub fn keys(&self, now: Time) -> Vec<(SeatId, bool, i64)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.filter(|s| s.expires > now)
                    .map(|s| (i as SeatId, s.held, s.expires - now))
            })
            .collect()
    }

    fn on_get(&mut self, reader: u32, seat: SeatId, cx: &mut Cx<'_>) {
        if self.down {
            cx.send(READERS, ReadersMsg::Unavailable { reader });
            return;
        }
        self.gets += 1;
        let now = cx.local();
        let i = seat as usize;
        match self.slots[i] {
            Some(s) if now < s.expires => {
                self.hits += 1;
                let held = s.held;
                cx.send(
                    READERS,
                    ReadersMsg::Hit {
                        reader,
                        held,
                        waited: false,
                    },
                );
                return;
            }
            Some(_) => self.slots[i] = None,
            None => {}
        }
        if self.single_flight {
            if let Some(f) = &mut self.fills[i] {
                f.waiters.push(reader);
                return;
            }
            self.start_fill(seat, Vec::new(), cx);
        }
        cx.send(READERS, ReadersMsg::Miss { reader });
    }

    /// Single-flight: a reader is sent to fill `seat`; `waiters` wait for it.
    fn start_fill(&mut self, seat: SeatId, waiters: Vec<u32>, cx: &mut Cx<'_>) {
        self.next_fill += 1;
        let id = self.next_fill;
        self.fills[seat as usize] = Some(Fill { id, waiters });
        cx.wake_in(self.fill_timeout, Msg::FillTimeout { seat, fill: id });
    }

    fn on_set(&mut self, seat: SeatId, held: bool, cx: &mut Cx<'_>) {
        if self.down {
            return;
        }
        let expires = cx.local() + self.ttl;
        self.slots[seat as usize] = Some(Slot { held, expires });
        if let Some(f) = self.fills[seat as usize].take() {
            for reader in f.waiters {
                self.hits += 1;
                cx.send(
                    READERS,
                    ReadersMsg::Hit {
                        reader,
                        held,
                        waited: true,
                    },
                );
            }
        }
    }

    fn on_fill_timeout(&mut self, seat: SeatId, fill: u32, cx: &mut Cx<'_>) {
        let i = seat as usize;
        if self.fills[i].as_ref().is_none_or(|f| f.id != fill) {
            return;
        }
        let mut waiters = self.fills[i].take().map(|f| f.waiters).unwrap_or_default();
        if waiters.is_empty() {
            return;
        }
        // The filler is late (its query waits, or failed): the next in line fills.
        let next = waiters.remove(0);
        self.start_fill(seat, waiters, cx);
        cx.send(READERS, ReadersMsg::Miss { reader: next });
    }

    fn set_down(&mut self, down: bool, cx: &mut Cx<'_>) {
        if self.down == down {
            return;
        }
        self.down = down;
        if down {
            // Its memory is gone; the readers waiting for fills fall through.
            self.slots.iter_mut().for_each(|s| *s = None);
            for f in self.fills.iter_mut().filter_map(Option::take) {
                for reader in f.waiters {
                    cx.send(READERS, ReadersMsg::Unavailable { reader });
                }
            }
        }
        cx.observe(Obs::CacheDown { down });
    }
}

impl Node for Cache {
    type Msg = Msg;

    fn on_msg(&mut self, _from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Get { reader, seat } => self.on_get(reader, seat, cx),
            Msg::Set { seat, held } => self.on_set(seat, held, cx),
            Msg::Delete { seat } => {
                if !self.down {
                    self.slots[seat as usize] = None;
                }
            }
            Msg::FillTimeout { seat, fill } => self.on_fill_timeout(seat, fill, cx),
            Msg::Down => self.set_down(true, cx),
            Msg::Up => self.set_down(false, cx),
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let ratio = if self.gets == 0 {
            0.0
        } else {
            self.hits as f64 / self.gets as f64
        };
        vec![
            ("down", self.down as u8 as f64),
            ("keys", self.slots.iter().flatten().count() as f64),
            ("hit_ratio", ratio),
        ]
    }
}

/// What a reader is waiting for.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pending {
    seat: SeatId,
    /// When it opened the page, by the readers' clock.
    since: Time,
    /// Where the answer will come from, if the database answers.
    source: PageSource,
}

/// The browsing customers and their pages' cache-aside code.
#[derive(Clone, Debug)]
pub struct Readers {
    refresh: i64,
    hot_share: f64,
    hot: SeatId,
    /// Cumulative popularity weights of the seats.
    cum: Vec<u64>,
    from: Time,
    ramp: i64,
    until: Time,
    /// The database node they query.
    db: u16,
    pending: Vec<Option<Pending>>,
}

/// The cache's address.
const CACHE: Addr = Addr::new(Layer::Cache, 0);

impl Readers {
    /// `cfg.readers` readers of `hall`'s seats, querying database node `db`.
    pub fn new(cfg: &CacheConfig, hall: &Hall, db: u16) -> Readers {
        let n = hall.len();
        let weight = |s: usize| (hall.popularity(s as SeatId) * 1e9).round() as u64;
        let hot = (0..n)
            .max_by_key(|&s| (weight(s), std::cmp::Reverse(s)))
            .unwrap_or(0);
        let mut cum = Vec::with_capacity(n);
        let mut total = 0;
        for s in 0..n {
            total += weight(s).max(1);
            cum.push(total);
        }
        let from = Time::from_secs_f64(cfg.from_s);
        Readers {
            refresh: secs_to_nanos(cfg.refresh_s),
            hot_share: cfg.hot_share,
            hot: hot as SeatId,
            cum,
            from,
            ramp: secs_to_nanos(cfg.ramp_s),
            until: from + secs_to_nanos(cfg.for_s),
            db,
            pending: vec![None; cfg.readers as usize],
        }
    }

    /// The hot key: the hall's most popular seat.
    pub fn hot(&self) -> SeatId {
        self.hot
    }

    fn pick(&self, rng: &mut Rng) -> SeatId {
        if rng.chance(self.hot_share) {
            return self.hot;
        }
        let total = *self.cum.last().unwrap_or(&1);
        let x = rng.below(total);
        self.cum.partition_point(|&c| c <= x) as SeatId
    }

    fn on_next(&mut self, reader: u32, cx: &mut Cx<'_>) {
        let now = cx.local();
        if now >= self.until {
            return;
        }
        let seat = self.pick(cx.rng());
        self.pending[reader as usize] = Some(Pending {
            seat,
            since: now,
            source: PageSource::Miss,
        });
        cx.send(CACHE, Msg::Get { reader, seat });
    }

    /// Reader `reader`'s page is served: recorded, and its next page scheduled.
    fn served(&mut self, reader: u32, held: bool, source: PageSource, cx: &mut Cx<'_>) {
        let Some(p) = self.pending[reader as usize].take() else {
            return;
        };
        let latency_ns = cx.local() - p.since;
        cx.observe(Obs::Page {
            seat: p.seat,
            held,
            source,
            latency_ns,
        });
        let wait = cx.rng().exp(self.refresh as f64) as i64;
        cx.wake_in(wait, ReadersMsg::Next { reader });
    }

    /// The cache could not answer: the reader queries the database.
    fn query(&mut self, reader: u32, source: PageSource, cx: &mut Cx<'_>) {
        let Some(p) = &mut self.pending[reader as usize] else {
            return;
        };
        p.source = source;
        let seat = p.seat;
        cx.send(
            Addr::new(Layer::Data, self.db),
            crate::data::Msg::Query { reader, seat },
        );
    }

    fn on_row(&mut self, reader: u32, held: bool, ok: bool, cx: &mut Cx<'_>) {
        let Some(p) = self.pending[reader as usize] else {
            return;
        };
        if !ok {
            return self.served(reader, false, PageSource::Error, cx);
        }
        if p.source == PageSource::Miss {
            // Cache-aside: whoever missed puts what the database said.
            cx.send(CACHE, Msg::Set { seat: p.seat, held });
        }
        self.served(reader, held, p.source, cx)
    }
}

impl Node for Readers {
    type Msg = ReadersMsg;

    fn on_msg(&mut self, _from: Addr, msg: ReadersMsg, cx: &mut Cx<'_>) {
        match msg {
            ReadersMsg::Next { reader } => self.on_next(reader, cx),
            ReadersMsg::Hit {
                reader,
                held,
                waited,
            } => {
                let source = if waited {
                    PageSource::Waited
                } else {
                    PageSource::Hit
                };
                self.served(reader, held, source, cx)
            }
            ReadersMsg::Miss { reader } => self.query(reader, PageSource::Miss, cx),
            ReadersMsg::Unavailable { reader } => self.query(reader, PageSource::Bypass, cx),
            ReadersMsg::Row { reader, held, ok } => self.on_row(reader, held, ok, cx),
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        let now = cx.local();
        for reader in 0..self.pending.len() as u32 {
            let jitter = if self.ramp > 0 {
                cx.rng().below(self.ramp as u64) as i64
            } else {
                0
            };
            let wait = (self.from - now).max(0) + jitter;
            cx.wake_in(wait, ReadersMsg::Next { reader });
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let waiting = self.pending.iter().flatten().count();
        vec![("waiting", waiting as f64)]
    }
}

/// The cache's random stream, and the readers'.
const STREAM: u64 = 2200;

fn lan(cfg: &Config, k: &mut Kernel, way: Way) -> Route {
    Route {
        link: Some(k.topology.shared_link("lan", &cfg.network.lan)),
        way,
        reliable: true,
    }
}

impl Build for Cache {
    /// No node when the cache is off. Otherwise one, on a host of its own with an exact
    /// clock; its down window is scheduled here.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Cache> {
        let c = &cfg.cache;
        if !c.enabled {
            return Vec::new();
        }
        let clock = Clock::new(&ClockConfig::default(), cfg.sale.start());
        let h = k.add_host(Host::new("cache", clock, Rng::stream(cfg.seed, STREAM)));
        let me = k.place(Layer::Cache, h);
        for (a, b, way) in [
            (Layer::Cache, Layer::CacheReaders, Way::Back),
            (Layer::Server, Layer::Cache, Way::Out),
        ] {
            let r = lan(cfg, k, way);
            k.topology.connect(a, b, r);
        }
        if let Some(from) = c.fault.down_from_s {
            for (at, msg) in [(from, Msg::Down), (c.fault.down_to_s, Msg::Up)] {
                let ev = Ev::Msg {
                    to: me,
                    from: me,
                    msg: msg.into(),
                };
                k.push(Time::from_secs_f64(at).max(cfg.sale.start()), ev, false);
            }
        }
        let seats = (cfg.hall.rows * cfg.hall.cols) as usize;
        vec![Cache::new(seats, c)]
    }
}

impl Build for Readers {
    /// No node when the cache is off. Otherwise one for every reader, on a host of its
    /// own with an exact clock.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Readers> {
        let c = &cfg.cache;
        if !c.enabled {
            return Vec::new();
        }
        let clock = Clock::new(&ClockConfig::default(), cfg.sale.start());
        let h = k.add_host(Host::new(
            "readers",
            clock,
            Rng::stream(cfg.seed, STREAM + 1),
        ));
        k.place(Layer::CacheReaders, h);
        for (a, b, way) in [
            (Layer::CacheReaders, Layer::Cache, Way::Out),
            (Layer::CacheReaders, Layer::Data, Way::Out),
            (Layer::Data, Layer::CacheReaders, Way::Back),
        ] {
            let r = lan(cfg, k, way);
            k.topology.connect(a, b, r);
        }
        let db = if cfg.data.reads == ReadFrom::Replica {
            1
        } else {
            0
        };
        vec![Readers::new(c, &Hall::new(&cfg.hall), db)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, timers, Bench};
    use crate::msg::Msg as AnyMsg;
    use crate::time::{MS, SEC};

    const T0: Time = Time(36_000 * SEC);
    const ME: Addr = CACHE;

    fn cache(single_flight: bool) -> Cache {
        let cfg = CacheConfig {
            ttl_s: 60.0,
            single_flight,
            fill_timeout_ms: 500.0,
            ..CacheConfig::default()
        };
        Cache::new(10, &cfg)
    }

    /// What the readers were told.
    fn told(cmds: &[crate::kernel::Cmd]) -> Vec<ReadersMsg> {
        sends(cmds)
            .into_iter()
            .filter_map(|(to, m)| match m {
                AnyMsg::CacheReaders(r) if to == READERS => Some(r),
                _ => None,
            })
            .collect()
    }

    fn get(b: &mut Bench, c: &mut Cache, reader: u32, seat: SeatId) -> Vec<ReadersMsg> {
        told(&b.deliver(c, ME, READERS, Msg::Get { reader, seat }))
    }

    fn set(b: &mut Bench, c: &mut Cache, seat: SeatId, held: bool) -> Vec<crate::kernel::Cmd> {
        b.deliver(c, ME, READERS, Msg::Set { seat, held })
    }

    fn miss(reader: u32) -> ReadersMsg {
        ReadersMsg::Miss { reader }
    }

    fn hit(reader: u32, held: bool) -> ReadersMsg {
        ReadersMsg::Hit {
            reader,
            held,
            waited: false,
        }
    }

    #[test]
    fn a_key_lives_a_ttl_by_the_caches_own_clock() {
        // The cache's clock is 10 s fast: it sets the key at 10:00:10 by its clock and
        // finds it expired at 10:01:10 by its clock, 60 s later in true time too.
        let mut b = Bench::new(T0, 10 * SEC);
        let mut c = cache(false);
        assert_eq!(get(&mut b, &mut c, 1, 3), vec![miss(1)]);
        set(&mut b, &mut c, 3, true);
        b.advance(59_999 * MS);
        assert_eq!(get(&mut b, &mut c, 2, 3), vec![hit(2, true)]);
        b.advance(MS);
        assert_eq!(get(&mut b, &mut c, 3, 3), vec![miss(3)]);
        assert_eq!(c.counts(), (3, 1));
        // A clock stepped 30 s ahead while a key lives ends it 30 s early in true time.
        set(&mut b, &mut c, 3, false);
        b.advance(29 * SEC);
        b.with(ME, |cx| cx.step_clock(30 * SEC));
        assert_eq!(get(&mut b, &mut c, 4, 3), vec![hit(4, false)]);
        b.advance(2 * SEC);
        assert_eq!(get(&mut b, &mut c, 5, 3), vec![miss(5)]);
    }

    #[test]
    fn a_write_deletes_the_key_and_a_late_fill_puts_the_old_value_back() {
        let mut b = Bench::new(T0, 0);
        let mut c = cache(false);
        set(&mut b, &mut c, 4, false);
        assert_eq!(get(&mut b, &mut c, 1, 4), vec![hit(1, false)]);
        // A server wrote seat 4: the key is gone, the next reader misses.
        let server = Addr::new(Layer::Server, 0);
        b.deliver(&mut c, ME, server, Msg::Delete { seat: 4 });
        assert_eq!(get(&mut b, &mut c, 2, 4), vec![miss(2)]);
        // Its query went to a replica that has not applied the write yet: it puts
        // "free" back, and every reader sees "free" for the next 60 s.
        set(&mut b, &mut c, 4, false);
        for s in [1, 30, 59] {
            b.advance(if s == 1 { SEC } else { 29 * SEC });
            assert_eq!(get(&mut b, &mut c, 3, 4), vec![hit(3, false)], "{s} s");
        }
        b.advance(SEC + MS);
        assert_eq!(get(&mut b, &mut c, 3, 4), vec![miss(3)]);
    }

    #[test]
    fn single_flight_sends_one_reader_to_the_database_and_the_others_wait() {
        let mut b = Bench::new(T0, 0);
        let mut c = cache(true);
        let cmds = b.deliver(&mut c, ME, READERS, Msg::Get { reader: 0, seat: 7 });
        assert_eq!(told(&cmds), vec![miss(0)]);
        assert_eq!(
            timers(&cmds),
            vec![(
                500 * MS,
                AnyMsg::Cache(Msg::FillTimeout { seat: 7, fill: 1 })
            )]
        );
        for r in 1..1000 {
            assert!(get(&mut b, &mut c, r, 7).is_empty(), "reader {r} waits");
        }
        b.advance(100 * MS);
        let cmds = set(&mut b, &mut c, 7, true);
        let answered = told(&cmds);
        assert_eq!(answered.len(), 999);
        assert!(answered.iter().all(|m| matches!(
            m,
            ReadersMsg::Hit {
                held: true,
                waited: true,
                ..
            }
        )));
        // The old fill's timer finds nothing to do.
        b.advance(400 * MS);
        let cmds = b.deliver(&mut c, ME, ME, Msg::FillTimeout { seat: 7, fill: 1 });
        assert!(cmds.is_empty());
        // Without single-flight, every reader misses.
        let mut plain = cache(false);
        let misses = (0..1000)
            .filter(|&r| get(&mut b, &mut plain, r, 7) == vec![miss(r)])
            .count();
        assert_eq!(misses, 1000);
    }

    #[test]
    fn a_late_fill_lets_the_next_waiting_reader_fill() {
        let mut b = Bench::new(T0, 0);
        let mut c = cache(true);
        get(&mut b, &mut c, 0, 2);
        get(&mut b, &mut c, 1, 2);
        get(&mut b, &mut c, 2, 2);
        b.advance(500 * MS);
        let cmds = b.deliver(&mut c, ME, ME, Msg::FillTimeout { seat: 2, fill: 1 });
        assert_eq!(told(&cmds), vec![miss(1)]);
        assert_eq!(
            timers(&cmds),
            vec![(
                500 * MS,
                AnyMsg::Cache(Msg::FillTimeout { seat: 2, fill: 2 })
            )]
        );
        // Reader 1's fill lands: reader 2, still waiting, gets it.
        let cmds = set(&mut b, &mut c, 2, false);
        assert_eq!(
            told(&cmds),
            vec![ReadersMsg::Hit {
                reader: 2,
                held: false,
                waited: true
            }]
        );
    }

    #[test]
    fn a_cache_down_sends_readers_to_the_database_and_comes_back_empty() {
        let mut b = Bench::new(T0, 0);
        let mut c = cache(true);
        set(&mut b, &mut c, 1, true);
        get(&mut b, &mut c, 0, 5);
        get(&mut b, &mut c, 1, 5);
        let cmds = b.deliver(&mut c, ME, ME, Msg::Down);
        assert_eq!(observations(&cmds), vec![Obs::CacheDown { down: true }]);
        // Reader 1 waited for reader 0's fill: it falls through too.
        assert_eq!(told(&cmds), vec![ReadersMsg::Unavailable { reader: 1 }]);
        assert_eq!(
            get(&mut b, &mut c, 2, 1),
            vec![ReadersMsg::Unavailable { reader: 2 }]
        );
        // Sets and deletes while down are lost.
        set(&mut b, &mut c, 5, true);
        b.deliver(&mut c, ME, ME, Msg::Up);
        assert_eq!(get(&mut b, &mut c, 3, 1), vec![miss(3)]);
        assert!(c.keys(b.local()).is_empty());
    }

    fn readers() -> Readers {
        let cfg = CacheConfig {
            readers: 2,
            hot_share: 1.0,
            ramp_s: 0.0,
            ..CacheConfig::default()
        };
        Readers::new(&cfg, &Hall::new(&crate::config::HallConfig::default()), 1)
    }

    #[test]
    fn a_reader_that_misses_queries_the_database_and_fills_the_key() {
        let mut b = Bench::new(T0, 0);
        let mut r = readers();
        // The hot key is centre front: row A, the middle of 20 seats.
        assert_eq!(r.hot(), 9);
        let cmds = b.with(READERS, |cx| r.start(cx));
        assert_eq!(timers(&cmds).len(), 2);
        let cmds = b.deliver(&mut r, READERS, READERS, ReadersMsg::Next { reader: 0 });
        assert_eq!(
            sends(&cmds),
            vec![(CACHE, AnyMsg::Cache(Msg::Get { reader: 0, seat: 9 }))]
        );
        b.advance(MS);
        let cmds = b.deliver(&mut r, READERS, CACHE, ReadersMsg::Miss { reader: 0 });
        let replica = Addr::new(Layer::Data, 1);
        assert_eq!(
            sends(&cmds),
            vec![(
                replica,
                AnyMsg::Data(crate::data::Msg::Query { reader: 0, seat: 9 })
            )]
        );
        b.advance(100 * MS);
        let row = ReadersMsg::Row {
            reader: 0,
            held: true,
            ok: true,
        };
        let cmds = b.deliver(&mut r, READERS, replica, row);
        assert_eq!(
            sends(&cmds),
            vec![(
                CACHE,
                AnyMsg::Cache(Msg::Set {
                    seat: 9,
                    held: true
                })
            )]
        );
        assert_eq!(
            observations(&cmds),
            vec![Obs::Page {
                seat: 9,
                held: true,
                source: PageSource::Miss,
                latency_ns: 101 * MS
            }]
        );
        // The cache down: the reader reads the database and fills nothing.
        b.deliver(&mut r, READERS, READERS, ReadersMsg::Next { reader: 1 });
        b.deliver(
            &mut r,
            READERS,
            CACHE,
            ReadersMsg::Unavailable { reader: 1 },
        );
        let row = ReadersMsg::Row {
            reader: 1,
            held: false,
            ok: false,
        };
        let cmds = b.deliver(&mut r, READERS, replica, row);
        assert!(!sends(&cmds).iter().any(|(to, _)| *to == CACHE));
        assert!(matches!(
            observations(&cmds)[..],
            [Obs::Page {
                source: PageSource::Error,
                ..
            }]
        ));
    }
}
