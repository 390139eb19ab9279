//! Two runs side by side, against cases computed by hand.

use driftlab_sim::compare::{compare, AnomalyKey};
use driftlab_sim::truth::AnomalyKind;
use driftlab_sim::{presets, Policy, Sim, Time};

/// server-1 exact, server-2 2 s slow: Alice clicks seat A1 through server-1 at
/// 10:00:10, Bob through server-2 at 10:00:11.
fn two_clicks(policy: Policy) -> (Sim, u32, u32) {
    let mut c = presets::preset("reset").unwrap();
    c.servers.truncate(2);
    c.servers[1].clock.offset_ms = -2000.0;
    c.crowd.customers = 0;
    c.crowd.pay_fraction = 0.0;
    c.policy = policy;
    let mut sim = Sim::new(c).unwrap();
    let at = |s: i64| Time::from_hms(10, 0, 0) + s * driftlab_sim::time::SEC;
    let alice = sim.script_click(at(10), 0, 0).unwrap();
    let bob = sim.script_click(at(11), 0, 1).unwrap();
    sim.run();
    (sim, alice, bob)
}

#[test]
fn the_database_gives_back_the_seat_the_slow_clock_took() {
    // local-timestamp: Bob's stamp (10:00:09) beats Alice's (10:00:10), a wrong
    // winner. unique: the database keeps the first insert, Alice's.
    let (a, alice, bob) = two_clicks(Policy::LocalTimestamp);
    let (b, alice_b, bob_b) = two_clicks(Policy::Unique);
    assert_eq!((alice, bob), (alice_b, bob_b), "the same crowd");
    let c = compare(&a, &b, "policy=local-timestamp", "policy=unique");
    assert_eq!(c.seats_changed.len(), 1);
    assert_eq!(c.seats_changed[0].label, "A1");
    assert_eq!(c.seats_changed[0].a, vec![bob]);
    assert_eq!(c.seats_changed[0].b, vec![alice]);
    // Only in a: Bob's wrong win, and the line server-2 wrote taking Alice's hold back
    // stamped 10:00:09, before Alice's 10:00:10. In both: Bob's own line (confirmed in
    // a, refused in b) stamped 10:00:09, after Alice's.
    let key = |kind, customer| AnomalyKey {
        kind,
        seat: 0,
        customer,
    };
    assert_eq!(
        c.only_a,
        vec![
            key(AnomalyKind::WrongWinner, bob),
            key(AnomalyKind::OrderInversion, alice)
        ]
    );
    assert!(c.only_b.is_empty());
    let ww = c.row("wrong_winners").unwrap();
    assert_eq!((ww.a, ww.b, ww.diff), (1.0, 0.0, -1.0));
    let inv = c.row("order_inversions").unwrap();
    assert_eq!((inv.a, inv.b), (2.0, 1.0));
    let refused = c.row("refused").unwrap();
    assert_eq!((refused.a, refused.b), (0.0, 1.0), "Bob refused in b");
    let rv = c.row("revoked").unwrap();
    assert_eq!(
        (rv.a, rv.b),
        (1.0, 0.0),
        "Alice's hold taken back in a only"
    );
    assert_eq!(c.a_label, "policy=local-timestamp");
}

#[test]
fn commit_wait_on_extreme_drift_revokes_nothing_and_costs_two_epsilon() {
    let run = |policy| {
        let mut c = presets::preset("extreme_drift").unwrap();
        c.policy = policy;
        c.commit_wait.epsilon_ms = 31_000.0;
        let mut sim = Sim::new(c).unwrap();
        sim.run();
        sim
    };
    let (a, b) = (run(Policy::LocalTimestamp), run(Policy::CommitWait));
    let c = compare(&a, &b, "local-timestamp", "commit-wait");
    let rv = c.row("revoked").unwrap();
    assert!(rv.a > 50.0, "{}", rv.a);
    assert_eq!(rv.b, 0.0);
    assert_eq!(rv.diff, -rv.a);
    // Every confirmation waits 2ε + 200 ms replication lag + 1.25 ms LAN bound =
    // 62 201.25 ms more than the ~51 ms a confirmation takes without waiting.
    let mean = c.row("confirmation_mean_ms").unwrap();
    assert!(mean.a > 40.0 && mean.a < 60.0, "{}", mean.a);
    assert!((mean.diff - 62_201.25).abs() < 20.0, "{}", mean.diff);
    assert!(!c.only_a.is_empty());
    assert!(c
        .only_a
        .iter()
        .any(|k| k.kind == AnomalyKind::DoubleBooking));
    assert!(c
        .only_b
        .iter()
        .all(|k| k.kind != AnomalyKind::DoubleBooking));
}
