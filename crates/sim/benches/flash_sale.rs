//! How fast the core runs the default flash sale: `cargo bench -p driftlab-sim`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use driftlab_sim::{presets, Policy, Sim};
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

criterion_group!(benches, flash_sale);
criterion_main!(benches);
