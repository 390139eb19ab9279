//! The simulator: the event loop and the life of customers and requests.
//!
//! All state lives in [`Sim`]; every random number comes from one of its seeded
//! streams (one per server, one for the crowd, one for the database), and events at
//! the same instant run in the order they were scheduled. Same config, same run.

use crate::clock::{Clock, WANDER_STEP};
use crate::config::{Config, ConfigError, Policy};
use crate::hall::{Hall, SeatId};
use crate::log::{Log, LogKind, Refusal, TraceHash};
use crate::metrics::{History, Metrics, ServerStats};
use crate::net::Link;
use crate::ntp::{Reply as NtpReply, Request as NtpRequest};
use crate::ntp_run::{Node, NtpSide, TimeEvent, TimeNode};
use crate::queue::Queue;
use crate::rng::Rng;
use crate::time::{secs_to_nanos, Time, SEC};
use crate::timesync::Fault;
use crate::world::{Customer, CustomerId, Record, ReqId, Request, SeatTruth, Server};

/// How long background activity outlives the sale's last arrival.
const AFTERMATH: i64 = 600 * SEC;

/// Random stream numbers: servers use `1 + index`.
const CROWD_STREAM: u64 = 0;
const DB_STREAM: u64 = 1000;

/// A server's decision on a request, carried back from the database when there is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Confirmed,
    Refused(Refusal),
}

/// What a server asks the database.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DbOp {
    /// `unique`: insert if free (or if the holds there are expired by `server_now`).
    Claim { server_now: Time },
    /// `no-lock`: read the seat's holds.
    Read,
    /// `no-lock`: release holds expired by `server_now`, then insert, unchecked.
    Insert { server_now: Time },
    /// Mark the claim paid unless its hold is expired by `server_now`.
    Pay { server_now: Time },
}

#[derive(Clone, Debug)]
pub(crate) enum Ev {
    Arrive(CustomerId),
    Click(CustomerId),
    AtServer(ReqId),
    Db(ReqId, DbOp),
    ReadReply {
        req: ReqId,
        newest: ReqId,
        any_paid: bool,
    },
    ServerReply(ReqId, Decision),
    Response(ReqId, Decision),
    Timeout(ReqId),
    Pay(CustomerId, ReqId),
    Replicate {
        to: u8,
        seat: SeatId,
        rec: Record,
    },
    Audit,
    Sample,
    Wander(u8),
    MapExpire(ReqId),
    NtpWake(Node, u32),
    NtpAtServer {
        from: Node,
        to: u8,
        request: NtpRequest,
        sent: Time,
    },
    NtpAtClient {
        to: Node,
        from: u8,
        reply: Box<(NtpReply, [Time; 3])>,
    },
    Fault(u16),
    Strobe(u8, i64),
}

impl Ev {
    /// Background events keep nothing alive: the run ends when only they remain.
    fn periodic(&self) -> bool {
        matches!(
            self,
            Ev::Audit
                | Ev::Sample
                | Ev::Wander(_)
                | Ev::NtpWake(..)
                | Ev::NtpAtServer { .. }
                | Ev::NtpAtClient { .. }
                | Ev::Fault(_)
                | Ev::Strobe(..)
        )
    }

    fn hash_words(&self) -> (u64, u64) {
        match *self {
            Ev::Arrive(c) => (1, c as u64),
            Ev::Click(c) => (2, c as u64),
            Ev::AtServer(r) => (3, r as u64),
            Ev::Db(r, _) => (4, r as u64),
            Ev::ReadReply { req, newest, .. } => (5, (req as u64) << 32 | newest as u64),
            Ev::ServerReply(r, _) => (6, r as u64),
            Ev::Response(r, _) => (7, r as u64),
            Ev::Timeout(r) => (8, r as u64),
            Ev::Pay(c, r) => (9, (c as u64) << 32 | r as u64),
            Ev::Replicate { to, seat, rec } => {
                (10, (to as u64) << 56 | (seat as u64) << 32 | rec.req as u64)
            }
            Ev::Audit => (11, 0),
            Ev::Sample => (12, 0),
            Ev::Wander(s) => (13, s as u64),
            Ev::MapExpire(r) => (14, r as u64),
            Ev::NtpWake(node, gen) => (15, node_word(node) << 32 | gen as u64),
            Ev::NtpAtServer {
                from, to, request, ..
            } => (
                16,
                node_word(from) << 40 | (to as u64) << 32 | (request.t1.0 as u64 & 0xFFFF_FFFF),
            ),
            Ev::NtpAtClient {
                to,
                from,
                ref reply,
            } => (
                17,
                node_word(to) << 40 | (from as u64) << 32 | (reply.0.t3.0 as u64 & 0xFFFF_FFFF),
            ),
            Ev::Fault(i) => (18, i as u64),
            Ev::Strobe(s, d) => (19, (s as u64) << 48 ^ d as u64),
        }
    }
}

/// A running simulation.
///
/// # Examples
/// ```
/// use driftlab_sim::{presets, Sim};
/// let mut cfg = presets::preset("extreme_drift").unwrap();
/// cfg.crowd.customers = 300;
/// let mut sim = Sim::new(cfg).unwrap();
/// sim.run();
/// let report = sim.report();
/// assert!(report.requests > 300);
/// assert_eq!(report.requests, report.outcomes_total());
/// ```
pub struct Sim {
    pub(crate) cfg: Config,
    pub(crate) now: Time,
    pub(crate) start: Time,
    pub(crate) opening: Time,
    pub(crate) end: Time,
    pub(crate) ttl: i64,
    pub(crate) token_ttl: i64,
    pub(crate) leeway: i64,
    pub(crate) queue: Queue<Ev>,
    pub(crate) pending: u64,
    pub(crate) servers: Vec<Server>,
    pub(crate) hall: Hall,
    pub(crate) seats: Vec<SeatTruth>,
    pub(crate) replicas: Vec<Vec<Option<Record>>>,
    pub(crate) db: Vec<Vec<ReqId>>,
    pub(crate) requests: Vec<Request>,
    pub(crate) customers: Vec<Customer>,
    /// Arrivals not yet in the queue, latest first.
    pub(crate) arrivals: Vec<(Time, CustomerId)>,
    pub(crate) crowd_rng: Rng,
    pub(crate) db_rng: Rng,
    pub(crate) next_server: usize,
    pub(crate) client: Link,
    pub(crate) lan: Link,
    /// Per server, the windows when it is cut from the network.
    pub(crate) cuts: Vec<Vec<(Time, Time)>>,
    pub(crate) time_nodes: Vec<TimeNode>,
    /// Whether the time hierarchy has been brought to life (see `ensure_hierarchy`).
    pub(crate) hierarchy_ready: bool,
    pub(crate) ntp: Vec<NtpSide>,
    pub(crate) time_events: Vec<TimeEvent>,
    pub(crate) faults: Vec<Fault>,
    pub(crate) metrics: Metrics,
    pub(crate) log: Log,
    pub(crate) hash: TraceHash,
    pub(crate) history: History,
    pub(crate) events: u64,
    pub(crate) finished: bool,
}

impl Sim {
    /// A simulation of `cfg`, ready to run from the sale's start.
    pub fn new(cfg: Config) -> Result<Sim, ConfigError> {
        cfg.validate()?;
        let start = cfg.sale.start();
        let n = cfg.servers.len();
        let servers: Vec<Server> = cfg
            .servers
            .iter()
            .enumerate()
            .map(|(i, s)| Server {
                clock: Clock::new(&s.clock, start),
                rng: Rng::stream(cfg.seed, 1 + i as u64),
                busy_until: start,
                stats: ServerStats::default(),
                window: (0, 0),
            })
            .collect();
        let hall = Hall::new(&cfg.hall);
        let seats = hall.len();
        let mut sim = Sim {
            now: start,
            start,
            opening: cfg.sale.opening(),
            end: cfg.sale.end(),
            ttl: secs_to_nanos(cfg.sale.hold_ttl_s),
            token_ttl: secs_to_nanos(cfg.sale.token_ttl_s),
            leeway: secs_to_nanos(cfg.sale.token_leeway_s),
            queue: Queue::default(),
            pending: 0,
            servers,
            hall,
            seats: vec![SeatTruth::default(); seats],
            replicas: if cfg.policy == Policy::LocalTimestamp {
                vec![vec![None; seats]; n]
            } else {
                Vec::new()
            },
            db: vec![Vec::new(); seats],
            requests: Vec::with_capacity(cfg.crowd.customers as usize * 4),
            customers: vec![Customer::default(); cfg.crowd.customers as usize],
            arrivals: Vec::with_capacity(cfg.crowd.customers as usize),
            crowd_rng: Rng::stream(cfg.seed, CROWD_STREAM),
            db_rng: Rng::stream(cfg.seed, DB_STREAM),
            next_server: 0,
            client: Link::new(&cfg.network.client),
            lan: Link::new(&cfg.network.lan),
            cuts: (1..=n as u32)
                .map(|k| {
                    let ps = cfg.network.partitions.iter().filter(|p| p.server == k);
                    ps.map(|p| (Time::from_secs_f64(p.from_s), Time::from_secs_f64(p.to_s)))
                        .collect()
                })
                .collect(),
            time_nodes: Vec::new(),
            hierarchy_ready: false,
            ntp: Vec::new(),
            time_events: Vec::new(),
            faults: Vec::new(),
            metrics: Metrics::default(),
            log: Log::with_capacity(cfg.crowd.customers as usize * 2),
            hash: TraceHash::default(),
            history: History {
                offsets: vec![Vec::new(); n],
                response_ms: vec![Vec::new(); n],
                ntp_jitter_ms: vec![Vec::new(); n],
                ntp_delay_ms: vec![Vec::new(); n],
                ..Default::default()
            },
            events: 0,
            finished: false,
            cfg,
        };
        sim.schedule_arrivals();
        sim.ntp_init();
        sim.push(start, Ev::Sample);
        if sim.cfg.policy == Policy::NoLock {
            sim.push(
                start + secs_to_nanos(sim.cfg.network.audit_interval_s),
                Ev::Audit,
            );
        }
        for i in 0..n {
            if sim.servers[i].clock.wanders() {
                sim.push(start + WANDER_STEP, Ev::Wander(i as u8));
            }
        }
        Ok(sim)
    }

    fn schedule_arrivals(&mut self) {
        let c = self.cfg.crowd.clone();
        let flash = libm::round(c.customers as f64 * c.flash_fraction) as u32;
        let duration = self.end - self.start;
        for id in 0..c.customers {
            let at = if id < flash {
                let eager = secs_to_nanos(c.eager_s);
                let spread = secs_to_nanos(self.crowd_rng.exp(c.flash_spread_s));
                (self.opening - eager + spread).max(self.start)
            } else {
                self.start + (self.crowd_rng.unit() * duration as f64) as i64
            };
            if at <= self.end {
                self.arrivals.push((at, id));
            }
        }
        // Arrivals enter the queue one at a time, in order, so the heap stays small.
        self.arrivals.sort_unstable();
        self.arrivals.reverse();
        self.next_arrival();
    }

    pub(crate) fn next_arrival(&mut self) {
        if let Some((at, id)) = self.arrivals.pop() {
            self.push(at, Ev::Arrive(id));
        }
    }

    /// Whether background activity (samples, audits, wander, NTP) goes on: while
    /// customers are still at work, and for ten minutes after the sale's last arrival
    /// so clocks and dashboards can be watched settling.
    pub(crate) fn alive(&self) -> bool {
        self.pending > 0 || self.now < self.end + AFTERMATH
    }

    /// Schedules a background event (it does not keep the run alive).
    pub(crate) fn push_background(&mut self, at: Time, ev: Ev) {
        debug_assert!(ev.periodic());
        self.queue.push(at, ev);
    }

    pub(crate) fn push(&mut self, at: Time, ev: Ev) {
        if !ev.periodic() {
            self.pending += 1;
        }
        self.queue.push(at, ev);
    }

    /// The run's configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// True time now.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Whether every customer is done and every message delivered.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The trace hash so far: two runs are identical iff their hashes agree.
    pub fn trace_hash(&self) -> String {
        self.hash.hex()
    }

    /// Every request so far, by id.
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }

    /// The servers' log, in true-time order.
    pub fn log(&self) -> &[crate::log::LogRecord] {
        self.log.records()
    }

    /// The charts' history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The counters so far.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The hall.
    pub fn hall(&self) -> &Hall {
        &self.hall
    }

    /// Processes the next event; returns false when there is none left.
    pub fn step(&mut self) -> bool {
        let Some((at, ev)) = self.queue.pop() else {
            self.finish();
            return false;
        };
        if !ev.periodic() {
            self.pending -= 1;
        }
        self.now = at;
        self.events += 1;
        let (a, b) = ev.hash_words();
        self.hash.mix(at.0 as u64);
        self.hash.mix(a << 56 | b);
        self.dispatch(ev);
        if self.queue.is_empty() {
            self.finish();
        }
        true
    }

    /// Processes every event up to true time `t` included, then moves the clock of the
    /// simulation to `t` (even if nothing happens in between).
    pub fn run_until(&mut self, t: Time) {
        while self.queue.peek_time().is_some_and(|at| at <= t) {
            self.step();
        }
        if t > self.now {
            self.now = t;
        }
    }

    /// Runs to the end: every customer done, every message delivered.
    pub fn run(&mut self) {
        while self.step() {}
    }

    pub(crate) fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Arrive(c) => self.on_arrive(c),
            Ev::Click(c) => self.on_click(c),
            Ev::AtServer(r) => self.on_at_server(r),
            Ev::Db(r, op) => self.on_db(r, op),
            Ev::ReadReply {
                req,
                newest,
                any_paid,
            } => self.on_read_reply(req, newest, any_paid),
            Ev::ServerReply(r, d) => self.on_server_reply(r, d),
            Ev::Response(r, d) => self.on_response(r, d),
            Ev::Timeout(r) => self.on_timeout(r),
            Ev::Pay(c, claim) => self.on_pay(c, claim),
            Ev::Replicate { to, seat, rec } => self.on_replicate(to, seat, rec),
            Ev::Audit => self.on_audit(),
            Ev::Sample => self.on_sample(),
            Ev::MapExpire(r) => self.on_map_expire(r),
            Ev::NtpWake(node, gen) => self.on_ntp_wake(node, gen),
            Ev::NtpAtServer {
                from,
                to,
                request,
                sent,
            } => self.on_ntp_at_server(from, to, request, sent),
            Ev::NtpAtClient { to, from, reply } => {
                self.on_ntp_at_client(to, from, &reply.0, reply.1)
            }
            Ev::Fault(i) => self.on_fault(i),
            Ev::Strobe(s, d) => self.on_strobe(s, d),
            Ev::Wander(s) => {
                let now = self.now;
                let srv = &mut self.servers[s as usize];
                srv.clock.wander(now, &mut srv.rng);
                if self.alive() {
                    self.push(now + WANDER_STEP, Ev::Wander(s));
                }
            }
        }
    }

    fn on_sample(&mut self) {
        let now = self.now;
        self.history.t.push(now);
        for (i, srv) in self.servers.iter_mut().enumerate() {
            self.history.offsets[i].push(srv.clock.offset(now));
            let (sum, n) = srv.window;
            self.history.response_ms[i].push(if n == 0 {
                f32::NAN
            } else {
                (sum as f64 / n as f64 / 1e6) as f32
            });
            srv.window = (0, 0);
        }
        self.ntp_sample();
        self.metrics.order_inversions = self.log.inversions();
        self.history.metrics.push(self.metrics);
        if self.alive() {
            self.push(now + SEC, Ev::Sample);
        }
    }

    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.settle_all();
        self.metrics.order_inversions = self.log.inversions();
    }

    /// Adds a scripted customer who logs in and clicks `seat` at true time `at`, through
    /// server `server` (0-based), once, without retrying; they pay like the crowd does
    /// (`crowd.pay_fraction`). For hand-computed cases and classroom walk-throughs.
    ///
    /// Returns the customer's id, or `None` if the run is over, `at` is in the past, or
    /// the seat or the server does not exist.
    pub fn script_click(&mut self, at: Time, seat: SeatId, server: usize) -> Option<CustomerId> {
        if self.finished
            || at < self.now
            || seat as usize >= self.seats.len()
            || server >= self.servers.len()
        {
            return None;
        }
        let id = self.customers.len() as CustomerId;
        self.customers.push(Customer {
            seat,
            token: at,
            attempts: 0,
            gone: false,
            pinned: Some(server as u8),
        });
        self.push(at, Ev::Click(id));
        Some(id)
    }

    /// Changes a server's clock offset now (a teacher's slider): a step.
    pub fn set_server_offset(&mut self, server: usize, offset_ns: i64) {
        let now = self.now;
        if let Some(s) = self.servers.get_mut(server) {
            s.clock.set_offset(now, offset_ns);
            self.hash.mix(0xE0 << 56 | server as u64);
            self.hash.mix(offset_ns as u64);
        }
    }

    /// Changes a server's skew now, in ppm.
    pub fn set_server_skew(&mut self, server: usize, ppm: f64) {
        let now = self.now;
        if let Some(s) = self.servers.get_mut(server) {
            s.clock.set_skew_ppm(now, ppm);
            self.hash.mix(0xE1 << 56 | server as u64);
            self.hash.mix(ppm.to_bits());
        }
    }

    /// A server's clock.
    pub fn clock(&self, server: usize) -> &Clock {
        &self.servers[server].clock
    }

    /// How long until `server`'s partition in force at `t` heals (0 if not cut).
    pub(crate) fn cut_wait(&self, server: u8, t: Time) -> i64 {
        let cuts = &self.cuts[server as usize];
        cuts.iter()
            .filter(|&&(a, b)| a <= t && t < b)
            .map(|&(_, b)| b - t)
            .max()
            .unwrap_or(0)
    }

    pub(crate) fn replica(&mut self, server: u8, seat: SeatId) -> &mut Option<Record> {
        &mut self.replicas[server as usize][seat as usize]
    }
}

fn node_word(n: Node) -> u64 {
    match n {
        Node::Res(i) => i as u64,
        Node::Tsv(j) => 0x100 | j as u64,
    }
}

pub(crate) fn kind_code(k: LogKind) -> u64 {
    match k {
        LogKind::Confirmed => 1,
        LogKind::Refused(x) => 2 | (x as u64) << 4,
        LogKind::Paid => 3,
        LogKind::PayRefused(x) => 4 | (x as u64) << 4,
        LogKind::Revoked => 5,
        LogKind::Released => 6,
    }
}
