//! The state of a run: servers, customers, requests, seats, stores, and the plain
//! data types the panels read.

use crate::hall::SeatId;
use crate::log::Refusal;
use crate::time::Time;
use serde::Serialize;

/// A request's id: its index in the run's request list.
pub type ReqId = u32;
/// A customer's id: 0-based.
pub type CustomerId = u32;
/// "No request".
pub const NO_REQ: ReqId = u32::MAX;

/// What a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReqKind {
    /// Hold this seat for me.
    Claim,
    /// Take my payment for the seat my claim `0` holds.
    Pay(ReqId),
}

/// The answer a request got. Every request ends with exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// Still travelling or being processed.
    Pending,
    /// Seat held (a claim) or sold (a payment).
    Confirmed,
    /// Refused.
    Refused(Refusal),
    /// Lost in the network: the customer gave up waiting.
    TimedOut,
}

/// What became of a confirmed claim's hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// No hold (not a confirmed claim).
    None,
    /// Held, awaiting payment.
    Held,
    /// Paid: the seat is sold to this customer.
    Paid,
    /// Taken back when replicas merged or an audit ran: someone else got the seat.
    Superseded,
    /// Judged expired by a server's clock; the seat was released.
    Expired,
}

impl Hold {
    /// Whether the customer still holds the seat.
    pub fn active(self) -> bool {
        matches!(self, Hold::Held | Hold::Paid)
    }
}

/// One request, from the customer's click to its answer.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Request {
    /// Who sent it.
    pub customer: CustomerId,
    /// The seat it concerns.
    pub seat: SeatId,
    /// Claim or payment.
    pub kind: ReqKind,
    /// The server the gateway sent it to (0-based).
    pub server: u8,
    /// True time it left the customer.
    pub sent: Time,
    /// True time it reached the server (equal to `sent` while travelling).
    pub arrived: Time,
    /// The server's clock when it arrived: the request's timestamp.
    pub stamp: Time,
    /// Its place in the order that settles contended seats, under `lamport`, `hlc`,
    /// `commit-wait` and `tso` (for `tso`: once the oracle stamped it).
    pub order: Option<Order>,
    /// The answer.
    pub outcome: Outcome,
    /// For a confirmed claim: what became of the hold.
    pub hold: Hold,
    /// How many times an outcome was set (exactly 1 once answered; checked by tests).
    pub outcome_writes: u8,
    /// Anomaly flags ([`crate::log::flags`]) this request raised.
    pub flags: u16,
}

/// A claim's place in the order that settles a contended seat: the smaller wins.
///
/// What it holds depends on the policy: the server's clock reading in ns
/// (`local-timestamp`: `major`, `minor` 0), a Lamport counter (`lamport`: `major`), a
/// hybrid logical clock (`hlc`: `major` = l in ns, `minor` = c), the latest true time
/// the request could have arrived (`commit-wait`: clock + ε), or the timestamp oracle's
/// stamp (`tso`).
///
/// Packed to 12 bytes (4-byte aligned), so that a [`Record`] with its order stays 32
/// bytes and a replication message fits the 40 bytes every message fits in: every
/// event of every run moves them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[repr(C, packed(4))]
pub struct Order {
    /// The main component (ns, or a counter).
    pub major: i64,
    /// The tie-breaking counter (HLC's c).
    pub minor: u32,
}

impl Order {
    /// The order a clock reading gives (`local-timestamp`).
    pub const fn of_time(t: Time) -> Order {
        Order {
            major: t.0,
            minor: 0,
        }
    }
}

/// A seat's record in one server's replica (every policy but `no-lock` and `unique`).
///
/// Replicas merge with [`Record::merge`]: a later generation (a claim made after a
/// release) wins; within a generation a paid record beats an unpaid one, then the
/// smallest [`Order`] wins (ties: lower server, then lower request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// Generation: how many times the seat was claimed after a release.
    pub gen: u32,
    /// The claim holding the seat.
    pub req: ReqId,
    /// The claim's timestamp, by the clock of the server that granted it.
    pub stamp: Time,
    /// The server that granted it (0-based).
    pub server: u8,
    /// Whether the hold is paid.
    pub paid: bool,
    /// Whether the hold was released (expired).
    pub released: bool,
    /// The claim's place in the order ([`Order::of_time`] of `stamp` under
    /// `local-timestamp`).
    pub order: Order,
}

impl std::hash::Hash for Record {
    /// Every field in order, `order` only when it is not the stamp's own (so runs under
    /// `local-timestamp` hash as they did before orders existed).
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.gen.hash(h);
        self.req.hash(h);
        self.stamp.hash(h);
        self.server.hash(h);
        self.paid.hash(h);
        self.released.hash(h);
        if self.order != Order::of_time(self.stamp) {
            self.order.hash(h);
        }
    }
}

impl Record {
    /// The merge of two records of the same seat: commutative, associative, idempotent,
    /// so replicas that exchange every change converge whatever the delivery order.
    pub fn merge(a: Record, b: Record) -> Record {
        if a.gen != b.gen {
            return if a.gen > b.gen { a } else { b };
        }
        if a.req == b.req {
            return Record {
                paid: a.paid || b.paid,
                released: a.released || b.released,
                ..a
            };
        }
        if a.paid != b.paid {
            return if a.paid { a } else { b };
        }
        if (a.order, a.server, a.req) <= (b.order, b.server, b.req) {
            a
        } else {
            b
        }
    }
}

/// What the whole system truly knows of a seat (the simulator's view, not a server's).
#[derive(Clone, Debug, Default)]
pub struct SeatTruth {
    /// Confirmed claims still holding the seat (2 or more: double-booked).
    pub holders: Vec<ReqId>,
    /// The contention window ("episode"): from the first hold while the seat was free
    /// until it is free again. The first claim to reach a server in it, in true time.
    pub first: Option<(Time, ReqId)>,
    /// When the current double booking began.
    pub double_since: Option<Time>,
    /// The seat's last settled holder was not the first to ask.
    pub wrong: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(gen: u32, req: ReqId, stamp: i64, paid: bool) -> Record {
        Record {
            gen,
            req,
            stamp: Time(stamp),
            server: 0,
            paid,
            released: false,
            order: Order::of_time(Time(stamp)),
        }
    }

    #[test]
    fn merge_is_a_semilattice() {
        let rs = [
            rec(1, 1, 100, false),
            rec(1, 2, 90, false),
            rec(1, 1, 100, true),
            rec(2, 3, 500, false),
            rec(1, 4, 95, false),
        ];
        for &a in &rs {
            assert_eq!(Record::merge(a, a), a);
            for &b in &rs {
                assert_eq!(Record::merge(a, b), Record::merge(b, a));
                for &c in &rs {
                    assert_eq!(
                        Record::merge(Record::merge(a, b), c),
                        Record::merge(a, Record::merge(b, c))
                    );
                }
            }
        }
        assert_eq!(Record::merge(rs[0], rs[1]).req, 2, "earliest stamp wins");
        assert_eq!(Record::merge(rs[2], rs[1]).req, 1, "paid wins");
        assert_eq!(Record::merge(rs[2], rs[3]).req, 3, "later generation wins");
    }
}
