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
//!   requests in progress (the "power of two choices"; nginx's `random two`);
//! - `hash-client`: a hash of the client's address (HAProxy's `balance source`): all
//!   the customers behind one address (a load generator) reach one instance.

pub mod config;

use crate::clock::{Clock, ClockConfig};
use crate::config::Config;
use crate::host::Host;
use crate::kernel::{Build, Cx, Kernel, Node, Route};
use crate::log::Refusal;
pub use crate::msg::gateway::Msg;
use crate::msg::{crowd, server, Addr, Layer};
use crate::net::Way;
use crate::obs::Decision;
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::{secs_to_nanos, Time};
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

    /// Picks the instance for a request of `customer` among those `ok` accepts
    /// (drawing from `rng` if the algorithm is random), and counts the request in
    /// progress there; `None` if `ok` accepts none.
    pub fn pick(
        &mut self,
        customer: CustomerId,
        rng: &mut Rng,
        ok: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let n = self.active.len();
        let candidates: Vec<usize> = (0..n).filter(|&i| ok(i)).collect();
        if candidates.is_empty() {
            return None;
        }
        let i = match self.algorithm {
            Algorithm::RoundRobin => {
                let i = (0..n)
                    .map(|k| (self.next + k) % n)
                    .find(|&i| ok(i))
                    .expect("a candidate");
                self.next = (i + 1) % n;
                i
            }
            Algorithm::LeastConnections => *candidates
                .iter()
                .min_by_key(|&&i| (self.active[i], i))
                .expect("a candidate"),
            Algorithm::Weighted => {
                // nginx: only the instances that may take the request take part.
                let mut total = 0;
                for &i in &candidates {
                    self.current[i] += self.weights[i];
                    total += self.weights[i];
                }
                // The first of the largest current weights.
                let best = *candidates
                    .iter()
                    .max_by_key(|&&i| (self.current[i], std::cmp::Reverse(i)))
                    .expect("a candidate");
                self.current[best] -= total;
                best
            }
            Algorithm::HashCustomer | Algorithm::HashClient => {
                // The key's instance, or the next one that may take it (for
                // `hash-client` the caller passes the client's address as the key).
                let h = (mix(customer as u64) % n as u64) as usize;
                (0..n)
                    .map(|k| (h + k) % n)
                    .find(|&i| ok(i))
                    .expect("a candidate")
            }
            Algorithm::TwoChoices => {
                let m = candidates.len();
                if m < 2 {
                    candidates[0]
                } else {
                    let a = rng.below(m as u64) as usize;
                    let b = (a + 1 + rng.below(m as u64 - 1) as usize) % m;
                    let (a, b) = (candidates[a], candidates[b]);
                    if self.active[b] < self.active[a] {
                        b
                    } else {
                        a
                    }
                }
            }
        };
        self.active[i] += 1;
        Some(i)
    }

    /// Balances with `algorithm` from now on (requests in progress stay counted).
    pub fn set_algorithm(&mut self, algorithm: Algorithm) {
        self.algorithm = algorithm;
        self.current.iter_mut().for_each(|c| *c = 0);
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

/// A request the gateway is handling.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Flight {
    /// The instance it is on.
    at: u8,
    /// Instances tried so far (a bit each).
    tried: u32,
    /// When the gateway stops waiting, by its clock.
    deadline: Time,
    /// Still waiting for an answer.
    live: bool,
    /// Who sent it, and the request itself (to retry it elsewhere).
    rq: server::Request,
    pinned: Option<u8>,
}

/// What the gateway knows of one instance's health.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Health {
    /// Down by the active checks.
    active_down: bool,
    /// Consecutive good and failed probes.
    oks: u32,
    fails: u32,
    /// The last probe it answered (or refused).
    answered: u32,
    /// Passive checks: failures in the current window, and when it started (local).
    failures: u32,
    window_start: Time,
    /// Down by the passive checks until then (local).
    passive_until: Option<Time>,
    /// Marked down since (local), if it is.
    down_since: Option<Time>,
    /// Time marked down so far, ns (closed intervals).
    down_ns: i64,
}

impl Health {
    fn down(&self) -> bool {
        self.active_down || self.passive_until.is_some()
    }
}

/// The gateway node.
#[derive(Clone, Debug)]
pub struct Gateway {
    cfg: GatewayConfig,
    balancer: Balancer,
    /// Requests by id (`None`: never seen here).
    flights: Vec<Option<Flight>>,
    /// Requests forwarded to each instance (retries included).
    forwarded: Vec<u64>,
    health: Vec<Health>,
    /// The current round of active checks.
    seq: u32,
    /// Each customer's token bucket: (tokens, last refill by the gateway's clock);
    /// `None` until their first request (a full bucket).
    buckets: Vec<Option<(f64, Time)>>,
    /// Scripted customers' instances, by customer (they always use that one).
    pins: Vec<Option<u8>>,
}

const CROWD: Addr = Addr::new(Layer::Crowd, 0);

impl Gateway {
    /// A gateway in front of `instances` instances.
    pub fn new(cfg: &GatewayConfig, instances: usize) -> Gateway {
        Gateway {
            cfg: cfg.clone(),
            balancer: Balancer::new(cfg.algorithm, instances, &cfg.weights),
            flights: Vec::new(),
            forwarded: vec![0; instances],
            health: vec![Health::default(); instances],
            seq: 0,
            buckets: Vec::new(),
            pins: Vec::new(),
        }
    }

    /// Customer `customer` always goes to instance `server` (a scripted customer).
    pub fn pin(&mut self, customer: CustomerId, server: u8) {
        let c = customer as usize;
        if self.pins.len() <= c {
            self.pins.resize(c + 1, None);
        }
        self.pins[c] = Some(server);
    }

    /// Requests forwarded to each instance so far.
    pub fn forwarded(&self) -> &[u64] {
        &self.forwarded
    }

    /// Requests in progress on each instance.
    pub fn in_progress(&self) -> &[u32] {
        self.balancer.active()
    }

    /// Whether the gateway has instance `i` marked down.
    pub fn marked_down(&self, i: usize) -> bool {
        self.health.get(i).is_some_and(Health::down)
    }

    /// How long instance `i` has been marked down in all, ns, by the gateway's clock
    /// reading `local_now`.
    pub fn down_ns(&self, i: usize, local_now: Time) -> i64 {
        self.health.get(i).map_or(0, |h| {
            h.down_ns + h.down_since.map_or(0, |t| (local_now - t).max(0))
        })
    }

    fn forward(&mut self, mut f: Flight, cx: &mut Cx<'_>) {
        let n = self.forwarded.len();
        let pinned = f.pinned.filter(|&s| (s as usize) < n);
        let tried = f.tried;
        let key = match (self.cfg.algorithm, self.cfg.client_addresses) {
            (Algorithm::HashClient, a) if a > 0 => f.rq.customer % a,
            _ => f.rq.customer,
        };
        let health = &self.health;
        let pick = match pinned {
            Some(s) if tried & 1 << s == 0 => {
                self.balancer.active[s as usize] += 1;
                Some(s as usize)
            }
            Some(_) => None,
            None => self
                .balancer
                .pick(key, cx.rng(), |i| tried & 1 << i == 0 && !health[i].down()),
        };
        let r = f.rq.req;
        let Some(i) = pick else {
            // Nobody to send it to: 503 (or 502 after refused connections).
            f.live = false;
            self.flights[r as usize] = Some(f);
            return self.reject(r, Refusal::Unavailable, cx);
        };
        f.at = i as u8;
        f.tried |= 1 << i;
        f.deadline = cx.local() + secs_to_nanos(self.cfg.timeout_s);
        f.live = true;
        self.flights[r as usize] = Some(f);
        self.forwarded[i] += 1;
        cx.observe(Obs::Routed {
            req: r,
            server: i as u8,
        });
        cx.send(
            Addr::new(Layer::Server, i as u16),
            server::Msg::Request(f.rq),
        );
        cx.wake_in(secs_to_nanos(self.cfg.timeout_s), Msg::Timeout { req: r });
    }

    /// Whether `customer`'s bucket has a token for a request now (and takes it).
    fn admit(&mut self, customer: CustomerId, cx: &mut Cx<'_>) -> bool {
        let limit = &self.cfg.rate_limit;
        if !limit.enabled {
            return true;
        }
        let now = cx.local();
        let c = customer as usize;
        if self.buckets.len() <= c {
            self.buckets.resize(c + 1, None);
        }
        let burst = limit.burst as f64;
        let (tokens, last) = self.buckets[c].unwrap_or((burst, now));
        let refilled = (tokens + limit.rate_per_s * (now - last).max(0) as f64 / 1e9).min(burst);
        let ok = refilled >= 1.0;
        self.buckets[c] = Some((if ok { refilled - 1.0 } else { refilled }, now));
        ok
    }

    fn on_request(&mut self, rq: server::Request, pinned: Option<u8>, cx: &mut Cx<'_>) {
        let r = rq.req as usize;
        if self.flights.len() <= r {
            self.flights.resize(r + 1, None);
        }
        if !self.admit(rq.customer, cx) {
            return self.reject(rq.req, Refusal::RateLimited, cx);
        }
        let f = Flight {
            at: 0,
            tried: 0,
            deadline: Time(0),
            live: false,
            rq,
            pinned,
        };
        self.forward(f, cx);
    }

    /// The live flight of `req` on instance `from`, if it is one.
    fn flight(&mut self, req: ReqId, from: Addr) -> Option<&mut Flight> {
        self.flights
            .get_mut(req as usize)
            .and_then(Option::as_mut)
            .filter(|f| f.live && from.layer == Layer::Server && f.at as u16 == from.index)
    }

    fn on_reply(&mut self, from: Addr, req: ReqId, decision: Decision, cx: &mut Cx<'_>) {
        let Some(f) = self.flight(req, from) else {
            // Answered after the gateway gave up: nobody is waiting for it.
            return;
        };
        f.live = false;
        let i = f.at as usize;
        self.balancer.done(i);
        self.health[i].failures = 0;
        cx.send(CROWD, crowd::Msg::Response { req, decision });
    }

    fn on_refused(&mut self, from: Addr, req: ReqId, cx: &mut Cx<'_>) {
        let Some(f) = self.flight(req, from) else {
            return;
        };
        f.live = false;
        let f = *f;
        let i = f.at as usize;
        self.balancer.done(i);
        self.failed(req, i, cx);
        if self.cfg.retry_refused {
            // The request never reached the instance: safe to try another.
            self.forward(f, cx);
        } else {
            self.reject(req, Refusal::Unavailable, cx);
        }
    }

    fn on_timeout(&mut self, req: ReqId, cx: &mut Cx<'_>) {
        let now = cx.local();
        let Some(f) = self.flights.get_mut(req as usize).and_then(Option::as_mut) else {
            return;
        };
        if !f.live || now < f.deadline {
            return;
        }
        f.live = false;
        let i = f.at as usize;
        self.balancer.done(i);
        self.failed(req, i, cx);
        // Already sent: never retried (the instance may have acted on it).
        self.reject(req, Refusal::GatewayTimeout, cx);
    }

    fn reject(&mut self, req: ReqId, refusal: Refusal, cx: &mut Cx<'_>) {
        cx.observe(Obs::Rejected { req, refusal });
        let decision = Decision::Refused(refusal);
        cx.send(CROWD, crowd::Msg::Response { req, decision });
    }

    /// Request `req` failed on instance `i`: noted, and the passive checks count it.
    fn failed(&mut self, req: ReqId, i: usize, cx: &mut Cx<'_>) {
        cx.observe(Obs::Failed {
            req,
            server: i as u8,
        });
        let p = self.cfg.passive;
        if !p.enabled || self.health[i].passive_until.is_some() {
            return;
        }
        let now = cx.local();
        let window = secs_to_nanos(p.window_s);
        let h = &mut self.health[i];
        if h.failures == 0 || now - h.window_start > window {
            h.failures = 0;
            h.window_start = now;
        }
        h.failures += 1;
        if h.failures >= p.failures {
            h.failures = 0;
            let was = h.down();
            h.passive_until = Some(now + window);
            cx.wake_in(window, Msg::Readmit { server: i as u8 });
            self.changed(i, was, cx);
        }
    }

    /// Instance `i`'s health changed from `was` (down or not): note it.
    fn changed(&mut self, i: usize, was: bool, cx: &mut Cx<'_>) {
        let now = cx.local();
        let h = &mut self.health[i];
        let down = h.down();
        if down == was {
            return;
        }
        if down {
            h.down_since = Some(now);
        } else if let Some(t) = h.down_since.take() {
            h.down_ns += (now - t).max(0);
        }
        cx.observe(Obs::Marked {
            server: i as u8,
            up: !down,
        });
    }

    fn on_tick(&mut self, cx: &mut Cx<'_>) {
        let a = self.cfg.active;
        if !a.enabled {
            return;
        }
        self.seq += 1;
        let seq = self.seq;
        for i in 0..self.health.len() {
            cx.send_background(
                Addr::new(Layer::Server, i as u16),
                server::Msg::Probe { seq },
            );
        }
        cx.wake_in_background(secs_to_nanos(a.timeout_s), Msg::CheckDeadline { seq });
        cx.wake_in_background(secs_to_nanos(a.interval_s), Msg::CheckTick);
    }

    fn probed(&mut self, from: Addr, seq: u32, ok: bool, cx: &mut Cx<'_>) {
        let i = from.index as usize;
        if from.layer != Layer::Server || i >= self.health.len() || seq != self.seq {
            return;
        }
        if self.health[i].answered == seq {
            return;
        }
        self.health[i].answered = seq;
        self.probe_result(i, ok, cx);
    }

    fn probe_result(&mut self, i: usize, ok: bool, cx: &mut Cx<'_>) {
        let (fall, rise) = (self.cfg.active.fall, self.cfg.active.rise);
        let h = &mut self.health[i];
        let was = h.down();
        if ok {
            h.fails = 0;
            h.oks += 1;
            if h.active_down && h.oks >= rise {
                h.active_down = false;
            }
        } else {
            h.oks = 0;
            h.fails += 1;
            if !h.active_down && h.fails >= fall {
                h.active_down = true;
            }
        }
        self.changed(i, was, cx);
    }

    fn on_check_deadline(&mut self, seq: u32, cx: &mut Cx<'_>) {
        for i in 0..self.health.len() {
            if self.health[i].answered != seq {
                self.health[i].answered = seq;
                self.probe_result(i, false, cx);
            }
        }
    }

    /// The algorithm it balances with.
    pub fn algorithm(&self) -> Algorithm {
        self.cfg.algorithm
    }

    /// The rate limit, if on: (tokens a second, burst).
    pub fn rate_limit(&self) -> Option<(f64, u32)> {
        let r = &self.cfg.rate_limit;
        r.enabled.then_some((r.rate_per_s, r.burst))
    }

    /// Whether active and passive checks are on.
    pub fn checks(&self) -> (bool, bool) {
        (self.cfg.active.enabled, self.cfg.passive.enabled)
    }

    fn set_checks(&mut self, active: bool, passive: bool, cx: &mut Cx<'_>) {
        if active && !self.cfg.active.enabled {
            // A new round of probes now; the counts start afresh.
            self.cfg.active.enabled = true;
            cx.wake_in_background(0, Msg::CheckTick);
        }
        if !active && self.cfg.active.enabled {
            self.cfg.active.enabled = false;
            for i in 0..self.health.len() {
                let was = self.health[i].down();
                let h = &mut self.health[i];
                (h.active_down, h.oks, h.fails) = (false, 0, 0);
                self.changed(i, was, cx);
            }
        }
        if !passive && self.cfg.passive.enabled {
            for i in 0..self.health.len() {
                let was = self.health[i].down();
                let h = &mut self.health[i];
                (h.passive_until, h.failures) = (None, 0);
                self.changed(i, was, cx);
            }
        }
        self.cfg.passive.enabled = passive;
    }

    fn on_readmit(&mut self, i: usize, cx: &mut Cx<'_>) {
        if let Some(h) = self.health.get_mut(i) {
            let was = h.down();
            h.passive_until = None;
            self.changed(i, was, cx);
        }
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

    fn on_msg(&mut self, from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Request(rq) => {
                let pinned = self.pins.get(rq.customer as usize).copied().flatten();
                self.on_request(rq, pinned, cx)
            }
            Msg::Reply { req, decision } => self.on_reply(from, req, decision, cx),
            Msg::ConnRefused { req } => self.on_refused(from, req, cx),
            Msg::Timeout { req } => self.on_timeout(req, cx),
            Msg::ProbeOk { seq } => self.probed(from, seq, true, cx),
            Msg::ProbeRefused { seq } => self.probed(from, seq, false, cx),
            Msg::CheckTick => self.on_tick(cx),
            Msg::CheckDeadline { seq } => self.on_check_deadline(seq, cx),
            Msg::Readmit { server } => self.on_readmit(server as usize, cx),
            Msg::SetAlgorithm(a) => {
                self.cfg.algorithm = a;
                self.balancer.set_algorithm(a);
            }
            Msg::SetChecks { active, passive } => self.set_checks(active, passive, cx),
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        if self.cfg.active.enabled {
            cx.wake_in_background(0, Msg::CheckTick);
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let total: u64 = self.forwarded.iter().sum();
        let busy: u32 = self.balancer.active().iter().sum();
        let down = self.health.iter().filter(|h| h.down()).count();
        vec![
            ("requests", total as f64),
            ("in_progress", busy as f64),
            ("marked_down", down as f64),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, timers, Bench};
    use crate::msg::Msg as AnyMsg;
    use crate::obs::Decision;
    use crate::time::{Time, SEC};
    use crate::world::ReqKind;

    const ME: Addr = Addr::new(Layer::Gateway, 0);
    const T0: Time = Time(36_000 * SEC);

    /// The pick when every instance may take the request.
    fn any(b: &mut Balancer, customer: u32, rng: &mut Rng) -> usize {
        b.pick(customer, rng, |_| true).unwrap()
    }

    fn picks(b: &mut Balancer, n: usize) -> Vec<usize> {
        let mut rng = Rng::stream(1, 1);
        (0..n).map(|c| any(b, c as u32, &mut rng)).collect()
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
        assert_eq!(any(&mut b, 0, &mut rng), 0);
        assert_eq!(any(&mut b, 0, &mut rng), 1);
        assert_eq!(any(&mut b, 0, &mut rng), 2);
        // Instance 1 answers: it is now the least busy, twice in a row it is not.
        b.done(1);
        assert_eq!(any(&mut b, 0, &mut rng), 1);
        assert_eq!(b.active(), &[1, 1, 1]);
        b.done(2);
        b.done(2); // an extra answer never goes below 0
        assert_eq!(b.active(), &[1, 1, 0]);
        assert_eq!(any(&mut b, 0, &mut rng), 2);
    }

    #[test]
    fn hashing_by_customer_is_sticky_and_spread() {
        let mut b = Balancer::new(Algorithm::HashCustomer, 4, &[]);
        let mut rng = Rng::stream(1, 1);
        let first: Vec<usize> = (0..1000).map(|c| any(&mut b, c, &mut rng)).collect();
        let again: Vec<usize> = (0..1000).map(|c| any(&mut b, c, &mut rng)).collect();
        assert_eq!(first, again, "the same customer, the same instance");
        for i in 0..4 {
            let share = first.iter().filter(|&&x| x == i).count();
            // 250 expected; a binomial(1000, 1/4) is within ±4σ (±55) of it.
            assert!((195..=305).contains(&share), "instance {i}: {share}");
        }
        // With a fifth instance, most customers move (a modulo hash, not a ring).
        let mut b5 = Balancer::new(Algorithm::HashCustomer, 5, &[]);
        let moved = (0..1000)
            .filter(|&c| any(&mut b5, c, &mut rng) != first[c as usize])
            .count();
        assert!(moved > 600, "{moved} of 1000 moved");
    }

    /// Hash by client address: 1 000 customers behind one address (a load generator)
    /// all reach one instance, with 3 instances as with 10; behind 4 addresses, at most
    /// 4 instances get any.
    #[test]
    fn hashing_by_client_address_sends_one_address_to_one_instance() {
        let mut bench = Bench::new(T0, 0);
        for (addresses, instances, most) in [(1, 3, 1), (1, 10, 1), (4, 10, 4)] {
            let cfg = GatewayConfig {
                enabled: true,
                algorithm: Algorithm::HashClient,
                client_addresses: addresses,
                ..Default::default()
            };
            let mut g = Gateway::new(&cfg, instances);
            for c in 0..1000 {
                let rq = server::Request {
                    req: c,
                    customer: c,
                    seat: 0,
                    kind: ReqKind::Claim,
                    nbf: T0,
                };
                bench.deliver(&mut g, ME, CROWD, Msg::Request(rq));
            }
            let used = g.forwarded().iter().filter(|&&n| n > 0).count();
            assert!(
                used <= most && used >= 1,
                "{addresses} → {:?}",
                g.forwarded()
            );
            assert_eq!(g.forwarded().iter().sum::<u64>(), 1000);
        }
    }

    #[test]
    fn two_choices_takes_the_less_busy_of_two_different_instances() {
        let mut b = Balancer::new(Algorithm::TwoChoices, 3, &[]);
        let mut rng = Rng::stream(1, 1);
        // Instance 0 is very busy. The two draws are always different instances, so
        // at least one of them is idle and 0 is never chosen.
        b.active = vec![50, 0, 0];
        for _ in 0..200 {
            let i = any(&mut b, 0, &mut rng);
            assert_ne!(i, 0);
            b.done(i);
        }
        // With one instance, it is the one.
        let mut one = Balancer::new(Algorithm::TwoChoices, 1, &[]);
        assert_eq!(any(&mut one, 0, &mut rng), 0);
    }

    #[test]
    fn the_gateway_forwards_records_and_relays_the_answer() {
        let cfg = GatewayConfig {
            enabled: true,
            algorithm: Algorithm::LeastConnections,
            weights: vec![],
            ..Default::default()
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
        let cmds = bench.deliver(&mut g, ME, CROWD, Msg::Request(rq(0)));
        assert_eq!(
            sends(&cmds),
            vec![(
                Addr::new(Layer::Server, 0),
                AnyMsg::Server(server::Msg::Request(rq(0)))
            )]
        );
        assert_eq!(observations(&cmds), vec![Obs::Routed { req: 0, server: 0 }]);
        // The second goes to the idle instance; a pinned one where it is pinned.
        let cmds = bench.deliver(&mut g, ME, CROWD, Msg::Request(rq(1)));
        assert_eq!(sends(&cmds)[0].0, Addr::new(Layer::Server, 1));
        g.pin(9, 1);
        let cmds = bench.deliver(&mut g, ME, CROWD, Msg::Request(rq(2)));
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

    fn checked(active: bool, passive: bool) -> Gateway {
        let mut cfg = GatewayConfig {
            enabled: true,
            ..Default::default()
        };
        cfg.active.enabled = active;
        cfg.passive.enabled = passive;
        Gateway::new(&cfg, 2)
    }

    fn marks(cmds: &[crate::kernel::Cmd]) -> Vec<(u8, bool)> {
        observations(cmds)
            .into_iter()
            .filter_map(|o| match o {
                Obs::Marked { server, up } => Some((server, up)),
                _ => None,
            })
            .collect()
    }

    /// Fall 3, rise 2 (HAProxy's defaults): three failed probes in a row mark an
    /// instance down, two good ones up; a good probe in between starts the count
    /// again; a refused probe fails at once.
    #[test]
    fn active_checks_fall_and_rise() {
        let mut g = checked(true, false);
        let mut bench = Bench::new(T0, 0);
        let s1 = Addr::new(Layer::Server, 1);
        // A round: probes to both, a deadline 1 s later, the next round 2 s later.
        let round = |g: &mut Gateway, bench: &mut Bench| {
            let cmds = bench.deliver(g, ME, ME, Msg::CheckTick);
            let seq = g.seq;
            assert_eq!(sends(&cmds).len(), 2, "one probe per instance");
            assert_eq!(
                timers(&cmds),
                vec![
                    (SEC, AnyMsg::Gateway(Msg::CheckDeadline { seq })),
                    (2 * SEC, AnyMsg::Gateway(Msg::CheckTick))
                ]
            );
            seq
        };
        // Instance 0 always answers; instance 1 answers, fails, fails, answers, then
        // fails three times: down only at the third failure in a row.
        let mut history = Vec::new();
        for ok1 in [true, false, false, true, false, false, false, true, true] {
            let seq = round(&mut g, &mut bench);
            bench.deliver(
                &mut g,
                ME,
                Addr::new(Layer::Server, 0),
                Msg::ProbeOk { seq },
            );
            let mut cmds = Vec::new();
            if ok1 {
                cmds = bench.deliver(&mut g, ME, s1, Msg::ProbeOk { seq });
            }
            cmds.extend(bench.deliver(&mut g, ME, ME, Msg::CheckDeadline { seq }));
            history.push((marks(&cmds), g.marked_down(1)));
            bench.advance(2 * SEC);
        }
        let downs: Vec<bool> = history.iter().map(|h| h.1).collect();
        assert_eq!(
            downs,
            [false, false, false, false, false, false, true, true, false]
        );
        assert_eq!(history[6].0, vec![(1, false)]);
        assert_eq!(history[8].0, vec![(1, true)]);
        assert!(!g.marked_down(0));
        // Down from the 7th deadline to the 9th: 4 s by the gateway's clock.
        assert_eq!(g.down_ns(1, bench.local()), 4 * SEC);
        // A refused probe counts at once (and the deadline does not count it twice).
        for _ in 0..3 {
            let seq = round(&mut g, &mut bench);
            bench.deliver(&mut g, ME, s1, Msg::ProbeRefused { seq });
            bench.deliver(&mut g, ME, ME, Msg::CheckDeadline { seq });
        }
        assert!(g.marked_down(1));
        assert!(g.marked_down(0), "instance 0 never answered these rounds");
    }

    /// Passive checks: three failed requests within 10 s mark an instance down for
    /// 10 s; a success in between starts the count again. A marked-down instance gets
    /// no request; a refused connection is retried on another instance; a timed-out
    /// request is answered 504 and not retried.
    #[test]
    fn passive_checks_retries_and_timeouts() {
        let mut g = checked(false, true);
        let mut bench = Bench::new(T0, 0);
        let rq = |req| server::Request {
            req,
            customer: 1,
            seat: 2,
            kind: ReqKind::Claim,
            nbf: T0,
        };
        let send = |g: &mut Gateway, bench: &mut Bench, req| {
            let cmds = bench.deliver(g, ME, CROWD, Msg::Request(rq(req)));
            sends(&cmds)[0].0
        };
        let s0 = Addr::new(Layer::Server, 0);
        // Round robin: request 0 to instance 0, whose connection is refused: retried
        // on instance 1.
        assert_eq!(send(&mut g, &mut bench, 0), s0);
        let cmds = bench.deliver(&mut g, ME, s0, Msg::ConnRefused { req: 0 });
        assert_eq!(
            observations(&cmds)[..2],
            [
                Obs::Failed { req: 0, server: 0 },
                Obs::Routed { req: 0, server: 1 }
            ]
        );
        // Request 1 goes to instance 0 (round robin) and times out 3 s later: 504.
        assert_eq!(send(&mut g, &mut bench, 1), s0);
        bench.advance(3 * SEC);
        let cmds = bench.deliver(&mut g, ME, ME, Msg::Timeout { req: 1 });
        assert_eq!(
            observations(&cmds),
            vec![
                Obs::Failed { req: 1, server: 0 },
                Obs::Rejected {
                    req: 1,
                    refusal: Refusal::GatewayTimeout
                }
            ]
        );
        // Its late answer is dropped.
        let late = Msg::Reply {
            req: 1,
            decision: Decision::Confirmed,
        };
        assert!(bench.deliver(&mut g, ME, s0, late).is_empty());
        // A third failure within 10 s: down for 10 s.
        assert_eq!(send(&mut g, &mut bench, 2), Addr::new(Layer::Server, 1));
        assert_eq!(send(&mut g, &mut bench, 3), s0);
        let cmds = bench.deliver(&mut g, ME, s0, Msg::ConnRefused { req: 3 });
        assert_eq!(marks(&cmds), vec![(0, false)]);
        assert_eq!(
            timers(&cmds)[0],
            (10 * SEC, AnyMsg::Gateway(Msg::Readmit { server: 0 }))
        );
        // Meanwhile everything goes to instance 1.
        for req in 4..8 {
            assert_eq!(send(&mut g, &mut bench, req), Addr::new(Layer::Server, 1));
        }
        bench.advance(10 * SEC);
        let cmds = bench.deliver(&mut g, ME, ME, Msg::Readmit { server: 0 });
        assert_eq!(marks(&cmds), vec![(0, true)]);
        assert!(!g.marked_down(0));
    }

    #[test]
    fn with_every_instance_down_the_customer_gets_503() {
        let mut g = checked(false, true);
        let mut bench = Bench::new(T0, 0);
        for i in 0..2 {
            g.health[i].passive_until = Some(T0 + SEC);
        }
        let rq = server::Request {
            req: 0,
            customer: 1,
            seat: 2,
            kind: ReqKind::Claim,
            nbf: T0,
        };
        let cmds = bench.deliver(&mut g, ME, CROWD, Msg::Request(rq));
        assert_eq!(
            sends(&cmds),
            vec![(
                CROWD,
                AnyMsg::Crowd(crowd::Msg::Response {
                    req: 0,
                    decision: Decision::Refused(Refusal::Unavailable)
                })
            )]
        );
    }

    /// A bucket of 10 refilled at 5 a second: 10 requests at once pass, the 11th gets
    /// 429; 0.2 s later one more passes; after a minute's quiet, 10 again, not 300.
    /// Each customer has their own bucket.
    #[test]
    fn the_token_bucket_at_its_edges() {
        let mut cfg = GatewayConfig {
            enabled: true,
            ..Default::default()
        };
        cfg.rate_limit.enabled = true;
        let mut g = Gateway::new(&cfg, 1);
        let mut bench = Bench::new(T0, 0);
        let mut next = 0;
        let mut ask = |g: &mut Gateway, bench: &mut Bench, customer| {
            let rq = server::Request {
                req: next,
                customer,
                seat: 2,
                kind: ReqKind::Claim,
                nbf: T0,
            };
            next += 1;
            let cmds = bench.deliver(g, ME, CROWD, Msg::Request(rq));
            !observations(&cmds).iter().any(|o| {
                matches!(
                    o,
                    Obs::Rejected {
                        refusal: Refusal::RateLimited,
                        ..
                    }
                )
            })
        };
        let burst: Vec<bool> = (0..11).map(|_| ask(&mut g, &mut bench, 7)).collect();
        assert_eq!(burst, [vec![true; 10], vec![false]].concat());
        assert!(
            ask(&mut g, &mut bench, 8),
            "another customer, another bucket"
        );
        bench.advance(199_000_000);
        assert!(!ask(&mut g, &mut bench, 7), "0.199 s: not quite one token");
        bench.advance(1_000_000);
        assert!(ask(&mut g, &mut bench, 7), "0.2 s: one token");
        assert!(!ask(&mut g, &mut bench, 7));
        bench.advance(60 * SEC);
        let after: Vec<bool> = (0..11).map(|_| ask(&mut g, &mut bench, 7)).collect();
        assert_eq!(
            after,
            [vec![true; 10], vec![false]].concat(),
            "capped at the burst"
        );
    }
}
