//! What a node may see and do while it handles a message.

use super::{Addr, Host};
use crate::hall::Hall;
use crate::layers::Msg;
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::Time;

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

/// A command a node records; the kernel carries it out when the handler returns.
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
    /// The host's clock was stepped by this many ns (already applied).
    Step(i64),
    /// The host's clock is slewing by this many ns (already applied).
    Slew(i64),
    /// The host clock's frequency correction was set, ppm (already applied).
    SetFrequency(f64),
}

/// A node's view of the world during one handler: its own clock, its own random
/// stream, the customers' seat map (read-only), and the commands it records.
pub struct Cx<'a> {
    now: Time,
    me: Addr,
    host: &'a mut Host,
    board: &'a Hall,
    out: &'a mut Vec<Cmd>,
}

impl<'a> Cx<'a> {
    /// A context for node `me` on `host` at true time `now` (the kernel builds these;
    /// tests build them too, with a hand-set clock).
    pub fn new(
        now: Time,
        me: Addr,
        host: &'a mut Host,
        board: &'a Hall,
        out: &'a mut Vec<Cmd>,
    ) -> Cx<'a> {
        Cx {
            now,
            me,
            host,
            board,
            out,
        }
    }

    /// This node's address.
    pub fn me(&self) -> Addr {
        self.me
    }

    /// What this node's clock reads now. Never true time.
    #[inline]
    pub fn local(&self) -> Time {
        self.host.clock.read(self.now)
    }

    /// This node's random stream.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.host.rng
    }

    /// The seat map customers load (every change shows at once: see docs/MODEL.md).
    pub fn board(&self) -> &Hall {
        self.board
    }

    /// The seat map and the random stream together (to draw a seat from the map).
    pub fn board_and_rng(&mut self) -> (&Hall, &mut Rng) {
        (self.board, &mut self.host.rng)
    }

    /// Sends `msg` to `to` now.
    pub fn send(&mut self, to: Addr, msg: impl Into<Msg>) {
        self.send_at(to, msg, Depart::Now);
    }

    /// Sends `msg` to `to`, leaving as `depart` says.
    pub fn send_at(&mut self, to: Addr, msg: impl Into<Msg>, depart: Depart) {
        self.out.push(Cmd::Send {
            to,
            msg: msg.into(),
            depart,
        });
    }

    /// A timer: `msg` comes back to this node when its clock has advanced by `local_ns`.
    /// It keeps the run alive.
    pub fn wake_in(&mut self, local_ns: i64, msg: impl Into<Msg>) {
        self.out.push(Cmd::Wake {
            local_ns,
            msg: msg.into(),
            background: false,
        });
    }

    /// A background timer (periodic work that does not keep the run alive).
    pub fn wake_in_background(&mut self, local_ns: i64, msg: impl Into<Msg>) {
        self.out.push(Cmd::Wake {
            local_ns,
            msg: msg.into(),
            background: true,
        });
    }

    /// Records an observation for the checkers, stamped with this node's clock.
    pub fn observe(&mut self, obs: Obs) {
        let local = self.local();
        self.out.push(Cmd::Observe { local, obs });
    }

    // Clock adjustments take effect at once (what the node reads next is the adjusted
    // clock, as with `adjtimex`); they are recorded too, so a test can see them.

    /// Jumps this host's clock (a discipline's step).
    pub fn step_clock(&mut self, delta_ns: i64) {
        self.host.clock.step(self.now, delta_ns);
        self.out.push(Cmd::Step(delta_ns));
    }

    /// Slews this host's clock.
    pub fn slew_clock(&mut self, amount_ns: i64) {
        self.host.clock.slew(self.now, amount_ns);
        self.out.push(Cmd::Slew(amount_ns));
    }

    /// Sets this host clock's frequency correction.
    pub fn set_frequency(&mut self, ppm: f64) {
        self.host.clock.set_correction_ppm(self.now, ppm);
        self.out.push(Cmd::SetFrequency(ppm));
    }
}
