//! What a node may see and do while it handles a message.

use super::{Addr, Host, HostId, Kernel};
use crate::hall::Hall;
use crate::msg::Msg;
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::Time;
use crate::truth::{Env, Truth};

/// When a message leaves its host.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Depart {
    /// Now.
    Now,
    /// After this much work on the node, ns (not queued behind other work).
    After(i64),
    /// After a service time drawn (exponential, this mean in ns) on the host's CPU,
    /// queued behind the work already there: a server's reply.
    Service {
        /// Mean service time, ns.
        mean_ns: f64,
    },
}

/// A command a node records (what a test built with [`Cx::recording`] sees).
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    /// Send `msg` to `to`.
    Send {
        /// The destination.
        to: Addr,
        /// The message.
        msg: Msg,
        /// When it leaves.
        depart: Depart,
    },
    /// Come back with `msg` when the local clock has advanced by `local_ns`.
    Wake {
        /// Local nanoseconds from now.
        local_ns: i64,
        /// The message the timer delivers.
        msg: Msg,
        /// Whether the timer is background activity (it does not keep the run alive,
        /// and is not re-armed once the run winds down).
        background: bool,
    },
    /// An observation, with the node's clock reading when it was made.
    Observe {
        /// The local clock's reading.
        local: Time,
        /// What was seen or done.
        obs: Obs,
    },
    /// The host's clock was stepped by this many ns.
    Step(i64),
    /// The host's clock is slewing by this many ns.
    Slew(i64),
    /// The host clock's frequency correction was set, ppm.
    SetFrequency(f64),
    /// Come back with `msg` after `ns` of true time (work done on a CPU).
    After {
        /// True nanoseconds from now.
        ns: i64,
        /// The message.
        msg: Msg,
    },
}

/// Where a context's commands go.
enum Sink<'a> {
    /// Carried out at once by the kernel (a running simulation).
    Live {
        kernel: &'a mut Kernel,
        truth: &'a mut Truth,
        board: &'a mut Hall,
    },
    /// Recorded for inspection (a node's unit test).
    Record {
        host: &'a mut Host,
        board: &'a Hall,
        out: &'a mut Vec<Cmd>,
    },
}

/// A node's view of the world during one handler: its own clock, its own random
/// stream, the customers' seat map (read-only), and the commands it records.
///
/// In a running simulation each command is carried out as it is recorded, in order
/// (no buffer: this is the kernel's hot path); in a test built with [`Cx::recording`]
/// the commands are kept for the test to inspect.
pub struct Cx<'a> {
    now: Time,
    me: Addr,
    host: HostId,
    /// The clock's reading, once read (a handler reads it once; adjustments reset it).
    local: Option<Time>,
    sink: Sink<'a>,
}

impl<'a> Cx<'a> {
    /// A context for node `me` of a running simulation, at true time `now`.
    pub(crate) fn live(
        now: Time,
        me: Addr,
        kernel: &'a mut Kernel,
        truth: &'a mut Truth,
        board: &'a mut Hall,
    ) -> Cx<'a> {
        let host = kernel.home(me);
        Cx {
            now,
            me,
            host,
            local: None,
            sink: Sink::Live {
                kernel,
                truth,
                board,
            },
        }
    }

    /// A context that records the commands of node `me` on `host` at true time `now`,
    /// for a test to inspect (`out`), with `board` as the customers' seat map.
    pub fn recording(
        now: Time,
        me: Addr,
        host: &'a mut Host,
        board: &'a Hall,
        out: &'a mut Vec<Cmd>,
    ) -> Cx<'a> {
        Cx {
            now,
            me,
            host: 0,
            local: None,
            sink: Sink::Record { host, board, out },
        }
    }

    #[inline]
    fn host(&mut self) -> &mut Host {
        match &mut self.sink {
            Sink::Live { kernel, .. } => &mut kernel.hosts[self.host as usize],
            Sink::Record { host, .. } => host,
        }
    }

    /// Its NTP daemon states the bound on this host's clock error (the root distance,
    /// now), or withdraws it (`None`: NTP off or unsynchronised), as `adjtimex` sets
    /// `maxerror`. Not a command: nothing travels, no event is scheduled.
    pub fn set_max_error(&mut self, ns: Option<i64>) {
        let now = self.local();
        self.host().max_error = ns.map(|e| (e, now));
    }

    /// The bound on this host's clock error now, ns, if its NTP daemon states one: the
    /// root distance it last stated, grown since at NTP's 15 ppm (PHI), as dispersion
    /// grows while nothing refreshes it.
    pub fn max_error(&mut self) -> Option<i64> {
        let now = self.local();
        let (e, at) = self.host().max_error?;
        Some(e + crate::ntp::phi((now - at).max(0)))
    }

    /// This node's address.
    pub fn me(&self) -> Addr {
        self.me
    }

    /// What this node's clock reads now. Never true time.
    #[inline]
    pub fn local(&mut self) -> Time {
        if let Some(t) = self.local {
            return t;
        }
        let now = self.now;
        let t = self.host().clock.read(now);
        self.local = Some(t);
        t
    }

    /// This node's random stream.
    #[inline]
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.host().rng
    }

    /// The seat map customers load (every change shows at once: see docs/MODEL.md).
    pub fn board(&self) -> &Hall {
        match &self.sink {
            Sink::Live { board, .. } => board,
            Sink::Record { board, .. } => board,
        }
    }

    /// The seat map and the random stream together (to draw a seat from the map).
    pub fn board_and_rng(&mut self) -> (&Hall, &mut Rng) {
        match &mut self.sink {
            Sink::Live { kernel, board, .. } => (board, &mut kernel.hosts[self.host as usize].rng),
            Sink::Record { host, board, .. } => (board, &mut host.rng),
        }
    }

    /// Sends `msg` to `to` now.
    #[inline]
    pub fn send(&mut self, to: Addr, msg: impl Into<Msg>) {
        self.send_at(to, msg, Depart::Now);
    }

    /// Sends `msg` to `to`, leaving as `depart` says.
    #[inline]
    pub fn send_at(&mut self, to: Addr, msg: impl Into<Msg>, depart: Depart) {
        self.send_as(to, msg.into(), depart, false);
    }

    /// Sends `msg` to `to` now as background traffic (a health check): it does not keep
    /// the run alive, and neither does the answer it gets; once the run winds down it
    /// is not sent at all.
    pub fn send_background(&mut self, to: Addr, msg: impl Into<Msg>) {
        self.send_as(to, msg.into(), Depart::Now, true);
    }

    #[inline]
    fn send_as(&mut self, to: Addr, msg: Msg, depart: Depart, background: bool) {
        match &mut self.sink {
            Sink::Live { kernel, .. } => {
                if !background || kernel.alive() {
                    kernel.send(self.me, to, msg, depart, background)
                }
            }
            Sink::Record { out, .. } => out.push(Cmd::Send { to, msg, depart }),
        }
    }

    fn wake(&mut self, local_ns: i64, msg: Msg, background: bool) {
        match &mut self.sink {
            Sink::Live { kernel, .. } => kernel.wake(self.me, local_ns, msg, background),
            Sink::Record { out, .. } => out.push(Cmd::Wake {
                local_ns,
                msg,
                background,
            }),
        }
    }

    /// A timer: `msg` comes back to this node when its clock has advanced by `local_ns`.
    /// It keeps the run alive.
    pub fn wake_in(&mut self, local_ns: i64, msg: impl Into<Msg>) {
        self.wake(local_ns, msg.into(), false);
    }

    /// A background timer (periodic work that does not keep the run alive).
    pub fn wake_in_background(&mut self, local_ns: i64, msg: impl Into<Msg>) {
        self.wake(local_ns, msg.into(), true);
    }

    /// Runs `work_ns` of CPU work on a core of this host's machine, queued behind the
    /// work already there (every instance on the machine shares its cores). Returns
    /// the true delay until it is done, ns. In a test built with [`Cx::recording`]
    /// the machine has cores to spare: the delay is the work.
    pub fn compute(&mut self, work_ns: i64) -> i64 {
        let me = self.me;
        match &mut self.sink {
            Sink::Live { kernel, .. } => kernel.compute(me, work_ns),
            Sink::Record { .. } => work_ns.max(0),
        }
    }

    /// `msg` comes back to this node after `ns` of true time: the end of work on a
    /// CPU (physics, not a clock reading). It keeps the run alive.
    pub fn after(&mut self, ns: i64, msg: impl Into<Msg>) {
        let me = self.me;
        let msg = msg.into();
        match &mut self.sink {
            Sink::Live { kernel, .. } => kernel.after(me, ns, msg),
            Sink::Record { out, .. } => out.push(Cmd::After { ns, msg }),
        }
    }

    /// Records an observation for the checkers, stamped with this node's clock.
    pub fn observe(&mut self, obs: Obs) {
        let local = self.local();
        let (now, me) = (self.now, self.me);
        match &mut self.sink {
            Sink::Live {
                kernel,
                truth,
                board,
            } => {
                let k = &mut **kernel;
                let mut env = Env {
                    board,
                    hosts: &k.hosts,
                    homes: &k.homes,
                    map_expiries: &mut k.map_expiries,
                };
                truth.observe(now, me, local, obs, &mut env);
                while let Some((at, r)) = k.map_expiries.pop() {
                    let s = super::Sys::MapExpire(r);
                    k.push(at, super::Ev::Sys(s), s.background());
                }
            }
            Sink::Record { out, .. } => out.push(Cmd::Observe { local, obs }),
        }
    }

    fn record(&mut self, cmd: Cmd) {
        self.local = None;
        if let Sink::Record { out, .. } = &mut self.sink {
            out.push(cmd);
        }
    }

    // Clock adjustments take effect at once (what the node reads next is the adjusted
    // clock, as with `adjtimex`).

    /// Jumps this host's clock (a discipline's step).
    pub fn step_clock(&mut self, delta_ns: i64) {
        let now = self.now;
        self.host().clock.step(now, delta_ns);
        self.record(Cmd::Step(delta_ns));
    }

    /// Slews this host's clock by `amount_ns` at `rate_ppm` (500 at most).
    pub fn slew_clock(&mut self, amount_ns: i64, rate_ppm: f64) {
        let now = self.now;
        self.host().clock.slew_at_rate(now, amount_ns, rate_ppm);
        self.record(Cmd::Slew(amount_ns));
    }

    /// Sets this host clock's frequency correction.
    pub fn set_frequency(&mut self, ppm: f64) {
        let now = self.now;
        self.host().clock.set_correction_ppm(now, ppm);
        self.record(Cmd::SetFrequency(ppm));
    }
}
