//! One default run of a preset (`extreme_drift` unless named), for profilers:
//! `valgrind --tool=callgrind target/release/examples/one_run [PRESET [POLICY]]`.
//!
//! `REPEAT=N` runs it N times in one process, as a benchmark's loop does: the
//! difference between `REPEAT=6` and `REPEAT=1`, divided by 5, is what one run costs
//! once the allocator and the caches are warm.
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
    let mut events = 0;
    for _ in 0..n.max(1) {
        let mut s = driftlab_sim::Sim::new(c.clone()).unwrap();
        s.run();
        events = s.events();
    }
    println!("{events} events");
}
