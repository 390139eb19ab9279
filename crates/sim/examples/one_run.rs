//! One default run of a preset (`extreme_drift` unless named), for profilers:
//! `valgrind --tool=callgrind target/release/examples/one_run [PRESET]`.
fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "extreme_drift".into());
    let c = driftlab_sim::presets::preset(&name).expect("a preset's name");
    let mut s = driftlab_sim::Sim::new(c).unwrap();
    s.run();
    println!("{} events", s.events());
}
