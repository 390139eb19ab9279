//! The gateway: one entry point in front of the reservation servers (the instances),
//! as an API gateway or a load balancer is (seed 003). Customers send their requests
//! to it; it picks an instance by its balancing algorithm, forwards the request on the
//! data centre's network and relays the answer back.
//!
//! Off by default: then each customer's browser goes round robin straight to the
//! servers (as DNS round robin would), which is what every run without a gateway does.
//!
//! The algorithms, as the load balancers that made them common do them:
//! - `round-robin`: instances in turn;
//! - `least-connections`: the instance with the fewest requests in progress (forwarded,
//!   not yet answered), the first one on a tie (HAProxy's `leastconn`);
//! - `weighted`: nginx's smooth weighted round robin: each instance's share is its
//!   weight, interleaved (weights 5, 1, 1 give a a b a c a a);
//! - `hash-customer`: a hash of the customer's id, so a customer always reaches the same
//!   instance (sticky sessions), and adding an instance moves most customers;
//! - `two-choices`: two different instances drawn at random, the one with fewer
//!   requests in progress (the "power of two choices"; nginx's `random two`).

pub mod config;

use crate::clock::{Clock, ClockConfig};
use crate::config::Config;
use crate::host::Host;
use crate::kernel::{Build, Cx, Kernel, Node, Route};
pub use crate::msg::gateway::Msg;
use crate::msg::{crowd, server, Addr, Layer};
use crate::net::Way;
use crate::obs::Obs;
use crate::rng::Rng;
use crate::world::{CustomerId, ReqId};
pub use config::{Algorithm, GatewayConfig};

/// A balancer's state: what it needs to pick the next instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Balancer {
    algorithm: Algorithm,
    weights: Vec<i64>,
    /// Smooth weighted round robin's current weights.
    current: Vec<i64>,
    /// Round robin's next instance.
    next: usize,
    /// Requests in progress per instance.
    active: Vec<u32>,
}

impl Balancer {
    /// A balancer over `instances` instances (weights: one per instance, or empty for 1).
    pub fn new(algorithm: Algorithm, instances: usize, weights: &[u32]) -> Balancer {
        let weights = if weights.len() == instances {
            weights.iter().map(|&w| w as i64).collect()
        } else {
            vec![1; instances]
        };
        Balancer {
            algorithm,
            weights,
            current: vec![0; instances],
            next: 0,
            active: vec![0; instances],
        }
    }

    /// Requests in progress on each instance.
    pub fn active(&self) -> &[u32] {
        &self.active
    }

    /// Picks the instance for a request of `customer` (drawing from `rng` if the
    /// algorithm is random) and counts the request in progress there.
    pub fn pick(&mut self, customer: CustomerId, rng: &mut Rng) -> usize {
        let n = self.active.len();
        let i = match self.algorithm {
            Algorithm::RoundRobin => {
                let i = self.next;
                self.next = (i + 1) % n;
                i
            }
            Algorithm::LeastConnections => (0..n).min_by_key(|&i| (self.active[i], i)).unwrap_or(0),
            Algorithm::Weighted => {
                let total: i64 = self.weights.iter().sum();
                for (c, w) in self.current.iter_mut().zip(&self.weights) {
                    *c += w;
                }
                // The first of the largest current weights.
                let best = (0..n)
                    .max_by_key(|&i| (self.current[i], std::cmp::Reverse(i)))
                    .unwrap_or(0);
                self.current[best] -= total;
                best
            }
            Algorithm::HashCustomer => (mix(customer as u64) % n as u64) as usize,
            Algorithm::TwoChoices => {
                if n < 2 {
                    0
                } else {
                    let a = rng.below(n as u64) as usize;
                    let b = (a + 1 + rng.below(n as u64 - 1) as usize) % n;
                    if self.active[b] < self.active[a] {
                        b
                    } else {
                        a
                    }
                }
            }
        };
        self.active[i] += 1;
        i
    }

    /// A request on instance `i` is over (answered).
    pub fn done(&mut self, i: usize) {
        self.active[i] = self.active[i].saturating_sub(1);
    }
}

/// SplitMix64's finalizer: a well-spread hash of a customer's id, the same everywhere.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// No instance (a request not forwarded).
const NOWHERE: u8 = u8::MAX;

/// The gateway node.
#[derive(Clone, Debug)]
pub struct Gateway {
    balancer: Balancer,
    /// Where each request went, by id ([`NOWHERE`] if it did not come this way).
    routes: Vec<u8>,
    /// Requests forwarded to each instance.
    forwarded: Vec<u64>,
}

const CROWD: Addr = Addr::new(Layer::Crowd, 0);

impl Gateway {
    /// A gateway in front of `instances` instances.
    pub fn new(cfg: &GatewayConfig, instances: usize) -> Gateway {
        Gateway {
            balancer: Balancer::new(cfg.algorithm, instances, &cfg.weights),
            routes: Vec::new(),
            forwarded: vec![0; instances],
        }
    }

    /// Requests forwarded to each instance so far.
    pub fn forwarded(&self) -> &[u64] {
        &self.forwarded
    }

    /// Requests in progress on each instance.
    pub fn in_progress(&self) -> &[u32] {
        self.balancer.active()
    }

    fn on_request(&mut self, rq: server::Request, pinned: Option<u8>, cx: &mut Cx<'_>) {
        let i = match pinned {
            Some(s) if (s as usize) < self.forwarded.len() => s as usize,
            _ => self.balancer.pick(rq.customer, cx.rng()),
        };
        if pinned.is_some() {
            self.balancer.active[i] += 1;
        }
        let r = rq.req as usize;
        if self.routes.len() <= r {
            self.routes.resize(r + 1, NOWHERE);
        }
        self.routes[r] = i as u8;
        self.forwarded[i] += 1;
        cx.observe(Obs::Routed {
            req: rq.req,
            server: i as u8,
        });
        cx.send(Addr::new(Layer::Server, i as u16), server::Msg::Request(rq));
    }

    fn on_reply(&mut self, req: ReqId, decision: crate::obs::Decision, cx: &mut Cx<'_>) {
        if let Some(&i) = self.routes.get(req as usize) {
            if i != NOWHERE {
                self.balancer.done(i as usize);
            }
        }
        cx.send(CROWD, crowd::Msg::Response { req, decision });
    }
}

/// The gateway's random stream (two-choices' draws).
const STREAM: u64 = 3000;

impl Build for Gateway {
    /// No node when the gateway is off. Otherwise one, on a host of its own in the
    /// data centre: customers reach it over the `client` link, it reaches the
    /// instances over the `lan` (both lossy: a request to a cut instance is lost).
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Gateway> {
        if !cfg.gateway.enabled {
            return Vec::new();
        }
        let clock = Clock::new(&ClockConfig::default(), cfg.sale.start());
        let h = k.add_host(Host::new("gateway", clock, Rng::stream(cfg.seed, STREAM)));
        k.place(Layer::Gateway, h);
        let client = k.topology.shared_link("client", &cfg.network.client);
        let lan = k.topology.shared_link("lan", &cfg.network.lan);
        let r = |link, way| Route {
            link: Some(link),
            way,
            reliable: false,
        };
        k.topology
            .connect(Layer::Crowd, Layer::Gateway, r(client, Way::Out));
        k.topology
            .connect(Layer::Gateway, Layer::Crowd, r(client, Way::Back));
        k.topology
            .connect(Layer::Gateway, Layer::Server, r(lan, Way::Out));
        k.topology
            .connect(Layer::Server, Layer::Gateway, r(lan, Way::Back));
        vec![Gateway::new(&cfg.gateway, cfg.servers.len())]
    }
}

impl Node for Gateway {
    type Msg = Msg;

    fn on_msg(&mut self, _from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Request { rq, pinned } => self.on_request(rq, pinned, cx),
            Msg::Reply { req, decision } => self.on_reply(req, decision, cx),
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let total: u64 = self.forwarded.iter().sum();
        let busy: u32 = self.balancer.active().iter().sum();
        vec![("requests", total as f64), ("in_progress", busy as f64)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, Bench};
    use crate::msg::Msg as AnyMsg;
    use crate::obs::Decision;
    use crate::time::{Time, SEC};
    use crate::world::ReqKind;

    const ME: Addr = Addr::new(Layer::Gateway, 0);
    const T0: Time = Time(36_000 * SEC);

    fn picks(b: &mut Balancer, n: usize) -> Vec<usize> {
        let mut rng = Rng::stream(1, 1);
        (0..n).map(|c| b.pick(c as u32, &mut rng)).collect()
    }

    #[test]
    fn round_robin_goes_in_turn() {
        let mut b = Balancer::new(Algorithm::RoundRobin, 3, &[]);
        assert_eq!(picks(&mut b, 7), vec![0, 1, 2, 0, 1, 2, 0]);
    }

    /// nginx's own example (ngx_http_upstream_round_robin.c, commit 52327e0):
    /// weights { 5, 1, 1 } give { a, a, b, a, c, a, a }.
    #[test]
    fn smooth_weighted_round_robin_interleaves_as_nginx_does() {
        let mut b = Balancer::new(Algorithm::Weighted, 3, &[5, 1, 1]);
        assert_eq!(
            picks(&mut b, 14),
            vec![0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]
        );
        // 3:1:1 by hand: current weights after adding, pick, minus 5:
        // (3,1,1)→a (-2,1,1); (1,2,2)→b (1,-3,2); (4,-2,3)→a (-1,-2,3);
        // (2,-1,4)→c (2,-1,-1); (5,0,0)→a (0,0,0): a b a c a, then again.
        let mut b = Balancer::new(Algorithm::Weighted, 3, &[3, 1, 1]);
        assert_eq!(picks(&mut b, 10), vec![0, 1, 0, 2, 0, 0, 1, 0, 2, 0]);
        // A weight of 0 takes nothing.
        let mut b = Balancer::new(Algorithm::Weighted, 2, &[0, 2]);
        assert_eq!(picks(&mut b, 3), vec![1, 1, 1]);
    }

    #[test]
    fn least_connections_fills_the_least_busy_first() {
        let mut b = Balancer::new(Algorithm::LeastConnections, 3, &[]);
        let mut rng = Rng::stream(1, 1);
        // All idle: the first; then the others; then ties again.
        assert_eq!(b.pick(0, &mut rng), 0);
        assert_eq!(b.pick(0, &mut rng), 1);
        assert_eq!(b.pick(0, &mut rng), 2);
        // Instance 1 answers: it is now the least busy, twice in a row it is not.
        b.done(1);
        assert_eq!(b.pick(0, &mut rng), 1);
        assert_eq!(b.active(), &[1, 1, 1]);
        b.done(2);
        b.done(2); // an extra answer never goes below 0
        assert_eq!(b.active(), &[1, 1, 0]);
        assert_eq!(b.pick(0, &mut rng), 2);
    }

    #[test]
    fn hashing_by_customer_is_sticky_and_spread() {
        let mut b = Balancer::new(Algorithm::HashCustomer, 4, &[]);
        let mut rng = Rng::stream(1, 1);
        let first: Vec<usize> = (0..1000).map(|c| b.pick(c, &mut rng)).collect();
        let again: Vec<usize> = (0..1000).map(|c| b.pick(c, &mut rng)).collect();
        assert_eq!(first, again, "the same customer, the same instance");
        for i in 0..4 {
            let share = first.iter().filter(|&&x| x == i).count();
            // 250 expected; a binomial(1000, 1/4) is within ±4σ (±55) of it.
            assert!((195..=305).contains(&share), "instance {i}: {share}");
        }
        // With a fifth instance, most customers move (a modulo hash, not a ring).
        let mut b5 = Balancer::new(Algorithm::HashCustomer, 5, &[]);
        let moved = (0..1000)
            .filter(|&c| b5.pick(c, &mut rng) != first[c as usize])
            .count();
        assert!(moved > 600, "{moved} of 1000 moved");
    }

    #[test]
    fn two_choices_takes_the_less_busy_of_two_different_instances() {
        let mut b = Balancer::new(Algorithm::TwoChoices, 3, &[]);
        let mut rng = Rng::stream(1, 1);
        // Instance 0 is very busy. The two draws are always different instances, so
        // at least one of them is idle and 0 is never chosen.
        b.active = vec![50, 0, 0];
        for _ in 0..200 {
            let i = b.pick(0, &mut rng);
            assert_ne!(i, 0);
            b.done(i);
        }
        // With one instance, it is the one.
        let mut one = Balancer::new(Algorithm::TwoChoices, 1, &[]);
        assert_eq!(one.pick(0, &mut rng), 0);
    }

    #[test]
    fn the_gateway_forwards_records_and_relays_the_answer() {
        let cfg = GatewayConfig {
            enabled: true,
            algorithm: Algorithm::LeastConnections,
            weights: vec![],
        };
        let mut g = Gateway::new(&cfg, 2);
        let mut bench = Bench::new(T0, 0);
        let rq = |req| server::Request {
            req,
            customer: 9,
            seat: 3,
            kind: ReqKind::Claim,
            nbf: T0,
        };
        let cmds = bench.deliver(
            &mut g,
            ME,
            CROWD,
            Msg::Request {
                rq: rq(0),
                pinned: None,
            },
        );
        assert_eq!(
            sends(&cmds),
            vec![(
                Addr::new(Layer::Server, 0),
                AnyMsg::Server(server::Msg::Request(rq(0)))
            )]
        );
        assert_eq!(observations(&cmds), vec![Obs::Routed { req: 0, server: 0 }]);
        // The second goes to the idle instance; a pinned one where it is pinned.
        let cmds = bench.deliver(
            &mut g,
            ME,
            CROWD,
            Msg::Request {
                rq: rq(1),
                pinned: None,
            },
        );
        assert_eq!(sends(&cmds)[0].0, Addr::new(Layer::Server, 1));
        let cmds = bench.deliver(
            &mut g,
            ME,
            CROWD,
            Msg::Request {
                rq: rq(2),
                pinned: Some(1),
            },
        );
        assert_eq!(sends(&cmds)[0].0, Addr::new(Layer::Server, 1));
        assert_eq!(g.in_progress(), &[1, 2]);
        // Instance 0 answers request 0: relayed to the customer, and 0 is free again.
        let ok = Msg::Reply {
            req: 0,
            decision: Decision::Confirmed,
        };
        let cmds = bench.deliver(&mut g, ME, Addr::new(Layer::Server, 0), ok);
        assert_eq!(
            sends(&cmds),
            vec![(
                CROWD,
                AnyMsg::Crowd(crowd::Msg::Response {
                    req: 0,
                    decision: Decision::Confirmed
                })
            )]
        );
        assert_eq!(g.in_progress(), &[0, 2]);
        assert_eq!(g.forwarded(), &[1, 2]);
    }
}
