//! Customers: they arrive, look at a (slightly stale) seat map, click, retry when
//! refused, and pay for the seats they hold.

use crate::hall::SeatId;
use crate::log::Refusal;
use crate::net::Way;
use crate::sim::{Decision, Ev, Sim};
use crate::time::secs_to_nanos;
use crate::world::{CustomerId, Hold, Outcome, ReqId, ReqKind, Request};

impl Sim {
    pub(crate) fn on_arrive(&mut self, c: CustomerId) {
        self.next_arrival();
        // The customer logs in (token issued now), loads the seat map (as it is now),
        // looks at it, then clicks.
        self.customers[c as usize].token = self.now;
        let Some(seat) = self.hall.pick_free(&mut self.crowd_rng) else {
            self.customers[c as usize].gone = true;
            return;
        };
        self.customers[c as usize].seat = seat;
        let think = secs_to_nanos(self.crowd_rng.lognormal(self.cfg.crowd.think_median_s, 0.8));
        self.push(self.now + think, Ev::Click(c));
    }

    pub(crate) fn on_click(&mut self, c: CustomerId) {
        let cust = &mut self.customers[c as usize];
        let max = if cust.pinned.is_some() {
            1
        } else {
            self.cfg.crowd.max_attempts
        };
        if cust.attempts >= max {
            cust.gone = true;
            return;
        }
        cust.attempts += 1;
        let seat = cust.seat;
        self.send(c, seat, ReqKind::Claim);
    }

    pub(crate) fn on_pay(&mut self, c: CustomerId, claim: ReqId) {
        let seat = self.requests[claim as usize].seat;
        self.send(c, seat, ReqKind::Pay(claim));
    }

    /// A request leaves the customer: the gateway picks a server round-robin.
    pub(crate) fn send(&mut self, customer: CustomerId, seat: SeatId, kind: ReqKind) {
        let server = match self.customers[customer as usize].pinned {
            Some(s) => s,
            None => {
                let s = self.next_server as u8;
                self.next_server = (self.next_server + 1) % self.servers.len();
                s
            }
        };
        let id = self.requests.len() as ReqId;
        self.requests.push(Request {
            customer,
            seat,
            kind,
            server,
            sent: self.now,
            arrived: self.now,
            stamp: self.now,
            outcome: Outcome::Pending,
            hold: Hold::None,
            outcome_writes: 0,
            flags: 0,
        });
        self.metrics.requests += 1;
        match self.client.delay(&mut self.crowd_rng, Way::Out) {
            Some(d) if self.cut_wait(server, self.now) == 0 => {
                self.push(self.now + d, Ev::AtServer(id))
            }
            _ => self.push(
                self.now + secs_to_nanos(self.cfg.crowd.timeout_s),
                Ev::Timeout(id),
            ),
        }
    }

    pub(crate) fn on_response(&mut self, r: ReqId, d: Decision) {
        let req = self.requests[r as usize];
        let srv = &mut self.servers[req.server as usize];
        let rt = self.now - req.sent;
        srv.stats.response_ns.push(rt);
        srv.window.0 += rt;
        srv.window.1 += 1;
        let c = req.customer;
        match (req.kind, d) {
            (ReqKind::Claim, Decision::Confirmed) => {
                if self.crowd_rng.chance(self.cfg.crowd.pay_fraction) {
                    let wait =
                        secs_to_nanos(self.crowd_rng.lognormal(self.cfg.crowd.pay_median_s, 0.6));
                    self.push(self.now + wait, Ev::Pay(c, r));
                }
            }
            (ReqKind::Claim, Decision::Refused(_))
                if self.customers[c as usize].pinned.is_some() => {}
            (ReqKind::Claim, Decision::Refused(Refusal::Taken)) => {
                // Reload the seat map and choose again, a little faster this time.
                match self.hall.pick_free(&mut self.crowd_rng) {
                    Some(seat) => {
                        self.customers[c as usize].seat = seat;
                        let think = secs_to_nanos(
                            self.crowd_rng
                                .lognormal(self.cfg.crowd.think_median_s / 2.0, 0.8),
                        );
                        self.push(self.now + think, Ev::Click(c));
                    }
                    None => self.customers[c as usize].gone = true,
                }
            }
            (ReqKind::Claim, Decision::Refused(_)) => {
                // Not open yet, or a token problem: click again on the same seat.
                let wait = secs_to_nanos(self.crowd_rng.uniform(1.0, 3.0));
                self.push(self.now + wait, Ev::Click(c));
            }
            (ReqKind::Pay(_), _) => {}
        }
    }

    pub(crate) fn on_timeout(&mut self, r: ReqId) {
        let req = self.requests[r as usize];
        if req.outcome == Outcome::Pending {
            self.set_outcome(r, Outcome::TimedOut);
            self.metrics.timed_out += 1;
        }
        if req.kind == ReqKind::Claim && self.customers[req.customer as usize].pinned.is_none() {
            self.push(self.now, Ev::Click(req.customer));
        }
    }

    pub(crate) fn set_outcome(&mut self, r: ReqId, o: Outcome) {
        let req = &mut self.requests[r as usize];
        req.outcome = o;
        req.outcome_writes = req.outcome_writes.saturating_add(1);
    }
}
