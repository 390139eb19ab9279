//! How long seeking takes: `cargo bench -p driftlab-sim --bench seek`.
//!
//! Two runs: the default 10-minute `extreme_drift` sale (2 000 customers), and a one-hour
//! classroom run (`synced`: five servers, NTP on; 200 seats, 5 000 customers, customers
//! arriving for an hour). For each: how long building the timeline takes (the whole run
//! once, with its checkpoints), how many checkpoints it keeps, and the time of 200 seeks
//! to instants spread over the run in a shuffled order (median, 95th percentile, worst),
//! then of 200 seeks one event back (the ← key). Not a test: figures for the README.

use driftlab_sim::time::Time;
use driftlab_sim::timeline::{Pos, Timeline};
use driftlab_sim::{presets, Config};
use std::hint::black_box;
use std::time::Instant;

fn default_run() -> Config {
    presets::preset("extreme_drift").unwrap()
}

fn classroom() -> Config {
    let mut c = presets::preset("synced").unwrap();
    c.hall.rows = 10;
    c.hall.cols = 20;
    c.crowd.customers = 5_000;
    c.sale.duration_s = 3_600.0;
    c
}

/// Median, 95th percentile and worst, ms.
fn summary(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    format!(
        "median {:.2} ms, p95 {:.2} ms, worst {:.2} ms",
        q(0.5),
        q(0.95),
        q(1.0)
    )
}

#[allow(clippy::disallowed_methods)] // a benchmark reads the wall clock
fn bench(name: &str, cfg: Config) {
    let t0 = Instant::now();
    let mut tl = Timeline::new(cfg, &[]).unwrap();
    let build = t0.elapsed().as_secs_f64() * 1e3;
    let (start, end) = (tl.start().0, tl.end().0);
    println!(
        "{name}: {} events, {:.0} s of true time; timeline built in {build:.1} ms, {} checkpoints",
        tl.total_events(),
        (end - start) as f64 / 1e9,
        tl.checkpoints()
    );
    // 200 instants over the run, visited in a shuffled order (a fixed permutation).
    let n = 200u64;
    let mut times = Vec::new();
    for k in 0..n {
        let i = (k * 73) % n;
        let t = Time(start + ((end - start) as i128 * i as i128 / n as i128) as i64);
        let t0 = Instant::now();
        tl.seek(Pos::At(t));
        black_box(tl.sim().events());
        times.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    println!("  seek to an instant: {}", summary(times));
    let mut back = Vec::new();
    tl.seek(Pos::At(Time(start + (end - start) / 2)));
    for _ in 0..n {
        let t0 = Instant::now();
        tl.step_back();
        black_box(tl.sim().events());
        back.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    println!("  one event back:     {}", summary(back));
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: stay quick then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    bench(
        "default extreme_drift, 10 min, 2 000 customers",
        default_run(),
    );
    bench(
        "classroom: synced, 1 h, 200 seats, 5 000 customers",
        classroom(),
    );
}
