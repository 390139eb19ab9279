//! Hand-computed cases: a few scripted customers whose fate can be worked out on paper.

use driftlab_sim::log::{flags, LogKind, Refusal};
use driftlab_sim::time::SEC;
use driftlab_sim::world::{Hold, Outcome};
use driftlab_sim::{presets, Config, Policy, Sim, Time};

/// Two servers with the given offsets (seconds), no crowd, nobody pays.
fn two_servers(offsets_s: [f64; 2], policy: Policy) -> Config {
    let mut c = presets::preset("reset").unwrap();
    c.servers.truncate(2);
    c.servers[0].clock.offset_ms = offsets_s[0] * 1000.0;
    c.servers[1].clock.offset_ms = offsets_s[1] * 1000.0;
    c.crowd.customers = 0;
    c.crowd.pay_fraction = 0.0;
    c.policy = policy;
    c
}

fn after_opening(s: i64) -> Time {
    Time::from_hms(10, 0, 0) + s * SEC
}

#[test]
fn two_servers_two_seconds_apart_give_a_wrong_winner_under_local_timestamp() {
    // server-1 is exact, server-2 is 2 s slow. Alice clicks seat 0 via server-1 at
    // 10:00:10; Bob clicks it via server-2 one second later, at 10:00:11. Bob's request
    // is stamped about 10:00:09, earlier than Alice's 10:00:10: "earliest timestamp
    // wins" gives Bob the seat although Alice was first.
    let mut sim = Sim::new(two_servers([0.0, -2.0], Policy::LocalTimestamp)).unwrap();
    let alice = sim.script_click(after_opening(10), 0, 0).unwrap();
    let bob = sim.script_click(after_opening(11), 0, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!(r.wrong_winners, 1);
    assert_eq!(r.confirmed, 2, "both were told yes");
    assert_eq!(r.revoked, 1, "Alice's hold was taken back");
    let story = sim.seat_story(0).unwrap();
    assert_eq!(story.holders, vec![bob]);
    assert_eq!(story.first, Some(alice));
    assert_eq!(story.claims[0].hold, Hold::Superseded);
    // The stamps are out of true order by about a second.
    let (a, b) = (&story.claims[0], &story.claims[1]);
    assert!(a.arrived < b.arrived && b.stamp < a.stamp);
    assert!(
        (a.stamp - b.stamp - SEC).abs() < 100_000_000,
        "{} vs {}",
        a.stamp,
        b.stamp
    );
    assert!(r.order_inversions >= 1);
}

#[test]
fn the_same_two_requests_under_unique_give_the_seat_to_the_first() {
    let mut sim = Sim::new(two_servers([0.0, -2.0], Policy::Unique)).unwrap();
    let alice = sim.script_click(after_opening(10), 0, 0).unwrap();
    sim.script_click(after_opening(11), 0, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!(r.wrong_winners, 0);
    assert_eq!(r.confirmed, 1);
    assert_eq!(r.taken_refusals, 1);
    assert_eq!(sim.seat_story(0).unwrap().holders, vec![alice]);
}

#[test]
fn a_server_fifteen_seconds_fast_sells_before_the_opening() {
    // At 09:59:50 (true), server-2 reads 10:00:05: open. server-1 reads 09:59:50: closed.
    let mut sim = Sim::new(two_servers([0.0, 15.0], Policy::LocalTimestamp)).unwrap();
    sim.script_click(after_opening(-10), 0, 0).unwrap();
    sim.script_click(after_opening(-10), 1, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!(r.early_sales, 1);
    assert_eq!(r.confirmed, 1);
    assert_eq!(r.not_open_refusals, 1);
    assert_eq!(r.wrongly_refused, 0, "server-1 was right to refuse");
    let sold = sim
        .log()
        .iter()
        .find(|l| l.kind == LogKind::Confirmed)
        .unwrap();
    assert_eq!(sold.server, 1);
    assert!(sold.flags & flags::EARLY_SALE != 0);
    assert!(sold.t < after_opening(0) && sold.stamp > after_opening(0));
}

#[test]
fn a_slow_server_wrongly_refuses_after_the_opening() {
    // At 10:00:03 (true) a server 8 s slow reads 09:59:55: "not open yet".
    let mut c = two_servers([0.0, -8.0], Policy::LocalTimestamp);
    c.sale.token_leeway_s = 30.0; // keep the token rule out of this case
    let mut sim = Sim::new(c).unwrap();
    sim.script_click(after_opening(3), 0, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!(
        (r.not_open_refusals, r.wrongly_refused, r.confirmed),
        (1, 1, 0)
    );
    assert_eq!(
        sim.requests()[0].outcome,
        Outcome::Refused(Refusal::NotOpen)
    );
}

#[test]
fn a_hold_judged_by_a_fast_server_expires_early() {
    // Alice's hold is granted by exact server-1 at 10:00:10, for 300 s. At 10:04:55
    // (true age 285 s) Bob asks for the seat via server-2, 15 s fast: it reads
    // 10:05:10, finds the hold 300 s old and over, releases it and gives Bob the seat.
    let mut sim = Sim::new(two_servers([0.0, 15.0], Policy::LocalTimestamp)).unwrap();
    let alice = sim.script_click(after_opening(10), 0, 0).unwrap();
    let bob = sim.script_click(after_opening(295), 0, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!(r.premature_expiries, 1);
    assert_eq!(sim.metrics().expiries, 1);
    let story = sim.seat_story(0).unwrap();
    assert_eq!(story.holders, vec![bob]);
    assert_eq!(story.claims[0].customer, alice);
    assert_eq!(story.claims[0].hold, Hold::Expired);
    let released = sim
        .log()
        .iter()
        .find(|l| l.kind == LogKind::Released)
        .unwrap();
    assert!(released.flags & flags::PREMATURE_EXPIRY != 0);
    // The same request via the exact server a little earlier is refused: not expired.
    let mut sim = Sim::new(two_servers([0.0, 15.0], Policy::LocalTimestamp)).unwrap();
    sim.script_click(after_opening(10), 0, 0).unwrap();
    sim.script_click(after_opening(295), 0, 0).unwrap();
    sim.run();
    assert_eq!(
        (sim.report().premature_expiries, sim.report().taken_refusals),
        (0, 1)
    );
}

#[test]
fn a_slow_server_keeps_an_expired_hold() {
    // Alice's hold from exact server-1 at 10:00:10 is over at 10:05:10. At 10:05:20 the
    // 30 s slow server-2 reads 10:04:50: the hold looks 280 s old, still valid.
    let mut c = two_servers([0.0, -30.0], Policy::Unique);
    c.sale.token_leeway_s = 60.0;
    let mut sim = Sim::new(c).unwrap();
    sim.script_click(after_opening(10), 0, 0).unwrap();
    sim.script_click(after_opening(320), 0, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!(
        (r.late_expiries, r.taken_refusals, r.premature_expiries),
        (1, 1, 0)
    );
}

#[test]
fn no_lock_double_books_within_the_race_window_and_the_audit_undoes_it() {
    // Both read the seat free within the 40 ms between check and insert: both insert.
    let mut sim = Sim::new(two_servers([0.0, 0.0], Policy::NoLock)).unwrap();
    let alice = sim.script_click(after_opening(10), 0, 0).unwrap();
    sim.script_click(after_opening(10) + 10_000_000, 0, 1)
        .unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!((r.double_bookings, r.confirmed, r.revoked), (1, 2, 1));
    assert_eq!(
        r.consistency.seats_with_several_holders, 0,
        "the audit kept one"
    );
    assert_eq!(
        sim.seat_story(0).unwrap().holders,
        vec![alice],
        "exact clocks: the audit keeps the first"
    );
    assert!(
        r.double_booking_mean_ms > 1000.0,
        "undone only at the next audit"
    );
    // Under unique the second one is refused.
    let mut sim = Sim::new(two_servers([0.0, 0.0], Policy::Unique)).unwrap();
    sim.script_click(after_opening(10), 0, 0).unwrap();
    sim.script_click(after_opening(10) + 10_000_000, 0, 1)
        .unwrap();
    sim.run();
    assert_eq!(
        (sim.report().double_bookings, sim.report().confirmed),
        (0, 1)
    );
}

#[test]
fn a_slow_server_refuses_fresh_tokens() {
    // Token issued at 10:00:10 (exact); server-2, 30 s slow, reads 09:59:40 + delay:
    // nbf is 30 s in its future, beyond the 5 s leeway.
    let mut sim = Sim::new(two_servers([0.0, -30.0], Policy::LocalTimestamp)).unwrap();
    sim.script_click(after_opening(10), 0, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!((r.token_refusals, r.wrongly_refused), (1, 1));
    assert_eq!(
        sim.requests()[0].outcome,
        Outcome::Refused(Refusal::TokenNotYetValid)
    );
}

#[test]
fn scripted_clicks_are_checked() {
    let mut sim = Sim::new(two_servers([0.0, 0.0], Policy::Unique)).unwrap();
    assert_eq!(sim.script_click(after_opening(0), 10_000, 0), None);
    assert_eq!(sim.script_click(after_opening(0), 0, 7), None);
    assert_eq!(sim.script_click(Time::from_hms(1, 0, 0), 0, 0), None);
}

#[test]
fn a_partitioned_server_loses_requests_and_catches_up_when_it_heals() {
    // server-2 is cut from 10:00:05 to 10:01:05. Alice holds seat 0 via server-1 at
    // 10:00:10. Bob's request at 10:00:20 cannot reach server-2: lost, Bob times out.
    // Alice's hold is replicated to server-2 once it heals, so Carol, asking server-2
    // at 10:01:10, is told the seat is taken.
    let mut c = two_servers([0.0, 0.0], Policy::LocalTimestamp);
    c.network.partitions = vec![driftlab_sim::config::PartitionConfig {
        server: 2,
        from_s: 36_005.0,
        to_s: 36_065.0,
    }];
    let mut sim = Sim::new(c).unwrap();
    sim.script_click(after_opening(10), 0, 0).unwrap();
    sim.script_click(after_opening(20), 0, 1).unwrap();
    sim.script_click(after_opening(70), 0, 1).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!((r.confirmed, r.timed_out, r.taken_refusals), (1, 1, 1));
    assert_eq!(r.double_bookings, 0);
    // A partition number out of range is refused by name.
    let mut bad = two_servers([0.0, 0.0], Policy::Unique);
    bad.network.partitions = vec![driftlab_sim::config::PartitionConfig {
        server: 3,
        from_s: 1.0,
        to_s: 2.0,
    }];
    assert_eq!(
        Sim::new(bad).err().unwrap().field(),
        "network.partitions[0].server"
    );
}

#[test]
fn the_architecture_at_a_glance_lists_every_layer_and_its_nodes() {
    // The first case above: Bob's earlier stamp wins the seat on both replicas.
    let mut sim = Sim::new(two_servers([0.0, -2.0], Policy::LocalTimestamp)).unwrap();
    sim.script_click(after_opening(10), 0, 0).unwrap();
    sim.script_click(after_opening(11), 0, 1).unwrap();
    sim.run();
    let layers = sim.layers();
    let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
    assert_eq!(
        names,
        [
            "crowd",
            "servers",
            "database",
            "time_servers",
            "ntp_clients",
            "tso",
            "gateway",
            "data",
            "data_proxies",
            "data_control",
            "feed_capture",
            "feed",
            "cache",
            "cache_readers",
            "data_ntp"
        ]
    );
    assert!(
        layers[7..].iter().all(|l| l.nodes.is_empty()),
        "no data path unless asked for"
    );
    assert!(
        layers[5].nodes.is_empty(),
        "no oracle unless the policy is tso"
    );
    assert!(layers[6].nodes.is_empty(), "no gateway unless asked for");
    let servers = &layers[1].nodes;
    assert_eq!(servers.len(), 2);
    assert_eq!(
        (servers[0].host.as_str(), servers[1].host.as_str()),
        ("server-1", "server-2")
    );
    assert_eq!((servers[0].offset_ns, servers[1].offset_ns), (0, -2 * SEC));
    for s in servers {
        assert_eq!(s.figures, vec![("held", 1.0), ("sold", 0.0)], "{}", s.host);
    }
    let crowd = &layers[0].nodes[0];
    assert_eq!(
        crowd.figures,
        vec![("arrived", 2.0), ("waiting", 0.0), ("gone", 0.0)]
    );
    // Nobody uses the database under local-timestamp; NTP is off on both servers.
    assert_eq!(
        layers[2].nodes[0].figures,
        vec![("held", 0.0), ("sold", 0.0)]
    );
    assert!(layers[4]
        .nodes
        .iter()
        .all(|n| n.figures == vec![("on", 0.0)]));
}
