//! The network: one-way delays with jitter, asymmetry, loss and partitions (docs/MODEL.md, "Network").

use crate::error::{check_range, ConfigError};
use crate::rng::Rng;
use crate::time::ms_to_nanos;
use serde::{Deserialize, Serialize};

/// The random part of a one-way delay.
///
/// In JSON its variant is the field `kind`: `{"kind": "exponential", "mean_ms": 0.05}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
pub enum Jitter {
    /// No jitter: every message takes exactly the base delay.
    None,
    /// Exponential with the given mean, in milliseconds (queueing-like).
    Exponential {
        /// Mean extra delay, ms.
        mean_ms: f64,
    },
    /// Log-normal with the given median (ms) and log standard deviation (heavy tail).
    LogNormal {
        /// Median extra delay, ms.
        median_ms: f64,
        /// Standard deviation of the delay's logarithm.
        sigma: f64,
    },
    /// Exponential with the given mean, plus now and then a spike: with probability
    /// `probability`, a message also waits `spike_ms` (a queue filling up, a
    /// retransmission): what NTP's popcorn spike suppressor is for.
    Spikes {
        /// Mean extra delay, ms.
        mean_ms: f64,
        /// Chance that a message is delayed by a spike, 0..1.
        probability: f64,
        /// A spike's extra delay, ms.
        spike_ms: f64,
    },
}

// Read and written with the tag inside, as the enum's documentation shows.
crate::json::internally_tagged!(Jitter, "kind");

/// A pair of directed links between two kinds of node.
///
/// "Out" is from the node that starts an exchange (customer, client, server) to the one
/// that answers (server, database, NTP server); "back" is the reply's way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkConfig {
    /// Fixed one-way delay on the way out, milliseconds.
    pub base_ms: f64,
    /// Fixed delay on the way back, if it differs (an asymmetric route); `None` = same.
    pub return_base_ms: Option<f64>,
    /// Random extra delay, drawn per message.
    pub jitter: Jitter,
    /// Probability that a message is lost, 0..1.
    pub loss: f64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            base_ms: 1.0,
            return_base_ms: None,
            jitter: Jitter::None,
            loss: 0.0,
        }
    }
}

impl LinkConfig {
    pub(crate) fn validate(&self, field: &str) -> Result<(), ConfigError> {
        check_range(
            &format!("{field}.base_ms"),
            self.base_ms,
            0.0,
            60_000.0,
            " ms",
        )?;
        if let Some(b) = self.return_base_ms {
            check_range(&format!("{field}.return_base_ms"), b, 0.0, 60_000.0, " ms")?;
        }
        check_range(&format!("{field}.loss"), self.loss, 0.0, 1.0, "")?;
        match self.jitter {
            Jitter::None => Ok(()),
            Jitter::Exponential { mean_ms } => check_range(
                &format!("{field}.jitter.mean_ms"),
                mean_ms,
                0.0,
                60_000.0,
                " ms",
            ),
            Jitter::LogNormal { median_ms, sigma } => {
                check_range(
                    &format!("{field}.jitter.median_ms"),
                    median_ms,
                    0.0,
                    60_000.0,
                    " ms",
                )?;
                check_range(&format!("{field}.jitter.sigma"), sigma, 0.0, 3.0, "")
            }
            Jitter::Spikes {
                mean_ms,
                probability,
                spike_ms,
            } => {
                let f = |name: &str| format!("{field}.jitter.{name}");
                check_range(&f("mean_ms"), mean_ms, 0.0, 60_000.0, " ms")?;
                check_range(&f("probability"), probability, 0.0, 1.0, "")?;
                check_range(&f("spike_ms"), spike_ms, 0.0, 60_000.0, " ms")
            }
        }
    }
}

/// Which way a message travels on a [`Link`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// From the node that starts the exchange.
    Out,
    /// The reply.
    Back,
}

/// A link ready to draw delays: the config converted to nanoseconds once.
#[derive(Clone, Debug)]
pub struct Link {
    out_ns: i64,
    back_ns: i64,
    jitter: Jitter,
    loss: f64,
}

impl Link {
    /// A link from its config, never partitioned.
    pub fn new(cfg: &LinkConfig) -> Link {
        Link {
            out_ns: ms_to_nanos(cfg.base_ms),
            back_ns: ms_to_nanos(cfg.return_base_ms.unwrap_or(cfg.base_ms)),
            jitter: cfg.jitter,
            loss: cfg.loss,
        }
    }

    /// The one-way delay of a message, or `None` if it is lost (dropped at random).
    /// Partitions are per node and the simulator applies them (`network.partitions`).
    pub fn delay(&self, rng: &mut Rng, way: Way) -> Option<i64> {
        if self.loss > 0.0 && rng.chance(self.loss) {
            return None;
        }
        Some(self.delay_reliable(rng, way))
    }

    /// The one-way delay of a message that must arrive (a reliable channel that
    /// retransmits: replication, database traffic): loss only costs time there, and
    /// is left out.
    pub fn delay_reliable(&self, rng: &mut Rng, way: Way) -> i64 {
        let base = match way {
            Way::Out => self.out_ns,
            Way::Back => self.back_ns,
        };
        // Truncating to whole nanoseconds is exact and portable (no rounding call).
        base + match self.jitter {
            Jitter::None => 0,
            Jitter::Exponential { mean_ms } => rng.exp(mean_ms * 1e6) as i64,
            Jitter::LogNormal { median_ms, sigma } => rng.lognormal(median_ms * 1e6, sigma) as i64,
            Jitter::Spikes {
                mean_ms,
                probability,
                spike_ms,
            } => {
                let spike = if rng.chance(probability) {
                    ms_to_nanos(spike_ms)
                } else {
                    0
                };
                rng.exp(mean_ms * 1e6) as i64 + spike
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS;

    /// Spikes: every delay is the base plus an exponential draw, plus the whole spike
    /// for about `probability` of the messages (here 1 in 10 over 10 000 messages:
    /// 1 000 expected, σ = 30).
    #[test]
    fn spikes_add_their_whole_delay_to_a_share_of_the_messages() {
        let link = Link::new(&LinkConfig {
            base_ms: 1.0,
            jitter: Jitter::Spikes {
                mean_ms: 0.1,
                probability: 0.1,
                spike_ms: 50.0,
            },
            ..Default::default()
        });
        let mut rng = Rng::stream(3, 0);
        let delays: Vec<i64> = (0..10_000)
            .map(|_| link.delay_reliable(&mut rng, Way::Out))
            .collect();
        let spiked = delays.iter().filter(|&&d| d >= 51 * MS).count();
        assert!((880..=1120).contains(&spiked), "{spiked} spikes");
        assert!(delays.iter().all(|&d| d >= MS));
        assert!(
            delays.iter().all(|&d| !(5 * MS..51 * MS).contains(&d)),
            "no half spikes"
        );
        let bad = LinkConfig {
            jitter: Jitter::Spikes {
                mean_ms: 0.1,
                probability: 1.5,
                spike_ms: 50.0,
            },
            ..Default::default()
        };
        let e = bad.validate("network.lan").unwrap_err();
        assert_eq!(e.field(), "network.lan.jitter.probability");
    }

    #[test]
    fn asymmetric_bases_and_no_jitter() {
        let link = Link::new(&LinkConfig {
            base_ms: 20.0,
            return_base_ms: Some(0.0),
            ..Default::default()
        });
        let mut rng = Rng::stream(1, 0);
        assert_eq!(link.delay(&mut rng, Way::Out), Some(20 * MS));
        assert_eq!(link.delay(&mut rng, Way::Back), Some(0));
    }

    #[test]
    fn loss_and_jitter_statistics() {
        let link = Link::new(&LinkConfig {
            base_ms: 1.0,
            jitter: Jitter::Exponential { mean_ms: 2.0 },
            loss: 0.25,
            ..Default::default()
        });
        let mut rng = Rng::stream(3, 0);
        let samples: Vec<Option<i64>> = (0..40_000)
            .map(|_| link.delay(&mut rng, Way::Out))
            .collect();
        let lost = samples.iter().filter(|d| d.is_none()).count() as f64 / samples.len() as f64;
        assert!((lost - 0.25).abs() < 0.01, "{lost}");
        let kept: Vec<i64> = samples.into_iter().flatten().collect();
        let mean = kept.iter().sum::<i64>() as f64 / kept.len() as f64 / MS as f64;
        assert!((mean - 3.0).abs() < 0.1, "{mean}");
        assert!(kept.iter().all(|&d| d >= MS));
    }
}
