//! The data path's lessons, over whole runs and several seeds (seed 002: a primary, a
//! streaming replica, failover; "replication is not high availability").

use driftlab_sim::data::Role;
use driftlab_sim::kernel::Addr;
use driftlab_sim::layers::Layer;
use driftlab_sim::obs::Obs;
use driftlab_sim::report::DataReport;
use driftlab_sim::time::{MS, SEC};
use driftlab_sim::{presets, Config, Report, Sim, Time};

const SEEDS: [u64; 3] = [1, 2, 3];

fn preset(name: &str, seed: u64) -> Config {
    let mut c = presets::preset(name).unwrap();
    c.seed = seed;
    c
}

fn run(cfg: Config) -> (Report, DataReport, Sim) {
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    let r = sim.report();
    let d = r.data.clone().expect("the data path is on");
    (r, d, sim)
}

/// `replica_lag`: the seat maps lag by the replica's lag, so customers pick seats that
/// are already taken; the primary's unique constraint refuses them: more "seat taken"
/// refusals, never a double booking.
#[test]
fn seat_maps_from_a_lagging_replica_cost_taken_refusals_not_double_bookings() {
    for seed in SEEDS {
        let taken: Vec<u64> = [0.0, 100.0, 1000.0, 5000.0]
            .into_iter()
            .map(|lag_ms| {
                let mut c = preset("replica_lag", seed);
                c.data.lag_ms = lag_ms;
                let (r, _, _) = run(c);
                assert_eq!(r.double_bookings, 0, "seed {seed}, lag {lag_ms} ms");
                r.taken_refusals
            })
            .collect();
        eprintln!("seed {seed}: taken refusals at 0 / 0.1 / 1 / 5 s: {taken:?}");
        assert!(taken[1] >= taken[0], "seed {seed}: {taken:?}");
        assert!(taken[2] > taken[1], "seed {seed}: {taken:?}");
        assert!(taken[3] > taken[2], "seed {seed}: {taken:?}");
    }
}

/// `replica_check_then_insert`: no-lock's check on a replica 1 s behind sees a seat
/// free for a whole second after it was taken: far more double bookings than the same
/// check on the primary, whose window is only the 40 ms between check and insert.
#[test]
fn checking_on_a_lagging_replica_multiplies_double_bookings() {
    for seed in SEEDS {
        let (on_replica, d, _) = run(preset("replica_check_then_insert", seed));
        let mut c = preset("replica_check_then_insert", seed);
        c.data.reads = driftlab_sim::data::ReadFrom::Primary;
        let (on_primary, p, _) = run(c);
        eprintln!(
            "seed {seed}: double bookings {} on the replica, {} on the primary; stale reads {} of {}",
            on_replica.double_bookings, on_primary.double_bookings, d.stale_reads, d.reads
        );
        assert!(
            on_replica.double_bookings >= 4 * on_primary.double_bookings.max(1),
            "seed {seed}"
        );
        assert!(d.stale_reads > 0);
        assert_eq!(p.stale_reads, 0, "the primary is never stale");
    }
}

/// `primary_down`: after the crash no claim is ever confirmed again, while the replica
/// goes on answering the availability checks.
#[test]
fn without_failover_a_dead_primary_confirms_nothing_while_the_replica_answers_reads() {
    for seed in SEEDS {
        let cfg = preset("primary_down", seed);
        let crash = Time::from_secs_f64(cfg.data.fault.crash_at_s.unwrap());
        let mut sim = Sim::new(cfg).unwrap();
        // Answers already on their way when it crashed arrive within a second.
        sim.run_until(crash + SEC);
        let (confirmed, reads) = (sim.report().confirmed, sim.truth().data.reads);
        sim.run();
        let r = sim.report();
        let d = r.data.as_ref().unwrap();
        eprintln!(
            "seed {seed}: confirmed {confirmed} then {}; reads {reads} then {}; refused {} over {:.0} s",
            r.confirmed, d.reads, d.refused_no_primary, d.refused_window_s
        );
        assert!(
            confirmed > 100,
            "seed {seed}: the sale went on until the crash"
        );
        assert_eq!(
            r.confirmed, confirmed,
            "seed {seed}: nothing confirmed after"
        );
        assert!(d.reads > reads + 100, "seed {seed}: the replica answers");
        assert_eq!(d.nodes[0].role, Role::Crashed);
        assert_eq!(d.nodes[1].role, Role::Replica);
        assert_eq!(d.promotions, 0);
    }
}

/// `failover_manual`: the proxies mark the primary down after 3 failed checks 2 s
/// apart (4 to 6 s after the crash) and refuse writes until the operator, paged then,
/// promotes the replica 420 s later: about 7 minutes of refusals, and the two nodes
/// are a crashed one and a primary, no replica.
#[test]
fn a_manual_failover_refuses_writes_for_the_operators_seven_minutes() {
    for seed in SEEDS {
        let (_, d, _) = run(preset("failover_manual", seed));
        eprintln!(
            "seed {seed}: refused {} over {:.1} s; no primary for {:.1} s",
            d.refused_no_primary, d.refused_window_s, d.write_outage_s
        );
        assert!(
            (410.0..=426.0).contains(&d.refused_window_s),
            "seed {seed}: {}",
            d.refused_window_s
        );
        // From the crash: detection (4 to 6 s), 420 s, then the next write decided.
        assert!(
            (424.0..=440.0).contains(&d.write_outage_s),
            "seed {seed}: {}",
            d.write_outage_s
        );
        assert_eq!(d.promotions, 1);
        let roles: Vec<Role> = d.nodes.iter().map(|n| n.role).collect();
        assert_eq!(roles, [Role::Crashed, Role::Primary], "no replica left");
    }
}

/// `failover_auto`: the primary renewed its lease at most 10 s (loop_wait) before the
/// crash; the lease outlives it by 30 s (ttl) from that renewal; the replica notices at
/// its next loop (within 10 s), and the proxies follow after 2 checks (2 to 4 s): 22
/// to 44 s without a primary, a little more until the next write is decided.
#[test]
fn an_automatic_failover_takes_the_lease_ttl_give_or_take_a_loop() {
    let mut outages = Vec::new();
    for seed in SEEDS {
        let (_, d, _) = run(preset("failover_auto", seed));
        eprintln!(
            "seed {seed}: no primary for {:.1} s; refused {} over {:.1} s",
            d.write_outage_s, d.refused_no_primary, d.refused_window_s
        );
        assert!(
            (20.0..=46.0).contains(&d.write_outage_s),
            "seed {seed}: {}",
            d.write_outage_s
        );
        assert_eq!((d.promotions, d.max_primaries, d.writes_lost), (1, 1, 0));
        outages.push(d.write_outage_s);
    }
    assert!(
        outages.iter().all(|&o| o < 60.0),
        "far under the manual 7 minutes"
    );
}

/// `failover_async_loss`: every hold the primary confirmed in its last 200 ms (the
/// replication delay, fixed here) had not left when it crashed: exactly those are lost
/// at the promotion, and their seats sold again. With a synchronous replica, none.
#[test]
fn asynchronous_replication_loses_the_last_lag_of_confirmed_holds_synchronous_none() {
    for seed in SEEDS {
        let cfg = preset("failover_async_loss", seed);
        let crash = Time::from_secs_f64(cfg.data.fault.crash_at_s.unwrap());
        let lag = (cfg.data.lag_ms * MS as f64) as i64;
        let (_, d, sim) = run(cfg.clone());
        let primary = Addr::new(Layer::Data, 0);
        let unshipped = sim
            .truth()
            .history
            .iter()
            .filter(|s| {
                s.from == primary && matches!(s.obs, Obs::Committed { .. }) && s.t + lag > crash
            })
            .count() as u64;
        eprintln!(
            "seed {seed}: {unshipped} confirmed in the last 200 ms; lost {}, resold {}",
            d.writes_lost, d.resold
        );
        assert!(unshipped > 0, "seed {seed}: the crash is in the crowd");
        assert_eq!(d.writes_lost, unshipped, "seed {seed}");
        assert!(d.resold > 0 && d.resold <= d.writes_lost, "seed {seed}");
        let mut sync = cfg;
        sync.data.synchronous = true;
        let (_, s, _) = run(sync);
        assert_eq!(
            (s.writes_lost, s.resold),
            (0, 0),
            "seed {seed}: synchronous"
        );
        assert_eq!(s.promotions, 1);
    }
}

/// `split_brain`: cut off with server-1's proxy, the old primary keeps taking its
/// writes while the replica, its lease expired, takes the others': two primaries, the
/// same seats confirmed twice under `unique`. When the partition heals the old primary
/// fails to renew, steps down, and what it wrote alone is lost. With fencing it steps
/// down before the lease can pass to the replica: one primary at a time, no double
/// booking.
#[test]
fn without_fencing_two_primaries_double_book_with_fencing_none() {
    for seed in SEEDS {
        let (r, d, _) = run(preset("split_brain", seed));
        let mut fenced = preset("split_brain", seed);
        fenced.data.fencing = true;
        let (rf, f, _) = run(fenced);
        eprintln!(
            "seed {seed}: double bookings {} (fenced {}), split brain {:.0} s, lost {} (fenced {})",
            r.double_bookings, rf.double_bookings, d.split_brain_s, d.writes_lost, f.writes_lost
        );
        assert!(
            r.double_bookings >= 50,
            "seed {seed}: {}",
            r.double_bookings
        );
        assert_eq!(d.max_primaries, 2);
        assert!(d.split_brain_s >= 40.0, "seed {seed}");
        assert!(d.writes_lost > 0);
        assert_eq!(d.nodes[0].role, Role::Demoted);
        assert_eq!(rf.double_bookings, 0, "seed {seed}: fenced");
        assert_eq!((f.max_primaries, f.split_brain_s), (1, 0.0));
    }
}

/// `failover_clock_jump`: the promoted replica's clock is 120 s fast; hold ages are
/// judged by the primary's own clock, so every hold granted by the old primary looks
/// 120 s older to the new one: payments and claims after 180 s find them expired. With
/// NTP on, the database nodes run NTP clients like the servers: the replica's client
/// steps its clock back by 120 s within its first exchanges (09:59:00 + a few s), long
/// before the crash at 10:00:30, so none expires early. With the replica's clock right
/// from the start, none either.
#[test]
fn a_promoted_replica_with_a_fast_clock_expires_holds_early() {
    for seed in SEEDS {
        let (r, d, _) = run(preset("failover_clock_jump", seed));
        let mut right = preset("failover_clock_jump", seed);
        right.data.clocks.clear();
        let (rr, _, _) = run(right);
        let mut ntp = preset("failover_clock_jump", seed);
        ntp.ntp.enabled = true;
        let mut sim = Sim::new(ntp).unwrap();
        sim.run_until(Time::from_hms(10, 0, 30));
        let db2 = sim.data_report().unwrap().nodes[1].offset_ms;
        sim.run();
        let rn = sim.report();
        let dn = rn.data.clone().unwrap();
        eprintln!(
            "seed {seed}: premature expiries {} (clock right: {}, NTP on: {}); db-2 reports a \
             lag of {:.0} ms ({:.1} ms with NTP; its clock {db2:+.3} ms off at the crash)",
            r.premature_expiries,
            rr.premature_expiries,
            rn.premature_expiries,
            d.nodes[1].lag_mean_ms,
            dn.nodes[1].lag_mean_ms,
        );
        assert!(r.premature_expiries >= 10, "seed {seed}");
        assert_eq!(rr.premature_expiries, 0, "seed {seed}");
        assert_eq!(rn.premature_expiries, 0, "seed {seed}: NTP on");
        assert_eq!(dn.promotions, 1, "seed {seed}: the failover happened");
        assert!(
            db2.abs() < 10.0,
            "seed {seed}: db-2 {db2} ms off at the crash"
        );
        // Its reported lag is its clock minus the primary's: 120 s too much.
        assert!(d.nodes[1].lag_mean_ms > 120_000.0);
    }
}

/// A crash from the app (a live action) is replayed at the same point: same run.
#[test]
fn a_live_crash_replays_to_the_same_run() {
    let cfg = preset("failover_auto", 5);
    let mut cfg = cfg;
    cfg.data.fault.crash_at_s = None;
    let mut sim = Sim::new(cfg.clone()).unwrap();
    sim.run_until(Time::from_hms(10, 0, 20));
    sim.crash_data_node(0).unwrap();
    sim.run();
    let mut again = Sim::with_actions(cfg.clone(), sim.actions()).unwrap();
    again.run();
    assert_eq!(again.trace_hash(), sim.trace_hash());
    let d = sim.report().data.unwrap();
    assert_eq!(d.promotions, 1);
    // Refused by name without the data path, or for a node that does not exist.
    assert_eq!(sim.crash_data_node(2).unwrap_err().field(), "data.node");
    let mut plain = Sim::new(presets::preset("reset").unwrap()).unwrap();
    assert_eq!(plain.crash_data_node(0).unwrap_err().field(), "data");
}
