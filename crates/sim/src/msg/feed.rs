//! The change feed's messages: the capture's, the notification service's, and what a
//! customer's seat map receives.

use crate::feed::config::Transport;
use crate::hall::SeatId;
use crate::time::Time;
use crate::world::CustomerId;

/// A position in the notification service's stream of changes (its own count: a
/// change delivered twice has two positions, a lost one none).
pub type Pos = u32;

/// "From now on": a map that has nothing yet asks from the service's current end.
pub const FROM_NOW: Pos = Pos::MAX;

/// One captured change of a seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Change {
    /// Its position in the database's log (from 0, in commit order).
    pub lsn: u32,
    /// The seat.
    pub seat: SeatId,
    /// Whether the seat is free now.
    pub free: bool,
    /// The commit's timestamp, by the database's clock.
    pub stamp: Time,
}

/// The capture's messages (it reads the database's log, on the database's host).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaptureMsg {
    /// The database committed a change of `seat` (from the kernel: the log's write).
    Commit {
        /// The seat.
        seat: SeatId,
        /// Whether it is free now.
        free: bool,
    },
    /// The service's listener is back and asks for the log from `lsn` on (`log`
    /// capture only).
    Resume {
        /// The first entry wanted.
        lsn: u32,
    },
}

/// The notification service's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A change from the capture.
    Change(Change),
    /// A map opens its connection (push), wanting the stream from position `from`
    /// (the one after its `Last-Event-ID`), or [`FROM_NOW`].
    Connect {
        /// The customer.
        customer: CustomerId,
        /// The first position wanted.
        from: Pos,
        /// The connection's one-way latency, ns (the browser's network).
        latency_ns: i64,
    },
    /// A map closes its connection (the customer left the page).
    Disconnect {
        /// The customer.
        customer: CustomerId,
    },
    /// A map asks for the changes from position `since` (polling, or a fetch after a
    /// notification).
    Poll {
        /// The customer.
        customer: CustomerId,
        /// The first position wanted, or [`FROM_NOW`].
        since: Pos,
        /// The connection's one-way latency, ns (the browser's network).
        latency_ns: i64,
    },
    /// The listener (the service's connection to the database) drops.
    ListenerDown,
    /// The listener is back.
    ListenerUp,
    /// Timer: commit the read position (`log` capture).
    CommitOffset,
    /// Timer: send what the batch gathered.
    Flush,
    /// Timer: close the connections idle for too long.
    IdleCheck,
    /// A live switch: the maps reach the service by this transport from now on.
    SetTransport(Transport),
}

/// What a customer's map receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A change, more to come in the same answer (or pushed on its own).
    Change,
    /// The last change of a poll's answer.
    LastChange,
    /// A poll's answer with no change.
    Empty,
    /// "Something changed": fetch (notify then fetch).
    Ping,
    /// The connection was closed for being idle.
    Closed,
}

/// One item for one customer's map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    /// The customer.
    pub customer: CustomerId,
    /// What it is.
    pub kind: ItemKind,
    /// The change's position in the service's stream; for `Empty`, the position to
    /// ask from next.
    pub pos: Pos,
    /// The change's log position.
    pub lsn: u32,
    /// The seat.
    pub seat: SeatId,
    /// Whether the seat is free now.
    pub free: bool,
}
