//! The database's messages.

use crate::hall::SeatId;
use crate::time::Time;
use crate::world::{CustomerId, ReqId};

/// The database's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// `unique`: insert a hold for claim `req` if the seat is free (or its hold expired
    /// by the server's clock, which read `stamp`).
    Claim {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The claim's stamp, by the server's clock.
        stamp: Time,
    },
    /// `no-lock`: read the seat's holds.
    Read {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The claim's stamp (returned with the answer).
        stamp: Time,
    },
    /// `no-lock`: release holds expired by `server_now`, then insert, unchecked.
    Insert {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The claim's stamp.
        stamp: Time,
        /// The server's clock when it decided to insert.
        server_now: Time,
    },
    /// Mark `claim` paid unless its hold expired by `server_now`.
    Pay {
        /// The payment request.
        req: ReqId,
        /// The claim it pays for.
        claim: ReqId,
        /// The server's clock when the payment arrived.
        server_now: Time,
    },
    /// Timer (`no-lock`): audit duplicate rows.
    Audit,
    /// `no-lock` with a global lock: claim `req` asks for the lock (granted in turn).
    Lock {
        /// The claim.
        req: ReqId,
    },
    /// `no-lock` with a global lock: claim `req` is done with the lock.
    Unlock {
        /// The claim.
        req: ReqId,
    },
    /// `unique` with idempotency keys: a claim and its key (the customer and the seat:
    /// a retry of the same click carries the same key).
    ClaimKeyed {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The claim's stamp, by the server's clock.
        stamp: Time,
        /// Who sent it.
        customer: CustomerId,
    },
}
