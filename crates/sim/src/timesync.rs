//! NTP inside the simulation (docs/MODEL.md, "NTP"): the hierarchy of time servers, each
//! reservation server's NTP client, their exchanges over the simulated network, and the
//! faults a teacher can inject.
//!
//! The algorithms are in [`crate::ntp`], as pure state machines that return commands;
//! this module is their interpreter: it carries requests and replies over links with
//! delays, reads the nodes' clocks for the four timestamps, and applies steps, slews and
//! frequency corrections to those clocks.

use crate::clock::ClockConfig;
use crate::error::{check_range, ConfigError};
use crate::net::{Jitter, LinkConfig};
use crate::ntp::auth::{Key, KeyId};
use crate::ntp::{ClientConfig, RateLimit};
use serde::{Deserialize, Serialize};

/// One server of the NTP hierarchy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeServerConfig {
    /// Its name, as dashboards show it (e.g. `ntp-a`).
    pub name: String,
    /// 1: reads a reference clock (GPS, atomic); 2 or more: an NTP client of `upstream`.
    pub stratum: u8,
    /// Its own clock (a stratum-1 server's is the reference: leave it exact).
    pub clock: ClockConfig,
    /// For stratum 2 and more: the servers (indices in `ntp.servers`) it follows.
    pub upstream: Vec<usize>,
    /// The path from a client to this server ("out") and back.
    pub link: LinkConfig,
    /// A falseticker: every timestamp it sends is off by this much, ms (default 0).
    pub lie_ms: f64,
    /// Windows of true time (seconds since midnight) when it is down: it answers nobody.
    pub down: Vec<[f64; 2]>,
    /// Its rate limit; a client polling faster gets a Kiss-o'-Death `RATE`.
    pub rate_limit: Option<RateLimit>,
    /// Windows of true time (seconds since midnight) when it has lost its reference (a
    /// GPS receiver unplugged, a daemon restarted without its upstreams): it answers,
    /// but as unsynchronised (leap 3, stratum 16), which clients refuse.
    pub unsynchronized: Vec<[f64; 2]>,
    /// The keys it trusts (ntpd's `trustedkey`, ids in `ntp.keys`): a request with a
    /// valid MAC of one of them is answered with a MAC of the same key. Default none.
    pub trusted_keys: Vec<KeyId>,
    /// Its access control, ntpd's `restrict` lines.
    pub restrict: RestrictConfig,
}

/// A time server's access control, as ntpd's `restrict` lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RestrictConfig {
    /// Reservation servers refused time (1 for `server-1`; `restrict ADDR noserve`).
    pub deny: Vec<u32>,
    /// Serve only requests with a valid MAC of a trusted key (`restrict default
    /// notrust`).
    pub notrust: bool,
    /// Tell refused clients so with a Kiss-o'-Death (`DENY`, `RSTR`, `RATE`) rather
    /// than drop their requests (`kod`). Default `true`.
    pub kod: bool,
}

impl Default for RestrictConfig {
    fn default() -> Self {
        RestrictConfig {
            deny: Vec::new(),
            notrust: false,
            kod: true,
        }
    }
}

impl Default for TimeServerConfig {
    fn default() -> Self {
        TimeServerConfig {
            name: String::new(),
            stratum: 1,
            clock: ClockConfig::default(),
            upstream: Vec::new(),
            link: lan(),
            lie_ms: 0.0,
            down: Vec::new(),
            rate_limit: Some(RateLimit::default()),
            unsynchronized: Vec::new(),
            trusted_keys: Vec::new(),
            restrict: RestrictConfig::default(),
        }
    }
}

/// A data-centre path: 0.15 ms each way plus exponential jitter of mean 0.05 ms.
pub fn lan() -> LinkConfig {
    LinkConfig {
        base_ms: 0.15,
        return_base_ms: None,
        jitter: Jitter::Exponential { mean_ms: 0.05 },
        loss: 0.0,
    }
}

/// Something that goes wrong with time, at a given instant (true time, seconds since
/// midnight). Each is also a live switch in the app.
///
/// In JSON its variant is the field `kind`:
/// `{"kind": "clock_bump", "server": 2, "delta_ms": -1.5, "at_s": 36040}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Time server `source` starts lying by `lie_ms`.
    Falseticker {
        /// Index in `ntp.servers`.
        source: usize,
        /// How far off its timestamps are, ms.
        lie_ms: f64,
        /// When, seconds since midnight.
        at_s: f64,
    },
    /// Reservation server `server`'s route to its time sources becomes asymmetric.
    Asymmetry {
        /// 1 for `server-1`.
        server: u32,
        /// One-way delay towards the time servers, ms.
        out_ms: f64,
        /// One-way delay back, ms.
        back_ms: f64,
        /// When, seconds since midnight.
        at_s: f64,
    },
    /// Time server `source` is down (answers nobody) during a window.
    SourceDown {
        /// Index in `ntp.servers`.
        source: usize,
        /// Start, seconds since midnight.
        from_s: f64,
        /// End, seconds since midnight.
        to_s: f64,
    },
    /// Reservation server `server`'s clock jumps by `delta_ms` (a VM migration, a bad
    /// manual `date`).
    ClockBump {
        /// 1 for `server-1`.
        server: u32,
        /// The jump, ms (negative: backwards).
        delta_ms: f64,
        /// When, seconds since midnight.
        at_s: f64,
    },
    /// Reservation server `server`'s clock flips by `+amplitude_ms` and back every
    /// `period_s` during a window (two time daemons fighting).
    Strobe {
        /// 1 for `server-1`.
        server: u32,
        /// Size of each flip, ms.
        amplitude_ms: f64,
        /// Time between flips, s.
        period_s: f64,
        /// Start, seconds since midnight.
        from_s: f64,
        /// End, seconds since midnight.
        to_s: f64,
    },
    /// Reservation server `server` is cut from its time sources (not from customers).
    NtpPartition {
        /// 1 for `server-1`.
        server: u32,
        /// Start, seconds since midnight.
        from_s: f64,
        /// End, seconds since midnight.
        to_s: f64,
    },
    /// NTP is switched on or off on reservation server `server`.
    Switch {
        /// 1 for `server-1`.
        server: u32,
        /// On or off.
        on: bool,
        /// When, seconds since midnight.
        at_s: f64,
    },
    /// An attacker on the path of time server `source` rewrites every reply it sends:
    /// both server timestamps moved by `offset_ms` (0 stops it). It cannot recompute a
    /// MAC: an authenticating client drops the forged replies.
    Spoofed {
        /// Index in `ntp.servers`.
        source: usize,
        /// How far the timestamps are moved, ms.
        offset_ms: f64,
        /// When, seconds since midnight.
        at_s: f64,
    },
}

// Read and written with the tag inside, as the enum's documentation shows.
crate::json::internally_tagged!(Fault, "kind");

impl Fault {
    /// When the fault strikes, seconds since midnight.
    pub fn at_s(&self) -> f64 {
        match *self {
            Fault::Falseticker { at_s, .. }
            | Fault::Asymmetry { at_s, .. }
            | Fault::ClockBump { at_s, .. }
            | Fault::Switch { at_s, .. }
            | Fault::Spoofed { at_s, .. } => at_s,
            Fault::SourceDown { from_s, .. }
            | Fault::Strobe { from_s, .. }
            | Fault::NtpPartition { from_s, .. } => from_s,
        }
    }

    pub(crate) fn validate(
        &self,
        field: &str,
        servers: usize,
        sources: usize,
    ) -> Result<(), ConfigError> {
        let f = |name: &str| format!("{field}.{name}");
        let server = |s: u32| {
            check_range(
                &f("server"),
                s as f64,
                1.0,
                servers as f64,
                " (a server number)",
            )
        };
        let source = |s: usize| {
            check_range(
                &f("source"),
                s as f64,
                0.0,
                sources as f64 - 1.0,
                " (an index in ntp.servers)",
            )
        };
        let window = |a: f64, b: f64| {
            check_range(&f("from_s"), a, 0.0, 86_400.0, " s since midnight")?;
            check_range(
                &f("to_s"),
                b,
                a,
                86_400.0,
                " s since midnight, not before from_s",
            )
        };
        let at = |a: f64| check_range(&f("at_s"), a, 0.0, 86_400.0, " s since midnight");
        match *self {
            Fault::Falseticker {
                source: s,
                lie_ms,
                at_s,
            } => {
                source(s)?;
                check_range(&f("lie_ms"), lie_ms, -3_600_000.0, 3_600_000.0, " ms")?;
                at(at_s)
            }
            Fault::Asymmetry {
                server: s,
                out_ms,
                back_ms,
                at_s,
            } => {
                server(s)?;
                check_range(&f("out_ms"), out_ms, 0.0, 10_000.0, " ms")?;
                check_range(&f("back_ms"), back_ms, 0.0, 10_000.0, " ms")?;
                at(at_s)
            }
            Fault::SourceDown {
                source: s,
                from_s,
                to_s,
            } => {
                source(s)?;
                window(from_s, to_s)
            }
            Fault::ClockBump {
                server: s,
                delta_ms,
                at_s,
            } => {
                server(s)?;
                check_range(&f("delta_ms"), delta_ms, -3_600_000.0, 3_600_000.0, " ms")?;
                at(at_s)
            }
            Fault::Strobe {
                server: s,
                amplitude_ms,
                period_s,
                from_s,
                to_s,
            } => {
                server(s)?;
                check_range(
                    &f("amplitude_ms"),
                    amplitude_ms,
                    -3_600_000.0,
                    3_600_000.0,
                    " ms",
                )?;
                check_range(&f("period_s"), period_s, 1.0, 3600.0, " s")?;
                window(from_s, to_s)
            }
            Fault::NtpPartition {
                server: s,
                from_s,
                to_s,
            } => {
                server(s)?;
                window(from_s, to_s)
            }
            Fault::Switch {
                server: s, at_s, ..
            } => {
                server(s)?;
                at(at_s)
            }
            Fault::Spoofed {
                source: s,
                offset_ms,
                at_s,
            } => {
                source(s)?;
                check_range(&f("offset_ms"), offset_ms, -3_600_000.0, 3_600_000.0, " ms")?;
                at(at_s)
            }
        }
    }
}

/// NTP for the whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NtpConfig {
    /// Whether the reservation servers run NTP from the start (default `false`).
    pub enabled: bool,
    /// The time servers: by default two stratum-1 (`gps`, `atomic`) and three
    /// stratum-2 (`ntp-a`, `ntp-b`, `ntp-c`) following both.
    pub servers: Vec<TimeServerConfig>,
    /// How each reservation server runs NTP: by default the three stratum-2 servers
    /// as sources and the two stratum-1 as fallbacks, polls 64–1024 s, `iburst`, and a
    /// drift file of 0 ppm.
    pub client: ClientConfig,
    /// Faults to inject during the run.
    pub faults: Vec<Fault>,
    /// Fail closed, as the original report's `TimeService`: a reservation server whose
    /// NTP client is not synchronised refuses requests ("time not synchronised") rather
    /// than serve them by whatever its clock says (fail open, the default). With NTP
    /// off, a server is never synchronised and refuses everything.
    pub fail_closed: bool,
    /// The keys file (ntpd's `/etc/ntp.keys`), the same on every host of the run: key
    /// ids and their secrets, for `client.key` and the servers' `trusted_keys`.
    pub keys: Vec<Key>,
}

impl Default for NtpConfig {
    fn default() -> Self {
        let s1 = |name: &str| TimeServerConfig {
            name: name.into(),
            ..Default::default()
        };
        let s2 = |name: &str, offset_ms: f64, skew_ppm: f64| TimeServerConfig {
            name: name.into(),
            stratum: 2,
            clock: ClockConfig {
                offset_ms,
                skew_ppm,
                ..Default::default()
            },
            upstream: vec![0, 1],
            ..Default::default()
        };
        NtpConfig {
            enabled: false,
            servers: vec![
                s1("gps"),
                s1("atomic"),
                s2("ntp-a", 0.4, 4.0),
                s2("ntp-b", -0.3, -6.0),
                s2("ntp-c", 0.2, 2.0),
            ],
            // The reservation servers have run before: their drift file says 0 ppm, right
            // for the presets' clocks (a skew set by hand is then learnt by the PLL). So
            // they synchronise at once, without a 5-minute frequency watch.
            client: ClientConfig {
                sources: vec![2, 3, 4],
                fallbacks: vec![0, 1],
                drift_ppm: Some(0.0),
                ..Default::default()
            },
            faults: Vec::new(),
            fail_closed: false,
            keys: Vec::new(),
        }
    }
}

impl NtpConfig {
    /// The most time servers a run may have.
    pub const MAX_SERVERS: usize = 16;

    /// The key the clients authenticate with (`ntp.client.key`), from `ntp.keys`.
    pub fn client_key(&self) -> Option<Key> {
        self.client
            .key
            .and_then(|id| self.keys.iter().find(|k| k.id == id).cloned())
    }

    /// Checks the hierarchy, the client and the faults for `servers` reservation servers.
    pub fn validate(&self, servers: usize) -> Result<(), ConfigError> {
        let n = self.servers.len();
        if n > Self::MAX_SERVERS {
            return Err(ConfigError::new(
                "ntp.servers",
                format!("at most {} time servers, got {n}", Self::MAX_SERVERS),
            ));
        }
        for (k, key) in self.keys.iter().enumerate() {
            let f = format!("ntp.keys[{k}]");
            if key.id == 0 || key.secret.is_empty() {
                return Err(ConfigError::new(
                    f,
                    "a key needs an id from 1 to 65535 and a secret that is not empty",
                ));
            }
            if self.keys[..k].iter().any(|o| o.id == key.id) {
                return Err(ConfigError::new(
                    f,
                    format!("key {} is listed twice", key.id),
                ));
            }
        }
        let known = |field: String, id: KeyId| {
            if self.keys.iter().any(|k| k.id == id) {
                Ok(())
            } else {
                Err(ConfigError::new(
                    field,
                    format!("key {id} is not in ntp.keys"),
                ))
            }
        };
        if let Some(id) = self.client.key {
            known("ntp.client.key".into(), id)?;
        }
        for (i, s) in self.servers.iter().enumerate() {
            let f = |name: &str| format!("ntp.servers[{i}].{name}");
            for &id in &s.trusted_keys {
                known(f("trusted_keys"), id)?;
            }
            for &n in &s.restrict.deny {
                check_range(
                    &f("restrict.deny"),
                    n as f64,
                    1.0,
                    servers as f64,
                    " (a server number)",
                )?;
            }
            check_range(&f("stratum"), s.stratum as f64, 1.0, 15.0, "")?;
            check_range(&f("lie_ms"), s.lie_ms, -3_600_000.0, 3_600_000.0, " ms")?;
            check_range(
                &f("clock.offset_ms"),
                s.clock.offset_ms,
                -3_600_000.0,
                3_600_000.0,
                " ms",
            )?;
            check_range(
                &f("clock.skew_ppm"),
                s.clock.skew_ppm,
                -500.0,
                500.0,
                " ppm",
            )?;
            s.link.validate(&f("link"))?;
            if s.stratum > 1 && s.upstream.is_empty() {
                return Err(ConfigError::new(
                    f("upstream"),
                    "a server of stratum 2 or more needs an upstream server",
                ));
            }
            for &u in &s.upstream {
                if u >= n || self.servers[u].stratum >= s.stratum {
                    return Err(ConfigError::new(
                        f("upstream"),
                        format!("must name servers of a lower stratum among 0..{n}, got {u}"),
                    ));
                }
            }
            for (k, w) in s.down.iter().enumerate() {
                check_range(
                    &f(&format!("down[{k}][1]")),
                    w[1],
                    w[0],
                    86_400.0,
                    " s since midnight, after the start",
                )?;
            }
            for (k, w) in s.unsynchronized.iter().enumerate() {
                check_range(
                    &f(&format!("unsynchronized[{k}][0]")),
                    w[0],
                    0.0,
                    86_400.0,
                    " s since midnight",
                )?;
                check_range(
                    &f(&format!("unsynchronized[{k}][1]")),
                    w[1],
                    w[0],
                    86_400.0,
                    " s since midnight, after the start",
                )?;
            }
        }
        if self.enabled
            || self
                .faults
                .iter()
                .any(|f| matches!(f, Fault::Switch { on: true, .. }))
        {
            self.client
                .validate()
                .map_err(|e| ConfigError::new("ntp.client", e.to_string()))?;
        }
        for &s in self.client.sources.iter().chain(&self.client.fallbacks) {
            if s >= n {
                return Err(ConfigError::new(
                    "ntp.client",
                    format!("source {s} is not in ntp.servers (0..{n})"),
                ));
            }
        }
        for (i, fault) in self.faults.iter().enumerate() {
            fault.validate(&format!("ntp.faults[{i}]"), servers, n)?;
        }
        Ok(())
    }
}
