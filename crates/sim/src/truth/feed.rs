//! The change feed's checkers: how stale each customer's map is (true time from the
//! commit to the map), what was lost or delivered twice, and the lag the service
//! reports (two clocks) beside the true one.

use crate::time::Time;
use crate::world::CustomerId;
use serde::Serialize;
use std::collections::VecDeque;

/// The publications whose lags are kept one by one (for a chart): the last 4 096 (24
/// bytes each, 96 KB). The means, minima and the count of negative reports are over
/// every publication of the run.
pub const LAGS_KEPT: usize = 4096;

/// Buckets per decade of the staleness histogram (p99 to within 2.3 %).
const PER_DECADE: f64 = 100.0;
/// Buckets: 1 ns to 10⁴ s.
const BUCKETS: usize = 1300;

/// A distribution of durations: exact count, sum, extremes; percentiles from a
/// logarithmic histogram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Durations {
    /// How many.
    pub count: u64,
    sum: i128,
    /// The smallest, ns.
    pub min: i64,
    /// The largest, ns.
    pub max: i64,
    hist: Vec<u32>,
}

impl Durations {
    /// Adds one duration, ns (negative ones count as 0 in the percentiles).
    pub fn add(&mut self, ns: i64) {
        if self.count == 0 {
            self.min = ns;
            self.max = ns;
            self.hist = vec![0; BUCKETS];
        }
        self.count += 1;
        self.sum += ns as i128;
        self.min = self.min.min(ns);
        self.max = self.max.max(ns);
        let b = if ns <= 1 {
            0
        } else {
            (libm::log10(ns as f64) * PER_DECADE) as usize
        };
        self.hist[b.min(BUCKETS - 1)] += 1;
    }

    /// The mean, ns (0 if empty).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// The `q` quantile (0..1), ns: the upper edge of its bucket, at most the maximum.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let want = libm::ceil(q * self.count as f64).max(1.0) as u64;
        let mut seen = 0u64;
        for (b, &n) in self.hist.iter().enumerate() {
            seen += n as u64;
            if seen >= want {
                let edge = libm::pow(10.0, (b + 1) as f64 / PER_DECADE);
                return edge.min(self.max as f64);
            }
        }
        self.max as f64
    }
}

/// One change published: when (true), the lag reported and the true lag, ns.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LagSample {
    /// True time of the publication.
    pub t: Time,
    /// The lag the service reported (its clock minus the commit's stamp), ns.
    pub reported_ns: i64,
    /// The true lag (true time from the commit to the publication), ns.
    pub true_ns: i64,
}

/// The lags of every publication of a run, as running aggregates (exact).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LagTotals {
    /// Publications.
    pub count: u64,
    /// Sum of the reported lags, ns.
    pub reported_sum: i128,
    /// Sum of the true lags, ns.
    pub true_sum: i128,
    /// The smallest reported lag, ns (0 before any).
    pub reported_min: i64,
    /// The smallest true lag, ns (0 before any).
    pub true_min: i64,
    /// Publications whose reported lag was negative.
    pub negative: u64,
}

impl LagTotals {
    fn add(&mut self, l: LagSample) {
        if self.count == 0 {
            self.reported_min = l.reported_ns;
            self.true_min = l.true_ns;
        }
        self.count += 1;
        self.reported_sum += l.reported_ns as i128;
        self.true_sum += l.true_ns as i128;
        self.reported_min = self.reported_min.min(l.reported_ns);
        self.true_min = self.true_min.min(l.true_ns);
        self.negative += (l.reported_ns < 0) as u64;
    }

    /// The mean reported lag, ns (0 before any).
    pub fn reported_mean(&self) -> f64 {
        self.reported_sum as f64 / self.count.max(1) as f64
    }

    /// The mean true lag, ns (0 before any).
    pub fn true_mean(&self) -> f64 {
        self.true_sum as f64 / self.count.max(1) as f64
    }
}

/// What the change feed's checkers know.
#[derive(Clone, Debug, Default)]
pub struct FeedTruth {
    /// True instant of each capture, by log position.
    captured_at: Vec<Time>,
    /// How many times each change was published.
    published: Vec<u16>,
    /// The last [`LAGS_KEPT`] publications' reported and true lags, in order.
    pub lags: VecDeque<LagSample>,
    /// Over every publication: the reported and true lags (exact running aggregates).
    pub lag: LagTotals,
    /// Staleness of every change a map applied: true time from the commit to the map.
    pub staleness: Durations,
    /// Per customer: (sum of staleness ns, changes applied).
    per_customer: Vec<(i64, u32)>,
    /// Changes applied to maps.
    pub applied: u64,
    /// Changes a map received again and dropped.
    pub duplicates_applied: u64,
    /// Clicks a live map saved (the seat showed taken before the click).
    pub avoided: u64,
    /// Listener outages: (from, to) true time; `to` is `None` while it lasts.
    pub outages: Vec<(Time, Option<Time>)>,
}

impl FeedTruth {
    /// The capture read change `lsn` at `now`.
    pub fn captured(&mut self, lsn: u32, now: Time) {
        let i = lsn as usize;
        if self.captured_at.len() <= i {
            self.captured_at.resize(i + 1, now);
            self.published.resize(i + 1, 0);
        }
        self.captured_at[i] = now;
    }

    /// The service published change `lsn` at `now`, reporting a lag of `reported_ns`.
    pub fn published(&mut self, lsn: u32, reported_ns: i64, now: Time) {
        let Some(&at) = self.captured_at.get(lsn as usize) else {
            return;
        };
        self.published[lsn as usize] = self.published[lsn as usize].saturating_add(1);
        let l = LagSample {
            t: now,
            reported_ns,
            true_ns: now - at,
        };
        self.lag.add(l);
        if self.lags.len() == LAGS_KEPT {
            self.lags.pop_front();
        }
        self.lags.push_back(l);
    }

    /// Customer `c`'s map received change `lsn` at `now`.
    pub fn applied(&mut self, c: CustomerId, lsn: u32, dup: bool, now: Time) {
        if dup {
            self.duplicates_applied += 1;
            return;
        }
        let Some(&at) = self.captured_at.get(lsn as usize) else {
            return;
        };
        let stale = now - at;
        self.applied += 1;
        self.staleness.add(stale);
        if self.per_customer.len() <= c as usize {
            self.per_customer.resize(c as usize + 1, (0, 0));
        }
        let p = &mut self.per_customer[c as usize];
        p.0 += stale;
        p.1 += 1;
    }

    /// The listener dropped (`up` false) or came back at `now`.
    pub fn listener(&mut self, up: bool, now: Time) {
        if up {
            if let Some(last) = self.outages.last_mut() {
                last.1.get_or_insert(now);
            }
        } else {
            self.outages.push((now, None));
        }
    }

    /// Changes captured at a true instant in `from..to`.
    pub fn captured_between(&self, from: Time, to: Time) -> u64 {
        self.captured_at
            .iter()
            .filter(|&&t| t >= from && t < to)
            .count() as u64
    }

    /// Changes captured so far.
    pub fn captured_count(&self) -> u64 {
        self.captured_at.len() as u64
    }

    /// Changes captured before `before` that the service never published: lost.
    pub fn lost(&self, before: Time) -> u64 {
        self.captured_at
            .iter()
            .zip(&self.published)
            .filter(|&(&t, &n)| n == 0 && t < before)
            .count() as u64
    }

    /// Publications beyond the first of their change: duplicates.
    pub fn duplicated(&self) -> u64 {
        self.published
            .iter()
            .map(|&n| n.saturating_sub(1) as u64)
            .sum()
    }

    /// Customer `c`'s mean staleness, ns, and how many changes it is over.
    pub fn customer(&self, c: CustomerId) -> Option<(f64, u32)> {
        let &(sum, n) = self.per_customer.get(c as usize)?;
        (n > 0).then(|| (sum as f64 / n as f64, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS, SEC};

    #[test]
    fn durations_mean_and_p99_by_hand() {
        let mut d = Durations::default();
        // 99 of 10 ms and one of 5 s: mean (99 × 10 + 5 000) / 100 = 59.9 ms; p99 is
        // the 99th value, 10 ms (within the bucket's 2.3 %); p100 the 5 s.
        for _ in 0..99 {
            d.add(10 * MS);
        }
        d.add(5 * SEC);
        assert!((d.mean() - 59.9e6).abs() < 1.0);
        let p99 = d.quantile(0.99);
        assert!((10e6..=10.24e6).contains(&p99), "{p99}");
        assert_eq!(d.quantile(1.0), 5e9);
    }

    /// More publications than are kept one by one: the totals are over all of them.
    #[test]
    fn lags_keep_exact_totals_and_the_last_publications() {
        let mut f = FeedTruth::default();
        let n = LAGS_KEPT as u32 + 1000;
        for lsn in 0..n {
            f.captured(lsn, Time(lsn as i64 * SEC));
        }
        // Change i is published i ms after its capture and reported 2 ms short (the
        // service's clock 2 ms slow).
        for lsn in 0..n {
            let true_ns = lsn as i64 * MS;
            f.published(lsn, true_ns - 2 * MS, Time(lsn as i64 * SEC + true_ns));
        }
        assert_eq!(f.lags.len(), LAGS_KEPT);
        assert_eq!(f.lags.front().map(|l| l.true_ns), Some(1000 * MS));
        assert_eq!(f.lag.count, n as u64);
        // True lags 0, 1, …, n − 1 ms: mean (n − 1) / 2 = 2 547.5 ms, minimum 0; the
        // reports 2 ms less, negative for the first two (−2 and −1 ms).
        assert_eq!(f.lag.true_mean(), 2_547.5e6);
        assert_eq!(f.lag.reported_mean(), 2_545.5e6);
        assert_eq!((f.lag.true_min, f.lag.reported_min), (0, -2 * MS));
        assert_eq!(f.lag.negative, 2);
    }

    #[test]
    fn lost_and_duplicated_from_publications() {
        let mut f = FeedTruth::default();
        let t = Time(36_000 * SEC);
        for lsn in 0..4 {
            f.captured(lsn, t);
        }
        // 0 published once, 1 twice, 2 three times, 3 never.
        f.published(0, 0, t);
        f.published(1, 0, t);
        f.published(1, 0, t);
        for _ in 0..3 {
            f.published(2, 0, t);
        }
        assert_eq!(f.duplicated(), 1 + 2);
        assert_eq!(f.lost(t + SEC), 1);
        assert_eq!(f.lost(t), 0, "not lost before its time");
    }
}
