//! A time server's messages.

use crate::ntp::{Reply, Request};

/// A server's processing time between receiving a request and replying (t3 − t2).
pub const PROCESSING: i64 = 20_000;

/// A time server's messages.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Msg {
    /// An NTP client's request.
    Request(Request),
    /// Its own client's timer (stratum 2).
    Wake(u32),
    /// A reply to its own client (stratum 2).
    Reply {
        /// The upstream server.
        source: u8,
        /// The reply.
        reply: Box<Reply>,
    },
    /// Fault: from now on, every timestamp it sends is off by this many ns.
    Lie(i64),
    /// Its reference is lost (`false`: from now on it answers as unsynchronised) or
    /// back (`true`).
    Reference(bool),
    /// Fault: from now on an attacker on its path moves both server timestamps of
    /// every reply by this many ns, keeping the MAC (0: the attack stops).
    Spoof(i64),
}
