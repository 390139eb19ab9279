//! The cache's messages ([`Msg`]) and its readers' ([`ReadersMsg`]).

use crate::hall::SeatId;

/// The cache's messages: get, set and delete a seat's key, and its failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Reader `reader` asks for `seat`'s key.
    Get {
        /// The reader.
        reader: u32,
        /// The key: a seat.
        seat: SeatId,
    },
    /// A reader puts what the database answered (cache-aside's fill).
    Set {
        /// The key.
        seat: SeatId,
        /// Whether the seat is held.
        held: bool,
    },
    /// A server deletes the key of a seat it wrote (delete on write).
    Delete {
        /// The key.
        seat: SeatId,
    },
    /// Timer (single-flight): fill number `fill` of `seat` has taken too long.
    FillTimeout {
        /// The key.
        seat: SeatId,
        /// The fill's number.
        fill: u32,
    },
    /// The cache goes down (a fault, or the app's button): its memory is lost.
    Down,
    /// The cache is back, empty.
    Up,
}

/// The readers' messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadersMsg {
    /// Timer: reader `reader` opens its next page.
    Next {
        /// The reader.
        reader: u32,
    },
    /// The cache has the key.
    Hit {
        /// The reader.
        reader: u32,
        /// Whether the seat is held, as cached.
        held: bool,
        /// Whether the reader waited for another reader's fill (single-flight).
        waited: bool,
    },
    /// The cache has not: the reader queries the database and fills the key.
    Miss {
        /// The reader.
        reader: u32,
    },
    /// The cache is down: the reader queries the database (and fills nothing).
    Unavailable {
        /// The reader.
        reader: u32,
    },
    /// The database's answer to a reader's query.
    Row {
        /// The reader.
        reader: u32,
        /// Whether the seat is held by the node that answered.
        held: bool,
        /// False when the query waited too long for its turn (an error).
        ok: bool,
    },
}
