//! The cache's lessons, over whole runs and several seeds (seed 002: cache-aside, TTL
//! 60 s, invalidation on write).

use driftlab_sim::report::CacheReport;
use driftlab_sim::truth::CacheTruth;
use driftlab_sim::{presets, Config, Sim};

const SEEDS: [u64; 3] = [1, 2, 3];

fn preset(name: &str, seed: u64) -> Config {
    let mut c = presets::preset(name).unwrap();
    c.seed = seed;
    c
}

fn run(cfg: Config) -> (CacheReport, CacheTruth) {
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    let r = sim.report().cache.expect("the cache is on");
    (r, sim.truth().cache.clone())
}

/// `cache_stale_refill`: a write deletes the seat's key; the next miss reads a replica
/// that has not applied the write yet (500 ms behind) and puts the old value back, and
/// the cache serves it until the key's TTL ends: about 60 s (the first stale page comes
/// a few ms after the fill, the last a few ms before the end). With the replica in step,
/// only the classic race (a fill read before the commit, set after the delete) can put
/// an old value back: at most a stray page in some 24 000.
#[test]
fn a_miss_on_a_lagging_replica_puts_the_old_value_back_for_a_whole_ttl() {
    for seed in SEEDS {
        let (lag, _) = run(preset("cache_stale_refill", seed));
        let mut c = preset("cache_stale_refill", seed);
        c.data.lag_ms = 0.0;
        let (none, _) = run(c);
        eprintln!(
            "seed {seed}: stale serves {} (longest {:.1} s) with 500 ms lag, {} (longest {:.1} s) without",
            lag.stale_serves, lag.stale_window_max_s, none.stale_serves, none.stale_window_max_s
        );
        assert!(
            (55.0..=61.0).contains(&lag.stale_window_max_s),
            "seed {seed}: {lag:?}"
        );
        assert!(lag.stale_serves > 1000, "seed {seed}: {lag:?}");
        assert!(none.stale_serves <= 3, "seed {seed}: {none:?}");
        assert!(none.stale_window_max_s < 1.0, "seed {seed}: {none:?}");
        assert!(lag.hit_ratio > 0.9 && none.hit_ratio > 0.9);
    }
}

/// `cache_stampede`: 1 000 readers ask for the hot key within 0.1 s while it is missing
/// and a query takes 100 ms: every one of them misses before the first fill lands, so
/// about 1 000 queries reach the database in that second, 100 at a time (its capacity,
/// 1 000 a second): the last page waits about a second. With single-flight, one query
/// per fill (the first, the one after the hot seat's write, the one after the TTL).
#[test]
fn a_hot_key_missing_under_load_stampedes_the_database_unless_single_flight() {
    for seed in SEEDS {
        let (plain, t) = run(preset("cache_stampede", seed));
        let mut c = preset("cache_stampede", seed);
        c.cache.single_flight = true;
        let (single, _) = run(c);
        eprintln!(
            "seed {seed}: database queries {} (peak {}/s, p99 {:.0} ms) without single-flight, {} (p99 {:.0} ms) with",
            plain.db_queries,
            plain.db_peak_per_s,
            plain.latency_p99_ms,
            single.db_queries,
            single.latency_p99_ms
        );
        assert!(
            (900..=1000).contains(&plain.db_peak_per_s),
            "seed {seed}: {plain:?}"
        );
        // The first second holds the stampede.
        assert_eq!(t.seconds[0].db_queries, plain.db_peak_per_s);
        assert!(plain.latency_p99_ms > 500.0, "seed {seed}: {plain:?}");
        assert!(
            (1..=4).contains(&single.db_queries),
            "seed {seed}: {single:?}"
        );
        assert!(single.latency_p99_ms < 150.0, "seed {seed}: {single:?}");
        assert_eq!(single.errors + plain.errors, 0);
    }
}

/// `cache_down`: 1 000 readers, about 1 000 pages a second, the cache down for a minute:
/// every page falls through to a database that answers 300 queries a second (30 at a
/// time, 100 ms each): its queue grows, queries wait more than a second and fail, pages
/// slow to about a second; before, and a little after the cache is back, none fail.
#[test]
fn the_cache_down_saturates_the_database_then_all_recovers() {
    for seed in SEEDS {
        let cfg = preset("cache_down", seed);
        let (from, to) = (
            cfg.cache.fault.down_from_s.unwrap() as i64,
            cfg.cache.fault.down_to_s as i64,
        );
        let (r, t) = run(cfg);
        let window = |a: i64, b: i64| t.seconds.iter().filter(move |s| (a..b).contains(&s.second));
        let errors = |a, b| window(a, b).map(|s| s.errors).sum::<u32>();
        let slowest = |a, b| window(a, b).map(|s| s.latency_max_ns).max().unwrap_or(0);
        let served = |a, b| {
            window(a, b)
                .map(|s| (s.db_queries - s.errors.min(s.db_queries)) as f64)
                .sum::<f64>()
        };
        eprintln!(
            "seed {seed}: errors before {} during {} after {}; slowest before {} ms during {} ms after {} ms; {r:?}",
            errors(from - 50, from),
            errors(from, to),
            errors(to + 10, to + 60),
            slowest(from - 50, from) / 1_000_000,
            slowest(from, to) / 1_000_000,
            slowest(to + 10, to + 60) / 1_000_000,
        );
        assert_eq!(errors(from - 50, from), 0, "seed {seed}");
        assert!(errors(from, to) > 1000, "seed {seed}");
        assert_eq!(errors(to + 10, to + 60), 0, "seed {seed}");
        assert!(slowest(from + 5, to) > 900_000_000, "seed {seed}");
        assert!(slowest(to + 10, to + 60) < 200_000_000, "seed {seed}");
        // While down, the database answers no more than its capacity.
        let per_s = served(from + 5, to) / (to - from - 5) as f64;
        assert!(
            per_s <= 300.0 * 1.05,
            "seed {seed}: {per_s} queries served a second"
        );
        assert!((59.0..=61.0).contains(&r.down_s));
    }
}

/// The app's buttons: the cache taken down and brought back by hand (live actions,
/// replayed by a restart), the primary fenced, a replica promoted, the primary cut off.
#[test]
fn live_actions_take_the_cache_down_fence_promote_and_partition() {
    use driftlab_sim::data::Role;
    use driftlab_sim::Time;
    let mut sim = Sim::new(preset("cache_stampede", 1)).unwrap();
    sim.run_until(Time::from_secs_f64(36_010.0));
    sim.set_cache_down(true).unwrap();
    assert!(sim.cache().unwrap().is_down());
    sim.run_until(Time::from_secs_f64(36_030.0));
    sim.set_cache_down(false).unwrap();
    sim.fence_data_node(0).unwrap();
    assert_eq!(sim.nodes().data[0].role(), Role::Demoted);
    sim.promote_data_node(1).unwrap();
    assert_eq!(sim.nodes().data[1].role(), Role::Primary);
    sim.partition_data_node(1, 30.0).unwrap();
    assert!(sim.partition_data_node(1, 0.0).is_err());
    assert!(sim.promote_data_node(5).is_err());
    sim.run();
    let r = sim.report();
    let c = r.cache.clone().unwrap();
    assert!((19.9..=20.1).contains(&c.down_s), "{c:?}");
    assert!(
        c.db_queries > 1500,
        "the readers fell through while it was down: {c:?}"
    );
    // A run without a cache refuses the button by name.
    let mut plain = Sim::new(preset("failover_manual", 1)).unwrap();
    let e = plain.set_cache_down(true).unwrap_err();
    assert!(e.to_string().contains("cache.enabled"), "{e}");
    // A restart replays the actions: the same run.
    let mut replay = Sim::with_actions(preset("cache_stampede", 1), sim.actions()).unwrap();
    replay.run();
    assert_eq!(replay.report().trace_hash, r.trace_hash);
}
