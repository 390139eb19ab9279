//! The database behind the servers (`no-lock` and `unique`): one primary that keeps
//! every hold as a row, judges expiry with the clock reading the server sent, and,
//! under `no-lock`, audits duplicate rows periodically.
//!
//! - `unique`: a claim inserts only if the seat has no active hold (a unique
//!   constraint): serialized, no double booking.
//! - `no-lock`: a server reads, decides, then inserts whatever happened since: two
//!   servers can both insert. The audit keeps one row (paid first, then the earliest
//!   stamp) and revokes the others.

use crate::clock::{Clock, ClockConfig};
use crate::config::{Config, Policy};
use crate::hall::SeatId;
use crate::host::Host;
use crate::kernel::{Build, Cx, Kernel, Node, Route};
use crate::log::Refusal;
pub use crate::msg::database::Msg;
use crate::msg::Layer;
use crate::msg::{server, Addr};
use crate::net::Way;
use crate::obs::{Decision, Obs};
use crate::rng::Rng;
use crate::time::secs_to_nanos;
use crate::time::Time;
use crate::world::{CustomerId, Hold, ReqId, NO_REQ};

/// One hold row.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Row {
    stamp: Time,
    server: u8,
    state: Hold,
}

/// The primary database.
#[derive(Clone, Debug)]
pub struct Database {
    ttl: i64,
    audit_every: Option<i64>,
    /// Per seat, the claims with a row.
    seats: Vec<Vec<ReqId>>,
    /// Per claim id, its row (if it has one).
    rows: Vec<Option<Row>>,
    /// `no-lock` with a global lock: who holds it (the server and its claim).
    lock: Option<(Addr, ReqId)>,
    /// Claims waiting for the lock, in the order they asked.
    lock_queue: std::collections::VecDeque<(Addr, ReqId)>,
    /// Idempotency keys: (customer, seat) → the claim that holds with that key.
    keys: std::collections::BTreeMap<(CustomerId, SeatId), ReqId>,
    /// Retries answered with an earlier claim's hold: retry → that claim.
    aliases: std::collections::BTreeMap<ReqId, ReqId>,
}

impl Database {
    /// A database for `seats` seats, holds of time-to-live `ttl` ns; `audit_every`: the
    /// audit's period in ns (`no-lock`).
    pub fn new(seats: usize, ttl: i64, audit_every: Option<i64>) -> Database {
        Database {
            ttl,
            audit_every,
            seats: vec![Vec::new(); seats],
            rows: Vec::new(),
            lock: None,
            lock_queue: std::collections::VecDeque::new(),
            keys: std::collections::BTreeMap::new(),
            aliases: std::collections::BTreeMap::new(),
        }
    }

    /// Arms the audit timer (`no-lock`).
    pub fn start(&mut self, cx: &mut Cx<'_>) {
        if let Some(every) = self.audit_every {
            cx.wake_in_background(every, Msg::Audit);
        }
    }

    /// The state of claim `req`'s hold, as the database knows it.
    pub fn hold(&self, req: ReqId) -> Hold {
        self.row(req).map_or(Hold::None, |r| r.state)
    }

    fn row(&self, req: ReqId) -> Option<Row> {
        self.rows.get(req as usize).copied().flatten()
    }

    fn set(&mut self, req: ReqId, state: Hold) {
        if let Some(Some(r)) = self.rows.get_mut(req as usize) {
            r.state = state;
        }
    }

    fn insert(&mut self, req: ReqId, seat: SeatId, stamp: Time, server: u8, cx: &mut Cx<'_>) {
        if self.rows.len() <= req as usize {
            self.rows.resize(req as usize + 1, None);
        }
        self.rows[req as usize] = Some(Row {
            stamp,
            server,
            state: Hold::Held,
        });
        self.seats[seat as usize].push(req);
        cx.observe(Obs::HoldGranted { req });
    }

    /// The seat's active holds: (newest by stamp, any paid).
    fn state(&mut self, seat: SeatId) -> (Option<(ReqId, Time)>, bool) {
        let rows = &self.rows;
        let list = &mut self.seats[seat as usize];
        let row = |q: ReqId| rows[q as usize].expect("a listed claim has a row");
        list.retain(|&q| row(q).state.active());
        let newest = list
            .iter()
            .map(|&q| (row(q).stamp, q))
            .max()
            .map(|(stamp, q)| (q, stamp));
        let paid = list.iter().any(|&q| row(q).state == Hold::Paid);
        (newest, paid)
    }

    fn judge_expired(&self, claim: ReqId, server_now: Time, judge: ReqId, cx: &mut Cx<'_>) -> bool {
        let stamp = self.row(claim).expect("judged claims have a row").stamp;
        let expired = server_now - stamp > self.ttl;
        cx.observe(Obs::ExpiryJudged {
            claim,
            judge,
            expired,
        });
        expired
    }

    /// Releases `claim`'s hold, as server `by` judged; the database writes the line,
    /// with its own clock.
    fn release(&mut self, claim: ReqId, by: u8, cx: &mut Cx<'_>) {
        self.set(claim, Hold::Expired);
        let stamp = cx.local();
        cx.observe(Obs::Released { claim, by, stamp });
    }

    /// Releases the seat's unpaid holds that a server whose clock reads `server_now`
    /// finds expired.
    fn release_expired(&mut self, seat: SeatId, server_now: Time, by: u8, cx: &mut Cx<'_>) {
        for i in 0..self.seats[seat as usize].len() {
            let q = self.seats[seat as usize][i];
            let row = self.row(q).expect("a listed claim has a row");
            if row.state == Hold::Held && server_now - row.stamp > self.ttl {
                self.release(q, by, cx);
            }
        }
    }

    /// `unique`: holds `seat` for claim `req` if it is free (or its hold expired by
    /// the server's clock, which read `stamp`).
    fn claim(
        &mut self,
        req: ReqId,
        seat: SeatId,
        stamp: Time,
        server: u8,
        cx: &mut Cx<'_>,
    ) -> Decision {
        let (newest, any_paid) = self.state(seat);
        let taken = any_paid || newest.is_some_and(|(q, _)| !self.judge_expired(q, stamp, req, cx));
        if taken {
            cx.observe(Obs::FoundTaken { req });
            Decision::Refused(Refusal::Taken)
        } else {
            self.release_expired(seat, stamp, server, cx);
            self.insert(req, seat, stamp, server, cx);
            Decision::Confirmed
        }
    }

    fn reply(&self, to: Addr, req: ReqId, decision: Decision, cx: &mut Cx<'_>) {
        cx.send(to, server::Msg::DbReply { req, decision });
    }

    fn on_audit(&mut self, cx: &mut Cx<'_>) {
        for seat in 0..self.seats.len() as SeatId {
            if self.seats[seat as usize].len() < 2 {
                continue;
            }
            self.state(seat);
            let list = self.seats[seat as usize].clone();
            if list.len() < 2 {
                continue;
            }
            let key = |q: ReqId| {
                let r = self.row(q).expect("a listed claim has a row");
                (r.state != Hold::Paid, r.stamp, r.server, q)
            };
            let keep = list
                .iter()
                .copied()
                .min_by_key(|&q| key(q))
                .expect("two rows");
            for q in list {
                if q != keep {
                    let by = self.row(q).expect("listed").server;
                    self.set(q, Hold::Superseded);
                    let stamp = cx.local();
                    cx.observe(Obs::Revoked {
                        claim: q,
                        by,
                        stamp,
                        handed_over: false,
                    });
                }
            }
        }
        if let Some(every) = self.audit_every {
            cx.wake_in_background(every, Msg::Audit);
        }
    }
}

/// The database's random stream.
const STREAM: u64 = 1000;

impl Build for Database {
    /// One primary, on a host of its own with an exact clock; its answers take the
    /// `lan` back to the servers, on a reliable channel. Under `no-lock` it audits.
    /// None on the data path (`data.enabled`).
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Database> {
        if cfg.data.enabled {
            // The data path's primary and replicas take its place.
            return Vec::new();
        }
        let clock = Clock::new(&ClockConfig::default(), cfg.sale.start());
        let h = k.add_host(Host::new("database", clock, Rng::stream(cfg.seed, STREAM)));
        k.place(Layer::Database, h);
        let lan = k.topology.shared_link("lan", &cfg.network.lan);
        let route = Route {
            link: Some(lan),
            way: Way::Back,
            reliable: true,
        };
        k.topology.connect(Layer::Database, Layer::Server, route);
        let seats = (cfg.hall.rows * cfg.hall.cols) as usize;
        let audit =
            (cfg.policy == Policy::NoLock).then(|| secs_to_nanos(cfg.network.audit_interval_s));
        vec![Database::new(
            seats,
            secs_to_nanos(cfg.sale.hold_ttl_s),
            audit,
        )]
    }
}

impl Node for Database {
    type Msg = Msg;

    fn on_msg(&mut self, from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        let server = from.index as u8;
        match msg {
            Msg::Read { req, seat, stamp } => {
                let (newest, any_paid) = self.state(seat);
                cx.send(
                    from,
                    server::Msg::ReadReply {
                        req,
                        seat,
                        stamp,
                        newest: newest.map_or(NO_REQ, |n| n.0),
                        newest_stamp: newest.map_or(Time(0), |n| n.1),
                        any_paid,
                    },
                );
            }
            Msg::Claim { req, seat, stamp } => {
                let decision = self.claim(req, seat, stamp, server, cx);
                self.reply(from, req, decision, cx);
            }
            Msg::ClaimKeyed {
                req,
                seat,
                stamp,
                customer,
            } => {
                let key = (customer, seat);
                let decision = match self.keys.get(&key).copied() {
                    // A retry of a claim that holds: the same hold, no new decision.
                    Some(claim)
                        if self.hold(claim) == Hold::Paid
                            || (self.hold(claim) == Hold::Held
                                && !self.judge_expired(claim, stamp, req, cx)) =>
                    {
                        self.aliases.insert(req, claim);
                        cx.observe(Obs::Deduplicated { req, claim });
                        Decision::Confirmed
                    }
                    _ => {
                        let d = self.claim(req, seat, stamp, server, cx);
                        if d == Decision::Confirmed {
                            self.keys.insert(key, req);
                        }
                        d
                    }
                };
                self.reply(from, req, decision, cx);
            }
            Msg::Insert {
                req,
                seat,
                stamp,
                server_now,
            } => {
                // No lock: whatever happened since the read, insert.
                self.state(seat);
                self.release_expired(seat, server_now, server, cx);
                self.insert(req, seat, stamp, server, cx);
                self.reply(from, req, Decision::Confirmed, cx);
            }
            Msg::Pay {
                req,
                claim,
                server_now,
            } => {
                // A retry answered with an earlier claim's hold pays for that hold.
                let claim = self.aliases.get(&claim).copied().unwrap_or(claim);
                let decision = match self.hold(claim) {
                    Hold::Paid => Decision::Confirmed,
                    Hold::Held if self.judge_expired(claim, server_now, req, cx) => {
                        self.release(claim, server, cx);
                        Decision::Refused(Refusal::HoldExpired)
                    }
                    Hold::Held => {
                        self.set(claim, Hold::Paid);
                        cx.observe(Obs::Paid { claim, pay: req });
                        Decision::Confirmed
                    }
                    Hold::Expired => Decision::Refused(Refusal::HoldExpired),
                    Hold::Superseded | Hold::None => Decision::Refused(Refusal::HoldLost),
                };
                self.reply(from, req, decision, cx);
            }
            Msg::Audit => self.on_audit(cx),
            Msg::Lock { req } => {
                if self.lock.is_none() {
                    self.lock = Some((from, req));
                    cx.send(from, server::Msg::Locked { req });
                } else {
                    self.lock_queue.push_back((from, req));
                }
            }
            Msg::Unlock { req } => {
                if self.lock.is_some_and(|(_, r)| r == req) {
                    self.lock = self.lock_queue.pop_front();
                    if let Some((to, next)) = self.lock {
                        cx.send(to, server::Msg::Locked { req: next });
                    }
                }
            }
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        Database::start(self, cx);
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let count = |s: Hold| self.rows.iter().flatten().filter(|r| r.state == s).count() as f64;
        vec![("held", count(Hold::Held)), ("sold", count(Hold::Paid))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, timers, Bench};
    use crate::msg::{Layer, Msg as AnyMsg};
    use crate::time::SEC;

    const ME: Addr = Addr::new(Layer::Database, 0);
    const T0: Time = Time(36_000 * SEC);
    const TTL: i64 = 300 * SEC;

    fn server(i: u16) -> Addr {
        Addr::new(Layer::Server, i)
    }

    /// Server-1's claim `req` on `seat`, stamped T0.
    fn claim(bench: &mut Bench, db: &mut Database, req: ReqId, seat: SeatId) {
        let c = Msg::Claim {
            req,
            seat,
            stamp: T0,
        };
        bench.deliver(db, ME, server(0), c);
    }

    fn reply(cmds: &[crate::kernel::Cmd]) -> (Addr, Decision) {
        match sends(cmds).as_slice() {
            [(to, AnyMsg::Server(server::Msg::DbReply { decision, .. }))] => (*to, *decision),
            other => panic!("one reply expected, got {other:?}"),
        }
    }

    #[test]
    fn a_claim_on_a_held_seat_is_refused() {
        let mut bench = Bench::new(T0, 0);
        let mut db = Database::new(10, TTL, None);
        let c = Msg::Claim {
            req: 1,
            seat: 3,
            stamp: T0,
        };
        let cmds = bench.deliver(&mut db, ME, server(0), c);
        assert_eq!(reply(&cmds), (server(0), Decision::Confirmed));
        assert_eq!(db.hold(1), Hold::Held);
        // Another server's claim, stamped 10 s later by its clock: the seat is taken.
        let c = Msg::Claim {
            req: 2,
            seat: 3,
            stamp: T0 + 10 * SEC,
        };
        let cmds = bench.deliver(&mut db, ME, server(1), c);
        assert_eq!(reply(&cmds), (server(1), Decision::Refused(Refusal::Taken)));
        assert_eq!(
            observations(&cmds),
            vec![
                Obs::ExpiryJudged {
                    claim: 1,
                    judge: 2,
                    expired: false
                },
                Obs::FoundTaken { req: 2 }
            ]
        );
        assert_eq!(db.hold(2), Hold::None);
    }

    #[test]
    fn a_hold_expires_by_the_clock_reading_the_server_sent() {
        let mut bench = Bench::new(T0, 0);
        let mut db = Database::new(10, TTL, None);
        claim(&mut bench, &mut db, 1, 0);
        // Only 60 s later in true time, but server-2's clock is 250 s fast: it reads
        // 310 s after the stamp, so the hold is released (too early) and the seat is its.
        // The database writes the release with its own (exact) clock.
        bench.advance(60 * SEC);
        let c = Msg::Claim {
            req: 2,
            seat: 0,
            stamp: T0 + 310 * SEC,
        };
        let cmds = bench.deliver(&mut db, ME, server(1), c);
        assert_eq!(reply(&cmds).1, Decision::Confirmed);
        assert!(observations(&cmds).contains(&Obs::Released {
            claim: 1,
            by: 1,
            stamp: T0 + 60 * SEC
        }));
        assert_eq!((db.hold(1), db.hold(2)), (Hold::Expired, Hold::Held));
    }

    #[test]
    fn without_a_lock_both_insert_and_the_audit_keeps_the_earliest() {
        let mut bench = Bench::new(T0, 0);
        let mut db = Database::new(10, TTL, Some(30 * SEC));
        let start = bench.with(ME, |cx| db.start(cx));
        assert_eq!(
            timers(&start),
            vec![(30 * SEC, AnyMsg::Database(Msg::Audit))]
        );
        // Both servers read the seat free, then both insert.
        for (i, (req, stamp)) in [(1, T0 + 2 * SEC), (2, T0 + SEC)].into_iter().enumerate() {
            let cmds = bench.deliver(
                &mut db,
                ME,
                server(i as u16),
                Msg::Read {
                    req,
                    seat: 5,
                    stamp,
                },
            );
            assert!(matches!(
                sends(&cmds)[0].1,
                AnyMsg::Server(server::Msg::ReadReply {
                    newest: NO_REQ,
                    any_paid: false,
                    ..
                })
            ));
        }
        for (i, (req, stamp)) in [(1, T0 + 2 * SEC), (2, T0 + SEC)].into_iter().enumerate() {
            let ins = Msg::Insert {
                req,
                seat: 5,
                stamp,
                server_now: stamp,
            };
            assert_eq!(
                reply(&bench.deliver(&mut db, ME, server(i as u16), ins)).1,
                Decision::Confirmed
            );
        }
        assert_eq!(
            (db.hold(1), db.hold(2)),
            (Hold::Held, Hold::Held),
            "double-booked"
        );
        bench.advance(30 * SEC);
        let cmds = bench.deliver(&mut db, ME, ME, Msg::Audit);
        assert_eq!(
            (db.hold(1), db.hold(2)),
            (Hold::Superseded, Hold::Held),
            "earliest stamp kept"
        );
        assert!(matches!(
            observations(&cmds).as_slice(),
            [Obs::Revoked {
                claim: 1,
                by: 0,
                handed_over: false,
                ..
            }]
        ));
        assert_eq!(
            timers(&cmds),
            vec![(30 * SEC, AnyMsg::Database(Msg::Audit))]
        );
    }

    #[test]
    fn a_payment_settles_a_live_hold_and_not_an_expired_one() {
        let mut bench = Bench::new(T0, 0);
        let mut db = Database::new(10, TTL, None);
        claim(&mut bench, &mut db, 1, 0);
        claim(&mut bench, &mut db, 2, 1);
        let pay = |req, claim, server_now| Msg::Pay {
            req,
            claim,
            server_now,
        };
        let cmds = bench.deliver(&mut db, ME, server(0), pay(3, 1, T0 + 100 * SEC));
        assert_eq!(reply(&cmds).1, Decision::Confirmed);
        assert!(observations(&cmds).contains(&Obs::Paid { claim: 1, pay: 3 }));
        let cmds = bench.deliver(&mut db, ME, server(0), pay(4, 2, T0 + 301 * SEC));
        assert_eq!(reply(&cmds).1, Decision::Refused(Refusal::HoldExpired));
        assert_eq!((db.hold(1), db.hold(2)), (Hold::Paid, Hold::Expired));
        // Paying again for a sold seat is confirmed, an unknown claim is lost.
        assert_eq!(
            reply(&bench.deliver(&mut db, ME, server(0), pay(5, 1, T0))).1,
            Decision::Confirmed
        );
        assert_eq!(
            reply(&bench.deliver(&mut db, ME, server(0), pay(6, 9, T0))).1,
            Decision::Refused(Refusal::HoldLost)
        );
    }

    /// The global lock goes to one claim at a time, in the order they asked; an
    /// unlock by a claim that does not hold it changes nothing.
    #[test]
    fn the_global_lock_is_granted_in_turn() {
        let mut bench = Bench::new(T0, 0);
        let mut db = Database::new(10, TTL, None);
        let cmds = bench.deliver(&mut db, ME, server(0), Msg::Lock { req: 1 });
        assert_eq!(
            sends(&cmds),
            vec![(server(0), AnyMsg::Server(server::Msg::Locked { req: 1 }))]
        );
        assert!(bench
            .deliver(&mut db, ME, server(1), Msg::Lock { req: 2 })
            .is_empty());
        assert!(bench
            .deliver(&mut db, ME, server(2), Msg::Lock { req: 3 })
            .is_empty());
        assert!(bench
            .deliver(&mut db, ME, server(1), Msg::Unlock { req: 2 })
            .is_empty());
        let cmds = bench.deliver(&mut db, ME, server(0), Msg::Unlock { req: 1 });
        assert_eq!(
            sends(&cmds),
            vec![(server(1), AnyMsg::Server(server::Msg::Locked { req: 2 }))]
        );
        let cmds = bench.deliver(&mut db, ME, server(1), Msg::Unlock { req: 2 });
        assert_eq!(
            sends(&cmds),
            vec![(server(2), AnyMsg::Server(server::Msg::Locked { req: 3 }))]
        );
    }

    /// Idempotency keys: a retry of customer 7's claim on seat 3 gets the hold of
    /// the first claim (no new decision), and paying for the retry pays that hold.
    /// Another customer's claim on the seat is refused as usual.
    #[test]
    fn a_retry_with_the_same_key_gets_the_same_hold() {
        let mut bench = Bench::new(T0, 0);
        let mut db = Database::new(10, TTL, None);
        let keyed = |req, customer| Msg::ClaimKeyed {
            req,
            seat: 3,
            stamp: T0,
            customer,
        };
        let cmds = bench.deliver(&mut db, ME, server(0), keyed(1, 7));
        assert_eq!(reply(&cmds), (server(0), Decision::Confirmed));
        let cmds = bench.deliver(&mut db, ME, server(1), keyed(2, 7));
        assert_eq!(reply(&cmds), (server(1), Decision::Confirmed));
        assert_eq!(
            observations(&cmds),
            vec![
                Obs::ExpiryJudged {
                    claim: 1,
                    judge: 2,
                    expired: false
                },
                Obs::Deduplicated { req: 2, claim: 1 }
            ]
        );
        assert_eq!(db.hold(2), Hold::None, "no second hold");
        let cmds = bench.deliver(&mut db, ME, server(2), keyed(3, 8));
        assert_eq!(reply(&cmds), (server(2), Decision::Refused(Refusal::Taken)));
        let pay = Msg::Pay {
            req: 4,
            claim: 2,
            server_now: T0,
        };
        let cmds = bench.deliver(&mut db, ME, server(0), pay);
        assert_eq!(reply(&cmds), (server(0), Decision::Confirmed));
        assert!(observations(&cmds).contains(&Obs::Paid { claim: 1, pay: 4 }));
        assert_eq!(db.hold(1), Hold::Paid);
    }
}
