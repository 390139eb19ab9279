//! The cache's checkers: hit ratio, stale serves (a page from the cache that is not
//! the seat's true state) and how long a key stayed stale, and the load the readers
//! put on the database.
//!
//! Bounded whatever the run's length (docs/MEMORY.md): the counts, the peak and the
//! latencies' mean and extremes are exact running aggregates; the latencies'
//! percentiles come from a logarithmic histogram ([`Durations`]: 1 300 buckets, at most
//! 2.3 % above the exact value); the per-second counters keep the last
//! [`SECONDS_KEPT`] seconds that had a page or a query.

use super::feed::Durations;
use super::Truth;
use crate::hall::SeatId;
use crate::msg::{Addr, Layer};
use crate::obs::{Obs, PageSource};
use crate::time::{Time, SEC};
use serde::Serialize;
use std::collections::VecDeque;

/// The per-second counters kept: the last 10 minutes of true time that had a page or
/// a query (32 bytes each, 19 KB).
pub const SECONDS_KEPT: usize = 600;

/// One second of true time, as the readers lived it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct CacheSecond {
    /// The second, since midnight.
    pub second: i64,
    /// Pages served.
    pub pages: u32,
    /// Pages the cache answered.
    pub from_cache: u32,
    /// Queries that reached the database.
    pub db_queries: u32,
    /// Error pages (a query waited too long).
    pub errors: u32,
    /// The slowest page, ns.
    pub latency_max_ns: i64,
}

/// What the cache's checkers know and count.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CacheTruth {
    /// Pages served to the readers.
    pub pages: u64,
    /// Pages the cache answered (hits, and waits for another reader's fill).
    pub from_cache: u64,
    /// Pages the cache answered whose value was not the seat's true state.
    pub stale_serves: u64,
    /// Pages the database answered whose value was not the seat's true state (a
    /// lagging replica).
    pub stale_db: u64,
    /// The longest time one key was served stale: from its first stale serve to the
    /// last before a page showed the truth again, ns.
    pub stale_window_max_ns: i64,
    /// Per seat: its first and last stale serve in the current stretch.
    #[serde(skip)]
    stale_since: Vec<Option<(Time, Time)>>,
    /// Queries that reached the database.
    pub db_queries: u64,
    /// The most queries waiting at the database at once.
    pub db_queue_max: u32,
    /// Error pages.
    pub errors: u64,
    /// The pages' latencies, ns: exact count, mean and extremes, percentiles from a
    /// histogram.
    #[serde(skip)]
    pub latency: Durations,
    /// The most queries the database got in one second of true time (exact, over the
    /// whole run).
    pub db_peak: u32,
    /// Per second of true time with a page or a query: the last [`SECONDS_KEPT`].
    pub seconds: VecDeque<CacheSecond>,
    /// True time the cache was down, ns (closed windows), and since when it is.
    pub down_ns: i64,
    #[serde(skip)]
    down_since: Option<Time>,
}

impl CacheTruth {
    fn second(&mut self, now: Time) -> &mut CacheSecond {
        let second = now.0.div_euclid(SEC);
        if self.seconds.back().is_none_or(|s| s.second != second) {
            if self.seconds.len() == SECONDS_KEPT {
                self.seconds.pop_front();
            }
            self.seconds.push_back(CacheSecond {
                second,
                ..CacheSecond::default()
            });
        }
        self.seconds.back_mut().expect("just pushed")
    }

    /// The share of pages the cache answered (0 before any page).
    pub fn hit_ratio(&self) -> f64 {
        if self.pages == 0 {
            0.0
        } else {
            self.from_cache as f64 / self.pages as f64
        }
    }

    /// The most queries the database got in one second.
    pub fn db_peak_per_s(&self) -> u32 {
        self.db_peak
    }

    /// The pages' latency at quantile `q` (0..1), ns (0 before any page): the upper
    /// edge of the histogram's bucket that holds it (at most 2.3 % above the exact
    /// value), never above the slowest page.
    pub fn latency_quantile(&self, q: f64) -> i64 {
        self.latency.quantile(q).round() as i64
    }

    /// True time the cache was down until `now`, ns.
    pub fn down_until(&self, now: Time) -> i64 {
        self.down_ns + self.down_since.map_or(0, |s| now - s)
    }

    fn stale(&mut self, seat: SeatId, stale: bool, now: Time) {
        let i = seat as usize;
        if self.stale_since.len() <= i {
            self.stale_since.resize(i + 1, None);
        }
        match (stale, self.stale_since[i]) {
            (true, None) => self.stale_since[i] = Some((now, now)),
            (true, Some((from, _))) => self.stale_since[i] = Some((from, now)),
            (false, Some(_)) => self.stale_since[i] = None,
            (false, None) => {}
        }
        if let Some((from, to)) = self.stale_since[i] {
            self.stale_window_max_ns = self.stale_window_max_ns.max(to - from);
        }
    }
}

impl Truth {
    /// Takes one of the cache's observations (and the database's queries).
    pub(super) fn on_cache(&mut self, now: Time, from: Addr, obs: Obs) {
        match obs {
            Obs::DbQueried { queued } if from.layer == Layer::Data => {
                let c = &mut self.cache;
                c.db_queries += 1;
                c.db_queue_max = c.db_queue_max.max(queued);
                let s = c.second(now);
                s.db_queries += 1;
                let n = s.db_queries;
                c.db_peak = c.db_peak.max(n);
            }
            Obs::Page {
                seat,
                held,
                source,
                latency_ns,
            } => {
                let truly_held = !self.seats[seat as usize].holders.is_empty();
                let c = &mut self.cache;
                c.pages += 1;
                c.latency.add(latency_ns);
                let s = c.second(now);
                s.pages += 1;
                s.latency_max_ns = s.latency_max_ns.max(latency_ns);
                if source == PageSource::Error {
                    s.errors += 1;
                    c.errors += 1;
                    return;
                }
                let wrong = held != truly_held;
                if source.from_cache() {
                    s.from_cache += 1;
                    c.from_cache += 1;
                    c.stale_serves += wrong as u64;
                    c.stale(seat, wrong, now);
                } else {
                    c.stale_db += wrong as u64;
                    if !wrong {
                        c.stale(seat, false, now);
                    }
                }
            }
            Obs::CacheDown { down } => {
                let c = &mut self.cache;
                match (down, c.down_since) {
                    (true, None) => c.down_since = Some(now),
                    (false, Some(s)) => {
                        c.down_ns += now - s;
                        c.down_since = None;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS;
    use crate::truth::Judge;

    /// 1 000 seconds with three pages each (1, 2 and 3 ms) and one database query,
    /// seven in second 123: the counts and the peak are exact over the whole run, the
    /// last 600 seconds are kept, the percentiles are within the histogram's 2.3 %.
    #[test]
    fn a_long_run_keeps_exact_counts_and_only_the_last_seconds() {
        let judge = Judge {
            opening: Time(0),
            ttl: 0,
            token_ttl: 0,
            leeway: 0,
        };
        let mut t = Truth::new(judge, 10, 1, 0);
        let data = Addr::new(Layer::Data, 0);
        let readers = Addr::new(Layer::CacheReaders, 0);
        for s in 0..1000i64 {
            for k in 0..3i64 {
                let page = Obs::Page {
                    seat: 0,
                    held: false,
                    source: PageSource::Hit,
                    latency_ns: (k + 1) * MS,
                };
                t.on_cache(Time(s * SEC + k * MS), readers, page);
            }
            for _ in 0..if s == 123 { 7 } else { 1 } {
                let q = Obs::DbQueried { queued: 0 };
                t.on_cache(Time(s * SEC + 500 * MS), data, q);
            }
        }
        let c = &t.cache;
        assert_eq!((c.pages, c.from_cache, c.stale_serves), (3000, 3000, 0));
        assert_eq!(c.db_queries, 999 + 7);
        // Second 123 left the window long ago; its peak stays.
        assert_eq!(c.db_peak_per_s(), 7);
        assert_eq!(c.seconds.len(), SECONDS_KEPT);
        assert_eq!(c.seconds.front().map(|s| s.second), Some(400));
        assert_eq!(c.seconds.back().map(|s| s.second), Some(999));
        assert!(c
            .seconds
            .iter()
            .all(|s| s.pages == 3 && s.db_queries == 1 && s.latency_max_ns == 3 * MS));
        // Mean (1 + 2 + 3) / 3 = 2 ms exactly; the median is 2 ms, read as its bucket's
        // upper edge (10^6.31 ns = 2.042 ms); the 99th percentile 3 ms, the maximum.
        assert_eq!(c.latency.mean(), 2e6);
        let p50 = c.latency_quantile(0.5);
        assert!((2 * MS..=2 * MS * 1023 / 1000).contains(&p50), "{p50}");
        assert_eq!(c.latency_quantile(0.99), 3 * MS);
    }
}
