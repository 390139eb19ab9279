//! Seed 003's load test: closed-loop users against 1, 5, 10 and 15 instances.

use driftlab_sim::gateway::Algorithm;
use driftlab_sim::{presets, sweep};

/// `load_test`: single-threaded instances (1 worker each) sharing one machine of 4
/// cores, a constant 10 ms of work per request, users thinking 50 ms, for 60 s.
/// - Little's law, users = throughput × (response time + think time), holds within
///   2 % in every cell (a closed system: each user alternates one response and one
///   think; only the last cycle, ~0.1 s of 60 s, is cut).
/// - One instance serves at most 1 / 10 ms = 100 a second; any number serves at most
///   4 cores / 10 ms = 400 a second. With 50 users (who could ask for about 600 a
///   second) 5 instances reach the 4 cores' limit (at least 95 % of 400), and 10 or
///   15 add less than 1 %: throughput stops growing past 4 instances.
/// - Nothing fails: at most 50 requests are ever outstanding, fewer than the queue's 64.
#[test]
fn littles_law_holds_and_throughput_stops_at_the_cores() {
    let base = presets::preset("load_test").unwrap();
    let cells = sweep::matrix(&[Algorithm::RoundRobin], &[1, 5, 10, 15], &[1, 10, 50]);
    let results: Vec<_> = cells
        .iter()
        .map(|c| sweep::run_cell(&base, c, 1).unwrap())
        .collect();
    for r in &results {
        let u = r.cell.users as f64;
        assert!(
            (r.little_users - u).abs() <= 0.02 * u,
            "{:?}: Little gives {:.2} users",
            r.cell,
            r.little_users
        );
        assert_eq!(r.error_pct, 0.0, "{:?}", r.cell);
        assert!(r.requests_per_s <= 400.0 * 1.005, "{:?}", r);
        if r.cell.instances == 1 {
            assert!(r.requests_per_s <= 100.0 * 1.005, "{:?}", r);
        }
    }
    let x = |n: usize| {
        results
            .iter()
            .find(|r| r.cell.instances == n && r.cell.users == 50)
            .unwrap()
            .requests_per_s
    };
    assert!(x(5) >= 0.95 * 400.0, "{}", x(5));
    for n in [10, 15] {
        assert!(x(n) <= x(5) * 1.01, "{n} instances: {} vs {}", x(n), x(5));
    }
}

/// A cell is the same run whatever else runs: its result depends on the base, the
/// cell and the seed only (what lets a sweep split across machines).
#[test]
fn a_cell_is_reproducible() {
    let base = presets::preset("load_test").unwrap();
    let cell = sweep::Cell {
        algorithm: Algorithm::TwoChoices,
        instances: 5,
        users: 10,
    };
    let a = sweep::run_cell(&base, &cell, 3).unwrap();
    let b = sweep::run_cell(&base, &cell, 3).unwrap();
    assert_eq!(a, b);
    let json = serde_json::to_string(&a).unwrap();
    let back: sweep::CellResult = serde_json::from_str(&json).unwrap();
    // Through JSON (a shard's line): the same cell and run, figures to the last digit
    // JSON keeps.
    assert_eq!(
        (back.cell, back.seed, &back.trace_hash),
        (a.cell, a.seed, &a.trace_hash)
    );
    assert!((back.requests_per_s - a.requests_per_s).abs() < 1e-9);
    assert!((back.shares[0] - a.shares[0]).abs() < 1e-12);
}

/// A job as the app's workers get it (a preset by name, a cell, a seed) is the cell
/// `driftlab sweep --preset P --seed S` runs; a preset that does not exist is an
/// error naming it, not a panic in a worker.
#[test]
fn a_job_is_the_cell_of_its_preset() {
    let cell = sweep::Cell {
        algorithm: Algorithm::LeastConnections,
        instances: 2,
        users: 10,
    };
    let job = sweep::Job {
        index: 7,
        preset: "load_test".into(),
        cell,
        seed: 5,
    };
    let a = sweep::answer(&job);
    assert_eq!(a.index, 7);
    let base = presets::preset("load_test").unwrap();
    assert_eq!(a.result, Ok(sweep::run_cell(&base, &cell, 5).unwrap()));
    // Through JSON both ways, as the worker's messages go.
    let back: sweep::Answer = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(back.index, 7);
    assert_eq!(
        back.result.unwrap().trace_hash,
        a.result.as_ref().unwrap().trace_hash
    );
    let bad = sweep::answer(&sweep::Job {
        preset: "no_such".into(),
        ..job
    });
    assert!(bad.result.unwrap_err().contains("no_such"));
}
