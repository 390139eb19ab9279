//! The change feed: the database's changes pushed (or polled) to every customer's
//! seat map.
//!
//! Two nodes, and the customers' side in [`client`]:
//!
//! - **The capture** ([`Capture`], layer `feed_capture`) reads the database's log on
//!   the database's host (the single database, or the first primary on the data path):
//!   each change of a seat gets a log position (`lsn`) and the commit's timestamp by the
//!   database's clock, and goes to the notification service over a connection (FIFO,
//!   the `lan`'s base delay). With `log` capture it keeps the log and replays it from a
//!   position on request.
//! - **The notification service** ([`Service`], layer `feed`, on a host of its own with
//!   its own clock) publishes each change in its stream and reports its lag as
//!   monitoring tools do: its clock's reading minus the commit's timestamp, two clocks.
//!   It pushes to every open connection (SSE or WebSocket), or answers polls (short or
//!   long). Its listener (its connection to the database) can drop: with `notify`
//!   capture, what is broadcast meanwhile is lost; with `log` capture the service
//!   resumes from the position it last committed, so the changes it had read since are
//!   delivered twice (at least once).
//!
//! Every message between the service and a customer's browser takes that connection's
//! latency (drawn by the browser when it opens the page).

pub mod client;
pub mod config;

use crate::clock::Clock;
use crate::config::Config;
use crate::host::Host;
use crate::kernel::{Build, Cx, Depart, Ev, Kernel, Node, Route};
pub use crate::msg::feed::{CaptureMsg, Change, Item, ItemKind, Msg, Pos, FROM_NOW};
use crate::msg::{Addr, Layer};
use crate::net::{Jitter, LinkConfig, Way};
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::{ms_to_nanos, secs_to_nanos, Time};
use crate::world::CustomerId;
use config::{Capture as CaptureMode, FeedConfig, Transport};
use std::collections::BTreeSet;

/// The capture's address.
pub const CAPTURE: Addr = Addr::new(Layer::FeedCapture, 0);
/// The notification service's address.
pub const SERVICE: Addr = Addr::new(Layer::Feed, 0);
const CROWD: Addr = Addr::new(Layer::Crowd, 0);

/// The capture: reads the database's log and ships each change to the service.
#[derive(Clone, Debug, Default)]
pub struct Capture {
    /// Every change so far, by log position.
    log: Vec<Change>,
    /// Whether it keeps the log to replay (`log` capture).
    replays: bool,
}

impl Capture {
    /// A capture; `replays`: it can replay its log (`log` capture).
    pub fn new(replays: bool) -> Capture {
        Capture {
            log: Vec::new(),
            replays,
        }
    }

    /// Changes captured so far.
    pub fn captured(&self) -> u32 {
        self.log.len() as u32
    }
}

impl Node for Capture {
    type Msg = CaptureMsg;

    fn on_msg(&mut self, _from: Addr, msg: CaptureMsg, cx: &mut Cx<'_>) {
        match msg {
            CaptureMsg::Commit { seat, free } => {
                let lsn = self.log.len() as u32;
                let c = Change {
                    lsn,
                    seat,
                    free,
                    stamp: cx.local(),
                };
                self.log.push(c);
                cx.observe(Obs::FeedCaptured { lsn });
                cx.send(SERVICE, Msg::Change(c));
            }
            CaptureMsg::Resume { lsn } if self.replays => {
                for i in lsn as usize..self.log.len() {
                    cx.send(SERVICE, Msg::Change(self.log[i]));
                }
            }
            CaptureMsg::Resume { .. } => {}
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![("captured", self.log.len() as f64)]
    }
}

/// One browser's connection (or polling session) as the service knows it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Conn {
    /// Open (push) or a poll parked (long polling).
    open: bool,
    /// The connection's one-way latency, ns.
    latency: i64,
    /// The next position to send it.
    next: Pos,
    /// Last time something was sent on it (service clock).
    last_sent: Time,
    /// Notify then fetch: pinged, its fetch not in yet.
    pinged: bool,
}

/// The notification service.
#[derive(Clone, Debug)]
pub struct Service {
    /// The config it was built from (a live switch of transport rereads it).
    cfg: FeedConfig,
    capture: CaptureMode,
    transport: Transport,
    notify_fetch: bool,
    batch: i64,
    idle_timeout: i64,
    commit_every: i64,
    /// The published stream, by position.
    stream: Vec<Change>,
    listening: bool,
    /// `log` capture: the next log position to read, and the last committed.
    read_next: u32,
    committed: u32,
    /// Changes read ahead of a gap (the connection is FIFO, but a replay starts over).
    ahead: std::collections::BTreeMap<u32, Change>,
    conns: Vec<Conn>,
    /// Open connections (push) or parked polls (long polling), by customer.
    open: BTreeSet<CustomerId>,
    flush_armed: bool,
    /// The idle check's timer is pending.
    idle_armed: bool,
    /// Requests received (connections opened, polls, fetches): the load it takes.
    pub requests: u64,
    /// Items sent to browsers.
    pub sent: u64,
}

impl Service {
    /// A service as `cfg` describes it.
    pub fn new(cfg: &FeedConfig) -> Service {
        Service {
            cfg: cfg.clone(),
            capture: cfg.capture,
            transport: cfg.transport,
            notify_fetch: cfg.notify_fetch && cfg.pushes(),
            batch: if cfg.pushes() {
                ms_to_nanos(cfg.batch_ms)
            } else {
                0
            },
            idle_timeout: if cfg.pushes() {
                secs_to_nanos(cfg.idle_timeout_s)
            } else {
                0
            },
            commit_every: ms_to_nanos(cfg.commit_every_ms),
            stream: Vec::new(),
            listening: true,
            read_next: 0,
            committed: 0,
            ahead: std::collections::BTreeMap::new(),
            conns: Vec::new(),
            open: BTreeSet::new(),
            flush_armed: false,
            idle_armed: false,
            requests: 0,
            sent: 0,
        }
    }

    /// Whether its listener is connected to the database.
    pub fn listening(&self) -> bool {
        self.listening
    }

    /// Changes published so far (replays counted again).
    pub fn published(&self) -> u32 {
        self.stream.len() as u32
    }

    /// Connections open (push) or polls parked (long polling) now.
    pub fn connections(&self) -> usize {
        self.open.len()
    }

    fn conn(&mut self, c: CustomerId) -> &mut Conn {
        if self.conns.len() <= c as usize {
            self.conns.resize(c as usize + 1, Conn::default());
        }
        &mut self.conns[c as usize]
    }

    fn on_change(&mut self, c: Change, cx: &mut Cx<'_>) {
        if !self.listening {
            // Nobody listens: a broadcast is lost; the log will be read again.
            return;
        }
        if self.capture == CaptureMode::Notify {
            return self.publish(c, cx);
        }
        if c.lsn < self.read_next {
            // Read before a replay started over: it comes again in order.
            return;
        }
        self.ahead.insert(c.lsn, c);
        while let Some(c) = self.ahead.remove(&self.read_next) {
            self.read_next += 1;
            self.publish(c, cx);
        }
    }

    /// A change enters the stream: the lag is reported, and the maps hear of it.
    fn publish(&mut self, c: Change, cx: &mut Cx<'_>) {
        let now = cx.local();
        self.stream.push(c);
        cx.observe(Obs::FeedPublished {
            lsn: c.lsn,
            reported_ns: now - c.stamp,
        });
        match self.transport {
            Transport::Sse if self.batch > 0 => {
                if !self.flush_armed {
                    self.flush_armed = true;
                    cx.wake_in(self.batch, Msg::Flush);
                }
            }
            Transport::Sse => self.push_all(cx),
            Transport::LongPolling => {
                let parked: Vec<CustomerId> = self.open.iter().copied().collect();
                for k in parked {
                    self.open.remove(&k);
                    self.conns[k as usize].open = false;
                    self.answer(k, cx);
                }
            }
            Transport::ShortPolling => {}
        }
    }

    /// Sends every open connection what it has not had (or a ping to fetch it).
    fn push_all(&mut self, cx: &mut Cx<'_>) {
        let open: Vec<CustomerId> = self.open.iter().copied().collect();
        for k in open {
            if self.notify_fetch {
                let conn = &mut self.conns[k as usize];
                if !conn.pinged && (conn.next as usize) < self.stream.len() {
                    conn.pinged = true;
                    let item = ping(k, conn.next);
                    self.send(k, item, cx);
                }
            } else {
                self.send_from(k, false, cx);
            }
        }
    }

    /// Sends customer `k` the stream from its next position; `answer`: it is a poll's
    /// answer (its last item says so, an empty one too).
    fn send_from(&mut self, k: CustomerId, answer: bool, cx: &mut Cx<'_>) {
        let from = self.conns[k as usize].next as usize;
        let end = self.stream.len();
        if answer && from >= end {
            let item = Item {
                customer: k,
                kind: ItemKind::Empty,
                pos: end as Pos,
                lsn: 0,
                seat: 0,
                free: false,
            };
            return self.send(k, item, cx);
        }
        for p in from..end {
            let c = self.stream[p];
            let kind = if answer && p + 1 == end {
                ItemKind::LastChange
            } else {
                ItemKind::Change
            };
            let item = Item {
                customer: k,
                kind,
                pos: p as Pos,
                lsn: c.lsn,
                seat: c.seat,
                free: c.free,
            };
            self.send(k, item, cx);
        }
        self.conns[k as usize].next = end as Pos;
    }

    fn answer(&mut self, k: CustomerId, cx: &mut Cx<'_>) {
        self.send_from(k, true, cx);
    }

    fn send(&mut self, k: CustomerId, item: Item, cx: &mut Cx<'_>) {
        let now = cx.local();
        let conn = &mut self.conns[k as usize];
        conn.last_sent = now;
        let latency = conn.latency;
        self.sent += 1;
        cx.send_at(
            CROWD,
            crate::msg::crowd::Msg::Feed(item),
            Depart::After(latency),
        );
    }

    fn on_poll(&mut self, k: CustomerId, since: Pos, latency: i64, cx: &mut Cx<'_>) {
        self.requests += 1;
        let end = self.stream.len() as Pos;
        let (notify_fetch, transport) = (self.notify_fetch, self.transport);
        let conn = self.conn(k);
        conn.latency = latency;
        conn.next = if since == FROM_NOW {
            end
        } else {
            since.min(end)
        };
        conn.pinged = false;
        if notify_fetch {
            // A fetch after a ping: the connection stays open.
            return self.answer(k, cx);
        }
        if transport == Transport::LongPolling && conn.next >= end {
            conn.open = true;
            self.open.insert(k);
            return;
        }
        self.answer(k, cx);
    }

    fn on_connect(&mut self, k: CustomerId, from: Pos, latency: i64, cx: &mut Cx<'_>) {
        self.requests += 1;
        let now = cx.local();
        let end = self.stream.len() as Pos;
        let conn = self.conn(k);
        conn.open = true;
        conn.latency = latency;
        conn.last_sent = now;
        conn.pinged = false;
        conn.next = if from == FROM_NOW { end } else { from.min(end) };
        let next = conn.next;
        self.open.insert(k);
        if next < end {
            // Resumed with `Last-Event-ID`: what it missed, at once.
            if self.notify_fetch {
                self.conns[k as usize].pinged = true;
                let item = ping(k, self.conns[k as usize].next);
                self.send(k, item, cx);
            } else {
                self.send_from(k, false, cx);
            }
        }
    }

    fn on_idle_check(&mut self, cx: &mut Cx<'_>) {
        if self.idle_timeout == 0 {
            // Switched to polling meanwhile: nothing is kept open, the checks stop.
            self.idle_armed = false;
            return;
        }
        let now = cx.local();
        let open: Vec<CustomerId> = self.open.iter().copied().collect();
        for k in open {
            let conn = self.conns[k as usize];
            if now - conn.last_sent >= self.idle_timeout {
                self.open.remove(&k);
                self.conns[k as usize].open = false;
                let item = Item {
                    customer: k,
                    kind: ItemKind::Closed,
                    pos: conn.next,
                    lsn: 0,
                    seat: 0,
                    free: false,
                };
                self.send(k, item, cx);
            }
        }
        cx.wake_in_background(self.idle_timeout / 2, Msg::IdleCheck);
    }

    fn on_listener(&mut self, up: bool, cx: &mut Cx<'_>) {
        if self.listening == up {
            return;
        }
        self.listening = up;
        cx.observe(Obs::FeedListener { up });
        if up && self.capture == CaptureMode::Log {
            // Resume from the last committed position: what was read since comes again.
            self.read_next = self.committed;
            self.ahead.clear();
            cx.send(
                CAPTURE,
                CaptureMsg::Resume {
                    lsn: self.committed,
                },
            );
        }
    }
}

impl Service {
    /// The transport it serves.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// A new front end is deployed with transport `t` (a live action): the
    /// transport's settings are reread from the config (notify then fetch, batching
    /// and the idle timeout go with push). Every connection kept open is dropped (the
    /// browsers switch too, see [`client::Maps::set_transport`]); polls parked by
    /// long polling are answered now, so that each browser gets its answer and goes
    /// on with the new transport.
    fn on_set_transport(&mut self, t: Transport, cx: &mut Cx<'_>) {
        if t == self.transport {
            return;
        }
        let was = self.transport;
        let open: Vec<CustomerId> = std::mem::take(&mut self.open).into_iter().collect();
        for k in open {
            self.conns[k as usize].open = false;
            if was == Transport::LongPolling {
                self.answer(k, cx);
            }
        }
        let cfg = FeedConfig {
            transport: t,
            ..self.cfg.clone()
        };
        let fresh = Service::new(&cfg);
        self.transport = t;
        self.notify_fetch = fresh.notify_fetch;
        self.batch = fresh.batch;
        self.idle_timeout = fresh.idle_timeout;
        if self.idle_timeout > 0 && !self.idle_armed {
            self.idle_armed = true;
            cx.wake_in_background(self.idle_timeout / 2, Msg::IdleCheck);
        }
        if t == Transport::Sse && self.batch > 0 && !self.flush_armed && !self.stream.is_empty() {
            self.flush_armed = true;
            cx.wake_in(self.batch, Msg::Flush);
        }
    }
}

fn ping(k: CustomerId, next: Pos) -> Item {
    Item {
        customer: k,
        kind: ItemKind::Ping,
        pos: next,
        lsn: 0,
        seat: 0,
        free: false,
    }
}

impl Node for Service {
    type Msg = Msg;

    fn on_msg(&mut self, _from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Change(c) => self.on_change(c, cx),
            Msg::Connect {
                customer,
                from,
                latency_ns,
            } => self.on_connect(customer, from, latency_ns, cx),
            Msg::Disconnect { customer } => {
                self.open.remove(&customer);
                self.conn(customer).open = false;
            }
            Msg::Poll {
                customer,
                since,
                latency_ns,
            } => self.on_poll(customer, since, latency_ns, cx),
            Msg::ListenerDown => self.on_listener(false, cx),
            Msg::ListenerUp => self.on_listener(true, cx),
            Msg::CommitOffset => {
                if self.listening {
                    self.committed = self.read_next;
                }
                cx.wake_in_background(self.commit_every, Msg::CommitOffset);
            }
            Msg::Flush => {
                self.flush_armed = false;
                if self.transport == Transport::Sse {
                    self.push_all(cx);
                }
            }
            Msg::SetTransport(t) => self.on_set_transport(t, cx),
            Msg::IdleCheck => self.on_idle_check(cx),
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        if self.capture == CaptureMode::Log {
            cx.wake_in_background(self.commit_every, Msg::CommitOffset);
        }
        if self.idle_timeout > 0 {
            self.idle_armed = true;
            cx.wake_in_background(self.idle_timeout / 2, Msg::IdleCheck);
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("published", self.stream.len() as f64),
            ("connections", self.open.len() as f64),
            ("listening", if self.listening { 1.0 } else { 0.0 }),
        ]
    }
}

/// The service's random stream.
const STREAM: u64 = 2200;

/// A FIFO connection: a fixed delay, no jitter, no loss (TCP keeps the order).
fn fifo(k: &mut Kernel, name: &'static str, base_ms: f64) -> Route {
    let cfg = LinkConfig {
        base_ms,
        return_base_ms: None,
        jitter: Jitter::None,
        loss: 0.0,
    };
    Route {
        link: Some(k.topology.shared_link(name, &cfg)),
        way: Way::Out,
        reliable: true,
    }
}

impl Build for Capture {
    /// No node when the feed is off. Otherwise one, on the database's host (the first
    /// primary's on the data path): its clock stamps the commits.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Capture> {
        if !cfg.feed.enabled {
            return Vec::new();
        }
        let db = if cfg.data.enabled {
            k.homes(Layer::Data)[0]
        } else {
            k.homes(Layer::Database)[0]
        };
        k.place(Layer::FeedCapture, db);
        let route = fifo(k, "cdc", cfg.network.lan.base_ms);
        k.topology.connect(Layer::FeedCapture, Layer::Feed, route);
        vec![Capture::new(cfg.feed.capture == CaptureMode::Log)]
    }
}

impl Build for Service {
    /// No node when the feed is off. Otherwise one, on a host of its own with the
    /// configured clock; the listener's outage is scheduled here.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Service> {
        let f = &cfg.feed;
        if !f.enabled {
            return Vec::new();
        }
        let clock = Clock::new(&f.clock, cfg.sale.start());
        let rng = Rng::stream(cfg.seed, STREAM);
        let h = k.add_host(Host::new("notify", clock, rng));
        k.place(Layer::Feed, h);
        let cdc = fifo(k, "cdc", cfg.network.lan.base_ms);
        k.topology.connect(Layer::Feed, Layer::FeedCapture, cdc);
        // Browsers' connections: each message takes its connection's latency.
        let web = fifo(k, "feed", 0.0);
        k.topology.connect(Layer::Feed, Layer::Crowd, web);
        k.topology.connect(Layer::Crowd, Layer::Feed, web);
        if let Some(from) = f.outage.from_s {
            let at = |s: f64| Time::from_secs_f64(s).max(cfg.sale.start());
            for (s, msg) in [(from, Msg::ListenerDown), (f.outage.to_s, Msg::ListenerUp)] {
                let ev = Ev::Msg {
                    to: SERVICE,
                    from: SERVICE,
                    msg: msg.into(),
                };
                k.push(at(s), ev, false);
            }
        }
        vec![Service::new(f)]
    }
}

#[cfg(test)]
mod tests;
