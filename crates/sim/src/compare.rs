//! Two runs side by side: the same crowd and seed, one thing changed (the policy, NTP,
//! ε, the preset). What the change fixed and what it cost.
//!
//! [`compare`] reads two finished runs: the figures of both reports with their
//! difference (b − a), the seats that ended with a different holder, and the
//! anomalies found in one run and not the other. An anomaly is the same in both runs
//! when it is of the same kind, on the same seat, about the same customer (request ids
//! differ as soon as the runs do). Pure.

use crate::hall::{seat_label, SeatId};
use crate::report::Report;
use crate::sim::Sim;
use crate::truth::AnomalyKind;
use crate::world::CustomerId;
use serde::Serialize;

/// One figure in both runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Its name, as in the report's JSON (`revoked`, `confirmation_p99_ms`…).
    pub key: &'static str,
    /// In run a.
    pub a: f64,
    /// In run b.
    pub b: f64,
    /// b − a.
    pub diff: f64,
}

/// A seat whose holders differ at the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SeatChange {
    /// The seat.
    pub seat: SeatId,
    /// Its label.
    pub label: String,
    /// Its holders in run a (customers).
    pub a: Vec<CustomerId>,
    /// Its holders in run b.
    pub b: Vec<CustomerId>,
}

/// An anomaly, as both runs can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct AnomalyKey {
    /// What.
    pub kind: AnomalyKind,
    /// On which seat.
    pub seat: SeatId,
    /// About which customer's request.
    pub customer: CustomerId,
}

/// Two runs compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// What each run is (`policy=local-timestamp`…).
    pub a_label: String,
    /// What run b is.
    pub b_label: String,
    /// The figures.
    pub rows: Vec<Row>,
    /// Seats that ended with other holders.
    pub seats_changed: Vec<SeatChange>,
    /// Anomalies of run a not found in run b.
    pub only_a: Vec<AnomalyKey>,
    /// Anomalies of run b not found in run a.
    pub only_b: Vec<AnomalyKey>,
}

/// The figures compared, from a report.
pub fn figures(r: &Report) -> Vec<(&'static str, f64)> {
    vec![
        ("wrong_winners", r.wrong_winners as f64),
        ("revoked", r.revoked as f64),
        ("double_bookings", r.double_bookings as f64),
        ("early_sales", r.early_sales as f64),
        ("wrongly_refused", r.wrongly_refused as f64),
        ("premature_expiries", r.premature_expiries as f64),
        ("late_expiries", r.late_expiries as f64),
        ("order_inversions", r.order_inversions as f64),
        ("confirmed", r.confirmed as f64),
        ("refused", r.refused as f64),
        ("unstamped_refusals", r.unstamped_refusals as f64),
        ("confirmation_mean_ms", r.confirmation_mean_ms),
        ("confirmation_p50_ms", r.confirmation_p50_ms),
        ("confirmation_p99_ms", r.confirmation_p99_ms),
    ]
}

fn keys(sim: &Sim) -> Vec<AnomalyKey> {
    let reqs = sim.requests();
    let mut v: Vec<AnomalyKey> = sim
        .truth()
        .anomalies
        .iter()
        .map(|a| {
            let q = &reqs[a.req as usize];
            AnomalyKey {
                kind: a.kind,
                seat: q.seat,
                customer: q.customer,
            }
        })
        .collect();
    crate::order::sort(&mut v);
    v.dedup();
    v
}

fn holders(sim: &Sim, seat: usize) -> Vec<CustomerId> {
    let reqs = sim.requests();
    let mut v: Vec<CustomerId> = sim.truth().seats[seat]
        .holders
        .iter()
        .map(|&r| reqs[r as usize].customer)
        .collect();
    crate::order::sort(&mut v);
    v
}

/// Runs `a` and `b` (run to their end, the same hall) compared, with their labels.
pub fn compare(a: &Sim, b: &Sim, a_label: &str, b_label: &str) -> Comparison {
    let (ra, rb) = (a.report(), b.report());
    let rows = figures(&ra)
        .into_iter()
        .zip(figures(&rb))
        .map(|((key, x), (_, y))| Row {
            key,
            a: x,
            b: y,
            diff: y - x,
        })
        .collect();
    let cols = a.config().hall.cols;
    let seats = a.truth().seats.len().min(b.truth().seats.len());
    let seats_changed = (0..seats)
        .filter_map(|s| {
            let (ha, hb) = (holders(a, s), holders(b, s));
            (ha != hb).then(|| SeatChange {
                seat: s as SeatId,
                label: seat_label(s as SeatId, cols),
                a: ha,
                b: hb,
            })
        })
        .collect();
    let (ka, kb) = (keys(a), keys(b));
    Comparison {
        a_label: a_label.into(),
        b_label: b_label.into(),
        rows,
        seats_changed,
        only_a: ka
            .iter()
            .filter(|k| kb.binary_search(k).is_err())
            .copied()
            .collect(),
        only_b: kb
            .iter()
            .filter(|k| ka.binary_search(k).is_err())
            .copied()
            .collect(),
    }
}

impl Comparison {
    /// The row named `key`.
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }
}
