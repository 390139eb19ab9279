//! The crowd's configuration (beside its node, importing nothing of it: the run's
//! [`crate::config::Config`] holds it).

use crate::error::{check_range, ConfigError};
use serde::{Deserialize, Serialize};

/// The customers: a flash crowd at the opening plus a Poisson trickle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrowdConfig {
    /// Number of customers (default 2 000).
    pub customers: u32,
    /// Fraction of them in the flash crowd; the rest trickle in uniformly (default 0.8).
    pub flash_fraction: f64,
    /// Mean spread of the flash crowd's arrivals after `opening − eager_s`, seconds (default 20).
    pub flash_spread_s: f64,
    /// How early the eagerest customers load the page before the opening, seconds (default 5).
    pub eager_s: f64,
    /// Median time a customer looks at the seat map before clicking, seconds (default 6).
    pub think_median_s: f64,
    /// Clicks a customer makes at most before giving up (default 6).
    pub max_attempts: u32,
    /// Fraction of customers holding a seat who go on to pay (default 0.85).
    pub pay_fraction: f64,
    /// Median time from hold to payment, seconds (default 120; log-normal, σ 0.6).
    pub pay_median_s: f64,
    /// How long a customer waits for an answer before clicking again, seconds (default 5).
    pub timeout_s: f64,
    /// A bot hammering the gateway with claims (default: none).
    pub bot: BotConfig,
    /// Closed-loop virtual users, as a load test has them (default: none).
    pub users: UsersConfig,
}

/// Closed-loop virtual users (a load generator's, as Locust or JMeter run them): each
/// sends a claim, waits for the answer (or its `timeout_s`), thinks `think_s`, and
/// sends again, from `start_s` for `duration_s`. Their load follows the system's
/// speed: by Little's law, users = throughput × (response time + think time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UsersConfig {
    /// How many (default 0: none).
    pub count: u32,
    /// Think time between an answer and the next request, seconds (default 0.05).
    pub think_s: f64,
    /// When they start, seconds since midnight (default 36 000 = 10:00:00).
    pub start_s: f64,
    /// How long they keep going, seconds (default 60).
    pub duration_s: f64,
}

impl Default for UsersConfig {
    fn default() -> Self {
        UsersConfig {
            count: 0,
            think_s: 0.05,
            start_s: 36_000.0,
            duration_s: 60.0,
        }
    }
}

impl Default for CrowdConfig {
    fn default() -> Self {
        CrowdConfig {
            customers: 2000,
            flash_fraction: 0.8,
            flash_spread_s: 20.0,
            eager_s: 5.0,
            think_median_s: 6.0,
            max_attempts: 6,
            pay_fraction: 0.85,
            pay_median_s: 120.0,
            timeout_s: 5.0,
            bot: BotConfig::default(),
            users: UsersConfig::default(),
        }
    }
}

/// A bot: one more customer (a scalper's script) that sends a claim for a free seat at
/// a steady rate, never retries, never pays, from `start_s` for `duration_s`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BotConfig {
    /// Claims a second (default 0: no bot).
    pub rate_per_s: f64,
    /// When it starts, seconds since midnight (default 36 000 = 10:00:00).
    pub start_s: f64,
    /// How long it keeps going, seconds (default 60).
    pub duration_s: f64,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            rate_per_s: 0.0,
            start_s: 36_000.0,
            duration_s: 60.0,
        }
    }
}

impl CrowdConfig {
    /// Checks every field; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = self;
        check_range("crowd.customers", c.customers as f64, 0.0, 100_000.0, "")?;
        check_range("crowd.flash_fraction", c.flash_fraction, 0.0, 1.0, "")?;
        check_range("crowd.flash_spread_s", c.flash_spread_s, 0.0, 3600.0, " s")?;
        check_range("crowd.eager_s", c.eager_s, 0.0, 600.0, " s")?;
        check_range("crowd.think_median_s", c.think_median_s, 0.0, 600.0, " s")?;
        check_range("crowd.max_attempts", c.max_attempts as f64, 1.0, 100.0, "")?;
        check_range("crowd.pay_fraction", c.pay_fraction, 0.0, 1.0, "")?;
        check_range("crowd.pay_median_s", c.pay_median_s, 1.0, 3600.0, " s")?;
        check_range("crowd.timeout_s", c.timeout_s, 0.1, 600.0, " s")?;
        let b = &self.bot;
        check_range("crowd.bot.rate_per_s", b.rate_per_s, 0.0, 1000.0, " per s")?;
        check_range(
            "crowd.bot.start_s",
            b.start_s,
            0.0,
            86_400.0,
            " s since midnight",
        )?;
        check_range(
            "crowd.bot.duration_s",
            b.duration_s,
            0.0,
            6.0 * 3600.0,
            " s",
        )?;
        let u = &self.users;
        check_range("crowd.users.count", u.count as f64, 0.0, 10_000.0, "")?;
        check_range("crowd.users.think_s", u.think_s, 0.0, 600.0, " s")?;
        check_range(
            "crowd.users.start_s",
            u.start_s,
            0.0,
            86_400.0,
            " s since midnight",
        )?;
        check_range(
            "crowd.users.duration_s",
            u.duration_s,
            0.0,
            6.0 * 3600.0,
            " s",
        )?;
        Ok(())
    }
}
