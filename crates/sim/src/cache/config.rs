//! The cache's configuration (beside its node, importing nothing of it: the run's
//! [`crate::config::Config`] holds it).

use crate::error::{check_range, ConfigError};
use serde::{Deserialize, Serialize};

/// The cache's failure: it is down for a window (its memory lost when it comes back).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheFault {
    /// The cache goes down at this instant, seconds since midnight (default none).
    pub down_from_s: Option<f64>,
    /// … and comes back, empty, at this instant, seconds since midnight.
    pub down_to_s: f64,
}

/// A cache-aside layer in front of the seat-state reads of browsing customers (off by
/// default). The readers' pages ask the cache first; on a miss they query the database
/// (the node `data.reads` names) and put the answer in the cache; a server deletes a
/// seat's key once a write to that seat commits. Needs the data path (`data.enabled`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Whether the cache and its readers run (default false).
    pub enabled: bool,
    /// How long a key lives once set, by the cache's own clock, seconds (default 60).
    pub ttl_s: f64,
    /// Single-flight: while one reader fills a missing key, the others asking for it
    /// wait for that fill instead of querying the database (default false).
    pub single_flight: bool,
    /// Single-flight: how long the cache waits for a fill before it lets another
    /// reader query the database, ms by its clock (default 2000).
    pub fill_timeout_ms: f64,
    /// Browsing customers reading seat states, each waiting for its page before the
    /// next (default 200).
    pub readers: u32,
    /// Mean time between a reader's page and its next (exponential), seconds (default 1).
    pub refresh_s: f64,
    /// The share of reads of the hottest seat (the hot key); the others pick a seat by
    /// its popularity (default 0.5).
    pub hot_share: f64,
    /// The readers start at this instant, seconds since midnight (default 36 000: the
    /// opening)…
    pub from_s: f64,
    /// … each at a random moment within this many seconds (default 1)…
    pub ramp_s: f64,
    /// … and stop reading after this many seconds (default 120; at most 86 400, a day).
    pub for_s: f64,
    /// The database's capacity for the readers' queries, queries per second (default 1000).
    pub db_capacity_per_s: f64,
    /// How long one query takes on its own, ms (default 100: the seat's page with its
    /// section's availability).
    pub db_query_ms: f64,
    /// A query that waited longer than this for its turn fails, ms by the database's
    /// clock (default 1000).
    pub db_timeout_ms: f64,
    /// The cache's failure (default none).
    pub fault: CacheFault,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: false,
            ttl_s: 60.0,
            single_flight: false,
            fill_timeout_ms: 2000.0,
            readers: 200,
            refresh_s: 1.0,
            hot_share: 0.5,
            from_s: 36_000.0,
            ramp_s: 1.0,
            for_s: 120.0,
            db_capacity_per_s: 1000.0,
            db_query_ms: 100.0,
            db_timeout_ms: 1000.0,
            fault: CacheFault::default(),
        }
    }
}

impl CacheConfig {
    /// How many queries the database runs at once: its capacity times a query's
    /// duration, at least one.
    pub fn db_slots(&self) -> u32 {
        ((self.db_capacity_per_s * self.db_query_ms / 1000.0).round() as u32).max(1)
    }

    /// Checks every range; `data_path`: whether the data path is on.
    pub fn validate(&self, data_path: bool) -> Result<(), ConfigError> {
        if self.enabled && !data_path {
            return Err(ConfigError::new(
                "cache.enabled",
                "the cache sits in front of the data path's database nodes: turn on \
                 data.enabled too",
            ));
        }
        check_range("cache.ttl_s", self.ttl_s, 0.001, 86_400.0, " s")?;
        check_range(
            "cache.fill_timeout_ms",
            self.fill_timeout_ms,
            1.0,
            600_000.0,
            " ms",
        )?;
        check_range("cache.readers", self.readers as f64, 0.0, 20_000.0, "")?;
        check_range("cache.refresh_s", self.refresh_s, 0.01, 3_600.0, " s")?;
        check_range("cache.hot_share", self.hot_share, 0.0, 1.0, "")?;
        check_range(
            "cache.from_s",
            self.from_s,
            0.0,
            86_400.0,
            " s since midnight",
        )?;
        check_range("cache.ramp_s", self.ramp_s, 0.0, 3_600.0, " s")?;
        check_range("cache.for_s", self.for_s, 0.0, 86_400.0, " s")?;
        check_range(
            "cache.db_capacity_per_s",
            self.db_capacity_per_s,
            1.0,
            1_000_000.0,
            " queries/s",
        )?;
        check_range(
            "cache.db_query_ms",
            self.db_query_ms,
            0.001,
            60_000.0,
            " ms",
        )?;
        check_range(
            "cache.db_timeout_ms",
            self.db_timeout_ms,
            0.0,
            600_000.0,
            " ms",
        )?;
        if let Some(from) = self.fault.down_from_s {
            check_range(
                "cache.fault.down_from_s",
                from,
                0.0,
                86_400.0,
                " s since midnight",
            )?;
            check_range(
                "cache.fault.down_to_s",
                self.fault.down_to_s,
                from,
                86_400.0,
                " s since midnight, not before down_from_s",
            )?;
        }
        Ok(())
    }
}
