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
}

impl Algorithm {
    /// Every algorithm, in menu order.
    pub const ALL: [Algorithm; 5] = [
        Algorithm::RoundRobin,
        Algorithm::LeastConnections,
        Algorithm::Weighted,
        Algorithm::HashCustomer,
        Algorithm::TwoChoices,
    ];

    /// Its name as scenario files and the command line spell it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RoundRobin => "round-robin",
            Algorithm::LeastConnections => "least-connections",
            Algorithm::Weighted => "weighted",
            Algorithm::HashCustomer => "hash-customer",
            Algorithm::TwoChoices => "two-choices",
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
}

impl GatewayConfig {
    /// Checks the fields against a run of `servers` servers.
    pub fn validate(&self, servers: usize) -> Result<(), ConfigError> {
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
