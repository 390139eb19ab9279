//! The gateway panel's view data: what the gateway sees of each instance, and what
//! each instance really is, read from the run.

use crate::i18n::Txt;
use driftlab_sim::gateway::Algorithm;
use driftlab_sim::metrics::percentiles;
use driftlab_sim::server::Mode;
use driftlab_sim::Sim;

/// One instance as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceView {
    /// Its state as it is (up, crashed, hung, slow).
    pub mode: Mode,
    /// Whether the gateway has it marked down (by its health checks).
    pub marked_down: bool,
    /// Requests the gateway forwarded to it.
    pub forwarded: u64,
    /// Its share of the forwarded requests, 0 to 1.
    pub share: f64,
    /// Requests in progress on it (forwarded, not answered).
    pub in_progress: u32,
    /// Requests that failed on it (refused, or unanswered before the timeout).
    pub errors: u64,
    /// How long the gateway has had it marked down, seconds.
    pub down_s: f64,
    /// Median and 99th-percentile response time of its answers, ms (0 before any).
    pub p50_ms: f64,
    /// 99th-percentile response time, ms.
    pub p99_ms: f64,
    /// With worker threads: (workers busy, workers, requests in the accept queue).
    pub workers: Option<(u32, u32, usize)>,
}

/// The gateway at a glance; `None` when the run has no gateway.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayView {
    /// How it balances.
    pub algorithm: Algorithm,
    /// Active checks on.
    pub active: bool,
    /// Passive checks on.
    pub passive: bool,
    /// The rate limit, if on: (tokens a second, burst).
    pub rate_limit: Option<(f64, u32)>,
    /// Every instance, `server-1` first.
    pub instances: Vec<InstanceView>,
}

impl GatewayView {
    /// The view of `sim`'s gateway, if it has one.
    pub fn of(sim: &Sim) -> Option<GatewayView> {
        let g = sim.gateway()?;
        let total: u64 = g.forwarded().iter().sum();
        let stats = &sim.truth().stats;
        let latency = |i: usize| {
            stats
                .get(i)
                .map(|s| percentiles(&s.response_ns))
                .unwrap_or_default()
        };
        let instances = (0..g.forwarded().len())
            .map(|i| InstanceView {
                mode: sim.instance_mode(i).unwrap_or_default(),
                marked_down: g.marked_down(i),
                forwarded: g.forwarded()[i],
                share: if total == 0 {
                    0.0
                } else {
                    g.forwarded()[i] as f64 / total as f64
                },
                in_progress: g.in_progress()[i],
                errors: stats.get(i).map_or(0, |s| s.errors),
                down_s: sim.marked_down_ns(i) as f64 / 1e9,
                p50_ms: latency(i).p50_ms,
                p99_ms: latency(i).p99_ms,
                workers: sim
                    .nodes()
                    .servers
                    .get(i)
                    .and_then(|s| s.pool())
                    .map(|p| (p.busy, p.threads, p.queued())),
            })
            .collect();
        let (active, passive) = g.checks();
        Some(GatewayView {
            algorithm: g.algorithm(),
            active,
            passive,
            rate_limit: g.rate_limit(),
            instances,
        })
    }
}

/// An algorithm's name and its explanation.
pub fn algorithm_texts(a: Algorithm) -> (Txt, Txt) {
    match a {
        Algorithm::RoundRobin => (Txt::GwRoundRobin, Txt::GwRoundRobinTip),
        Algorithm::LeastConnections => (Txt::GwLeastConn, Txt::GwLeastConnTip),
        Algorithm::Weighted => (Txt::GwWeighted, Txt::GwWeightedTip),
        Algorithm::HashCustomer => (Txt::GwHash, Txt::GwHashTip),
        Algorithm::TwoChoices => (Txt::GwTwoChoices, Txt::GwTwoChoicesTip),
        Algorithm::HashClient => (Txt::GwHashClient, Txt::GwHashClientTip),
    }
}

/// What an instance is, in words (and the class its badge takes).
pub fn mode_text(m: Mode) -> (Txt, &'static str) {
    match m {
        Mode::Up => (Txt::GwUp, "up"),
        Mode::Crashed => (Txt::GwCrashed, "crashed"),
        Mode::Hung => (Txt::GwHung, "hung"),
        Mode::Slow { .. } => (Txt::GwSlow, "slow"),
    }
}

/// The slowdown the "slow" button applies.
pub const SLOW_FACTOR: u32 = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::presets;
    use driftlab_sim::time::SEC;

    #[test]
    fn no_gateway_no_view() {
        let sim = Sim::new(presets::preset("reset").unwrap()).unwrap();
        assert_eq!(GatewayView::of(&sim), None);
    }

    /// `instance_crash` run past the crash: server-3 is crashed and marked down, and
    /// gets nothing new; the others share the rest; shares add up to 1.
    #[test]
    fn a_crashed_instance_shows_crashed_and_marked_down() {
        let mut cfg = presets::preset("instance_crash").unwrap();
        cfg.crowd.customers = 600;
        let mut sim = Sim::new(cfg.clone()).unwrap();
        sim.run_until(cfg.sale.opening() + 40 * SEC);
        let v = GatewayView::of(&sim).unwrap();
        assert_eq!(v.algorithm, Algorithm::RoundRobin);
        assert!(v.active && !v.passive);
        assert_eq!(v.instances.len(), 5);
        let s3 = &v.instances[2];
        assert_eq!(s3.mode, Mode::Crashed);
        assert!(s3.marked_down && s3.down_s > 20.0 && s3.errors > 0);
        assert!(v
            .instances
            .iter()
            .enumerate()
            .all(|(i, x)| i == 2 || !x.marked_down));
        let total: f64 = v.instances.iter().map(|x| x.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert_eq!(mode_text(s3.mode).1, "crashed");
    }

    /// `lb_slow_instance` 20 s in: every instance shows its 2 workers; the slow one
    /// (server-3, 50 ms a request against 10 ms) has a queue and the worst latency;
    /// no view without worker threads shows any.
    #[test]
    fn worker_threads_and_latency_per_instance() {
        let cfg = presets::preset("lb_slow_instance").unwrap();
        let mut sim = Sim::new(cfg.clone()).unwrap();
        sim.run_until(cfg.sale.opening() + 20 * SEC);
        let v = GatewayView::of(&sim).unwrap();
        assert!(v
            .instances
            .iter()
            .all(|x| x.workers.map(|w| w.1) == Some(2)));
        let s3 = &v.instances[2];
        assert!(s3.workers.unwrap().2 > 0, "{:?}", s3.workers);
        for (i, x) in v.instances.iter().enumerate() {
            assert!(x.p50_ms > 0.0 && x.p99_ms >= x.p50_ms);
            if i != 2 {
                assert!(s3.p50_ms > x.p99_ms, "{i}: {} vs {}", s3.p50_ms, x.p99_ms);
            }
        }
        let mut sim = Sim::new(presets::preset("instance_crash").unwrap()).unwrap();
        sim.run_until(cfg.sale.opening() + 5 * SEC);
        let v = GatewayView::of(&sim).unwrap();
        assert!(v.instances.iter().all(|x| x.workers.is_none()));
    }
}
