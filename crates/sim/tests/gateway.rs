//! The gateway's lessons, over whole runs (seed 003: load balancing).

use driftlab_sim::gateway::{Algorithm, GatewayConfig};
use driftlab_sim::{presets, Sim};

/// Requests per instance: as the gateway forwarded them, and as the servers received
/// them (the truth's count, from the servers' own observations).
fn shares(mut cfg: driftlab_sim::Config, seed: u64) -> (Vec<u64>, Vec<u64>) {
    cfg.seed = seed;
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    let forwarded = sim.nodes().gateways[0].forwarded().to_vec();
    let received = sim.truth().stats.iter().map(|s| s.requests).collect();
    (forwarded, received)
}

/// `lb_weighted`: smooth weighted round robin repeats a b a c a (weights 3:1:1), so any
/// 500 requests in a row are exactly 300, 100 and 100: over a whole run each
/// instance's count is within one cycle's weight of 3/5, 1/5, 1/5 of the total.
#[test]
fn weights_3_1_1_share_the_requests_3_1_1() {
    for seed in [1, 2, 3] {
        let (f, received) = shares(presets::preset("lb_weighted").unwrap(), seed);
        let n: u64 = f.iter().sum();
        assert!(n > 1500, "a flash crowd's worth of requests: {n}");
        for (i, w) in [3u64, 1, 1].into_iter().enumerate() {
            let expected = n * w / 5;
            assert!(
                f[i].abs_diff(expected) <= w,
                "seed {seed}, server-{}: {} of {n}, expected {expected}",
                i + 1,
                f[i]
            );
        }
        // Every forwarded request reached its server (a LAN that loses nothing).
        assert_eq!(received, f, "seed {seed}");
    }
}

/// Round robin through the gateway shares like the browsers' round robin: within one.
/// Least connections with idle, equally fast servers mostly picks the first.
#[test]
fn round_robin_is_even_and_least_connections_prefers_the_first_idle() {
    let mut cfg = presets::preset("reset").unwrap();
    cfg.gateway = GatewayConfig {
        enabled: true,
        algorithm: Algorithm::RoundRobin,
        weights: vec![],
    };
    let (f, _) = shares(cfg.clone(), 7);
    let (lo, hi) = (f.iter().min().unwrap(), f.iter().max().unwrap());
    assert!(hi - lo <= 1, "{f:?}");
    cfg.gateway.algorithm = Algorithm::LeastConnections;
    let (f, _) = shares(cfg, 7);
    // A request is in progress about 1 ms (service) + 0.5 ms (LAN) while customers
    // click seconds apart: nearly every request finds all idle and goes to the first.
    assert!(f[0] > 5 * (f[1] + f[2]), "{f:?}");
}

/// A run with the gateway off is the run without a gateway layer: the gateway is
/// only built when asked for.
#[test]
fn no_gateway_no_node() {
    let sim = Sim::new(presets::preset("extreme_drift").unwrap()).unwrap();
    assert!(sim.nodes().gateways.is_empty());
}
