//! The end-of-run report (`driftlab run --json`) and the end-of-run consistency check.

use crate::metrics::{percentiles, std_dev};
use crate::ntp_run::{Node, TimeEvent, TimeEventKind};
use crate::sim::Sim;
use crate::time::nanos_to_ms;
use crate::truth::Truth;
use crate::world::{Hold, Outcome, ReqId};
use serde::Serialize;

/// One server's line in the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerReport {
    /// `server-1`, `server-2`, …
    pub id: String,
    /// Clock offset at the end of the run, ms.
    pub offset_ms: f64,
    /// Configured skew, ppm.
    pub skew_ppm: f64,
    /// Requests that reached it.
    pub requests: u64,
    /// Its share of the requests that reached a server (0 to 1).
    pub share: f64,
    /// Requests routed to it that failed: connection refused (crashed) or unanswered
    /// before the gateway's timeout (hung).
    pub errors: u64,
    /// How long the gateway had it marked down, seconds (0 without a gateway).
    pub marked_down_s: f64,
    /// Seats it confirmed and payments it accepted.
    pub confirmed: u64,
    /// Requests it refused.
    pub refused: u64,
    /// Mean response time seen by customers, ms.
    pub mean_ms: f64,
    /// Median response time, ms.
    pub p50_ms: f64,
    /// 99th-percentile response time, ms.
    pub p99_ms: f64,
    /// Whether it runs NTP at the end.
    pub ntp: bool,
    /// Its NTP stratum (16: unsynchronised or NTP off).
    pub stratum: u8,
    /// Its NTP jitter, ms (0 with NTP off).
    pub jitter_ms: f64,
    /// Round-trip delay to its selected time source, ms (0 with NTP off).
    pub delay_ms: f64,
    /// Whether NTP considers its clock synchronised.
    pub synced: bool,
    /// The time server it follows, if any.
    pub selected_source: Option<String>,
    /// Time servers it found lying.
    pub falsetickers: Vec<String>,
}

/// An alert, a step or a fault, as the report lists them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertReport {
    /// True time, `HH:MM:SS.mmm`.
    pub t: String,
    /// `server-N`, or the time server's name.
    pub node: String,
    /// What happened, e.g. `raised offset_high` or `stepped -30000.000 ms`.
    pub what: String,
}

/// A database node of the data path, as the report lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataNodeReport {
    /// `db-1` (the first primary), `db-2`, …
    pub id: String,
    /// What it is at the end: `primary`, `replica`, `demoted` or `crashed`.
    pub role: crate::data::Role,
    /// Log entries it wrote or applied.
    pub applied: u32,
    /// Its clock's offset at the end, ms.
    pub offset_ms: f64,
    /// Its replication lag as it reports it (its clock minus the primary's at commit,
    /// as PostgreSQL's `now() - pg_last_xact_replay_timestamp()`), mean, ms (0: none).
    pub lag_mean_ms: f64,
    /// Its largest, ms.
    pub lag_max_ms: f64,
}

/// The data path's measures (`null` in the report when it is off).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataReport {
    /// Who promotes a replica: `none`, `manual` or `auto`.
    pub failover: crate::data::Failover,
    /// The database nodes.
    pub nodes: Vec<DataNodeReport>,
    /// Reads answered by a database node.
    pub reads: u64,
    /// Reads whose answer (seat held or free) was not the seat's true state.
    pub stale_reads: u64,
    /// Confirmed holds and sales lost at a promotion (or when a demoted primary's
    /// writes were thrown away).
    pub writes_lost: u64,
    /// Their seats granted to someone else afterwards.
    pub resold: u64,
    /// Promotions.
    pub promotions: u64,
    /// The most nodes taking themselves for the primary at once (2: split brain).
    pub max_primaries: u32,
    /// True time with two primaries or more, s.
    pub split_brain_s: f64,
    /// From the primary's crash to the next write a primary decided, s (until the
    /// run's end if none): how long writes had no primary.
    pub write_outage_s: f64,
    /// Requests refused because no primary was up.
    pub refused_no_primary: u64,
    /// From the first such refusal to the last, s.
    pub refused_window_s: f64,
}

/// The cache's measures (`null` in the report when it is off).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheReport {
    /// Whether single-flight was on.
    pub single_flight: bool,
    /// The keys' time-to-live, s.
    pub ttl_s: f64,
    /// Pages served to the readers.
    pub pages: u64,
    /// The share of pages the cache answered (hits, and waits for a fill), 0..1.
    pub hit_ratio: f64,
    /// Pages the cache answered that were not the seat's true state.
    pub stale_serves: u64,
    /// The longest one key was served stale, s.
    pub stale_window_max_s: f64,
    /// Pages a database node answered that were not the seat's true state (a lagging
    /// replica).
    pub stale_db_pages: u64,
    /// The readers' queries that reached the database: the database load.
    pub db_queries: u64,
    /// The most in one second of true time.
    pub db_peak_per_s: u32,
    /// The most waiting their turn at once.
    pub db_queue_max: u32,
    /// Error pages: queries that waited too long.
    pub errors: u64,
    /// The pages' latency, median and 99th percentile, ms.
    pub latency_p50_ms: f64,
    /// 99th percentile, ms.
    pub latency_p99_ms: f64,
    /// True time the cache was down, s.
    pub down_s: f64,
}

/// The consistency check at the end of a run (docs/MODEL.md, "What every run measures").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Consistency {
    /// Seats held or sold to more than one customer at the end.
    pub seats_with_several_holders: u64,
    /// Requests that never got an answer.
    pub requests_without_outcome: u64,
    /// Requests that got more than one answer (always 0 unless the simulator is wrong).
    pub requests_with_several_outcomes: u64,
}

/// What became of the seats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeatSummary {
    /// Seats in the hall.
    pub total: u64,
    /// Seats sold (paid).
    pub sold: u64,
    /// Seats held, unpaid, at the end.
    pub held: u64,
    /// Seats nobody holds.
    pub free: u64,
}

/// Everything a run measured, ready for a table or JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The run's seed.
    pub seed: u64,
    /// The preset it started from.
    pub preset: String,
    /// The concurrency policy.
    pub policy: String,
    /// True time from start to the last event, seconds.
    pub duration_s: f64,
    /// Requests sent (seat requests and payments).
    pub requests: u64,
    /// Seat requests confirmed.
    pub confirmed: u64,
    /// Requests refused.
    pub refused: u64,
    /// Requests no server ever decided (lost in the network: the customer timed out).
    pub timed_out: u64,
    /// Customers who gave up waiting, including those whose request a server decided
    /// after they left (behind a queue, a lock, a commit-wait): such a request counts by
    /// its decision, not in `timed_out`.
    pub gave_up: u64,
    /// Payments accepted.
    pub paid: u64,
    /// Times a seat was confirmed to two customers at once.
    pub double_bookings: u64,
    /// Mean time until a double booking was detected and undone, ms.
    pub double_booking_mean_ms: f64,
    /// Seats settled on a customer who was not the first to ask.
    pub wrong_winners: u64,
    /// Log lines stamped earlier than a line written before them.
    pub order_inversions: u64,
    /// Seats confirmed before the opening (true time).
    pub early_sales: u64,
    /// Customers refused by a wrong clock.
    pub wrongly_refused: u64,
    /// Holds judged expired too early.
    pub premature_expiries: u64,
    /// Holds judged valid too late.
    pub late_expiries: u64,
    /// Confirmed holds taken back by a merge or an audit.
    pub revoked: u64,
    /// Refusals: sale not open, token, seat taken.
    pub not_open_refusals: u64,
    /// Refusals because of the session token.
    pub token_refusals: u64,
    /// Refusals because the seat was taken.
    pub taken_refusals: u64,
    /// `tso`: claims refused because no timestamp came from the oracle in time
    /// (stamping stopped: the oracle was down or cut off).
    pub unstamped_refusals: u64,
    /// Response time of confirmed seat requests, mean, ms: what a confirmation costs
    /// (commit-wait adds about 2ε, `tso` a round trip to the oracle).
    pub confirmation_mean_ms: f64,
    /// Its median, ms.
    pub confirmation_p50_ms: f64,
    /// Its 99th percentile, ms.
    pub confirmation_p99_ms: f64,
    /// Refusals because no instance could take the request: connection refused, no
    /// instance up, or the gateway's timeout (HTTP 502, 503, 504).
    pub unavailable_refusals: u64,
    /// Refusals by the gateway's rate limit (HTTP 429).
    pub rate_limited_refusals: u64,
    /// Fail closed (`ntp.fail_closed`): refusals because the server's NTP client was not
    /// synchronised.
    pub unsynchronized_refusals: u64,
    /// Standard deviation of the servers' clock offsets at the end, ms.
    pub offset_spread_ms: f64,
    /// Per server.
    pub servers: Vec<ServerReport>,
    /// The seats at the end.
    pub seats: SeatSummary,
    /// The end-of-run consistency check.
    pub consistency: Consistency,
    /// Alerts raised and cleared, clock steps and faults, in true-time order.
    pub alerts: Vec<AlertReport>,
    /// The gateway's balancing algorithm (`null`: no gateway, browsers go round robin).
    pub gateway: Option<String>,
    /// The data path's measures (`null`: one database that never fails).
    pub data: Option<DataReport>,
    /// Events processed.
    pub events: u64,
    /// Hash of the whole trace: equal hashes, identical runs.
    pub trace_hash: String,
    /// Holds granted that their customer never learned of (the answer was lost and no
    /// retry was given the same hold) and that were never paid: seats kept from sale
    /// until they expire.
    pub orphaned_holds: u64,
    /// The change feed's measures (`null`: every customer sees every change at once).
    pub feed: Option<crate::sim::feed::FeedView>,
    /// The cache's measures (`null`: no cache).
    pub cache: Option<CacheReport>,
    /// What the run cost the business, line by line (docs/MODEL.md, "What it cost the
    /// business").
    pub bill: crate::cost::Bill,
}

impl Report {
    /// Requests that got an answer or timed out (equals `requests` once a run is finished).
    pub fn outcomes_total(&self) -> u64 {
        self.requests - self.consistency.requests_without_outcome
    }
}

impl Sim {
    /// A time event in a line of plain words.
    pub fn describe(&self, e: &TimeEvent) -> AlertReport {
        let names = self.time_server_names();
        let node = match e.node {
            Node::Res(i) => format!("server-{}", i + 1),
            Node::Tsv(j) => names[j as usize].clone(),
        };
        let alert = |a: &crate::ntp::Alert| {
            use crate::ntp::Alert::*;
            match a {
                OffsetHigh { offset_ns } => {
                    format!("offset_high ({:+.3} ms)", *offset_ns as f64 / 1e6)
                }
                JitterHigh { jitter_ns } => {
                    format!("jitter_high ({:.3} ms)", *jitter_ns as f64 / 1e6)
                }
                DelayHigh { delay_ns } => format!("delay_high ({:.3} ms)", *delay_ns as f64 / 1e6),
                StratumHigh { stratum } => format!("stratum_high ({stratum})"),
                NotSynchronized => "not_synchronized".into(),
                Falseticker { source } => format!("falseticker {}", names[*source]),
                NoMajority => "no_majority".into(),
                SourceUnreachable { source } => format!("source_unreachable {}", names[*source]),
                FallbackMobilised { source } => format!("fallback_mobilised {}", names[*source]),
                FallbackReleased { source } => format!("fallback_released {}", names[*source]),
                RateLimited { source } => format!("rate_limited {}", names[*source]),
                AccessDenied { source } => format!("access_denied {}", names[*source]),
                BadAuth { source } => format!("bad_auth {}", names[*source]),
            }
        };
        let what = match &e.what {
            TimeEventKind::Raised(a) => format!("raised {}", alert(a)),
            TimeEventKind::Cleared(a) => format!("cleared {}", alert(a)),
            TimeEventKind::Stepped(ns) => format!("stepped {:+.3} ms", *ns as f64 / 1e6),
            TimeEventKind::Panic(ns) => format!("panic: offset {:+.3} s refused", *ns as f64 / 1e9),
            TimeEventKind::Fault(f) => format!("fault {f:?}"),
            TimeEventKind::Switched(on) => format!("NTP {}", if *on { "on" } else { "off" }),
        };
        AlertReport {
            t: e.t.to_string(),
            node,
            what,
        }
    }

    /// The report of the run so far (complete once [`Sim::finished`]).
    pub fn report(&self) -> Report {
        let m = self.truth.metrics;
        let now = self.now();
        let offsets: Vec<f64> = (0..self.cfg.servers.len())
            .map(|i| nanos_to_ms(self.clock(i).offset(now)))
            .collect();
        let names = self.time_server_names();
        let reached: u64 = self.truth.stats.iter().map(|s| s.requests).sum();
        let servers = self
            .truth
            .stats
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let p = percentiles(&s.response_ns);
                let ntp = self.ntp_status(i);
                let ms = |ns: i64| ns as f64 / 1e6;
                ServerReport {
                    ntp: ntp.is_some(),
                    stratum: ntp.as_ref().map_or(16, |n| n.stratum),
                    jitter_ms: ntp.as_ref().map_or(0.0, |n| ms(n.jitter_ns)),
                    delay_ms: ntp.as_ref().map_or(0.0, |n| ms(n.delay_ns)),
                    synced: ntp.as_ref().is_some_and(|n| n.synchronized()),
                    selected_source: ntp
                        .as_ref()
                        .and_then(|n| n.selected)
                        .map(|j| names[j].clone()),
                    falsetickers: ntp.as_ref().map_or(Vec::new(), |n| {
                        n.falsetickers.iter().map(|&j| names[j].clone()).collect()
                    }),
                    id: format!("server-{}", i + 1),
                    offset_ms: offsets[i],
                    skew_ppm: self.clock(i).skew_ppm(),
                    requests: s.requests,
                    share: if reached == 0 {
                        0.0
                    } else {
                        s.requests as f64 / reached as f64
                    },
                    errors: s.errors,
                    marked_down_s: self.marked_down_ns(i) as f64 / 1e9,
                    confirmed: s.confirmed,
                    refused: s.refused,
                    mean_ms: p.mean_ms,
                    p50_ms: p.p50_ms,
                    p99_ms: p.p99_ms,
                }
            })
            .collect();
        let mut seats = SeatSummary {
            total: self.truth.seats.len() as u64,
            ..Default::default()
        };
        let mut consistency = Consistency::default();
        let requests = &self.truth.requests;
        for t in &self.truth.seats {
            match t.holders.as_slice() {
                [] => seats.free += 1,
                hs => {
                    if hs.iter().any(|&h| requests[h as usize].hold == Hold::Paid) {
                        seats.sold += 1;
                    } else {
                        seats.held += 1;
                    }
                    if hs.len() > 1 {
                        consistency.seats_with_several_holders += 1;
                    }
                }
            }
        }
        for r in requests {
            if r.outcome == Outcome::Pending {
                consistency.requests_without_outcome += 1;
            }
            if r.outcome_writes > 1 {
                consistency.requests_with_several_outcomes += 1;
            }
        }
        let confirmation = percentiles(&self.truth.confirm_ns);
        Report {
            seed: self.cfg.seed,
            preset: self.cfg.preset.clone(),
            policy: self.cfg.policy.name().to_string(),
            duration_s: (now - self.start) as f64 / 1e9,
            requests: m.requests,
            confirmed: m.confirmed,
            refused: m.refused,
            timed_out: m.timed_out,
            gave_up: m.gave_up,
            paid: m.paid,
            double_bookings: m.double_bookings,
            double_booking_mean_ms: m.double_booking_mean_ms(),
            wrong_winners: m.wrong_winners,
            order_inversions: self.truth.log.inversions(),
            early_sales: m.early_sales,
            wrongly_refused: m.wrongly_refused,
            premature_expiries: m.premature_expiries,
            late_expiries: m.late_expiries,
            revoked: m.revoked,
            not_open_refusals: m.not_open_refusals,
            token_refusals: m.token_refusals,
            taken_refusals: m.taken_refusals,
            unstamped_refusals: m.unstamped_refusals,
            unsynchronized_refusals: m.unsynchronized_refusals,
            confirmation_mean_ms: confirmation.mean_ms,
            confirmation_p50_ms: confirmation.p50_ms,
            confirmation_p99_ms: confirmation.p99_ms,
            unavailable_refusals: m.unavailable,
            rate_limited_refusals: m.rate_limited,
            offset_spread_ms: std_dev(&offsets),
            servers,
            seats,
            consistency,
            alerts: self
                .time_events()
                .iter()
                .map(|e| self.describe(e))
                .collect(),
            gateway: self
                .cfg
                .gateway
                .enabled
                .then(|| self.cfg.gateway.algorithm.name().to_string()),
            data: self.data_report(),
            events: self.events(),
            trace_hash: self.trace_hash(),
            orphaned_holds: orphaned_holds(self.truth()),
            feed: self.feed_view(),
            cache: self.cache_report(),
            bill: self.bill(),
        }
    }

    /// The cache's measures, if it is on.
    pub fn cache_report(&self) -> Option<CacheReport> {
        let cfg = &self.cfg.cache;
        if !cfg.enabled {
            return None;
        }
        let c = &self.truth.cache;
        Some(CacheReport {
            single_flight: cfg.single_flight,
            ttl_s: cfg.ttl_s,
            pages: c.pages,
            hit_ratio: c.hit_ratio(),
            stale_serves: c.stale_serves,
            stale_window_max_s: c.stale_window_max_ns as f64 / 1e9,
            stale_db_pages: c.stale_db,
            db_queries: c.db_queries,
            db_peak_per_s: c.db_peak_per_s(),
            db_queue_max: c.db_queue_max,
            errors: c.errors,
            latency_p50_ms: nanos_to_ms(c.latency_quantile(0.5)),
            latency_p99_ms: nanos_to_ms(c.latency_quantile(0.99)),
            down_s: c.down_until(self.now()) as f64 / 1e9,
        })
    }

    /// The data path's measures, if it is on.
    pub fn data_report(&self) -> Option<DataReport> {
        if !self.cfg.data.enabled {
            return None;
        }
        let now = self.now();
        let d = &self.truth.data;
        let nodes = self
            .nodes
            .data
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let h = self.k.homes(crate::msg::Layer::Data)[i];
                let (mean, max) = n.reported_lag().unwrap_or((0.0, 0));
                DataNodeReport {
                    id: format!("db-{}", i + 1),
                    role: n.role(),
                    applied: n.applied(),
                    offset_ms: nanos_to_ms(self.k.hosts[h as usize].clock.offset(now)),
                    lag_mean_ms: mean / 1e6,
                    lag_max_ms: nanos_to_ms(max),
                }
            })
            .collect();
        let open = d.down_since.map_or(0, |t| now - t);
        Some(DataReport {
            failover: self.cfg.data.failover,
            nodes,
            reads: d.reads,
            stale_reads: d.stale_reads,
            writes_lost: d.writes_lost,
            resold: d.resold,
            promotions: d.promotions,
            max_primaries: d.max_primaries,
            split_brain_s: d.split_brain_until(now) as f64 / 1e9,
            write_outage_s: (d.write_outage_ns + open) as f64 / 1e9,
            refused_no_primary: d.refused_no_primary,
            refused_window_s: d.refused_window.map_or(0.0, |(a, b)| (b - a) as f64 / 1e9),
        })
    }
}

/// Holds granted that no answer told their customer about and that were never paid:
/// a hold is known if its claim's answer reached the customer, or the answer of a
/// retry given the same hold (idempotency keys) did.
pub fn orphaned_holds(t: &Truth) -> u64 {
    let heard = |r: ReqId| t.heard.get(r as usize).copied().unwrap_or(false);
    let mut known = vec![false; t.requests.len()];
    for &(retry, claim) in &t.deduplicated {
        if heard(retry) {
            known[claim as usize] = true;
        }
    }
    t.requests
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            matches!(r.hold, Hold::Held | Hold::Expired) && !heard(*i as ReqId) && !known[*i]
        })
        .count() as u64
}
