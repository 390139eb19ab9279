//! An NTP client's messages.

use crate::ntp::{DisciplineKind, Reply};

/// The NTP client's messages.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Msg {
    /// Timer: poll what is due (stale if its generation is not the current one).
    Wake(u32),
    /// A time server's reply (boxed: it is big, and rare).
    Reply {
        /// The time server (index in `ntp.servers`).
        source: u8,
        /// The reply.
        reply: Box<Reply>,
    },
    /// Live switch: run NTP from now on, or stop.
    Switch(bool),
    /// Live switch: the other daemon's discipline from now on (the daemon is
    /// replaced; the new one starts from the old one's frequency, as from a drift file).
    Discipline(DisciplineKind),
}

/// A database node's NTP client's messages (the data path): the same as a reservation
/// server's client, under a layer of their own.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct DbMsg(pub Msg);
