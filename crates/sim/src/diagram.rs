//! A time-space diagram of one anomaly: who asked, which servers stamped what, and the
//! replication that settled it, read from the history the checkers keep.
//!
//! [`diagram`] gathers every kept observation about the requests an anomaly involves
//! (its own and those of its proof): the customers' sends, the servers' arrivals (the
//! stamps), orders, decisions, holds, revocations, expiries and payments. Each node
//! involved is a lane (customers first, then servers, then the database or the
//! oracle); true time goes down, one row per millisecond in which something happened
//! (not to scale: a 200 ms replication and a 6 s gap both take a row). A request is an arrow from its
//! customer's send to the server's arrival. A replication the history proves is an
//! arrow too: a hold taken back on a server by a record that came from another one (a
//! revocation that no arrival on that server caused at the same instant), from the
//! grant of the latest hold on another server that displaced it. The observations of
//! the anomaly's proof are marked decisive: they are the timestamps that decided it.
//! Only the witness's nodes are drawn: the customers, the servers their requests
//! reached, and the nodes where the proof was observed.
//!
//! Pure: the same history gives the same diagram; the app draws it as it is.

use crate::explain::{node, req_of};
use crate::hall::{seat_label, SeatId};
use crate::msg::{Addr, Layer};
use crate::obs::{Decision, Obs};
use crate::time::{Time, MS};
use crate::truth::{Anomaly, AnomalyKind, Truth};
use crate::world::{CustomerId, Order, ReqId};
use serde::Serialize;

/// A node drawn as a vertical line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lane {
    /// `customer #488`, `server-2`, `database`, `tso`.
    pub name: String,
    /// The customer it stands for, if a customer.
    pub customer: Option<CustomerId>,
    /// The server it stands for (0-based), if a reservation server (its colour).
    pub server: Option<u8>,
    /// Its clock's error at its first point (local − true), ns; `None` for a customer.
    pub clock_error_ns: Option<i64>,
}

/// What a point is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// A customer sent the request.
    Sent,
    /// A server received it and stamped it with its clock.
    Received,
    /// The request was given its place in the order (logical clock, ε, oracle).
    Ordered,
    /// The server answered: confirmed or refused.
    Decided,
    /// A hold was granted.
    HoldGranted,
    /// The claim found its seat taken.
    FoundTaken,
    /// A confirmed hold was taken back.
    Revoked,
    /// A hold was judged (expired or not) by a server's clock.
    ExpiryJudged,
    /// A hold was released as expired.
    Released,
    /// A hold was paid.
    Paid,
}

/// One observation in the diagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    /// Its lane (index in [`Diagram::lanes`]).
    pub lane: usize,
    /// Its row (index in [`Diagram::rows`]).
    pub row: usize,
    /// True time.
    pub t: Time,
    /// The lane's clock reading then (the stamp, for an arrival).
    pub local: Time,
    /// The request it concerns.
    pub req: ReqId,
    /// What happened.
    pub mark: Mark,
    /// Confirmed or not, for a decision.
    pub confirmed: Option<bool>,
    /// The order given, for [`Mark::Ordered`].
    pub order: Option<Order>,
    /// Part of the anomaly's proof: one of the timestamps that decided it.
    pub decisive: bool,
}

/// What an arrow carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrowKind {
    /// A customer's request to a server.
    Request,
    /// A server's record of a hold, replicated to another server.
    Replication,
}

/// A message: from one point to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Arrow {
    /// Its departure (index in [`Diagram::points`]).
    pub from: usize,
    /// Its arrival (index in [`Diagram::points`]).
    pub to: usize,
    /// What it carries.
    pub kind: ArrowKind,
}

/// The time-space diagram of one anomaly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagram {
    /// The anomaly's kind.
    pub kind: AnomalyKind,
    /// The seat it concerns.
    pub seat: SeatId,
    /// Its label (`C7`).
    pub seat_label: String,
    /// The requests involved, the anomaly's own first.
    pub requests: Vec<ReqId>,
    /// The nodes, left to right.
    pub lanes: Vec<Lane>,
    /// The rows: the first instant of each millisecond (of true time) in which
    /// something was drawn, in order.
    pub rows: Vec<Time>,
    /// Every observation drawn, in true-time order.
    pub points: Vec<Point>,
    /// The messages.
    pub arrows: Vec<Arrow>,
}

/// The mark of an observation about one of the requests, if drawn.
fn mark(o: &Obs) -> Option<(Mark, Option<bool>, Option<Order>)> {
    Some(match *o {
        Obs::Sent { .. } => (Mark::Sent, None, None),
        Obs::Received { .. } => (Mark::Received, None, None),
        Obs::Ordered { order, .. } => (Mark::Ordered, None, Some(order)),
        Obs::Decided { decision, .. } => {
            (Mark::Decided, Some(decision == Decision::Confirmed), None)
        }
        Obs::HoldGranted { .. } => (Mark::HoldGranted, None, None),
        Obs::FoundTaken { .. } => (Mark::FoundTaken, None, None),
        Obs::Revoked { .. } => (Mark::Revoked, None, None),
        Obs::ExpiryJudged { .. } => (Mark::ExpiryJudged, None, None),
        Obs::Released { .. } => (Mark::Released, None, None),
        Obs::Paid { .. } => (Mark::Paid, None, None),
        _ => return None,
    })
}

/// The hold an observation concerns (a judgement concerns the judged hold, a payment
/// the paid one), else its request.
fn subject(o: &Obs) -> Option<ReqId> {
    match *o {
        Obs::ExpiryJudged { claim, .. } | Obs::Paid { claim, .. } => Some(claim),
        _ => req_of(o),
    }
}

/// Lane order: customers, servers, the gateway, the database, the oracle, others.
fn lane_rank(l: &(Option<CustomerId>, Addr)) -> (u8, u32) {
    match l {
        (Some(c), _) => (0, *c),
        (None, a) if a.layer == Layer::Server => (1, a.index as u32),
        (None, a) => (2 + a.layer as u8, a.index as u32),
    }
}

/// The diagram of anomaly `a` of `truth`, for a hall `cols` seats wide.
pub fn diagram(truth: &Truth, cols: u32, a: &Anomaly) -> Diagram {
    let h = &truth.history;
    let reqs = &truth.requests;
    let mut requests = vec![a.req];
    for &i in a.evidence() {
        if let Some(r) = req_of(&h[i as usize].obs) {
            if !requests.contains(&r) {
                requests.push(r);
            }
        }
    }
    let evidence = a.evidence();
    // Every kept observation about the requests: a judgement only if it is part of
    // the proof (a hold is judged at every look at its seat).
    let mut picked: Vec<(usize, Mark, Option<bool>, Option<Order>)> = Vec::new();
    for (i, s) in h.iter().enumerate() {
        let Some(r) = subject(&s.obs) else { continue };
        let about = requests.contains(&r) || req_of(&s.obs).is_some_and(|q| requests.contains(&q));
        if !about {
            continue;
        }
        let Some((m, confirmed, order)) = mark(&s.obs) else {
            continue;
        };
        if m == Mark::ExpiryJudged && !evidence.contains(&(i as u32)) {
            continue;
        }
        picked.push((i, m, confirmed, order));
    }
    // Lanes: a customer's send is on the customer's lane, the rest where it happened.
    let lane_key = |i: usize| {
        let s = &h[i];
        match s.obs {
            Obs::Sent { customer, .. } => (Some(customer), s.from),
            _ => (None, s.from),
        }
    };
    // Only the nodes of the witness: the customers, the servers the requests reached,
    // and wherever an observation of the proof was made.
    let mut keys: Vec<(Option<CustomerId>, Addr)> = Vec::new();
    for &(i, m, ..) in &picked {
        let k = lane_key(i);
        let witness = matches!(m, Mark::Sent | Mark::Received) || evidence.contains(&(i as u32));
        if witness && !keys.contains(&k) {
            keys.push(k);
        }
    }
    picked.retain(|&(i, ..)| keys.contains(&lane_key(i)));
    crate::order::sort_by_key(&mut keys, lane_rank);
    let lanes: Vec<Lane> = keys
        .iter()
        .map(|&(c, addr)| {
            let first = picked.iter().find(|&&(i, ..)| lane_key(i) == (c, addr));
            Lane {
                name: match c {
                    Some(c) => format!("customer #{c}"),
                    None => node(addr),
                },
                customer: c,
                server: (c.is_none() && addr.layer == Layer::Server).then_some(addr.index as u8),
                clock_error_ns: match (c, first) {
                    (None, Some(&(i, ..))) => Some(h[i].local - h[i].t),
                    _ => None,
                },
            }
        })
        .collect();
    // One row per millisecond of true time: its first instant.
    let mut rows: Vec<Time> = picked.iter().map(|&(i, ..)| h[i].t).collect();
    rows.dedup_by_key(|t| t.0.div_euclid(MS));
    let points: Vec<Point> = picked
        .iter()
        .map(|&(i, mark, confirmed, order)| {
            let s = &h[i];
            Point {
                lane: keys.iter().position(|&k| k == lane_key(i)).unwrap_or(0),
                row: rows.partition_point(|&t| t.0.div_euclid(MS) < s.t.0.div_euclid(MS)),
                t: s.t,
                local: s.local,
                req: subject(&s.obs).unwrap_or(a.req),
                mark,
                confirmed,
                order,
                decisive: evidence.contains(&(i as u32)),
            }
        })
        .collect();
    let mut arrows = Vec::new();
    for (k, p) in points.iter().enumerate() {
        match p.mark {
            Mark::Received => {
                if let Some(from) = points
                    .iter()
                    .position(|q| q.mark == Mark::Sent && q.req == p.req)
                {
                    arrows.push(Arrow {
                        from,
                        to: k,
                        kind: ArrowKind::Request,
                    });
                }
            }
            Mark::Revoked if keys[p.lane].1.layer == Layer::Server => {
                // Taken back with no arrival on this server at that instant: a record
                // came from another server, the latest hold granted elsewhere before.
                let local_cause = points
                    .iter()
                    .any(|q| q.lane == p.lane && q.t == p.t && q.mark == Mark::Received);
                if local_cause {
                    continue;
                }
                let from = points
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| {
                        q.mark == Mark::HoldGranted
                            && q.lane != p.lane
                            && q.req != p.req
                            && q.t < p.t
                            && keys[q.lane].1.layer == Layer::Server
                    })
                    .max_by_key(|(_, q)| q.t)
                    .map(|(j, _)| j);
                if let Some(from) = from {
                    arrows.push(Arrow {
                        from,
                        to: k,
                        kind: ArrowKind::Replication,
                    });
                }
            }
            _ => {}
        }
    }
    let seat = reqs[a.req as usize].seat;
    Diagram {
        kind: a.kind,
        seat,
        seat_label: seat_label(seat, cols),
        requests,
        lanes,
        rows,
        points,
        arrows,
    }
}
