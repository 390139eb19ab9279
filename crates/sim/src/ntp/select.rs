//! Selection, clustering and combining (RFC 5905 §11.2): which sources to believe.
//!
//! Each candidate source claims "the true time is within `θ ± λ`" (its correctness
//! interval, `λ` its root distance). A correct source's interval contains the truth, so
//! correct sources' intervals overlap. **Marzullo's algorithm** finds the largest number
//! of intervals sharing a common point; if they are a majority, they are the
//! **truechimers** and the rest **falsetickers**. With no majority nobody can tell who
//! is right, and the clock is left alone.
//!
//! Driftlab uses the textbook sweep (the RFC's version also counts interval midpoints,
//! a refinement left out here). A truechimer is any interval that overlaps the
//! intersection, as in ntpd.

use super::{MAXDIST, MINDISP};
use serde::Serialize;

/// Fewest survivors the cluster step keeps (MINCLUST).
pub const MINCLUST: usize = 3;

/// One fit source, as the selection sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The client's index for this source.
    pub peer: usize,
    /// `θ`, nanoseconds.
    pub offset_ns: i64,
    /// `λ`, nanoseconds: the half-width of its correctness interval.
    pub root_dist_ns: i64,
    /// Its stratum (lower is preferred).
    pub stratum: u8,
    /// Its peer jitter `ψ`, nanoseconds.
    pub jitter_ns: i64,
}

impl Candidate {
    /// Sort key: stratum first, then root distance (RFC: `MAXDIST × stratum + λ`).
    fn metric(&self) -> (i64, usize) {
        (self.stratum as i64 * MAXDIST + self.root_dist_ns, self.peer)
    }
}

/// Root distance `λ`: the largest error a source's offset can have.
///
/// `λ = max(MINDISP, root delay + δ) / 2 + root dispersion + ε + PHI × age + ψ`, all in
/// nanoseconds, where `age` is the time since `ε` was computed (docs/MODEL.md, "NTP", RFC 5905 A.5.5.2).
pub fn root_distance(
    root_delay: i64,
    delay: i64,
    root_disp: i64,
    disp: i64,
    age: i64,
    jitter: i64,
) -> i64 {
    (root_delay + delay).max(MINDISP) / 2 + root_disp + disp + super::phi(age.max(0)) + jitter
}

/// The common part of the largest majority of intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Intersection {
    /// Lower end, nanoseconds.
    pub low: i64,
    /// Upper end, nanoseconds.
    pub high: i64,
    /// How many intervals had to be left out to find it.
    pub left_out: usize,
}

/// Marzullo's algorithm on closed intervals `(low, high)`.
///
/// For `f = 0, 1, …` while `f` is a minority, sweep the sorted endpoints upwards for the
/// first point covered by `n − f` intervals, and downwards for the last; the first `f`
/// for which both exist gives the intersection. `None`: no majority agrees.
///
/// # Examples
/// ```
/// use driftlab_sim::ntp::select::intersect;
/// let i = intersect(&[(8, 12), (11, 13), (10, 12)]).unwrap();
/// assert_eq!((i.low, i.high, i.left_out), (11, 12, 0));
/// ```
pub fn intersect(intervals: &[(i64, i64)]) -> Option<Intersection> {
    let n = intervals.len();
    // (value, 0 = lower end, 1 = upper end): at equal values lower ends come first, so
    // intervals that merely touch still intersect.
    let mut edges: Vec<(i64, u8)> = intervals
        .iter()
        .flat_map(|&(lo, hi)| [(lo, 0), (hi, 1)])
        .collect();
    crate::order::sort(&mut edges);
    let mut left_out = 0;
    while 2 * left_out < n {
        let need = n - left_out;
        let low = sweep(edges.iter().copied(), 0, need);
        let high = sweep(edges.iter().rev().copied(), 1, need);
        if let (Some(low), Some(high)) = (low, high) {
            if low <= high {
                return Some(Intersection {
                    low,
                    high,
                    left_out,
                });
            }
        }
        left_out += 1;
    }
    None
}

/// The first edge at which `need` intervals are open, entering on `enter` edges.
fn sweep(edges: impl Iterator<Item = (i64, u8)>, enter: u8, need: usize) -> Option<i64> {
    let mut open = 0usize;
    for (value, kind) in edges {
        if kind == enter {
            open += 1;
            if open >= need {
                return Some(value);
            }
        } else {
            open = open.saturating_sub(1);
        }
    }
    None
}

/// Drops outliers (RFC 5905 §11.2.2): while more than [`MINCLUST`] survive, remove the
/// one with the largest *selection jitter* `φᵢ = √(Σⱼ (θᵢ − θⱼ)² / (n − 1))`, unless that
/// is already below the smallest peer jitter (removing more would not help).
///
/// Returns `(survivors best first, outliers in removal order)`.
pub fn cluster(mut cands: Vec<Candidate>) -> (Vec<Candidate>, Vec<Candidate>) {
    crate::order::sort_by_key(&mut cands, Candidate::metric);
    let mut outliers = Vec::new();
    while cands.len() > MINCLUST {
        let n = cands.len() as f64;
        let (mut worst, mut max) = (0, f64::MIN);
        for (i, c) in cands.iter().enumerate() {
            let sum: f64 = cands
                .iter()
                .map(|o| {
                    let d = (c.offset_ns - o.offset_ns) as f64;
                    d * d
                })
                .sum();
            let phi = libm::sqrt(sum / (n - 1.0));
            if phi > max {
                (worst, max) = (i, phi);
            }
        }
        let min_jitter = cands.iter().map(|c| c.jitter_ns).min().unwrap_or(0) as f64;
        if max < min_jitter {
            break;
        }
        outliers.push(cands.remove(worst));
    }
    (cands, outliers)
}

/// The combined estimate of the survivors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Combined {
    /// `Θ = Σ(θᵢ/λᵢ) / Σ(1/λᵢ)`, nanoseconds.
    pub offset_ns: i64,
    /// Selection jitter `φ = √(Σ((θᵢ − θₚ)²/λᵢ) / Σ(1/λᵢ))` around the system peer `p`.
    pub selection_jitter_ns: i64,
    /// System jitter `√(ψₚ² + φ²)`, nanoseconds.
    pub jitter_ns: i64,
}

/// Averages the survivors weighted by `1/λ` (RFC 5905 §11.2.3); `sys` is the index of
/// the system peer in `survivors`. `survivors` must not be empty.
pub fn combine(survivors: &[Candidate], sys: usize) -> Combined {
    let peer = survivors[sys];
    let (mut y, mut z, mut w) = (0.0, 0.0, 0.0);
    for c in survivors {
        let x = c.root_dist_ns.max(1) as f64;
        let d = (c.offset_ns - peer.offset_ns) as f64;
        y += 1.0 / x;
        z += c.offset_ns as f64 / x;
        w += d * d / x;
    }
    let phi = libm::sqrt(w / y);
    let psi = peer.jitter_ns as f64;
    Combined {
        offset_ns: libm::round(z / y) as i64,
        selection_jitter_ns: libm::round(phi) as i64,
        jitter_ns: libm::round(libm::sqrt(psi * psi + phi * phi)) as i64,
    }
}

/// The whole selection: who is believed, who is not, and the combined offset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// Truechimers' peer indices.
    pub truechimers: Vec<usize>,
    /// Falsetickers' peer indices.
    pub falsetickers: Vec<usize>,
    /// Survivors of the cluster step, best first.
    pub survivors: Vec<usize>,
    /// Truechimers dropped by the cluster step.
    pub outliers: Vec<usize>,
    /// The system peer: the first survivor, unless the previous one survived at the
    /// same stratum (no needless "clock hopping").
    pub sys_peer: usize,
    /// The combined estimate.
    pub combined: Combined,
}

/// Runs intersection, cluster and combine over `cands`. `None`: no candidates, or no
/// majority (then every candidate is suspect and the clock must free-run).
pub fn select(cands: &[Candidate], previous: Option<usize>) -> Option<Selection> {
    let intervals: Vec<(i64, i64)> = cands
        .iter()
        .map(|c| (c.offset_ns - c.root_dist_ns, c.offset_ns + c.root_dist_ns))
        .collect();
    let x = intersect(&intervals)?;
    let (trues, falses): (Vec<Candidate>, Vec<Candidate>) = cands.iter().partition(|c| {
        c.offset_ns - c.root_dist_ns <= x.high && c.offset_ns + c.root_dist_ns >= x.low
    });
    let truechimers = trues.iter().map(|c| c.peer).collect();
    let (survivors, outliers) = cluster(trues);
    let best = &survivors[0];
    let sys = previous
        .and_then(|p| survivors.iter().position(|c| c.peer == p))
        .filter(|&i| survivors[i].stratum == best.stratum)
        .unwrap_or(0);
    Some(Selection {
        truechimers,
        falsetickers: falses.iter().map(|c| c.peer).collect(),
        survivors: survivors.iter().map(|c| c.peer).collect(),
        outliers: outliers.iter().map(|c| c.peer).collect(),
        sys_peer: survivors[sys].peer,
        combined: combine(&survivors, sys),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS, SEC};

    fn cand(peer: usize, offset_ms: i64, dist_ms: i64, jitter_ms: i64) -> Candidate {
        Candidate {
            peer,
            offset_ns: offset_ms * MS,
            root_dist_ns: dist_ms * MS,
            stratum: 1,
            jitter_ns: jitter_ms * MS,
        }
    }

    #[test]
    fn marzullo_textbook_and_falseticker() {
        let x = intersect(&[(8, 12), (11, 13), (10, 12)]).unwrap();
        assert_eq!((x.low, x.high, x.left_out), (11, 12, 0));
        // A fourth source far off: three of four still agree on [11, 12].
        let x = intersect(&[(8, 12), (11, 13), (10, 12), (20, 22)]).unwrap();
        assert_eq!((x.low, x.high, x.left_out), (11, 12, 1));
        // Closed intervals: touching ends intersect in a point.
        assert_eq!(
            intersect(&[(0, 1), (1, 2)]).map(|x| (x.low, x.high)),
            Some((1, 1))
        );
    }

    #[test]
    fn marzullo_without_majority() {
        // Three disjoint claims: at best 1 of 3 agree, not a majority.
        assert_eq!(intersect(&[(0, 1), (2, 3), (4, 5)]), None);
        // Two clocks that disagree: which one is right? Nobody can say.
        assert_eq!(intersect(&[(0, 1), (5, 6)]), None);
        // Two of four is not a majority either.
        assert_eq!(intersect(&[(0, 2), (1, 3), (10, 12), (11, 13)]), None);
        assert_eq!(intersect(&[]), None);
    }

    #[test]
    fn root_distance_by_hand() {
        // 10 + 4 ms of delay halved = 7; + 3 root disp + 2 ε + 15 ppm × 100 s + 0.5 ψ.
        let d = root_distance(10 * MS, 4 * MS, 3 * MS, 2 * MS, 100 * SEC, MS / 2);
        assert_eq!(d, 7 * MS + 3 * MS + 2 * MS + 1_500_000 + 500_000);
        // A LAN's tiny delay is floored at MINDISP (1 ms) before halving.
        assert_eq!(root_distance(0, 100_000, 0, 0, 0, 0), MS / 2);
    }

    #[test]
    fn combine_weights_by_inverse_root_distance() {
        // θ = 10 ms (λ 10) and 30 ms (λ 30): weights 1/10 and 1/30 →
        // Θ = (10/10 + 30/30) / (1/10 + 1/30) = 2 / (4/30) = 15 ms.
        let mut a = cand(0, 10, 10, 24);
        let b = cand(1, 30, 30, 1);
        let c = combine(&[a, b], 0);
        assert_eq!(c.offset_ns, 15 * MS);
        // φ² = (20² / 30) / (4/30) = 100 → 10 ms; system jitter √(24² + 10²) = 26 ms.
        assert_eq!(c.selection_jitter_ns, 10 * MS);
        assert_eq!(c.jitter_ns, 26 * MS);
        // Equal distances: the plain mean.
        a.root_dist_ns = 30 * MS;
        assert_eq!(combine(&[a, b], 1).offset_ns, 20 * MS);
    }

    #[test]
    fn cluster_drops_outliers_down_to_three() {
        // Offsets 0, 1, 2, 4, 20 ms. Round 1: φ(20) = √((20²+19²+18²+16²)/4) = 18.3 ms,
        // the largest: dropped. Round 2: φ(4) = √((4²+3²+2²)/3) = √(29/3) = 3.11 ms, the
        // largest (φ(0) = √7 = 2.65): dropped if it exceeds the least peer jitter.
        let mk = |j| {
            vec![
                cand(0, 0, 10, j),
                cand(1, 1, 11, j),
                cand(2, 2, 12, j),
                cand(3, 4, 13, j),
                cand(4, 20, 14, j),
            ]
        };
        let (kept, out) = cluster(mk(1));
        assert_eq!(kept.iter().map(|c| c.peer).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(out.iter().map(|c| c.peer).collect::<Vec<_>>(), [4, 3]);
        // With 3.5 ms peer jitter, 3.11 ms of selection jitter is noise: keep four.
        let (kept, out) = cluster(
            mk(3)
                .into_iter()
                .map(|c| Candidate {
                    jitter_ns: 3_500_000,
                    ..c
                })
                .collect(),
        );
        assert_eq!((kept.len(), out.len()), (4, 1));
    }

    #[test]
    fn falseticker_is_excluded_and_never_system_peer() {
        let liar = cand(2, 10_000, 50, 1); // +10 s
        let cands = [cand(0, 0, 50, 1), cand(1, 10, 40, 1), liar];
        let s = select(&cands, Some(2)).unwrap();
        assert_eq!(
            (s.truechimers.clone(), s.falsetickers.clone()),
            (vec![0, 1], vec![2])
        );
        assert_eq!(s.sys_peer, 1); // least root distance
                                   // Θ = (0/50 + 10/40) / (1/50 + 1/40) = 0.25 / 0.045 = 5.556 ms.
        assert_eq!(s.combined.offset_ns, 5_555_556);
        // Keeping the old system peer when it survives at the same stratum:
        assert_eq!(select(&cands, Some(0)).unwrap().sys_peer, 0);
        // One honest source against one liar: no majority.
        assert_eq!(select(&[cands[0], liar], None), None);
    }
}
