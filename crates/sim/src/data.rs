//! The data path (seeds 002 and 004): a primary database and its replicas, a proxy
//! in front of them on each reservation server, and the control that promotes a
//! replica when the primary is lost (an operator, or a leader lease in a consensus
//! store as Patroni keeps one). Off by default: then the servers use the one database
//! of [`crate::database`], which never fails.
//!
//! - **The primary** ([`DbNode`]) executes every write (`unique`'s claim, `no-lock`'s
//!   insert, a payment) and appends it to its log. A hold's age is judged by the
//!   primary's own clock (`now()` when the row was inserted, `now()` when a claim or a
//!   payment finds it): a promoted replica with another clock expires holds early or
//!   late.
//! - **Replicas** apply the primary's log after a replication delay (fixed plus an
//!   exponential part); the first can be synchronous (the primary confirms a write
//!   only once that replica has it). Reads (`no-lock`'s availability check) and the
//!   customers' seat maps can come from the first replica, stale by its lag. Each
//!   replica reports its lag as PostgreSQL does: its own clock now minus the primary's
//!   clock at the commit (two clocks).
//! - **The proxy** of each server ([`Proxy`]) sends writes to the node it takes for
//!   the primary and checks it every `check_interval_s` (`fall` failures in a row:
//!   down, writes refused at once; `rise` successes: up). With `failover: manual`, a
//!   proxy that marks the primary down pages the operator, who promotes the first
//!   replica after `operator_delay_s` and repoints every proxy. With `auto`, each
//!   proxy checks every node and follows whichever says it is the primary.
//! - **The control** ([`Control`]) is the operator (`manual`) or the consensus store
//!   holding the leader key (`auto`): the leader writes its clock's reading into the
//!   key every `loop_wait_s`; a replica reads it every `loop_wait_s` and, when its
//!   own clock says the reading is older than `ttl_s`, writes itself as leader (a
//!   compare-and-set on the key's version) and promotes itself. A primary whose write
//!   fails demotes itself; with `fencing`, so does one whose own clock says its lease
//!   would end before its next loop. Without fencing, a primary cut off keeps taking
//!   writes: two primaries.
//!
//! Simplifications (docs/MODEL.md, "The data path"): the other replicas are not
//! re-attached to a promoted primary; a demoted primary stays out (no rewind); the
//! `no-lock` audit does not run on the data path.

pub mod config;

use crate::clock::{Clock, ClockConfig};
use crate::config::Config;
use crate::hall::SeatId;
use crate::host::{Host, HostId};
use crate::kernel::{Build, Cx, Ev, Kernel, Node, Route};
use crate::log::Refusal;
use crate::msg::cache::ReadersMsg;
pub use crate::msg::data::{ControlMsg, Entry, Msg, ProxyMsg, RowState};
use crate::msg::{database, server, Addr, Layer};
use crate::net::{Jitter, LinkConfig, Way};
use crate::obs::{Decision, Obs};
use crate::rng::Rng;
use crate::time::{ms_to_nanos, secs_to_nanos, Time};
use crate::world::{ReqId, NO_REQ};
pub use config::{DataConfig, Failover, ReadFrom};

/// "No node" in a node index.
pub const NO_NODE: u8 = u8::MAX;

/// One hold row.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Row {
    seat: SeatId,
    /// The primary's clock when it was inserted.
    at: Time,
    state: RowState,
}

/// The rows a database node holds.
///
/// Kept apart from [`crate::database::Database`]'s rows on purpose. There, a hold's age
/// is judged by the *server's* clock (the claim's stamp against the stamp of the server
/// that asks: the clock lesson of every run without the data path), rows change in
/// place, and the store also carries the `no-lock` global lock, the idempotency keys,
/// retry aliases and the audit. Here a hold's age is judged by the *node's own* clock
/// (`now()`), and every change is a log entry that replicas apply later, in order, so a
/// replica's rows are a past state of the primary's. Sharing one store would either make
/// `Database` log its writes (a different order of events and observations in the
/// pinned `unique` and `no-lock` runs: their trace hashes would move) or give this store
/// a mode that judges by the asker's clock, which no node of the data path uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    /// Per seat, the claims with an active row (pruned lazily).
    seats: Vec<Vec<ReqId>>,
    /// Per claim id, its row.
    rows: Vec<Option<Row>>,
}

impl Store {
    /// An empty store for `seats` seats.
    pub fn new(seats: usize) -> Store {
        Store {
            seats: vec![Vec::new(); seats],
            rows: Vec::new(),
        }
    }

    fn row(&self, req: ReqId) -> Option<Row> {
        self.rows.get(req as usize).copied().flatten()
    }

    /// Claim `req`'s row state, if it has a row.
    pub fn state(&self, req: ReqId) -> Option<RowState> {
        self.row(req).map(|r| r.state)
    }

    /// Whether `seat` has an active row (held or sold).
    pub fn held(&self, seat: SeatId) -> bool {
        self.seats[seat as usize]
            .iter()
            .any(|&q| self.row(q).is_some_and(|r| r.state != RowState::Expired))
    }

    /// Applies one log entry; returns the seat it touched and whether that seat's
    /// occupancy changed.
    pub fn apply(&mut self, e: Entry) -> (SeatId, bool) {
        match e {
            Entry::Insert { req, seat, at } => {
                let before = self.held(seat);
                if self.rows.len() <= req as usize {
                    self.rows.resize(req as usize + 1, None);
                }
                self.rows[req as usize] = Some(Row {
                    seat,
                    at,
                    state: RowState::Held,
                });
                self.seats[seat as usize].push(req);
                (seat, !before)
            }
            Entry::Set { req, state } => {
                let Some(Some(r)) = self.rows.get_mut(req as usize) else {
                    return (0, false);
                };
                let seat = r.seat;
                let before = self.held(seat);
                if let Some(Some(r)) = self.rows.get_mut(req as usize) {
                    r.state = state;
                }
                (seat, before != self.held(seat))
            }
        }
    }

    /// The seat's active rows: the newest (by the primary's clock), and whether one is sold.
    fn active(&mut self, seat: SeatId) -> (Option<(ReqId, Time)>, bool) {
        let rows = &self.rows;
        let list = &mut self.seats[seat as usize];
        let row = |q: ReqId| rows[q as usize].expect("a listed claim has a row");
        list.retain(|&q| row(q).state != RowState::Expired);
        let newest = list
            .iter()
            .map(|&q| (row(q).at, q))
            .max()
            .map(|(at, q)| (q, at));
        let paid = list.iter().any(|&q| row(q).state == RowState::Paid);
        (newest, paid)
    }
}

/// What a database node is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Takes writes.
    Primary,
    /// Applies its upstream's log; answers reads.
    Replica,
    /// Was primary, stopped (its lease lost or taken): answers reads, refuses writes.
    Demoted,
    /// Down.
    Crashed,
}

/// The leader lease as one node sees it (`auto`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Lease {
    ttl: i64,
    loop_wait: i64,
    fencing: bool,
    /// The key's version last seen.
    version: u32,
    /// When this node, as leader, last sent a renewal (its clock).
    renewing: Time,
    /// Until when this node holds the lease by its own clock (leader only).
    until: Option<Time>,
    /// The leader the key named when this node took over.
    leader: u8,
}

/// The rules a database node applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DbRules {
    /// Hold time-to-live, ns.
    pub ttl: i64,
    /// Replication delay: fixed part, ns.
    pub lag: i64,
    /// Replication delay: mean of the exponential part, ns.
    pub lag_jitter: i64,
    /// The synchronous replica, if any.
    pub sync: Option<u8>,
}

/// A database node: the primary or a replica.
#[derive(Clone, Debug)]
pub struct DbNode {
    id: u8,
    role: Role,
    rules: DbRules,
    store: Store,
    /// Its log: every entry it wrote or applied, in order (position = index + 1).
    log: Vec<Entry>,
    /// Entries arrived ahead of their turn.
    ahead: Vec<(u32, Entry)>,
    /// The node it replicates from (a replica).
    upstream: Option<u8>,
    /// The nodes it ships its log to (the primary).
    downstream: Vec<u8>,
    /// Writes waiting for the synchronous replica: (position, server, request,
    /// decision, what to record once it is confirmed).
    waiting: Vec<(u32, u8, ReqId, Decision, Option<Obs>)>,
    /// Whether the customers' seat maps come from it.
    serves_maps: bool,
    lease: Option<Lease>,
    /// Reported lag (its clock minus the primary's at commit), ns: sum, count, max.
    lag_sum: i128,
    lag_count: u64,
    lag_max: i64,
    /// The cache readers' queries, if the cache is on.
    queries: Option<Queries>,
}

/// The cache readers' queries on one database node: at most `slots` at once, each
/// taking `query_ns` of work; the others wait their turn, and one that waited more
/// than `timeout` (by the node's clock) fails.
#[derive(Clone, Debug, PartialEq)]
struct Queries {
    slots: u32,
    query_ns: i64,
    timeout: i64,
    busy: u32,
    /// Waiting: (reader, seat, arrival by the node's clock).
    queue: std::collections::VecDeque<(u32, SeatId, Time)>,
}

/// The cache readers' address.
const READERS: Addr = Addr::new(Layer::CacheReaders, 0);

impl DbNode {
    /// Node `id` (0 is the first primary) of `nodes`; the primary ships to every other.
    pub fn new(id: u8, nodes: u8, seats: usize, rules: DbRules) -> DbNode {
        DbNode {
            id,
            role: if id == 0 {
                Role::Primary
            } else {
                Role::Replica
            },
            rules,
            store: Store::new(seats),
            log: Vec::new(),
            ahead: Vec::new(),
            upstream: (id != 0).then_some(0),
            downstream: if id == 0 {
                (1..nodes).collect()
            } else {
                Vec::new()
            },
            waiting: Vec::new(),
            serves_maps: false,
            lease: None,
            lag_sum: 0,
            lag_count: 0,
            lag_max: 0,
            queries: None,
        }
    }

    /// Answers the cache readers' queries: `slots` at once, each taking `query_ns`;
    /// one that waited more than `timeout_ns` for its turn fails (0: never).
    pub fn with_queries(mut self, slots: u32, query_ns: i64, timeout_ns: i64) -> DbNode {
        self.queries = Some(Queries {
            slots: slots.max(1),
            query_ns,
            timeout: timeout_ns,
            busy: 0,
            queue: Default::default(),
        });
        self
    }

    /// The readers' queries running and waiting now.
    pub fn query_load(&self) -> (u32, usize) {
        self.queries
            .as_ref()
            .map_or((0, 0), |q| (q.busy, q.queue.len()))
    }

    /// A reader's query arrives: it runs if a slot is free, or waits its turn.
    fn on_query(&mut self, reader: u32, seat: SeatId, cx: &mut Cx<'_>) {
        let now = cx.local();
        let Some(q) = &mut self.queries else { return };
        let queued = q.queue.len() as u32;
        if q.busy < q.slots {
            q.busy += 1;
            cx.after(q.query_ns, Msg::QueryDone { reader, seat });
        } else {
            q.queue.push_back((reader, seat, now));
        }
        cx.observe(Obs::DbQueried { queued });
    }

    /// A query is done: its answer (the seat as this node's rows have it now) leaves,
    /// and the oldest waiting query still in time takes the slot; those that waited
    /// too long fail.
    fn on_query_done(&mut self, reader: u32, seat: SeatId, cx: &mut Cx<'_>) {
        let held = self.store.held(seat);
        let ok = true;
        cx.send(READERS, ReadersMsg::Row { reader, held, ok });
        let now = cx.local();
        let Some(q) = &mut self.queries else { return };
        q.busy = q.busy.saturating_sub(1);
        while let Some((r, s, at)) = q.queue.pop_front() {
            if q.timeout > 0 && now - at > q.timeout {
                let row = ReadersMsg::Row {
                    reader: r,
                    held: false,
                    ok: false,
                };
                cx.send(READERS, row);
                continue;
            }
            q.busy += 1;
            cx.after(q.query_ns, Msg::QueryDone { reader: r, seat: s });
            break;
        }
    }

    /// Takes part in the leader lease (`auto`): `ttl` and `loop_wait` in ns.
    pub fn with_lease(mut self, ttl: i64, loop_wait: i64, fencing: bool) -> DbNode {
        self.lease = Some(Lease {
            ttl,
            loop_wait,
            fencing,
            version: 0,
            renewing: Time(0),
            until: None,
            leader: NO_NODE,
        });
        self
    }

    /// The customers' seat maps come from this node.
    pub fn serving_maps(mut self) -> DbNode {
        self.serves_maps = true;
        self
    }

    /// What it is now.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Its rows.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// How many log entries it has (written or applied).
    pub fn applied(&self) -> u32 {
        self.log.len() as u32
    }

    /// Its lag as it reports it (its clock minus the primary's at commit), ns: mean and max.
    pub fn reported_lag(&self) -> Option<(f64, i64)> {
        (self.lag_count > 0).then(|| (self.lag_sum as f64 / self.lag_count as f64, self.lag_max))
    }

    /// Until when it holds the lease by its own clock (`auto`, leader).
    pub fn lease_until(&self) -> Option<Time> {
        self.lease.and_then(|l| l.until)
    }

    /// The primary writes an entry: its log, its rows, and a copy for each replica
    /// after the replication delay. Returns its position.
    fn write(&mut self, entry: Entry, cx: &mut Cx<'_>) -> u32 {
        self.log.push(entry);
        self.store.apply(entry);
        let lsn = self.log.len() as u32;
        if !self.downstream.is_empty() {
            let extra = if self.rules.lag_jitter > 0 {
                cx.rng().exp(self.rules.lag_jitter as f64) as i64
            } else {
                0
            };
            cx.wake_in(self.rules.lag + extra, Msg::WalSend { lsn });
        }
        lsn
    }

    /// The replication delay of entry `lsn` is over: it leaves for every replica.
    fn wal_send(&mut self, lsn: u32, cx: &mut Cx<'_>) {
        if self.role != Role::Primary {
            return;
        }
        let Some(&entry) = self.log.get(lsn as usize - 1) else {
            return;
        };
        for &r in &self.downstream {
            cx.send(Addr::new(Layer::Data, r as u16), Msg::ship(lsn, entry));
        }
    }

    /// Answers a statement, now or once the synchronous replica has position `lsn`;
    /// `done` (a hold granted, a seat paid) is recorded when the answer leaves.
    fn reply(
        &mut self,
        server: u8,
        req: ReqId,
        decision: Decision,
        lsn: u32,
        done: Option<Obs>,
        cx: &mut Cx<'_>,
    ) {
        let sync = self
            .rules
            .sync
            .is_some_and(|s| self.downstream.contains(&s));
        if sync && lsn > 0 {
            self.waiting.push((lsn, server, req, decision, done));
        } else {
            if let Some(o) = done {
                cx.observe(o);
            }
            let to = Addr::new(Layer::Server, server as u16);
            cx.send(to, server::Msg::DbReply { req, decision });
        }
    }

    fn judge_expired(
        &self,
        claim: ReqId,
        at: Time,
        now: Time,
        judge: ReqId,
        cx: &mut Cx<'_>,
    ) -> bool {
        let expired = now - at > self.rules.ttl;
        cx.observe(Obs::ExpiryJudged {
            claim,
            judge,
            expired,
        });
        expired
    }

    /// Releases the seat's unpaid rows older than the time-to-live by this node's
    /// clock; returns the last position written (0: none).
    fn release_expired(&mut self, seat: SeatId, now: Time, by: u8, cx: &mut Cx<'_>) -> u32 {
        let mut lsn = 0;
        for i in 0..self.store.seats[seat as usize].len() {
            let q = self.store.seats[seat as usize][i];
            let row = self.store.row(q).expect("a listed claim has a row");
            if row.state == RowState::Held && now - row.at > self.rules.ttl {
                lsn = self.release(q, by, cx);
            }
        }
        lsn
    }

    fn release(&mut self, claim: ReqId, by: u8, cx: &mut Cx<'_>) -> u32 {
        let lsn = self.write(
            Entry::Set {
                req: claim,
                state: RowState::Expired,
            },
            cx,
        );
        let stamp = cx.local();
        cx.observe(Obs::Released { claim, by, stamp });
        lsn
    }

    fn insert(&mut self, req: ReqId, seat: SeatId, now: Time, cx: &mut Cx<'_>) -> u32 {
        let lsn = self.write(Entry::Insert { req, seat, at: now }, cx);
        cx.observe(Obs::Committed { req, lsn });
        lsn
    }

    fn on_sql(&mut self, server: u8, m: database::Msg, cx: &mut Cx<'_>) {
        let to = Addr::new(Layer::Server, server as u16);
        if let database::Msg::Read { req, seat, stamp } = m {
            // Any node answers a read, from its own rows.
            let (newest, any_paid) = self.store.active(seat);
            cx.observe(Obs::DataRead {
                req,
                seat,
                held: newest.is_some(),
            });
            cx.send(
                to,
                server::Msg::ReadReply {
                    req,
                    seat,
                    stamp,
                    newest: newest.map_or(NO_REQ, |n| n.0),
                    newest_stamp: newest.map_or(Time(0), |n| n.1),
                    any_paid,
                },
            );
            return;
        }
        if self.role != Role::Primary {
            // A read-only node refuses writes.
            let req = match m {
                database::Msg::Claim { req, .. }
                | database::Msg::ClaimKeyed { req, .. }
                | database::Msg::Insert { req, .. }
                | database::Msg::Pay { req, .. }
                | database::Msg::Read { req, .. } => req,
                // The config keeps the global lock off the data path.
                database::Msg::Audit
                | database::Msg::Lock { .. }
                | database::Msg::Unlock { .. } => return,
            };
            let decision = Decision::Refused(Refusal::Unavailable);
            cx.send(to, server::Msg::DbReply { req, decision });
            return;
        }
        let now = cx.local();
        match m {
            database::Msg::Claim { req, seat, .. } => {
                let (newest, any_paid) = self.store.active(seat);
                let taken = any_paid
                    || newest.is_some_and(|(q, at)| !self.judge_expired(q, at, now, req, cx));
                if taken {
                    cx.observe(Obs::FoundTaken { req });
                    self.reply(server, req, Decision::Refused(Refusal::Taken), 0, None, cx);
                } else {
                    self.release_expired(seat, now, server, cx);
                    let lsn = self.insert(req, seat, now, cx);
                    let granted = Some(Obs::HoldGranted { req });
                    self.reply(server, req, Decision::Confirmed, lsn, granted, cx);
                }
            }
            database::Msg::Insert { req, seat, .. } => {
                // No lock: whatever happened since the read, insert.
                self.store.active(seat);
                self.release_expired(seat, now, server, cx);
                let lsn = self.insert(req, seat, now, cx);
                let granted = Some(Obs::HoldGranted { req });
                self.reply(server, req, Decision::Confirmed, lsn, granted, cx);
            }
            database::Msg::Pay { req, claim, .. } => {
                let mut done = None;
                let (decision, lsn) = match self.store.row(claim) {
                    Some(Row {
                        state: RowState::Paid,
                        ..
                    }) => (Decision::Confirmed, 0),
                    Some(Row {
                        state: RowState::Held,
                        at,
                        ..
                    }) => {
                        if self.judge_expired(claim, at, now, req, cx) {
                            let lsn = self.release(claim, server, cx);
                            (Decision::Refused(Refusal::HoldExpired), lsn)
                        } else {
                            let lsn = self.write(
                                Entry::Set {
                                    req: claim,
                                    state: RowState::Paid,
                                },
                                cx,
                            );
                            done = Some(Obs::Paid { claim, pay: req });
                            (Decision::Confirmed, lsn)
                        }
                    }
                    Some(Row {
                        state: RowState::Expired,
                        ..
                    }) => (Decision::Refused(Refusal::HoldExpired), 0),
                    None => (Decision::Refused(Refusal::HoldLost), 0),
                };
                self.reply(server, req, decision, lsn, done, cx);
            }
            database::Msg::Read { .. } | database::Msg::Audit => {}
            // Not on the data path: the config refuses the global lock and idempotency
            // keys with it.
            database::Msg::ClaimKeyed { .. }
            | database::Msg::Lock { .. }
            | database::Msg::Unlock { .. } => {}
        }
    }

    /// A replica receives entry `lsn` from `from`: applies it and every entry it
    /// unblocks, in order.
    fn on_ship(&mut self, from: Addr, lsn: u32, entry: Entry, cx: &mut Cx<'_>) {
        if self.role != Role::Replica || self.upstream != Some(from.index as u8) {
            return;
        }
        let next = self.log.len() as u32 + 1;
        if lsn < next {
            return;
        }
        if lsn > next {
            let at = self.ahead.partition_point(|&(l, _)| l < lsn);
            self.ahead.insert(at, (lsn, entry));
            return;
        }
        self.apply(entry, cx);
        while self
            .ahead
            .first()
            .is_some_and(|&(l, _)| l == self.log.len() as u32 + 1)
        {
            let (_, e) = self.ahead.remove(0);
            self.apply(e, cx);
        }
        if self.rules.sync == Some(self.id) {
            let lsn = self.log.len() as u32;
            cx.send(from, Msg::Ack { lsn });
        }
    }

    fn apply(&mut self, entry: Entry, cx: &mut Cx<'_>) {
        self.log.push(entry);
        let (seat, changed) = self.store.apply(entry);
        if let Entry::Insert { at, .. } = entry {
            let lag = cx.local() - at;
            self.lag_sum += lag as i128;
            self.lag_count += 1;
            self.lag_max = self.lag_max.max(lag);
        }
        if self.serves_maps && changed {
            let held = self.store.held(seat);
            cx.observe(Obs::MapApplied { seat, held });
        }
    }

    fn on_ack(&mut self, lsn: u32, cx: &mut Cx<'_>) {
        let mut i = 0;
        while i < self.waiting.len() {
            let (l, server, req, decision, done) = self.waiting[i];
            if l <= lsn {
                self.waiting.remove(i);
                if let Some(o) = done {
                    cx.observe(o);
                }
                let to = Addr::new(Layer::Server, server as u16);
                cx.send(to, server::Msg::DbReply { req, decision });
            } else {
                i += 1;
            }
        }
    }

    /// Becomes the primary: it ships nothing (the other replicas are not re-attached)
    /// and confirms without waiting.
    fn promote(&mut self, old: u8, cx: &mut Cx<'_>) {
        self.role = Role::Primary;
        self.upstream = None;
        self.ahead.clear();
        self.downstream.clear();
        cx.observe(Obs::Promoted {
            old,
            applied: self.log.len() as u32,
        });
    }

    fn demote(&mut self, cx: &mut Cx<'_>) {
        self.role = Role::Demoted;
        self.waiting.clear();
        if let Some(l) = &mut self.lease {
            l.until = None;
        }
        cx.observe(Obs::Demoted {
            lsn: self.log.len() as u32,
        });
    }

    fn on_loop(&mut self, cx: &mut Cx<'_>) {
        let Some(lease) = self.lease else { return };
        let now = cx.local();
        match self.role {
            Role::Primary => {
                if lease.fencing && lease.until.is_some_and(|u| now + lease.loop_wait >= u) {
                    // Its own clock says the lease would be over before its next loop
                    // could renew it: it stops taking writes.
                    self.demote(cx);
                } else {
                    if let Some(l) = &mut self.lease {
                        l.renewing = now;
                    }
                    cx.send_background(
                        CONTROL,
                        ControlMsg::Write {
                            renewed: now,
                            expect: lease.version,
                        },
                    );
                }
            }
            Role::Replica => cx.send_background(CONTROL, ControlMsg::Read),
            Role::Demoted | Role::Crashed => return,
        }
        cx.wake_in_background(lease.loop_wait, Msg::Loop);
    }

    fn on_key(&mut self, leader: u8, renewed: Time, version: u32, cx: &mut Cx<'_>) {
        let Some(lease) = &mut self.lease else { return };
        lease.version = version;
        if self.role != Role::Replica || leader == NO_NODE || leader == self.id {
            return;
        }
        let now = cx.local();
        // The leader's reading against this node's clock: two clocks.
        if now - renewed > lease.ttl {
            lease.renewing = now;
            lease.leader = leader;
            cx.send_background(
                CONTROL,
                ControlMsg::Write {
                    renewed: now,
                    expect: version,
                },
            );
        }
    }

    fn on_written(&mut self, ok: bool, version: u32, cx: &mut Cx<'_>) {
        let Some(lease) = &mut self.lease else { return };
        lease.version = version;
        if !ok {
            if self.role == Role::Primary {
                // Someone else holds the key: step down.
                self.demote(cx);
            }
            return;
        }
        lease.until = Some(lease.renewing + lease.ttl);
        if self.role == Role::Replica {
            let old = lease.leader;
            self.promote(old, cx);
        }
    }

    fn crash(&mut self, cx: &mut Cx<'_>) {
        if self.role == Role::Crashed {
            return;
        }
        cx.observe(Obs::DataCrashed {
            primary: self.role == Role::Primary,
        });
        self.role = Role::Crashed;
        self.waiting.clear();
    }
}

/// The control's address.
const CONTROL: Addr = Addr::new(Layer::DataControl, 0);

impl Node for DbNode {
    type Msg = Msg;

    fn on_msg(&mut self, from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        if self.role == Role::Crashed {
            return;
        }
        match msg {
            Msg::Sql(m) => self.on_sql(from.index as u8, m, cx),
            Msg::Ship { lsn, entry } => self.on_ship(from, lsn, *entry, cx),
            Msg::WalSend { lsn } => self.wal_send(lsn, cx),
            Msg::Ack { lsn } => self.on_ack(lsn, cx),
            Msg::Probe { seq } => cx.send_background(
                from,
                ProxyMsg::Health {
                    seq,
                    primary: self.role == Role::Primary,
                },
            ),
            Msg::Promote => {
                if self.role == Role::Replica {
                    let old = self.upstream.unwrap_or(NO_NODE);
                    self.promote(old, cx);
                    cx.send(CONTROL, ControlMsg::Promoted { node: self.id });
                }
            }
            Msg::Loop => self.on_loop(cx),
            Msg::Key {
                leader,
                renewed,
                version,
            } => self.on_key(leader, renewed, version, cx),
            Msg::Written { ok, version } => self.on_written(ok, version, cx),
            Msg::Crash => self.crash(cx),
            Msg::Fence => {
                if self.role == Role::Primary {
                    self.demote(cx);
                }
            }
            Msg::Query { reader, seat } => self.on_query(reader, seat, cx),
            Msg::QueryDone { reader, seat } => self.on_query_done(reader, seat, cx),
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        if self.lease.is_some() {
            if self.role == Role::Primary {
                // The first leader takes the key at once.
                self.on_loop(cx);
            } else {
                let wait = self.lease.map_or(0, |l| l.loop_wait);
                cx.wake_in_background(wait, Msg::Loop);
            }
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let role = match self.role {
            Role::Primary => 0.0,
            Role::Replica => 1.0,
            Role::Demoted => 2.0,
            Role::Crashed => 3.0,
        };
        let lag = self.reported_lag().map_or(0.0, |(m, _)| m / 1e6);
        vec![
            ("role", role),
            ("applied", self.log.len() as f64),
            ("lag_ms", lag),
        ]
    }
}

/// One node as a proxy checks it.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
struct Check {
    /// The last check answered.
    answered: u32,
    fails: u32,
    passes: u32,
    up: bool,
}

/// A reservation server's proxy to the database nodes (as HAProxy beside each app server).
#[derive(Clone, Debug)]
pub struct Proxy {
    server: u8,
    failover: Failover,
    /// Where writes go.
    target: u8,
    /// Where reads go (the first replica), if not the primary.
    reader: Option<u8>,
    interval: i64,
    fall: u32,
    rise: u32,
    seq: u32,
    checks: Vec<Check>,
    paged: bool,
    /// Statements refused because no primary was up.
    refused: u64,
}

impl Proxy {
    /// Server `server`'s proxy to `nodes` database nodes, node 0 the primary.
    pub fn new(server: u8, nodes: u8, cfg: &DataConfig) -> Proxy {
        let mut checks = vec![Check::default(); nodes as usize];
        checks[0].up = true;
        Proxy {
            server,
            failover: cfg.failover,
            target: 0,
            reader: (cfg.reads == ReadFrom::Replica && nodes > 1).then_some(1),
            interval: secs_to_nanos(cfg.check_interval_s),
            fall: cfg.fall,
            rise: cfg.rise,
            seq: 0,
            checks,
            paged: false,
            refused: 0,
        }
    }

    /// The node it sends writes to, and whether it takes it for up.
    pub fn target(&self) -> (u8, bool) {
        (self.target, self.checks[self.target as usize].up)
    }

    /// Statements it refused because no primary was up.
    pub fn refused(&self) -> u64 {
        self.refused
    }

    /// The nodes it checks: every node (`auto`), or only its primary.
    fn checked(&self) -> Vec<u8> {
        if self.failover == Failover::Auto {
            (0..self.checks.len() as u8).collect()
        } else {
            vec![self.target]
        }
    }

    fn on_sql(&mut self, m: database::Msg, cx: &mut Cx<'_>) {
        let (req, read) = match m {
            database::Msg::Read { req, .. } => (req, true),
            database::Msg::Claim { req, .. }
            | database::Msg::ClaimKeyed { req, .. }
            | database::Msg::Insert { req, .. }
            | database::Msg::Pay { req, .. } => (req, false),
            // The config keeps the global lock off the data path.
            database::Msg::Audit | database::Msg::Lock { .. } | database::Msg::Unlock { .. } => {
                return
            }
        };
        let node = match self.reader {
            Some(r) if read && r != self.target => r,
            _ => self.target,
        };
        if node == self.target && !self.checks[node as usize].up {
            self.refused += 1;
            let decision = Decision::Refused(Refusal::Unavailable);
            let to = Addr::new(Layer::Server, self.server as u16);
            cx.send(to, server::Msg::DbReply { req, decision });
            return;
        }
        cx.send(Addr::new(Layer::Data, node as u16), Msg::Sql(m));
    }

    fn on_check(&mut self, cx: &mut Cx<'_>) {
        // Checks sent last time and not answered are failures.
        for n in self.checked() {
            let c = &mut self.checks[n as usize];
            if self.seq > 0 && c.answered < self.seq {
                c.passes = 0;
                c.fails += 1;
                if c.up && c.fails >= self.fall {
                    c.up = false;
                }
            }
        }
        self.follow(cx);
        self.seq += 1;
        for n in self.checked() {
            let to = Addr::new(Layer::Data, n as u16);
            cx.send_background(to, Msg::Probe { seq: self.seq });
        }
        cx.wake_in_background(self.interval, ProxyMsg::Check);
    }

    fn on_health(&mut self, from: Addr, seq: u32, primary: bool, cx: &mut Cx<'_>) {
        let Some(c) = self.checks.get_mut(from.index as usize) else {
            return;
        };
        if seq != self.seq || c.answered == seq {
            return;
        }
        c.answered = seq;
        // `auto`: only the primary passes (Patroni's `/primary` answers 503 elsewhere).
        if self.failover == Failover::Auto && !primary {
            c.passes = 0;
            c.fails += 1;
            if c.up && c.fails >= self.fall {
                c.up = false;
            }
        } else {
            c.fails = 0;
            c.passes += 1;
            if !c.up && c.passes >= self.rise {
                c.up = true;
            }
        }
        self.follow(cx);
    }

    /// `manual`: pages the operator once the primary is down. `auto`: follows the
    /// node that is up as primary, if the current one is not.
    fn follow(&mut self, cx: &mut Cx<'_>) {
        let down = !self.checks[self.target as usize].up;
        match self.failover {
            Failover::Manual if down && !self.paged => {
                self.paged = true;
                cx.send(CONTROL, ControlMsg::Page { node: self.target });
            }
            Failover::Auto if down => {
                if let Some(n) = self.checks.iter().position(|c| c.up) {
                    self.target = n as u8;
                }
            }
            _ => {}
        }
    }
}

impl Node for Proxy {
    type Msg = ProxyMsg;

    fn on_msg(&mut self, from: Addr, msg: ProxyMsg, cx: &mut Cx<'_>) {
        match msg {
            ProxyMsg::Sql(m) => self.on_sql(m, cx),
            ProxyMsg::Check => self.on_check(cx),
            ProxyMsg::Health { seq, primary } => self.on_health(from, seq, primary, cx),
            ProxyMsg::Repoint { primary } => {
                self.target = primary;
                self.paged = false;
                let c = &mut self.checks[primary as usize];
                *c = Check {
                    answered: self.seq,
                    up: true,
                    ..Check::default()
                };
            }
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        cx.wake_in_background(0, ProxyMsg::Check);
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("primary", self.target as f64 + 1.0),
            ("up", self.checks[self.target as usize].up as u8 as f64),
            ("refused", self.refused as f64),
        ]
    }
}

/// The control: the operator (`manual`) or the consensus store with the leader key (`auto`).
#[derive(Clone, Debug)]
pub struct Control {
    failover: Failover,
    operator_delay: i64,
    proxies: u16,
    paged: bool,
    /// The leader key: its leader, its renewal (the leader's clock), its version.
    leader: u8,
    renewed: Time,
    version: u32,
}

impl Control {
    /// The control of a run with `proxies` proxies.
    pub fn new(cfg: &DataConfig, proxies: u16) -> Control {
        Control {
            failover: cfg.failover,
            operator_delay: secs_to_nanos(cfg.operator_delay_s),
            proxies,
            paged: false,
            leader: NO_NODE,
            renewed: Time(0),
            version: 0,
        }
    }

    /// The leader key: leader (or [`NO_NODE`]), its renewal by the leader's clock, version.
    pub fn key(&self) -> (u8, Time, u32) {
        (self.leader, self.renewed, self.version)
    }
}

impl Node for Control {
    type Msg = ControlMsg;

    fn on_msg(&mut self, from: Addr, msg: ControlMsg, cx: &mut Cx<'_>) {
        match msg {
            ControlMsg::Page { .. } if self.failover == Failover::Manual && !self.paged => {
                self.paged = true;
                cx.wake_in(self.operator_delay, ControlMsg::Operate);
            }
            ControlMsg::Page { .. } => {}
            ControlMsg::Operate => cx.send(Addr::new(Layer::Data, 1), Msg::Promote),
            ControlMsg::Promoted { node } => {
                for p in 0..self.proxies {
                    let to = Addr::new(Layer::DataProxy, p);
                    cx.send(to, ProxyMsg::Repoint { primary: node });
                }
            }
            ControlMsg::Read => cx.send_background(
                from,
                Msg::Key {
                    leader: self.leader,
                    renewed: self.renewed,
                    version: self.version,
                },
            ),
            ControlMsg::Write { renewed, expect } => {
                let ok = expect == self.version;
                if ok {
                    self.leader = from.index as u8;
                    self.renewed = renewed;
                    self.version += 1;
                }
                let version = self.version;
                cx.send_background(from, Msg::Written { ok, version });
            }
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let leader = if self.leader == NO_NODE {
            0.0
        } else {
            self.leader as f64 + 1.0
        };
        vec![("leader", leader), ("version", self.version as f64)]
    }
}

/// The database nodes' random streams: 2000 + node.
const STREAM: u64 = 2000;

fn lan_routes(cfg: &Config, k: &mut Kernel) -> (usize, usize) {
    let lan = k.topology.shared_link("lan", &cfg.network.lan);
    let local = k.topology.shared_link(
        "loopback",
        &LinkConfig {
            base_ms: 0.0,
            return_base_ms: None,
            jitter: Jitter::None,
            loss: 0.0,
        },
    );
    (lan, local)
}

/// Which of the data path's links a route takes.
#[derive(Clone, Copy)]
enum Link {
    /// The data centre's LAN.
    Lan,
    /// The loopback of a server's own host (a server to its proxy).
    Local,
}

/// Connects each `(from, to, link, way, reliable)` of `table`.
fn connect(cfg: &Config, k: &mut Kernel, table: &[(Layer, Layer, Link, Way, bool)]) {
    let (lan, local) = lan_routes(cfg, k);
    for &(a, b, link, way, reliable) in table {
        let link = Some(match link {
            Link::Lan => lan,
            Link::Local => local,
        });
        k.topology.connect(
            a,
            b,
            Route {
                link,
                way,
                reliable,
            },
        );
    }
}

impl Build for DbNode {
    /// No node when the data path is off. Otherwise the primary (`db-1`) and its
    /// replicas, each on a host of its own with its configured clock; the primary's
    /// crash and partition are scheduled here.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<DbNode> {
        let d = &cfg.data;
        if !d.enabled {
            return Vec::new();
        }
        let nodes = 1 + d.replicas as u8;
        let seats = (cfg.hall.rows * cfg.hall.cols) as usize;
        let rules = DbRules {
            ttl: secs_to_nanos(cfg.sale.hold_ttl_s),
            lag: ms_to_nanos(d.lag_ms),
            lag_jitter: ms_to_nanos(d.lag_jitter_ms),
            sync: d.synchronous.then_some(1),
        };
        let mut out = Vec::new();
        for i in 0..nodes {
            let cc = d.clocks.get(i as usize).cloned().unwrap_or_default();
            let clock = Clock::new(&cc, cfg.sale.start());
            let rng = Rng::stream(cfg.seed, STREAM + i as u64);
            let h = k.add_host(Host::new(format!("db-{}", i + 1), clock, rng));
            k.place(Layer::Data, h);
            let mut n = DbNode::new(i, nodes, seats, rules);
            if d.failover == Failover::Auto {
                n = n.with_lease(
                    secs_to_nanos(d.ttl_s),
                    secs_to_nanos(d.loop_wait_s),
                    d.fencing,
                );
            }
            if i == 1 && d.maps_from_replica {
                n = n.serving_maps();
            }
            let c = &cfg.cache;
            if c.enabled {
                let timeout = ms_to_nanos(c.db_timeout_ms);
                n = n.with_queries(c.db_slots(), ms_to_nanos(c.db_query_ms), timeout);
            }
            out.push(n);
        }
        connect(
            cfg,
            k,
            &[
                (Layer::Data, Layer::Data, Link::Lan, Way::Out, true),
                (Layer::Data, Layer::Server, Link::Lan, Way::Back, true),
                (Layer::Data, Layer::DataProxy, Link::Lan, Way::Back, false),
            ],
        );
        let primary = Addr::new(Layer::Data, 0);
        if let Some(at) = d.fault.crash_at_s {
            let ev = Ev::Msg {
                to: primary,
                from: primary,
                msg: Msg::Crash.into(),
            };
            k.push(Time::from_secs_f64(at).max(cfg.sale.start()), ev, false);
        }
        out
    }
}

impl Build for Proxy {
    /// No node when the data path is off. Otherwise one per server, on the server's
    /// own host (its clock times the checks); the server reaches it over the loopback.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Proxy> {
        let d = &cfg.data;
        if !d.enabled {
            return Vec::new();
        }
        let nodes = 1 + d.replicas as u8;
        let mut out = Vec::new();
        for i in 0..cfg.servers.len() {
            let h = k.homes(Layer::Server)[i];
            k.place(Layer::DataProxy, h);
            out.push(Proxy::new(i as u8, nodes, d));
        }
        connect(
            cfg,
            k,
            &[
                (Layer::Server, Layer::DataProxy, Link::Local, Way::Out, true),
                (
                    Layer::DataProxy,
                    Layer::Server,
                    Link::Local,
                    Way::Back,
                    true,
                ),
                (Layer::DataProxy, Layer::Data, Link::Lan, Way::Out, false),
                (
                    Layer::DataProxy,
                    Layer::DataControl,
                    Link::Lan,
                    Way::Out,
                    true,
                ),
            ],
        );
        out
    }
}

/// The control's random stream.
const CONTROL_STREAM: u64 = 2100;

impl Build for Control {
    /// No node when the data path is off. Otherwise one, on a host of its own with an
    /// exact clock; the primary's partition cuts it off from this host, the replicas'
    /// and the proxies of the servers on the other side.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Control> {
        let d = &cfg.data;
        if !d.enabled {
            return Vec::new();
        }
        let clock = Clock::new(&ClockConfig::default(), cfg.sale.start());
        let rng = Rng::stream(cfg.seed, CONTROL_STREAM);
        let h = k.add_host(Host::new("control", clock, rng));
        k.place(Layer::DataControl, h);
        connect(
            cfg,
            k,
            &[
                (Layer::DataControl, Layer::Data, Link::Lan, Way::Back, false),
                (Layer::Data, Layer::DataControl, Link::Lan, Way::Out, false),
                (
                    Layer::DataControl,
                    Layer::DataProxy,
                    Link::Lan,
                    Way::Back,
                    true,
                ),
            ],
        );
        if let Some(from) = d.fault.partition_from_s {
            let (from, to) = (
                Time::from_secs_f64(from),
                Time::from_secs_f64(d.fault.partition_to_s),
            );
            let primary: HostId = k.homes(Layer::Data)[0];
            let mut others: Vec<HostId> = vec![h];
            others.extend(k.homes(Layer::Data)[1..].iter().copied());
            for (i, &s) in k.homes(Layer::Server).iter().enumerate() {
                if !d.fault.with_servers.contains(&(i as u32 + 1)) {
                    others.push(s);
                }
            }
            for o in others {
                k.topology.sever(primary, o, from, to);
            }
        }
        vec![Control::new(d, cfg.servers.len() as u16)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, timers, Bench};
    use crate::msg::Msg as AnyMsg;
    use crate::time::{MS, SEC};

    const T0: Time = Time(36_000 * SEC);
    const TTL: i64 = 300 * SEC;
    const PRIMARY: Addr = Addr::new(Layer::Data, 0);
    const REPLICA: Addr = Addr::new(Layer::Data, 1);
    const PROXY: Addr = Addr::new(Layer::DataProxy, 0);

    fn rules(lag: i64, sync: Option<u8>) -> DbRules {
        DbRules {
            ttl: TTL,
            lag,
            lag_jitter: 0,
            sync,
        }
    }

    fn claim(req: ReqId, seat: SeatId) -> Msg {
        Msg::Sql(database::Msg::Claim {
            req,
            seat,
            stamp: T0,
        })
    }

    /// The replication timers a write set: (position, delay by the primary's clock).
    fn wal_timers(cmds: &[crate::kernel::Cmd]) -> Vec<(u32, i64)> {
        timers(cmds)
            .into_iter()
            .filter_map(|(ns, m)| match m {
                AnyMsg::Data(Msg::WalSend { lsn }) => Some((lsn, ns)),
                _ => None,
            })
            .collect()
    }

    /// Delivers a write to the primary and its replication timer at once: the entries
    /// it ships, (position, entry).
    fn write_and_ship(
        b: &mut Bench,
        p: &mut DbNode,
        m: Msg,
    ) -> (Vec<crate::kernel::Cmd>, Vec<(u32, Entry)>) {
        let cmds = b.deliver(p, PRIMARY, PROXY, m);
        let mut out = Vec::new();
        for (lsn, _) in wal_timers(&cmds) {
            for (to, m) in sends(&b.deliver(p, PRIMARY, PRIMARY, Msg::WalSend { lsn })) {
                if let AnyMsg::Data(Msg::Ship { lsn, entry }) = m {
                    assert_eq!(to, REPLICA);
                    out.push((lsn, *entry));
                }
            }
        }
        (cmds, out)
    }

    fn decisions(cmds: &[crate::kernel::Cmd]) -> Vec<(ReqId, Decision)> {
        sends(cmds)
            .into_iter()
            .filter_map(|(_, m)| match m {
                AnyMsg::Server(server::Msg::DbReply { req, decision }) => Some((req, decision)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_primary_ships_each_write_after_the_lag_and_the_replica_applies_in_order() {
        let mut bench = Bench::new(T0, 0);
        let mut p = DbNode::new(0, 2, 10, rules(100 * MS, None));
        let cmds = bench.deliver(&mut p, PRIMARY, PROXY, claim(1, 3));
        assert_eq!(decisions(&cmds), vec![(1, Decision::Confirmed)]);
        assert_eq!(wal_timers(&cmds), vec![(1, 100 * MS)]);
        assert!(observations(&cmds).contains(&Obs::Committed { req: 1, lsn: 1 }));
        let first = sends(&bench.deliver(&mut p, PRIMARY, PRIMARY, Msg::WalSend { lsn: 1 }));
        let e1 = Entry::Insert {
            req: 1,
            seat: 3,
            at: T0,
        };
        assert_eq!(first, vec![(REPLICA, AnyMsg::Data(Msg::ship(1, e1)))]);
        bench.advance(10 * MS);
        let (_, second) = write_and_ship(&mut bench, &mut p, claim(2, 4));
        assert_eq!(second[0].0, 2);

        // The replica, its clock 30 ms fast, gets entry 2 before entry 1: it waits.
        let mut rb = Bench::new(T0 + 100 * MS, 30 * MS);
        let mut r = DbNode::new(1, 2, 10, rules(0, None));
        rb.deliver(&mut r, REPLICA, PRIMARY, Msg::ship(2, second[0].1));
        assert_eq!(r.applied(), 0);
        assert!(!r.store().held(4), "not before entry 1");
        rb.advance(10 * MS);
        rb.deliver(&mut r, REPLICA, PRIMARY, Msg::ship(1, e1));
        assert_eq!(r.applied(), 2);
        assert!(r.store().held(3) && r.store().held(4));
        // Its reported lag: its clock at applying (T0 + 110 ms + 30 ms) minus the
        // primary's at commit (T0, T0 + 10 ms): 140 and 130 ms, mean 135.
        let (mean, max) = r.reported_lag().unwrap();
        assert_eq!((mean, max), (135.0 * MS as f64, 140 * MS));
        // A duplicate changes nothing; a write to a replica is refused.
        rb.deliver(&mut r, REPLICA, PRIMARY, Msg::ship(1, e1));
        assert_eq!(r.applied(), 2);
        let cmds = rb.deliver(&mut r, REPLICA, PROXY, claim(5, 6));
        assert_eq!(
            decisions(&cmds),
            vec![(5, Decision::Refused(Refusal::Unavailable))]
        );
    }

    #[test]
    fn queries_run_as_many_at_once_as_the_capacity_and_those_that_waited_too_long_fail() {
        // Two at once, 100 ms each; a query that waited more than 150 ms fails.
        let mut b = Bench::new(T0, 0);
        let mut r = DbNode::new(1, 2, 10, rules(0, None)).with_queries(2, 100 * MS, 150 * MS);
        let readers = Addr::new(Layer::CacheReaders, 0);
        let ran = |cmds: &[crate::kernel::Cmd]| -> Vec<(i64, u32)> {
            cmds.iter()
                .filter_map(|c| match c {
                    crate::kernel::Cmd::After {
                        ns,
                        msg: AnyMsg::Data(Msg::QueryDone { reader, .. }),
                    } => Some((*ns, *reader)),
                    _ => None,
                })
                .collect()
        };
        let rows = |cmds: &[crate::kernel::Cmd]| -> Vec<ReadersMsg> {
            sends(cmds)
                .into_iter()
                .filter_map(|(_, m)| match m {
                    AnyMsg::CacheReaders(m) => Some(m),
                    _ => None,
                })
                .collect()
        };
        for reader in 0..4 {
            let cmds = b.deliver(&mut r, REPLICA, readers, Msg::Query { reader, seat: 3 });
            let started = if reader < 2 {
                vec![(100 * MS, reader)]
            } else {
                vec![]
            };
            assert_eq!(ran(&cmds), started, "reader {reader}");
            assert_eq!(
                observations(&cmds),
                vec![Obs::DbQueried {
                    queued: reader.saturating_sub(2)
                }]
            );
        }
        assert_eq!(r.query_load(), (2, 2));
        // The first is done at 100 ms: its row leaves, the third starts.
        b.advance(100 * MS);
        let cmds = b.deliver(
            &mut r,
            REPLICA,
            REPLICA,
            Msg::QueryDone { reader: 0, seat: 3 },
        );
        let row = |reader, ok| ReadersMsg::Row {
            reader,
            held: false,
            ok,
        };
        assert_eq!(rows(&cmds), vec![row(0, true)]);
        assert_eq!(ran(&cmds), vec![(100 * MS, 2)]);
        // At 200 ms the fourth has waited 200 ms: it fails, no one starts.
        b.advance(100 * MS);
        let cmds = b.deliver(
            &mut r,
            REPLICA,
            REPLICA,
            Msg::QueryDone { reader: 1, seat: 3 },
        );
        assert_eq!(rows(&cmds), vec![row(1, true), row(3, false)]);
        assert!(ran(&cmds).is_empty());
        assert_eq!(r.query_load(), (1, 0));
    }

    #[test]
    fn a_crashed_primary_ships_nothing_more() {
        let mut bench = Bench::new(T0, 0);
        let mut p = DbNode::new(0, 2, 10, rules(100 * MS, None));
        let cmds = bench.deliver(&mut p, PRIMARY, PROXY, claim(1, 3));
        assert_eq!(decisions(&cmds), vec![(1, Decision::Confirmed)]);
        let cmds = bench.deliver(&mut p, PRIMARY, PRIMARY, Msg::Crash);
        assert_eq!(
            observations(&cmds),
            vec![Obs::DataCrashed { primary: true }]
        );
        // The entry was confirmed but its replication delay was not over: lost.
        assert!(bench
            .deliver(&mut p, PRIMARY, PRIMARY, Msg::WalSend { lsn: 1 })
            .is_empty());
        assert!(bench
            .deliver(&mut p, PRIMARY, PROXY, claim(2, 4))
            .is_empty());
    }

    #[test]
    fn a_replica_answers_reads_as_stale_as_its_lag() {
        let mut bench = Bench::new(T0, 0);
        let mut p = DbNode::new(0, 2, 10, rules(SEC, None));
        let mut r = DbNode::new(1, 2, 10, rules(0, None));
        let (_, w) = write_and_ship(&mut bench, &mut p, claim(1, 3));
        let read = Msg::Sql(database::Msg::Read {
            req: 2,
            seat: 3,
            stamp: T0,
        });
        // Before the entry arrives, the replica finds the seat free. (Server-2's proxy
        // asks: the answer goes to server-2.)
        let proxy_2 = Addr::new(Layer::DataProxy, 1);
        let cmds = bench.deliver(&mut r, REPLICA, proxy_2, read.clone());
        assert_eq!(
            observations(&cmds),
            vec![Obs::DataRead {
                req: 2,
                seat: 3,
                held: false
            }]
        );
        assert!(matches!(
            sends(&cmds)[0],
            (to, AnyMsg::Server(server::Msg::ReadReply { newest: NO_REQ, .. })) if to == Addr::new(Layer::Server, 1)
        ));
        bench.advance(SEC);
        bench.deliver(&mut r, REPLICA, PRIMARY, Msg::ship(1, w[0].1));
        let cmds = bench.deliver(&mut r, REPLICA, proxy_2, read);
        assert!(observations(&cmds).contains(&Obs::DataRead {
            req: 2,
            seat: 3,
            held: true
        }));
    }

    #[test]
    fn a_synchronous_replica_holds_the_confirmation_until_it_acks() {
        let mut bench = Bench::new(T0, 0);
        let mut p = DbNode::new(0, 2, 10, rules(100 * MS, Some(1)));
        let mut r = DbNode::new(1, 2, 10, rules(0, Some(1)));
        let (cmds, w) = write_and_ship(&mut bench, &mut p, claim(1, 3));
        assert!(
            decisions(&cmds).is_empty(),
            "no answer before the replica has it"
        );
        let cmds = bench.deliver(&mut r, REPLICA, PRIMARY, Msg::ship(1, w[0].1));
        assert_eq!(
            sends(&cmds),
            vec![(PRIMARY, AnyMsg::Data(Msg::Ack { lsn: 1 }))]
        );
        let cmds = bench.deliver(&mut p, PRIMARY, REPLICA, Msg::Ack { lsn: 1 });
        assert_eq!(decisions(&cmds), vec![(1, Decision::Confirmed)]);
        // The customer's hold starts when the confirmation leaves, not at the commit.
        assert_eq!(observations(&cmds), vec![Obs::HoldGranted { req: 1 }]);
        // A refusal writes nothing: answered at once.
        let cmds = bench.deliver(&mut p, PRIMARY, PROXY, claim(2, 3));
        assert_eq!(
            decisions(&cmds),
            vec![(2, Decision::Refused(Refusal::Taken))]
        );
    }

    #[test]
    fn holds_expire_by_the_clock_of_the_node_that_judges_them() {
        // The primary inserts at its clock's T0; a promoted replica whose clock is
        // 120 s fast finds the hold expired 180 s later in true time.
        let mut bench = Bench::new(T0, 0);
        let mut p = DbNode::new(0, 2, 10, rules(0, None));
        let (_, w) = write_and_ship(&mut bench, &mut p, claim(1, 3));
        let mut fast = Bench::new(T0, 120 * SEC);
        let mut r = DbNode::new(1, 2, 10, rules(0, None));
        fast.deliver(&mut r, REPLICA, PRIMARY, Msg::ship(1, w[0].1));
        let cmds = fast.deliver(&mut r, REPLICA, REPLICA, Msg::Promote);
        assert!(observations(&cmds).contains(&Obs::Promoted { old: 0, applied: 1 }));
        fast.advance(181 * SEC);
        let cmds = fast.deliver(&mut r, REPLICA, PROXY, claim(2, 3));
        assert_eq!(decisions(&cmds), vec![(2, Decision::Confirmed)]);
        assert!(observations(&cmds).contains(&Obs::Released {
            claim: 1,
            by: 0,
            stamp: T0 + 301 * SEC
        }));
        // The old primary's exact clock would still have refused.
        bench.advance(181 * SEC);
        let cmds = bench.deliver(&mut p, PRIMARY, PROXY, claim(2, 3));
        assert_eq!(
            decisions(&cmds),
            vec![(2, Decision::Refused(Refusal::Taken))]
        );
    }

    /// A replica in `auto` reads the key the leader renewed at `renewed` (the leader's
    /// clock) and looks at it `after` ns later in true time with its clock `offset` off.
    fn takes_over(offset: i64, renewed: Time, after: i64) -> bool {
        let mut b = Bench::new(T0, offset);
        let mut r = DbNode::new(1, 2, 10, rules(0, None)).with_lease(30 * SEC, 10 * SEC, true);
        b.advance(after);
        let key = Msg::Key {
            leader: 0,
            renewed,
            version: 4,
        };
        let cmds = b.deliver(&mut r, REPLICA, CONTROL, key);
        let wrote = sends(&cmds).iter().any(|(to, m)| {
            *to == CONTROL && matches!(m, AnyMsg::DataControl(ControlMsg::Write { expect: 4, .. }))
        });
        if wrote {
            let cmds = b.deliver(
                &mut r,
                REPLICA,
                CONTROL,
                Msg::Written {
                    ok: true,
                    version: 5,
                },
            );
            assert!(observations(&cmds).contains(&Obs::Promoted { old: 0, applied: 0 }));
            assert_eq!(r.role(), Role::Primary);
        }
        wrote
    }

    #[test]
    fn a_lease_expires_by_the_replicas_clock_early_when_fast_late_when_slow() {
        // The leader renewed at T0 by an exact clock; ttl 30 s.
        assert!(
            !takes_over(0, T0, 29 * SEC),
            "exact clock, 29 s: still held"
        );
        assert!(takes_over(0, T0, 31 * SEC), "exact clock, 31 s: expired");
        // 20 s fast: expired after only 11 s of true time, while the leader lives.
        assert!(takes_over(20 * SEC, T0, 11 * SEC));
        assert!(!takes_over(20 * SEC, T0, 9 * SEC));
        // 20 s slow: still held 49 s later.
        assert!(!takes_over(-20 * SEC, T0, 49 * SEC));
        assert!(takes_over(-20 * SEC, T0, 51 * SEC));
    }

    #[test]
    fn a_fenced_leader_stops_when_its_own_clock_ends_the_lease() {
        // ttl 30 s, loop_wait 10 s: renewed at T0, it stops at its first loop 20 s or
        // more after T0 by its own clock (the next loop would be too late).
        for (skew_note, advance, demoted) in
            [("in time", 19 * SEC, false), ("late", 20 * SEC, true)]
        {
            let mut b = Bench::new(T0, 0);
            let mut p = DbNode::new(0, 2, 10, rules(0, None)).with_lease(30 * SEC, 10 * SEC, true);
            let cmds = b.with(PRIMARY, |cx| p.start(cx));
            assert!(matches!(
                sends(&cmds).as_slice(),
                [(CONTROL, AnyMsg::DataControl(ControlMsg::Write { renewed, expect: 0 }))] if *renewed == T0
            ));
            assert_eq!(timers(&cmds), vec![(10 * SEC, AnyMsg::Data(Msg::Loop))]);
            b.deliver(
                &mut p,
                PRIMARY,
                CONTROL,
                Msg::Written {
                    ok: true,
                    version: 1,
                },
            );
            assert_eq!(p.lease_until(), Some(T0 + 30 * SEC));
            // Renewals are lost (a partition): the loop runs on.
            b.advance(advance);
            let cmds = b.deliver(&mut p, PRIMARY, PRIMARY, Msg::Loop);
            assert_eq!(
                observations(&cmds).contains(&Obs::Demoted { lsn: 0 }),
                demoted,
                "{skew_note}"
            );
        }
        // Without fencing the leader never stops on its own; a failed write stops it.
        let mut b = Bench::new(T0, 0);
        let mut p = DbNode::new(0, 2, 10, rules(0, None)).with_lease(30 * SEC, 10 * SEC, false);
        b.with(PRIMARY, |cx| p.start(cx));
        b.deliver(
            &mut p,
            PRIMARY,
            CONTROL,
            Msg::Written {
                ok: true,
                version: 1,
            },
        );
        b.advance(600 * SEC);
        b.deliver(&mut p, PRIMARY, PRIMARY, Msg::Loop);
        assert_eq!(p.role(), Role::Primary);
        let cmds = b.deliver(
            &mut p,
            PRIMARY,
            CONTROL,
            Msg::Written {
                ok: false,
                version: 7,
            },
        );
        assert_eq!(observations(&cmds), vec![Obs::Demoted { lsn: 0 }]);
    }

    #[test]
    fn the_key_is_a_compare_and_set() {
        let mut b = Bench::new(T0, 0);
        let mut c = Control::new(&DataConfig::default(), 2);
        let w = |renewed, expect| ControlMsg::Write { renewed, expect };
        let cmds = b.deliver(&mut c, CONTROL, PRIMARY, w(T0, 0));
        assert_eq!(
            sends(&cmds),
            vec![(
                PRIMARY,
                AnyMsg::Data(Msg::Written {
                    ok: true,
                    version: 1
                })
            )]
        );
        // A replica that read version 0 is too late.
        let cmds = b.deliver(&mut c, CONTROL, REPLICA, w(T0, 0));
        assert_eq!(
            sends(&cmds),
            vec![(
                REPLICA,
                AnyMsg::Data(Msg::Written {
                    ok: false,
                    version: 1
                })
            )]
        );
        assert_eq!(c.key(), (0, T0, 1));
    }

    #[test]
    fn a_proxy_marks_the_primary_down_after_fall_checks_and_pages_once() {
        let cfg = DataConfig {
            failover: Failover::Manual,
            ..DataConfig::default()
        };
        let mut b = Bench::new(T0, 0);
        let mut p = Proxy::new(0, 2, &cfg);
        let cmds = b.with(PROXY, |cx| p.start(cx));
        assert_eq!(timers(&cmds), vec![(0, AnyMsg::DataProxy(ProxyMsg::Check))]);
        let cmds = b.deliver(&mut p, PROXY, PROXY, ProxyMsg::Check);
        assert_eq!(
            sends(&cmds),
            vec![(PRIMARY, AnyMsg::Data(Msg::Probe { seq: 1 }))]
        );
        b.deliver(
            &mut p,
            PROXY,
            PRIMARY,
            ProxyMsg::Health {
                seq: 1,
                primary: true,
            },
        );
        // The primary dies: checks 2, 3 and 4 go unanswered.
        for i in 0..3 {
            b.advance(2 * SEC);
            let cmds = b.deliver(&mut p, PROXY, PROXY, ProxyMsg::Check);
            let paged = sends(&cmds).iter().any(|(to, _)| *to == CONTROL);
            // Probes 2, 3, 4 go unanswered; each failure is counted at the next check.
            assert!(!paged, "check {}", i + 2);
        }
        b.advance(2 * SEC);
        let cmds = b.deliver(&mut p, PROXY, PROXY, ProxyMsg::Check);
        assert!(
            sends(&cmds).contains(&(CONTROL, AnyMsg::DataControl(ControlMsg::Page { node: 0 })))
        );
        assert_eq!(p.target(), (0, false));
        // Writes are refused at once; the page is not sent again.
        let w = ProxyMsg::Sql(database::Msg::Claim {
            req: 9,
            seat: 1,
            stamp: T0,
        });
        let cmds = b.deliver(&mut p, PROXY, Addr::new(Layer::Server, 0), w);
        assert_eq!(
            decisions(&cmds),
            vec![(9, Decision::Refused(Refusal::Unavailable))]
        );
        b.advance(2 * SEC);
        let cmds = b.deliver(&mut p, PROXY, PROXY, ProxyMsg::Check);
        assert!(!sends(&cmds).iter().any(|(to, _)| *to == CONTROL));
        // The operator repoints: writes go to db-2.
        b.deliver(&mut p, PROXY, CONTROL, ProxyMsg::Repoint { primary: 1 });
        let cmds = b.deliver(&mut p, PROXY, Addr::new(Layer::Server, 0), w);
        assert_eq!(sends(&cmds)[0].0, REPLICA);
    }

    #[test]
    fn in_auto_a_proxy_follows_the_node_that_says_primary_after_rise_checks() {
        let cfg = DataConfig {
            failover: Failover::Auto,
            ..DataConfig::default()
        };
        let mut b = Bench::new(T0, 0);
        let mut p = Proxy::new(0, 2, &cfg);
        let mut seq = 0;
        let mut round = |b: &mut Bench, p: &mut Proxy, answers: [Option<bool>; 2]| {
            b.advance(2 * SEC);
            b.deliver(p, PROXY, PROXY, ProxyMsg::Check);
            seq += 1;
            for (n, a) in answers.into_iter().enumerate() {
                if let Some(primary) = a {
                    let from = Addr::new(Layer::Data, n as u16);
                    b.deliver(p, PROXY, from, ProxyMsg::Health { seq, primary });
                }
            }
            p.target()
        };
        assert_eq!(round(&mut b, &mut p, [Some(true), Some(false)]), (0, true));
        // db-1 is gone; db-2 says primary twice: rise 2, and db-1 down after fall 3.
        assert_eq!(round(&mut b, &mut p, [None, Some(true)]), (0, true));
        assert_eq!(round(&mut b, &mut p, [None, Some(true)]), (0, true));
        assert_eq!(round(&mut b, &mut p, [None, Some(true)]), (0, true));
        assert_eq!(round(&mut b, &mut p, [None, Some(true)]), (1, true));
    }
}
