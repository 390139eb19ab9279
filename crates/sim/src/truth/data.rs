//! The data path's checkers: commits lost at a promotion and their seats resold, two
//! primaries at once, stale reads, and how long writes had no primary.

use super::{Env, Truth};
use crate::hall::SeatId;
use crate::msg::{Addr, Layer};
use crate::obs::Obs;
use crate::time::Time;
use crate::world::{Hold, ReqId};
use serde::Serialize;

/// What the data path's checkers know and count.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DataTruth {
    /// Whether the customers' seat maps come from a replica (then they change when it
    /// applies a change, not when the primary commits it).
    pub maps_from_replica: bool,
    /// Per database node: its commits, (log position, claim).
    #[serde(skip)]
    commits: Vec<Vec<(u32, ReqId)>>,
    /// Per database node: the log position a promotion forked its log at.
    #[serde(skip)]
    forks: Vec<Option<u32>>,
    /// Seats whose confirmed hold was lost, not yet granted again.
    #[serde(skip)]
    lost_seats: Vec<SeatId>,
    /// Confirmed holds (and sales) lost: committed by a primary, missing from the node
    /// promoted after it, or written by a primary that was later demoted.
    pub writes_lost: u64,
    /// Seats of lost holds granted to another customer afterwards.
    pub resold: u64,
    /// Promotions.
    pub promotions: u64,
    /// Nodes that take themselves for the primary now, and the most at once.
    pub primaries: u32,
    /// The most nodes taking themselves for the primary at once (2 or more: split brain).
    pub max_primaries: u32,
    /// True time with two primaries or more, ns.
    pub split_brain_ns: i64,
    #[serde(skip)]
    split_since: Option<Time>,
    /// Reads answered by a database node, and those that disagreed with the truth.
    pub reads: u64,
    /// Reads whose answer (seat held or free) was not the seat's true state.
    pub stale_reads: u64,
    /// The primary crashed at this instant and no write was committed since.
    #[serde(skip)]
    pub down_since: Option<Time>,
    /// Time from a primary's crash to the next write a primary decided (a hold
    /// granted, a seat found taken, a payment), ns (closed outages).
    pub write_outage_ns: i64,
    /// Requests refused because no primary was up (the proxies' refusals and the
    /// read-only nodes').
    pub refused_no_primary: u64,
    /// The first and the last such refusal.
    pub refused_window: Option<(Time, Time)>,
}

impl DataTruth {
    fn node(&mut self, i: usize) {
        if self.commits.len() <= i {
            self.commits.resize(i + 1, Vec::new());
            self.forks.resize(i + 1, None);
        }
    }

    fn set_primaries(&mut self, n: u32, now: Time) {
        self.primaries = n;
        self.max_primaries = self.max_primaries.max(n);
        match (n >= 2, self.split_since) {
            (true, None) => self.split_since = Some(now),
            (false, Some(since)) => {
                self.split_brain_ns += now - since;
                self.split_since = None;
            }
            _ => {}
        }
    }

    /// A request was refused because no primary was up.
    pub(super) fn refused(&mut self, now: Time) {
        self.refused_no_primary += 1;
        self.refused_window = Some(match self.refused_window {
            None => (now, now),
            Some((a, _)) => (a, now),
        });
    }

    /// A primary decided a write at `now`: an outage in progress ends.
    pub(super) fn write_served(&mut self, now: Time) {
        if let Some(since) = self.down_since.take() {
            self.write_outage_ns += now - since;
        }
    }

    /// Split brain still going on at `now` counts up to `now`.
    pub fn split_brain_until(&self, now: Time) -> i64 {
        self.split_brain_ns + self.split_since.map_or(0, |s| now - s)
    }
}

impl Truth {
    /// Takes one of the data path's observations.
    pub(super) fn on_data(&mut self, now: Time, from: Addr, obs: Obs, env: &mut Env<'_>) {
        if from.layer != Layer::Data {
            return;
        }
        let node = from.index as usize;
        self.data.node(node);
        if self.data.primaries == 0 && self.data.max_primaries == 0 {
            // The first primary, as the run starts.
            self.data.set_primaries(1, now);
        }
        match obs {
            Obs::Committed { req, lsn } => {
                self.data.commits[node].push((lsn, req));
                self.data.write_served(now);
            }
            Obs::Promoted { old, applied } => {
                self.data.promotions += 1;
                let n = self.data.primaries + 1;
                self.data.set_primaries(n, now);
                let old = old as usize;
                self.data.node(old);
                self.data.forks[old] = Some(applied);
                self.lose_after(old, applied, now, env);
            }
            Obs::Demoted { .. } => {
                let n = self.data.primaries.saturating_sub(1);
                self.data.set_primaries(n, now);
                if let Some(fork) = self.data.forks[node] {
                    // What it wrote after the fork is thrown away when it rejoins.
                    self.lose_after(node, fork, now, env);
                }
            }
            Obs::DataCrashed { primary: true } => {
                let n = self.data.primaries.saturating_sub(1);
                self.data.set_primaries(n, now);
                if n == 0 {
                    self.data.down_since = Some(now);
                }
            }
            Obs::DataRead { seat, held, .. } => {
                self.data.reads += 1;
                if held == self.seats[seat as usize].holders.is_empty() {
                    self.data.stale_reads += 1;
                }
            }
            Obs::MapApplied { seat, held } if self.data.maps_from_replica => {
                env.board.set_shown_free(seat, !held);
            }
            _ => {}
        }
    }

    /// Node `node`'s commits after log position `fork` that customers still hold are
    /// lost: the hold ends, the seat may be sold again.
    fn lose_after(&mut self, node: usize, fork: u32, now: Time, env: &mut Env<'_>) {
        let lost: Vec<ReqId> = self.data.commits[node]
            .iter()
            .filter(|&&(lsn, _)| lsn > fork)
            .map(|&(_, q)| q)
            .collect();
        for q in lost {
            if self.requests[q as usize].hold.active()
                && self.hold_end(q, Hold::Superseded, false, now, env)
            {
                self.data.writes_lost += 1;
                self.data.lost_seats.push(self.requests[q as usize].seat);
            }
        }
    }

    /// A hold was granted on `seat`: if a lost hold had it, it is resold.
    pub(super) fn data_granted(&mut self, seat: SeatId) {
        if let Some(i) = self.data.lost_seats.iter().position(|&s| s == seat) {
            self.data.lost_seats.swap_remove(i);
            self.data.resold += 1;
        }
    }
}
