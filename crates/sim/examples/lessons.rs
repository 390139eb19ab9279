//! The lessons table: mean anomalies per preset and policy over N seeds (`cargo run --release -p driftlab-sim --example lessons -- 20`).
fn main() {
    let seeds: u64 = std::env::args().nth(1).map_or(1, |s| s.parse().unwrap());
    for policy in driftlab_sim::Policy::ALL {
        for name in ["reset", "minor_drift", "major_drift", "extreme_drift"] {
            let mut acc = [0u64; 10];
            let mut ev = 0;
            for seed in 0..seeds {
                let mut c = driftlab_sim::presets::preset(name).unwrap();
                c.policy = policy;
                c.seed = seed;
                let mut s = driftlab_sim::Sim::new(c).unwrap();
                s.run();
                let r = s.report();
                assert_eq!(r.consistency, Default::default());
                let v = [
                    r.requests,
                    r.confirmed,
                    r.paid,
                    r.double_bookings,
                    r.wrong_winners,
                    r.order_inversions,
                    r.early_sales,
                    r.wrongly_refused,
                    r.premature_expiries,
                    r.late_expiries,
                ];
                for i in 0..10 {
                    acc[i] += v[i];
                }
                ev += r.events;
            }
            let a: Vec<String> = acc
                .iter()
                .map(|x| format!("{:6.1}", *x as f64 / seeds as f64))
                .collect();
            println!(
                "{name:14} {:16} req conf paid dbl ww inv early wref prem late: {} ev {}",
                policy.name(),
                a.join(" "),
                ev / seeds
            );
        }
    }
}
