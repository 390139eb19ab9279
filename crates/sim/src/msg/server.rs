//! A reservation server's messages.

use crate::hall::SeatId;
use crate::obs::Decision;
pub use crate::server::config::Mode;
use crate::time::Time;
use crate::world::{CustomerId, Order, Record, ReqId, ReqKind};

/// A customer's request as it travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    /// Its id.
    pub req: ReqId,
    /// Who sent it.
    pub customer: CustomerId,
    /// The seat.
    pub seat: SeatId,
    /// Claim or payment.
    pub kind: ReqKind,
    /// The session token's `nbf` (its `exp` is `nbf` + the token's lifetime).
    pub nbf: Time,
}

/// A peer's record of a seat and the peer's clock ([`Msg::Sync`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Synced {
    /// The seat.
    pub seat: SeatId,
    /// The peer's record.
    pub rec: Record,
    /// The sender's clock (Lamport counter, HLC (l, c); unused by the others).
    pub clock: Order,
}

/// A server's messages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A customer's request.
    Request(Request),
    /// The database's decision on a request.
    DbReply {
        /// The request.
        req: ReqId,
        /// The decision.
        decision: Decision,
    },
    /// `no-lock`: the database's answer to a read of the seat.
    ReadReply {
        /// The request.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The request's stamp (by this server's clock at its arrival).
        stamp: Time,
        /// The seat's newest active hold ([`NO_REQ`] if none).
        newest: ReqId,
        /// Its stamp.
        newest_stamp: Time,
        /// Whether the seat is sold.
        any_paid: bool,
    },
    /// `local-timestamp`: a peer's record of a seat.
    Replicate {
        /// The seat.
        seat: SeatId,
        /// The peer's record.
        rec: Record,
    },
    /// A peer's record of a seat, with the peer's logical clock when it sent it
    /// (`lamport`, `hlc`, `commit-wait`, `tso`; `local-timestamp` uses `Replicate`).
    /// Boxed: it is bigger than every other message, and every event would carry its
    /// size (it hashes as its fields would unboxed).
    Sync(Box<Synced>),
    /// Timer (`commit-wait`): the wait of claim `req`, stamped `order`, may be over.
    CommitWait {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// Its stamp (clock + ε when it arrived).
        order: Order,
    },
    /// The timestamp oracle's answer (`tso`).
    Stamp {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The claim's stamp by this server's clock at its arrival (for hold expiry).
        stamp: Time,
        /// The oracle's timestamp.
        ts: Time,
    },
    /// Timer (`tso`): stop waiting for the oracle's timestamp of claim `req`.
    OracleTimeout {
        /// The claim.
        req: ReqId,
    },
    /// The instance changes state: a crash, a hang, a slowdown, a restart.
    Fault(Mode),
    /// The gateway's active health check.
    Probe {
        /// The check's number.
        seq: u32,
    },
    /// Worker threads: a worker finished its request's service time and is free
    /// (`epoch`: the process's life it started in; a restart forgets older ones).
    Freed {
        /// The process's life.
        epoch: u32,
    },
    /// Worker threads: request `req` may have waited too long in the accept queue.
    QueueTimeout {
        /// The request.
        req: ReqId,
    },
    /// `no-lock` with a global lock: the database grants the lock to claim `req`.
    Locked {
        /// The claim.
        req: ReqId,
    },
    /// The timestamp oracle's answer to a batch (`tso.batch` above 1): the claims in
    /// the order they were asked, the first getting `first`, the next `first` + 1 ns,
    /// and so on.
    Stamps {
        /// The first claim's timestamp.
        first: Time,
        /// The claims of the batch, as asked.
        asks: Box<[crate::msg::tso::Asked]>,
    },
    /// Timer (`tso.batch` above 1): the batching window of batch number `batch` is
    /// over: its claims go to the oracle, however many there are.
    BatchDue {
        /// The batch's number (a batch already sent full is not sent again).
        batch: u32,
    },
}
