//! The cache's checkers: hit ratio, stale serves (a page from the cache that is not
//! the seat's true state) and how long a key stayed stale, and the load the readers
//! put on the database.

use super::Truth;
use crate::hall::SeatId;
use crate::msg::{Addr, Layer};
use crate::obs::{Obs, PageSource};
use crate::time::{Time, SEC};
use serde::Serialize;

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
    /// Every page's latency, ns (for the percentiles).
    #[serde(skip)]
    pub latencies: Vec<i64>,
    /// Per second of true time.
    pub seconds: Vec<CacheSecond>,
    /// True time the cache was down, ns (closed windows), and since when it is.
    pub down_ns: i64,
    #[serde(skip)]
    down_since: Option<Time>,
}

impl CacheTruth {
    fn second(&mut self, now: Time) -> &mut CacheSecond {
        let second = now.0.div_euclid(SEC);
        if self.seconds.last().is_none_or(|s| s.second != second) {
            self.seconds.push(CacheSecond {
                second,
                ..CacheSecond::default()
            });
        }
        self.seconds.last_mut().expect("just pushed")
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
        self.seconds.iter().map(|s| s.db_queries).max().unwrap_or(0)
    }

    /// The pages' latency at quantile `q` (0..1), ns (0 before any page).
    pub fn latency_quantile(&self, q: f64) -> i64 {
        let mut l = self.latencies.clone();
        if l.is_empty() {
            return 0;
        }
        crate::order::sort_i64(&mut l);
        let i = ((l.len() as f64 * q).ceil() as usize).clamp(1, l.len()) - 1;
        l[i]
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
                c.second(now).db_queries += 1;
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
                c.latencies.push(latency_ns);
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
