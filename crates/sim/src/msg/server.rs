//! A reservation server's messages.

use crate::hall::SeatId;
use crate::obs::Decision;
pub use crate::server::config::Mode;
use crate::time::Time;
use crate::world::{CustomerId, Record, ReqId, ReqKind};

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

/// A server's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// The instance changes state: a crash, a hang, a slowdown, a restart.
    Fault(Mode),
    /// The gateway's active health check.
    Probe {
        /// The check's number.
        seq: u32,
    },
}
