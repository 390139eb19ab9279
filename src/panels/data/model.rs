//! The data view's model: the database nodes (role, log, replication lag, clock), what
//! each server's proxy takes for the primary, the leader key, and the data path's
//! measures, read from the run.

use driftlab_sim::data::{Failover, Role, NO_NODE};
use driftlab_sim::hall::Hall;
use driftlab_sim::{Layer, Sim};

/// One database node as the view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct DbView {
    /// `db-1`, `db-2`, …
    pub name: String,
    /// What it is now.
    pub role: Role,
    /// Log entries it has.
    pub applied: u32,
    /// Entries the primary has that it has not applied yet (0 for a primary).
    pub behind: u32,
    /// Its clock's error now, s.
    pub offset_s: f64,
    /// Its replication lag as it reports it (its clock minus the primary's at commit),
    /// mean, ms; `None` before it applied anything.
    pub lag_ms: Option<f64>,
}

/// One server's proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyView {
    /// The node it sends writes to (0-based).
    pub target: u8,
    /// Whether it takes it for up.
    pub up: bool,
    /// Statements it refused for want of a primary.
    pub refused: u64,
}

/// One key of the cache as the view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyView {
    /// The seat.
    pub seat: u32,
    /// Its label (`A10`).
    pub label: String,
    /// Its cached value: held (or free); `None`: not in the cache.
    pub held: Option<bool>,
    /// Time left before it expires by the cache's clock, s.
    pub ttl_left_s: f64,
    /// Whether the cached value is not the seat's true state now.
    pub stale: bool,
}

/// The cache at a glance.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheView {
    /// Whether it is down.
    pub down: bool,
    /// Keys' time-to-live, s.
    pub ttl_s: f64,
    /// Whether single-flight is on.
    pub single_flight: bool,
    /// Pages served, and the share the cache answered.
    pub pages: u64,
    /// The share of pages the cache answered, 0..1.
    pub hit_ratio: f64,
    /// Pages from the cache that were not the seat's state.
    pub stale_serves: u64,
    /// Queries that reached the database, and the most in one second.
    pub db_queries: u64,
    /// The most in one second.
    pub db_peak_per_s: u32,
    /// Queries in the last whole second.
    pub db_last_s: u32,
    /// Error pages.
    pub errors: u64,
    /// The most popular seats' keys, the hot key first.
    pub keys: Vec<KeyView>,
}

/// How many keys the view shows (the most popular seats).
pub const KEYS_SHOWN: usize = 6;

impl CacheView {
    /// The view of `sim`'s cache, if it has one.
    pub fn of(sim: &Sim) -> Option<CacheView> {
        let cfg = &sim.config().cache;
        let cache = sim.cache()?;
        let r = sim.cache_report()?;
        let k = sim.kernel();
        let h = k.homes(Layer::Cache)[0];
        let local = k.hosts[h as usize].clock.read(sim.now());
        let hall = Hall::new(&sim.config().hall);
        // Most popular first, ties by seat number.
        let seats: Vec<u32> = driftlab_sim::order::order_by(hall.len(), &mut |a, b| {
            hall.popularity(b as u32)
                .total_cmp(&hall.popularity(a as u32))
        })
        .into_iter()
        .map(|s| s as u32)
        .collect();
        let cached = cache.keys(local);
        let truth = &sim.truth().seats;
        let keys = seats
            .into_iter()
            .take(KEYS_SHOWN)
            .map(|seat| {
                let c = cached.iter().find(|k| k.0 == seat);
                let truly = !truth[seat as usize].holders.is_empty();
                KeyView {
                    seat,
                    label: hall.label(seat),
                    held: c.map(|k| k.1),
                    ttl_left_s: c.map_or(0.0, |k| k.2 as f64 / 1e9),
                    stale: c.is_some_and(|k| k.1 != truly),
                }
            })
            .collect();
        let seconds = &sim.truth().cache.seconds;
        let db_last_s = seconds.iter().rev().nth(1).map_or(0, |s| s.db_queries);
        Some(CacheView {
            down: cache.is_down(),
            ttl_s: cfg.ttl_s,
            single_flight: cfg.single_flight,
            pages: r.pages,
            hit_ratio: r.hit_ratio,
            stale_serves: r.stale_serves,
            db_queries: r.db_queries,
            db_peak_per_s: r.db_peak_per_s,
            db_last_s,
            errors: r.errors,
            keys,
        })
    }
}

/// The width of a key's TTL bar, 0 to 1: full when just set.
pub fn ttl_fill(left_s: f64, ttl_s: f64) -> f64 {
    if ttl_s <= 0.0 {
        0.0
    } else {
        (left_s / ttl_s).clamp(0.0, 1.0)
    }
}

/// The data path at a glance; `None` when the run does not use it.
#[derive(Clone, Debug, PartialEq)]
pub struct DataView {
    /// Who promotes a replica.
    pub failover: Failover,
    /// Whether a primary fences itself (`auto`).
    pub fencing: bool,
    /// Every database node, `db-1` first.
    pub nodes: Vec<DbView>,
    /// Every server's proxy, `server-1`'s first.
    pub proxies: Vec<ProxyView>,
    /// The leader key's holder (`auto`), if any.
    pub leader: Option<u8>,
    /// Confirmed holds lost at a failover, and their seats resold.
    pub writes_lost: u64,
    /// Seats of lost holds sold again.
    pub resold: u64,
    /// Reads answered, and those that were stale.
    pub reads: u64,
    /// Stale reads.
    pub stale_reads: u64,
    /// Time without a primary since a crash, s.
    pub no_primary_s: f64,
    /// Requests refused for want of a primary.
    pub refused: u64,
    /// The most primaries at once.
    pub max_primaries: u32,
    /// True time with two primaries, s.
    pub split_brain_s: f64,
    /// The cache, if the run has one.
    pub cache: Option<CacheView>,
}

impl DataView {
    /// The view of `sim`'s data path, if it has one.
    pub fn of(sim: &Sim) -> Option<DataView> {
        let cfg = &sim.config().data;
        if !cfg.enabled {
            return None;
        }
        let r = sim.data_report()?;
        let nodes = &sim.nodes().data;
        let head = nodes
            .iter()
            .filter(|n| n.role() == Role::Primary)
            .map(|n| n.applied())
            .max()
            .unwrap_or(0);
        let k = sim.kernel();
        let now = sim.now();
        let views = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let h = k.homes(Layer::Data)[i];
                DbView {
                    name: format!("db-{}", i + 1),
                    role: n.role(),
                    applied: n.applied(),
                    behind: if n.role() == Role::Replica {
                        head.saturating_sub(n.applied())
                    } else {
                        0
                    },
                    offset_s: k.hosts[h as usize].clock.offset(now) as f64 / 1e9,
                    lag_ms: n.reported_lag().map(|(m, _)| m / 1e6),
                }
            })
            .collect();
        let proxies = sim
            .nodes()
            .data_proxies
            .iter()
            .map(|p| {
                let (target, up) = p.target();
                ProxyView {
                    target,
                    up,
                    refused: p.refused(),
                }
            })
            .collect();
        let leader = sim
            .nodes()
            .data_control
            .first()
            .map(|c| c.key().0)
            .filter(|&l| l != NO_NODE && cfg.failover == Failover::Auto);
        Some(DataView {
            failover: cfg.failover,
            fencing: cfg.fencing,
            nodes: views,
            proxies,
            leader,
            writes_lost: r.writes_lost,
            resold: r.resold,
            reads: r.reads,
            stale_reads: r.stale_reads,
            no_primary_s: r.write_outage_s,
            refused: r.refused_no_primary,
            max_primaries: r.max_primaries,
            split_brain_s: r.split_brain_s,
            cache: CacheView::of(sim),
        })
    }
}

/// A role's class name (its badge's colour).
pub fn role_class(r: Role) -> &'static str {
    match r {
        Role::Primary => "primary",
        Role::Replica => "replica",
        Role::Demoted => "demoted",
        Role::Crashed => "crashed",
    }
}

/// The width of a lag bar, 0 to 1: a second of lag fills it.
pub fn lag_fill(lag_ms: Option<f64>) -> f64 {
    lag_ms.map_or(0.0, |l| (l / 1000.0).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::presets;
    use driftlab_sim::time::SEC;
    use driftlab_sim::Time;

    #[test]
    fn no_data_path_no_view() {
        let sim = Sim::new(presets::preset("reset").unwrap()).unwrap();
        assert_eq!(DataView::of(&sim), None);
    }

    /// `failover_auto` before and after the crash at 10:00:30: db-1 primary, db-2 a
    /// replica about 120 ms behind (100 ms + 20 ms mean + the LAN); 40 s after the
    /// crash db-2 is the primary, every proxy points at it, db-2 holds the lease.
    #[test]
    fn a_failover_moves_the_primary_and_the_proxies() {
        let mut cfg = presets::preset("failover_auto").unwrap();
        cfg.crowd.customers = 600;
        let mut sim = Sim::new(cfg).unwrap();
        sim.run_until(Time::from_hms(10, 0, 20));
        let v = DataView::of(&sim).unwrap();
        let roles: Vec<Role> = v.nodes.iter().map(|n| n.role).collect();
        assert_eq!(roles, [Role::Primary, Role::Replica]);
        let lag = v.nodes[1].lag_ms.unwrap();
        assert!((100.0..160.0).contains(&lag), "{lag}");
        assert_eq!(v.leader, Some(0));
        assert!(v.proxies.iter().all(|p| p.target == 0 && p.up));
        sim.run_until(Time::from_hms(10, 0, 30) + 40 * SEC);
        let v = DataView::of(&sim).unwrap();
        let roles: Vec<Role> = v.nodes.iter().map(|n| n.role).collect();
        assert_eq!(roles, [Role::Crashed, Role::Primary]);
        assert_eq!(v.leader, Some(1));
        assert_eq!(v.proxies.len(), 3);
        assert!(v.proxies.iter().all(|p| p.target == 1 && p.up));
        assert!(v.no_primary_s > 20.0);
        assert_eq!(role_class(Role::Crashed), "crashed");
        assert_eq!(lag_fill(Some(250.0)), 0.25);
        assert_eq!(lag_fill(Some(120_000.0)), 1.0);
        assert_eq!(v.cache, None);
    }

    /// `cache_stale_refill` 5 s after the opening: the hot key (A10, centre front) is
    /// held in truth, and the cache, refilled from the replica 500 ms behind after the
    /// claim's delete, says free: stale, its TTL ticking down from 60 s.
    #[test]
    fn the_cache_shows_its_keys_ticking_and_the_stale_one() {
        let mut sim = Sim::new(presets::preset("cache_stale_refill").unwrap()).unwrap();
        sim.run_until(Time::from_hms(10, 0, 5));
        let c = DataView::of(&sim).unwrap().cache.unwrap();
        assert!(!c.down);
        assert_eq!(c.keys.len(), KEYS_SHOWN);
        assert_eq!(c.keys[0].seat, 9, "the hot key first");
        assert!(c.keys.iter().any(|k| k.stale), "{:?}", c.keys);
        for k in c.keys.iter().filter(|k| k.held.is_some()) {
            assert!(k.ttl_left_s > 50.0 && k.ttl_left_s <= 60.0, "{k:?}");
        }
        assert!(c.hit_ratio > 0.5 && c.pages > 0);
        sim.set_cache_down(true).unwrap();
        let c = CacheView::of(&sim).unwrap();
        assert!(c.down && c.keys.iter().all(|k| k.held.is_none()));
        assert_eq!(ttl_fill(30.0, 60.0), 0.5);
        assert_eq!(ttl_fill(90.0, 60.0), 1.0);
    }
}
