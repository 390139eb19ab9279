//! A long run and what it keeps: for the memory benchmark (README, "Benchmarks";
//! docs/MEMORY.md). Run it under `/usr/bin/time -v` for the peak resident memory:
//!
//! ```sh
//! cargo build --release -p driftlab-sim --example long_run
//! /usr/bin/time -v target/release/examples/long_run long_day            # the run alone
//! /usr/bin/time -v target/release/examples/long_run long_day --timeline # as the app loads it
//! ```
//!
//! `--hours H` cuts the day to H hours of arrivals (to see what grows with length).
//! It prints the run's size (events, true time) and the length of every store that
//! could grow with it.

use driftlab_sim::timeline::Timeline;
use driftlab_sim::{presets, Sim};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("long_day", String::as_str);
    let mut cfg = presets::preset(name).unwrap_or_else(|e| panic!("{e}"));
    if let Some(i) = args.iter().position(|a| a == "--hours") {
        let h: f64 = args[i + 1].parse().expect("--hours H");
        cfg.sale.duration_s = h * 3600.0;
        cfg.cache.for_s = cfg.cache.for_s.min(h * 3600.0);
        cfg.crowd.customers = ((cfg.crowd.customers as f64) * h / 24.0).max(1.0) as u32;
    }
    let timeline = args.iter().any(|a| a == "--timeline");
    let (sim, checkpoints) = if timeline {
        let tl = Timeline::new(cfg, &[]).unwrap_or_else(|e| panic!("{e}"));
        let n = tl.checkpoints();
        let (end, mut tl) = (tl.total_events(), tl);
        tl.seek(driftlab_sim::timeline::Pos::After(end));
        (tl.sim().clone(), Some(n))
    } else {
        let mut sim = Sim::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        sim.run();
        (sim, None)
    };
    let h = sim.history();
    let t = sim.truth();
    let spacing = if h.len() > 1 {
        (h.t[1] - h.t[0]) as f64 / 1e9
    } else {
        0.0
    };
    println!(
        "{name}: {} events, {:.0} s of true time, trace {}",
        sim.events(),
        (sim.now() - h.t.first().copied().unwrap_or(sim.now())) as f64 / 1e9,
        sim.trace_hash()
    );
    println!(
        "history: {} points, {spacing:.0} s apart (cap {})",
        h.len(),
        driftlab_sim::metrics::HISTORY_CAP
    );
    println!(
        "observations kept {}, requests {}, log lines {}, anomalies {}, time events {}",
        t.history.len(),
        t.requests.len(),
        t.log.records().len(),
        t.anomalies.len(),
        sim.time_events().len()
    );
    if let Some(n) = checkpoints {
        println!("timeline: {n} checkpoints");
    }
}
