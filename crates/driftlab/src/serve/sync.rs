//! The time service: runs sync rounds over the configured sources, one at a time and no
//! more often than the configured interval, and keeps the latest result for `status`.

use super::config::ServerSpec;
use super::sntp;
use super::status::{rfc3339, Outcome, Status};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Mutex;

/// Shared by every request handler; cheap to read, rounds serialized.
pub struct TimeService {
    sources: Vec<ServerSpec>,
    query_timeout: Duration,
    interval: Duration,
    latest: RwLock<Arc<Status>>,
    /// Held for the whole of a round; holds when the last round started.
    round: Mutex<Option<Instant>>,
}

impl TimeService {
    /// A service over `sources` (primary first). Each query ends within `query_timeout`,
    /// so a round ends within `sources.len() × query_timeout`; rounds start at least
    /// `interval` apart.
    pub fn new(sources: Vec<ServerSpec>, query_timeout: Duration, interval: Duration) -> Self {
        let latest = Status::pending(&sources, millis(interval));
        TimeService {
            sources,
            query_timeout,
            interval,
            latest: RwLock::new(Arc::new(latest)),
            round: Mutex::new(None),
        }
    }

    /// The configured sources, primary first.
    pub fn sources(&self) -> &[ServerSpec] {
        &self.sources
    }

    /// The minimum time between two rounds, in ms.
    pub fn interval_ms(&self) -> u64 {
        millis(self.interval)
    }

    /// The latest round's result, stamped with this machine's current time.
    pub fn status(&self) -> Status {
        // A poisoned lock only means a panic elsewhere; the status inside is still whole.
        let latest = match self.latest.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        let mut status = (*latest).clone();
        status.server_time = rfc3339(SystemTime::now());
        status
    }

    /// Runs a round now and returns its result.
    ///
    /// If a round is already running, waits for it and returns its result instead of
    /// starting another. If the last round started less than the interval ago, returns
    /// `Err(wait)`: how long until a round is allowed.
    pub async fn sync(&self) -> Result<Status, Duration> {
        let mut last_start = match self.round.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                drop(self.round.lock().await);
                return Ok(self.status());
            }
        };
        if let Some(started) = *last_start {
            let since = started.elapsed();
            if since < self.interval {
                return Err(self.interval - since);
            }
        }
        *last_start = Some(Instant::now());
        let outcomes = self.query_in_order().await;
        let status = Status::from_round(
            &self.sources,
            &outcomes,
            Some(SystemTime::now()),
            millis(self.interval),
        );
        match self.latest.write() {
            Ok(mut guard) => *guard = Arc::new(status),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(status),
        }
        Ok(self.status())
    }

    /// Primary first; each fallback only while no earlier source has answered.
    async fn query_in_order(&self) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(self.sources.len());
        let mut answered = false;
        for source in &self.sources {
            if answered {
                outcomes.push(None);
                continue;
            }
            let outcome = sntp::query(source, self.query_timeout).await;
            answered = outcome.is_ok();
            outcomes.push(Some(outcome));
        }
        outcomes
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed_port_source() -> ServerSpec {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        ServerSpec::parse(&format!("127.0.0.1:{port}")).unwrap()
    }

    #[tokio::test]
    async fn second_round_within_the_interval_is_refused() {
        let service = TimeService::new(
            vec![closed_port_source()],
            Duration::from_millis(200),
            Duration::from_secs(60),
        );
        let first = service.sync().await.expect("first round runs");
        assert!(!first.synced && first.error.is_some());
        let wait = service.sync().await.expect_err("second round refused");
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60));
    }

    #[tokio::test]
    async fn sync_during_a_round_shares_that_round() {
        // Bound but silent: every query runs into its timeout.
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        let source = ServerSpec::parse(&format!("127.0.0.1:{port}")).unwrap();
        let service = TimeService::new(
            vec![source],
            Duration::from_millis(300),
            Duration::from_secs(60),
        );
        let (a, b) = tokio::join!(service.sync(), service.sync());
        let (a, b) = (a.expect("runs the round"), b.expect("shares it, no 429"));
        assert_eq!(a.last_attempt, b.last_attempt);
        assert!(a.sources[0]
            .error
            .as_deref()
            .unwrap()
            .contains("no reply within 300 ms"));
    }
}
