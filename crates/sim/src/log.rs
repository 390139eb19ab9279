//! The event log servers write, order inversions, and the run's trace hash.

use crate::hall::SeatId;
use crate::time::Time;
use serde::Serialize;

/// Why a server said no.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The server's clock says the sale has not opened yet.
    NotOpen,
    /// The session token's `nbf` is in the future by the server's clock.
    TokenNotYetValid,
    /// The session token's `exp` is past by the server's clock.
    TokenExpired,
    /// The seat is held or sold.
    Taken,
    /// Payment refused: the hold expired by the server's clock.
    HoldExpired,
    /// Payment refused: the hold was given to someone else meanwhile.
    HoldLost,
    /// `tso`: no timestamp came from the oracle in time (down or cut off).
    NoTimestamp,
    /// No instance could take the request: connection refused by a crashed instance,
    /// or no instance up behind the gateway (HTTP 502/503).
    Unavailable,
    /// The gateway stopped waiting for the instance's answer (HTTP 504).
    GatewayTimeout,
    /// The customer sent more than the gateway's rate limit allows (HTTP 429).
    RateLimited,
    /// Fail closed (`ntp.fail_closed`): the server's NTP client is not synchronised, so
    /// it refuses to tell the time, and to sell (the original report's `TimeService`).
    Unsynchronized,
}

impl Refusal {
    /// A short code for tables and logs.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotOpen => "not_open",
            Refusal::TokenNotYetValid => "token_nbf",
            Refusal::TokenExpired => "token_exp",
            Refusal::Taken => "taken",
            Refusal::HoldExpired => "hold_expired",
            Refusal::HoldLost => "hold_lost",
            Refusal::NoTimestamp => "no_timestamp",
            Refusal::Unavailable => "unavailable",
            Refusal::GatewayTimeout => "gateway_timeout",
            Refusal::RateLimited => "rate_limited",
            Refusal::Unsynchronized => "unsynchronized",
        }
    }
}

/// What a log line records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "reason", rename_all = "snake_case")]
pub enum LogKind {
    /// A seat was confirmed (held) to the customer.
    Confirmed,
    /// A seat request was refused.
    Refused(Refusal),
    /// A payment was accepted: the seat is sold.
    Paid,
    /// A payment was refused.
    PayRefused(Refusal),
    /// A confirmed hold was taken back when replicas merged or an audit ran.
    Revoked,
    /// A hold was judged expired and the seat released.
    Released,
}

/// Anomaly flags a log line may carry (a bit set).
pub mod flags {
    /// The line's timestamp is earlier than a line written before it in true time.
    pub const INVERSION: u16 = 1;
    /// A seat was sold before the official opening (true time).
    pub const EARLY_SALE: u16 = 2;
    /// A customer was refused by a clock that was wrong (true time would have accepted).
    pub const WRONGLY_REFUSED: u16 = 4;
    /// This confirmation put a second customer on a seat.
    pub const DOUBLE_BOOKING: u16 = 8;
    /// The seat went to a customer who was not the first to ask.
    pub const WRONG_WINNER: u16 = 16;
    /// A hold was judged expired before its time-to-live had passed in true time.
    pub const PREMATURE_EXPIRY: u16 = 32;
    /// A hold was judged valid after its time-to-live had passed in true time.
    pub const LATE_EXPIRY: u16 = 64;
    /// Any flag but inversion: the "anomalies" filter.
    pub const ANOMALY: u16 = !INVERSION;
}

/// One line of a server's log: true time and the local timestamp it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LogRecord {
    /// True time the line was written.
    pub t: Time,
    /// The writing server's clock at that moment.
    pub stamp: Time,
    /// The writing server (0-based: `server-1` is 0).
    pub server: u8,
    /// What happened.
    pub kind: LogKind,
    /// The customer concerned.
    pub customer: u32,
    /// The seat concerned.
    pub seat: SeatId,
    /// The request concerned.
    pub request: u32,
    /// Anomaly flags, see [`flags`].
    pub flags: u16,
}

/// The log, kept in true-time order, with inversion detection.
#[derive(Clone, Debug, Default)]
pub struct Log {
    records: Vec<LogRecord>,
    max_stamp: Option<Time>,
    inversions: u64,
}

impl Log {
    /// An empty log with room for `n` lines.
    pub fn with_capacity(n: usize) -> Log {
        Log {
            records: Vec::with_capacity(n),
            ..Default::default()
        }
    }

    /// Appends a line written at true time `rec.t` (never earlier than the last one);
    /// flags it as an inversion if its stamp is below a stamp already written.
    pub fn push(&mut self, mut rec: LogRecord) -> usize {
        if self.max_stamp.is_some_and(|m| rec.stamp < m) {
            rec.flags |= flags::INVERSION;
            self.inversions += 1;
        }
        self.max_stamp = Some(self.max_stamp.map_or(rec.stamp, |m| m.max(rec.stamp)));
        self.records.push(rec);
        self.records.len() - 1
    }

    /// Adds flags to a line already written.
    pub fn flag(&mut self, index: usize, f: u16) {
        self.records[index].flags |= f;
    }

    /// Every line, oldest first.
    pub fn records(&self) -> &[LogRecord] {
        &self.records
    }

    /// Number of lines stamped earlier than a line written before them.
    pub fn inversions(&self) -> u64 {
        self.inversions
    }
}

/// A 64-bit FNV-1a hash over words: cheap, portable, and enough to tell two runs apart.
#[derive(Clone, Copy, Debug)]
pub struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHash {
    /// Mixes one word in.
    #[inline]
    pub fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x0000_0100_0000_01b3);
    }

    /// A [`std::hash::Hasher`] that mixes into this hash, the same on every platform
    /// (`usize` and `isize` are widened to 64 bits, so wasm32 agrees with native).
    pub fn hasher(&self) -> TraceHasher {
        TraceHasher(*self)
    }

    /// The hash so far, as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Feeds any `Hash` value into a [`TraceHash`], word by word.
#[derive(Clone, Copy, Debug)]
pub struct TraceHasher(TraceHash);

impl TraceHasher {
    /// The hash with everything written so far.
    pub fn into_inner(self) -> TraceHash {
        self.0
    }
}

impl std::hash::Hasher for TraceHasher {
    fn finish(&self) -> u64 {
        (self.0).0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0.mix(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0.mix(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.0.mix(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.0.mix(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0.mix(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.0.mix(i as u64);
    }
    fn write_i8(&mut self, i: i8) {
        self.0.mix(i as i64 as u64);
    }
    fn write_i16(&mut self, i: i16) {
        self.0.mix(i as i64 as u64);
    }
    fn write_i32(&mut self, i: i32) {
        self.0.mix(i as i64 as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.0.mix(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.0.mix(i as i64 as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(t: i64, stamp: i64) -> LogRecord {
        LogRecord {
            t: Time(t),
            stamp: Time(stamp),
            server: 0,
            kind: LogKind::Confirmed,
            customer: 0,
            seat: 0,
            request: 0,
            flags: 0,
        }
    }

    #[test]
    fn inversions_are_lines_stamped_before_an_earlier_line() {
        let mut log = Log::default();
        for (t, s) in [(1, 1), (2, 5), (3, 3), (4, 5), (5, 4), (6, 9)] {
            log.push(rec(t, s));
        }
        let inv: Vec<bool> = log
            .records()
            .iter()
            .map(|r| r.flags & flags::INVERSION != 0)
            .collect();
        assert_eq!(inv, vec![false, false, true, false, true, false]);
        assert_eq!(log.inversions(), 2);
    }

    #[test]
    fn hash_depends_on_order() {
        let (mut a, mut b) = (TraceHash::default(), TraceHash::default());
        a.mix(1);
        a.mix(2);
        b.mix(2);
        b.mix(1);
        assert_ne!(a.hex(), b.hex());
    }
}
