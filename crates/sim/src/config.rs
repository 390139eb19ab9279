//! A run's configuration, with documented defaults, and its validation.
//!
//! Every field has a default (see each `Default` impl), so a scenario file need only
//! name what it changes. [`Config::validate`] checks every range and reports the first
//! field out of range by its path, e.g. `servers[2].skew_ppm`.

use crate::clock::ClockConfig;
use crate::net::{Jitter, LinkConfig};
use crate::time::Time;
use serde::{Deserialize, Serialize};

/// How a contended seat is settled (docs/MODEL.md, "The reservation system").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// Multi-leader: each server accepts on its own replica, replicas merge later,
    /// the earliest local timestamp wins.
    LocalTimestamp,
    /// Check-then-insert on a shared database without a lock: two servers can both
    /// see a seat free and both insert.
    NoLock,
    /// A unique constraint on one primary database: serialized, no double booking;
    /// whoever reaches the database first wins.
    Unique,
    /// Multi-leader like `local-timestamp`, but stamps are Lamport counters (advanced on
    /// every request and on every replication received): the smallest (counter, server)
    /// wins. Orders causally related events whatever the clocks; says nothing of which
    /// of two independent clicks came first.
    Lamport,
    /// Multi-leader with hybrid logical clocks (Kulkarni et al., 2014): stamps are
    /// (l, c), l the largest physical time seen, c a counter; the smallest (l, c,
    /// server) wins. Causal order kept, l within the clock offsets of physical time;
    /// independent clicks are ordered by the clocks, as wrong as they are.
    Hlc,
    /// Multi-leader with commit-wait (TrueTime-like, as Spanner): a claim is stamped
    /// clock + ε and confirmed only once clock − ε has passed the stamp and the peers'
    /// records up to it have arrived. No revoked confirmation while ε bounds the clock
    /// error; requests closer than 2ε can still go either way.
    CommitWait,
    /// Multi-leader with a timestamp oracle (as Percolator, TiDB): every claim's stamp
    /// is a strictly increasing timestamp from one service, one round trip away.
    /// Real-time order among claims that reach it; when it is cut off, no stamping.
    Tso,
}

impl Policy {
    /// Every policy, in menu order.
    pub const ALL: [Policy; 7] = [
        Policy::LocalTimestamp,
        Policy::NoLock,
        Policy::Unique,
        Policy::Lamport,
        Policy::Hlc,
        Policy::CommitWait,
        Policy::Tso,
    ];

    /// The policy's name as the command line and scenario files spell it.
    pub fn name(self) -> &'static str {
        match self {
            Policy::LocalTimestamp => "local-timestamp",
            Policy::NoLock => "no-lock",
            Policy::Unique => "unique",
            Policy::Lamport => "lamport",
            Policy::Hlc => "hlc",
            Policy::CommitWait => "commit-wait",
            Policy::Tso => "tso",
        }
    }

    /// Whether each server keeps a replica of the seats and decides alone, replicas
    /// merging later (every policy but `no-lock` and `unique`).
    pub fn replicated(self) -> bool {
        !matches!(self, Policy::NoLock | Policy::Unique)
    }

    /// Parses a policy name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Policy, String> {
        Policy::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
                format!("unknown policy {s:?}; valid policies: {}", names.join(", "))
            })
    }
}

/// One reservation server: its clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// The server's clock.
    pub clock: ClockConfig,
}

/// The hall: seats and how popular each is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HallConfig {
    /// Rows of seats (default 10).
    pub rows: u32,
    /// Seats per row (default 20).
    pub cols: u32,
    /// Zipf exponent of seat popularity by rank, centre front first (default 1.0;
    /// 0 = every seat equally wanted).
    pub popularity_exponent: f64,
}

impl Default for HallConfig {
    fn default() -> Self {
        HallConfig {
            rows: 10,
            cols: 20,
            popularity_exponent: 1.0,
        }
    }
}

/// The sale: when it opens and the rules the servers apply with their clocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SaleConfig {
    /// Simulation start, seconds since midnight (default 35 940 = 09:59:00).
    pub start_s: f64,
    /// Official opening, seconds since midnight (default 36 000 = 10:00:00).
    pub opening_s: f64,
    /// How long customers keep coming after the start, seconds (default 600; at most
    /// 86 400, a day).
    pub duration_s: f64,
    /// Hold time-to-live awaiting payment, seconds (default 300).
    pub hold_ttl_s: f64,
    /// Lifetime of a session token, seconds (default 900). A customer's token is issued
    /// (by an exact clock) when they load the page: `nbf` = then, `exp` = then + this.
    pub token_ttl_s: f64,
    /// Leeway when checking a token's `nbf`/`exp`, seconds (default 5).
    pub token_leeway_s: f64,
}

impl Default for SaleConfig {
    fn default() -> Self {
        SaleConfig {
            start_s: 35_940.0,
            opening_s: 36_000.0,
            duration_s: 600.0,
            hold_ttl_s: 300.0,
            token_ttl_s: 900.0,
            token_leeway_s: 5.0,
        }
    }
}

impl SaleConfig {
    /// The simulation's first instant.
    pub fn start(&self) -> Time {
        Time::from_secs_f64(self.start_s)
    }
    /// The official opening.
    pub fn opening(&self) -> Time {
        Time::from_secs_f64(self.opening_s)
    }
    /// The last instant a customer may arrive.
    pub fn end(&self) -> Time {
        Time::from_secs_f64(self.start_s + self.duration_s)
    }
}

/// A reservation server cut from the network (customers, peers, database) for a while.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionConfig {
    /// Which server: 1 for `server-1`.
    pub server: u32,
    /// Start of the cut, seconds since midnight (e.g. 36 030 = 10:00:30).
    pub from_s: f64,
    /// End of the cut, seconds since midnight.
    pub to_s: f64,
}

/// The network and the servers' work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Customer ↔ server links (default 20 ms + exponential jitter of mean 5 ms).
    pub client: LinkConfig,
    /// Links inside the data centre: server ↔ server and server ↔ database
    /// (default 0.25 ms + exponential jitter of mean 0.05 ms).
    pub lan: LinkConfig,
    /// Extra delay before a server replicates an accepted hold to its peers under
    /// `local-timestamp`, milliseconds (default 200).
    pub replication_lag_ms: f64,
    /// Period of the duplicate-row audit under `no-lock`, seconds (default 30).
    pub audit_interval_s: f64,
    /// Mean service time of a request on a server, milliseconds (default 1).
    pub service_ms: f64,
    /// Under `no-lock`, the server's work between reading the seat and inserting the
    /// hold (checks, pricing, rendering), milliseconds (default 40): the race window.
    pub check_to_insert_ms: f64,
    /// Servers cut from the network for a time window (default none). Requests to a
    /// cut server are lost (customers time out); replication and database traffic wait
    /// for the link to heal.
    pub partitions: Vec<PartitionConfig>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            client: LinkConfig {
                base_ms: 20.0,
                return_base_ms: None,
                jitter: Jitter::Exponential { mean_ms: 5.0 },
                loss: 0.0,
            },
            lan: LinkConfig {
                base_ms: 0.25,
                return_base_ms: None,
                jitter: Jitter::Exponential { mean_ms: 0.05 },
                loss: 0.0,
            },
            replication_lag_ms: 200.0,
            audit_interval_s: 30.0,
            service_ms: 1.0,
            check_to_insert_ms: 40.0,
            partitions: Vec::new(),
        }
    }
}

/// `commit-wait`: the clock uncertainty a server waits out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommitWaitConfig {
    /// ε, milliseconds, when the server runs no NTP (default 1 000): what the server
    /// believes its clock error is at most. With NTP on, ε is its NTP client's root
    /// distance instead. The guarantee holds only if ε bounds the true error.
    pub epsilon_ms: f64,
}

impl Default for CommitWaitConfig {
    fn default() -> Self {
        CommitWaitConfig { epsilon_ms: 1000.0 }
    }
}

/// `tso`: the timestamp oracle, on a host of its own in the data centre (reached over
/// the `lan` link).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TsoConfig {
    /// How long a server waits for a timestamp before refusing the claim ("no
    /// timestamp": the fallback when the oracle is unreachable), milliseconds
    /// (default 1 000).
    pub timeout_ms: f64,
    /// Windows when the oracle is cut off from every server (default none): no claim
    /// can be stamped meanwhile.
    pub outages: Vec<OutageConfig>,
    /// Batching (default 1: off): a server gathers up to this many claims and asks the
    /// oracle for that many consecutive timestamps in one round trip (1 to 64).
    pub batch: u32,
    /// With batching: how long the first claim of a batch waits for others, by the
    /// server's clock, milliseconds (default 2; 0 to 1 000, and at most `timeout_ms`).
    /// A full batch leaves at once.
    pub batch_window_ms: f64,
}

impl Default for TsoConfig {
    fn default() -> Self {
        TsoConfig {
            timeout_ms: 1000.0,
            outages: Vec::new(),
            batch: 1,
            batch_window_ms: 2.0,
        }
    }
}

/// A window of time, seconds since midnight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutageConfig {
    /// Start, seconds since midnight (e.g. 36 030 = 10:00:30).
    pub from_s: f64,
    /// End, seconds since midnight.
    pub to_s: f64,
}

impl TsoConfig {
    /// Checks every field; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range("tso.timeout_ms", self.timeout_ms, 1.0, 600_000.0, " ms")?;
        check_range("tso.batch", self.batch as f64, 1.0, 64.0, "")?;
        check_range(
            "tso.batch_window_ms",
            self.batch_window_ms,
            0.0,
            1000.0_f64.min(self.timeout_ms),
            " ms",
        )?;
        for (i, o) in self.outages.iter().enumerate() {
            let f = |name: &str| format!("tso.outages[{i}].{name}");
            check_range(&f("from_s"), o.from_s, 0.0, 86_400.0, " s since midnight")?;
            check_range(
                &f("to_s"),
                o.to_s,
                o.from_s,
                86_400.0,
                " s since midnight, not before from_s",
            )?;
        }
        Ok(())
    }
}

/// Everything that defines a run. Same config, same run, on every platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Name of the preset this config came from (for reports).
    pub preset: String,
    /// Seed of every random stream of the run (default 42).
    pub seed: u64,
    /// How contended seats are settled (default `local-timestamp`).
    pub policy: Policy,
    /// The reservation servers, `server-1` first (default: one exact clock).
    pub servers: Vec<ServerConfig>,
    /// The hall.
    pub hall: HallConfig,
    /// The sale and its rules.
    pub sale: SaleConfig,
    /// The customers.
    pub crowd: CrowdConfig,
    /// The network.
    pub network: NetworkConfig,
    /// NTP: the time servers, the reservation servers' clients, faults (default: off).
    pub ntp: crate::timesync::NtpConfig,
    /// `commit-wait`: ε.
    pub commit_wait: CommitWaitConfig,
    /// `tso`: the timestamp oracle.
    pub tso: TsoConfig,
    /// The gateway in front of the servers (default: none, round robin from browsers).
    pub gateway: crate::gateway::config::GatewayConfig,
    /// The servers as instances: their crashes, hangs and slowdowns (default none).
    pub instances: crate::server::config::InstancesConfig,
    /// The data path: a primary and replicas behind proxies (default off).
    pub data: crate::data::config::DataConfig,
    /// The change feed to the customers' seat maps (default off).
    pub feed: crate::feed::config::FeedConfig,
    /// A cache-aside cache and its readers, on the data path (default off).
    pub cache: crate::cache::config::CacheConfig,
    /// The business's prices and costs, for the bill of the run (the run never reads
    /// them).
    pub business: crate::cost::config::BusinessConfig,
}

impl Default for Config {
    /// The `reset` preset: three servers with exact clocks, every other knob at its
    /// default (the presets table's `reset` is this very config).
    fn default() -> Self {
        Config {
            preset: "reset".into(),
            seed: 42,
            policy: Policy::LocalTimestamp,
            servers: vec![ServerConfig::default(); 3],
            hall: HallConfig::default(),
            sale: SaleConfig::default(),
            crowd: CrowdConfig::default(),
            network: NetworkConfig::default(),
            ntp: crate::timesync::NtpConfig::default(),
            commit_wait: CommitWaitConfig::default(),
            tso: TsoConfig::default(),
            gateway: crate::gateway::config::GatewayConfig::default(),
            instances: crate::server::config::InstancesConfig::default(),
            data: crate::data::config::DataConfig::default(),
            feed: crate::feed::config::FeedConfig::default(),
            cache: crate::cache::config::CacheConfig::default(),
            business: crate::cost::config::BusinessConfig::default(),
        }
    }
}

pub use crate::crowd::config::{BotConfig, CrowdConfig};
pub use crate::error::{check_range, ConfigError};

impl Config {
    /// The most servers a run may have (16: the load tests of seed 003 go to 15).
    pub const MAX_SERVERS: usize = 16;

    /// `commit-wait`: how long a peer's record takes at most to arrive once its claim
    /// reached the peer, ns: the replication lag, plus the LAN's base delay, plus 20
    /// times its mean jitter (an exponential jitter exceeds that once in 5·10⁸
    /// messages; a log-normal one: 6 σ above the median; spikes: plus a whole spike). A partition holds
    /// replication up beyond any bound: the model does not cover it.
    pub fn merge_bound_ns(&self) -> i64 {
        let lan = &self.network.lan;
        let jitter_ms = match lan.jitter {
            Jitter::None => 0.0,
            Jitter::Exponential { mean_ms } => 20.0 * mean_ms,
            Jitter::LogNormal { median_ms, sigma } => median_ms * (6.0 * sigma).exp(),
            Jitter::Spikes {
                mean_ms, spike_ms, ..
            } => 20.0 * mean_ms + spike_ms,
        };
        let base = lan.base_ms.max(lan.return_base_ms.unwrap_or(0.0));
        crate::time::ms_to_nanos(self.network.replication_lag_ms + base + jitter_ms)
    }

    /// Checks every field; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let n = self.servers.len();
        if n == 0 || n > Self::MAX_SERVERS {
            return Err(ConfigError::new(
                "servers",
                format!(
                    "must list between 1 and {} servers, got {n}",
                    Self::MAX_SERVERS
                ),
            ));
        }
        for (i, s) in self.servers.iter().enumerate() {
            let c = &s.clock;
            let f = |name: &str| format!("servers[{i}].clock.{name}");
            check_range(
                &f("offset_ms"),
                c.offset_ms,
                -3_600_000.0,
                3_600_000.0,
                " ms (one hour)",
            )?;
            check_range(&f("skew_ppm"), c.skew_ppm, -1000.0, 1000.0, " ppm")?;
            check_range(&f("wander_ppm"), c.wander_ppm, 0.0, 100.0, " ppm/√h")?;
            check_range(
                &f("resolution_us"),
                c.resolution_us,
                0.0,
                1_000_000.0,
                " µs",
            )?;
        }
        let h = &self.hall;
        check_range("hall.rows", h.rows as f64, 1.0, 40.0, "")?;
        check_range("hall.cols", h.cols as f64, 1.0, 50.0, "")?;
        check_range(
            "hall.popularity_exponent",
            h.popularity_exponent,
            0.0,
            4.0,
            "",
        )?;
        let s = &self.sale;
        check_range(
            "sale.start_s",
            s.start_s,
            0.0,
            86_400.0,
            " s since midnight",
        )?;
        check_range(
            "sale.opening_s",
            s.opening_s,
            0.0,
            86_400.0,
            " s since midnight",
        )?;
        check_range("sale.duration_s", s.duration_s, 1.0, 86_400.0, " s")?;
        check_range("sale.hold_ttl_s", s.hold_ttl_s, 1.0, 3600.0, " s")?;
        check_range("sale.token_ttl_s", s.token_ttl_s, 1.0, 86_400.0, " s")?;
        check_range("sale.token_leeway_s", s.token_leeway_s, 0.0, 600.0, " s")?;
        self.crowd.validate()?;
        let w = &self.network;
        w.client.validate("network.client")?;
        w.lan.validate("network.lan")?;
        check_range(
            "network.replication_lag_ms",
            w.replication_lag_ms,
            0.0,
            60_000.0,
            " ms",
        )?;
        check_range(
            "network.audit_interval_s",
            w.audit_interval_s,
            0.1,
            3600.0,
            " s",
        )?;
        check_range("network.service_ms", w.service_ms, 0.0, 10_000.0, " ms")?;
        check_range(
            "network.check_to_insert_ms",
            w.check_to_insert_ms,
            0.0,
            60_000.0,
            " ms",
        )?;
        check_range(
            "commit_wait.epsilon_ms",
            self.commit_wait.epsilon_ms,
            0.0,
            600_000.0,
            " ms",
        )?;
        self.tso.validate()?;
        self.gateway.validate(n)?;
        self.instances.validate(n)?;
        self.data.validate(n)?;
        self.feed.validate()?;
        self.cache.validate(self.data.enabled)?;
        self.business.validate()?;
        if self.data.enabled {
            // The data path's database nodes model claims, reads, inserts and
            // payments; not yet the global lock nor idempotency keys.
            if self.instances.lock == crate::server::config::LockKind::Global {
                return Err(ConfigError::new(
                    "instances.lock",
                    "the global lock is kept by the single database; with the data path \
                     (data.enabled) use \"none\" or \"instance\"",
                ));
            }
            if self.instances.idempotency_keys {
                return Err(ConfigError::new(
                    "instances.idempotency_keys",
                    "idempotency keys are kept by the single database; turn them off with \
                     the data path (data.enabled)",
                ));
            }
        }
        for (i, p) in w.partitions.iter().enumerate() {
            let f = |name: &str| format!("network.partitions[{i}].{name}");
            check_range(
                &f("server"),
                p.server as f64,
                1.0,
                n as f64,
                " (a server number)",
            )?;
            check_range(&f("from_s"), p.from_s, 0.0, 86_400.0, " s since midnight")?;
            check_range(
                &f("to_s"),
                p.to_s,
                p.from_s,
                86_400.0,
                " s since midnight, not before from_s",
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn errors_name_the_field_and_the_range() {
        let mut c = Config::default();
        c.servers[0].clock.skew_ppm = 5000.0;
        let e = c.validate().unwrap_err();
        assert_eq!(e.field(), "servers[0].clock.skew_ppm");
        assert!(e.to_string().contains("between -1000 and 1000 ppm"), "{e}");
        c.servers.clear();
        assert_eq!(c.validate().unwrap_err().field(), "servers");
        let mut c = Config::default();
        c.crowd.flash_fraction = f64::NAN;
        assert_eq!(c.validate().unwrap_err().field(), "crowd.flash_fraction");
    }

    #[test]
    fn partial_json_fills_defaults_and_rejects_typos() {
        let c: Config = serde_json::from_str(r#"{"seed": 7, "crowd": {"customers": 10}}"#).unwrap();
        assert_eq!(c.seed, 7);
        assert_eq!(c.crowd.customers, 10);
        assert_eq!(c.hall.rows, 10);
        let e = serde_json::from_str::<Config>(r#"{"sede": 7}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `sede`"), "{e}");
        assert_eq!(Policy::parse("no-lock"), Ok(Policy::NoLock));
        assert!(Policy::parse("mutex")
            .unwrap_err()
            .contains("local-timestamp, no-lock, unique, lamport, hlc, commit-wait, tso"));
        for p in Policy::ALL {
            assert_eq!(Policy::parse(p.name()), Ok(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(
                json,
                format!("\"{}\"", p.name()),
                "scenario files spell it so"
            );
        }
    }
}
