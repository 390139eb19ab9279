//! The server side: what a server says about itself, and how it answers (or kisses).
//!
//! A **stratum-1** server reads a reference clock (stratum 0: GPS, atomic) and answers
//! with [`SystemVars::primary`]. A **stratum-2** server is itself an NTP [`Client`] of
//! stratum-1 servers and answers with [`Client::system_vars`]: its stratum is its
//! source's plus one, and the root delay and dispersion accumulate down the hierarchy.
//! An unsynchronised server answers with stratum 16, which clients ignore.
//!
//! Servers may **rate-limit**: a client asking too often receives a Kiss-o'-Death
//! `RATE` instead of the time, and must back off.
//!
//! Access is **restricted** as ntpd's `restrict` does it, checked before anything
//! else: an address on the deny list (`restrict ADDR noserve`) gets a `DENY` kiss, and
//! a server that trusts only authenticated clients (`restrict default notrust`)
//! answers a request without a valid MAC of one of its trusted keys with an `RSTR`
//! kiss; without `kod`, both are dropped silently. A request with a valid MAC is
//! answered with a MAC made by the same key ([`super::auth`]).
//!
//! [`Client`]: super::Client
//! [`Client::system_vars`]: super::Client::system_vars

use super::auth::Key;
use super::packet::{Kiss, Leap, RefId, Reply, Request};
use super::MAXSTRAT;
use crate::time::{Time, MS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a server states about its own synchronisation in every reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemVars {
    /// Synchronised or not.
    pub leap: Leap,
    /// 1 for a server reading a reference clock, its source's + 1 otherwise, 16 if
    /// unsynchronised.
    pub stratum: u8,
    /// Round-trip delay to the primary reference, nanoseconds.
    pub root_delay_ns: i64,
    /// Error bound with respect to the primary reference, nanoseconds.
    pub root_disp_ns: i64,
    /// What it is synchronised to: its reference clock, its system peer, or `INIT`.
    pub refid: RefId,
}

/// Error of a reference clock (a GPS receiver's few microseconds): 10 µs.
pub const REFERENCE_DISP: i64 = 10_000;

impl SystemVars {
    /// A stratum-1 server disciplined by a GPS receiver.
    pub fn primary() -> SystemVars {
        SystemVars::primary_with(RefId::clock("GPS"))
    }

    /// A stratum-1 server disciplined by the reference clock `refid`.
    pub fn primary_with(refid: RefId) -> SystemVars {
        SystemVars {
            leap: Leap::NoWarning,
            stratum: 1,
            root_delay_ns: 0,
            root_disp_ns: REFERENCE_DISP,
            refid,
        }
    }

    /// A server that is not synchronised: leap 3, stratum 16, reference id `INIT`, and
    /// an error bound of 16 s (MAXDISP: it knows nothing).
    pub fn unsynchronized() -> SystemVars {
        SystemVars {
            leap: Leap::Unsynchronized,
            stratum: MAXSTRAT,
            root_delay_ns: 0,
            root_disp_ns: super::MAXDISP,
            refid: RefId::Kiss(Kiss::Init),
        }
    }
}

/// A leaky-bucket rate limit per client (in the spirit of ntpd's `discard`).
///
/// Each answered request adds `average_ms` to the client's bucket, which drains one
/// millisecond per millisecond; a request that would overflow `burst × average_ms`,
/// or comes less than `minimum_ms` after the previous one, is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    /// Least spacing between two requests, ms. Default 1000 (iburst's 2 s passes even
    /// with network jitter).
    pub minimum_ms: i64,
    /// Long-run least average spacing, ms. Default 8000 (ntpd's `average 3`).
    pub average_ms: i64,
    /// Requests the bucket holds. Default 16: two back-to-back bursts pass.
    pub burst: i64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            minimum_ms: 1000,
            average_ms: 8000,
            burst: 16,
        }
    }
}

/// How a server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// The rate limit. Default: [`RateLimit::default`]; `None` answers everyone.
    pub rate_limit: Option<RateLimit>,
    /// Send a `RATE` kiss to a limited client (default `true`); `false` drops silently.
    pub kod: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            rate_limit: Some(RateLimit::default()),
            kod: true,
        }
    }
}

/// `restrict`-style access control (ntpd's `restrict` lines, in the spirit of them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Restrict {
    /// Client addresses refused time (`restrict ADDR noserve`): a `DENY` kiss, or
    /// nothing without `kod`.
    pub deny: Vec<usize>,
    /// Serve only requests carrying a valid MAC of a trusted key (`restrict default
    /// notrust`): the others get an `RSTR` kiss, or nothing without `kod`.
    pub notrust: bool,
}

/// What a server has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServerCounters {
    /// Requests answered with the time.
    pub served: u64,
    /// Requests refused by the rate limit.
    pub limited: u64,
    /// Requests refused by `restrict` (denied address, or not authenticated).
    pub restricted: u64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Bucket {
    last: Option<Time>,
    level: i64,
}

/// One NTP server's request handling.
#[derive(Clone, Debug)]
pub struct ServerState {
    cfg: ServerConfig,
    clients: BTreeMap<usize, Bucket>,
    counters: ServerCounters,
    keys: Vec<Key>,
    restrict: Restrict,
}

impl Default for ServerState {
    fn default() -> Self {
        ServerState::new(&ServerConfig::default())
    }
}

impl ServerState {
    /// A server configured by `cfg`.
    pub fn new(cfg: &ServerConfig) -> ServerState {
        ServerState {
            cfg: *cfg,
            clients: BTreeMap::new(),
            counters: ServerCounters::default(),
            keys: Vec::new(),
            restrict: Restrict::default(),
        }
    }

    /// The same server, trusting `keys` (its keys file with `trustedkey`).
    pub fn with_keys(mut self, keys: Vec<Key>) -> ServerState {
        self.keys = keys;
        self
    }

    /// The same server, with access restricted by `restrict`.
    pub fn with_restrict(mut self, restrict: Restrict) -> ServerState {
        self.restrict = restrict;
        self
    }

    /// Answers `request` from client `from`, received at `t2` and answered at `t3`
    /// (server clock), stating `sys`. `None`: dropped by the rate limit.
    pub fn on_request(
        &mut self,
        from: usize,
        request: &Request,
        t2: Time,
        t3: Time,
        sys: &SystemVars,
    ) -> Option<Reply> {
        // The trusted key whose valid MAC the request carries, if any.
        let key = request
            .mac
            .and_then(|m| self.keys.iter().find(|k| k.id == m.key))
            .filter(|k| k.verifies_request(request))
            .cloned();
        let sign = |mut r: Reply| {
            r.mac = key.as_ref().map(|k| k.sign_reply(&r));
            r
        };
        let refused = if self.restrict.deny.contains(&from) {
            Some(Kiss::Deny)
        } else if self.restrict.notrust && key.is_none() {
            Some(Kiss::Rstr)
        } else {
            None
        };
        if let Some(kiss) = refused {
            self.counters.restricted += 1;
            return self
                .cfg
                .kod
                .then(|| sign(Reply::kiss(request, kiss, t2, t3)));
        }
        if let Some(rl) = self.cfg.rate_limit {
            let b = self.clients.entry(from).or_default();
            let gap = b.last.map(|last| (t2 - last).max(0));
            b.last = Some(t2);
            b.level = (b.level - gap.unwrap_or(0)).max(0);
            let avg = rl.average_ms * MS;
            if gap.is_some_and(|g| g < rl.minimum_ms * MS) || b.level + avg > rl.burst * avg {
                self.counters.limited += 1;
                return self
                    .cfg
                    .kod
                    .then(|| sign(Reply::kiss(request, Kiss::Rate, t2, t3)));
            }
            b.level += avg;
        }
        self.counters.served += 1;
        Some(sign(Reply {
            t1: request.t1,
            t2,
            t3,
            leap: sys.leap,
            stratum: sys.stratum,
            poll: request.poll,
            root_delay_ns: sys.root_delay_ns,
            root_disp_ns: sys.root_disp_ns,
            refid: sys.refid,
            mac: None,
        }))
    }

    /// Requests served and refused so far.
    pub fn counters(&self) -> ServerCounters {
        self.counters
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SEC;

    fn req(ms: i64) -> Request {
        Request {
            t1: Time(ms * MS),
            poll: 6,
            mac: None,
        }
    }

    #[test]
    fn reply_carries_the_servers_state() {
        let mut s = ServerState::new(&ServerConfig {
            rate_limit: None,
            kod: true,
        });
        let r = s
            .on_request(
                0,
                &req(1000),
                Time(5 * SEC),
                Time(5 * SEC + MS),
                &SystemVars::primary(),
            )
            .unwrap();
        assert_eq!(
            (r.t1, r.t2, r.t3),
            (Time(SEC), Time(5 * SEC), Time(5 * SEC + MS))
        );
        assert_eq!(
            (r.stratum, r.leap, r.root_disp_ns, r.kiss_code()),
            (1, Leap::NoWarning, REFERENCE_DISP, None)
        );
        let r = s
            .on_request(
                0,
                &req(2000),
                Time(6 * SEC),
                Time(6 * SEC),
                &SystemVars::unsynchronized(),
            )
            .unwrap();
        assert_eq!((r.stratum, r.leap), (16, Leap::Unsynchronized));
        assert_eq!(r.refid, RefId::Kiss(Kiss::Init));
        assert!(!r.synchronized());
    }

    #[test]
    fn rate_limit_kisses_a_client_that_polls_too_fast() {
        let mut s = ServerState::default();
        let sys = SystemVars::primary();
        let ask = |s: &mut ServerState, from, ms: i64| {
            s.on_request(from, &req(ms), Time(ms * MS), Time(ms * MS), &sys)
                .unwrap()
        };
        // Every 2 s: the bucket gains 8 s and drains 2 s per request. Before request k it
        // holds 6 (k − 1) s; it refuses once 6 (k − 1) + 8 > 16 × 8 = 128, i.e. k = 22.
        for k in 1..=21 {
            assert_eq!(ask(&mut s, 4, 2000 * k).kiss_code(), None, "request {k}");
        }
        assert_eq!(ask(&mut s, 4, 2000 * 22).kiss_code(), Some(Kiss::Rate));
        // Another client is not affected; one asking twice within a second is kissed.
        assert_eq!(ask(&mut s, 5, 0).kiss_code(), None);
        assert_eq!(ask(&mut s, 5, 999).kiss_code(), Some(Kiss::Rate));
        assert_eq!(
            s.counters(),
            ServerCounters {
                served: 22,
                limited: 2,
                restricted: 0
            }
        );
        // Without KoD, limited requests are dropped.
        let mut quiet = ServerState::new(&ServerConfig {
            kod: false,
            ..Default::default()
        });
        assert!(quiet
            .on_request(1, &req(0), Time(0), Time(0), &sys)
            .is_some());
        assert!(quiet
            .on_request(1, &req(10), Time(10 * MS), Time(10 * MS), &sys)
            .is_none());
    }

    #[test]
    fn restrict_denies_an_address_and_unauthenticated_requests() {
        let key = Key {
            id: 3,
            secret: "s3cret".into(),
        };
        let signed = |ms| {
            let r = req(ms);
            Request {
                mac: Some(key.sign_request(&r)),
                ..r
            }
        };
        let sys = SystemVars::primary();
        let mut s = ServerState::new(&ServerConfig {
            rate_limit: None,
            kod: true,
        })
        .with_keys(vec![key.clone()])
        .with_restrict(Restrict {
            deny: vec![9],
            notrust: true,
        });
        let mut ask = |from, r: Request| s.on_request(from, &r, r.t1, r.t1, &sys);
        // Address 9 is denied, even with a valid MAC: a DENY kiss, signed.
        let k = ask(9, signed(0)).unwrap();
        assert_eq!(k.kiss_code(), Some(Kiss::Deny));
        assert!(key.verifies_reply(&k));
        // notrust: no MAC, or a MAC of an unknown key, or a wrong digest: RSTR, unsigned.
        let k = ask(1, req(0)).unwrap();
        assert_eq!((k.kiss_code(), k.mac), (Some(Kiss::Rstr), None));
        let stranger = Key {
            id: 4,
            secret: "s3cret".into(),
        };
        let r = Request {
            mac: Some(stranger.sign_request(&req(0))),
            ..req(0)
        };
        assert_eq!(ask(1, r).unwrap().kiss_code(), Some(Kiss::Rstr));
        let r = Request {
            t1: Time(5 * MS),
            ..signed(0)
        };
        assert_eq!(ask(1, r).unwrap().kiss_code(), Some(Kiss::Rstr));
        // A valid MAC: the time, signed with the same key.
        let r = ask(1, signed(0)).unwrap();
        assert_eq!((r.kiss_code(), r.stratum), (None, 1));
        assert!(key.verifies_reply(&r));
        assert_eq!(
            s.counters(),
            ServerCounters {
                served: 1,
                limited: 0,
                restricted: 4
            }
        );
        // Without kod the refused are dropped; without notrust an unsigned request is
        // answered unsigned.
        let mut quiet = ServerState::new(&ServerConfig {
            rate_limit: None,
            kod: false,
        })
        .with_restrict(Restrict {
            deny: vec![9],
            notrust: false,
        });
        assert!(quiet
            .on_request(9, &req(0), Time(0), Time(0), &sys)
            .is_none());
        let r = quiet
            .on_request(1, &req(0), Time(0), Time(0), &sys)
            .unwrap();
        assert_eq!((r.kiss_code(), r.mac), (None, None));
    }
}
