//! The change feed's configuration (beside its nodes, importing nothing of them: the
//! run's [`crate::config::Config`] holds it).

use crate::clock::ClockConfig;
use crate::error::{check_range, ConfigError};
use serde::{Deserialize, Serialize};

/// How the notification service gets the database's changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capture {
    /// Change data capture from the database's log (as Debezium reads a WAL into
    /// Kafka): the service commits its read position every `commit_every_ms` and,
    /// after an outage, resumes from the last position committed. At least once: none
    /// lost, the changes read after that commit delivered twice.
    #[default]
    Log,
    /// A broadcast to whoever listens (as PostgreSQL's `LISTEN`/`NOTIFY`): a
    /// notification sent while the service's listener is disconnected is lost.
    Notify,
}

/// How each customer's seat map hears about changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    /// Push over a connection kept open (Server-Sent Events, or a WebSocket: the same
    /// here): each change goes to every connected map after that connection's
    /// latency; an idle connection is closed after `idle_timeout_s` and the browser
    /// reconnects `retry_ms` later, resuming from the last change it had
    /// (`Last-Event-ID`).
    #[default]
    Sse,
    /// The map asks for changes every `poll_interval_s`.
    ShortPolling,
    /// The map asks; the service answers as soon as there is a change, and the map
    /// asks again at once.
    LongPolling,
}

/// The listener's outage: the service's connection to the database is down.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListenerOutage {
    /// From this instant, seconds since midnight (default none).
    pub from_s: Option<f64>,
    /// … until this instant, seconds since midnight.
    pub to_s: f64,
}

/// The change feed: database changes pushed to the customers' seat maps (off by
/// default: every customer sees every change at once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedConfig {
    /// Whether customers choose from their own seat map, kept up to date by the feed
    /// (default false).
    pub enabled: bool,
    /// How the service gets the changes (default `log`).
    pub capture: Capture,
    /// How the maps get them (default `sse`).
    pub transport: Transport,
    /// Notify then fetch: a push carries only "something changed" and every map then
    /// asks for the changes at once (default false; push transport only).
    pub notify_fetch: bool,
    /// Batching: the service sends what changed every this many ms instead of at once
    /// (default 0: at once; push transport only).
    pub batch_ms: f64,
    /// Each connection's latency, ms: a median, each connection drawing its own
    /// (log-normal, σ 0.5) when it opens (default 40).
    pub latency_ms: f64,
    /// Short polling's interval, seconds (default 5).
    pub poll_interval_s: f64,
    /// An open connection with nothing sent for this long is closed by a proxy,
    /// seconds (default 30; 0: never).
    pub idle_timeout_s: f64,
    /// The browser reconnects this long after its connection closed, ms (default
    /// 3000, as `EventSource`).
    pub retry_ms: f64,
    /// `log` capture: the service commits its read position this often, ms (default
    /// 5000, Kafka's `auto.commit.interval.ms`).
    pub commit_every_ms: f64,
    /// The notification service's clock (default exact).
    pub clock: ClockConfig,
    /// The listener's outage (default none).
    pub outage: ListenerOutage,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            enabled: false,
            capture: Capture::Log,
            transport: Transport::Sse,
            notify_fetch: false,
            batch_ms: 0.0,
            latency_ms: 40.0,
            poll_interval_s: 5.0,
            idle_timeout_s: 30.0,
            retry_ms: 3000.0,
            commit_every_ms: 5000.0,
            clock: ClockConfig::default(),
            outage: ListenerOutage::default(),
        }
    }
}

impl FeedConfig {
    /// Checks every range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range("feed.batch_ms", self.batch_ms, 0.0, 600_000.0, " ms")?;
        check_range("feed.latency_ms", self.latency_ms, 0.0, 60_000.0, " ms")?;
        check_range(
            "feed.poll_interval_s",
            self.poll_interval_s,
            0.1,
            3_600.0,
            " s",
        )?;
        check_range(
            "feed.idle_timeout_s",
            self.idle_timeout_s,
            0.0,
            86_400.0,
            " s",
        )?;
        check_range("feed.retry_ms", self.retry_ms, 0.0, 600_000.0, " ms")?;
        check_range(
            "feed.commit_every_ms",
            self.commit_every_ms,
            1.0,
            3_600_000.0,
            " ms",
        )?;
        check_range(
            "feed.clock.offset_ms",
            self.clock.offset_ms,
            -3_600_000.0,
            3_600_000.0,
            " ms",
        )?;
        check_range(
            "feed.clock.skew_ppm",
            self.clock.skew_ppm,
            -1000.0,
            1000.0,
            " ppm",
        )?;
        if let Some(from) = self.outage.from_s {
            check_range("feed.outage.from_s", from, 0.0, 172_800.0, " s")?;
            check_range(
                "feed.outage.to_s",
                self.outage.to_s,
                from,
                172_800.0,
                " s (not before from_s)",
            )?;
        }
        Ok(())
    }

    /// Whether the maps are pushed to (a connection kept open) rather than polling.
    pub fn pushes(&self) -> bool {
        self.transport == Transport::Sse
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_name_their_field() {
        FeedConfig::default().validate().unwrap();
        let c = FeedConfig {
            poll_interval_s: 0.0,
            ..Default::default()
        };
        assert_eq!(c.validate().unwrap_err().field(), "feed.poll_interval_s");
        let c = FeedConfig {
            outage: ListenerOutage {
                from_s: Some(36_030.0),
                to_s: 36_000.0,
            },
            ..Default::default()
        };
        assert_eq!(c.validate().unwrap_err().field(), "feed.outage.to_s");
    }
}
