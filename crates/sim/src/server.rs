//! Reservation servers: they stamp each request with their own clock, apply the sale's
//! rules with it, ask the database where the policy has one, and answer.

use crate::config::Policy;
use crate::log::{LogKind, LogRecord, Refusal};
use crate::net::Way;
use crate::sim::{kind_code, DbOp, Decision, Ev, Sim};
use crate::time::{ms_to_nanos, secs_to_nanos, Time};
use crate::world::{Hold, Outcome, ReqId, ReqKind, NO_REQ};

impl Sim {
    pub(crate) fn local(&self, server: u8) -> Time {
        self.servers[server as usize].clock.read(self.now)
    }

    pub(crate) fn on_at_server(&mut self, r: ReqId) {
        let server = self.requests[r as usize].server;
        let stamp = self.local(server);
        {
            let req = &mut self.requests[r as usize];
            req.arrived = self.now;
            req.stamp = stamp;
        }
        self.servers[server as usize].stats.requests += 1;
        let req = self.requests[r as usize];
        // Rule 4: the session token, issued by an exact clock when the customer logged in.
        let nbf = self.customers[req.customer as usize].token;
        let exp = nbf + self.token_ttl;
        if stamp + self.leeway < nbf {
            let wrong = self.now + self.leeway >= nbf;
            return self.decide_at_server(r, Decision::Refused(Refusal::TokenNotYetValid), wrong);
        }
        if stamp - self.leeway > exp {
            let wrong = self.now - self.leeway <= exp;
            return self.decide_at_server(r, Decision::Refused(Refusal::TokenExpired), wrong);
        }
        match req.kind {
            ReqKind::Claim => {
                // Rule 2: the sale opening, by the server's clock.
                if stamp < self.opening {
                    let wrong = self.now >= self.opening;
                    return self.decide_at_server(r, Decision::Refused(Refusal::NotOpen), wrong);
                }
                match self.cfg.policy {
                    Policy::LocalTimestamp => self.claim_local(r),
                    Policy::Unique => self.send_to_db(r, DbOp::Claim { server_now: stamp }),
                    Policy::NoLock => self.send_to_db(r, DbOp::Read),
                }
            }
            ReqKind::Pay(claim) => match self.cfg.policy {
                Policy::LocalTimestamp => self.pay_local(r, claim),
                Policy::Unique | Policy::NoLock => {
                    self.send_to_db(r, DbOp::Pay { server_now: stamp })
                }
            },
        }
    }

    pub(crate) fn send_to_db(&mut self, r: ReqId, op: DbOp) {
        let server = self.requests[r as usize].server as usize;
        let d = self
            .lan
            .delay_reliable(&mut self.servers[server].rng, Way::Out);
        let wait = self.cut_wait(server as u8, self.now);
        self.push(self.now + wait + d, Ev::Db(r, op));
    }

    pub(crate) fn on_server_reply(&mut self, r: ReqId, d: Decision) {
        self.decide_at_server(r, d, false);
    }

    pub(crate) fn on_read_reply(&mut self, r: ReqId, newest: ReqId, any_paid: bool) {
        let server = self.requests[r as usize].server;
        let local_now = self.local(server);
        let free = !any_paid && (newest == NO_REQ || self.judge_expired(newest, local_now, r));
        if free {
            // The race window: the server works a while between its check and its insert.
            let gap = ms_to_nanos(self.cfg.network.check_to_insert_ms);
            let server = server as usize;
            let d = self
                .lan
                .delay_reliable(&mut self.servers[server].rng, Way::Out);
            let wait = self.cut_wait(server as u8, self.now + gap);
            self.push(
                self.now + gap + wait + d,
                Ev::Db(
                    r,
                    DbOp::Insert {
                        server_now: local_now,
                    },
                ),
            );
        } else {
            self.decide_at_server(r, Decision::Refused(Refusal::Taken), false);
        }
    }

    /// Whether a server whose clock reads `local_now`, handling request `judge`, finds
    /// `claim`'s hold expired (rule 3: the hold's timestamp, from the server that granted
    /// it, against this server's clock). Counts a late expiry when it finds the hold
    /// still valid although its time-to-live has passed in true time.
    pub(crate) fn judge_expired(&mut self, claim: ReqId, local_now: Time, judge: ReqId) -> bool {
        let c = self.requests[claim as usize];
        let expired = local_now - c.stamp > self.ttl;
        if !expired && c.hold == Hold::Held && self.now - c.arrived > self.ttl {
            self.metrics.late_expiries += 1;
            self.requests[judge as usize].flags |= crate::log::flags::LATE_EXPIRY;
        }
        expired
    }

    /// The server answers: logs the decision with its clock, counts it, and sends the
    /// response after its queue and service time.
    pub(crate) fn decide_at_server(&mut self, r: ReqId, d: Decision, wrongly: bool) {
        let req = self.requests[r as usize];
        let s = req.server as usize;
        let stamp = self.local(req.server);
        let kind = match (req.kind, d) {
            (ReqKind::Claim, Decision::Confirmed) => LogKind::Confirmed,
            (ReqKind::Claim, Decision::Refused(x)) => LogKind::Refused(x),
            (ReqKind::Pay(_), Decision::Confirmed) => LogKind::Paid,
            (ReqKind::Pay(_), Decision::Refused(x)) => LogKind::PayRefused(x),
        };
        let mut flags = req.flags;
        match d {
            Decision::Confirmed => {
                self.servers[s].stats.confirmed += 1;
                if req.kind == ReqKind::Claim {
                    self.metrics.confirmed += 1;
                } else {
                    self.metrics.paid += 1;
                }
            }
            Decision::Refused(x) => {
                self.servers[s].stats.refused += 1;
                self.metrics.refused += 1;
                match x {
                    Refusal::NotOpen => self.metrics.not_open_refusals += 1,
                    Refusal::TokenNotYetValid | Refusal::TokenExpired => {
                        self.metrics.token_refusals += 1
                    }
                    Refusal::Taken => self.metrics.taken_refusals += 1,
                    _ => {}
                }
                if wrongly {
                    self.metrics.wrongly_refused += 1;
                    flags |= crate::log::flags::WRONGLY_REFUSED;
                }
            }
        }
        let outcome = match d {
            Decision::Confirmed => Outcome::Confirmed,
            Decision::Refused(x) => Outcome::Refused(x),
        };
        self.set_outcome(r, outcome);
        self.log.push(LogRecord {
            t: self.now,
            stamp,
            server: req.server,
            kind,
            customer: req.customer,
            seat: req.seat,
            request: r,
            flags,
        });
        self.hash.mix(r as u64 ^ (kind_code(kind) << 40));
        // Queue and service time, then the way back to the customer.
        let srv = &mut self.servers[s];
        let service = srv.rng.exp(self.cfg.network.service_ms * 1e6) as i64;
        let done = srv.busy_until.max(self.now) + service;
        srv.busy_until = done;
        let cut = self.cuts[s].iter().any(|&(a, b)| a <= done && done < b);
        match self.client.delay(&mut srv.rng, Way::Back) {
            Some(back) if !cut => self.push(done + back, Ev::Response(r, d)),
            _ => self.push(
                req.sent + secs_to_nanos(self.cfg.crowd.timeout_s).max(done - req.sent + 1),
                Ev::Timeout(r),
            ),
        }
    }
}
