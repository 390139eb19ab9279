//! Load-test sweeps (seed 003): one run per cell of a matrix (balancing algorithm ×
//! instances × closed-loop users), each reduced to the figures a load test reports.
//! Pure: the command line runs the cells on every core, the app in a worker; a cell's
//! result depends only on the base config, the cell and the seed.

use crate::config::{Config, ConfigError, ServerConfig};
use crate::gateway::Algorithm;
use crate::metrics::percentiles;
use crate::sim::Sim;
use serde::{Deserialize, Serialize};

/// One cell of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The gateway's balancing algorithm.
    pub algorithm: Algorithm,
    /// Instances behind it.
    pub instances: usize,
    /// Closed-loop users.
    pub users: u32,
}

/// Every cell of `algorithms` × `instances` × `users`, in that nesting order.
pub fn matrix(algorithms: &[Algorithm], instances: &[usize], users: &[u32]) -> Vec<Cell> {
    let mut cells = Vec::new();
    for &algorithm in algorithms {
        for &n in instances {
            for &u in users {
                cells.push(Cell {
                    algorithm,
                    instances: n,
                    users: u,
                });
            }
        }
    }
    cells
}

/// What one cell's run measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// The cell.
    pub cell: Cell,
    /// The run's seed.
    pub seed: u64,
    /// Answers received per second of the users' time.
    pub requests_per_s: f64,
    /// Mean response time, ms.
    pub mean_ms: f64,
    /// Median response time, ms.
    pub p50_ms: f64,
    /// 99th-percentile response time, ms.
    pub p99_ms: f64,
    /// Requests that failed (503, 504, refused connection, given up), percent.
    pub error_pct: f64,
    /// Each instance's share of the answered requests (0 to 1).
    pub shares: Vec<f64>,
    /// Little's law: throughput × (mean response time + think time), which should be
    /// the number of users.
    pub little_users: f64,
    /// The run's trace hash.
    pub trace_hash: String,
}

/// The config of `cell` on `base` (its users, think time and everything else), with
/// `seed`: the algorithm, `instances` exact servers, `users` users.
pub fn cell_config(base: &Config, cell: &Cell, seed: u64) -> Config {
    let mut c = base.clone();
    c.seed = seed;
    c.gateway.enabled = true;
    c.gateway.algorithm = cell.algorithm;
    c.gateway.weights.clear();
    c.servers = vec![ServerConfig::default(); cell.instances];
    c.crowd.users.count = cell.users;
    // Faults and partitions name servers of the base: a sweep's instances are plain.
    c.instances.faults.clear();
    c.network.partitions.clear();
    c
}

/// Runs one cell to the end and measures it.
pub fn run_cell(base: &Config, cell: &Cell, seed: u64) -> Result<CellResult, ConfigError> {
    let cfg = cell_config(base, cell, seed);
    let (think_s, duration_s) = (cfg.crowd.users.think_s, cfg.crowd.users.duration_s);
    let mut sim = Sim::new(cfg)?;
    sim.run();
    let t = sim.truth();
    let answered: Vec<i64> = t
        .stats
        .iter()
        .flat_map(|s| s.response_ns.iter().copied())
        .collect();
    let n = answered.len() as f64;
    let p = percentiles(&answered);
    let m = &t.metrics;
    let failed = m.unavailable + m.timed_out;
    let x = n / duration_s.max(1e-9);
    Ok(CellResult {
        cell: *cell,
        seed,
        requests_per_s: x,
        mean_ms: p.mean_ms,
        p50_ms: p.p50_ms,
        p99_ms: p.p99_ms,
        error_pct: if m.requests == 0 {
            0.0
        } else {
            100.0 * failed as f64 / m.requests as f64
        },
        shares: t
            .stats
            .iter()
            .map(|s| {
                if n == 0.0 {
                    0.0
                } else {
                    s.response_ns.len() as f64 / n
                }
            })
            .collect(),
        little_users: x * (p.mean_ms / 1000.0 + think_s),
        trace_hash: sim.report().trace_hash,
    })
}

/// One cell to run, as the app hands it to a Web Worker: the cell's index in its
/// matrix, the preset every cell starts from, the cell and the seed (what
/// `driftlab sweep --preset P --seed S` gives [`run_cell`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// The cell's index in the matrix ([`matrix`]'s order).
    pub index: usize,
    /// The preset every cell starts from (`load_test` by default).
    pub preset: String,
    /// The cell.
    pub cell: Cell,
    /// The run's seed.
    pub seed: u64,
}

/// What a worker answers to a [`Job`]: the cell's index and its result, or why it could
/// not run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The job's index ([`usize::MAX`] when the job itself could not be read).
    pub index: usize,
    /// The cell's figures, or the reason it did not run.
    pub result: Result<CellResult, String>,
}

/// Runs one job: the preset's config, then [`run_cell`].
pub fn answer(job: &Job) -> Answer {
    let result = crate::presets::preset(&job.preset)
        .and_then(|base| run_cell(&base, &job.cell, job.seed).map_err(|e| e.to_string()));
    Answer {
        index: job.index,
        result,
    }
}

/// The results as a table: one line per cell.
pub fn table(results: &[CellResult]) -> String {
    let mut s = format!(
        "  {:<18}{:>10}{:>7}{:>11}{:>10}{:>10}{:>10}{:>9}{:>9}  {}\n",
        "algorithm",
        "instances",
        "users",
        "req/s",
        "mean",
        "p50",
        "p99",
        "errors",
        "Little",
        "busiest share"
    );
    for r in results {
        let busiest = r.shares.iter().copied().fold(0.0, f64::max);
        s.push_str(&format!(
            "  {:<18}{:>10}{:>7}{:>11.1}{:>7.1} ms{:>7.1} ms{:>7.1} ms{:>7.2} %{:>9.1}  {:.0} %\n",
            r.cell.algorithm.name(),
            r.cell.instances,
            r.cell.users,
            r.requests_per_s,
            r.mean_ms,
            r.p50_ms,
            r.p99_ms,
            r.error_pct,
            r.little_users,
            busiest * 100.0
        ));
    }
    s
}
