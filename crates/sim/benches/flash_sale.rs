//! How fast the core runs a flash sale: `cargo bench -p driftlab-sim --bench flash_sale`.
//!
//! - `flash_sale`: the default 10-minute sale (2 000 customers) under three scenarios.
//! - `big_flash_sale`: the CLI's big run, `extreme_drift` with 50 000 customers and
//!   seed 1 (`driftlab run --scenario` with `{"preset": "extreme_drift", "seed": 1,
//!   "crowd": {"customers": 50000}}`), split into its parts, so the core's share of
//!   the whole process (`scripts/bench-compare.sh`) is measured on its own;
//!   `big_flash_sale_parts` times building it (`Sim::new`) and its report alone.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use driftlab_sim::{presets, Config, Policy, Sim};
use std::hint::black_box;

fn run(preset: &str, policy: Policy) -> u64 {
    let mut c = presets::preset(preset).unwrap();
    c.policy = policy;
    let mut sim = Sim::new(c).unwrap();
    sim.run();
    sim.events()
}

fn flash_sale(c: &mut Criterion) {
    let mut g = c.benchmark_group("flash_sale");
    for (preset, policy) in [
        ("extreme_drift", Policy::LocalTimestamp),
        ("extreme_drift", Policy::Unique),
        ("reset", Policy::LocalTimestamp),
    ] {
        // Throughput in events: criterion prints events per second.
        g.throughput(Throughput::Elements(run(preset, policy)));
        g.bench_function(format!("{preset}/{}", policy.name()), |b| {
            b.iter(|| black_box(run(black_box(preset), policy)))
        });
    }
    g.finish();
}

/// The big run's config: what the CLI builds from the scenario file.
fn big() -> Config {
    let mut c = presets::preset("extreme_drift").unwrap();
    c.seed = 1;
    c.crowd.customers = 50_000;
    c
}

fn big_flash_sale(c: &mut Criterion) {
    let mut g = c.benchmark_group("big_flash_sale");
    g.sample_size(20);
    let mut sim = Sim::new(big()).unwrap();
    sim.run();
    let events = sim.events();
    g.throughput(Throughput::Elements(events));
    // Everything the process does with the core: build, run, report.
    g.bench_function("extreme_drift_50k/new_run_report", |b| {
        b.iter(|| {
            let mut sim = Sim::new(black_box(big())).unwrap();
            sim.run();
            black_box(sim.report())
        })
    });
    g.bench_function("extreme_drift_50k/run", |b| {
        b.iter_batched(
            || Sim::new(big()).unwrap(),
            |mut sim| {
                sim.run();
                sim
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
    // The rest, per call: Sim::new schedules the arrivals (draws and sorts 50 000 of
    // them); the report takes each server's response-time percentiles.
    let mut g = c.benchmark_group("big_flash_sale_parts");
    g.sample_size(20);
    g.bench_function("extreme_drift_50k/new", |b| {
        b.iter(|| black_box(Sim::new(black_box(big())).unwrap()))
    });
    g.bench_function("extreme_drift_50k/report", |b| {
        b.iter(|| black_box(sim.report()))
    });
    g.finish();
}

criterion_group!(benches, flash_sale, big_flash_sale);
criterion_main!(benches);
