//! The data path's messages: to a database node ([`Msg`]), to a server's proxy
//! ([`ProxyMsg`]) and to the control ([`ControlMsg`]: the consensus store or the
//! operator).

use crate::hall::SeatId;
use crate::msg::database;
use crate::time::Time;
use crate::world::ReqId;

/// A row's state, as the log carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowState {
    /// Held, awaiting payment.
    Held,
    /// Sold.
    Paid,
    /// Released as expired.
    Expired,
}

/// One entry of the primary's log (what replication ships).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// A hold row inserted.
    Insert {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The primary's clock when it inserted (`now()`): the hold's age is judged
        /// from it.
        at: Time,
    },
    /// A row's new state.
    Set {
        /// The claim.
        req: ReqId,
        /// Its state.
        state: RowState,
    },
}

/// A database node's messages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A statement from a server's proxy (the proxy's index is its server's, and
    /// answers go straight back to that server). The server is not in the message, so
    /// that every event of every run stays 48 bytes.
    Sql(database::Msg),
    /// Replication: the upstream's log entry `lsn` (boxed: with it inline, every
    /// message of every run would grow by 8 bytes).
    Ship {
        /// Its position in the log (1 for the first entry).
        lsn: u32,
        /// The entry.
        entry: Box<Entry>,
    },
    /// Timer (the primary): the replication delay of entry `lsn` is over, ship it
    /// (lost if the primary crashed meanwhile).
    WalSend {
        /// Its position in the log.
        lsn: u32,
    },
    /// A synchronous replica has every entry up to `lsn`.
    Ack {
        /// The position.
        lsn: u32,
    },
    /// A proxy's health check.
    Probe {
        /// The check's number.
        seq: u32,
    },
    /// The operator promotes this replica.
    Promote,
    /// Timer (`auto`): the node's loop (renew the lease, or check it).
    Loop,
    /// The consensus store's leader key, as read.
    Key {
        /// The leader.
        leader: u8,
        /// When it last renewed the lease, by its own clock.
        renewed: Time,
        /// The key's version.
        version: u32,
    },
    /// The answer to a write of the leader key.
    Written {
        /// Whether it was written (the version matched).
        ok: bool,
        /// The key's version now.
        version: u32,
    },
    /// The node crashes (a fault).
    Crash,
    /// The operator fences this node: a primary stops taking writes.
    Fence,
    /// A cache reader's query of `seat` (cache-aside's miss, or the cache down).
    Query {
        /// The reader.
        reader: u32,
        /// The seat.
        seat: SeatId,
    },
    /// The query of `reader` is done (the end of its work: true time).
    QueryDone {
        /// The reader.
        reader: u32,
        /// The seat.
        seat: SeatId,
    },
}

/// A proxy's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyMsg {
    /// A statement from its server.
    Sql(database::Msg),
    /// Timer: run the health checks.
    Check,
    /// A database node's answer to a check.
    Health {
        /// The check's number.
        seq: u32,
        /// Whether the node says it is the primary.
        primary: bool,
    },
    /// The operator: writes go to node `primary` from now on.
    Repoint {
        /// The new primary.
        primary: u8,
    },
}

/// The control's messages (the consensus store, or the operator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ControlMsg {
    /// A proxy marked the primary `node` down: the operator is paged.
    Page {
        /// The node marked down.
        node: u8,
    },
    /// Timer: the operator acts (promotes a replica).
    Operate,
    /// A node was promoted: the operator repoints the proxies.
    Promoted {
        /// The new primary.
        node: u8,
    },
    /// A node reads the leader key.
    Read,
    /// A node writes the leader key (itself as leader) if its version is `expect`.
    Write {
        /// Its clock now.
        renewed: Time,
        /// The version it read.
        expect: u32,
    },
}

impl Msg {
    /// Replication of entry `lsn`.
    pub fn ship(lsn: u32, entry: Entry) -> Msg {
        Msg::Ship {
            lsn,
            entry: Box::new(entry),
        }
    }
}
