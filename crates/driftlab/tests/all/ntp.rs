//! `status` and `sync` against a real NTP server (chronyd) on loopback.

use crate::common::chrony::Chrony;
use crate::common::closed_source;
use crate::common::companion::Companion;
use serde_json::Value;

/// Offset and delay to a server on this very machine: both tiny.
fn assert_close_and_quick(m: &Value) {
    let offset = m["offset_ms"].as_f64().expect("offset_ms");
    let delay = m["delay_ms"].as_f64().expect("delay_ms");
    assert!(offset.abs() < 50.0, "offset {offset} ms: {m}");
    assert!((0.0..50.0).contains(&delay), "delay {delay} ms: {m}");
}

fn assert_rfc3339_utc(v: &Value) {
    let s = v.as_str().unwrap_or_else(|| panic!("not a time: {v}"));
    let b = s.as_bytes();
    assert!(
        s.len() == 24 && s.ends_with('Z') && b[4] == b'-' && b[10] == b'T' && b[19] == b'.',
        "not RFC 3339 UTC with ms: {s}"
    );
}

#[test]
fn status_reports_the_local_chrony_after_the_first_round() {
    let chrony = Chrony::start(4);
    let companion = Companion::start(&["--ntp-server", &chrony.server()]);
    let s = companion.first_round();
    assert_eq!(s["synced"], true, "{s}");
    assert_eq!(s["selected"], chrony.server().as_str());
    assert_eq!(s["fallback_used"], false);
    assert_eq!(s["stratum"], 4);
    assert!(s["error"].is_null());
    assert_close_and_quick(&s);
    assert_rfc3339_utc(&s["last_sync"]);
    assert_rfc3339_utc(&s["server_time"]);
    let source = &s["sources"][0];
    assert_eq!(source["server"], chrony.server().as_str());
    assert_eq!(source["role"], "primary");
    assert_eq!(source["state"], "ok");
    assert_eq!(source["synced"], true);
    assert_eq!(source["stratum"], 4);
    assert_close_and_quick(source);
}

#[test]
fn sync_measures_again_and_answers_in_the_status_shape() {
    let chrony = Chrony::start(9);
    let companion = Companion::start(&[
        "--ntp-server",
        &chrony.server(),
        "--sync-interval-ms",
        "200",
    ]);
    let before = companion.first_round();
    let res = companion.sync();
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    let after = res.json();
    assert_eq!(after["synced"], true, "{after}");
    assert_eq!(after["stratum"], 9);
    assert_close_and_quick(&after);
    let t0 = before["last_sync"].as_str().unwrap();
    let t1 = after["last_sync"].as_str().unwrap();
    assert!(t1 > t0, "a new measurement: {t0} then {t1}");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&before), keys(&after));
    // And status now returns that cached measurement.
    assert_eq!(companion.get("/api/time/status").json()["last_sync"], t1);
}

#[test]
fn unreachable_primary_makes_fallback_used_true() {
    let chrony = Chrony::start(6);
    let dead = closed_source();
    let companion = Companion::start(&["--ntp-server", &dead, "--ntp-server", &chrony.server()]);
    let s = companion.first_round();
    assert_eq!(s["synced"], true, "{s}");
    assert_eq!(s["fallback_used"], true);
    assert_eq!(s["selected"], chrony.server().as_str());
    assert_eq!(s["stratum"], 6);
    assert_close_and_quick(&s);
    let primary = &s["sources"][0];
    assert_eq!(primary["state"], "error");
    assert_eq!(primary["synced"], false);
    let error = primary["error"]
        .as_str()
        .expect("an error for the dead primary");
    assert!(error.contains(&dead), "the error names the source: {error}");
    assert_eq!(s["sources"][1]["role"], "fallback");
    assert_eq!(s["sources"][1]["state"], "ok");
}

#[test]
fn answering_primary_leaves_the_fallbacks_unqueried() {
    let chrony = Chrony::start(3);
    let companion = Companion::start(&[
        "--ntp-server",
        &chrony.server(),
        "--ntp-server",
        &closed_source(),
    ]);
    let s = companion.first_round();
    assert_eq!(s["fallback_used"], false, "{s}");
    assert_eq!(s["sources"][1]["state"], "skipped");
    assert!(s["sources"][1]["error"].is_null());
}

#[test]
fn all_sources_down_is_a_200_with_synced_false_and_per_source_errors() {
    let companion = Companion::start(&[
        "--ntp-server",
        &closed_source(),
        "--ntp-server",
        &closed_source(),
        "--ntp-server",
        "no-such-host.invalid",
        "--ntp-timeout-ms",
        "300",
        "--sync-interval-ms",
        "200",
    ]);
    companion.first_round();
    let res = companion.sync();
    assert_eq!(res.status, 200, "{}", res.text());
    let s = res.json();
    assert_eq!(s["synced"], false, "{s}");
    assert!(s["selected"].is_null() && s["offset_ms"].is_null() && s["last_sync"].is_null());
    let error = s["error"].as_str().expect("an overall error");
    assert!(
        error.contains("no configured NTP source answered (3 tried)"),
        "{error}"
    );
    for source in s["sources"].as_array().unwrap() {
        assert_eq!(source["state"], "error", "{source}");
        assert!(
            !source["error"].as_str().unwrap_or("").is_empty(),
            "{source}"
        );
    }
    // Still serving.
    assert_eq!(companion.get("/api/time/status").status, 200);
}

/// The status once `done` holds, polled every 50 ms; panics after `limit` (a generous
/// bound on the back-off, not a timing).
fn status_when(
    companion: &Companion,
    limit: std::time::Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let s = companion.get("/api/time/status").json();
        if done(&s) {
            return s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not within {limit:?}: {s}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn started_before_its_source_it_retries_and_synchronises_without_a_post() {
    // The companion first, pointed at a port where nothing listens yet.
    let port = crate::common::closed_udp_port();
    let companion = Companion::start(&[
        "--ntp-server",
        &format!("127.0.0.1:{port}"),
        "--ntp-timeout-ms",
        "300",
        "--sync-interval-ms",
        "200",
        "--retry-first-ms",
        "200",
        "--retry-max-ms",
        "1000",
    ]);
    let failed = companion.first_round();
    assert_eq!(failed["synced"], false, "{failed}");
    assert!(
        failed["consecutive_failures"].as_u64() >= Some(1),
        "{failed}"
    );
    assert_rfc3339_utc(&failed["next_attempt"]);
    assert!(failed["next_attempt"].as_str() > failed["last_attempt"].as_str());
    let schedule = &failed["schedule"];
    assert_eq!(schedule["retry_first_ms"], 200, "{failed}");
    assert_eq!(schedule["retry_factor"], 2);
    assert_eq!(schedule["retry_max_ms"], 1000);
    assert_eq!(schedule["resync_interval_ms"], 64_000, "the default");
    // It keeps retrying: the failures count up with no one posting.
    status_when(&companion, std::time::Duration::from_secs(10), |s| {
        s["consecutive_failures"].as_u64() >= Some(3)
    });
    // Then the NTP server comes up on that port. The back-off is capped at 1 s and a round
    // ends within 300 ms; 10 s is a generous bound.
    let chrony = Chrony::start_on(port, 5);
    let s = status_when(&companion, std::time::Duration::from_secs(10), |s| {
        s["synced"] == true
    });
    assert_eq!(s["selected"], chrony.server().as_str());
    assert_eq!(s["stratum"], 5);
    assert_eq!(s["consecutive_failures"], 0);
    assert!(s["error"].is_null());
    assert_close_and_quick(&s);
}

#[test]
fn once_synchronised_it_measures_again_on_its_own() {
    let chrony = Chrony::start(8);
    let companion = Companion::start(&[
        "--ntp-server",
        &chrony.server(),
        "--resync-interval-ms",
        "1000",
    ]);
    let first = companion.first_round();
    assert_eq!(first["synced"], true, "{first}");
    assert_eq!(first["schedule"]["resync_interval_ms"], 1000);
    // Next round: 2 s later (the sync interval, 2000 ms by default, beats the 1 s re-sync).
    assert_rfc3339_utc(&first["next_attempt"]);
    let t0 = first["last_sync"].as_str().unwrap().to_string();
    let again = status_when(&companion, std::time::Duration::from_secs(15), |s| {
        s["last_sync"].as_str().is_some_and(|t| t > t0.as_str())
    });
    assert_eq!(again["synced"], true, "{again}");
    assert_eq!(again["stratum"], 8);
}
