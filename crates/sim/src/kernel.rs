//! The kernel: hosts, one topology, the event queue, and the interpreter of the
//! commands nodes return.
//!
//! A node ([`Node`]) owns its state and sees the world through a [`Cx`]: its host's
//! local clock, its host's random stream, and commands it records (send a message, set
//! a timer on its local clock, record an observation, adjust its clock). The kernel
//! interprets the commands right after the handler returns, in the order they were
//! recorded: delays and losses from the [`Topology`], local timers turned into true
//! time with the host's clock, observations stamped with the true instant and handed
//! to the checkers. True time never reaches a node.

mod cx;
pub mod testing;
mod topology;

pub use crate::host::{Host, HostId};
pub use crate::msg::Addr;
pub use cx::{Cmd, Cx, Depart};
pub use topology::{Cut, Route, Topology};

use crate::config::Config;
use crate::log::TraceHash;
use crate::msg::{Layer, Msg};
use crate::net::Way;
use crate::queue::{Queue, NO_NOTE};
use crate::time::Time;
use std::hash::Hash;

/// How a layer's nodes come to be: each layer builds its own from the run's config,
/// on hosts it adds (or shares), with the routes of the traffic it sends. The registry
/// ([`crate::layers`]) calls every layer's `build`, in the list's order.
pub trait Build: Sized {
    /// The layer's nodes for `cfg`, placed on hosts of `k`.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Self>;
}

/// A process of the model.
///
/// `on_msg` reacts to one message (from another node, or a timer the node set itself:
/// then `from` is its own address) by recording commands into `cx`. It must not read
/// anything but its own state, the message and `cx`.
pub trait Node {
    /// The messages this node understands (small and `Copy`-like: box rare big ones).
    type Msg: Clone + std::fmt::Debug + PartialEq + Hash;
    /// Handles one message.
    fn on_msg(&mut self, from: Addr, msg: Self::Msg, cx: &mut Cx<'_>);

    /// Arms the node's first timers, once, when the run starts.
    fn start(&mut self, _cx: &mut Cx<'_>) {}

    /// Its state at a glance, as named figures (what its box on the architecture's
    /// diagram shows): e.g. `("held", 12.0)` for a server's replica.
    fn figures(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }
}

/// What the kernel itself schedules: the world around the nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sys {
    /// Sample the charts' history (every second of true time).
    Sample,
    /// A host's clock frequency takes one random-walk step.
    Wander(HostId),
    /// A configured or injected fault falls due (index in the run's fault list).
    Fault(u16),
    /// One flip of a strobing clock: step host's clock by this many ns.
    Strobe(HostId, i64),
    /// A hold starts to look expired on the customers' seat map.
    MapExpire(u32),
}

/// One pending event.
#[derive(Clone, Debug, PartialEq)]
pub enum Ev {
    /// A message (or a timer) for a node. Whether it is background activity (it does
    /// not keep the run alive) is kept beside it in the queue, so every event stays 48
    /// bytes.
    Msg {
        /// The node it is for.
        to: Addr,
        /// Who sent it (the node itself for a timer).
        from: Addr,
        /// The message.
        msg: Msg,
    },
    /// The kernel's own business.
    Sys(Sys),
}

impl Sys {
    /// Background events keep nothing alive: the run ends when only they remain.
    pub fn background(&self) -> bool {
        !matches!(self, Sys::MapExpire(_))
    }
}

/// The kernel's state: true time, the queue, the hosts and the topology.
#[derive(Clone, Debug)]
pub struct Kernel {
    /// True time now.
    pub now: Time,
    /// Pending events.
    pub(crate) queue: Queue<Ev>,
    /// Events in the queue that keep the run alive.
    pub(crate) pending: u64,
    /// Background activity is not re-armed past this instant once nothing else is pending.
    pub(crate) linger_until: Time,
    /// Every host.
    pub hosts: Vec<Host>,
    /// Where each node lives: `homes[layer][index]`.
    pub(crate) homes: [Vec<HostId>; Layer::COUNT],
    /// Links, routes and cuts.
    pub topology: Topology,
    /// The run's trace hash.
    pub(crate) hash: TraceHash,
    /// Events processed.
    pub events: u64,
    /// Seat-map updates the checkers asked for, to schedule.
    pub(crate) map_expiries: Vec<(Time, u32)>,
    /// Machines shared by hosts (instances with worker threads): when each of a
    /// machine's cores is done with the work queued on it (true time).
    pub machines: Vec<Vec<Time>>,
}

impl Kernel {
    /// An empty kernel at true time `now`.
    pub fn new(now: Time, linger_until: Time, topology: Topology) -> Kernel {
        Kernel {
            now,
            queue: Queue::default(),
            pending: 0,
            linger_until,
            hosts: Vec::new(),
            homes: std::array::from_fn(|_| Vec::new()),
            topology,
            hash: TraceHash::default(),
            events: 0,
            map_expiries: Vec::new(),
            machines: Vec::new(),
        }
    }

    /// Adds a host; returns its id.
    pub fn add_host(&mut self, host: Host) -> HostId {
        self.hosts.push(host);
        self.topology.grow(self.hosts.len());
        (self.hosts.len() - 1) as HostId
    }

    /// Places the next node of `layer` on `host`; returns its address.
    pub fn place(&mut self, layer: Layer, host: HostId) -> Addr {
        let homes = &mut self.homes[layer as usize];
        homes.push(host);
        Addr::new(layer, (homes.len() - 1) as u16)
    }

    /// The hosts of a layer's nodes, by index.
    pub fn homes(&self, layer: Layer) -> &[HostId] {
        &self.homes[layer as usize]
    }

    /// The host a node lives on.
    #[inline]
    pub fn home(&self, a: Addr) -> HostId {
        self.homes[a.layer as usize][a.index as usize]
    }

    /// Whether activity goes on: something keeps the run alive, or it is still within
    /// the time given to watch clocks and dashboards settle.
    pub fn alive(&self) -> bool {
        self.pending > 0 || self.now < self.linger_until
    }

    /// Schedules `ev` at true time `at`; `background`: it keeps nothing alive (the run
    /// ends when only such events remain).
    pub fn push(&mut self, at: Time, ev: Ev, background: bool) {
        if !background {
            self.pending += 1;
        }
        self.queue.push_flagged(at, ev, background);
    }

    /// Schedules message `ev` at true time `at`, noting that it left its sender at
    /// `left` (what [`Kernel::in_flight`] shows).
    pub(crate) fn push_sent(&mut self, at: Time, ev: Ev, background: bool, left: Time) {
        if !background {
            self.pending += 1;
        }
        self.queue.push_noted(at, ev, background, left.0);
    }

    /// The messages on the network now, in no particular order: each one's number
    /// (unique to the run), the true instants it left its sender and is delivered, its
    /// sender, its receiver and the message. Timers and the kernel's own events are not
    /// messages; a message still waiting for its sender's CPU has not left. A message
    /// due now is still listed until it is delivered.
    pub fn in_flight(&self) -> impl Iterator<Item = (u64, Time, Time, Addr, Addr, &Msg)> + '_ {
        let now = self.now;
        self.queue
            .pending()
            .filter_map(move |(due, n, left, ev)| match ev {
                Ev::Msg { to, from, msg } if left != NO_NOTE && left <= now.0 => {
                    Some((n, Time(left), due, *from, *to, msg))
                }
                _ => None,
            })
    }

    /// Removes the next event, advances true time to it and mixes it into the trace
    /// hash: (true time, destination, message), the same way for every layer.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<Ev> {
        let (at, slot, background) = self.queue.pop_slot()?;
        let ev = self.queue.take(slot);
        if !background {
            self.pending -= 1;
        }
        self.now = at;
        self.events += 1;
        self.hash.mix(at.0 as u64);
        let mut h = self.hash.hasher();
        match &ev {
            Ev::Msg { to, msg, .. } => {
                to.hash(&mut h);
                msg.hash(&mut h);
            }
            Ev::Sys(s) => s.hash(&mut h),
        }
        self.hash = h.into_inner();
        Some(ev)
    }

    /// Carries out one send from node `from` (on its host) recorded at `now`; `bg`:
    /// background traffic (health checks), which keeps nothing alive.
    pub(crate) fn send(&mut self, from: Addr, to: Addr, msg: Msg, depart: Depart, bg: bool) {
        let fh = self.home(from);
        let th = self.home(to);
        let now = self.now;
        let host = &mut self.hosts[fh as usize];
        let leave = match depart {
            Depart::Now => now,
            Depart::After(ns) => now + ns.max(0),
            Depart::Service { mean_ns } => {
                let service = host.rng.exp(mean_ns) as i64;
                let done = host.busy_until.max(now) + service;
                host.busy_until = done;
                done
            }
        };
        let mut route = self.topology.route(from.layer, fh, to.layer, th);
        if route.link.is_none() {
            // A time server's own path: requests go out on it, replies come back.
            let request = matches!(
                msg,
                Msg::TimeServer(crate::msg::time_server::Msg::Request(_))
            );
            route.way = if request { Way::Out } else { Way::Back };
        }
        let link = self.topology.link(route, fh, th);
        let host = &mut self.hosts[fh as usize];
        if route.reliable {
            // A reliable channel retransmits: it waits for both ends to be reachable.
            let wait = self
                .topology
                .cut_wait(fh, to.layer, leave)
                .max(self.topology.cut_wait(th, from.layer, leave))
                .max(self.topology.sever_wait(fh, th, leave));
            let d = link.delay_reliable(&mut host.rng, route.way);
            let background = bg || to.layer.background() || from.layer.background();
            self.push_sent(
                leave + wait + d,
                Ev::Msg { to, from, msg },
                background,
                leave,
            );
        } else {
            let d = link.delay(&mut host.rng, route.way);
            let cut = self.topology.cut_wait(fh, to.layer, leave) > 0
                || self.topology.cut_wait(th, from.layer, leave) > 0
                || self.topology.sever_wait(fh, th, leave) > 0;
            if let (Some(d), false) = (d, cut) {
                let background = bg || to.layer.background() || from.layer.background();
                self.push_sent(leave + d, Ev::Msg { to, from, msg }, background, leave);
            }
        }
    }

    /// Sets a timer for node `me`: `msg` comes back when its host's clock has advanced
    /// by `local_ns` (converted to true time with the clock's current rate).
    pub(crate) fn wake(&mut self, me: Addr, local_ns: i64, msg: Msg, background: bool) {
        if background && !self.alive() {
            return;
        }
        let h = self.home(me);
        let at = self.hosts[h as usize]
            .clock
            .true_after(self.now, local_ns.max(0));
        self.push(
            at,
            Ev::Msg {
                to: me,
                from: me,
                msg,
            },
            background,
        );
    }

    /// Schedules a kernel event whether or not the run is alive (faults and strobes,
    /// set up in advance).
    pub(crate) fn schedule_always(&mut self, at: Time, s: Sys) {
        self.push(at, Ev::Sys(s), s.background());
    }

    /// `work_ns` of CPU work for node `me`: on the first free core of its host's
    /// machine, after the work queued there (first come, first served, no
    /// preemption). Returns the true delay until it is done, ns. A host on no machine
    /// has cores to spare.
    pub(crate) fn compute(&mut self, me: Addr, work_ns: i64) -> i64 {
        let h = self.home(me);
        let Some(m) = self.hosts[h as usize].machine else {
            return work_ns.max(0);
        };
        let now = self.now;
        let cores = &mut self.machines[m as usize];
        let Some(core) = cores.iter_mut().min() else {
            return work_ns.max(0);
        };
        let done = (*core).max(now) + work_ns.max(0);
        *core = done;
        done - now
    }

    /// `msg` comes back to node `me` after `ns` of true time (work done on a CPU:
    /// physics, not a clock reading).
    pub(crate) fn after(&mut self, me: Addr, ns: i64, msg: Msg) {
        let at = self.now + ns.max(0);
        self.push(
            at,
            Ev::Msg {
                to: me,
                from: me,
                msg,
            },
            false,
        );
    }

    /// Schedules a kernel event; background ones only while the run is alive.
    pub(crate) fn schedule(&mut self, at: Time, s: Sys) {
        if s.background() && !self.alive() {
            return;
        }
        self.push(at, Ev::Sys(s), s.background());
    }

    /// Mixes a word into the trace hash (live actions, the hierarchy's warm-up).
    pub(crate) fn mix(&mut self, word: u64) {
        self.hash.mix(word);
    }
}
