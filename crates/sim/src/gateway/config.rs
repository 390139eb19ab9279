//! The gateway's configuration (beside its node, importing nothing of it: the run's
//! [`crate::config::Config`] holds it).

use crate::error::{check_range, ConfigError};
use serde::{Deserialize, Serialize};

/// How the gateway picks an instance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    /// Instances in turn.
    #[default]
    RoundRobin,
    /// The fewest requests in progress; the first such instance on a tie.
    LeastConnections,
    /// Smooth weighted round robin (nginx): shares in proportion to the weights.
    Weighted,
    /// By a hash of the customer's id: a customer always reaches the same instance.
    HashCustomer,
    /// Two instances at random, the less busy of the two.
    TwoChoices,
    /// By a hash of the client's address (HAProxy's `balance source`): every
    /// customer behind one address (a load generator, a company's NAT) reaches the
    /// same instance.
    HashClient,
}

impl Algorithm {
    /// Every algorithm, in menu order.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::RoundRobin,
        Algorithm::LeastConnections,
        Algorithm::Weighted,
        Algorithm::HashCustomer,
        Algorithm::TwoChoices,
        Algorithm::HashClient,
    ];

    /// Its name as scenario files and the command line spell it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RoundRobin => "round-robin",
            Algorithm::LeastConnections => "least-connections",
            Algorithm::Weighted => "weighted",
            Algorithm::HashCustomer => "hash-customer",
            Algorithm::TwoChoices => "two-choices",
            Algorithm::HashClient => "hash-client",
        }
    }

    /// Parses an algorithm's name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Algorithm, String> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "unknown balancing algorithm {s:?}; valid ones: {}",
                    names.join(", ")
                )
            })
    }
}

/// The gateway's configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    /// Whether customers go through a gateway (default false: round robin straight
    /// to the servers).
    pub enabled: bool,
    /// How it picks an instance (default `round-robin`).
    pub algorithm: Algorithm,
    /// `weighted`: each server's weight, `server-1` first (default: empty, every
    /// weight 1). When given, one per server, each from 0 to 100, not all 0.
    pub weights: Vec<u32>,
    /// How long the gateway waits for an instance's answer before answering 504,
    /// seconds by its own clock (default 3: shorter than the customers' patience, so
    /// that a hung instance is noticed; nginx's `proxy_read_timeout` is 60 s).
    pub timeout_s: f64,
    /// Whether a refused connection is retried on another instance (default true,
    /// nginx's `proxy_next_upstream error`). A request already sent is never retried.
    pub retry_refused: bool,
    /// Active health checks: the gateway probes every instance (default off).
    pub active: ActiveCheck,
    /// Passive health checks: the gateway counts failed requests (default off).
    pub passive: PassiveCheck,
    /// Per-customer rate limiting (default off).
    pub rate_limit: RateLimit,
    /// `hash-client`: how many client addresses the customers come from, customer
    /// `c` from address `c mod client_addresses` (default 0: each customer from an
    /// address of their own; 1: one load generator, or one NAT, for everyone).
    pub client_addresses: u32,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            enabled: false,
            algorithm: Algorithm::RoundRobin,
            weights: Vec::new(),
            timeout_s: 3.0,
            retry_refused: true,
            active: ActiveCheck::default(),
            passive: PassiveCheck::default(),
            rate_limit: RateLimit::default(),
            client_addresses: 0,
        }
    }
}

/// Per-customer rate limiting with a token bucket, by the gateway's clock: each customer
/// has a bucket of `burst` tokens, refilled at `rate_per_s`; a request takes one, and
/// with none left the gateway answers 429 (Too Many Requests). Over any `t` seconds a
/// customer gets at most `burst + rate_per_s × t` requests through.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    /// Whether the gateway limits each customer's rate (default false).
    pub enabled: bool,
    /// Tokens a second (default 5).
    pub rate_per_s: f64,
    /// The bucket's size: the burst allowed after a quiet spell (default 10).
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            enabled: false,
            rate_per_s: 5.0,
            burst: 10,
        }
    }
}

/// Active health checks, as HAProxy (`inter`, `timeout check`, `fall`, `rise`) and
/// Kong (`interval`, `timeout`, `unhealthy.*_failures`, `healthy.successes`) name them.
/// Judged by the gateway's own clock.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActiveCheck {
    /// Whether the gateway probes the instances (default false).
    pub enabled: bool,
    /// Time between two probes of an instance, seconds (default 2, HAProxy's `inter`).
    pub interval_s: f64,
    /// How long a probe may take before it counts as failed, seconds (default 1).
    pub timeout_s: f64,
    /// Consecutive failed probes that mark an instance down (default 3, HAProxy's).
    pub fall: u32,
    /// Consecutive good probes that mark it up again (default 2, HAProxy's).
    pub rise: u32,
}

impl Default for ActiveCheck {
    fn default() -> Self {
        ActiveCheck {
            enabled: false,
            interval_s: 2.0,
            timeout_s: 1.0,
            fall: 3,
            rise: 2,
        }
    }
}

/// Passive health checks, as nginx's `max_fails` and `fail_timeout`: `failures`
/// failed requests (refused, or unanswered before the gateway's timeout) within
/// `window_s` mark an instance down for `window_s`; then it is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PassiveCheck {
    /// Whether the gateway watches its requests' failures (default false).
    pub enabled: bool,
    /// Failures that mark an instance down (default 3).
    pub failures: u32,
    /// The window they must fall in, and how long the instance stays down, seconds
    /// (default 10, nginx's `fail_timeout`).
    pub window_s: f64,
}

impl Default for PassiveCheck {
    fn default() -> Self {
        PassiveCheck {
            enabled: false,
            failures: 3,
            window_s: 10.0,
        }
    }
}

impl GatewayConfig {
    /// Checks the fields against a run of `servers` servers.
    pub fn validate(&self, servers: usize) -> Result<(), ConfigError> {
        check_range("gateway.timeout_s", self.timeout_s, 0.01, 600.0, " s")?;
        let a = &self.active;
        check_range("gateway.active.interval_s", a.interval_s, 0.1, 600.0, " s")?;
        check_range(
            "gateway.active.timeout_s",
            a.timeout_s,
            0.01,
            a.interval_s,
            " s (at most interval_s)",
        )?;
        check_range("gateway.active.fall", a.fall as f64, 1.0, 100.0, "")?;
        check_range("gateway.active.rise", a.rise as f64, 1.0, 100.0, "")?;
        let r = &self.rate_limit;
        check_range(
            "gateway.rate_limit.rate_per_s",
            r.rate_per_s,
            0.01,
            10_000.0,
            " per s",
        )?;
        check_range(
            "gateway.rate_limit.burst",
            r.burst as f64,
            1.0,
            10_000.0,
            "",
        )?;
        let p = &self.passive;
        check_range(
            "gateway.passive.failures",
            p.failures as f64,
            1.0,
            1000.0,
            "",
        )?;
        check_range("gateway.passive.window_s", p.window_s, 0.1, 3600.0, " s")?;
        check_range(
            "gateway.client_addresses",
            self.client_addresses as f64,
            0.0,
            1e9,
            " (0: one per customer)",
        )?;
        if self.weights.is_empty() {
            return Ok(());
        }
        if self.weights.len() != servers {
            return Err(ConfigError::new(
                "gateway.weights",
                format!(
                    "must give one weight per server ({servers}), got {}",
                    self.weights.len()
                ),
            ));
        }
        for (i, &w) in self.weights.iter().enumerate() {
            check_range(&format!("gateway.weights[{i}]"), w as f64, 0.0, 100.0, "")?;
        }
        if self.weights.iter().all(|&w| w == 0) {
            return Err(ConfigError::new(
                "gateway.weights",
                "at least one weight must be above 0".to_string(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_checked_against_the_servers() {
        let mut c = GatewayConfig {
            enabled: true,
            algorithm: Algorithm::Weighted,
            weights: vec![3, 1],
            ..Default::default()
        };
        assert_eq!(c.validate(3).unwrap_err().field(), "gateway.weights");
        c.weights = vec![0, 0, 0];
        assert!(c.validate(3).unwrap_err().to_string().contains("above 0"));
        c.weights = vec![3, 1, 101];
        assert_eq!(c.validate(3).unwrap_err().field(), "gateway.weights[2]");
        c.weights = vec![3, 1, 1];
        c.validate(3).unwrap();
        assert_eq!(Algorithm::parse("two-choices"), Ok(Algorithm::TwoChoices));
        assert!(Algorithm::parse("random")
            .unwrap_err()
            .contains("least-connections"));
    }
}
