//! The truth, kept apart: checkers over the history of observations.
//!
//! Nodes record what they saw and did with their own clocks ([`Obs`]); the kernel adds
//! the true instant and hands each record here. From them alone, incrementally and in
//! time linear in the events, the checkers work out every measure of docs/MODEL.md
//! ("What every run measures"): wrong winners, double bookings and how long until they
//! were undone, order inversions, early sales, wrongly refused customers, premature and
//! late expiries, and the end-of-run consistency check. Each anomaly keeps the
//! observations that prove it ([`Anomaly::evidence`]): the raw material of the
//! explanations a student reads.

use crate::hall::{Hall, SeatId};
use crate::host::{Host, HostId};
use crate::log::{flags, Log, LogKind, LogRecord, Refusal};
use crate::metrics::{Metrics, ServerStats};
use crate::msg::{Addr, Layer};
use crate::ntp::Alert;
use crate::ntp_run::{Exchange, Node, TimeEvent, TimeEventKind};
use crate::obs::{Decision, Obs};
use crate::tape::Tape;
use crate::time::Time;
use crate::world::{CustomerId, Hold, Outcome, ReqId, ReqKind, Request, SeatTruth};
use serde::Serialize;

pub mod cache;
pub mod data;
pub mod feed;
pub use cache::CacheTruth;
pub use data::DataTruth;
pub use feed::FeedTruth;

/// An observation as the history keeps it: when (true time), where, with what clock
/// reading, and what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stamped {
    /// True time.
    pub t: Time,
    /// The node that made it.
    pub from: Addr,
    /// Its clock's reading.
    pub local: Time,
    /// What it saw or did.
    pub obs: Obs,
}

/// What kind of anomaly a checker found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// A seat settled on a customer who was not the first to ask.
    WrongWinner,
    /// A seat confirmed to a second customer while the first still held it.
    DoubleBooking,
    /// A seat sold before the official opening.
    EarlySale,
    /// A customer refused by a wrong clock.
    WronglyRefused,
    /// A hold judged expired before its time.
    PrematureExpiry,
    /// A hold judged still valid past its time.
    LateExpiry,
    /// A log line stamped before a line written earlier.
    OrderInversion,
}

/// One anomaly and the observations that prove it (indices in [`Truth::history`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// What.
    pub kind: AnomalyKind,
    /// When it was found (true time).
    pub t: Time,
    /// The request it concerns.
    pub req: ReqId,
    /// The observations that prove it, oldest first (`evidence[..len]`).
    evidence: [u32; 4],
    len: u8,
}

impl Anomaly {
    /// The observations that prove it (indices in [`Truth::history`]), oldest first.
    pub fn evidence(&self) -> &[u32] {
        &self.evidence[..self.len as usize]
    }
}

/// Where each request's key observations are in the history.
#[derive(Clone, Copy, Debug)]
struct Marks {
    sent: u32,
    received: u32,
    granted: u32,
}

const NONE: u32 = u32::MAX;

/// The rules the checkers judge by (true time).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judge {
    /// The official opening.
    pub opening: Time,
    /// Hold time-to-live, ns.
    pub ttl: i64,
    /// Token lifetime, ns.
    pub token_ttl: i64,
    /// Token leeway, ns.
    pub leeway: i64,
}

/// Everything the checkers know.
#[derive(Clone, Debug)]
pub struct Truth {
    judge: Judge,
    /// Every observation so far that can prove an anomaly (see [`Truth::observe`]).
    pub history: Tape<Stamped>,
    /// Every request so far, by id.
    pub requests: Vec<Request>,
    marks: Vec<Marks>,
    /// Each customer's session token (`nbf`), by id.
    tokens: Vec<Time>,
    /// Each seat's true state.
    pub seats: Vec<SeatTruth>,
    /// The counters.
    pub metrics: Metrics,
    /// The servers' log.
    pub log: Log,
    /// Per server: counters and response times.
    pub stats: Vec<ServerStats>,
    /// Response times of confirmed seat requests (customer send → answer received),
    /// ns, in arrival order: what a confirmation costs.
    pub confirm_ns: Vec<i64>,
    /// Per server: responses since the last sample (sum ns, count).
    pub windows: Vec<(i64, u32)>,
    /// Every anomaly found, with its proof.
    pub anomalies: Vec<Anomaly>,
    /// Alerts, steps, faults and switches.
    pub time_events: Vec<TimeEvent>,
    /// Per server: threshold alerts in force (from the last sample).
    pub active_alerts: Vec<Vec<Alert>>,
    /// Per server: its last complete NTP exchange.
    pub last_exchange: Vec<Option<Exchange>>,
    /// NTP requests in flight: (client host, source, t1) → true send time, and the
    /// server's true receive time and lie once served.
    ntp_flight: Vec<NtpFlight>,
    /// The highest log stamp so far and the line that holds it.
    max_stamp: Option<(Time, u32)>,
    /// Per request: whether its answer reached the customer.
    pub heard: Vec<bool>,
    /// Retries given an earlier claim's hold (idempotency keys): (retry, claim).
    pub deduplicated: Vec<(ReqId, ReqId)>,
    /// The data path's checkers.
    pub data: DataTruth,
    /// The change feed's checkers.
    pub feed: FeedTruth,
    /// The cache's checkers.
    pub cache: CacheTruth,
    /// Per customer: whether they gave up waiting for an answer at least once (the
    /// requests counted in `gave_up`).
    pub gave_up_customers: Vec<bool>,
}

#[derive(Clone, Copy, Debug)]
struct NtpFlight {
    client: u16,
    source: u8,
    t1: Time,
    sent: Time,
    served: Option<(Time, i64)>,
}

/// What the checkers may touch beyond their own state: the customers' seat map, the
/// hosts' clocks (to time the seat map and to tell an NTP exchange's true errors), and
/// a list of seat-map updates for the kernel to schedule.
pub struct Env<'a> {
    /// The seat map customers load.
    pub board: &'a mut Hall,
    /// Every host.
    pub hosts: &'a [Host],
    /// Where each node lives: `homes[layer][index]`.
    pub homes: &'a [Vec<HostId>],
    /// (when, claim): the hold starts to look expired on the seat map then.
    pub map_expiries: &'a mut Vec<(Time, ReqId)>,
}

impl Truth {
    /// Checkers for a hall of `seats` seats and `servers` servers.
    pub fn new(judge: Judge, seats: usize, servers: usize, customers: usize) -> Truth {
        Truth {
            judge,
            history: Tape::new(),
            requests: Vec::with_capacity(customers * 4),
            marks: Vec::with_capacity(customers * 4),
            tokens: vec![Time(0); customers],
            seats: vec![SeatTruth::default(); seats],
            metrics: Metrics::default(),
            log: Log::with_capacity(customers * 2),
            stats: vec![ServerStats::default(); servers],
            confirm_ns: Vec::new(),
            windows: vec![(0, 0); servers],
            anomalies: Vec::new(),
            time_events: Vec::new(),
            active_alerts: vec![Vec::new(); servers],
            last_exchange: vec![None; servers],
            ntp_flight: Vec::new(),
            max_stamp: None,
            heard: Vec::new(),
            deduplicated: Vec::new(),
            data: DataTruth::default(),
            feed: FeedTruth::default(),
            cache: CacheTruth::default(),
            gave_up_customers: Vec::new(),
        }
    }

    /// The rules the checkers judge by.
    pub fn judge(&self) -> Judge {
        self.judge
    }

    /// A scripted customer's token was issued at `at`.
    pub fn login(&mut self, customer: CustomerId, at: Time) {
        self.set_token(customer, at);
    }

    fn set_token(&mut self, customer: CustomerId, at: Time) {
        let c = customer as usize;
        if self.tokens.len() <= c {
            self.tokens.resize(c + 1, Time(0));
        }
        self.tokens[c] = at;
    }

    fn anomaly<const N: usize>(
        &mut self,
        kind: AnomalyKind,
        req: ReqId,
        mut ev: [u32; N],
        now: Time,
    ) {
        crate::order::sort(&mut ev);
        let mut evidence = [NONE; 4];
        let mut len = 0;
        for i in ev {
            if i != NONE && (len == 0 || evidence[len - 1] != i) {
                evidence[len] = i;
                len += 1;
            }
        }
        self.anomalies.push(Anomaly {
            kind,
            t: now,
            req,
            evidence,
            len: len as u8,
        });
    }

    /// Takes one observation made at true time `now` by `from`, whose clock read `local`.
    ///
    /// The history keeps every observation that can prove an anomaly; the others (a
    /// login, an answer received, a give-up, NTP bookkeeping) are taken into account and
    /// not kept, so a big crowd costs little memory.
    pub fn observe(&mut self, now: Time, from: Addr, local: Time, obs: Obs, env: &mut Env<'_>) {
        let at = self.history.len() as u32;
        let kept = !matches!(
            obs,
            Obs::Login { .. }
                | Obs::Answered { .. }
                | Obs::GaveUp { .. }
                | Obs::NtpSent { .. }
                | Obs::NtpServed { .. }
                | Obs::DataRead { .. }
                | Obs::MapApplied { .. }
                | Obs::FeedCaptured { .. }
                | Obs::FeedPublished { .. }
                | Obs::FeedApplied { .. }
                | Obs::FeedAvoided { .. }
                | Obs::DbQueried { .. }
                | Obs::Page { .. }
        );
        if kept {
            self.history.push(Stamped {
                t: now,
                from,
                local,
                obs,
            });
        }
        if from.layer == Layer::Data && matches!(obs, Obs::FoundTaken { .. } | Obs::Paid { .. }) {
            // A primary decided a write again: the outage is over.
            self.data.write_served(now);
        }
        match obs {
            Obs::Login { customer } => self.set_token(customer, now),
            Obs::Sent {
                req,
                customer,
                seat,
                kind,
                server,
            } => {
                debug_assert_eq!(
                    req as usize,
                    self.requests.len(),
                    "requests are numbered in order"
                );
                self.requests.push(Request {
                    customer,
                    seat,
                    kind,
                    server,
                    sent: now,
                    arrived: now,
                    stamp: now,
                    order: None,
                    outcome: Outcome::Pending,
                    hold: Hold::None,
                    outcome_writes: 0,
                    flags: 0,
                });
                self.marks.push(Marks {
                    sent: at,
                    received: NONE,
                    granted: NONE,
                });
                self.metrics.requests += 1;
            }
            Obs::Routed { req, server } => self.requests[req as usize].server = server,
            Obs::Rejected { req, refusal } => {
                if self.requests[req as usize].outcome == Outcome::Pending {
                    self.metrics.refused += 1;
                    if refusal == Refusal::RateLimited {
                        self.metrics.rate_limited += 1;
                    } else {
                        self.metrics.unavailable += 1;
                    }
                    self.set_outcome(req, Outcome::Refused(refusal));
                }
            }
            Obs::Failed { server, .. } => {
                if let Some(st) = self.stats.get_mut(server as usize) {
                    st.errors += 1;
                }
            }
            Obs::Marked { .. } => {}
            Obs::Deduplicated { req, claim } => self.deduplicated.push((req, claim)),
            Obs::Received { req } => {
                let r = &mut self.requests[req as usize];
                r.arrived = now;
                r.stamp = local;
                self.marks[req as usize].received = at;
                if let Some(s) = self.stats.get_mut(r.server as usize) {
                    s.requests += 1;
                }
            }
            Obs::Decided { req, decision } => self.decided(req, decision, now, local, at),
            Obs::Ordered { req, order } => self.requests[req as usize].order = Some(order),
            Obs::Answered { req } => {
                let i = req as usize;
                if self.heard.len() <= i {
                    self.heard.resize(i + 1, false);
                }
                self.heard[i] = true;
                let r = self.requests[req as usize];
                let rt = now - r.sent;
                if r.kind == ReqKind::Claim && r.outcome == Outcome::Confirmed {
                    self.confirm_ns.push(rt);
                }
                // A request never routed (lost on the way to the gateway) was answered
                // by nobody.
                let s = r.server as usize;
                if let (Some(st), Some(w)) = (self.stats.get_mut(s), self.windows.get_mut(s)) {
                    st.response_ns.push(rt);
                    w.0 += rt;
                    w.1 += 1;
                }
            }
            Obs::GaveUp { req } => {
                if self.requests[req as usize].outcome == Outcome::Pending {
                    self.set_outcome(req, Outcome::TimedOut);
                    self.metrics.timed_out += 1;
                    self.metrics.gave_up += 1;
                    let c = self.requests[req as usize].customer as usize;
                    if self.gave_up_customers.len() <= c {
                        self.gave_up_customers.resize(c + 1, false);
                    }
                    self.gave_up_customers[c] = true;
                }
            }
            Obs::FoundTaken { req } => {
                let r = self.requests[req as usize];
                let t = &mut self.seats[r.seat as usize];
                if let Some(first) = t.first {
                    t.first = Some(first.min((r.arrived, req)));
                }
            }
            Obs::HoldGranted { req } => self.hold_start(req, now, at, env),
            Obs::ExpiryJudged {
                claim,
                judge,
                expired,
            } => {
                let c = self.requests[claim as usize];
                if !expired && c.hold == Hold::Held && now - c.arrived > self.judge.ttl {
                    self.metrics.late_expiries += 1;
                    self.requests[judge as usize].flags |= flags::LATE_EXPIRY;
                    let ev = [self.marks[claim as usize].granted, at];
                    self.anomaly(AnomalyKind::LateExpiry, claim, ev, now);
                }
            }
            Obs::Released { claim, by, stamp } => {
                let age = now - self.requests[claim as usize].arrived;
                if self.hold_end(claim, Hold::Expired, false, now, env) {
                    self.metrics.expiries += 1;
                    let mut f = 0;
                    if age <= self.judge.ttl {
                        self.metrics.premature_expiries += 1;
                        f = flags::PREMATURE_EXPIRY;
                        let ev = [self.marks[claim as usize].granted, at];
                        self.anomaly(AnomalyKind::PrematureExpiry, claim, ev, now);
                    }
                    self.write_line(by, LogKind::Released, claim, f, stamp, now, at);
                }
            }
            Obs::Revoked {
                claim,
                by,
                stamp,
                handed_over,
            } => {
                if self.hold_end(claim, Hold::Superseded, handed_over, now, env) {
                    self.metrics.revoked += 1;
                    self.write_line(by, LogKind::Revoked, claim, 0, stamp, now, at);
                }
            }
            Obs::Paid { claim, pay } => {
                self.requests[claim as usize].hold = Hold::Paid;
                if self.settle(claim, now, at) {
                    self.requests[pay as usize].flags |= flags::WRONG_WINNER;
                }
            }
            Obs::NtpSent { source, t1 } => {
                if from.layer == Layer::NtpClient {
                    // Keep only what may still be answered: a few per client.
                    if self.ntp_flight.len() > 256 {
                        self.ntp_flight.drain(..128);
                    }
                    self.ntp_flight.push(NtpFlight {
                        client: from.index,
                        source,
                        t1,
                        sent: now,
                        served: None,
                    });
                }
            }
            Obs::NtpServed {
                source,
                client,
                t1,
                lie_ns,
            } => {
                if let Some(f) = self
                    .ntp_flight
                    .iter_mut()
                    .rev()
                    .find(|f| (f.client, f.source, f.t1) == (client, source, t1))
                {
                    f.served = Some((now, lie_ns));
                }
            }
            Obs::NtpExchange {
                source,
                served_ns,
                t1,
                t2,
            } => {
                let t = [t1, t2, t2 + served_ns as i64, local];
                self.ntp_exchange(from, source, t, now, env)
            }
            Obs::Stepped { delta_ns } => {
                self.time_event(from, now, TimeEventKind::Stepped(delta_ns))
            }
            Obs::Panic { offset_ns } => self.time_event(from, now, TimeEventKind::Panic(offset_ns)),
            Obs::Alert(a) => self.time_event(from, now, TimeEventKind::Raised(a)),
            Obs::Switched { on } => {
                if let Some(active) = self.active_alerts.get_mut(from.index as usize) {
                    active.clear();
                }
                self.time_event(from, now, TimeEventKind::Switched(on));
            }
            Obs::Committed { .. }
            | Obs::Promoted { .. }
            | Obs::Demoted { .. }
            | Obs::DataCrashed { .. }
            | Obs::DataRead { .. }
            | Obs::MapApplied { .. } => self.on_data(now, from, obs, env),
            Obs::FeedCaptured { lsn } => self.feed.captured(lsn, now),
            Obs::FeedPublished { lsn, reported_ns } => self.feed.published(lsn, reported_ns, now),
            Obs::FeedApplied { customer, lsn, dup } => self.feed.applied(customer, lsn, dup, now),
            Obs::FeedAvoided { .. } => self.feed.avoided += 1,
            Obs::FeedListener { up } => self.feed.listener(up, now),
            Obs::DbQueried { .. } | Obs::Page { .. } | Obs::CacheDown { .. } => {
                self.on_cache(now, from, obs)
            }
        }
    }

    fn ntp_exchange(&mut self, from: Addr, source: u8, t: [Time; 4], now: Time, env: &mut Env<'_>) {
        if from.layer != Layer::NtpClient {
            return;
        }
        let Some(k) = self
            .ntp_flight
            .iter()
            .rposition(|f| (f.client, f.source, f.t1) == (from.index, source, t[0]))
        else {
            return;
        };
        let f = self.ntp_flight.remove(k);
        let Some((served, lie)) = f.served else {
            return;
        };
        let w = crate::ntp::on_wire(t[0], t[1], t[2], t[3]);
        let client_host = env.homes[Layer::NtpClient as usize][from.index as usize] as usize;
        let server_host = env.homes[Layer::TimeServer as usize][source as usize] as usize;
        let processing = t[2] - t[1];
        self.last_exchange[from.index as usize] = Some(Exchange {
            source: source as usize,
            t,
            truth: [f.sent, served, served + processing, now],
            offset_ns: w.offset_ns,
            delay_ns: w.delay_ns,
            client_error_ns: env.hosts[client_host].clock.offset(now),
            server_error_ns: env.hosts[server_host].clock.offset(now) + lie,
        });
    }

    /// Records a time event of a reservation server (time servers' are not listed).
    fn time_event(&mut self, from: Addr, now: Time, what: TimeEventKind) {
        if from.layer == Layer::NtpClient {
            self.time_events.push(TimeEvent {
                t: now,
                node: Node::Res(from.index as u8),
                what,
            });
        }
    }

    fn set_outcome(&mut self, r: ReqId, o: Outcome) {
        let req = &mut self.requests[r as usize];
        req.outcome = o;
        req.outcome_writes = req.outcome_writes.saturating_add(1);
    }

    fn decided(&mut self, r: ReqId, d: Decision, now: Time, stamp: Time, at: u32) {
        // The customer gave up waiting, or the gateway answered 504, and the server
        // decided all the same (e.g. a commit-wait behind a long queue): the decision is
        // the request's one outcome, what the system did with the seat (`timed_out`
        // counts the requests no server ever decided).
        let undone = match self.requests[r as usize].outcome {
            Outcome::TimedOut => {
                self.metrics.timed_out -= 1;
                true
            }
            Outcome::Refused(Refusal::GatewayTimeout) => {
                self.metrics.refused -= 1;
                self.metrics.unavailable -= 1;
                true
            }
            _ => false,
        };
        if undone {
            let req = &mut self.requests[r as usize];
            req.outcome = Outcome::Pending;
            req.outcome_writes = req.outcome_writes.saturating_sub(1);
        }
        let req = self.requests[r as usize];
        let s = req.server as usize;
        let kind = match (req.kind, d) {
            (ReqKind::Claim, Decision::Confirmed) => LogKind::Confirmed,
            (ReqKind::Claim, Decision::Refused(x)) => LogKind::Refused(x),
            (ReqKind::Pay(_), Decision::Confirmed) => LogKind::Paid,
            (ReqKind::Pay(_), Decision::Refused(x)) => LogKind::PayRefused(x),
        };
        let mut f = req.flags;
        match d {
            Decision::Confirmed => {
                self.stats[s].confirmed += 1;
                if req.kind == ReqKind::Claim {
                    self.metrics.confirmed += 1;
                } else {
                    self.metrics.paid += 1;
                }
            }
            Decision::Refused(x) => {
                self.stats[s].refused += 1;
                self.metrics.refused += 1;
                let j = self.judge;
                let nbf = self
                    .tokens
                    .get(req.customer as usize)
                    .copied()
                    .unwrap_or(Time(0));
                // Would true time have served this customer? (Only the clock rules can
                // refuse wrongly; the request is judged when it arrived.)
                let wrongly = match x {
                    Refusal::NotOpen => {
                        self.metrics.not_open_refusals += 1;
                        now >= j.opening
                    }
                    Refusal::TokenNotYetValid => {
                        self.metrics.token_refusals += 1;
                        now + j.leeway >= nbf
                    }
                    Refusal::TokenExpired => {
                        self.metrics.token_refusals += 1;
                        now - j.leeway <= nbf + j.token_ttl
                    }
                    Refusal::Taken => {
                        self.metrics.taken_refusals += 1;
                        false
                    }
                    Refusal::NoTimestamp => {
                        self.metrics.unstamped_refusals += 1;
                        false
                    }
                    Refusal::Unsynchronized => {
                        self.metrics.unsynchronized_refusals += 1;
                        false
                    }
                    Refusal::Unavailable => {
                        self.data.refused(now);
                        false
                    }
                    Refusal::HoldExpired
                    | Refusal::HoldLost
                    | Refusal::GatewayTimeout
                    | Refusal::RateLimited => false,
                };
                if wrongly {
                    self.metrics.wrongly_refused += 1;
                    f |= flags::WRONGLY_REFUSED;
                    let ev = [
                        self.marks[r as usize].sent,
                        self.marks[r as usize].received,
                        at,
                    ];
                    self.anomaly(AnomalyKind::WronglyRefused, r, ev, now);
                }
            }
        }
        let outcome = match d {
            Decision::Confirmed => Outcome::Confirmed,
            Decision::Refused(x) => Outcome::Refused(x),
        };
        self.set_outcome(r, outcome);
        self.write_line(req.server, kind, r, f, stamp, now, at);
    }

    #[allow(clippy::too_many_arguments)]
    fn write_line(
        &mut self,
        server: u8,
        kind: LogKind,
        r: ReqId,
        f: u16,
        stamp: Time,
        now: Time,
        at: u32,
    ) {
        let req = self.requests[r as usize];
        self.push_line(
            LogRecord {
                t: now,
                stamp,
                server,
                kind,
                customer: req.customer,
                seat: req.seat,
                request: r,
                flags: f,
            },
            at,
        );
    }

    /// Appends a log line; an inversion keeps the line holding the higher stamp as proof.
    fn push_line(&mut self, rec: LogRecord, at: u32) {
        let (stamp, r, t) = (rec.stamp, rec.request, rec.t);
        let before = self.log.inversions();
        self.log.push(rec);
        if self.log.inversions() > before {
            let higher = self.max_stamp.map_or(NONE, |(_, i)| i);
            self.anomaly(AnomalyKind::OrderInversion, r, [higher, at], t);
        }
        if self.max_stamp.is_none_or(|(m, _)| stamp > m) {
            self.max_stamp = Some((stamp, at));
        }
    }

    fn hold_start(&mut self, r: ReqId, now: Time, at: u32, env: &mut Env<'_>) {
        let req = self.requests[r as usize];
        self.data_granted(req.seat);
        self.requests[r as usize].hold = Hold::Held;
        self.marks[r as usize].granted = at;
        let t = &mut self.seats[req.seat as usize];
        t.first = Some(
            t.first
                .map_or((req.arrived, r), |f| f.min((req.arrived, r))),
        );
        t.holders.push(r);
        let mut f = 0;
        if t.holders.len() == 2 {
            t.double_since = Some(now);
            self.metrics.double_bookings += 1;
            f |= flags::DOUBLE_BOOKING;
            let other = t.holders[0];
            let ev = [self.marks[other as usize].granted, at];
            self.anomaly(AnomalyKind::DoubleBooking, r, ev, now);
        }
        if !self.data.maps_from_replica {
            env.board.set_shown_free(req.seat, false);
        }
        // Seat maps come from every server in turn, so a hold shows free again as soon
        // as the first server's clock finds it expired.
        let fastest = env.homes[Layer::Server as usize]
            .iter()
            .map(|&h| env.hosts[h as usize].clock.offset(now))
            .max()
            .unwrap_or(0);
        let visible = (req.stamp + self.judge.ttl + 1 - fastest).max(now);
        env.map_expiries.push((visible, r));
        if req.arrived < self.judge.opening {
            self.metrics.early_sales += 1;
            f |= flags::EARLY_SALE;
            let ev = [self.marks[r as usize].received, at];
            self.anomaly(AnomalyKind::EarlySale, r, ev, now);
        }
        self.requests[r as usize].flags |= f;
    }

    /// A hold looks expired on some server's seat map: customers may pick the seat again.
    pub fn map_expire(&mut self, r: ReqId, board: &mut Hall) {
        let req = self.requests[r as usize];
        if req.hold == Hold::Held {
            board.set_shown_free(req.seat, true);
        }
    }

    /// Ends an active hold. `keep_window`: the seat passes straight to another claim, so
    /// its contention window goes on even if no one holds it for an instant.
    fn hold_end(
        &mut self,
        r: ReqId,
        to: Hold,
        keep_window: bool,
        now: Time,
        env: &mut Env<'_>,
    ) -> bool {
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
                self.metrics.double_booking_ns += now - since;
            }
        }
        if t.holders.is_empty() && !keep_window {
            t.first = None;
            if !self.data.maps_from_replica {
                env.board.set_shown_free(req.seat, true);
            }
        }
        true
    }

    /// Judges a settled holder: true (and counted) if they were not the first to ask.
    fn settle(&mut self, holder: ReqId, now: Time, at: u32) -> bool {
        let seat = self.requests[holder as usize].seat as usize;
        let t = &mut self.seats[seat];
        let first = t.first.map(|(_, f)| f);
        let wrong = first.is_some_and(|f| f != holder);
        t.wrong = wrong;
        if wrong {
            self.metrics.wrong_winners += 1;
            let f = first.expect("a first");
            let m = |q: ReqId| self.marks[q as usize];
            let ev = [m(f).received, m(holder).received, m(holder).granted, at];
            self.anomaly(AnomalyKind::WrongWinner, holder, ev, now);
        }
        wrong
    }

    /// At the end, seats still held unpaid are settled on their holders.
    pub fn settle_all(&mut self, now: Time) {
        for seat in 0..self.seats.len() {
            let holders = self.seats[seat].holders.clone();
            for h in holders {
                if self.requests[h as usize].hold == Hold::Held {
                    self.settle(h, now, NONE);
                }
            }
        }
    }

    /// The seat map's knowledge of `seat`: who holds it.
    pub fn seat(&self, seat: SeatId) -> Option<&SeatTruth> {
        self.seats.get(seat as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ClockConfig};
    use crate::config::HallConfig;
    use crate::host::Host;
    use crate::rng::Rng;
    use crate::time::{MS, SEC};

    const T: Time = Time(36_010 * SEC);
    const OPENING: Time = Time(36_000 * SEC);

    struct World {
        truth: Truth,
        board: Hall,
        hosts: Vec<Host>,
        homes: Vec<Vec<HostId>>,
        expiries: Vec<(Time, ReqId)>,
    }

    impl World {
        fn new() -> World {
            let hosts = (0..2)
                .map(|i| {
                    let clock = Clock::new(&ClockConfig::default(), T - 60 * SEC);
                    Host::new(format!("server-{i}"), clock, Rng::stream(1, i))
                })
                .collect();
            let judge = Judge {
                opening: OPENING,
                ttl: 300 * SEC,
                token_ttl: 900 * SEC,
                leeway: 5 * SEC,
            };
            World {
                truth: Truth::new(judge, 200, 2, 10),
                board: Hall::new(&HallConfig::default()),
                hosts,
                homes: {
                    let mut h = vec![Vec::new(); Layer::COUNT];
                    h[Layer::Server as usize] = vec![0, 1];
                    h
                },
                expiries: Vec::new(),
            }
        }

        /// `obs` made at true time `t` by `from`, whose clock read `local`.
        fn see(&mut self, t: Time, from: Addr, local: Time, obs: Obs) {
            let mut env = Env {
                board: &mut self.board,
                hosts: &self.hosts,
                homes: &self.homes,
                map_expiries: &mut self.expiries,
            };
            self.truth.observe(t, from, local, obs, &mut env);
        }
    }

    const CROWD: Addr = Addr::new(Layer::Crowd, 0);
    const GATEWAY: Addr = Addr::new(Layer::Gateway, 0);
    fn server(i: u16) -> Addr {
        Addr::new(Layer::Server, i)
    }

    fn sent(w: &mut World, t: Time, req: ReqId, customer: u32, server_: u8) {
        w.see(t, CROWD, t, Obs::Login { customer });
        w.see(
            t,
            CROWD,
            t,
            Obs::Sent {
                req,
                customer,
                seat: 0,
                kind: ReqKind::Claim,
                server: server_,
            },
        );
    }

    #[test]
    fn a_decision_after_the_customer_gave_up_is_the_one_outcome() {
        // Found by the random scenarios (load_test under commit-wait, 158 customers): the
        // customer gives up 5 s after sending; the server, its commit-wait behind a long
        // queue, confirms later. Counted once: confirmed, not also timed out.
        let mut w = World::new();
        sent(&mut w, T, 0, 0, 0);
        w.see(T + 5 * SEC, CROWD, T + 5 * SEC, Obs::GaveUp { req: 0 });
        assert_eq!(w.truth.requests[0].outcome, Outcome::TimedOut);
        assert_eq!(w.truth.metrics.timed_out, 1);
        w.see(
            T + 6 * SEC,
            server(0),
            T + 6 * SEC,
            Obs::Received { req: 0 },
        );
        let decided = Obs::Decided {
            req: 0,
            decision: Decision::Confirmed,
        };
        w.see(T + 7 * SEC, server(0), T + 7 * SEC, decided);
        let q = w.truth.requests[0];
        assert_eq!((q.outcome, q.outcome_writes), (Outcome::Confirmed, 1));
        assert_eq!(
            (w.truth.metrics.timed_out, w.truth.metrics.confirmed),
            (0, 1)
        );
        assert_eq!(w.truth.metrics.requests, 1);
        // The same after the gateway's 504: the server's decision counts, the 504 not.
        sent(&mut w, T, 1, 1, 0);
        let rejected = Obs::Rejected {
            req: 1,
            refusal: Refusal::GatewayTimeout,
        };
        w.see(T + 3 * SEC, GATEWAY, T + 3 * SEC, rejected);
        assert_eq!(
            (w.truth.metrics.refused, w.truth.metrics.unavailable),
            (1, 1)
        );
        let refused = Obs::Decided {
            req: 1,
            decision: Decision::Refused(Refusal::Taken),
        };
        w.see(T + 4 * SEC, server(0), T + 4 * SEC, refused);
        let q = w.truth.requests[1];
        assert_eq!(
            (q.outcome, q.outcome_writes),
            (Outcome::Refused(Refusal::Taken), 1)
        );
        let m = &w.truth.metrics;
        assert_eq!((m.refused, m.unavailable, m.taken_refusals), (1, 0, 1));
    }

    #[test]
    fn the_second_to_ask_who_keeps_the_seat_is_a_wrong_winner_with_its_proof() {
        // Alice reaches server-1 at T (clock exact); Bob reaches server-2 a second later,
        // whose clock is 2 s slow, and his earlier stamp wins the merge.
        let mut w = World::new();
        sent(&mut w, T - 20 * MS, 0, 0, 0);
        w.see(T, server(0), T, Obs::Received { req: 0 });
        w.see(T, server(0), T, Obs::HoldGranted { req: 0 });
        sent(&mut w, T + SEC - 20 * MS, 1, 1, 1);
        w.see(T + SEC, server(1), T - SEC, Obs::Received { req: 1 });
        w.see(T + SEC, server(1), T - SEC, Obs::HoldGranted { req: 1 });
        assert_eq!(w.truth.metrics.double_bookings, 1, "both held at once");
        let revoke = Obs::Revoked {
            claim: 0,
            by: 0,
            stamp: T + SEC + 200 * MS,
            handed_over: true,
        };
        w.see(T + SEC + 200 * MS, server(0), T + SEC + 200 * MS, revoke);
        assert_eq!(w.truth.metrics.double_bookings_resolved, 1);
        assert_eq!(w.truth.metrics.double_booking_ns, 200 * MS);
        w.truth.settle_all(T + 600 * SEC);
        assert_eq!(w.truth.metrics.wrong_winners, 1);
        let a = w
            .truth
            .anomalies
            .iter()
            .find(|a| a.kind == AnomalyKind::WrongWinner)
            .expect("found");
        assert_eq!(a.req, 1);
        let proof: Vec<Obs> = a
            .evidence()
            .iter()
            .map(|&i| w.truth.history[i as usize].obs)
            .collect();
        assert_eq!(
            proof,
            vec![
                Obs::Received { req: 0 },
                Obs::Received { req: 1 },
                Obs::HoldGranted { req: 1 }
            ],
            "who was first, who won, and when"
        );
    }

    #[test]
    fn a_refusal_is_wrong_only_if_true_time_would_have_served() {
        let mut w = World::new();
        let not_open = Decision::Refused(Refusal::NotOpen);
        // Refused at 10:00:10 true by a slow clock: wrong.
        sent(&mut w, T, 0, 0, 0);
        w.see(T, server(0), OPENING - SEC, Obs::Received { req: 0 });
        w.see(
            T,
            server(0),
            OPENING - SEC,
            Obs::Decided {
                req: 0,
                decision: not_open,
            },
        );
        // Refused at 09:59:50 true: right.
        let early = OPENING - 10 * SEC;
        sent(&mut w, early, 1, 1, 1);
        w.see(early, server(1), early, Obs::Received { req: 1 });
        w.see(
            early,
            server(1),
            early,
            Obs::Decided {
                req: 1,
                decision: not_open,
            },
        );
        assert_eq!(w.truth.metrics.wrongly_refused, 1);
        assert_eq!(w.truth.metrics.not_open_refusals, 2);
        let log = w.truth.log.records();
        assert_ne!(log[0].flags & flags::WRONGLY_REFUSED, 0);
        assert_eq!(log[1].flags & flags::WRONGLY_REFUSED, 0);
        assert_eq!(
            log[1].flags & flags::INVERSION,
            flags::INVERSION,
            "stamped before line 1"
        );
        assert_eq!(w.truth.log.inversions(), 1);
    }

    #[test]
    fn expiries_are_judged_against_the_true_age_of_the_hold() {
        let mut w = World::new();
        sent(&mut w, T, 0, 0, 0);
        w.see(T, server(0), T, Obs::Received { req: 0 });
        w.see(T, server(0), T, Obs::HoldGranted { req: 0 });
        // At 299 s of true age a fast clock releases it: premature.
        let t = T + 299 * SEC;
        let release = Obs::Released {
            claim: 0,
            by: 1,
            stamp: t + 2 * SEC,
        };
        w.see(t, server(1), t + 2 * SEC, release);
        assert_eq!(w.truth.metrics.premature_expiries, 1);
        assert_eq!(w.truth.requests[0].hold, Hold::Expired);
        // Another hold, judged still valid at 301 s of true age: late.
        sent(&mut w, T, 1, 1, 0);
        w.see(T, server(0), T, Obs::Received { req: 1 });
        w.see(T, server(0), T, Obs::HoldGranted { req: 1 });
        let t = T + 301 * SEC;
        sent(&mut w, t, 2, 2, 1);
        let judged = Obs::ExpiryJudged {
            claim: 1,
            judge: 2,
            expired: false,
        };
        w.see(t, server(1), t - 2 * SEC, judged);
        assert_eq!(w.truth.metrics.late_expiries, 1);
        assert_ne!(w.truth.requests[2].flags & flags::LATE_EXPIRY, 0);
    }
}
