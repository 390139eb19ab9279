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
        ..Default::default()
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

use driftlab_sim::obs::Obs;
use driftlab_sim::time::SEC;
use driftlab_sim::Time;

/// What a run did at the gateway: customer-visible errors (502/503/504), requests
/// that failed on an instance (with their true instants), and when instances were
/// marked down and up.
struct Front {
    unavailable: u64,
    failed_at: Vec<Time>,
    marks: Vec<(Time, u8, bool)>,
}

fn front(cfg: driftlab_sim::Config) -> Front {
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    let t = sim.truth();
    Front {
        unavailable: t.metrics.unavailable,
        failed_at: t
            .history
            .iter()
            .filter_map(|s| matches!(s.obs, Obs::Failed { server: 2, .. }).then_some(s.t))
            .collect(),
        marks: t
            .history
            .iter()
            .filter_map(|s| match s.obs {
                Obs::Marked { server, up } => Some((s.t, server, up)),
                _ => None,
            })
            .collect(),
    }
}

const FAULT: Time = Time(36_010 * SEC);
const RESTART: Time = Time(36_100 * SEC);

/// `instance_crash`: server-3 refuses connections from 10:00:10 to 10:01:40.
/// - Refused connections are retried on another instance: no customer sees an error,
///   with or without health checks (each costs one LAN round trip).
/// - Without retries and without checks, every request sent to it fails: about a
///   fifth of the requests of those 90 s.
/// - Active checks (probe every 2 s, 1 s to answer, fall 3, rise 2): marked down at
///   most 3 × 2 s + 1 s after the first probe that finds it crashed (≤ 2 s after the
///   crash), so no failure after FAULT + 9 s; marked up at most 2 × 2 s + 2 s after the
///   restart.
#[test]
fn a_crashed_instance_is_retried_around_then_marked_down() {
    for seed in [1, 2, 3] {
        let mut cfg = presets::preset("instance_crash").unwrap();
        cfg.seed = seed;
        let checked = front(cfg.clone());
        assert_eq!(checked.unavailable, 0, "seed {seed}: retried elsewhere");
        assert!(!checked.failed_at.is_empty());
        for &t in &checked.failed_at {
            assert!(
                t >= FAULT && t <= FAULT + 9 * SEC,
                "seed {seed}: failure at {t:?}"
            );
        }
        let down: Vec<_> = checked.marks.iter().filter(|m| m.1 == 2).collect();
        assert_eq!(down.len(), 2, "down once, up once: {down:?}");
        assert!(!down[0].2 && down[0].0 <= FAULT + 9 * SEC);
        assert!(down[1].2 && down[1].0 >= RESTART && down[1].0 <= RESTART + 6 * SEC);
        assert!(
            checked.marks.iter().all(|m| m.1 == 2),
            "only server-3 is marked"
        );

        // Seeds 1–3 give 62–78 failures with active checks (the crash falls in the
        // flash crowd: half the crash's requests come in the first 9 s), 143–145
        // without checks, 17–18 with passive checks (three refusals come within
        // milliseconds: out for 10 s, then three more).
        cfg.gateway.active.enabled = false;
        let blind = front(cfg.clone());
        assert_eq!(blind.unavailable, 0, "seed {seed}: retried elsewhere");
        assert!(2 * blind.failed_at.len() > 3 * checked.failed_at.len());
        assert!(blind.marks.is_empty());
        cfg.gateway.passive.enabled = true;
        let passive = front(cfg.clone());
        assert!(
            passive.failed_at.len() < 30,
            "seed {seed}: {}",
            passive.failed_at.len()
        );
        cfg.gateway.passive.enabled = false;

        cfg.gateway.retry_refused = false;
        let no_retry = front(cfg);
        assert_eq!(no_retry.unavailable as usize, no_retry.failed_at.len());
        assert!(
            no_retry.unavailable > 40,
            "seed {seed}: {}",
            no_retry.unavailable
        );
    }
}

/// `instance_hang`: server-3 accepts and never answers from 10:00:10 to 10:01:40.
/// Each request sent to it waits the gateway's 3 s and ends in a 504 (never retried:
/// it was sent). Without checks that lasts the whole 90 s (140–143 errors, seeds 1–3);
/// active checks stop it in the first seconds, no failure after FAULT + 9 s + 3 s of
/// timeout (61–74 errors: the hang falls in the flash crowd); passive checks (3
/// failures within 10 s, then 10 s out) notice it after the first timeout, 3 s in,
/// and let it back in every 10 s for three more (60–66 errors). Under this load the
/// passive checks are as fast as the active ones; the active ones keep it out.
#[test]
fn a_hung_instance_costs_errors_until_it_is_detected() {
    for seed in [1, 2, 3] {
        let mut cfg = presets::preset("instance_hang").unwrap();
        cfg.seed = seed;
        let active = front(cfg.clone());
        for &t in &active.failed_at {
            assert!(
                t >= FAULT && t <= FAULT + 12 * SEC,
                "seed {seed}: failure at {t:?}"
            );
        }
        assert_eq!(active.unavailable as usize, active.failed_at.len());

        cfg.gateway.active.enabled = false;
        let blind = front(cfg.clone());
        cfg.gateway.passive.enabled = true;
        let passive = front(cfg);
        for (name, checked) in [("active", &active), ("passive", &passive)] {
            assert!(
                5 * checked.unavailable < 3 * blind.unavailable,
                "seed {seed}: {name} {} against {} without checks",
                checked.unavailable,
                blind.unavailable
            );
        }
        // Without checks, failures go on until the restart.
        assert!(blind.failed_at.iter().any(|&t| t > RESTART - 10 * SEC));
        // Passive checks mark it down, let it back in after 10 s, and down again.
        let downs = passive.marks.iter().filter(|m| !m.2).count();
        assert!(downs >= 3, "seed {seed}: {downs} times marked down");
    }
}

/// `rate_limit`: a bot (the last customer) sends 50 claims a second from 10:00:00 for
/// 60 s; the gateway allows each customer a bucket of 10, refilled at 5 a second. By
/// the token bucket's definition, over any t seconds from its start the bot gets at
/// most 10 + 5·t requests through (here checked at every one of its requests), and at
/// least 5·t − 1 once its burst is spent; every other request goes through untouched.
/// Without the limit, all 3 000 go through.
#[test]
fn a_token_bucket_holds_a_bot_to_its_rate_and_spares_everyone_else() {
    use driftlab_sim::log::Refusal;
    use driftlab_sim::world::Outcome;
    let cfg = presets::preset("rate_limit").unwrap();
    let bot = cfg.crowd.customers; // the one customer after the crowd
    let start = Time::from_secs_f64(cfg.crowd.bot.start_s);
    for seed in [1, 2] {
        let mut cfg = cfg.clone();
        cfg.seed = seed;
        let mut sim = Sim::new(cfg.clone()).unwrap();
        sim.run();
        let t = sim.truth();
        let is_bot = |req: u32| t.requests[req as usize].customer == bot;
        // The bot's requests the gateway let through, by when they reached it: the
        // gateway's clock is exact, so its instants are true time.
        let mut through = 0u64;
        let mut sent = 0u64;
        for s in &t.history {
            match s.obs {
                Obs::Routed { req, .. } if is_bot(req) => {
                    through += 1;
                    let secs = (s.t - start) as f64 / 1e9;
                    assert!(
                        through as f64 <= 10.0 + 5.0 * secs + 1e-6,
                        "{through} by {secs} s"
                    );
                }
                Obs::Sent { req, .. } if is_bot(req) => sent += 1,
                _ => {}
            }
        }
        assert_eq!(sent, 3000, "50 a second for 60 s");
        // 10 + 5 × 60 = 310 at most; the clicks reach the gateway ~20 ms after they leave.
        assert!((290..=310).contains(&through), "seed {seed}: {through}");
        assert_eq!(t.metrics.rate_limited, sent - through);
        let others_limited = t
            .requests
            .iter()
            .filter(|r| r.customer != bot && r.outcome == Outcome::Refused(Refusal::RateLimited))
            .count();
        assert_eq!(others_limited, 0, "seed {seed}");
        // Without the limit, everything goes through.
        cfg.gateway.rate_limit.enabled = false;
        let mut open = Sim::new(cfg).unwrap();
        open.run();
        assert_eq!(open.truth().metrics.rate_limited, 0);
    }
}

/// `lb_slow_instance`, run with `algorithm`: requests forwarded to each instance, the
/// errors of each (queue full or waited too long), and all customer-visible errors.
fn slow_instance(algorithm: Algorithm, seed: u64) -> (Vec<u64>, Vec<u64>, u64) {
    let mut cfg = presets::preset("lb_slow_instance").unwrap();
    cfg.seed = seed;
    cfg.gateway.algorithm = algorithm;
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    let f = sim.nodes().gateways[0].forwarded().to_vec();
    let errors = sim.truth().stats.iter().map(|s| s.errors).collect();
    (f, errors, sim.truth().metrics.unavailable)
}

/// `lb_slow_instance`: 300 requests a second for 60 s (18 001 with the one at t = 0),
/// five instances of 2 workers and 2 cores, 10 ms of service on average, server-3 five
/// times slower (50 ms: 2 / 50 ms = 40 a second at most).
/// - Round robin sends it exactly a fifth (3 600, 60 a second): more than it can serve.
///   In the 60 s of traffic and the 1 s a queued request may wait it serves about
///   40 × 61 = 2 440 (the sum of exponential service times varies by about 50, so at
///   most 2 600 with a wide margin): at least 1 000 of its requests fail (queue
///   overflow or 1 s in the queue), and those are all the errors the customers see.
/// - Least connections and two choices send it what it can take: less than 15 % of the
///   requests (measured: 6.5-6.9 % and 9.2-9.6 %), and nothing fails anywhere.
#[test]
fn least_connections_and_two_choices_spare_a_slow_instance_round_robin_does_not() {
    for seed in [1, 2, 3] {
        let (f, errors, unavailable) = slow_instance(Algorithm::RoundRobin, seed);
        let n: u64 = f.iter().sum();
        assert_eq!(n, 18_001, "seed {seed}");
        assert!(f[2].abs_diff(n / 5) <= 1, "seed {seed}: {f:?}");
        assert!(errors[2] >= 1_000, "seed {seed}: {errors:?}");
        assert_eq!(errors.iter().sum::<u64>() - errors[2], 0, "seed {seed}");
        assert_eq!(unavailable, errors[2], "seed {seed}");
        for a in [Algorithm::LeastConnections, Algorithm::TwoChoices] {
            let (f, errors, unavailable) = slow_instance(a, seed);
            let n: u64 = f.iter().sum();
            assert!(f[2] * 100 < 15 * n, "{a:?}, seed {seed}: {f:?}");
            assert_eq!(errors, vec![0; 5], "{a:?}, seed {seed}");
            assert_eq!(unavailable, 0, "{a:?}, seed {seed}");
        }
    }
}

/// `lb_hash_one_client`: 2 000 customers behind one address, hashed by address: every
/// request reaches one instance, with 3, 5 or 10 instances (adding instances adds
/// nothing). Hashed by customer instead, every one of the 10 gets some.
#[test]
fn hashing_one_load_generators_address_uses_one_instance() {
    for seed in [1, 2] {
        for n in [3, 5, 10] {
            let mut cfg = presets::preset("lb_hash_one_client").unwrap();
            cfg.servers = vec![driftlab_sim::config::ServerConfig::default(); n];
            let (f, received) = shares(cfg.clone(), seed);
            let total: u64 = f.iter().sum();
            assert!(total > 1_500, "{total}");
            assert_eq!(f.iter().filter(|&&k| k > 0).count(), 1, "{n}: {f:?}");
            assert_eq!(received, f);
            if n == 10 {
                cfg.gateway.algorithm = Algorithm::HashCustomer;
                let (f, _) = shares(cfg, seed);
                assert!(f.iter().all(|&k| k > 0), "{f:?}");
            }
        }
    }
}
