//! The report's lessons hold on average: more drift, more damage.

use driftlab_sim::{presets, Policy, Sim};

/// Mean (wrong winners, order inversions, early sales, wrongly refused) over 20 seeds.
fn mean_damage(preset: &str) -> [f64; 4] {
    let mut acc = [0.0; 4];
    for seed in 0..20 {
        let mut c = presets::preset(preset).unwrap();
        c.policy = Policy::LocalTimestamp;
        c.seed = seed;
        let mut sim = Sim::new(c).unwrap();
        sim.run();
        let r = sim.report();
        for (a, v) in acc.iter_mut().zip([
            r.wrong_winners,
            r.order_inversions,
            r.early_sales,
            r.wrongly_refused,
        ]) {
            *a += v as f64 / 20.0;
        }
    }
    acc
}

#[test]
fn damage_grows_from_reset_to_extreme_drift() {
    let ladder = ["reset", "minor_drift", "major_drift", "extreme_drift"].map(mean_damage);
    assert_eq!(ladder[0], [0.0; 4], "exact clocks: no clock-made damage");
    for k in 0..4 {
        for w in ladder.windows(2) {
            assert!(w[0][k] < w[1][k], "figure {k} does not grow: {ladder:?}");
        }
    }
}

#[test]
fn serialization_cures_double_bookings_not_clock_rules() {
    // docs/MODEL.md, "What cures what": a unique constraint ends double bookings and clock-made wrong winners,
    // but a wrong clock still sells early and refuses paying customers.
    let run = |policy| {
        let mut c = presets::preset("extreme_drift").unwrap();
        c.policy = policy;
        let mut sim = Sim::new(c).unwrap();
        sim.run();
        sim.report()
    };
    let (multi, unique) = (run(Policy::LocalTimestamp), run(Policy::Unique));
    assert!(multi.double_bookings > 0 && multi.wrong_winners > 0);
    assert_eq!(unique.double_bookings, 0);
    assert!(unique.wrong_winners < multi.wrong_winners / 10);
    assert!(unique.early_sales > 0 && unique.wrongly_refused > 0);
}

#[test]
fn with_ntp_on_clocks_converge_before_the_sale_and_no_seat_goes_to_the_wrong_customer() {
    // docs/MODEL.md, "What cures what": with NTP the clock-made wrong winners disappear
    // once the clocks have converged. `synced` starts a minute before the opening from
    // extreme drift; over 20 seeds the clocks are within 5 ms of true time by the
    // opening, and from then on no seat is settled on a customer who was not first.
    use driftlab_sim::time::MS;
    for seed in 0..20 {
        let mut c = presets::preset("synced").unwrap();
        c.seed = seed;
        let opening = c.sale.opening();
        let mut sim = Sim::new(c).unwrap();
        sim.run_until(opening);
        for i in 0..sim.config().servers.len() {
            let off = sim.clock(i).offset(sim.now());
            assert!(
                off.abs() < 5 * MS,
                "seed {seed}: server-{} {off} ns off at the opening",
                i + 1
            );
        }
        sim.run();
        assert_eq!(sim.report().wrong_winners, 0, "seed {seed}");
    }
}
