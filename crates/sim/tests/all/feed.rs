//! The change feed's lessons, over whole runs and several seeds (seed 004: a feed from
//! the database's log to a notification service that pushes seat changes to customers).
//!
//! `cargo test -p driftlab-sim --release --test all feed:: -- --nocapture` prints the figures.

use driftlab_sim::feed::config::{Capture, Transport};
use driftlab_sim::time::{ms_to_nanos, SEC};
use driftlab_sim::{presets, Config, FeedView, Report, Sim, Time};

const SEEDS: [u64; 3] = [1, 2, 3];

fn preset(name: &str, seed: u64) -> Config {
    let mut c = presets::preset(name).unwrap();
    c.seed = seed;
    c
}

fn run(cfg: Config) -> (Report, FeedView, Sim) {
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    let r = sim.report();
    let f = sim.feed_view().expect("the feed is on");
    (r, f, sim)
}

/// `feed_sse_vs_polling`: pushed maps are about one connection latency stale (each
/// connection draws a log-normal latency of median 40 ms and σ 0.5, so a mean of
/// 40·e^(σ²/2) = 45.3 ms, plus the database's 0.25 ms to the service); maps polled every
/// 5 s wait on average half an interval for a change (2.5 s, a little more since a
/// browser polls 5 s after its last answer came back), at worst a whole one. Customers
/// click what their map shows free: polling at least doubles the "seat taken"
/// refusals, and every open page polls the servers.
#[test]
fn polled_maps_are_half_an_interval_stale_and_cost_taken_refusals() {
    for seed in SEEDS {
        let (sse_r, sse, _) = run(preset("feed_sse_vs_polling", seed));
        let mut c = preset("feed_sse_vs_polling", seed);
        c.feed.transport = Transport::ShortPolling;
        let (poll_r, poll, _) = run(c);
        let mut off = preset("feed_sse_vs_polling", seed);
        off.feed.enabled = false;
        let mut sim = Sim::new(off).unwrap();
        sim.run();
        let off_r = sim.report();
        eprintln!(
            "seed {seed}: staleness SSE {:.1} ms (p99 {:.0}), polling {:.0} ms (p99 {:.0}); \
             taken refusals SSE {}, polling {}, no feed (map as loaded) {}; \
             requests to the feed SSE {}, polling {}",
            sse.staleness_mean_ms,
            sse.staleness_p99_ms,
            poll.staleness_mean_ms,
            poll.staleness_p99_ms,
            sse_r.taken_refusals,
            poll_r.taken_refusals,
            off_r.taken_refusals,
            sse.requests,
            poll.requests
        );
        assert!((40.0..55.0).contains(&sse.staleness_mean_ms), "seed {seed}");
        assert!(
            (2_500.0..3_000.0).contains(&poll.staleness_mean_ms),
            "seed {seed}"
        );
        assert!(
            (4_500.0..5_600.0).contains(&poll.staleness_p99_ms),
            "seed {seed}"
        );
        assert!(
            poll_r.taken_refusals >= 2 * sse_r.taken_refusals,
            "seed {seed}"
        );
        assert!(poll.requests >= 2 * sse.requests, "seed {seed}");
        assert!(off_r.taken_refusals > poll_r.taken_refusals, "seed {seed}");
        for f in [&sse, &poll] {
            assert_eq!((f.lost, f.duplicated), (0, 0), "seed {seed}");
            assert_eq!(f.published, f.captured, "seed {seed}");
        }
        assert_eq!(sse_r.double_bookings, 0);
        assert_eq!(poll_r.double_bookings, 0);
    }
}

/// Long polling answers at each change: maps nearly as fresh as pushed ones (a change
/// waits at most one round trip for the next poll), at the price of a request per
/// change per open page.
#[test]
fn long_polling_is_nearly_as_fresh_as_push_for_many_more_requests() {
    for seed in SEEDS {
        let (_, sse, _) = run(preset("feed_sse_vs_polling", seed));
        let mut c = preset("feed_sse_vs_polling", seed);
        c.feed.transport = Transport::LongPolling;
        let (_, long, _) = run(c);
        eprintln!(
            "seed {seed}: long polling {:.0} ms stale, {} requests (SSE {})",
            long.staleness_mean_ms, long.requests, sse.requests
        );
        assert!(long.staleness_mean_ms < 3.0 * sse.staleness_mean_ms);
        assert!(long.requests > 10 * sse.requests);
    }
}

/// `feed_listener_down`: with a broadcast, exactly the changes that reached the service
/// while its listener was down are lost; reading the log, none is, and the service,
/// resuming from the position it committed last (at most 5 s before the outage),
/// publishes those read since then twice.
#[test]
fn a_broadcast_loses_the_outage_window_and_the_log_loses_nothing() {
    for seed in SEEDS {
        let cfg = preset("feed_listener_down", seed);
        let lan = ms_to_nanos(cfg.network.lan.base_ms);
        let from = Time::from_secs_f64(cfg.feed.outage.from_s.unwrap());
        let to = Time::from_secs_f64(cfg.feed.outage.to_s);
        let (_, notify, sim) = run(cfg.clone());
        let window = sim.feed_truth().captured_between(from - lan, to - lan);
        let mut c = cfg.clone();
        c.feed.capture = Capture::Log;
        let (_, log, log_sim) = run(c);
        let before = log_sim
            .feed_truth()
            .captured_between(from - 5 * SEC - lan, from - lan);
        eprintln!(
            "seed {seed}: notify lost {} (window {window}); log lost {}, duplicated {} \
             (at most {before}), staleness p99 {:.1} s",
            notify.lost,
            log.lost,
            log.duplicated,
            log.staleness_p99_ms / 1e3
        );
        assert!(window > 20, "seed {seed}: the outage falls in the crowd");
        assert_eq!(notify.lost, window, "seed {seed}");
        assert_eq!(notify.duplicated, 0);
        assert_eq!(log.lost, 0, "seed {seed}");
        assert!(
            log.duplicated > 0 && log.duplicated <= before,
            "seed {seed}"
        );
        assert_eq!(log.published, log.captured + log.duplicated);
        // The maps waited for the outage's end: up to 30 s stale, and a change read up to
        // 5 s before it comes again after it (new to a map opened meanwhile).
        assert!(log.staleness_max_ms > 25_000.0 && log.staleness_max_ms < 36_000.0);
    }
}

/// `feed_lag_clock_skew`: the service's clock 2 s slow makes every reported lag the true
/// lag minus exactly 2 s: negative whenever the true lag is under 2 s, here always.
#[test]
fn a_slow_service_clock_reports_the_lag_two_seconds_short() {
    for seed in SEEDS {
        let (_, f, sim) = run(preset("feed_lag_clock_skew", seed));
        let lags = sim.feed_lags();
        assert!(lags.len() > 100);
        for l in lags {
            assert_eq!(l.reported_ns, l.true_ns - 2 * SEC, "seed {seed}");
        }
        let under = lags.iter().filter(|l| l.true_ns < 2 * SEC).count() as u64;
        eprintln!(
            "seed {seed}: reported {:.2} ms, true {:.2} ms, {} of {} negative",
            f.reported_lag_mean_ms,
            f.true_lag_mean_ms,
            f.negative_reports,
            lags.len()
        );
        assert_eq!(f.negative_reports, under);
        assert!(f.true_lag_mean_ms > 0.0 && f.true_lag_mean_ms < 1.0);
        assert!((f.reported_lag_mean_ms - (f.true_lag_mean_ms - 2000.0)).abs() < 1e-6);
    }
}

/// On the data path the capture reads the first primary's log: the same feed, the
/// database's clock being db-1's.
#[test]
fn the_feed_captures_from_the_primary_on_the_data_path() {
    let mut c = preset("feed_sse_vs_polling", 1);
    c.data.enabled = true;
    c.data.clocks = vec![driftlab_sim::clock::ClockConfig {
        offset_ms: 500.0,
        ..Default::default()
    }];
    let (r, f, _) = run(c);
    assert!(f.captured > 100);
    assert_eq!(f.published, f.captured);
    assert!((f.database_offset_ms - 500.0).abs() < 1e-9);
    // The primary's clock 0.5 s fast: the service reports 0.5 s less than the truth.
    assert!((f.reported_lag_mean_ms - (f.true_lag_mean_ms - 500.0)).abs() < 1e-6);
    assert!(r.taken_refusals > 0);
    assert!((40.0..55.0).contains(&f.staleness_mean_ms));
}

/// The transport switched live, SSE to short polling every 5 s at 10:02:00 (a new
/// front end deployed), in a steady sale (no flash crowd: 2 000 customers trickling in
/// over ten minutes, 2 000 seats, so changes are spread evenly in time). Every map on
/// the page polls at once, then 5 s after each answer. A change committed after the
/// switch waits for the next poll: spread evenly over an interval, half of it on
/// average (2 500 ms), plus the answer's way back (one connection latency, mean
/// 40·e^(0.5²/2) = 45 ms) and the 5 s counted from an answer (one more round trip per
/// interval, ≈ 90 ms, half of it on average): ≈ 2.59 s. Before the switch: one
/// latency, ≈ 45 ms (a little more: in a quiet sale idle connections are closed after
/// 30 s and reopened 3 s later, and a change in that gap waits for the reconnection). The "seat taken" refusals of the next three minutes exceed those
/// of the same minutes without the switch. The switch is a recorded action: replayed,
/// the same run; carried in a link's `act=`.
#[test]
fn switching_sse_to_polling_live_makes_the_next_changes_half_an_interval_stale() {
    let switch = Time::from_hms(10, 2, 0);
    let end = Time::from_hms(10, 5, 0);
    for seed in SEEDS {
        let mut cfg = preset("feed_sse_vs_polling", seed);
        cfg.crowd.flash_fraction = 0.0;
        (cfg.hall.rows, cfg.hall.cols) = (40, 50);
        let mut sim = Sim::new(cfg.clone()).unwrap();
        sim.run_until(switch);
        let before = sim.feed_truth().staleness.clone();
        let taken_before = sim.metrics().taken_refusals;
        sim.set_feed_transport(Transport::ShortPolling).unwrap();
        assert_eq!(sim.feed_transport(), Some(Transport::ShortPolling));
        assert_eq!(
            sim.feed_view().unwrap().connections,
            0,
            "no connection kept"
        );
        sim.run_until(end);
        let after = sim.feed_truth().staleness.clone();
        let n = (after.count - before.count) as f64;
        let sum = |d: &driftlab_sim::truth::feed::Durations| d.mean() * d.count as f64;
        let post_ms = (sum(&after) - sum(&before)) / n / 1e6;
        let pre_ms = before.mean() / 1e6;
        let taken_switched = sim.metrics().taken_refusals - taken_before;
        let mut same = Sim::new(cfg.clone()).unwrap();
        same.run_until(switch);
        let t0 = same.metrics().taken_refusals;
        same.run_until(end);
        let taken_sse = same.metrics().taken_refusals - t0;
        eprintln!(
            "seed {seed}: staleness before the switch {pre_ms:.1} ms, after {post_ms:.0} ms \
             over {n} changes applied; taken refusals 10:02-10:05 {taken_switched} (SSE \
             all along {taken_sse})"
        );
        assert!((35.0..80.0).contains(&pre_ms), "seed {seed}: {pre_ms}");
        assert!(
            (2_450.0..2_750.0).contains(&post_ms),
            "seed {seed}: {post_ms}"
        );
        assert!(taken_switched > taken_sse, "seed {seed}");
        // Replayed from its recorded actions: the same run.
        let acts = sim.actions().to_vec();
        assert_eq!(acts.len(), 1);
        let mut again = Sim::with_actions(cfg.clone(), &acts).unwrap();
        again.run_until(end);
        assert_eq!(again.trace_hash(), sim.trace_hash());
        let text = driftlab_sim::scenario::action_text(&acts[0]);
        assert!(
            text.ends_with(",feed_transport,transport=short-polling"),
            "{text}"
        );
        assert_eq!(
            driftlab_sim::scenario::parse_action(&text).unwrap(),
            acts[0]
        );
    }
}

/// Switched back and forth (SSE → long polling → short polling → long → short → SSE)
/// within a few seconds, every map still follows the feed once: back on SSE, one
/// connection per page on it, and over the next minute the service takes as many
/// requests as in the run never switched (give or take 10 %: the reconnections after
/// idle timeouts fall at other instants), where a polling loop left behind would add
/// one per page every 5 s. Nothing is lost.
#[test]
fn switching_back_and_forth_leaves_every_map_following_once() {
    let cfg = preset("feed_sse_vs_polling", 7);
    let mut sim = Sim::new(cfg.clone()).unwrap();
    for (s, t) in [
        (5, Transport::LongPolling),
        (6, Transport::ShortPolling),
        (8, Transport::LongPolling),
        (9, Transport::ShortPolling),
        (11, Transport::Sse),
    ] {
        sim.run_until(Time::from_hms(10, 0, s));
        sim.set_feed_transport(t).unwrap();
    }
    let mut plain = Sim::new(cfg).unwrap();
    let mut window = Vec::new();
    for sim in [&mut sim, &mut plain] {
        sim.run_until(Time::from_hms(10, 0, 30));
        let r0 = sim.feed_view().unwrap().requests;
        let open = sim.feed_view().unwrap().connections;
        let on_page = sim
            .feed_customers()
            .iter()
            .filter(|&&(_, online, _)| online)
            .count();
        sim.run_until(Time::from_hms(10, 1, 30));
        let f = sim.feed_view().unwrap();
        window.push(f.requests - r0);
        eprintln!(
            "{open} connections for {on_page} pages at 10:00:30; {} requests in the next \
             minute; lost {}, duplicates dropped {}",
            f.requests - r0,
            f.lost,
            f.duplicates_dropped
        );
        assert_eq!(open, on_page, "every page on SSE has one connection");
        assert_eq!(f.lost, 0);
    }
    let (switched, never) = (window[0] as f64, window[1] as f64);
    assert!(
        (0.9 * never..=1.1 * never).contains(&switched),
        "{switched} vs {never}"
    );
}
