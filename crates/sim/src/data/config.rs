//! The data path's configuration (beside its nodes, importing nothing of them: the
//! run's [`crate::config::Config`] holds it).

use crate::clock::ClockConfig;
use crate::error::{check_range, ConfigError};
use serde::{Deserialize, Serialize};

/// Where reads (the `no-lock` availability check, the customers' seat maps) go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadFrom {
    /// The primary: always up to date.
    #[default]
    Primary,
    /// The first replica: stale by its replication lag.
    Replica,
}

/// Who promotes a replica when the primary is lost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Failover {
    /// No one: the primary stays lost.
    #[default]
    None,
    /// A proxy health check marks the primary down and pages an operator, who promotes
    /// the first replica after a delay and repoints every proxy.
    Manual,
    /// A leader lease in a consensus store (as Patroni does): the primary renews it
    /// every `loop_wait_s`; a replica whose clock finds it older than `ttl_s` takes it
    /// and promotes itself; the proxies follow whoever answers "primary".
    Auto,
}

/// The primary's failure (a crash, or a partition that leaves it running).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrimaryFault {
    /// The primary crashes at this instant, seconds since midnight (default none).
    pub crash_at_s: Option<f64>,
    /// The primary is cut off from the consensus store, the replicas and the proxies
    /// of every server not in `with_servers` from this instant (default none).
    pub partition_from_s: Option<f64>,
    /// … until this instant, seconds since midnight.
    pub partition_to_s: f64,
    /// The servers (1 for `server-1`) still on the primary's side of the partition.
    pub with_servers: Vec<u32>,
}

/// The data path: a primary database and its replicas behind proxies (off by default:
/// one database that never fails, the layer `database`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataConfig {
    /// Whether the servers use the data path instead of the one database (default
    /// false). Only `unique` and `no-lock` use a database.
    pub enabled: bool,
    /// How many replicas follow the primary, 0 to 3 (default 1).
    pub replicas: u32,
    /// The replication delay's fixed part: how long after a commit the primary ships
    /// the entry, ms (default 100).
    pub lag_ms: f64,
    /// Its random part: an exponential extra delay of this mean, ms (default 20).
    pub lag_jitter_ms: f64,
    /// Whether the first replica is synchronous: the primary confirms a write only
    /// once that replica has it (default false).
    pub synchronous: bool,
    /// Where reads go (default `primary`).
    pub reads: ReadFrom,
    /// Whether the customers' seat maps come from the first replica, as stale as its
    /// lag (default false: every change shows at once).
    pub maps_from_replica: bool,
    /// Each database node's clock, the primary (`db-1`) first; a node not listed has
    /// an exact clock (default none).
    pub clocks: Vec<ClockConfig>,
    /// Who promotes a replica (default `none`).
    pub failover: Failover,
    /// The proxies' health check of the primary: every this many seconds by the
    /// server's clock (default 2, HAProxy's `inter`).
    pub check_interval_s: f64,
    /// Failed checks in a row before the primary is marked down (default 3).
    pub fall: u32,
    /// Passed checks in a row before a node is marked up (default 2).
    pub rise: u32,
    /// `manual`: how long the operator takes, once paged, to promote a replica and
    /// repoint the proxies, seconds (default 420: seven minutes).
    pub operator_delay_s: f64,
    /// `auto`: the leader lease's time-to-live, seconds (default 30, Patroni's `ttl`).
    pub ttl_s: f64,
    /// `auto`: how often each node runs its loop (renew or check the lease), seconds
    /// by its own clock (default 10, Patroni's `loop_wait`).
    pub loop_wait_s: f64,
    /// `auto`: whether a primary that could not renew its lease stops accepting writes
    /// once its own clock says the lease would end before its next loop (default true).
    pub fencing: bool,
    /// The primary's failure (default none).
    pub fault: PrimaryFault,
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            enabled: false,
            replicas: 1,
            lag_ms: 100.0,
            lag_jitter_ms: 20.0,
            synchronous: false,
            reads: ReadFrom::Primary,
            maps_from_replica: false,
            clocks: Vec::new(),
            failover: Failover::None,
            check_interval_s: 2.0,
            fall: 3,
            rise: 2,
            operator_delay_s: 420.0,
            ttl_s: 30.0,
            loop_wait_s: 10.0,
            fencing: true,
            fault: PrimaryFault::default(),
        }
    }
}

impl DataConfig {
    /// Checks every range; `servers`: how many servers the run has.
    pub fn validate(&self, servers: usize) -> Result<(), ConfigError> {
        check_range("data.replicas", self.replicas as f64, 0.0, 3.0, "")?;
        check_range("data.lag_ms", self.lag_ms, 0.0, 600_000.0, " ms")?;
        check_range(
            "data.lag_jitter_ms",
            self.lag_jitter_ms,
            0.0,
            600_000.0,
            " ms",
        )?;
        if self.enabled && self.replicas == 0 {
            let needs = |what: &str, on: bool| {
                if on {
                    Err(ConfigError::new(
                        format!("data.{what}"),
                        "needs at least one replica (data.replicas)".to_string(),
                    ))
                } else {
                    Ok(())
                }
            };
            needs("synchronous", self.synchronous)?;
            needs("reads", self.reads == ReadFrom::Replica)?;
            needs("maps_from_replica", self.maps_from_replica)?;
            needs("failover", self.failover != Failover::None)?;
        }
        if self.clocks.len() > 1 + self.replicas as usize {
            return Err(ConfigError::new(
                "data.clocks",
                format!(
                    "lists {} clocks for {} database nodes",
                    self.clocks.len(),
                    1 + self.replicas
                ),
            ));
        }
        for (i, c) in self.clocks.iter().enumerate() {
            let f = |name: &str| format!("data.clocks[{i}].{name}");
            check_range(
                &f("offset_ms"),
                c.offset_ms,
                -3_600_000.0,
                3_600_000.0,
                " ms",
            )?;
            check_range(&f("skew_ppm"), c.skew_ppm, -1000.0, 1000.0, " ppm")?;
        }
        check_range(
            "data.check_interval_s",
            self.check_interval_s,
            0.1,
            600.0,
            " s",
        )?;
        check_range("data.fall", self.fall as f64, 1.0, 100.0, "")?;
        check_range("data.rise", self.rise as f64, 1.0, 100.0, "")?;
        check_range(
            "data.operator_delay_s",
            self.operator_delay_s,
            0.0,
            86_400.0,
            " s",
        )?;
        check_range("data.ttl_s", self.ttl_s, 1.0, 3_600.0, " s")?;
        check_range(
            "data.loop_wait_s",
            self.loop_wait_s,
            0.1,
            self.ttl_s,
            " s (at most ttl_s)",
        )?;
        let f = &self.fault;
        if let Some(at) = f.crash_at_s {
            check_range(
                "data.fault.crash_at_s",
                at,
                0.0,
                86_400.0,
                " s since midnight",
            )?;
        }
        if let Some(from) = f.partition_from_s {
            check_range(
                "data.fault.partition_from_s",
                from,
                0.0,
                86_400.0,
                " s since midnight",
            )?;
            check_range(
                "data.fault.partition_to_s",
                f.partition_to_s,
                from,
                86_400.0,
                " s since midnight, not before partition_from_s",
            )?;
        }
        for (i, &s) in f.with_servers.iter().enumerate() {
            check_range(
                &format!("data.fault.with_servers[{i}]"),
                s as f64,
                1.0,
                servers as f64,
                " (1 for server-1)",
            )?;
        }
        Ok(())
    }
}
