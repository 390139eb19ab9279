//! The timestamp oracle's messages.

use crate::hall::SeatId;
use crate::time::Time;
use crate::world::ReqId;

/// One claim of a batch: what the oracle sends back with its timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Asked {
    /// The claim.
    pub req: ReqId,
    /// The seat.
    pub seat: SeatId,
    /// The claim's stamp by the server's clock.
    pub stamp: Time,
}

/// The timestamp oracle's messages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A server asks a timestamp for claim `req` (the other fields come back with it).
    Ask {
        /// The claim.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// The claim's stamp by the server's clock.
        stamp: Time,
    },
    /// `tso.batch` above 1: a server asks timestamps for several claims at once, in the
    /// order they reached it; the oracle answers with as many consecutive timestamps
    /// (boxed: a batch has no fixed size, and every event would carry the largest).
    Batch(Box<[Asked]>),
}
