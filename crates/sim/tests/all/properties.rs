//! Property tests over random configurations.
#![cfg(not(target_arch = "wasm32"))]

use driftlab_sim::clock::ClockConfig;
use driftlab_sim::config::ServerConfig;
use driftlab_sim::net::{Jitter, LinkConfig};
use driftlab_sim::world::{Outcome, ReqKind};
use driftlab_sim::{presets, Config, Policy, Sim};
use proptest::prelude::*;

fn policy() -> impl Strategy<Value = Policy> {
    prop::sample::select(Policy::ALL.to_vec())
}

/// A small random scenario: 1–6 servers with any offsets and skews, a small hall, a
/// small crowd, a lossy jittery network.
fn config(exact_clocks: bool) -> impl Strategy<Value = Config> {
    let server = (
        -60_000.0..60_000.0f64,
        -200.0..200.0f64,
        0.0..20.0f64,
        prop_oneof![Just(0.0), Just(15_625.0)],
    );
    (
        any::<u64>(),
        policy(),
        prop::collection::vec(server, 1..6),
        (1u32..6, 1u32..12),
        (0u32..150, 0.0..1.0f64, 0.0..1.0f64),
        (0.0..0.2f64, 0.0..30.0f64, 0.0..2_000.0f64),
    )
        .prop_map(
            move |(
                seed,
                policy,
                servers,
                (rows, cols),
                (customers, flash, pay),
                (loss, jitter_ms, lag_ms),
            )| {
                let mut c = presets::preset("reset").unwrap();
                c.seed = seed;
                c.policy = policy;
                c.servers = servers
                    .into_iter()
                    .map(
                        |(offset_ms, skew_ppm, wander_ppm, resolution_us)| ServerConfig {
                            // Exact means exact: a coarse tick (resolution) is a clock error too,
                            // and does misorder requests within one tick.
                            clock: if exact_clocks {
                                ClockConfig::default()
                            } else {
                                ClockConfig {
                                    offset_ms,
                                    skew_ppm,
                                    wander_ppm,
                                    resolution_us,
                                }
                            },
                        },
                    )
                    .collect();
                c.hall.rows = rows;
                c.hall.cols = cols;
                c.crowd.customers = customers;
                c.crowd.flash_fraction = flash;
                c.crowd.pay_fraction = pay;
                c.sale.duration_s = 300.0;
                c.network.client = LinkConfig {
                    base_ms: 20.0,
                    return_base_ms: Some(5.0),
                    jitter: Jitter::LogNormal {
                        median_ms: jitter_ms,
                        sigma: 1.0,
                    },
                    loss,
                };
                c.network.replication_lag_ms = lag_ms;
                c
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_request_has_exactly_one_outcome(cfg in config(false)) {
        let mut sim = Sim::new(cfg).unwrap();
        sim.run();
        let r = sim.report();
        prop_assert_eq!(r.requests, sim.requests().len() as u64);
        prop_assert_eq!(r.consistency.requests_without_outcome, 0);
        prop_assert_eq!(r.consistency.requests_with_several_outcomes, 0);
        prop_assert!(sim.requests().iter().all(|q| q.outcome_writes == 1));
        prop_assert_eq!(r.requests, r.confirmed + r.paid + r.refused + r.timed_out);
        prop_assert!(r.seats.sold + r.seats.held + r.seats.free == r.seats.total);
    }

    #[test]
    fn unique_never_gives_a_seat_two_holders(mut cfg in config(false)) {
        cfg.policy = Policy::Unique;
        let mut sim = Sim::new(cfg).unwrap();
        sim.run();
        let r = sim.report();
        prop_assert_eq!(r.double_bookings, 0);
        prop_assert_eq!(r.consistency.seats_with_several_holders, 0);
        prop_assert_eq!(r.revoked, 0);
    }

    #[test]
    fn exact_clocks_under_local_timestamp_break_no_clock_rule(mut cfg in config(true)) {
        cfg.policy = Policy::LocalTimestamp;
        let mut sim = Sim::new(cfg).unwrap();
        sim.run();
        let r = sim.report();
        prop_assert_eq!(r.wrong_winners, 0);
        prop_assert_eq!(r.early_sales, 0);
        prop_assert_eq!(r.order_inversions, 0);
        prop_assert_eq!(r.wrongly_refused, 0);
        prop_assert_eq!(r.premature_expiries, 0);
        prop_assert_eq!(r.late_expiries, 0);
    }

    #[test]
    fn every_run_ends_consistent(cfg in config(false)) {
        let mut sim = Sim::new(cfg).unwrap();
        sim.run();
        prop_assert!(sim.finished());
        // Merges and audits leave at most one holder per seat, except under no-lock
        // where a duplicate inserted after the last audit may remain.
        let r = sim.report();
        if sim.config().policy != Policy::NoLock {
            prop_assert_eq!(r.consistency.seats_with_several_holders, 0);
        }
    }
}

/// Every accepted payment and the claim whose hold it pays for: (payment, claim).
fn payments(sim: &Sim) -> Vec<(usize, usize)> {
    sim.requests()
        .iter()
        .enumerate()
        .filter_map(|(i, q)| match (q.kind, q.outcome) {
            (ReqKind::Pay(claim), Outcome::Confirmed) => Some((i, claim as usize)),
            _ => None,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A causal chain: a hold granted on one server, then its payment accepted on a
    /// server that has its record (replication came first). Logical clocks stamp the
    /// payment after the hold whatever the clocks; an HLC's l stays within the largest
    /// clock offset of true time, and ahead of its own clock by at most the spread.
    #[test]
    fn logical_clocks_stamp_a_causal_chain_in_order(mut cfg in config(false), hlc in any::<bool>()) {
        cfg.policy = if hlc { Policy::Hlc } else { Policy::Lamport };
        // Constant offsets (no skew, no wander) so the largest offset is known.
        for s in &mut cfg.servers {
            s.clock.skew_ppm = 0.0;
            s.clock.wander_ppm = 0.0;
        }
        // (+1 ns: the rounding of milliseconds to nanoseconds.)
        let offsets: Vec<i64> = cfg.servers.iter().map(|s| (s.clock.offset_ms * 1e6).round() as i64).collect();
        let tick = cfg.servers.iter().map(|s| (s.clock.resolution_us * 1e3) as i64).max().unwrap();
        let max_abs = offsets.iter().map(|o| o.abs()).max().unwrap();
        let spread = offsets.iter().max().unwrap() - offsets.iter().min().unwrap();
        let mut sim = Sim::new(cfg).unwrap();
        sim.run();
        let reqs = sim.requests();
        for (pay, claim) in payments(&sim) {
            let (p, c) = (reqs[pay].order.unwrap(), reqs[claim].order.unwrap());
            prop_assert!(p > c, "payment {} stamped {:?}, its hold {:?}", pay, p, c);
        }
        if hlc {
            for q in reqs.iter().filter(|q| q.order.is_some()) {
                let l = q.order.unwrap().major;
                prop_assert!((l - q.arrived.0).abs() <= max_abs + tick + 1, "|l − t| = {}", (l - q.arrived.0).abs());
                prop_assert!(l >= q.stamp.0 && l - q.stamp.0 <= spread + tick + 1);
            }
        }
    }
}

/// The same chain under `local-timestamp` on `extreme_drift`, customers paying about
/// 20 s after their hold: physical stamps put some payments before the holds they pay
/// for (a payment through a server up to 45 s slower than the one that held).
#[test]
fn local_timestamps_can_stamp_a_payment_before_its_hold() {
    let mut c = presets::preset("extreme_drift").unwrap();
    c.policy = Policy::LocalTimestamp;
    c.crowd.pay_median_s = 20.0;
    let mut sim = Sim::new(c).unwrap();
    sim.run();
    let reqs = sim.requests();
    let backwards = payments(&sim)
        .into_iter()
        .filter(|&(p, c)| reqs[p].stamp < reqs[c].stamp)
        .count();
    assert!(backwards > 10, "{backwards}");
}

/// Under `unique` the database's arrival order decides: with exact clocks but a jittery
/// data-centre network, the first request to reach a *server* can reach the database
/// second. Driftlab counts that honestly as a wrong winner; `local-timestamp` with the
/// same exact clocks has none.
#[test]
fn unique_with_exact_clocks_can_still_pick_the_second_customer() {
    let mut unique_wrong = 0;
    for seed in 0..10 {
        let mut c = presets::preset("reset").unwrap();
        c.seed = seed;
        c.network.lan = LinkConfig {
            base_ms: 0.5,
            return_base_ms: None,
            jitter: Jitter::LogNormal {
                median_ms: 20.0,
                sigma: 1.2,
            },
            loss: 0.0,
        };
        c.policy = Policy::Unique;
        let mut sim = Sim::new(c.clone()).unwrap();
        sim.run();
        unique_wrong += sim.report().wrong_winners;
        c.policy = Policy::LocalTimestamp;
        let mut sim = Sim::new(c).unwrap();
        sim.run();
        assert_eq!(sim.report().wrong_winners, 0);
    }
    assert!(
        unique_wrong > 0,
        "a slow path to the database reorders requests"
    );
}
