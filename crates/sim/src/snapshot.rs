//! What the app draws each frame, and the story of one seat.

use crate::hall::{seat_label, SeatId};
use crate::log::Refusal;
use crate::metrics::Metrics;
use crate::ntp::{Alert, ClientStatus};
use crate::sim::Sim;
use crate::time::Time;
use crate::world::{Hold, Outcome, ReqKind};
use serde::Serialize;

/// A seat as the grid shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatState {
    /// Nobody holds it.
    Free,
    /// Held for a customer who has not paid yet.
    Held,
    /// Sold.
    Sold,
    /// Confirmed to two customers or more at once.
    DoubleBooked,
    /// Held or sold to a customer who was not the first to ask.
    WrongWinner,
}

/// One seat of the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SeatView {
    /// Its state.
    pub state: SeatState,
    /// The server that granted the (first) current hold, for the seat's border colour.
    pub server: Option<u8>,
}

/// One server's card.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerView {
    /// What its clock shows now.
    pub local: Time,
    /// Its offset from true time, nanoseconds.
    pub offset_ns: i64,
    /// Its configured skew, ppm.
    pub skew_ppm: f64,
    /// Requests that reached it.
    pub requests: u64,
    /// Seats confirmed and payments accepted.
    pub confirmed: u64,
    /// Requests refused.
    pub refused: u64,
    /// Its NTP dashboard, when it runs NTP.
    pub ntp: Option<ClientStatus>,
    /// The NTP threshold alerts in force (offset, jitter, delay, stratum…).
    pub alerts: Vec<Alert>,
}

/// Everything the panels need for one frame (the charts read [`Sim::history`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// True time now.
    pub now: Time,
    /// The simulation's first instant.
    pub start: Time,
    /// The official opening.
    pub opening: Time,
    /// The last instant customers arrive.
    pub end: Time,
    /// Whether the run is over.
    pub finished: bool,
    /// Events processed.
    pub events: u64,
    /// One card per server.
    pub servers: Vec<ServerView>,
    /// Seats, row by row.
    pub seats: Vec<SeatView>,
    /// Rows of the hall.
    pub rows: u32,
    /// Seats per row.
    pub cols: u32,
    /// The counters.
    pub metrics: Metrics,
    /// Names of the time servers, by the index NTP statuses use.
    pub time_servers: Vec<String>,
}

/// One request in a seat's story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// The request.
    pub request: u32,
    /// The customer.
    pub customer: u32,
    /// Claim or payment.
    pub payment: bool,
    /// The server (0-based).
    pub server: u8,
    /// True time it reached the server.
    pub arrived: Time,
    /// The server's timestamp for it.
    pub stamp: Time,
    /// Confirmed? (else `refusal` says why, or it is pending or lost).
    pub outcome: Outcome,
    /// Why it was refused, if it was.
    pub refusal: Option<Refusal>,
    /// For a confirmed claim, what became of its hold.
    pub hold: Hold,
}

/// A seat's story: who asked, from which server, when, and who won.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeatStory {
    /// The seat.
    pub seat: SeatId,
    /// Its label, e.g. `C7`.
    pub label: String,
    /// Its state now.
    pub state: SeatState,
    /// Every request for it that reached a server, in true-time order.
    pub claims: Vec<Claim>,
    /// The customers holding it now.
    pub holders: Vec<u32>,
    /// The customer who asked first in the current contention window.
    pub first: Option<u32>,
}

impl Sim {
    fn seat_view(&self, seat: usize) -> SeatView {
        let t = &self.truth.seats[seat];
        let requests = &self.truth.requests;
        let server = t.holders.first().map(|&h| requests[h as usize].server);
        let state = match t.holders.as_slice() {
            [] => SeatState::Free,
            [_, _, ..] => SeatState::DoubleBooked,
            [h] => {
                if t.first.is_some_and(|(_, f)| f != *h) || t.wrong {
                    SeatState::WrongWinner
                } else if requests[*h as usize].hold == Hold::Paid {
                    SeatState::Sold
                } else {
                    SeatState::Held
                }
            }
        };
        SeatView { state, server }
    }

    /// The frame's data.
    pub fn snapshot(&self) -> Snapshot {
        let now = self.now();
        Snapshot {
            now,
            start: self.start,
            opening: self.opening,
            end: self.end,
            finished: self.finished(),
            events: self.events(),
            servers: self
                .truth
                .stats
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let clock = self.clock(i);
                    ServerView {
                        local: clock.read(now),
                        offset_ns: clock.offset(now),
                        skew_ppm: clock.skew_ppm(),
                        requests: s.requests,
                        confirmed: s.confirmed,
                        refused: s.refused,
                        ntp: self.ntp_status(i),
                        alerts: self.ntp_alerts(i).to_vec(),
                    }
                })
                .collect(),
            seats: (0..self.truth.seats.len())
                .map(|i| self.seat_view(i))
                .collect(),
            rows: self.board.rows(),
            cols: self.board.cols(),
            metrics: Metrics {
                order_inversions: self.truth.log.inversions(),
                ..self.truth.metrics
            },
            time_servers: self.time_server_names(),
        }
    }

    /// The story of `seat` (scans the requests: call it on hover, not every frame).
    pub fn seat_story(&self, seat: SeatId) -> Option<SeatStory> {
        let t = self.truth.seats.get(seat as usize)?;
        let requests = &self.truth.requests;
        let mut claims: Vec<Claim> = requests
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.seat == seat && r.outcome != Outcome::Pending && r.outcome != Outcome::TimedOut
            })
            .map(|(i, r)| Claim {
                request: i as u32,
                customer: r.customer,
                payment: matches!(r.kind, ReqKind::Pay(_)),
                server: r.server,
                arrived: r.arrived,
                stamp: r.stamp,
                outcome: r.outcome,
                refusal: match r.outcome {
                    Outcome::Refused(x) => Some(x),
                    _ => None,
                },
                hold: r.hold,
            })
            .collect();
        crate::order::sort_by_key(&mut claims, |c| (c.arrived, c.request));
        Some(SeatStory {
            seat,
            label: seat_label(seat, self.board.cols()),
            state: self.seat_view(seat as usize).state,
            claims,
            holders: t
                .holders
                .iter()
                .map(|&h| requests[h as usize].customer)
                .collect(),
            first: t.first.map(|(_, r)| requests[r as usize].customer),
        })
    }
}
