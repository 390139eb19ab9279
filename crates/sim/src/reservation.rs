//! The business rules and the three concurrency policies (MODEL §4): where a seat's
//! state lives, how a contended seat is settled, and what the simulator counts.
//!
//! - `local-timestamp`: every server keeps a replica and decides alone; accepted holds
//!   are replicated to the peers, which merge them ([`Record::merge`]).
//! - `no-lock`: one database; a server reads the seat, decides, then inserts without a
//!   lock, so two servers can both insert. A periodic audit undoes duplicates.
//! - `unique`: one database that inserts only if the seat is free (a unique
//!   constraint): serialized, no double booking.
//!
//! Choices where MODEL is silent: a paid seat is never taken back by a later claim; a
//! hold's expiry is judged with the *granting* server's timestamp against the
//! *judging* server's clock; a wrong winner is counted when a seat is settled (paid,
//! or still held at the end) by a customer who was not the first of its contention
//! window to reach a server.

use crate::hall::SeatId;
use crate::log::{flags, LogKind, LogRecord, Refusal};
use crate::net::Way;
use crate::sim::{DbOp, Decision, Ev, Sim};
use crate::time::{ms_to_nanos, secs_to_nanos, Time};
use crate::world::{Hold, Record, ReqId, ReqKind, NO_REQ};

impl Sim {
    // ----- local-timestamp ---------------------------------------------------------

    pub(crate) fn claim_local(&mut self, r: ReqId) {
        let req = self.requests[r as usize];
        let (s, seat, stamp) = (req.server, req.seat, req.stamp);
        let mut replacing = None;
        let gen = match *self.replica(s, seat) {
            None => 1,
            Some(rec) if rec.released => rec.gen + 1,
            Some(rec) if rec.paid => return self.refuse_taken(r),
            Some(rec) => {
                if self.judge_expired(rec.req, stamp, r) {
                    self.release(rec.req, s);
                    rec.gen + 1
                } else if (stamp, s, r) < (rec.stamp, rec.server, rec.req) {
                    // Rule 1 by this server's clock: the new request is stamped earlier,
                    // so it wins the seat from the hold already granted.
                    replacing = Some(rec.req);
                    rec.gen
                } else {
                    return self.refuse_taken(r);
                }
            }
        };
        let rec = Record {
            gen,
            req: r,
            stamp,
            server: s,
            paid: false,
            released: false,
        };
        *self.replica(s, seat) = Some(rec);
        if let Some(old) = replacing {
            self.revoke(old, s, true);
        }
        self.hold_start(r);
        self.replicate(s, seat, rec);
        self.decide_at_server(r, Decision::Confirmed, false);
    }

    pub(crate) fn pay_local(&mut self, r: ReqId, claim: ReqId) {
        let req = self.requests[r as usize];
        let (s, seat) = (req.server, req.seat);
        let decision = match *self.replica(s, seat) {
            Some(rec) if rec.req == claim && rec.paid => Decision::Confirmed,
            Some(rec) if rec.req == claim && rec.released => {
                Decision::Refused(Refusal::HoldExpired)
            }
            Some(mut rec) if rec.req == claim => {
                let decision = if self.judge_expired(claim, req.stamp, r) {
                    rec.released = true;
                    self.release(claim, s);
                    Decision::Refused(Refusal::HoldExpired)
                } else {
                    rec.paid = true;
                    self.hold_paid(claim, r);
                    Decision::Confirmed
                };
                *self.replica(s, seat) = Some(rec);
                self.replicate(s, seat, rec);
                decision
            }
            _ => Decision::Refused(Refusal::HoldLost),
        };
        self.decide_at_server(r, decision, false);
    }

    fn replicate(&mut self, from: u8, seat: SeatId, rec: Record) {
        let lag = ms_to_nanos(self.cfg.network.replication_lag_ms);
        for to in 0..self.servers.len() as u8 {
            if to != from {
                let d = self
                    .lan
                    .delay_reliable(&mut self.servers[from as usize].rng, Way::Out);
                // Replication retries until both ends are reachable.
                let wait = self
                    .cut_wait(from, self.now)
                    .max(self.cut_wait(to, self.now));
                self.push(self.now + wait + lag + d, Ev::Replicate { to, seat, rec });
            }
        }
    }

    pub(crate) fn on_replicate(&mut self, to: u8, seat: SeatId, incoming: Record) {
        let current = *self.replica(to, seat);
        let merged = current.map_or(incoming, |c| Record::merge(c, incoming));
        *self.replica(to, seat) = Some(merged);
        if let Some(c) = current {
            if c.req != merged.req {
                self.revoke(c.req, to, merged.gen == c.gen);
            }
        }
    }

    // ----- the database (no-lock, unique) -----------------------------------------

    /// The seat's active holds in the database: (newest by stamp, any paid).
    fn db_state(&mut self, seat: SeatId) -> (ReqId, bool) {
        let requests = &self.requests;
        let rows = &mut self.db[seat as usize];
        rows.retain(|&q| requests[q as usize].hold.active());
        let newest = rows
            .iter()
            .copied()
            .max_by_key(|&q| (requests[q as usize].stamp, q))
            .unwrap_or(NO_REQ);
        let paid = rows
            .iter()
            .any(|&q| requests[q as usize].hold == Hold::Paid);
        (newest, paid)
    }

    pub(crate) fn on_db(&mut self, r: ReqId, op: DbOp) {
        let req = self.requests[r as usize];
        let seat = req.seat;
        let (newest, any_paid) = self.db_state(seat);
        let decision = match op {
            DbOp::Read => {
                let d = self.lan.delay_reliable(&mut self.db_rng, Way::Back)
                    + self.cut_wait(req.server, self.now);
                self.push(
                    self.now + d,
                    Ev::ReadReply {
                        req: r,
                        newest,
                        any_paid,
                    },
                );
                return;
            }
            DbOp::Claim { server_now } => {
                if any_paid || (newest != NO_REQ && !self.judge_expired(newest, server_now, r)) {
                    self.observe_claim(r);
                    Decision::Refused(Refusal::Taken)
                } else {
                    self.release_expired_rows(seat, server_now, req.server);
                    self.db[seat as usize].push(r);
                    self.hold_start(r);
                    Decision::Confirmed
                }
            }
            DbOp::Insert { server_now } => {
                // No lock: whatever happened since the read, insert.
                self.release_expired_rows(seat, server_now, req.server);
                self.db[seat as usize].push(r);
                self.hold_start(r);
                Decision::Confirmed
            }
            DbOp::Pay { server_now } => {
                let ReqKind::Pay(claim) = req.kind else {
                    unreachable!("Pay op on a claim")
                };
                let hold = self.requests[claim as usize].hold;
                match hold {
                    Hold::Paid => Decision::Confirmed,
                    Hold::Held if self.judge_expired(claim, server_now, r) => {
                        self.release(claim, req.server);
                        Decision::Refused(Refusal::HoldExpired)
                    }
                    Hold::Held => {
                        self.hold_paid(claim, r);
                        Decision::Confirmed
                    }
                    Hold::Expired => Decision::Refused(Refusal::HoldExpired),
                    Hold::Superseded | Hold::None => Decision::Refused(Refusal::HoldLost),
                }
            }
        };
        let d = self.lan.delay_reliable(&mut self.db_rng, Way::Back)
            + self.cut_wait(req.server, self.now);
        self.push(self.now + d, Ev::ServerReply(r, decision));
    }

    /// Releases the seat's unpaid holds that a server whose clock reads `server_now` finds expired.
    fn release_expired_rows(&mut self, seat: SeatId, server_now: Time, judge: u8) {
        let rows = self.db[seat as usize].clone();
        for q in rows {
            let h = self.requests[q as usize];
            if h.hold == Hold::Held && server_now - h.stamp > self.ttl {
                self.release(q, judge);
            }
        }
    }

    pub(crate) fn on_audit(&mut self) {
        for seat in 0..self.db.len() as SeatId {
            if self.db[seat as usize].len() < 2 {
                continue;
            }
            self.db_state(seat);
            let rows = self.db[seat as usize].clone();
            if rows.len() < 2 {
                continue;
            }
            let key = |q: ReqId| {
                let h = self.requests[q as usize];
                (h.hold != Hold::Paid, h.stamp, h.server, q)
            };
            let keep = rows
                .iter()
                .copied()
                .min_by_key(|&q| key(q))
                .expect("two rows");
            for q in rows {
                if q != keep {
                    let server = self.requests[q as usize].server;
                    self.revoke(q, server, false);
                }
            }
        }
        if self.alive() {
            self.push(
                self.now + secs_to_nanos(self.cfg.network.audit_interval_s),
                Ev::Audit,
            );
        }
    }

    // ----- the truth: holders, contention windows, anomalies ---------------------

    fn refuse_taken(&mut self, r: ReqId) {
        self.observe_claim(r);
        self.decide_at_server(r, Decision::Refused(Refusal::Taken), false);
    }

    /// A claim that reached a server while the seat was contended: it may have been first.
    fn observe_claim(&mut self, r: ReqId) {
        let req = self.requests[r as usize];
        let t = &mut self.seats[req.seat as usize];
        if let Some(first) = t.first {
            t.first = Some(first.min((req.arrived, r)));
        }
    }

    pub(crate) fn hold_start(&mut self, r: ReqId) {
        let req = self.requests[r as usize];
        self.requests[r as usize].hold = Hold::Held;
        let t = &mut self.seats[req.seat as usize];
        t.first = Some(
            t.first
                .map_or((req.arrived, r), |f| f.min((req.arrived, r))),
        );
        t.holders.push(r);
        let mut f = 0;
        if t.holders.len() == 2 {
            t.double_since = Some(self.now);
            self.metrics.double_bookings += 1;
            f |= flags::DOUBLE_BOOKING;
        }
        self.hall.set_shown_free(req.seat, false);
        // Seat maps come from every server in turn, so a hold shows free again as soon
        // as the first server's clock finds it expired.
        let fastest = self
            .servers
            .iter()
            .map(|s| s.clock.offset(self.now))
            .max()
            .unwrap_or(0);
        let visible = (req.stamp + self.ttl + 1 - fastest).max(self.now);
        self.push(visible, Ev::MapExpire(r));
        if req.arrived < self.opening {
            self.metrics.early_sales += 1;
            f |= flags::EARLY_SALE;
        }
        self.requests[r as usize].flags |= f;
    }

    /// A hold looks expired on some server's seat map: customers may pick the seat again.
    pub(crate) fn on_map_expire(&mut self, r: ReqId) {
        let req = self.requests[r as usize];
        if req.hold == Hold::Held {
            self.hall.set_shown_free(req.seat, true);
        }
    }

    /// Ends an active hold. `keep_window`: the seat passes straight to another claim, so
    /// its contention window goes on even if no one holds it for an instant.
    fn hold_end(&mut self, r: ReqId, to: Hold, keep_window: bool) -> bool {
        let req = self.requests[r as usize];
        if !req.hold.active() {
            return false;
        }
        self.requests[r as usize].hold = to;
        let t = &mut self.seats[req.seat as usize];
        t.holders.retain(|&h| h != r);
        if t.holders.len() <= 1 {
            if let Some(since) = t.double_since.take() {
                self.metrics.double_bookings_resolved += 1;
                self.metrics.double_booking_ns += self.now - since;
            }
        }
        if t.holders.is_empty() && !keep_window {
            t.first = None;
            self.hall.set_shown_free(req.seat, true);
        }
        true
    }

    /// A confirmed hold taken back (merge or audit); the server `at` tells the customer.
    fn revoke(&mut self, r: ReqId, at: u8, keep_window: bool) {
        if self.hold_end(r, Hold::Superseded, keep_window) {
            self.metrics.revoked += 1;
            self.write_line(at, LogKind::Revoked, r, 0);
        }
    }

    /// A hold judged expired by server `at`: the seat is released.
    fn release(&mut self, r: ReqId, at: u8) {
        let age = self.now - self.requests[r as usize].arrived;
        if self.hold_end(r, Hold::Expired, false) {
            self.metrics.expiries += 1;
            let mut f = 0;
            if age <= self.ttl {
                self.metrics.premature_expiries += 1;
                f = flags::PREMATURE_EXPIRY;
            }
            self.write_line(at, LogKind::Released, r, f);
        }
    }

    /// The claim's customer pays: the seat is settled on them.
    fn hold_paid(&mut self, claim: ReqId, pay: ReqId) {
        self.requests[claim as usize].hold = Hold::Paid;
        if self.settle(claim) {
            self.requests[pay as usize].flags |= flags::WRONG_WINNER;
        }
    }

    /// Judges a settled holder: true (and counted) if they were not the first to ask.
    fn settle(&mut self, holder: ReqId) -> bool {
        let t = &mut self.seats[self.requests[holder as usize].seat as usize];
        let wrong = t.first.is_some_and(|(_, first)| first != holder);
        t.wrong = wrong;
        if wrong {
            self.metrics.wrong_winners += 1;
        }
        wrong
    }

    /// At the end, seats still held unpaid are settled on their holders.
    pub(crate) fn settle_all(&mut self) {
        for seat in 0..self.seats.len() {
            let holders = self.seats[seat].holders.clone();
            for h in holders {
                if self.requests[h as usize].hold == Hold::Held {
                    self.settle(h);
                }
            }
        }
    }

    fn write_line(&mut self, server: u8, kind: LogKind, r: ReqId, f: u16) {
        let req = self.requests[r as usize];
        let stamp = self.servers[server as usize].clock.read(self.now);
        self.log.push(LogRecord {
            t: self.now,
            stamp,
            server,
            kind,
            customer: req.customer,
            seat: req.seat,
            request: r,
            flags: f,
        });
    }
}
