//! What every run measures (docs/MODEL.md, "What every run measures"): counters, per-server figures, and the history
//! the charts draw.

use crate::time::{Time, MS};
use serde::Serialize;

/// The run's counters, cumulative since the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Metrics {
    /// Requests that left a customer (seat requests and payments).
    pub requests: u64,
    /// Seat requests confirmed (a hold granted).
    pub confirmed: u64,
    /// Requests refused, for any reason.
    pub refused: u64,
    /// Requests no server ever decided (lost in the network: the customer timed out).
    pub timed_out: u64,
    /// Customers who gave up waiting for an answer, including those whose request a
    /// server decided after they left (behind a queue, a lock, a commit-wait).
    pub gave_up: u64,
    /// Payments accepted: seats sold.
    pub paid: u64,
    /// Times a seat became confirmed to two customers at once.
    pub double_bookings: u64,
    /// Double bookings resolved so far (a merge or an audit took one back).
    pub double_bookings_resolved: u64,
    /// Total time double bookings lasted until resolved, nanoseconds.
    pub double_booking_ns: i64,
    /// Confirmed holds taken back by a merge or an audit.
    pub revoked: u64,
    /// Seats that went to a customer who was not the first, in true time, to ask.
    pub wrong_winners: u64,
    /// Log lines stamped earlier than a line written before them in true time.
    pub order_inversions: u64,
    /// Seats confirmed before the official opening (true time).
    pub early_sales: u64,
    /// Customers refused by a wrong clock (opening or token) whom true time would have served.
    pub wrongly_refused: u64,
    /// Refusals because the server's clock said the sale was not open.
    pub not_open_refusals: u64,
    /// Refusals because of a token's `nbf`/`exp` by the server's clock.
    pub token_refusals: u64,
    /// Refusals because the seat was taken.
    pub taken_refusals: u64,
    /// Requests refused before any server decided them: connection refused by a crashed
    /// instance, no instance up, or the gateway's timeout (HTTP 502, 503, 504).
    pub unavailable: u64,
    /// Requests the gateway refused for exceeding a customer's rate limit (HTTP 429).
    pub rate_limited: u64,
    /// Holds judged expired before their time-to-live had passed in true time.
    pub premature_expiries: u64,
    /// Holds judged still valid after their time-to-live had passed in true time.
    pub late_expiries: u64,
    /// Holds released as expired (rightly or not).
    pub expiries: u64,
    /// `tso`: claims refused because no timestamp came from the oracle in time.
    pub unstamped_refusals: u64,
    /// Fail closed: requests refused because the server's NTP client was not
    /// synchronised.
    pub unsynchronized_refusals: u64,
}

impl Metrics {
    /// Mean time a double booking lasted before it was detected and undone, in ms.
    pub fn double_booking_mean_ms(&self) -> f64 {
        if self.double_bookings_resolved == 0 {
            0.0
        } else {
            self.double_booking_ns as f64 / self.double_bookings_resolved as f64 / MS as f64
        }
    }
}

/// Per-server counters and response times.
#[derive(Clone, Debug, Default)]
pub struct ServerStats {
    /// Requests that reached the server.
    pub requests: u64,
    /// Seats it confirmed.
    pub confirmed: u64,
    /// Requests it refused.
    pub refused: u64,
    /// Requests routed to it that failed: connection refused, or no answer before the
    /// gateway's timeout.
    pub errors: u64,
    /// Response times (customer send → answer received), nanoseconds, in arrival order.
    pub response_ns: Vec<i64>,
}

/// Summary statistics of a set of durations, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile (nearest rank).
    pub p99_ms: f64,
}

/// Mean, median and 99th percentile (nearest-rank) of `samples` in nanoseconds.
///
/// In time linear in the samples (two selections, no sort): a big run's report has
/// hundreds of thousands of them.
pub fn percentiles(samples: &[i64]) -> Percentiles {
    if samples.is_empty() {
        return Percentiles::default();
    }
    let n = samples.len();
    let rank = |p: f64| ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
    let (i50, i99) = (rank(0.5), rank(0.99));
    let mut v = samples.to_vec();
    let (below, &mut p99, _) = v.select_nth_unstable(i99);
    // i50 ≤ i99, and `below` holds the i99 smallest samples.
    let p50 = if i50 == i99 {
        p99
    } else {
        *below.select_nth_unstable(i50).1
    };
    Percentiles {
        mean_ms: mean(samples) / MS as f64,
        p50_ms: p50 as f64 / MS as f64,
        p99_ms: p99 as f64 / MS as f64,
    }
}

/// The mean of `samples`, exactly as summing them as `f64` in ascending order gives it.
///
/// Summed as integers: while the sum of magnitudes stays below 2^53 every partial `f64`
/// sum is exact, so the order does not matter and the integer sum is the same number.
/// Beyond (never for response times in a sale of hours), sort and sum as floats.
fn mean(samples: &[i64]) -> f64 {
    let (sum, magnitude) = samples.iter().fold((0i128, 0u128), |(s, m), &x| {
        (s + x as i128, m + x.unsigned_abs() as u128)
    });
    if magnitude < 1 << f64::MANTISSA_DIGITS {
        sum as f64 / samples.len() as f64
    } else {
        let mut v = samples.to_vec();
        crate::order::sort_i64(&mut v);
        v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64
    }
}

/// Population standard deviation of `xs`.
pub fn std_dev(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    libm::sqrt(xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / xs.len() as f64)
}

/// The most points a [`History`] keeps per series: 8 192 (2¼ hours at one a second).
/// A longer run keeps every other point each time a series reaches it, and samples
/// half as often from then on (docs/MEMORY.md): a 24-hour run ends with points 16 s
/// apart, between 4 096 and 8 192 of them.
pub const HISTORY_CAP: usize = 8192;

/// The charts' data: one sample per second of true time (fewer past [`HISTORY_CAP`]:
/// see [`History::halve`]). Read the instants from [`History::t`], never from the
/// indices.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Sample instants (true time).
    pub t: Vec<Time>,
    /// Each server's clock offset at each sample, nanoseconds: `offsets[server][k]`.
    pub offsets: Vec<Vec<i64>>,
    /// Each server's mean response time over the second before each sample, ms
    /// (NaN when it answered nobody): `response_ms[server][k]`.
    pub response_ms: Vec<Vec<f32>>,
    /// The counters at each sample.
    pub metrics: Vec<Metrics>,
    /// Each server's NTP jitter at each sample, ms (NaN while NTP is off).
    pub ntp_jitter_ms: Vec<Vec<f32>>,
    /// Each server's NTP round-trip delay to its system peer, ms (NaN while NTP is off).
    pub ntp_delay_ms: Vec<Vec<f32>>,
}

impl History {
    /// Points kept so far (the length of every series).
    pub fn len(&self) -> usize {
        self.t.len()
    }

    /// Whether no point was kept yet.
    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }

    /// Keeps every other point (the first, the third, …) of every series: the spacing
    /// doubles, the memory halves.
    pub fn halve(&mut self) {
        fn keep_even<T>(v: &mut Vec<T>) {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                i % 2 == 1
            });
        }
        keep_even(&mut self.t);
        keep_even(&mut self.metrics);
        for series in [
            &mut self.response_ms,
            &mut self.ntp_jitter_ms,
            &mut self.ntp_delay_ms,
        ] {
            series.iter_mut().for_each(keep_even);
        }
        self.offsets.iter_mut().for_each(keep_even);
    }

    /// Empty series for `servers` servers, with room for `samples` samples each.
    pub fn with_capacity(servers: usize, samples: usize) -> History {
        // Not `vec![Vec::with_capacity(..); n]`: a clone keeps no spare capacity.
        fn series<T>(servers: usize, samples: usize) -> Vec<Vec<T>> {
            (0..servers).map(|_| Vec::with_capacity(samples)).collect()
        }
        History {
            t: Vec::with_capacity(samples),
            offsets: series(servers, samples),
            response_ms: series(servers, samples),
            metrics: Vec::with_capacity(samples),
            ntp_jitter_ms: series(servers, samples),
            ntp_delay_ms: series(servers, samples),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=100).map(|k| k * MS).collect();
        let p = percentiles(&v);
        assert_eq!(p.p50_ms, 50.0);
        assert_eq!(p.p99_ms, 99.0);
        assert_eq!(p.mean_ms, 50.5);
        assert_eq!(percentiles(&[]).p99_ms, 0.0);
        assert_eq!(percentiles(&[7 * MS]).p50_ms, 7.0);
    }

    /// The selections give what sorting gives, bit for bit, mean included.
    #[test]
    fn same_as_sorting() {
        let sorted = |s: &[i64]| {
            let mut v = s.to_vec();
            v.sort_unstable();
            let rank = |p: f64| {
                v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1] as f64 / MS as f64
            };
            let mean = v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64 / MS as f64;
            Percentiles {
                mean_ms: mean,
                p50_ms: rank(0.5),
                p99_ms: rank(0.99),
            }
        };
        let mut rng = crate::rng::Rng::stream(3, 0);
        for n in [1, 2, 3, 7, 99, 100, 101, 1000, 20_011] {
            let s: Vec<i64> = (0..n)
                .map(|_| (rng.lognormal(50.0, 0.8) * MS as f64) as i64 - 3 * MS)
                .collect();
            assert_eq!(percentiles(&s), sorted(&s), "{n}");
        }
        // Past 2^53 in magnitude, floats summed in ascending order, as before.
        let huge = [i64::MAX / 3, 5, i64::MAX / 7, -(i64::MAX / 5), 1 << 53];
        assert_eq!(percentiles(&huge), sorted(&huge));
    }

    /// A series never holds more than [`HISTORY_CAP`] points however many samples are
    /// pushed, and halving keeps the first, third, … points.
    #[test]
    fn halving_keeps_every_other_point() {
        let mut h = History::with_capacity(1, 4);
        for k in 0..6 {
            h.t.push(Time(k));
            h.offsets[0].push(k * 10);
            h.response_ms[0].push(k as f32);
            h.metrics.push(Metrics {
                requests: k as u64,
                ..Default::default()
            });
            h.ntp_jitter_ms[0].push(0.0);
            h.ntp_delay_ms[0].push(0.0);
        }
        h.halve();
        assert_eq!(h.t, [Time(0), Time(2), Time(4)]);
        assert_eq!(h.offsets[0], [0, 20, 40]);
        assert_eq!(h.response_ms[0], [0.0, 2.0, 4.0]);
        assert_eq!(h.metrics[2].requests, 4);
        assert_eq!(h.ntp_delay_ms[0].len(), 3);
    }

    #[test]
    fn spread() {
        assert!((std_dev(&[0.0, -30.0, 15.0, -8.0, 12.0]) - libm::sqrt(261.76)).abs() < 1e-9);
        assert_eq!(std_dev(&[]), 0.0);
    }
}
