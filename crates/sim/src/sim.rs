//! The simulator: builds a run's hosts, nodes and topology from its config, runs the
//! kernel's event loop, and answers the app's and the report's questions.
//!
//! Same config, same run: every random number comes from a host's seeded stream, and
//! events at the same instant run in the order they were scheduled.

use crate::clock::{Clock, WANDER_STEP};
use crate::config::{Config, ConfigError};
use crate::gateway::Algorithm;
use crate::hall::{Hall, SeatId};
use crate::kernel::{Addr, Cut, Cx, Ev, Host, HostId, Kernel, Sys, Topology};
use crate::layers::{Layer, Msg, Nodes};
use crate::metrics::History;
use crate::msg::{gateway, server};
use crate::net::{Link, LinkConfig};
use crate::ntp::{Client, ClientConfig};
use crate::ntp_client::{self, NtpAgent};
use crate::ntp_run::{Node, TimeEvent, TimeEventKind};
use crate::rng::Rng;
use crate::server::Mode;
use crate::time::{ms_to_nanos, secs_to_nanos, Time, SEC};
use crate::time_server;
use crate::timesync::Fault;
use crate::truth::{Judge, Truth};
use crate::world::{CustomerId, Request};
use serde::{Deserialize, Serialize};

pub mod feed;
mod ntp;

/// How long background activity outlives the sale's last arrival.
const AFTERMATH: i64 = 600 * SEC;
/// How long the time hierarchy runs alone before anything needs it.
const WARM_UP: i64 = 20 * 60 * SEC;

/// Something a teacher does to a running simulation. Live actions are recorded with
/// their instant and the number of events run before them ([`Acted`]), and
/// [`Sim::with_actions`] replays them at the same point: a restart gives the same run.
///
/// In JSON its variant is the field `action`, beside the variant's fields (a fault's
/// own): `{"action": "ntp", "server": 1, "on": false}`,
/// `{"action": "inject", "kind": "clock_bump", ..}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum Action {
    /// Set a server's clock offset (a step), ns.
    SetOffset {
        /// 0-based server.
        server: usize,
        /// The new offset, ns.
        offset_ns: i64,
    },
    /// Set a server's skew, ppm.
    SetSkew {
        /// 0-based server.
        server: usize,
        /// The new skew, ppm.
        ppm: f64,
    },
    /// Switch NTP on or off on a server.
    Ntp {
        /// 0-based server.
        server: usize,
        /// On or off.
        on: bool,
    },
    /// Inject a fault.
    Inject(Fault),
    /// Crash, hang, slow down or restart an instance.
    Instance {
        /// 0-based server.
        server: usize,
        /// Its new state.
        mode: Mode,
    },
    /// Change the gateway's balancing algorithm.
    Balance {
        /// The new algorithm.
        algorithm: Algorithm,
    },
    /// Switch the gateway's health checks on or off.
    Checks {
        /// Active checks (probes).
        active: bool,
        /// Passive checks (failed requests).
        passive: bool,
    },
    /// Crash a database node of the data path (0: `db-1`, the first primary).
    DataCrash {
        /// 0-based database node.
        node: usize,
    },
    /// Switch a server's NTP client to the other daemon's discipline.
    Discipline {
        /// 0-based server.
        server: usize,
        /// The discipline from now on.
        kind: crate::ntp::DisciplineKind,
    },
    /// Disconnect (or reconnect) the change feed's listener from the database.
    FeedListener {
        /// Reconnect (true) or disconnect.
        up: bool,
    },
    /// Cut a database node off from the control, the other nodes and every proxy for
    /// a while (it keeps running).
    DataPartition {
        /// 0-based database node.
        node: usize,
        /// For how long, s.
        seconds: f64,
    },
    /// Promote a replica (the operator's hand): it takes writes, and the proxies are
    /// repointed to it.
    DataPromote {
        /// 0-based database node.
        node: usize,
    },
    /// Fence a database node: if it is a primary it stops taking writes.
    DataFence {
        /// 0-based database node.
        node: usize,
    },
    /// Take the cache down (its memory lost) or bring it back.
    CacheDown {
        /// Down or back.
        down: bool,
    },
    /// Switch the change feed's transport (a new front end deployed): the service and
    /// every map on the page use `transport` from now on.
    FeedTransport {
        /// The transport from now on.
        transport: crate::feed::config::Transport,
    },
}

// Read and written with the tag inside, as the enum's documentation shows.
crate::json::internally_tagged!(Action, "action");

/// A live action as recorded: when, after how many events, and what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acted {
    /// True time of the action.
    pub at: Time,
    /// Events the run had processed when it happened (events at the same instant that
    /// came before it stay before it on replay).
    pub after_events: u64,
    /// What was done.
    pub action: Action,
}

/// One layer of the architecture as the diagram shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerView {
    /// Which layer.
    pub layer: Layer,
    /// Its name, as [`Layer::name`] gives it.
    pub name: &'static str,
    /// Its nodes (none if the run does not use the layer).
    pub nodes: Vec<NodeView>,
}

/// One node at a glance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeView {
    /// Its host's name, e.g. `server-2`.
    pub host: String,
    /// Its host's clock error now, ns.
    pub offset_ns: i64,
    /// Its named figures ([`crate::kernel::Node::figures`]).
    pub figures: Vec<(&'static str, f64)>,
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
#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) cfg: Config,
    pub(crate) start: Time,
    pub(crate) opening: Time,
    pub(crate) end: Time,
    pub(crate) k: Kernel,
    pub(crate) nodes: Nodes,
    pub(crate) truth: Truth,
    pub(crate) board: Hall,
    pub(crate) history: History,
    /// Samples taken so far (every second of true time).
    sampled: u64,
    /// One sample in this many is kept in [`Sim::history`] (doubles each time the
    /// history reaches [`crate::metrics::HISTORY_CAP`]).
    sample_every: u64,
    /// Faults configured or injected, by index.
    pub(crate) faults: Vec<Fault>,
    /// Live actions so far (those replayed included), in order.
    actions: Vec<Acted>,
    /// Actions still to replay, latest first.
    replay: Vec<Acted>,
    hierarchy_ready: bool,
    finished: bool,
}

impl Sim {
    /// A simulation of `cfg`, ready to run from the sale's start.
    pub fn new(cfg: Config) -> Result<Sim, ConfigError> {
        Sim::with_actions(cfg, &[])
    }

    /// A simulation of `cfg` in which `actions` (from [`Sim::actions`] of an earlier
    /// run) happen again at their instants.
    pub fn with_actions(cfg: Config, actions: &[Acted]) -> Result<Sim, ConfigError> {
        cfg.validate()?;
        Sim::check_actions(&cfg, actions)?;
        let start = cfg.sale.start();
        let opening = cfg.sale.opening();
        let end = cfg.sale.end();
        let n = cfg.servers.len();
        let seats = (cfg.hall.rows * cfg.hall.cols) as usize;
        let customers = cfg.crowd.customers as usize;

        // Every layer builds its nodes, on hosts it adds, with its routes.
        let mut k = Kernel::new(start, end + AFTERMATH, Topology::new(0));
        // One chart sample per second until the activity dies down: reserved at once,
        // so the series never grow by copying during the run.
        let samples = ((end + AFTERMATH - start) / SEC).max(0) as usize + 2;
        let nodes = Nodes::build(&cfg, &mut k);
        let judge = Judge {
            opening,
            ttl: secs_to_nanos(cfg.sale.hold_ttl_s),
            token_ttl: secs_to_nanos(cfg.sale.token_ttl_s),
            leeway: secs_to_nanos(cfg.sale.token_leeway_s),
        };
        let mut sim = Sim {
            start,
            opening,
            end,
            truth: Truth::new(judge, seats, n, customers),
            board: Hall::new(&cfg.hall),
            history: History::with_capacity(n, samples.min(crate::metrics::HISTORY_CAP)),
            sampled: 0,
            sample_every: 1,
            faults: Vec::new(),
            actions: Vec::new(),
            replay: actions.iter().rev().cloned().collect(),
            hierarchy_ready: false,
            finished: false,
            k,
            nodes,
            cfg,
        };
        sim.truth.data.maps_from_replica = sim.cfg.data.enabled && sim.cfg.data.maps_from_replica;
        if sim.cfg.feed.enabled {
            sim.board.record_changes();
        }
        // Every node arms its first timers, in the list's order; then NTP, the charts'
        // sampling and the clocks' wander.
        for &layer in Layer::ALL {
            for i in 0..sim.nodes.count(layer) {
                let a = Addr::new(layer, i as u16);
                sim.with_cx(a, |nodes, cx| nodes.start(a, cx));
            }
        }
        sim.ntp_init();
        sim.k.schedule_always(start, Sys::Sample);
        for h in 0..sim.k.hosts.len() {
            if sim.k.hosts[h].clock.wanders() {
                sim.k
                    .schedule_always(start + WANDER_STEP, Sys::Wander(h as HostId));
            }
        }
        Ok(sim)
    }

    /// Checks `actions` against `cfg` (a server, time server or node that exists, in
    /// the order they happened); the error names the first one refused, `actions[i]`.
    pub fn check_actions(cfg: &Config, actions: &[Acted]) -> Result<(), ConfigError> {
        for (i, a) in actions.iter().enumerate() {
            let field = format!("actions[{i}]");
            validate_action(&a.action, cfg, &field)?;
            if i > 0 && (a.at, a.after_events) < (actions[i - 1].at, actions[i - 1].after_events) {
                return Err(ConfigError::new(
                    field,
                    "actions must be listed in the order they happened",
                ));
            }
        }
        Ok(())
    }

    /// Runs `f` with node `a`'s context: what it does is carried out as it goes.
    #[inline]
    fn with_cx(&mut self, a: Addr, f: impl FnOnce(&mut Nodes, &mut Cx<'_>)) {
        let now = self.k.now;
        let mut cx = Cx::live(now, a, &mut self.k, &mut self.truth, &mut self.board);
        f(&mut self.nodes, &mut cx);
    }

    /// Hands `msg` from `from` to node `to` now.
    #[inline]
    fn deliver(&mut self, to: Addr, from: Addr, msg: Msg) {
        self.with_cx(to, |nodes, cx| nodes.deliver(to, from, msg, cx));
    }

    /// Runs one event.
    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Msg { to, from, msg, .. } => {
                if to != from && self.k.topology.has_cuts() {
                    // A datagram is lost if its destination is cut off when it arrives.
                    let (fh, th) = (self.k.home(from), self.k.home(to));
                    let route = self.k.topology.route(from.layer, fh, to.layer, th);
                    if !route.reliable
                        && (self.k.topology.cut_wait(th, from.layer, self.k.now) > 0
                            || self.k.topology.sever_wait(fh, th, self.k.now) > 0)
                    {
                        return;
                    }
                }
                self.deliver(to, from, msg);
            }
            Ev::Sys(s) => self.on_sys(s),
        }
        if self.board.has_changes() {
            self.capture_changes();
        }
    }

    fn on_sys(&mut self, s: Sys) {
        let now = self.k.now;
        match s {
            Sys::Sample => self.on_sample(),
            Sys::Wander(h) => {
                let host = &mut self.k.hosts[h as usize];
                host.clock.wander(now, &mut host.rng);
                self.k.schedule(now + WANDER_STEP, Sys::Wander(h));
            }
            Sys::Fault(i) => self.on_fault(i),
            Sys::Strobe(h, d) => self.k.hosts[h as usize].clock.step(now, d),
            Sys::MapExpire(r) => self.truth.map_expire(r, &mut self.board),
        }
    }

    /// The run's configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// True time now.
    pub fn now(&self) -> Time {
        self.k.now
    }

    /// Whether every customer is done and every message delivered.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.k.events
    }

    /// The trace hash so far: two runs are identical iff their hashes agree.
    pub fn trace_hash(&self) -> String {
        self.k.hash.hex()
    }

    /// Every request so far, by id.
    pub fn requests(&self) -> &[Request] {
        &self.truth.requests
    }

    /// The servers' log, in true-time order.
    pub fn log(&self) -> &[crate::log::LogRecord] {
        self.truth.log.records()
    }

    /// The charts' history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The counters so far.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.truth.metrics
    }

    /// The hall (and the seat map customers see).
    pub fn hall(&self) -> &Hall {
        &self.board
    }

    /// The checkers: every observation, every anomaly with its proof.
    pub fn truth(&self) -> &Truth {
        &self.truth
    }

    /// Every node of the run.
    pub fn nodes(&self) -> &Nodes {
        &self.nodes
    }

    /// The kernel: hosts, topology, true time.
    pub fn kernel(&self) -> &Kernel {
        &self.k
    }

    /// Every layer and its nodes at a glance, from the kernel's list of layers (what the
    /// architecture's diagram draws: a layer the run does not use has no nodes).
    pub fn layers(&self) -> Vec<LayerView> {
        let now = self.k.now;
        Layer::ALL
            .iter()
            .map(|&layer| LayerView {
                layer,
                name: layer.name(),
                nodes: (0..self.nodes.count(layer))
                    .map(|i| {
                        let a = Addr::new(layer, i as u16);
                        let host = &self.k.hosts[self.k.home(a) as usize];
                        NodeView {
                            host: host.name.clone(),
                            offset_ns: host.clock.offset(now),
                            figures: self.nodes.figures(a),
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// The live actions so far, replayed ones included (replay them with
    /// [`Sim::with_actions`]).
    pub fn actions(&self) -> &[Acted] {
        &self.actions
    }

    /// Makes `all` (a list that begins with this run's [`Sim::actions`]) the run's
    /// actions: those past are kept, the rest are replayed at their instants, and any
    /// other action this run was due to replay is forgotten (the timeline, after a live
    /// action made at an earlier position, rewrites the future).
    pub(crate) fn replay_from(&mut self, all: &[Acted]) {
        debug_assert!(all.starts_with(&self.actions), "the past is kept");
        self.replay = all[self.actions.len().min(all.len())..]
            .iter()
            .rev()
            .cloned()
            .collect();
    }

    /// Carries out the replayed actions due now: those recorded after exactly the
    /// events run so far, and (with `upto`) those of instants up to `upto`.
    fn replay_due(&mut self, upto: Option<Time>) {
        while let Some(a) = self.replay.last() {
            // The live run did it after exactly this many events, at `a.at` (never
            // later than the next event's instant). An action written by hand (a link)
            // with a count already passed is done at once rather than never.
            let due = a.after_events <= self.k.events && upto.is_none_or(|t| a.at <= t);
            if !due {
                break;
            }
            let a = self.replay.pop().expect("peeked");
            if a.at > self.k.now {
                self.k.now = a.at;
            }
            self.act(a.action);
        }
    }

    /// Processes the next event; returns false when there is none left.
    pub fn step(&mut self) -> bool {
        self.replay_due(None);
        let Some(ev) = self.k.pop() else {
            self.finish();
            return false;
        };
        self.dispatch(ev);
        if self.k.queue.is_empty() {
            self.finish();
        }
        true
    }

    /// Processes every event up to true time `t` included, then moves the clock of the
    /// simulation to `t` (even if nothing happens in between).
    pub fn run_until(&mut self, t: Time) {
        while self.k.queue.peek_time().is_some_and(|at| at <= t) {
            self.step();
        }
        self.replay_due(Some(t));
        if t > self.k.now {
            self.k.now = t;
        }
    }

    /// Plays towards true time `t` as [`Sim::run_until`] does, but stops after about
    /// `max_events` events, at the end of an instant (every event of the instant it
    /// stops at is processed, then the clock is there: the state of
    /// `run_until(self.now())`). Returns true if it reached `t`. A caller with a time
    /// budget (the app's frame) checks its clock between calls: one call never runs much
    /// more than `max_events` events, however busy the instants up to `t` are.
    pub fn run_until_at_most(&mut self, t: Time, max_events: u64) -> bool {
        let cap = self.k.events.saturating_add(max_events);
        while self.k.events < cap {
            if self.k.queue.peek_time().is_none_or(|at| at > t) {
                self.run_until(t);
                return true;
            }
            self.step();
        }
        let now = self.k.now;
        self.run_until(now);
        now >= t
    }

    /// Runs to the end: every customer done, every message delivered.
    pub fn run(&mut self) {
        while self.step() {}
    }

    fn on_sample(&mut self) {
        let now = self.k.now;
        // Storage, not the run: which samples are kept changes no event.
        let keep = self.sampled.is_multiple_of(self.sample_every);
        self.sampled += 1;
        if keep {
            self.history.t.push(now);
            for i in 0..self.cfg.servers.len() {
                let h = self.server_host(i) as usize;
                self.history.offsets[i].push(self.k.hosts[h].clock.offset(now));
                // The mean since the previous point kept.
                let (sum, n) = std::mem::take(&mut self.truth.windows[i]);
                self.history.response_ms[i].push(if n == 0 {
                    f32::NAN
                } else {
                    (sum as f64 / n as f64 / 1e6) as f32
                });
            }
        }
        self.ntp_sample(keep);
        self.truth.metrics.order_inversions = self.truth.log.inversions();
        if keep {
            self.history.metrics.push(self.truth.metrics);
            if self.history.len() >= crate::metrics::HISTORY_CAP {
                self.history.halve();
                self.sample_every *= 2;
            }
        }
        self.k.schedule(now + SEC, Sys::Sample);
    }

    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.truth.settle_all(self.k.now);
        self.truth.metrics.order_inversions = self.truth.log.inversions();
    }

    /// Adds a scripted customer who logs in and clicks `seat` at true time `at`, through
    /// server `server` (0-based), once, without retrying; they pay like the crowd does
    /// (`crowd.pay_fraction`). For hand-computed cases and classroom walk-throughs.
    ///
    /// Returns the customer's id, or `None` if the run is over, `at` is in the past, or
    /// the seat or the server does not exist.
    pub fn script_click(&mut self, at: Time, seat: SeatId, server: usize) -> Option<CustomerId> {
        if self.finished
            || at < self.k.now
            || seat as usize >= self.truth.seats.len()
            || server >= self.cfg.servers.len()
        {
            return None;
        }
        let crowd = Addr::new(Layer::Crowd, 0);
        let id = self.nodes.crowd[0].add_scripted(seat, server as u8, at);
        if let Some(g) = self.nodes.gateways.first_mut() {
            g.pin(id, server as u8);
        }
        self.truth.login(id, at);
        self.k.push(
            at,
            Ev::Msg {
                to: crowd,
                from: crowd,
                msg: crate::crowd::Msg::Click(id).into(),
            },
            false,
        );
        Some(id)
    }

    /// Records a live action now and carries it out.
    fn act(&mut self, a: Action) {
        self.actions.push(Acted {
            at: self.k.now,
            after_events: self.k.events,
            action: a.clone(),
        });
        self.apply(a);
    }

    fn apply(&mut self, a: Action) {
        let now = self.k.now;
        let n = self.cfg.servers.len();
        match a {
            Action::SetOffset { server, offset_ns } if server < n => {
                let h = self.server_host(server) as usize;
                self.k.hosts[h].clock.set_offset(now, offset_ns);
                self.k.mix(0xE0 << 56 | server as u64);
                self.k.mix(offset_ns as u64);
            }
            Action::SetSkew { server, ppm } if server < n => {
                let h = self.server_host(server) as usize;
                self.k.hosts[h].clock.set_skew_ppm(now, ppm);
                self.k.mix(0xE1 << 56 | server as u64);
                self.k.mix(ppm.to_bits());
            }
            Action::Ntp { server, on } => self.switch_ntp(server, on),
            Action::Inject(fault) => {
                let due = Time::from_secs_f64(fault.at_s()) <= now;
                self.schedule_fault(fault);
                if due {
                    self.on_fault(self.faults.len() as u16 - 1);
                }
                self.k.mix(0xE3 << 56 | self.faults.len() as u64);
            }
            Action::Instance { server, mode } if server < n => {
                let a = Addr::new(Layer::Server, server as u16);
                self.deliver(a, a, server::Msg::Fault(mode).into());
                self.k.mix(0xE4 << 56 | server as u64);
            }
            Action::Balance { algorithm } if !self.nodes.gateways.is_empty() => {
                let a = Addr::new(Layer::Gateway, 0);
                self.deliver(a, a, gateway::Msg::SetAlgorithm(algorithm).into());
                self.k.mix(0xE5 << 56 | algorithm as u64);
            }
            Action::Checks { active, passive } if !self.nodes.gateways.is_empty() => {
                let a = Addr::new(Layer::Gateway, 0);
                self.deliver(a, a, gateway::Msg::SetChecks { active, passive }.into());
                self.k
                    .mix(0xE6 << 56 | (active as u64) << 1 | passive as u64);
            }
            Action::DataCrash { node } if node < self.nodes.data.len() => {
                let a = Addr::new(Layer::Data, node as u16);
                self.deliver(a, a, crate::msg::data::Msg::Crash.into());
                self.k.mix(0xE7 << 56 | node as u64);
            }
            Action::Discipline { server, kind } if server < n => {
                let a = Addr::new(Layer::NtpClient, server as u16);
                self.deliver(a, a, ntp_client::Msg::Discipline(kind).into());
                self.k.mix(0xE8 << 56 | (server as u64) << 1 | kind as u64);
            }
            Action::FeedListener { up } if !self.nodes.feed.is_empty() => {
                let a = crate::feed::SERVICE;
                let m = if up {
                    crate::feed::Msg::ListenerUp
                } else {
                    crate::feed::Msg::ListenerDown
                };
                self.deliver(a, a, m.into());
                self.k.mix(0xE9 << 56 | up as u64);
            }
            Action::DataPartition { node, seconds } if node < self.nodes.data.len() => {
                let me = self.k.homes(Layer::Data)[node];
                let mut others: Vec<_> = [Layer::Data, Layer::DataControl, Layer::Server]
                    .iter()
                    .flat_map(|&l| self.k.homes(l).to_vec())
                    .filter(|&h| h != me)
                    .collect();
                others.dedup();
                let to = now + crate::time::secs_to_nanos(seconds);
                for o in others {
                    self.k.topology.sever(me, o, now, to);
                }
                self.k.mix(0xF0 << 56 | node as u64);
                self.k.mix(seconds.to_bits());
            }
            Action::DataPromote { node } if node < self.nodes.data.len() => {
                let a = Addr::new(Layer::Data, node as u16);
                self.deliver(a, a, crate::msg::data::Msg::Promote.into());
                self.k.mix(0xF1 << 56 | node as u64);
            }
            Action::DataFence { node } if node < self.nodes.data.len() => {
                let a = Addr::new(Layer::Data, node as u16);
                self.deliver(a, a, crate::msg::data::Msg::Fence.into());
                self.k.mix(0xF2 << 56 | node as u64);
            }
            Action::CacheDown { down } if !self.nodes.caches.is_empty() => {
                let a = Addr::new(Layer::Cache, 0);
                let m = if down {
                    crate::msg::cache::Msg::Down
                } else {
                    crate::msg::cache::Msg::Up
                };
                self.deliver(a, a, m.into());
                self.k.mix(0xF3 << 56 | down as u64);
            }
            Action::FeedTransport { transport } if !self.nodes.feed.is_empty() => {
                let a = crate::feed::SERVICE;
                self.deliver(a, a, crate::feed::Msg::SetTransport(transport).into());
                let crowd = Addr::new(Layer::Crowd, 0);
                let m = crate::msg::crowd::Msg::FeedTransport(transport);
                self.deliver(crowd, crowd, m.into());
                self.k.mix(0xF4 << 56 | transport as u64);
            }
            _ => {}
        }
        if self.board.has_changes() {
            self.capture_changes();
        }
    }

    /// Switches reservation server `server`'s NTP client (0-based) to the discipline
    /// `kind` now: the daemon is replaced, the new one starting from the frequency the
    /// old one learnt and bursting (nothing if it already runs `kind`).
    pub fn set_discipline(&mut self, server: usize, kind: crate::ntp::DisciplineKind) {
        if self.ntp_discipline(server).is_some_and(|k| k != kind) {
            self.act(Action::Discipline { server, kind });
        }
    }

    /// The discipline reservation server `server`'s NTP client runs (or will run).
    pub fn ntp_discipline(&self, server: usize) -> Option<crate::ntp::DisciplineKind> {
        self.nodes.ntp_clients.get(server).map(|c| c.discipline())
    }

    /// Crashes database node `node` (0-based; 0 is `db-1`, the first primary) of the
    /// data path now; a run without the data path, or an unknown node, is refused.
    pub fn crash_data_node(&mut self, node: usize) -> Result<(), ConfigError> {
        let a = Action::DataCrash { node };
        validate_action(&a, &self.cfg, "data")?;
        self.act(a);
        Ok(())
    }

    /// Cuts database node `node` off from the control, the other nodes and every
    /// proxy for `seconds` from now (a partition: it keeps running).
    pub fn partition_data_node(&mut self, node: usize, seconds: f64) -> Result<(), ConfigError> {
        let a = Action::DataPartition { node, seconds };
        validate_action(&a, &self.cfg, "data")?;
        self.act(a);
        Ok(())
    }

    /// Promotes database node `node` now (the operator's hand; a node that is not a
    /// replica ignores it).
    pub fn promote_data_node(&mut self, node: usize) -> Result<(), ConfigError> {
        let a = Action::DataPromote { node };
        validate_action(&a, &self.cfg, "data")?;
        self.act(a);
        Ok(())
    }

    /// Fences database node `node` now: a primary stops taking writes.
    pub fn fence_data_node(&mut self, node: usize) -> Result<(), ConfigError> {
        let a = Action::DataFence { node };
        validate_action(&a, &self.cfg, "data")?;
        self.act(a);
        Ok(())
    }

    /// Takes the cache down now (`down`), or brings it back empty.
    pub fn set_cache_down(&mut self, down: bool) -> Result<(), ConfigError> {
        let a = Action::CacheDown { down };
        validate_action(&a, &self.cfg, "cache")?;
        self.act(a);
        Ok(())
    }

    /// The cache, if the run has one.
    pub fn cache(&self) -> Option<&crate::cache::Cache> {
        self.nodes.caches.first()
    }

    /// Crashes, hangs, slows down or restarts instance `server` (0-based) now; an
    /// unknown server or a slowdown factor outside 1–100 is refused by name.
    pub fn set_instance(&mut self, server: usize, mode: Mode) -> Result<(), ConfigError> {
        let a = Action::Instance { server, mode };
        validate_action(&a, &self.cfg, "instance")?;
        self.act(a);
        Ok(())
    }

    /// Changes the gateway's balancing algorithm now (nothing without a gateway).
    pub fn set_balancing(&mut self, algorithm: Algorithm) {
        if !self.nodes.gateways.is_empty() {
            self.act(Action::Balance { algorithm });
        }
    }

    /// Switches the gateway's health checks now (nothing without a gateway).
    pub fn set_checks(&mut self, active: bool, passive: bool) {
        if !self.nodes.gateways.is_empty() {
            self.act(Action::Checks { active, passive });
        }
    }

    /// The gateway, if the run has one.
    pub fn gateway(&self) -> Option<&crate::gateway::Gateway> {
        self.nodes.gateways.first()
    }

    /// Instance `server`'s state (up, crashed, hung, slow).
    pub fn instance_mode(&self, server: usize) -> Option<Mode> {
        self.nodes.servers.get(server).map(|s| s.mode())
    }

    /// Changes a server's clock offset now (a teacher's slider): a step.
    pub fn set_server_offset(&mut self, server: usize, offset_ns: i64) {
        if server < self.cfg.servers.len() {
            self.act(Action::SetOffset { server, offset_ns });
        }
    }

    /// Changes a server's skew now, in ppm.
    pub fn set_server_skew(&mut self, server: usize, ppm: f64) {
        if server < self.cfg.servers.len() {
            self.act(Action::SetSkew { server, ppm });
        }
    }

    /// A server's clock.
    pub fn clock(&self, server: usize) -> &Clock {
        &self.k.hosts[self.server_host(server) as usize].clock
    }

    /// The host of reservation server `i` (0-based).
    /// How long the gateway has had server `i` marked down so far, ns by its clock (0
    /// without a gateway).
    pub fn marked_down_ns(&self, i: usize) -> i64 {
        let Some(g) = self.nodes.gateways.first() else {
            return 0;
        };
        let h = self.k.home(Addr::new(Layer::Gateway, 0)) as usize;
        g.down_ns(i, self.k.hosts[h].clock.read(self.k.now))
    }

    fn server_host(&self, i: usize) -> HostId {
        self.k.home(Addr::new(Layer::Server, i as u16))
    }

    /// Switches NTP on or off on reservation server `server` (0-based), now. On: a
    /// fresh client starts with an `iburst`; off: the clock free-runs from here.
    pub fn set_ntp(&mut self, server: usize, on: bool) {
        if server >= self.cfg.servers.len() || self.ntp_on(server) == on {
            return;
        }
        self.act(Action::Ntp { server, on });
    }

    fn switch_ntp(&mut self, server: usize, on: bool) {
        if server >= self.cfg.servers.len() || self.ntp_on(server) == on {
            return;
        }
        self.ensure_hierarchy();
        self.k.mix(0xE2 << 56 | (server as u64) << 1 | on as u64);
        let a = Addr::new(Layer::NtpClient, server as u16);
        self.deliver(a, a, ntp_client::Msg::Switch(on).into());
    }

    /// Injects a fault: now if its time has come, else when it does. The fault is
    /// checked first; an invalid one is refused with the reason.
    pub fn inject(&mut self, fault: Fault) -> Result<(), ConfigError> {
        fault.validate("fault", self.cfg.servers.len(), self.cfg.ntp.servers.len())?;
        self.act(Action::Inject(fault));
        Ok(())
    }

    fn ntp_init(&mut self) {
        let cfg = self.cfg.ntp.clone();
        if cfg.enabled || !cfg.faults.is_empty() {
            self.ensure_hierarchy();
        }
        // Faults due at the start are in place before the first NTP packet leaves.
        for fault in cfg.faults {
            let due = Time::from_secs_f64(fault.at_s()) <= self.k.now;
            self.schedule_fault(fault);
            if due {
                self.on_fault(self.faults.len() as u16 - 1);
            }
        }
        if cfg.enabled {
            for i in 0..self.cfg.servers.len() {
                self.switch_ntp(i, true);
            }
            // The data path's database nodes run NTP too (no node without it).
            for i in 0..self.nodes.data_ntp.len() {
                let a = Addr::new(Layer::DataNtp, i as u16);
                let m = crate::msg::ntp_client::DbMsg(ntp_client::Msg::Switch(true));
                self.deliver(a, a, m.into());
            }
        }
    }

    fn time_host(&self, j: usize) -> HostId {
        self.k.home(Addr::new(Layer::TimeServer, j as u16))
    }

    /// Brings the time hierarchy to life the first time anything needs it (a client, a
    /// fault): it has been running long before, so it is first warmed up alone for
    /// [`WARM_UP`], on a queue of its own, until the stratum-2 servers are synchronised.
    /// A run that never uses NTP never pays for it.
    fn ensure_hierarchy(&mut self) {
        if self.hierarchy_ready {
            return;
        }
        self.hierarchy_ready = true;
        let now = self.k.now;
        let from = now - WARM_UP;
        let cfg = self.cfg.ntp.clone();
        for (j, s) in cfg.servers.iter().enumerate() {
            let h = self.time_host(j) as usize;
            let clock = Clock::new(&s.clock, from);
            let agent = if s.stratum > 1 {
                // Stratum-2 servers have run for months: their drift file is right.
                let cc = ClientConfig {
                    sources: s.upstream.clone(),
                    drift_ppm: Some(-s.clock.skew_ppm),
                    ..Default::default()
                };
                NtpAgent::new(Some(
                    Client::new(&cc, clock.read(from))
                        .expect("validated upstream")
                        .with_address(j),
                ))
            } else {
                NtpAgent::default()
            };
            self.k.hosts[h] = Host::new(
                s.name.clone(),
                clock,
                Rng::stream(self.cfg.seed, time_server::STREAM + j as u64),
            );
            self.nodes.time_servers[j].agent = agent;
        }
        let main = std::mem::take(&mut self.k.queue);
        let pending = std::mem::replace(&mut self.k.pending, 1);
        let (hash, events) = (self.k.hash, self.k.events);
        self.k.now = from;
        for j in 0..cfg.servers.len() {
            if self.nodes.time_servers[j].agent.running() {
                let a = Addr::new(Layer::TimeServer, j as u16);
                self.deliver(a, a, time_server::Msg::Wake(0).into());
            }
        }
        while self.k.queue.peek_time().is_some_and(|t| t < now) {
            let ev = self.k.pop().expect("peeked");
            self.dispatch(ev);
        }
        // What the hierarchy still has in flight joins the run's queue.
        let mut rest = std::mem::replace(&mut self.k.queue, main);
        while let Some((at, ev, background, left)) = rest.pop_noted() {
            debug_assert!(background, "only NTP traffic runs during the warm-up");
            self.k.queue.push_noted(at, ev, background, left);
        }
        self.k.pending = pending;
        self.k.now = now;
        self.k.hash = hash;
        self.k.events = events;
        self.k.mix(0xE4 << 56 | now.0 as u64);
    }

    /// Files a fault and, unless it is due now, schedules it.
    fn schedule_fault(&mut self, fault: Fault) {
        let at = Time::from_secs_f64(fault.at_s());
        let idx = self.faults.len() as u16;
        self.faults.push(fault);
        if at > self.k.now {
            self.k.schedule_always(at, Sys::Fault(idx));
        }
    }

    fn on_fault(&mut self, idx: u16) {
        self.ensure_hierarchy();
        let fault = self.faults[idx as usize].clone();
        let now = self.k.now;
        let window = |a: f64, b: f64| (Time::from_secs_f64(a).max(now), Time::from_secs_f64(b));
        let node = match fault {
            Fault::Falseticker { source, lie_ms, .. } => {
                let a = Addr::new(Layer::TimeServer, source as u16);
                self.deliver(a, a, time_server::Msg::Lie(ms_to_nanos(lie_ms)).into());
                Node::Tsv(source as u8)
            }
            Fault::Asymmetry {
                server,
                out_ms,
                back_ms,
                ..
            } => {
                let i = server as usize - 1;
                let base = self
                    .cfg
                    .ntp
                    .servers
                    .first()
                    .map_or_else(crate::timesync::lan, |s| s.link.clone());
                let link = LinkConfig {
                    base_ms: out_ms,
                    return_base_ms: Some(back_ms),
                    ..base
                };
                let h = self.server_host(i) as usize;
                self.k.topology.time_routes[h] = Some(Link::new(&link));
                Node::Res(i as u8)
            }
            Fault::SourceDown {
                source,
                from_s,
                to_s,
            } => {
                let (from, to) = window(from_s, to_s);
                let host = self.time_host(source);
                self.k.topology.cut(Cut {
                    host,
                    from,
                    to,
                    only: None,
                });
                Node::Tsv(source as u8)
            }
            Fault::ClockBump {
                server, delta_ms, ..
            } => {
                let i = server as usize - 1;
                let h = self.server_host(i) as usize;
                self.k.hosts[h].clock.step(now, ms_to_nanos(delta_ms));
                Node::Res(i as u8)
            }
            Fault::Strobe {
                server,
                amplitude_ms,
                period_s,
                from_s,
                to_s,
            } => {
                let i = server as usize - 1;
                let h = self.server_host(i);
                let (a, b) = window(from_s, to_s);
                let period = secs_to_nanos(period_s);
                let amp = ms_to_nanos(amplitude_ms);
                let (mut t, mut k) = (a, 0u32);
                while t < b {
                    let d = if k % 2 == 0 { amp } else { -amp };
                    self.k.schedule_always(t, Sys::Strobe(h, d));
                    t += period;
                    k += 1;
                }
                if k % 2 == 1 {
                    // Leave the clock where it started.
                    self.k.schedule_always(b, Sys::Strobe(h, -amp));
                }
                Node::Res(i as u8)
            }
            Fault::NtpPartition {
                server,
                from_s,
                to_s,
            } => {
                let i = server as usize - 1;
                let (from, to) = window(from_s, to_s);
                self.k.topology.cut(Cut {
                    host: self.server_host(i),
                    from,
                    to,
                    only: Some(Layer::TimeServer),
                });
                Node::Res(i as u8)
            }
            Fault::Switch { server, on, .. } => {
                self.switch_ntp(server as usize - 1, on);
                return;
            }
            Fault::Spoofed {
                source, offset_ms, ..
            } => {
                let a = Addr::new(Layer::TimeServer, source as u16);
                let msg = time_server::Msg::Spoof(ms_to_nanos(offset_ms));
                self.deliver(a, a, msg.into());
                Node::Tsv(source as u8)
            }
        };
        self.truth.time_events.push(TimeEvent {
            t: now,
            node,
            what: TimeEventKind::Fault(fault),
        });
    }

    /// Reservation server `server`'s NTP client, while NTP runs there.
    pub fn ntp_client(&self, server: usize) -> Option<&crate::ntp::Client> {
        self.nodes.ntp_clients.get(server)?.agent.client.as_ref()
    }

    /// Whether reservation server `server` runs NTP.
    pub fn ntp_on(&self, server: usize) -> bool {
        self.nodes
            .ntp_clients
            .get(server)
            .is_some_and(|c| c.agent.running())
    }
}

/// Checks a replayed action against the config it runs on.
fn validate_action(a: &Action, cfg: &Config, field: &str) -> Result<(), ConfigError> {
    let n = cfg.servers.len();
    let server = |s: usize| {
        crate::config::check_range(
            &format!("{field}.server"),
            s as f64,
            0.0,
            n as f64 - 1.0,
            " (a 0-based server index)",
        )
    };
    match a {
        Action::SetOffset { server: s, .. }
        | Action::Ntp { server: s, .. }
        | Action::Discipline { server: s, .. } => server(*s),
        Action::SetSkew { server: s, ppm } => {
            server(*s)?;
            crate::config::check_range(&format!("{field}.ppm"), *ppm, -1000.0, 1000.0, " ppm")
        }
        Action::Inject(f) => f.validate(field, n, cfg.ntp.servers.len()),
        Action::Instance { server: s, mode } => {
            server(*s)?;
            match mode {
                Mode::Slow { factor } => crate::config::check_range(
                    &format!("{field}.mode.factor"),
                    *factor as f64,
                    1.0,
                    100.0,
                    "",
                ),
                _ => Ok(()),
            }
        }
        Action::Balance { .. } | Action::Checks { .. } if !cfg.gateway.enabled => Err(
            ConfigError::new(field, "the scenario has no gateway".to_string()),
        ),
        Action::Balance { .. } | Action::Checks { .. } => Ok(()),
        Action::FeedListener { .. } | Action::FeedTransport { .. } if !cfg.feed.enabled => {
            Err(ConfigError::new(
                field,
                "the scenario has no change feed (feed.enabled)".to_string(),
            ))
        }
        Action::FeedListener { .. } | Action::FeedTransport { .. } => Ok(()),
        Action::DataCrash { .. }
        | Action::DataPartition { .. }
        | Action::DataPromote { .. }
        | Action::DataFence { .. }
            if !cfg.data.enabled =>
        {
            Err(ConfigError::new(
                field,
                "the scenario has no data path (data.enabled)".to_string(),
            ))
        }
        Action::DataPartition { seconds, .. } if !(1.0..=3600.0).contains(seconds) => {
            crate::config::check_range(&format!("{field}.seconds"), *seconds, 1.0, 3600.0, " s")
        }
        Action::DataCrash { node }
        | Action::DataPartition { node, .. }
        | Action::DataPromote { node }
        | Action::DataFence { node } => crate::config::check_range(
            &format!("{field}.node"),
            *node as f64,
            0.0,
            cfg.data.replicas as f64,
            " (a 0-based database node)",
        ),
        Action::CacheDown { .. } if !cfg.cache.enabled => Err(ConfigError::new(
            field,
            "the scenario has no cache (cache.enabled)".to_string(),
        )),
        Action::CacheDown { .. } => Ok(()),
    }
}
