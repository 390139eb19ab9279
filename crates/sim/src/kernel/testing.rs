//! A test bench for one node: a host whose clock the test sets by hand, a seat map,
//! and the commands the node records for one message at a time; and the helpers that
//! the core's and the app's tests share (the commands of a kind, a link's pairs).
//!
//! ```
//! use driftlab_sim::kernel::testing::Bench;
//! use driftlab_sim::kernel::{Addr, Cmd};
//! use driftlab_sim::layers::Layer;
//! use driftlab_sim::{time::SEC, Time};
//! // A host whose clock is 2 s behind true time, at 10:00:00 true.
//! let mut bench = Bench::new(Time::from_hms(10, 0, 0), -2 * SEC);
//! assert_eq!(bench.local(), Time::from_hms(9, 59, 58));
//! ```

use super::{Addr, Cmd, Cx, Host, Node};
use crate::clock::{Clock, ClockConfig};
use crate::config::HallConfig;
use crate::hall::Hall;
use crate::msg::{time_server, Msg};
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::Time;

/// One host, one seat map, and true time, for driving a node by hand.
pub struct Bench {
    /// True time of the next message.
    pub now: Time,
    /// The node's host (its clock and random stream).
    pub host: Host,
    /// The customers' seat map (10 × 20 seats by default).
    pub board: Hall,
}

impl Bench {
    /// True time `now`, a host whose clock is `offset_ns` off (exact rate), seed 1.
    pub fn new(now: Time, offset_ns: i64) -> Bench {
        let clock = Clock::new(
            &ClockConfig {
                offset_ms: offset_ns as f64 / 1e6,
                ..Default::default()
            },
            now,
        );
        Bench {
            now,
            host: Host::new("bench", clock, Rng::stream(1, 1)),
            board: Hall::new(&HallConfig::default()),
        }
    }

    /// What the host's clock reads now.
    pub fn local(&self) -> Time {
        self.host.clock.read(self.now)
    }

    /// Moves true time forward by `ns`.
    pub fn advance(&mut self, ns: i64) {
        self.now += ns;
    }

    /// Delivers `msg` from `from` to `node` (at address `me`) and returns what it did.
    pub fn deliver<N: Node>(
        &mut self,
        node: &mut N,
        me: Addr,
        from: Addr,
        msg: N::Msg,
    ) -> Vec<Cmd> {
        let mut out = Vec::new();
        let mut cx = Cx::recording(self.now, me, &mut self.host, &self.board, &mut out);
        node.on_msg(from, msg, &mut cx);
        out
    }

    /// Runs `f` with a recording context for node `me` (to call a node's `start`).
    pub fn with(&mut self, me: Addr, f: impl FnOnce(&mut Cx<'_>)) -> Vec<Cmd> {
        let mut out = Vec::new();
        let mut cx = Cx::recording(self.now, me, &mut self.host, &self.board, &mut out);
        f(&mut cx);
        out
    }
}

/// The observations among `cmds`.
pub fn observations(cmds: &[Cmd]) -> Vec<Obs> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Observe { obs, .. } => Some(*obs),
            _ => None,
        })
        .collect()
}

/// The messages sent among `cmds`, with their destinations.
pub fn sends(cmds: &[Cmd]) -> Vec<(Addr, Msg)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Send { to, msg, .. } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

/// The timers set among `cmds`: (local delay, message).
pub fn timers(cmds: &[Cmd]) -> Vec<(i64, Msg)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Wake { local_ns, msg, .. } => Some((*local_ns, msg.clone())),
            _ => None,
        })
        .collect()
}

/// The NTP requests sent among `cmds` to time servers: (the server's index, the request).
pub fn ntp_requests(cmds: &[Cmd]) -> Vec<(u16, crate::ntp::Request)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Send {
                to,
                msg: Msg::TimeServer(time_server::Msg::Request(r)),
                ..
            } => Some((to.index, *r)),
            _ => None,
        })
        .collect()
}

/// A link's `(key, value)` pairs as [`crate::scenario::apply_pairs`] takes them, from
/// literals.
pub fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
    s.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
