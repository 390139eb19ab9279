//! The instances' configuration: what happens to them during a run (beside the server
//! node, importing nothing of it: the run's [`crate::config::Config`] holds it).

use crate::error::{check_range, ConfigError};
use serde::{Deserialize, Serialize};

/// What state an instance is in (its faults: from a scenario or the app).
///
/// In JSON its variant is the field `mode`: `{"mode": "slow", "factor": 4}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
pub enum Mode {
    /// Serving normally (and after a restart).
    #[default]
    Up,
    /// The process is gone: connections are refused at once.
    Crashed,
    /// Accepts connections and never answers (a deadlock, a full disk).
    Hung,
    /// Serves, with every service time multiplied by `factor`.
    Slow {
        /// The factor, from 1 to 100.
        factor: u32,
    },
}

// Read and written with the tag inside, as the enum's documentation shows.
crate::json::internally_tagged!(Mode, "mode");

/// The state an instance goes into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Becomes {
    /// Serving again (a restart).
    Up,
    /// Crashed: connections refused.
    Crashed,
    /// Hung: accepts connections, never answers.
    Hung,
    /// Slow: service times × `factor`.
    Slow,
}

/// A fault of one instance, at an instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceFault {
    /// Which instance: 1 for `server-1`.
    pub server: u32,
    /// When, seconds since midnight (e.g. 36 030 = 10:00:30).
    pub at_s: f64,
    /// What it becomes.
    pub becomes: Becomes,
    /// `slow`: the service time's factor, 1 to 100 (default 1).
    #[serde(default = "one")]
    pub factor: u32,
}

fn one() -> u32 {
    1
}

impl InstanceFault {
    /// The instance's mode after the fault.
    pub fn mode(&self) -> Mode {
        match self.becomes {
            Becomes::Up => Mode::Up,
            Becomes::Crashed => Mode::Crashed,
            Becomes::Hung => Mode::Hung,
            Becomes::Slow => Mode::Slow {
                factor: self.factor,
            },
        }
    }
}

/// The instances (the reservation servers seen as processes behind a gateway).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InstancesConfig {
    /// Crashes, hangs, slowdowns and restarts, at their instants (default none).
    pub faults: Vec<InstanceFault>,
    /// Worker threads, an accept queue and the machines' cores (default off: each
    /// instance handles every request at once and queues only for its one CPU).
    pub workers: Workers,
    /// `no-lock`: a lock around the check-then-insert (seed 001; default none). The
    /// other policies do not check then insert, and ignore it (so a preset's lock
    /// stays put while the policy is switched).
    pub lock: LockKind,
    /// The fraction of answers lost on their way back to the customer (a connection
    /// cut after the commit), 0 to 0.5 (default 0). The customer, unanswered, clicks
    /// again once their patience runs out.
    pub reply_loss: f64,
    /// `unique`: claims carry an idempotency key, the same when a customer retries a
    /// click on the same seat, and the database answers a retry with the hold its key
    /// already has instead of a new decision (default false).
    pub idempotency_keys: bool,
}

/// A lock around `no-lock`'s check-then-insert (read the seat, work, insert).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockKind {
    /// No lock: two requests for a seat can both read it free and both insert.
    #[default]
    None,
    /// A lock inside each instance (a `threading.Lock` of the process): one
    /// check-then-insert at a time per instance; it protects nothing across instances.
    Instance,
    /// One lock for every instance, kept by the database (an advisory lock): one
    /// check-then-insert at a time in the whole system.
    Global,
}

/// How a service time is drawn around its mean (`network.service_ms`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTime {
    /// Exponential: most requests quick, a few long (the default).
    #[default]
    Exponential,
    /// Always exactly the mean (a load test's fixed work).
    Constant,
}

/// An instance as a process with worker threads (seed 001: one thread per client;
/// seed 003: instances sharing a machine). Each instance has `threads` workers and an
/// accept queue of `queue` requests; a request waits in the queue for a free worker,
/// at most `queue_timeout_s` by the instance's clock (then 503); a full queue refuses
/// the connection (the gateway tries another instance). A worker's service time runs
/// on one of its machine's `cores`, which every instance on the machine shares, so an
/// instance serves at most min(threads, cores) / service time requests a second, and a
/// machine at most cores / service time whatever the number of instances on it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workers {
    /// Worker threads per instance (default 0: off, the model without threads).
    pub threads: u32,
    /// The accept queue's size per instance (default 64, as a listen backlog).
    pub queue: u32,
    /// How long a request may wait in the queue, seconds by the instance's clock
    /// (default 1; 0: as long as it takes).
    pub queue_timeout_s: f64,
    /// How service times are drawn (default exponential).
    pub service: ServiceTime,
    /// Machines the instances share, instance `i` on machine `i mod machines` (default
    /// 0: each instance on a machine of its own).
    pub machines: u32,
    /// CPU cores per machine (default 2).
    pub cores: u32,
}

impl Default for Workers {
    fn default() -> Self {
        Workers {
            threads: 0,
            queue: 64,
            queue_timeout_s: 1.0,
            service: ServiceTime::Exponential,
            machines: 0,
            cores: 2,
        }
    }
}

impl Workers {
    /// Whether instances have worker threads.
    pub fn enabled(&self) -> bool {
        self.threads > 0
    }

    /// The machine instance `i` (0-based) runs on, of `instances`.
    pub fn machine_of(&self, i: usize, instances: usize) -> usize {
        match self.machines {
            0 => i,
            m => i % (m as usize).min(instances.max(1)),
        }
    }
}

impl InstancesConfig {
    /// Checks the fields against a run of `servers` servers.
    pub fn validate(&self, servers: usize) -> Result<(), ConfigError> {
        for (i, f) in self.faults.iter().enumerate() {
            let name = |n: &str| format!("instances.faults[{i}].{n}");
            check_range(
                &name("server"),
                f.server as f64,
                1.0,
                servers as f64,
                " (a server number)",
            )?;
            check_range(&name("at_s"), f.at_s, 0.0, 86_400.0, " s since midnight")?;
            check_range(&name("factor"), f.factor as f64, 1.0, 100.0, "")?;
        }
        let w = &self.workers;
        check_range(
            "instances.workers.threads",
            w.threads as f64,
            0.0,
            1024.0,
            "",
        )?;
        check_range(
            "instances.workers.queue",
            w.queue as f64,
            0.0,
            100_000.0,
            "",
        )?;
        check_range(
            "instances.workers.queue_timeout_s",
            w.queue_timeout_s,
            0.0,
            600.0,
            " s",
        )?;
        check_range(
            "instances.workers.machines",
            w.machines as f64,
            0.0,
            servers as f64,
            " (0: one per instance)",
        )?;
        check_range("instances.workers.cores", w.cores as f64, 1.0, 1024.0, "")?;
        check_range("instances.reply_loss", self.reply_loss, 0.0, 0.5, "")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_reads_as_json_and_is_checked() {
        let f: InstanceFault =
            serde_json::from_str(r#"{"server": 2, "at_s": 36030, "becomes": "slow", "factor": 5}"#)
                .unwrap();
        assert_eq!(f.mode(), Mode::Slow { factor: 5 });
        let c: InstanceFault =
            serde_json::from_str(r#"{"server": 1, "at_s": 1, "becomes": "crashed"}"#).unwrap();
        assert_eq!((c.mode(), c.factor), (Mode::Crashed, 1));
        let cfg = InstancesConfig {
            faults: vec![f.clone(), c],
            ..Default::default()
        };
        cfg.validate(3).unwrap();
        assert_eq!(
            cfg.validate(1).unwrap_err().field(),
            "instances.faults[0].server"
        );
        let bad = InstancesConfig {
            faults: vec![InstanceFault { factor: 0, ..f }],
            ..Default::default()
        };
        assert_eq!(
            bad.validate(3).unwrap_err().field(),
            "instances.faults[0].factor"
        );
        assert!(serde_json::from_str::<InstanceFault>(
            r#"{"server": 1, "at_s": 1, "becomes": "exploded"}"#
        )
        .is_err());
    }
}
