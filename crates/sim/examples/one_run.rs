//! One default `extreme_drift` run, for profilers: `valgrind --tool=callgrind`.
fn main() {
    let c = driftlab_sim::presets::preset("extreme_drift").unwrap();
    let mut s = driftlab_sim::Sim::new(c).unwrap();
    s.run();
    println!("{} events", s.events());
}
