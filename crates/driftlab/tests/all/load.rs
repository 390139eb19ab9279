//! A bounded load test of `GET /api/time/status` on loopback (ignored by default):
//!
//! ```text
//! cargo test -p driftlab --release --test all load:: -- --ignored --nocapture
//! ```
//!
//! An open-loop generator: `LOAD_CONNS` keep-alive connections (default 10) each send on a
//! fixed schedule so that together they offer `LOAD_RPS` requests per second (default
//! 1000) for `LOAD_SECS` seconds (default 10). It asserts only that every request got a
//! 200; the achieved rate and latencies are printed, never asserted.

use crate::common::chrony::Chrony;
use crate::common::companion::Companion;
use crate::common::http::Conn;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What one connection saw.
struct Tally {
    ok: u64,
    errors: Vec<String>,
    latencies_us: Vec<u64>,
}

/// Sends `count` requests, the i-th at `start + offset + i × period`, on one connection.
fn connection(
    addr: SocketAddr,
    start: Instant,
    offset: Duration,
    period: Duration,
    count: u64,
) -> Tally {
    let mut tally = Tally {
        ok: 0,
        errors: Vec::new(),
        latencies_us: Vec::new(),
    };
    let mut conn = None;
    for i in 0..count {
        let due = start + offset + period * u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            thread::sleep(wait);
        }
        if conn.is_none() {
            conn = Conn::open(addr)
                .map_err(|e| tally.errors.push(format!("connect: {e}")))
                .ok();
        }
        let Some(c) = conn.as_mut() else { continue };
        let sent = Instant::now();
        match c.send("GET", "/api/time/status", &[], b"") {
            Ok(res) if res.status == 200 => {
                tally.ok += 1;
                tally.latencies_us.push(sent.elapsed().as_micros() as u64);
            }
            Ok(res) => tally.errors.push(format!("status {}", res.status)),
            Err(e) => {
                tally.errors.push(format!("request: {e}"));
                conn = None;
            }
        }
    }
    tally
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0) as f64 / 1000.0
}

#[test]
#[ignore = "load test: run explicitly, see the file's header"]
fn status_holds_1000_requests_per_second() {
    let (rps, secs, conns) = (
        env_or("LOAD_RPS", 1000),
        env_or("LOAD_SECS", 10),
        env_or("LOAD_CONNS", 10),
    );
    assert!(
        (1..=100_000).contains(&rps) && (1..=120).contains(&secs) && (1..=256).contains(&conns)
    );
    let chrony = Chrony::start(2);
    let companion = Companion::start(&["--ntp-server", &chrony.server()]);
    assert_eq!(companion.first_round()["synced"], true);

    let total = rps * secs;
    let per_conn = total / conns;
    let period = Duration::from_secs_f64(conns as f64 / rps as f64);
    let start = Instant::now() + Duration::from_millis(100);
    let workers: Vec<_> = (0..conns)
        .map(|k| {
            let offset = period.mul_f64(k as f64 / conns as f64);
            let addr = companion.addr;
            thread::spawn(move || connection(addr, start, offset, period, per_conn))
        })
        .collect();
    let tallies: Vec<Tally> = workers
        .into_iter()
        .map(|w| w.join().expect("worker"))
        .collect();
    let elapsed = start.elapsed().as_secs_f64();

    let ok: u64 = tallies.iter().map(|t| t.ok).sum();
    let errors: Vec<&String> = tallies.iter().flat_map(|t| &t.errors).collect();
    let mut latencies: Vec<u64> = tallies
        .iter()
        .flat_map(|t| t.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    println!(
        "load: offered {rps} req/s for {secs} s on {conns} connections: {} requests, {ok} ok, \
         {} errors, {elapsed:.2} s, {:.0} req/s achieved; latency ms p50 {:.3} p90 {:.3} \
         p99 {:.3} max {:.3}",
        per_conn * conns,
        errors.len(),
        ok as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(ok, per_conn * conns);
}
