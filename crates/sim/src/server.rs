//! Reservation servers: each stamps a request with its own clock, applies the sale's
//! rules with it (docs/MODEL.md, "the four rules"), settles contended seats as the
//! policy says, and answers after its queue and service time.
//!
//! - `local-timestamp`: the server keeps a replica of every seat and decides alone;
//!   accepted holds are replicated to the peers, which merge them ([`Record::merge`]).
//! - `no-lock`: the server reads the seat from the database, decides, then inserts
//!   without a lock (after `check_to_insert_ms` of work: the race window).
//! - `unique`: the server asks the database to insert if the seat is free.
//! - `lamport`, `hlc`, `commit-wait`, `tso`: replicas as under `local-timestamp`, but
//!   the order that settles a contended seat ([`Order`]) is not the server's clock
//!   reading (see [`Server::order_for`] and each policy's guarantees in
//!   [`Policy`]):
//!   - `lamport`: a counter, advanced on every request received and on every peer's
//!     record received (to the max of its own and the sender's, plus one). What it
//!     guarantees: a request that causally follows another (a payment after the hold
//!     it pays for reached this server) gets a larger stamp, whatever the clocks. What
//!     it does not: two independent clicks are ordered by how busy their servers
//!     were, not by who was first.
//!   - `hlc` (Kulkarni et al., 2014): (l, c), l the largest of this clock and every
//!     l seen, c a counter when l does not move. Guarantees: causal order, and l never
//!     further from true time than the largest clock offset. Does not: independent
//!     clicks are ordered by the servers' clocks, as wrong as they are.
//!   - `commit-wait` (TrueTime-like, as Spanner): a claim is stamped with the latest
//!     true time it could be (clock + ε), kept tentatively in the replica, and
//!     confirmed only once clock − ε has passed the stamp plus the time a peer's record
//!     takes to arrive ([`Rules::merge_bound`]: replication lag plus a bound on the LAN
//!     delay), so every record that could beat it has arrived. Guarantees, while ε
//!     bounds the true clock error and no replication is held up longer (a partition):
//!     no confirmation is ever revoked, and of two claims more than 2ε apart in true
//!     time the first wins. Does not: claims closer than 2ε go either way; an ε below
//!     the true error loses the guarantee; every confirmation costs about 2ε more.
//!     Payments are not waited (only the holder can pay).
//!   - `tso` (a timestamp oracle, as Percolator and TiDB): a claim waits for the
//!     oracle's strictly increasing timestamp (one round trip on the data centre's
//!     network). Guarantees: claims are ordered as they reached the oracle, whatever
//!     the clocks. Does not: claims whose order reversed between the servers and the
//!     oracle (within the LAN's jitter) are ordered by the oracle; every claim costs a
//!     round trip; when the oracle is down or cut off nothing can be stamped, and
//!     after [`Rules::tso_timeout`] the server refuses the claim ("no timestamp").
//!     Replication still merges, so it does not prevent double bookings for the
//!     replication lag.
//!
//! A hold's expiry is judged with the *granting* server's timestamp against the
//! *judging* server's clock.

pub mod config;

use crate::clock::Clock;
use crate::config::{Config, Policy};
use crate::hall::SeatId;
use crate::host::Host;
use crate::kernel::{Build, Cut, Ev, Kernel, Route};
use crate::kernel::{Cx, Depart, Node};
use crate::log::Refusal;
pub use crate::msg::server::Mode;
pub use crate::msg::server::{Msg, Request, Synced};
use crate::msg::{cache, crowd, data, database, gateway, tso, Addr, Layer};
use crate::net::Way;
use crate::obs::{Decision, Obs};
use crate::rng::Rng;
use crate::time::Time;
use crate::time::{ms_to_nanos, secs_to_nanos};
use crate::world::{Order, Record, ReqId, ReqKind, NO_REQ};
pub use config::{LockKind, ServiceTime, Workers};

/// The rules a server applies, in nanoseconds and local time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// How contended seats are settled.
    pub policy: Policy,
    /// The official opening.
    pub opening: Time,
    /// Hold time-to-live.
    pub ttl: i64,
    /// A token's lifetime.
    pub token_ttl: i64,
    /// Leeway on a token's `nbf`/`exp`.
    pub leeway: i64,
    /// Mean service time, ns.
    pub service_ns: f64,
    /// `no-lock`: work between the read and the insert, ns.
    pub check_to_insert: i64,
    /// Replicated policies: delay before replicating an accepted hold, ns.
    pub replication_lag: i64,
    /// `commit-wait`: ε when the server runs no NTP, ns.
    pub epsilon: i64,
    /// `commit-wait`: how long a peer's record takes at most to arrive once its claim
    /// reached the peer, ns: the replication lag plus the LAN's base delay and 20 times
    /// its mean jitter (an exponential jitter exceeds that once in 5·10⁸ messages).
    pub merge_bound: i64,
    /// `tso`: how long a server waits for the oracle before refusing, ns.
    pub tso_timeout: i64,
    /// `tso`: claims asked per round trip at most (1: each claim asks alone).
    pub tso_batch: u32,
    /// `tso` with batching: how long the first claim of a batch waits for others,
    /// local ns.
    pub tso_batch_window: i64,
    /// Fail closed: refuse requests while this host's NTP client is not synchronised.
    pub fail_closed: bool,
    /// `no-lock`: the lock around check-then-insert.
    pub lock: LockKind,
    /// The fraction of answers lost on their way back.
    pub reply_loss: f64,
    /// `unique`: claims carry an idempotency key.
    pub idempotency_keys: bool,
}

/// A reservation server.
#[derive(Clone, Debug)]
pub struct Server {
    id: u8,
    peers: u8,
    rules: Rules,
    /// Whether requests come through the gateway (answers go back the same way).
    behind_gateway: bool,
    /// Up, crashed, hung or slow.
    mode: Mode,
    /// Replicated policies: its replica, one record per seat.
    replica: Vec<Option<Record>>,
    /// `lamport`: its counter (`major`); `hlc`: its (l, c).
    clock: Order,
    /// `commit-wait`: its ε now, ns.
    epsilon: i64,
    /// `tso`: claims waiting for the oracle's timestamp.
    asking: Vec<ReqId>,
    /// `tso` with batching: the claims gathered for the next ask, in arrival order.
    batch: Vec<tso::Asked>,
    /// `tso` with batching: the number of the batch being gathered.
    batch_no: u32,
    /// Its worker threads and accept queue, if instances have them.
    pool: Option<Pool>,
    /// `no-lock` with a lock: the claim of this instance that holds it.
    holder: Option<ReqId>,
    /// Claims waiting for the lock: (claim, seat, stamp), in turn.
    waiting: std::collections::VecDeque<(ReqId, SeatId, Time)>,
    /// Whether database statements go to its proxy on the data path.
    data_path: bool,
    /// With a cache: the writes sent and not yet answered, (claim, seat), so that a
    /// committed one deletes its seat's key.
    cache_writes: Option<Vec<(ReqId, SeatId)>>,
}

/// An instance's worker threads and accept queue (`instances.workers`).
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    /// Worker threads.
    pub threads: u32,
    /// The accept queue's size.
    pub capacity: u32,
    /// How long a request may wait in the queue, local ns (0: no limit).
    timeout: i64,
    /// How service times are drawn.
    service: ServiceTime,
    /// Workers busy with a request.
    pub busy: u32,
    /// Requests waiting for a worker, oldest first.
    queue: std::collections::VecDeque<Request>,
    /// The process's life (a restart starts a new one).
    epoch: u32,
    /// Connections refused because the queue was full.
    pub refused: u64,
    /// Requests answered 503 after waiting too long in the queue.
    pub timed_out: u64,
}

impl Pool {
    /// A pool as `w` configures it.
    pub fn new(w: &Workers) -> Pool {
        Pool {
            threads: w.threads,
            capacity: w.queue,
            timeout: secs_to_nanos(w.queue_timeout_s),
            service: w.service,
            busy: 0,
            queue: std::collections::VecDeque::new(),
            epoch: 0,
            refused: 0,
            timed_out: 0,
        }
    }

    /// Requests waiting in the accept queue.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// The process dies or restarts: its workers and its queue are gone.
    fn reset(&mut self) {
        self.busy = 0;
        self.queue.clear();
        self.epoch += 1;
    }
}

const CROWD: Addr = Addr::new(Layer::Crowd, 0);
const DB: Addr = Addr::new(Layer::Database, 0);
const GATEWAY: Addr = Addr::new(Layer::Gateway, 0);
const ORACLE: Addr = Addr::new(Layer::Tso, 0);

impl Server {
    /// Server `id` (0-based) of `servers`, for a hall of `seats`.
    pub fn new(id: u8, servers: u8, seats: usize, rules: Rules) -> Server {
        Server {
            id,
            peers: servers,
            rules,
            behind_gateway: false,
            mode: Mode::Up,
            replica: if rules.policy.replicated() {
                vec![None; seats]
            } else {
                Vec::new()
            },
            clock: Order::default(),
            epsilon: rules.epsilon,
            asking: Vec::new(),
            batch: Vec::new(),
            batch_no: 0,
            pool: None,
            holder: None,
            waiting: std::collections::VecDeque::new(),
            data_path: false,
            cache_writes: None,
        }
    }

    /// Gives the instance worker threads and an accept queue.
    pub fn with_workers(&mut self, w: &Workers) {
        self.pool = w.enabled().then(|| Pool::new(w));
    }

    /// Its worker threads and accept queue, if it has them.
    pub fn pool(&self) -> Option<&Pool> {
        self.pool.as_ref()
    }

    /// A request arrives at an instance with worker threads: a free worker takes it,
    /// or it waits in the accept queue, or, the queue full, the connection is refused.
    fn accept(&mut self, rq: Request, cx: &mut Cx<'_>) {
        let Some(p) = self.pool.as_mut() else {
            return self.on_request(rq, cx);
        };
        if p.busy < p.threads {
            p.busy += 1;
            self.on_request(rq, cx)
        } else if p.queue.len() < p.capacity as usize {
            p.queue.push_back(rq);
            if p.timeout > 0 {
                cx.wake_in(p.timeout, Msg::QueueTimeout { req: rq.req });
            }
        } else {
            p.refused += 1;
            self.refuse_connection(rq.req, cx)
        }
    }

    /// A worker is free: it takes the oldest request in the queue.
    fn on_freed(&mut self, epoch: u32, cx: &mut Cx<'_>) {
        let Some(p) = self.pool.as_mut().filter(|p| p.epoch == epoch) else {
            return;
        };
        p.busy = p.busy.saturating_sub(1);
        if let Some(rq) = p.queue.pop_front() {
            p.busy += 1;
            self.on_request(rq, cx);
        }
    }

    /// Request `req` waited its time in the queue: if still there, 503 (an error of
    /// this instance).
    fn on_queue_timeout(&mut self, req: ReqId, cx: &mut Cx<'_>) {
        let Some(p) = self.pool.as_mut() else { return };
        let Some(k) = p.queue.iter().position(|q| q.req == req) else {
            return;
        };
        p.queue.remove(k);
        p.timed_out += 1;
        let refusal = Refusal::Unavailable;
        cx.observe(Obs::Failed {
            req,
            server: self.id,
        });
        cx.observe(Obs::Rejected { req, refusal });
        let decision = Decision::Refused(refusal);
        if self.behind_gateway {
            cx.send(GATEWAY, gateway::Msg::Reply { req, decision });
        } else {
            cx.send(CROWD, crowd::Msg::Response { req, decision });
        }
    }

    /// `no-lock`: claim `r` reads the seat, then inserts: straight away without a lock;
    /// under the instance's lock when it is free (else it waits its turn); under the
    /// global lock once the database grants it.
    fn check_then_insert(&mut self, r: ReqId, seat: SeatId, stamp: Time, cx: &mut Cx<'_>) {
        let read = database::Msg::Read {
            req: r,
            seat,
            stamp,
        };
        match self.rules.lock {
            LockKind::None => self.send_db(read, Depart::Now, cx),
            LockKind::Instance if self.holder.is_none() => self.grant(r, seat, stamp, cx),
            LockKind::Instance => self.waiting.push_back((r, seat, stamp)),
            LockKind::Global => {
                self.waiting.push_back((r, seat, stamp));
                self.send_db(database::Msg::Lock { req: r }, Depart::Now, cx);
            }
        }
    }

    /// The database grants the global lock to claim `r`: it reads the seat.
    fn on_locked(&mut self, r: ReqId, cx: &mut Cx<'_>) {
        if let Some(k) = self.waiting.iter().position(|w| w.0 == r) {
            let (r, seat, stamp) = self.waiting.remove(k).expect("present");
            self.grant(r, seat, stamp, cx);
        }
    }

    /// Claim `r` holds the lock (the instance's or the global one): it reads the seat.
    fn grant(&mut self, r: ReqId, seat: SeatId, stamp: Time, cx: &mut Cx<'_>) {
        self.holder = Some(r);
        let read = database::Msg::Read {
            req: r,
            seat,
            stamp,
        };
        self.send_db(read, Depart::Now, cx);
    }

    /// Claim `r` is done with its check-then-insert: if it holds the lock, the lock
    /// goes to the next claim waiting.
    fn unlock(&mut self, r: ReqId, cx: &mut Cx<'_>) {
        if self.holder != Some(r) {
            return;
        }
        self.holder = None;
        match self.rules.lock {
            LockKind::Instance => {
                if let Some((next, seat, stamp)) = self.waiting.pop_front() {
                    self.grant(next, seat, stamp, cx);
                }
            }
            LockKind::Global => self.send_db(database::Msg::Unlock { req: r }, Depart::Now, cx),
            LockKind::None => {}
        }
    }

    /// The instance changes state; a crash or a restart loses its workers' work and
    /// its queue.
    fn set_mode(&mut self, m: Mode) {
        let restart = matches!(self.mode, Mode::Crashed | Mode::Hung)
            && matches!(m, Mode::Up | Mode::Slow { .. });
        if restart || (m == Mode::Crashed && self.mode != Mode::Crashed) {
            if let Some(p) = self.pool.as_mut() {
                p.reset();
            }
        }
        self.mode = m;
    }

    /// Its logical clock (`lamport`: the counter in `major`; `hlc`: (l, c)).
    pub fn clock(&self) -> Order {
        self.clock
    }

    /// The order a local event (a request arriving) gets, its clock reading `pt`:
    /// advances the logical clock (`lamport`, `hlc`).
    pub fn order_for(&mut self, pt: Time) -> Order {
        match self.rules.policy {
            Policy::Lamport => {
                self.clock.major += 1;
                self.clock
            }
            Policy::Hlc => {
                // Kulkarni et al. (2014), Fig. 5, "send or local event".
                let old = self.clock.major;
                self.clock.major = old.max(pt.0);
                self.clock.minor = if self.clock.major == old {
                    self.clock.minor + 1
                } else {
                    0
                };
                self.clock
            }
            Policy::CommitWait => Order::of_time(pt + self.epsilon),
            _ => Order::of_time(pt),
        }
    }

    /// A peer's clock `m` arrives with a message, this clock reading `pt` (`lamport`,
    /// `hlc`; the others keep no logical clock).
    pub fn on_clock(&mut self, m: Order, pt: Time) {
        match self.rules.policy {
            Policy::Lamport => self.clock.major = self.clock.major.max(m.major) + 1,
            Policy::Hlc => {
                // Kulkarni et al. (2014), Fig. 5, "receive event of message m".
                let old = self.clock;
                let l = old.major.max(m.major).max(pt.0);
                let c = if l == old.major && l == m.major {
                    old.minor.max(m.minor) + 1
                } else if l == old.major {
                    old.minor + 1
                } else if l == m.major {
                    m.minor + 1
                } else {
                    0
                };
                self.clock = Order { major: l, minor: c };
            }
            _ => {}
        }
    }

    /// Database statements go to its proxy on the data path from now on.
    pub fn on_data_path(&mut self) {
        self.data_path = true;
    }

    /// A write that commits deletes its seat's key in the cache from now on
    /// (cache-aside's delete on write).
    pub fn with_cache(&mut self) {
        self.cache_writes = Some(Vec::new());
    }

    /// The database answered `req`: with a cache, a committed write deletes its
    /// seat's key.
    fn invalidate(&mut self, req: ReqId, decision: Decision, cx: &mut Cx<'_>) {
        let Some(writes) = &mut self.cache_writes else {
            return;
        };
        let Some(i) = writes.iter().position(|&(q, _)| q == req) else {
            return;
        };
        let (_, seat) = writes.swap_remove(i);
        if decision == Decision::Confirmed {
            cx.send(Addr::new(Layer::Cache, 0), cache::Msg::Delete { seat });
        }
    }

    /// Sends a statement to the database, or to its proxy on the data path.
    fn send_db(&mut self, m: database::Msg, depart: Depart, cx: &mut Cx<'_>) {
        if let (
            Some(writes),
            database::Msg::Claim { req, seat, .. } | database::Msg::Insert { req, seat, .. },
        ) = (&mut self.cache_writes, m)
        {
            writes.push((req, seat));
        }
        if self.data_path {
            let proxy = Addr::new(Layer::DataProxy, self.id as u16);
            cx.send_at(proxy, data::ProxyMsg::Sql(m), depart);
        } else {
            cx.send_at(DB, m, depart);
        }
    }

    /// Answers go back through the gateway from now on.
    pub fn behind_gateway(&mut self) {
        self.behind_gateway = true;
    }

    /// Its state: up, crashed, hung or slow.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Its replica's record of `seat` (`local-timestamp`).
    pub fn record(&self, seat: SeatId) -> Option<Record> {
        self.replica.get(seat as usize).copied().flatten()
    }

    /// `commit-wait`: ε now: the bound on this clock's error its NTP daemon states (the
    /// root distance, growing while unrefreshed), else the configured ε.
    fn refresh_epsilon(&mut self, cx: &mut Cx<'_>) {
        if self.rules.policy == Policy::CommitWait {
            self.epsilon = cx.max_error().unwrap_or(self.rules.epsilon);
        }
    }

    fn on_request(&mut self, rq: Request, cx: &mut Cx<'_>) {
        self.refresh_epsilon(cx);
        let stamp = cx.local();
        cx.observe(Obs::Received { req: rq.req });
        let r = rq.req;
        // Fail closed: no synchronised time (the NTP daemon states no error bound), no
        // answer but a refusal.
        if self.rules.fail_closed && cx.max_error().is_none() {
            return self.answer(r, Decision::Refused(Refusal::Unsynchronized), cx);
        }
        let policy = self.rules.policy;
        let order = self.order_for(stamp);
        if matches!(policy, Policy::Lamport | Policy::Hlc | Policy::CommitWait) {
            cx.observe(Obs::Ordered { req: r, order });
        }
        // Rule 4: the session token, issued by an exact clock when the customer logged in.
        let (nbf, leeway) = (rq.nbf, self.rules.leeway);
        if stamp + leeway < nbf {
            return self.answer(r, Decision::Refused(Refusal::TokenNotYetValid), cx);
        }
        if stamp - leeway > nbf + self.rules.token_ttl {
            return self.answer(r, Decision::Refused(Refusal::TokenExpired), cx);
        }
        match rq.kind {
            ReqKind::Claim => {
                // Rule 2: the sale opening, by the server's clock.
                if stamp < self.rules.opening {
                    return self.answer(r, Decision::Refused(Refusal::NotOpen), cx);
                }
                let seat = rq.seat;
                match self.rules.policy {
                    Policy::LocalTimestamp | Policy::Lamport | Policy::Hlc | Policy::CommitWait => {
                        self.claim_local(r, seat, stamp, order, cx)
                    }
                    Policy::Tso if self.rules.tso_batch > 1 => self.gather(r, seat, stamp, cx),
                    Policy::Tso => {
                        cx.send(
                            ORACLE,
                            tso::Msg::Ask {
                                req: r,
                                seat,
                                stamp,
                            },
                        );
                        self.asking.push(r);
                        cx.wake_in(self.rules.tso_timeout, Msg::OracleTimeout { req: r });
                    }
                    Policy::Unique if self.rules.idempotency_keys => self.send_db(
                        database::Msg::ClaimKeyed {
                            req: r,
                            seat,
                            stamp,
                            customer: rq.customer,
                        },
                        Depart::Now,
                        cx,
                    ),
                    Policy::Unique => self.send_db(
                        database::Msg::Claim {
                            req: r,
                            seat,
                            stamp,
                        },
                        Depart::Now,
                        cx,
                    ),
                    Policy::NoLock => self.check_then_insert(r, seat, stamp, cx),
                }
            }
            ReqKind::Pay(claim) => match self.rules.policy {
                Policy::LocalTimestamp
                | Policy::Lamport
                | Policy::Hlc
                | Policy::CommitWait
                | Policy::Tso => self.pay_local(r, claim, rq.seat, stamp, cx),
                Policy::Unique | Policy::NoLock => self.send_db(
                    database::Msg::Pay {
                        req: r,
                        claim,
                        server_now: stamp,
                    },
                    Depart::Now,
                    cx,
                ),
            },
        }
    }

    /// The server answers: the decision goes in its log, and the response leaves after
    /// its queue and service time.
    fn answer(&mut self, r: ReqId, decision: Decision, cx: &mut Cx<'_>) {
        cx.observe(Obs::Decided { req: r, decision });
        let factor = match self.mode {
            Mode::Slow { factor } => factor as f64,
            _ => 1.0,
        };
        let mean_ns = self.rules.service_ns * factor;
        let mut depart = Depart::Service { mean_ns };
        if let Some(p) = &self.pool {
            // A worker's service time, on a core of its machine; then it is free.
            let work = match p.service {
                ServiceTime::Exponential => cx.rng().exp(mean_ns) as i64,
                ServiceTime::Constant => mean_ns as i64,
            };
            let done = cx.compute(work);
            depart = Depart::After(done);
            cx.after(done, Msg::Freed { epoch: p.epoch });
        }
        let loss = self.rules.reply_loss;
        if loss > 0.0 && cx.rng().chance(loss) {
            // Decided, and lost on the way back: the customer never hears of it.
            return;
        }
        if self.behind_gateway {
            let reply = gateway::Msg::Reply { req: r, decision };
            cx.send_at(GATEWAY, reply, depart);
        } else {
            cx.send_at(CROWD, crowd::Msg::Response { req: r, decision }, depart);
        }
    }

    /// Whether this server, its clock reading `local_now` while handling `judge`, finds
    /// the hold of `claim` (stamped `stamp`, ordered `order` by the server that granted
    /// it) expired. Under `commit-wait` only if it is certainly expired, uncertainty
    /// included: the earliest true time now can be (clock − ε) is more than the
    /// time-to-live after the latest true time the claim can have arrived (its order,
    /// clock + ε), as TrueTime's `after`.
    fn judge_expired(
        &self,
        claim: ReqId,
        (stamp, order): (Time, Order),
        local_now: Time,
        judge: ReqId,
        cx: &mut Cx<'_>,
    ) -> bool {
        let expired = if self.rules.policy == Policy::CommitWait {
            local_now.0 - self.epsilon - order.major > self.rules.ttl
        } else {
            local_now - stamp > self.rules.ttl
        };
        cx.observe(Obs::ExpiryJudged {
            claim,
            judge,
            expired,
        });
        expired
    }

    fn release(&self, claim: ReqId, cx: &mut Cx<'_>) {
        let stamp = cx.local();
        cx.observe(Obs::Released {
            claim,
            by: self.id,
            stamp,
        });
    }

    fn revoke(&self, claim: ReqId, handed_over: bool, cx: &mut Cx<'_>) {
        let stamp = cx.local();
        cx.observe(Obs::Revoked {
            claim,
            by: self.id,
            stamp,
            handed_over,
        });
    }

    fn refuse_taken(&mut self, r: ReqId, cx: &mut Cx<'_>) {
        cx.observe(Obs::FoundTaken { req: r });
        self.answer(r, Decision::Refused(Refusal::Taken), cx);
    }

    fn claim_local(&mut self, r: ReqId, seat: SeatId, stamp: Time, order: Order, cx: &mut Cx<'_>) {
        let s = self.id;
        let mut replacing = None;
        let gen = match self.replica[seat as usize] {
            None => 1,
            Some(rec) if rec.released => rec.gen + 1,
            Some(rec) if rec.paid => return self.refuse_taken(r, cx),
            Some(rec) => {
                if self.judge_expired(rec.req, (rec.stamp, rec.order), stamp, r, cx) {
                    self.release(rec.req, cx);
                    rec.gen + 1
                } else if (order, s, r) < (rec.order, rec.server, rec.req) {
                    // Rule 1 by this server's order: the new request is stamped earlier,
                    // so it wins the seat from the hold already granted.
                    replacing = Some(rec.req);
                    rec.gen
                } else {
                    return self.refuse_taken(r, cx);
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
            order,
        };
        self.replica[seat as usize] = Some(rec);
        if let Some(old) = replacing {
            self.revoke(old, true, cx);
        }
        if self.rules.policy == Policy::CommitWait {
            // Held tentatively (peers learn of it), confirmed after the wait.
            self.replicate(seat, rec, cx);
            let wait = self.wait_left(order, cx.local());
            cx.wake_in(
                wait,
                Msg::CommitWait {
                    req: r,
                    seat,
                    order,
                },
            );
            return;
        }
        cx.observe(Obs::HoldGranted { req: r });
        self.replicate(seat, rec, cx);
        self.answer(r, Decision::Confirmed, cx);
    }

    fn pay_local(&mut self, r: ReqId, claim: ReqId, seat: SeatId, stamp: Time, cx: &mut Cx<'_>) {
        let decision = match self.replica[seat as usize] {
            Some(rec) if rec.req == claim && rec.paid => Decision::Confirmed,
            Some(rec) if rec.req == claim && rec.released => {
                Decision::Refused(Refusal::HoldExpired)
            }
            Some(mut rec) if rec.req == claim => {
                let decision = if self.judge_expired(claim, (rec.stamp, rec.order), stamp, r, cx) {
                    rec.released = true;
                    self.release(claim, cx);
                    Decision::Refused(Refusal::HoldExpired)
                } else {
                    rec.paid = true;
                    cx.observe(Obs::Paid { claim, pay: r });
                    Decision::Confirmed
                };
                self.replica[seat as usize] = Some(rec);
                self.replicate(seat, rec, cx);
                decision
            }
            _ => Decision::Refused(Refusal::HoldLost),
        };
        self.answer(r, decision, cx);
    }

    /// `commit-wait`: how long, by this clock reading `now`, until `now − ε` passes the
    /// stamp plus the time a peer's record takes to arrive (at least 1 ns).
    fn wait_left(&self, order: Order, now: Time) -> i64 {
        (order.major + self.rules.merge_bound - (now.0 - self.epsilon) + 1).max(1)
    }

    /// `commit-wait`: the wait of claim `r` may be over. Confirmed if its clock minus ε
    /// has passed its stamp (plus the merge bound) and the replica still gives it the
    /// seat; refused as taken if a claim stamped earlier took it meanwhile.
    fn on_commit_wait(&mut self, r: ReqId, seat: SeatId, order: Order, cx: &mut Cx<'_>) {
        self.refresh_epsilon(cx);
        let now = cx.local();
        if now.0 - self.epsilon <= order.major + self.rules.merge_bound {
            // Not yet by this clock (a coarse tick reads behind, or the clock was slewed
            // or stepped back): wait on, at least a millisecond at a time.
            let wait = self.wait_left(order, now).max(crate::time::MS);
            return cx.wake_in(
                wait,
                Msg::CommitWait {
                    req: r,
                    seat,
                    order,
                },
            );
        }
        match self.replica[seat as usize] {
            Some(rec) if rec.req == r && !rec.released => {
                cx.observe(Obs::HoldGranted { req: r });
                self.answer(r, Decision::Confirmed, cx);
            }
            _ => self.refuse_taken(r, cx),
        }
    }

    /// `tso`: the oracle's timestamp for claim `r` (ignored if the server gave up).
    fn on_stamp(&mut self, r: ReqId, seat: SeatId, stamp: Time, ts: Time, cx: &mut Cx<'_>) {
        if let Some(k) = self.asking.iter().position(|&q| q == r) {
            self.asking.swap_remove(k);
            self.claim_local(r, seat, stamp, Order::of_time(ts), cx);
        }
    }

    /// `tso` with batching (`tso.batch` above 1, the way TiDB's clients ask PD): the
    /// claim joins the batch being gathered. The first claim of a batch opens its
    /// window (`tso.batch_window_ms`, by this server's clock); the batch leaves for the
    /// oracle when it is full or when the window closes, as one message, and the
    /// oracle answers with as many consecutive timestamps in one message. Each claim
    /// still gives up after `tso.timeout_ms` from its arrival.
    ///
    /// Every claim of a batch reached this server before the batch left, and the
    /// oracle stamps the batch in one go, in the order the claims arrived: the
    /// timestamps stay in the true order claims reached the oracle (a batch counting
    /// as reaching it when it does). What it costs: up to the window's wait before the
    /// round trip; what it buys: one round trip and one message to the oracle for up
    /// to `tso.batch` claims.
    fn gather(&mut self, r: ReqId, seat: SeatId, stamp: Time, cx: &mut Cx<'_>) {
        self.asking.push(r);
        cx.wake_in(self.rules.tso_timeout, Msg::OracleTimeout { req: r });
        self.batch.push(tso::Asked {
            req: r,
            seat,
            stamp,
        });
        if self.batch.len() == 1 {
            let batch = self.batch_no;
            cx.wake_in(self.rules.tso_batch_window, Msg::BatchDue { batch });
        }
        if self.batch.len() >= self.rules.tso_batch as usize {
            self.send_batch(cx);
        }
    }

    /// `tso` with batching: the claims gathered go to the oracle in one message.
    fn send_batch(&mut self, cx: &mut Cx<'_>) {
        self.batch_no = self.batch_no.wrapping_add(1);
        if self.batch.is_empty() {
            return;
        }
        let asks = std::mem::take(&mut self.batch).into_boxed_slice();
        cx.send(ORACLE, tso::Msg::Batch(asks));
    }

    /// `tso` with batching: batch number `batch`'s window is over (ignored if it left
    /// full already).
    fn on_batch_due(&mut self, batch: u32, cx: &mut Cx<'_>) {
        if batch == self.batch_no {
            self.send_batch(cx);
        }
    }

    /// `tso` with batching: the oracle's consecutive timestamps, one per claim asked.
    fn on_stamps(&mut self, first: Time, asks: &[tso::Asked], cx: &mut Cx<'_>) {
        for (i, a) in asks.iter().enumerate() {
            self.on_stamp(a.req, a.seat, a.stamp, first + i as i64, cx);
        }
    }

    /// `tso`: no timestamp came in time: the claim is refused (a claim still waiting
    /// in a batch leaves it).
    fn on_oracle_timeout(&mut self, r: ReqId, cx: &mut Cx<'_>) {
        let gathered = self.batch.len();
        self.batch.retain(|a| a.req != r);
        if gathered > 0 && self.batch.is_empty() {
            // The window armed for this batch must not cut a later one short.
            self.batch_no = self.batch_no.wrapping_add(1);
        }
        if let Some(k) = self.asking.iter().position(|&q| q == r) {
            self.asking.swap_remove(k);
            self.answer(r, Decision::Refused(Refusal::NoTimestamp), cx);
        }
    }

    fn replicate(&self, seat: SeatId, rec: Record, cx: &mut Cx<'_>) {
        for to in 0..self.peers {
            if to != self.id {
                let msg = if self.rules.policy == Policy::LocalTimestamp {
                    Msg::Replicate { seat, rec }
                } else {
                    Msg::Sync(Box::new(Synced {
                        seat,
                        rec,
                        clock: self.clock,
                    }))
                };
                cx.send_at(
                    Addr::new(Layer::Server, to as u16),
                    msg,
                    Depart::After(self.rules.replication_lag),
                );
            }
        }
    }

    fn on_replicate(&mut self, seat: SeatId, incoming: Record, cx: &mut Cx<'_>) {
        let current = self.replica[seat as usize];
        let merged = current.map_or(incoming, |c| Record::merge(c, incoming));
        self.replica[seat as usize] = Some(merged);
        if let Some(c) = current {
            if c.req != merged.req {
                self.revoke(c.req, merged.gen == c.gen, cx);
            }
        }
    }

    fn on_read_reply(
        &mut self,
        r: ReqId,
        seat: SeatId,
        stamp: Time,
        newest: Option<(ReqId, Time)>,
        any_paid: bool,
        cx: &mut Cx<'_>,
    ) {
        let local_now = cx.local();
        let free = !any_paid
            && newest.is_none_or(|(q, q_stamp)| {
                self.judge_expired(q, (q_stamp, Order::of_time(q_stamp)), local_now, r, cx)
            });
        if free {
            // The race window: the server works a while between its check and its insert.
            self.send_db(
                database::Msg::Insert {
                    req: r,
                    seat,
                    stamp,
                    server_now: local_now,
                },
                Depart::After(self.rules.check_to_insert),
                cx,
            );
        } else {
            self.unlock(r, cx);
            self.answer(r, Decision::Refused(Refusal::Taken), cx);
        }
    }
}

impl Build for Server {
    /// One node per configured server, each on a host of its own (its clock, its
    /// stream `1 + index`). Answers go back over the `client` link; replication and
    /// database traffic take the data centre's `lan` on reliable channels; a configured
    /// partition cuts the host off.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Server> {
        let rules = Rules {
            policy: cfg.policy,
            opening: cfg.sale.opening(),
            ttl: secs_to_nanos(cfg.sale.hold_ttl_s),
            token_ttl: secs_to_nanos(cfg.sale.token_ttl_s),
            leeway: secs_to_nanos(cfg.sale.token_leeway_s),
            service_ns: cfg.network.service_ms * 1e6,
            check_to_insert: ms_to_nanos(cfg.network.check_to_insert_ms),
            replication_lag: ms_to_nanos(cfg.network.replication_lag_ms),
            epsilon: ms_to_nanos(cfg.commit_wait.epsilon_ms),
            merge_bound: cfg.merge_bound_ns(),
            tso_timeout: ms_to_nanos(cfg.tso.timeout_ms),
            tso_batch: cfg.tso.batch,
            tso_batch_window: ms_to_nanos(cfg.tso.batch_window_ms),
            fail_closed: cfg.ntp.fail_closed,
            lock: cfg.instances.lock,
            reply_loss: cfg.instances.reply_loss,
            idempotency_keys: cfg.instances.idempotency_keys,
        };
        let n = cfg.servers.len();
        let seats = (cfg.hall.rows * cfg.hall.cols) as usize;
        let mut servers = Vec::with_capacity(n);
        for (i, s) in cfg.servers.iter().enumerate() {
            let clock = Clock::new(&s.clock, cfg.sale.start());
            let rng = Rng::stream(cfg.seed, 1 + i as u64);
            let h = k.add_host(Host::new(format!("server-{}", i + 1), clock, rng));
            k.place(Layer::Server, h);
            for p in cfg
                .network
                .partitions
                .iter()
                .filter(|p| p.server as usize == i + 1)
            {
                k.topology.cut(Cut {
                    host: h,
                    from: Time::from_secs_f64(p.from_s),
                    to: Time::from_secs_f64(p.to_s),
                    only: None,
                });
            }
            // The instance's faults, delivered at their true instants.
            let me = Addr::new(Layer::Server, i as u16);
            for f in cfg
                .instances
                .faults
                .iter()
                .filter(|f| f.server as usize == i + 1)
            {
                let ev = Ev::Msg {
                    to: me,
                    from: me,
                    msg: Msg::Fault(f.mode()).into(),
                };
                k.push(Time::from_secs_f64(f.at_s).max(cfg.sale.start()), ev, false);
            }
            let mut server = Server::new(i as u8, n as u8, seats, rules);
            let w = &cfg.instances.workers;
            if w.enabled() {
                // Its machine's cores, shared with the instances on the same machine.
                let m = w.machine_of(i, n);
                if k.machines.len() <= m {
                    let idle = vec![Time(i64::MIN / 2); w.cores as usize];
                    k.machines.resize(m + 1, idle);
                }
                k.hosts[h as usize].machine = Some(m as u16);
                server.with_workers(w);
            }
            if cfg.gateway.enabled {
                server.behind_gateway();
            }
            if cfg.data.enabled {
                server.on_data_path();
            }
            if cfg.cache.enabled {
                server.with_cache();
            }
            servers.push(server);
        }
        let client = k.topology.shared_link("client", &cfg.network.client);
        let lan = k.topology.shared_link("lan", &cfg.network.lan);
        let r = |link, way, reliable| Route {
            link: Some(link),
            way,
            reliable,
        };
        k.topology
            .connect(Layer::Server, Layer::Crowd, r(client, Way::Back, false));
        k.topology
            .connect(Layer::Server, Layer::Database, r(lan, Way::Out, true));
        k.topology
            .connect(Layer::Server, Layer::Server, r(lan, Way::Out, true));
        servers
    }
}

impl Node for Server {
    type Msg = Msg;

    fn on_msg(&mut self, _from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        if !matches!(self.mode, Mode::Up | Mode::Slow { .. }) {
            return self.on_down(msg, cx);
        }
        match msg {
            Msg::Request(rq) => self.accept(rq, cx),
            Msg::DbReply { req, decision } => {
                self.invalidate(req, decision, cx);
                self.unlock(req, cx);
                self.answer(req, decision, cx)
            }
            Msg::ReadReply {
                req,
                seat,
                stamp,
                newest,
                newest_stamp,
                any_paid,
            } => {
                let newest = (newest != NO_REQ).then_some((newest, newest_stamp));
                self.on_read_reply(req, seat, stamp, newest, any_paid, cx)
            }
            Msg::Replicate { seat, rec } => self.on_replicate(seat, rec, cx),
            Msg::Sync(sync) => {
                let Synced { seat, rec, clock } = *sync;
                let pt = cx.local();
                self.on_clock(clock, pt);
                self.on_replicate(seat, rec, cx)
            }
            Msg::CommitWait { req, seat, order } => self.on_commit_wait(req, seat, order, cx),
            Msg::Stamp {
                req,
                seat,
                stamp,
                ts,
            } => self.on_stamp(req, seat, stamp, ts, cx),
            Msg::OracleTimeout { req } => self.on_oracle_timeout(req, cx),
            Msg::Stamps { first, asks } => self.on_stamps(first, &asks, cx),
            Msg::BatchDue { batch } => self.on_batch_due(batch, cx),
            Msg::Fault(m) => self.set_mode(m),
            Msg::Probe { seq } => cx.send_background(GATEWAY, gateway::Msg::ProbeOk { seq }),
            Msg::Freed { epoch } => self.on_freed(epoch, cx),
            Msg::QueueTimeout { req } => self.on_queue_timeout(req, cx),
            Msg::Locked { req } => self.on_locked(req, cx),
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        // Its state only when it is not simply up (a crashed, hung or slow instance).
        let mut f = match self.mode {
            Mode::Up => Vec::new(),
            Mode::Crashed | Mode::Hung => vec![("down", 1.0)],
            Mode::Slow { factor } => vec![("slow_factor", factor as f64)],
        };
        if let Some(p) = &self.pool {
            f.push(("threads_busy", p.busy as f64));
            f.push(("queue", p.queue.len() as f64));
        }
        if self.replica.is_empty() {
            return f;
        }
        let live = |r: &&Record| !r.released;
        let held = self
            .replica
            .iter()
            .flatten()
            .filter(live)
            .filter(|r| !r.paid);
        let sold = self
            .replica
            .iter()
            .flatten()
            .filter(live)
            .filter(|r| r.paid);
        f.push(("held", held.count() as f64));
        f.push(("sold", sold.count() as f64));
        f
    }
}

impl Server {
    /// A crashed instance's machine refuses the connection (a TCP reset): the gateway
    /// tries another; a browser shows an error.
    fn refuse_connection(&mut self, req: ReqId, cx: &mut Cx<'_>) {
        if self.behind_gateway {
            cx.send(GATEWAY, gateway::Msg::ConnRefused { req });
        } else {
            let refusal = Refusal::Unavailable;
            cx.observe(Obs::Rejected { req, refusal });
            let decision = Decision::Refused(refusal);
            cx.send(CROWD, crowd::Msg::Response { req, decision });
        }
    }

    /// A message for a crashed or hung instance.
    #[cold]
    fn on_down(&mut self, msg: Msg, cx: &mut Cx<'_>) {
        match (self.mode, msg) {
            (_, Msg::Fault(m)) => self.set_mode(m),
            // A crashed process: the machine refuses the connection at once.
            (Mode::Crashed, Msg::Request(rq)) => self.refuse_connection(rq.req, cx),
            (Mode::Crashed, Msg::Probe { seq }) => {
                cx.send_background(GATEWAY, gateway::Msg::ProbeRefused { seq })
            }
            // Nothing else reaches a crashed process, and a hung one handles nothing.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, timers, Bench};
    use crate::msg::Msg as AnyMsg;
    use crate::time::{MS, SEC};

    const OPENING: Time = Time(36_000 * SEC);
    const ME: Addr = Addr::new(Layer::Server, 0);

    fn rules(policy: Policy) -> Rules {
        Rules {
            policy,
            opening: OPENING,
            ttl: 300 * SEC,
            token_ttl: 900 * SEC,
            leeway: 5 * SEC,
            service_ns: 1e6,
            check_to_insert: 40 * MS,
            replication_lag: 200 * MS,
            epsilon: SEC,
            merge_bound: 201 * MS,
            tso_timeout: SEC,
            tso_batch: 1,
            tso_batch_window: 2 * MS,
            fail_closed: false,
            lock: LockKind::None,
            reply_loss: 0.0,
            idempotency_keys: false,
        }
    }

    fn claim(req: ReqId, seat: SeatId, nbf: Time) -> Msg {
        Msg::Request(Request {
            req,
            customer: 7,
            seat,
            kind: ReqKind::Claim,
            nbf,
        })
    }

    /// The decision the server sent back to the crowd (there must be exactly one).
    fn answer(cmds: &[crate::kernel::Cmd]) -> Decision {
        let answers: Vec<Decision> = sends(cmds)
            .into_iter()
            .filter_map(|(to, m)| match m {
                AnyMsg::Crowd(crowd::Msg::Response { decision, .. }) if to == CROWD => {
                    Some(decision)
                }
                _ => None,
            })
            .collect();
        assert_eq!(answers.len(), 1, "one answer: {cmds:?}");
        answers[0]
    }

    #[test]
    fn a_slow_clock_refuses_a_claim_before_the_opening_by_its_own_clock() {
        // True time 10:00:05, the server's clock 10 s slow: it reads 09:59:55.
        let mut bench = Bench::new(OPENING + 5 * SEC, -10 * SEC);
        let mut s = Server::new(0, 3, 200, rules(Policy::LocalTimestamp));
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(1, 4, OPENING - 60 * SEC));
        assert_eq!(answer(&cmds), Decision::Refused(Refusal::NotOpen));
        assert_eq!(
            observations(&cmds),
            vec![
                Obs::Received { req: 1 },
                Obs::Decided {
                    req: 1,
                    decision: Decision::Refused(Refusal::NotOpen)
                }
            ]
        );
        assert_eq!(s.record(4), None, "nothing held");
    }

    /// Fail closed: while its NTP daemon states no error bound (not synchronised), the
    /// server refuses even a claim its clock would accept; once synchronised it sells.
    /// Fail open, the same server sells at once.
    #[test]
    fn fail_closed_refuses_until_the_clock_is_synchronised() {
        let mut bench = Bench::new(OPENING + 5 * SEC, 0);
        let mut closed = rules(Policy::LocalTimestamp);
        closed.fail_closed = true;
        let mut s = Server::new(0, 1, 200, closed);
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(1, 4, OPENING));
        assert_eq!(answer(&cmds), Decision::Refused(Refusal::Unsynchronized));
        assert_eq!(s.record(4), None);
        bench.with(ME, |cx| cx.set_max_error(Some(2 * MS)));
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(2, 4, OPENING));
        assert_eq!(answer(&cmds), Decision::Confirmed);
        let mut open = Server::new(0, 1, 200, rules(Policy::LocalTimestamp));
        let mut bench = Bench::new(OPENING + 5 * SEC, 0);
        let cmds = bench.deliver(&mut open, ME, CROWD, claim(3, 4, OPENING));
        assert_eq!(answer(&cmds), Decision::Confirmed);
    }

    /// Crashed: the connection is refused (to the gateway, which retries; to a
    /// browser, an error). Hung: nothing at all, not even a stamp. Slow ×5: the reply
    /// waits five times the mean service time. Probes: answered unless hung.
    #[test]
    fn crashed_hung_and_slow_instances() {
        let mut bench = Bench::new(OPENING + 5 * SEC, 0);
        let gw = Addr::new(Layer::Gateway, 0);
        let mut s = Server::new(0, 1, 200, rules(Policy::LocalTimestamp));
        s.behind_gateway();
        bench.deliver(&mut s, ME, ME, Msg::Fault(Mode::Crashed));
        let cmds = bench.deliver(&mut s, ME, gw, claim(1, 4, OPENING));
        assert_eq!(
            sends(&cmds),
            vec![(gw, AnyMsg::Gateway(gateway::Msg::ConnRefused { req: 1 }))]
        );
        assert!(
            observations(&cmds).is_empty(),
            "a crashed process stamps nothing"
        );
        let cmds = bench.deliver(&mut s, ME, gw, Msg::Probe { seq: 7 });
        assert_eq!(
            sends(&cmds),
            vec![(gw, AnyMsg::Gateway(gateway::Msg::ProbeRefused { seq: 7 }))]
        );
        bench.deliver(&mut s, ME, ME, Msg::Fault(Mode::Hung));
        assert!(bench
            .deliver(&mut s, ME, gw, claim(2, 4, OPENING))
            .is_empty());
        assert!(bench
            .deliver(&mut s, ME, gw, Msg::Probe { seq: 8 })
            .is_empty());
        assert_eq!(s.record(4), None);
        bench.deliver(&mut s, ME, ME, Msg::Fault(Mode::Slow { factor: 5 }));
        let cmds = bench.deliver(&mut s, ME, gw, claim(3, 4, OPENING));
        assert!(cmds.iter().any(|c| matches!(
            c,
            crate::kernel::Cmd::Send {
                depart: Depart::Service { mean_ns },
                ..
            } if *mean_ns == 5e6
        )));
        let cmds = bench.deliver(&mut s, ME, gw, Msg::Probe { seq: 9 });
        assert_eq!(
            sends(&cmds),
            vec![(gw, AnyMsg::Gateway(gateway::Msg::ProbeOk { seq: 9 }))]
        );
        // Without a gateway, a browser's connection is refused: an error it sees.
        let mut direct = Server::new(0, 1, 200, rules(Policy::LocalTimestamp));
        bench.deliver(&mut direct, ME, ME, Msg::Fault(Mode::Crashed));
        let cmds = bench.deliver(&mut direct, ME, CROWD, claim(4, 4, OPENING));
        assert_eq!(answer(&cmds), Decision::Refused(Refusal::Unavailable));
        assert_eq!(
            observations(&cmds),
            vec![Obs::Rejected {
                req: 4,
                refusal: Refusal::Unavailable
            }]
        );
    }

    /// Two worker threads, an accept queue of two, one second of patience in the
    /// queue, a constant 1 ms of service: requests 1 and 2 start at once (each reply
    /// leaves after 1 ms, and the worker is freed then), 3 and 4 wait, 5 finds the
    /// queue full and its connection is refused (the gateway tries elsewhere). A freed
    /// worker takes 3; 4 waits out its second and gets a 503, an error of this
    /// instance; a worker freed by a life before a crash frees nothing after it.
    #[test]
    fn a_worker_pools_queue_at_capacity() {
        let mut bench = Bench::new(OPENING + 5 * SEC, 0);
        let gw = Addr::new(Layer::Gateway, 0);
        let mut s = Server::new(0, 1, 200, rules(Policy::LocalTimestamp));
        s.behind_gateway();
        s.with_workers(&Workers {
            threads: 2,
            queue: 2,
            queue_timeout_s: 1.0,
            service: ServiceTime::Constant,
            ..Default::default()
        });
        let replied = |cmds: &[crate::kernel::Cmd], req: ReqId| {
            cmds.iter().any(|c| {
                matches!(c, crate::kernel::Cmd::Send {
                    to,
                    msg: AnyMsg::Gateway(gateway::Msg::Reply { req: r, .. }),
                    depart: Depart::After(MS),
                } if *to == gw && *r == req)
            }) && cmds.contains(&crate::kernel::Cmd::After {
                ns: MS,
                msg: AnyMsg::Server(Msg::Freed { epoch: 0 }),
            })
        };
        for req in [1, 2] {
            let cmds = bench.deliver(&mut s, ME, gw, claim(req, req as SeatId, OPENING));
            assert!(
                replied(&cmds, req),
                "request {req} starts at once: {cmds:?}"
            );
        }
        for req in [3, 4] {
            let cmds = bench.deliver(&mut s, ME, gw, claim(req, req as SeatId, OPENING));
            assert_eq!(
                timers(&cmds),
                vec![(SEC, AnyMsg::Server(Msg::QueueTimeout { req }))],
                "request {req} waits, at most a second"
            );
            assert!(observations(&cmds).is_empty(), "not stamped while waiting");
        }
        let p = s.pool().unwrap();
        assert_eq!((p.busy, p.queued()), (2, 2));
        let cmds = bench.deliver(&mut s, ME, gw, claim(5, 5, OPENING));
        assert_eq!(
            sends(&cmds),
            vec![(gw, AnyMsg::Gateway(gateway::Msg::ConnRefused { req: 5 }))]
        );
        assert_eq!(s.pool().unwrap().refused, 1);
        // 1 ms later a worker is free: request 3 starts, stamped now.
        bench.advance(MS);
        let cmds = bench.deliver(&mut s, ME, ME, Msg::Freed { epoch: 0 });
        assert!(replied(&cmds, 3), "{cmds:?}");
        assert_eq!(observations(&cmds)[0], Obs::Received { req: 3 });
        let p = s.pool().unwrap();
        assert_eq!((p.busy, p.queued()), (2, 1));
        // Request 3's timer finds it gone from the queue: nothing.
        bench.advance(SEC - MS);
        assert!(bench
            .deliver(&mut s, ME, ME, Msg::QueueTimeout { req: 3 })
            .is_empty());
        // Request 4 waited its second: 503.
        let cmds = bench.deliver(&mut s, ME, ME, Msg::QueueTimeout { req: 4 });
        let refusal = Refusal::Unavailable;
        assert_eq!(
            sends(&cmds),
            vec![(
                gw,
                AnyMsg::Gateway(gateway::Msg::Reply {
                    req: 4,
                    decision: Decision::Refused(refusal)
                })
            )]
        );
        assert_eq!(
            observations(&cmds),
            vec![
                Obs::Failed { req: 4, server: 0 },
                Obs::Rejected { req: 4, refusal }
            ]
        );
        assert_eq!(s.pool().unwrap().timed_out, 1);
        // A crash loses the workers and the queue; an older life's worker frees nothing.
        bench.deliver(&mut s, ME, ME, Msg::Fault(Mode::Crashed));
        bench.deliver(&mut s, ME, ME, Msg::Fault(Mode::Up));
        assert!(bench
            .deliver(&mut s, ME, ME, Msg::Freed { epoch: 0 })
            .is_empty());
        let p = s.pool().unwrap();
        assert_eq!((p.busy, p.queued()), (0, 0));
        // The new life's worker takes request 6 at once.
        let cmds = bench.deliver(&mut s, ME, gw, claim(6, 6, OPENING));
        assert!(cmds.contains(&crate::kernel::Cmd::After {
            ns: MS,
            msg: AnyMsg::Server(Msg::Freed { epoch: 2 }),
        }));
    }

    /// The lock inside an instance: claim 2 waits while claim 1 reads and inserts;
    /// when 1 is answered, 2 reads. A claim that finds the seat taken lets go too.
    #[test]
    fn the_instances_lock_lets_one_check_then_insert_at_a_time() {
        let mut bench = Bench::new(OPENING + SEC, 0);
        let mut r = rules(Policy::NoLock);
        r.lock = LockKind::Instance;
        let mut s = Server::new(0, 1, 10, r);
        let read = |req, seat| {
            AnyMsg::Database(database::Msg::Read {
                req,
                seat,
                stamp: OPENING + SEC,
            })
        };
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(1, 1, OPENING));
        assert_eq!(sends(&cmds), vec![(DB, read(1, 1))]);
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(2, 1, OPENING));
        assert!(sends(&cmds).is_empty(), "2 waits for the lock: {cmds:?}");
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(3, 2, OPENING));
        assert!(sends(&cmds).is_empty(), "so does 3");
        let free = Msg::ReadReply {
            req: 1,
            seat: 1,
            stamp: OPENING + SEC,
            newest: NO_REQ,
            newest_stamp: Time(0),
            any_paid: false,
        };
        let cmds = bench.deliver(&mut s, ME, DB, free);
        assert!(matches!(
            sends(&cmds).as_slice(),
            [(DB, AnyMsg::Database(database::Msg::Insert { req: 1, .. }))]
        ));
        let done = Msg::DbReply {
            req: 1,
            decision: Decision::Confirmed,
        };
        let cmds = bench.deliver(&mut s, ME, DB, done);
        assert_eq!(answer(&cmds), Decision::Confirmed);
        assert!(sends(&cmds).contains(&(DB, read(2, 1))), "2's turn");
        // 2 finds seat 1 held by 1: refused, and the lock goes to 3.
        let taken = Msg::ReadReply {
            req: 2,
            seat: 1,
            stamp: OPENING + SEC,
            newest: 1,
            newest_stamp: OPENING + SEC,
            any_paid: false,
        };
        let cmds = bench.deliver(&mut s, ME, DB, taken);
        assert_eq!(answer(&cmds), Decision::Refused(Refusal::Taken));
        assert!(sends(&cmds).contains(&(DB, read(3, 2))), "3's turn");
    }

    #[test]
    fn behind_a_gateway_the_answer_goes_back_through_it() {
        let mut bench = Bench::new(OPENING + 5 * SEC, 0);
        let mut s = Server::new(0, 1, 200, rules(Policy::LocalTimestamp));
        s.behind_gateway();
        let gw = Addr::new(Layer::Gateway, 0);
        let cmds = bench.deliver(&mut s, ME, gw, claim(1, 4, OPENING));
        assert_eq!(
            sends(&cmds),
            vec![(
                gw,
                AnyMsg::Gateway(gateway::Msg::Reply {
                    req: 1,
                    decision: Decision::Confirmed
                })
            )]
        );
    }

    #[test]
    fn a_fast_clock_sells_before_the_opening_and_replicates_to_every_peer() {
        // True time 09:59:50, the clock 15 s fast: it reads 10:00:05, open.
        let mut bench = Bench::new(OPENING - 10 * SEC, 15 * SEC);
        let mut s = Server::new(0, 3, 200, rules(Policy::LocalTimestamp));
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(1, 4, OPENING - 60 * SEC));
        assert_eq!(answer(&cmds), Decision::Confirmed);
        let rec = s.record(4).expect("held");
        assert_eq!((rec.req, rec.stamp, rec.gen), (1, OPENING + 5 * SEC, 1));
        let peers: Vec<u16> = sends(&cmds)
            .into_iter()
            .filter(|(_, m)| matches!(m, AnyMsg::Server(Msg::Replicate { seat: 4, .. })))
            .map(|(to, _)| to.index)
            .collect();
        assert_eq!(peers, vec![1, 2], "to each peer, not itself");
        assert!(observations(&cmds).contains(&Obs::HoldGranted { req: 1 }));
    }

    #[test]
    fn a_token_issued_in_the_future_of_a_slow_clock_is_not_yet_valid() {
        // The token was issued at 10:00:00 (exact clock); the server reads 09:59:50,
        // 10 s before nbf, beyond the 5 s leeway.
        let mut bench = Bench::new(OPENING, -10 * SEC);
        let mut s = Server::new(0, 1, 200, rules(Policy::Unique));
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(3, 0, OPENING));
        assert_eq!(answer(&cmds), Decision::Refused(Refusal::TokenNotYetValid));
        // 4 s slow is within the leeway: the claim goes on to the database.
        let mut bench = Bench::new(OPENING + 10 * SEC, -4 * SEC);
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(4, 0, OPENING + 10 * SEC));
        assert_eq!(
            sends(&cmds),
            vec![(
                DB,
                AnyMsg::Database(database::Msg::Claim {
                    req: 4,
                    seat: 0,
                    stamp: OPENING + 6 * SEC
                })
            )],
            "stamped by the server's clock"
        );
    }

    #[test]
    fn an_earlier_stamp_from_a_peer_takes_the_seat_back() {
        let mut bench = Bench::new(OPENING + 10 * SEC, 0);
        let mut s = Server::new(0, 2, 10, rules(Policy::LocalTimestamp));
        bench.deliver(&mut s, ME, CROWD, claim(1, 2, OPENING));
        // A peer granted the same seat to request 2, stamped one second earlier.
        let theirs = Record {
            gen: 1,
            req: 2,
            stamp: OPENING + 9 * SEC,
            server: 1,
            paid: false,
            released: false,
            order: Order::of_time(OPENING + 9 * SEC),
        };
        bench.advance(200 * MS);
        let peer = Addr::new(Layer::Server, 1);
        let cmds = bench.deliver(
            &mut s,
            ME,
            peer,
            Msg::Replicate {
                seat: 2,
                rec: theirs,
            },
        );
        assert_eq!(s.record(2), Some(theirs));
        assert_eq!(
            observations(&cmds),
            vec![Obs::Revoked {
                claim: 1,
                by: 0,
                stamp: OPENING + 10 * SEC + 200 * MS,
                handed_over: true
            }]
        );
        assert!(sends(&cmds).is_empty(), "a merge sends nothing");
    }

    #[test]
    fn a_hold_expires_by_the_judging_servers_clock() {
        let mut bench = Bench::new(OPENING + 10 * SEC, 0);
        let mut s = Server::new(0, 1, 10, rules(Policy::LocalTimestamp));
        bench.deliver(&mut s, ME, CROWD, claim(1, 2, OPENING));
        // 299 s later: still held, so a second claim is refused.
        bench.advance(299 * SEC);
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(2, 2, OPENING + 299 * SEC));
        assert_eq!(answer(&cmds), Decision::Refused(Refusal::Taken));
        assert!(observations(&cmds).contains(&Obs::ExpiryJudged {
            claim: 1,
            judge: 2,
            expired: false
        }));
        // Just past 300 s by this clock: released, and the seat goes to the new claim.
        bench.advance(SEC + 1);
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(3, 2, OPENING + 300 * SEC));
        assert_eq!(answer(&cmds), Decision::Confirmed);
        let obs = observations(&cmds);
        assert!(obs.contains(&Obs::Released {
            claim: 1,
            by: 0,
            stamp: OPENING + 310 * SEC + 1
        }));
        assert_eq!(
            s.record(2).map(|r| (r.req, r.gen)),
            Some((3, 2)),
            "a new generation"
        );
    }

    #[test]
    fn under_no_lock_a_free_read_inserts_after_the_race_window() {
        let mut bench = Bench::new(OPENING + SEC, 0);
        let mut s = Server::new(0, 2, 10, rules(Policy::NoLock));
        let cmds = bench.deliver(&mut s, ME, CROWD, claim(5, 1, OPENING));
        assert_eq!(
            sends(&cmds),
            vec![(
                DB,
                AnyMsg::Database(database::Msg::Read {
                    req: 5,
                    seat: 1,
                    stamp: OPENING + SEC
                })
            )]
        );
        bench.advance(MS);
        let reply = Msg::ReadReply {
            req: 5,
            seat: 1,
            stamp: OPENING + SEC,
            newest: NO_REQ,
            newest_stamp: Time(0),
            any_paid: false,
        };
        let cmds = bench.deliver(&mut s, ME, DB, reply);
        assert!(matches!(
            cmds.as_slice(),
            [crate::kernel::Cmd::Send {
                to: DB,
                msg: AnyMsg::Database(database::Msg::Insert { req: 5, .. }),
                depart: Depart::After(d),
            }] if *d == 40 * MS
        ));
    }
}
