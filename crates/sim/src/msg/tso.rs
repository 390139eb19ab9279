//! The timestamp oracle's messages.

use crate::hall::SeatId;
use crate::time::Time;
use crate::world::ReqId;

/// The timestamp oracle's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
}
