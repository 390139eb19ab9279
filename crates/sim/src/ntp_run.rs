//! What the app and the report read of NTP in a run: the time events (alerts, steps,
//! faults, switches), the last exchange of each server seen from everywhere at once,
//! and each server's dashboard. The NTP nodes themselves are [`crate::ntp_client`] and
//! [`crate::time_server`].

use crate::ntp::Alert;
use crate::time::Time;
use crate::timesync::Fault;
use serde::Serialize;

/// An NTP node: a reservation server (`Res`) or a server of the time hierarchy (`Tsv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Node {
    /// Reservation server, 0-based.
    Res(u8),
    /// Time server, index in `ntp.servers`.
    Tsv(u8),
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
