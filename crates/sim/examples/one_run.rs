//! One default run of a preset (`extreme_drift` unless named), for profilers:
//! `valgrind --tool=callgrind target/release/examples/one_run [PRESET [POLICY]]`.
fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "extreme_drift".into());
    let mut c = driftlab_sim::presets::preset(&name).expect("a preset's name");
    if let Some(p) = std::env::args().nth(2) {
        c.policy = driftlab_sim::Policy::parse(&p).unwrap();
    }
    let n: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let t0 = std::time::Instant::now();
    let mut s = driftlab_sim::Sim::new(c.clone()).unwrap();
    s.run();
    for _ in 1..n {
        s = driftlab_sim::Sim::new(c.clone()).unwrap();
        s.run();
    }
    if n > 1 {
        eprintln!(
            "{:.3} ms per run",
            t0.elapsed().as_secs_f64() * 1e3 / n as f64
        );
    }
    println!("{} events", s.events());
}
