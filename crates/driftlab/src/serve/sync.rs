//! The time service: runs sync rounds over the configured sources, one at a time and no
//! more often than the configured interval, and keeps the latest result for `status`.
//! In the background ([`TimeService::run_schedule`]) it retries a failed round with a
//! back-off and re-syncs periodically once synchronised ([`Schedule`]).

use super::config::ServerSpec;
use super::sntp;
use super::status::{rfc3339, Outcome, ScheduleStatus, Status};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{Mutex, Notify};

/// When the background rounds run. After a round in which no source answered, the next one
/// comes `first_retry` later, then `factor` times longer after each further failure, never
/// more than `max_retry`; after a round that synchronised, the next comes `resync` later.
/// No round starts sooner than the service's interval after the previous one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    /// The wait after the first failed round.
    pub first_retry: Duration,
    /// How much longer each further wait is, while rounds keep failing.
    pub factor: u32,
    /// The longest wait between two failed rounds.
    pub max_retry: Duration,
    /// The wait after a round that synchronised.
    pub resync: Duration,
}

/// The back-off's growth: each wait twice the previous one.
pub const RETRY_FACTOR: u32 = 2;

impl Schedule {
    /// The wait after a round, given how many rounds in a row have now failed (0: the
    /// latest one synchronised).
    pub fn wait_after(&self, failures: u32) -> Duration {
        if failures == 0 {
            return self.resync;
        }
        let mut wait = self.first_retry;
        for _ in 1..failures {
            if wait >= self.max_retry {
                break;
            }
            wait = wait.saturating_mul(self.factor);
        }
        wait.min(self.max_retry)
    }
}

/// The next background round: when it is due and how many rounds in a row have failed.
struct Plan {
    due: Instant,
    failures: u32,
}

/// Shared by every request handler; cheap to read, rounds serialized.
pub struct TimeService {
    sources: Vec<ServerSpec>,
    query_timeout: Duration,
    interval: Duration,
    schedule: Schedule,
    latest: RwLock<Arc<Status>>,
    /// Held for the whole of a round; holds when the last round started.
    round: Mutex<Option<Instant>>,
    /// The next background round.
    plan: std::sync::Mutex<Plan>,
    /// Wakes the background loop when a round (perhaps a posted one) moved the plan.
    replanned: Notify,
}

impl TimeService {
    /// A service over `sources` (primary first). Each query ends within `query_timeout`,
    /// so a round ends within `sources.len() × query_timeout`; rounds start at least
    /// `interval` apart; the background rounds follow `schedule`, the first one at once.
    pub fn new(
        sources: Vec<ServerSpec>,
        query_timeout: Duration,
        interval: Duration,
        schedule: Schedule,
    ) -> Self {
        let mut latest = Status::pending(&sources, millis(interval), schedule_status(&schedule));
        latest.next_attempt = Some(rfc3339(SystemTime::now()));
        TimeService {
            sources,
            query_timeout,
            interval,
            schedule,
            latest: RwLock::new(Arc::new(latest)),
            round: Mutex::new(None),
            plan: std::sync::Mutex::new(Plan {
                due: Instant::now(),
                failures: 0,
            }),
            replanned: Notify::new(),
        }
    }

    /// Runs the background rounds forever: the first at once, then each when the plan
    /// says (see [`Schedule`]). A posted round moves the plan like a background one.
    pub async fn run_schedule(self: Arc<Self>) {
        loop {
            let due = self.plan().due;
            if due > Instant::now() {
                tokio::select! {
                    () = tokio::time::sleep_until(due.into()) => {}
                    () = self.replanned.notified() => {}
                }
                continue;
            }
            if let Err(wait) = self.sync().await {
                // A posted round started less than the interval ago: its result moved
                // the plan; look again once a round is allowed.
                tokio::time::sleep(wait).await;
            }
        }
    }

    fn plan(&self) -> std::sync::MutexGuard<'_, Plan> {
        // A poisoned lock only means a panic elsewhere; the plan inside is still whole.
        self.plan.lock().unwrap_or_else(|p| p.into_inner())
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
        let mut status = Status::from_round(
            &self.sources,
            &outcomes,
            Some(SystemTime::now()),
            millis(self.interval),
            schedule_status(&self.schedule),
        );
        {
            let mut plan = self.plan();
            plan.failures = if status.synced { 0 } else { plan.failures + 1 };
            let wait = self.schedule.wait_after(plan.failures).max(self.interval);
            plan.due = Instant::now() + wait;
            status.consecutive_failures = plan.failures;
            status.next_attempt = Some(rfc3339(SystemTime::now() + wait));
        }
        self.replanned.notify_one();
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

fn schedule_status(schedule: &Schedule) -> ScheduleStatus {
    ScheduleStatus {
        retry_first_ms: millis(schedule.first_retry),
        retry_factor: schedule.factor,
        retry_max_ms: millis(schedule.max_retry),
        resync_interval_ms: millis(schedule.resync),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEDULE: Schedule = Schedule {
        first_retry: Duration::from_secs(2),
        factor: RETRY_FACTOR,
        max_retry: Duration::from_secs(60),
        resync: Duration::from_secs(64),
    };

    #[test]
    fn back_off_doubles_from_the_first_retry_up_to_the_cap() {
        let waits: Vec<u64> = (1..=8).map(|n| SCHEDULE.wait_after(n).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(SCHEDULE.wait_after(u32::MAX), Duration::from_secs(60));
        assert_eq!(
            SCHEDULE.wait_after(0),
            Duration::from_secs(64),
            "synced: re-sync"
        );
    }

    #[tokio::test]
    async fn a_failed_round_plans_a_retry_and_counts_the_failures() {
        let service = TimeService::new(
            vec![closed_port_source()],
            Duration::from_millis(200),
            Duration::from_millis(200),
            SCHEDULE,
        );
        let first = service.sync().await.expect("first round runs");
        assert_eq!(first.consecutive_failures, 1);
        let next = first.next_attempt.clone().expect("a retry is planned");
        assert!(
            next > *first.last_attempt.as_ref().unwrap(),
            "{next} after the round"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        let second = service.sync().await.expect("second round runs");
        assert_eq!(second.consecutive_failures, 2);
    }

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
            SCHEDULE,
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
            SCHEDULE,
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
