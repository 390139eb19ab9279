//! `driftlab sweep`: a load test's matrix (algorithms × instances × users), one run
//! per cell on every core, as a table or JSON; split into shards of JSON lines for a
//! batch system, and merged back.

use clap::Args;
use driftlab_sim::gateway::Algorithm;
use driftlab_sim::presets;
use driftlab_sim::sweep::{matrix, run_cell, table, Cell, CellResult};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Arguments of `driftlab sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The preset every cell starts from (its users' think time, machine, service
    /// time…).
    #[arg(long, default_value = "load_test")]
    pub preset: String,
    /// Balancing algorithms, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "round-robin,least-connections,two-choices,hash-customer"
    )]
    pub algorithms: Vec<String>,
    /// Instance counts, comma-separated (1 to 16).
    #[arg(long, value_delimiter = ',', default_value = "1,5,10,15")]
    pub instances: Vec<usize>,
    /// Closed-loop user counts, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,10,50")]
    pub users: Vec<u32>,
    /// Seed of every cell's run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Runs at once [default: the machine's cores].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print JSON (an array of cells) instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Run only shard I of N (0 ≤ I < N: the cells whose index modulo N is I) and
    /// print one JSON line per cell, for `--merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Combine the JSON lines of shards (files, or `-` for standard input) instead of
    /// running anything.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub merge: Vec<PathBuf>,
}

/// Parses `I/N`.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard wants I/N with 0 ≤ I < N (e.g. 0/4), got {s:?}");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Runs `cells` on `jobs` threads; results in the cells' order.
fn run_all(
    base: &driftlab_sim::Config,
    cells: &[Cell],
    seed: u64,
    jobs: usize,
) -> Result<Vec<CellResult>, String> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<Result<CellResult, String>>>> = Mutex::new(vec![None; cells.len()]);
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, cells.len().max(1)) {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(cell) = cells.get(k) else { break };
                let r = run_cell(base, cell, seed).map_err(|e| e.to_string());
                out.lock().expect("no thread panicked")[k] = Some(r);
            });
        }
    });
    out.into_inner()
        .expect("no thread panicked")
        .into_iter()
        .map(|r| r.expect("every cell ran"))
        .collect()
}

/// Reads shards' JSON lines from `paths` (`-`: standard input), in the matrix's order.
fn merge(paths: &[PathBuf]) -> Result<Vec<CellResult>, String> {
    let mut all: Vec<(usize, CellResult)> = Vec::new();
    for p in paths {
        let reader: Box<dyn BufRead> = if p.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Box::new(std::io::BufReader::new(f))
        };
        for (n, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| format!("{}: {e}", p.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let (k, r): (usize, CellResult) = serde_json::from_str(&line).map_err(|e| {
                format!(
                    "{} line {}: not a sweep shard's line ({e})",
                    p.display(),
                    n + 1
                )
            })?;
            if all.iter().any(|(j, _)| *j == k) {
                return Err(format!(
                    "{} line {}: cell {k} appears twice (the same shard merged twice?)",
                    p.display(),
                    n + 1
                ));
            }
            all.push((k, r));
        }
    }
    all.sort_by_key(|(k, _)| *k);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}

/// `driftlab sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), String> {
    let results = if !args.merge.is_empty() {
        merge(&args.merge)?
    } else {
        let base = presets::preset(&args.preset)?;
        let algorithms = args
            .algorithms
            .iter()
            .map(|a| Algorithm::parse(a.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        let max = driftlab_sim::Config::MAX_SERVERS;
        if let Some(&n) = args.instances.iter().find(|&&n| n == 0 || n > max) {
            return Err(format!("--instances: {n} is not between 1 and {max}"));
        }
        let cells = matrix(&algorithms, &args.instances, &args.users);
        let jobs = args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        if let Some(shard) = &args.shard {
            let (i, n) = parse_shard(shard)?;
            let mine: Vec<(usize, Cell)> = cells
                .iter()
                .copied()
                .enumerate()
                .filter(|(k, _)| k % n == i)
                .collect();
            let only: Vec<Cell> = mine.iter().map(|m| m.1).collect();
            let results = run_all(&base, &only, args.seed, jobs)?;
            for ((k, _), r) in mine.iter().zip(results) {
                let line = serde_json::to_string(&(k, r)).map_err(|e| e.to_string())?;
                println!("{line}");
            }
            return Ok(());
        }
        run_all(&base, &cells, args.seed, jobs)?
    };
    if args.json {
        let s = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
        println!("{s}");
    } else {
        print!("{}", table(&results));
    }
    Ok(())
}
