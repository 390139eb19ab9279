//! The interpreter of [`crate::ntp`] inside the simulation: it carries NTP packets
//! over the simulated network, reads the nodes' clocks for the four timestamps, applies
//! the clients' steps, slews and frequency corrections, and injects faults.

use crate::clock::Clock;
use crate::net::{Link, LinkConfig, Way};
use crate::ntp::{
    alerts, Alert, Client, ClientConfig, ClientStatus, Command, Reply, Request, ServerConfig,
    ServerState, SystemVars,
};
use crate::rng::Rng;
use crate::sim::{Ev, Sim};
use crate::time::{ms_to_nanos, secs_to_nanos, Time, MS};
use crate::timesync::{Fault, NtpConfig};
use serde::Serialize;
use std::mem::discriminant;

/// Random streams of time servers: `TIME_STREAM + index`.
const TIME_STREAM: u64 = 2000;
/// How long the time hierarchy runs alone before the sale starts.
const WARM_UP: i64 = 20 * 60 * crate::time::SEC;
/// A server's processing time between receiving a request and replying (t3 − t2).
const PROCESSING: i64 = 20_000;

/// An NTP node: a reservation server (`Res`) or a server of the time hierarchy (`Tsv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Node {
    /// Reservation server, 0-based.
    Res(u8),
    /// Time server, index in `ntp.servers`.
    Tsv(u8),
}

/// A server of the time hierarchy.
#[derive(Clone, Debug)]
pub(crate) struct TimeNode {
    pub stratum: u8,
    pub clock: Clock,
    pub rng: Rng,
    pub state: ServerState,
    pub client: Option<Client>,
    pub wake: u32,
    pub link: Link,
    pub lie_ns: i64,
    pub down: Vec<(Time, Time)>,
}

/// A reservation server's NTP side.
#[derive(Clone, Debug, Default)]
pub(crate) struct NtpSide {
    pub client: Option<Client>,
    pub wake: u32,
    /// An asymmetric route to the time servers, replacing their links.
    pub route: Option<Link>,
    /// Windows when it is cut from its time sources.
    pub cuts: Vec<(Time, Time)>,
    /// Threshold alerts in force (from the last sample).
    pub active: Vec<Alert>,
    /// The last complete exchange, for the teaching view.
    pub last: Option<Exchange>,
}

/// One NTP exchange seen from everywhere at once: the four timestamps as the clocks
/// read them, the true instants behind them, and what the client computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exchange {
    /// The time server asked (index in `ntp.servers`).
    pub source: usize,
    /// `t1` (client sends, client clock), `t2` (server receives, server clock), `t3`
    /// (server replies, server clock), `t4` (client receives, client clock).
    pub t: [Time; 4],
    /// The true instants of the same four moments.
    pub truth: [Time; 4],
    /// θ = ((t2 − t1) + (t3 − t4)) / 2, nanoseconds.
    pub offset_ns: i64,
    /// δ = (t4 − t1) − (t3 − t2), nanoseconds.
    pub delay_ns: i64,
    /// The client clock's true error at `t4` (what NTP would like to know).
    pub client_error_ns: i64,
    /// The server clock's true error (a falseticker's lie included).
    pub server_error_ns: i64,
}

impl Exchange {
    /// One-way delay out, true: `truth[1] − truth[0]`.
    pub fn out_ns(&self) -> i64 {
        self.truth[1] - self.truth[0]
    }
    /// One-way delay back, true: `truth[3] − truth[2]`.
    pub fn back_ns(&self) -> i64 {
        self.truth[3] - self.truth[2]
    }
    /// The error θ makes: θ − (server error − client error) = (out − back) / 2 up to
    /// rounding, the half-asymmetry no client can see.
    pub fn bias_ns(&self) -> i64 {
        self.offset_ns - (self.server_error_ns - self.client_error_ns)
    }
}

/// Something that happened to time: an alert raised or cleared, a step, a fault.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeEvent {
    /// True time.
    pub t: Time,
    /// Where.
    pub node: Node,
    /// What.
    pub what: TimeEventKind,
}

/// What a [`TimeEvent`] records.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeEventKind {
    /// An alert was raised.
    Raised(Alert),
    /// A threshold alert no longer holds.
    Cleared(Alert),
    /// The discipline stepped the clock by this many nanoseconds.
    Stepped(i64),
    /// The offset was beyond the panic threshold; the client refused to act.
    Panic(i64),
    /// A fault was injected.
    Fault(Fault),
    /// NTP was switched on or off.
    Switched(bool),
}

impl Sim {
    pub(crate) fn ntp_init(&mut self) {
        let cfg: NtpConfig = self.cfg.ntp.clone();
        self.ntp = vec![NtpSide::default(); self.servers.len()];
        if cfg.enabled || !cfg.faults.is_empty() {
            self.ensure_hierarchy();
        }
        // Faults due at the start are in place before the first NTP packet leaves.
        for fault in cfg.faults {
            let due = Time::from_secs_f64(fault.at_s()) <= self.now;
            self.schedule_fault(fault);
            if due {
                let idx = self.faults.len() as u16 - 1;
                self.on_fault(idx);
            }
        }
        if cfg.enabled {
            for i in 0..self.servers.len() {
                self.set_ntp(i, true);
            }
        }
    }

    /// Brings the time hierarchy to life the first time anything needs it (a client, a
    /// fault): it has been running long before, so it is first warmed up alone for
    /// [`WARM_UP`], on a queue of its own, until the stratum-2 servers are synchronised.
    /// A run that never uses NTP never pays for it.
    pub(crate) fn ensure_hierarchy(&mut self) {
        if self.hierarchy_ready {
            return;
        }
        self.hierarchy_ready = true;
        let now = self.now;
        let from = now - WARM_UP;
        let cfg = self.cfg.ntp.clone();
        self.time_nodes = cfg
            .servers
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let clock = Clock::new(&s.clock, from);
                let client = (s.stratum > 1).then(|| {
                    // Stratum-2 servers have run for months: their drift file is right.
                    let cc = ClientConfig {
                        sources: s.upstream.clone(),
                        drift_ppm: Some(-s.clock.skew_ppm),
                        ..Default::default()
                    };
                    Client::new(&cc, clock.read(from)).expect("validated upstream")
                });
                let down = s
                    .down
                    .iter()
                    .map(|w| (Time::from_secs_f64(w[0]), Time::from_secs_f64(w[1])))
                    .collect();
                TimeNode {
                    stratum: s.stratum,
                    clock,
                    rng: Rng::stream(self.cfg.seed, TIME_STREAM + j as u64),
                    state: ServerState::new(&ServerConfig {
                        rate_limit: s.rate_limit,
                        kod: true,
                    }),
                    client,
                    wake: 0,
                    link: Link::new(&s.link),
                    lie_ns: ms_to_nanos(s.lie_ms),
                    down,
                }
            })
            .collect();
        let main = std::mem::take(&mut self.queue);
        let pending = std::mem::replace(&mut self.pending, 1);
        self.now = from;
        for j in 0..self.time_nodes.len() {
            if self.time_nodes[j].client.is_some() {
                self.ntp_timer(Node::Tsv(j as u8));
            }
        }
        while self.queue.peek_time().is_some_and(|t| t < now) {
            let (at, ev) = self.queue.pop().expect("peeked");
            self.now = at;
            self.dispatch(ev);
        }
        // What the hierarchy still has in flight joins the run's queue.
        let mut rest = std::mem::replace(&mut self.queue, main);
        while let Some((at, ev)) = rest.pop() {
            self.push_background(at, ev);
        }
        self.pending = pending;
        self.now = now;
        self.hash.mix(0xE4 << 56 | now.0 as u64);
    }

    fn read_clock(&self, node: Node) -> Time {
        match node {
            Node::Res(i) => self.servers[i as usize].clock.read(self.now),
            Node::Tsv(j) => self.time_nodes[j as usize].clock.read(self.now),
        }
    }

    fn clock_of(&mut self, node: Node) -> &mut Clock {
        match node {
            Node::Res(i) => &mut self.servers[i as usize].clock,
            Node::Tsv(j) => &mut self.time_nodes[j as usize].clock,
        }
    }

    fn client_of(&mut self, node: Node) -> Option<&mut Client> {
        match node {
            Node::Res(i) => self.ntp[i as usize].client.as_mut(),
            Node::Tsv(j) => self.time_nodes[j as usize].client.as_mut(),
        }
    }

    fn wake_of(&mut self, node: Node) -> &mut u32 {
        match node {
            Node::Res(i) => &mut self.ntp[i as usize].wake,
            Node::Tsv(j) => &mut self.time_nodes[j as usize].wake,
        }
    }

    /// Switches NTP on or off on reservation server `server` (0-based), now. On: a
    /// fresh client starts with an `iburst`; off: the clock free-runs from here.
    pub fn set_ntp(&mut self, server: usize, on: bool) {
        if server >= self.servers.len() || self.ntp[server].client.is_some() == on {
            return;
        }
        self.ensure_hierarchy();
        let node = Node::Res(server as u8);
        *self.wake_of(node) += 1;
        self.ntp[server].active.clear();
        self.time_events.push(TimeEvent {
            t: self.now,
            node,
            what: TimeEventKind::Switched(on),
        });
        self.hash.mix(0xE2 << 56 | (server as u64) << 1 | on as u64);
        if on {
            let local = self.servers[server].clock.read(self.now);
            let client = Client::new(&self.cfg.ntp.client, local)
                .expect("the NTP client config was validated");
            self.ntp[server].client = Some(client);
            self.ntp_timer(node);
        } else {
            self.ntp[server].client = None;
        }
    }

    /// Whether reservation server `server` runs NTP.
    pub fn ntp_on(&self, server: usize) -> bool {
        self.ntp.get(server).is_some_and(|s| s.client.is_some())
    }

    /// The NTP dashboard of reservation server `server`, if it runs NTP.
    pub fn ntp_status(&self, server: usize) -> Option<ClientStatus> {
        let client = self.ntp.get(server)?.client.as_ref()?;
        Some(client.status(self.servers[server].clock.read(self.now)))
    }

    /// The last NTP exchange of reservation server `server` (for the teaching view).
    pub fn last_exchange(&self, server: usize) -> Option<&Exchange> {
        self.ntp.get(server)?.last.as_ref()
    }

    /// The threshold alerts in force on reservation server `server`.
    pub fn ntp_alerts(&self, server: usize) -> &[Alert] {
        self.ntp.get(server).map_or(&[], |s| &s.active)
    }

    /// Names of the time servers, by index (what `SourceId`s refer to).
    pub fn time_server_names(&self) -> Vec<String> {
        self.cfg
            .ntp
            .servers
            .iter()
            .map(|n| n.name.clone())
            .collect()
    }

    /// Everything that happened to time so far: alerts, steps, faults, switches.
    pub fn time_events(&self) -> &[TimeEvent] {
        &self.time_events
    }

    fn ntp_timer(&mut self, node: Node) {
        let local = self.read_clock(node);
        let Some(client) = self.client_of(node) else {
            return;
        };
        let cmds = client.on_timer(local);
        self.ntp_apply(node, cmds);
    }

    pub(crate) fn on_ntp_wake(&mut self, node: Node, gen: u32) {
        if *self.wake_of(node) == gen && self.alive() {
            self.ntp_timer(node);
        }
    }

    fn ntp_apply(&mut self, node: Node, cmds: Vec<Command>) {
        for cmd in cmds {
            match cmd {
                Command::Send { to, request } => self.ntp_send(node, to as u8, request),
                Command::WakeAt(local) => {
                    let now_local = self.read_clock(node);
                    let wake = self.wake_of(node);
                    *wake += 1;
                    let gen = *wake;
                    // Local and true seconds differ by at most 0.1 %: close enough, and
                    // a client woken a little early just asks to be woken again.
                    self.push(
                        self.now + (local - now_local).max(MS),
                        Ev::NtpWake(node, gen),
                    );
                }
                Command::Step { delta_ns } => {
                    let now = self.now;
                    self.clock_of(node).step(now, delta_ns);
                    self.record(node, TimeEventKind::Stepped(delta_ns));
                }
                Command::Slew { amount_ns } => {
                    let now = self.now;
                    self.clock_of(node).slew(now, amount_ns);
                }
                Command::SetFrequency { ppm } => {
                    let now = self.now;
                    self.clock_of(node).set_correction_ppm(now, ppm);
                }
                Command::Panic { offset_ns } => self.record(node, TimeEventKind::Panic(offset_ns)),
                Command::Alert(a) => self.record(node, TimeEventKind::Raised(a)),
            }
        }
    }

    fn record(&mut self, node: Node, what: TimeEventKind) {
        if let Node::Res(_) = node {
            self.time_events.push(TimeEvent {
                t: self.now,
                node,
                what,
            });
        }
    }

    fn cut_from_time(&self, node: Node, t: Time) -> bool {
        match node {
            Node::Res(i) => self.ntp[i as usize]
                .cuts
                .iter()
                .any(|&(a, b)| a <= t && t < b),
            Node::Tsv(_) => false,
        }
    }

    fn ntp_send(&mut self, from: Node, to: u8, request: Request) {
        if self.cut_from_time(from, self.now) {
            return;
        }
        let route = match from {
            Node::Res(i) => self.ntp[i as usize].route.clone(),
            Node::Tsv(_) => None,
        };
        let target = &mut self.time_nodes[to as usize];
        let link = route.as_ref().unwrap_or(&target.link);
        if let Some(d) = link.delay(&mut target.rng, Way::Out) {
            self.push(
                self.now + d,
                Ev::NtpAtServer {
                    from,
                    to,
                    request,
                    sent: self.now,
                },
            );
        }
    }

    pub(crate) fn on_ntp_at_server(&mut self, from: Node, to: u8, request: Request, sent: Time) {
        let now = self.now;
        let route = match from {
            Node::Res(i) => self.ntp[i as usize].route.clone(),
            Node::Tsv(_) => None,
        };
        let n = &mut self.time_nodes[to as usize];
        if n.down.iter().any(|&(a, b)| a <= now && now < b) {
            return;
        }
        let t2 = n.clock.read(now) + n.lie_ns;
        let t3 = t2 + PROCESSING;
        let sys = match &n.client {
            None if n.stratum == 1 => SystemVars::primary(),
            None => SystemVars::unsynchronized(),
            Some(c) => c.system_vars(t2 - n.lie_ns),
        };
        let key = match from {
            Node::Res(i) => i as usize,
            Node::Tsv(j) => 1000 + j as usize,
        };
        let Some(reply) = n.state.on_request(key, &request, t2, t3, &sys) else {
            return;
        };
        let link = route.as_ref().unwrap_or(&n.link);
        if let Some(d) = link.delay(&mut n.rng, Way::Back) {
            if !self.cut_from_time(from, now + PROCESSING + d) {
                self.push(
                    now + PROCESSING + d,
                    Ev::NtpAtClient {
                        to: from,
                        from: to,
                        reply: Box::new((reply, [sent, now, now + PROCESSING])),
                    },
                );
            }
        }
    }

    pub(crate) fn on_ntp_at_client(
        &mut self,
        node: Node,
        from: u8,
        reply: &Reply,
        truth: [Time; 3],
    ) {
        let t4 = self.read_clock(node);
        if let Node::Res(i) = node {
            if reply.kiss.is_none() && self.ntp[i as usize].client.is_some() {
                let w = crate::ntp::on_wire(reply.t1, reply.t2, reply.t3, t4);
                let server = &self.time_nodes[from as usize];
                self.ntp[i as usize].last = Some(Exchange {
                    source: from as usize,
                    t: [reply.t1, reply.t2, reply.t3, t4],
                    truth: [truth[0], truth[1], truth[2], self.now],
                    offset_ns: w.offset_ns,
                    delay_ns: w.delay_ns,
                    client_error_ns: self.servers[i as usize].clock.offset(self.now),
                    server_error_ns: server.clock.offset(self.now) + server.lie_ns,
                });
            }
        }
        let Some(client) = self.client_of(node) else {
            return;
        };
        let cmds = client.on_reply(from as usize, reply, t4);
        self.ntp_apply(node, cmds);
    }

    /// Samples the NTP dashboards: raises and clears threshold alerts.
    pub(crate) fn ntp_sample(&mut self) {
        for i in 0..self.servers.len() {
            let Some(status) = self.ntp_status(i) else {
                self.history.ntp_jitter_ms[i].push(f32::NAN);
                self.history.ntp_delay_ms[i].push(f32::NAN);
                continue;
            };
            self.history.ntp_jitter_ms[i].push((status.jitter_ns as f64 / 1e6) as f32);
            self.history.ntp_delay_ms[i].push((status.delay_ns as f64 / 1e6) as f32);
            let now_alerts = alerts(&status);
            let before = std::mem::take(&mut self.ntp[i].active);
            let node = Node::Res(i as u8);
            for a in &now_alerts {
                if !before.iter().any(|b| discriminant(b) == discriminant(a)) {
                    self.record(node, TimeEventKind::Raised(*a));
                }
            }
            for b in &before {
                if !now_alerts
                    .iter()
                    .any(|a| discriminant(b) == discriminant(a))
                {
                    self.record(node, TimeEventKind::Cleared(*b));
                }
            }
            self.ntp[i].active = now_alerts;
        }
    }

    /// Injects a fault: now if its time has come, else when it does. The fault is
    /// checked first; an invalid one is refused with the reason.
    pub fn inject(&mut self, fault: Fault) -> Result<(), crate::ConfigError> {
        fault.validate("fault", self.servers.len(), self.cfg.ntp.servers.len())?;
        let due = Time::from_secs_f64(fault.at_s()) <= self.now;
        self.schedule_fault(fault);
        if due {
            self.on_fault(self.faults.len() as u16 - 1);
        }
        self.hash.mix(0xE3 << 56 | self.faults.len() as u64);
        Ok(())
    }

    /// Files a fault and, unless it is due now, schedules it.
    fn schedule_fault(&mut self, fault: Fault) {
        let at = Time::from_secs_f64(fault.at_s());
        let idx = self.faults.len() as u16;
        self.faults.push(fault);
        if at > self.now {
            self.push_background(at, Ev::Fault(idx));
        }
    }

    pub(crate) fn on_fault(&mut self, idx: u16) {
        self.ensure_hierarchy();
        let fault = self.faults[idx as usize].clone();
        let now = self.now;
        let window = |a: f64, b: f64| (Time::from_secs_f64(a).max(now), Time::from_secs_f64(b));
        let node = match fault {
            Fault::Falseticker { source, lie_ms, .. } => {
                self.time_nodes[source].lie_ns = ms_to_nanos(lie_ms);
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
                self.ntp[i].route = Some(Link::new(&link));
                Node::Res(i as u8)
            }
            Fault::SourceDown {
                source,
                from_s,
                to_s,
            } => {
                self.time_nodes[source].down.push(window(from_s, to_s));
                Node::Tsv(source as u8)
            }
            Fault::ClockBump {
                server, delta_ms, ..
            } => {
                let i = server as usize - 1;
                self.servers[i].clock.step(now, ms_to_nanos(delta_ms));
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
                let (a, b) = window(from_s, to_s);
                let period = secs_to_nanos(period_s);
                let (mut t, mut k) = (a, 0u32);
                while t < b {
                    self.push_background(
                        t,
                        Ev::Strobe(
                            i as u8,
                            ms_to_nanos(amplitude_ms) * if k % 2 == 0 { 1 } else { -1 },
                        ),
                    );
                    t += period;
                    k += 1;
                }
                if k % 2 == 1 {
                    // Leave the clock where it started.
                    self.push_background(b, Ev::Strobe(i as u8, -ms_to_nanos(amplitude_ms)));
                }
                Node::Res(i as u8)
            }
            Fault::NtpPartition {
                server,
                from_s,
                to_s,
            } => {
                let i = server as usize - 1;
                self.ntp[i].cuts.push(window(from_s, to_s));
                Node::Res(i as u8)
            }
            Fault::Switch { server, on, .. } => {
                self.set_ntp(server as usize - 1, on);
                return;
            }
        };
        self.time_events.push(TimeEvent {
            t: now,
            node,
            what: TimeEventKind::Fault(fault),
        });
    }

    pub(crate) fn on_strobe(&mut self, server: u8, delta: i64) {
        let now = self.now;
        self.servers[server as usize].clock.step(now, delta);
    }
}
