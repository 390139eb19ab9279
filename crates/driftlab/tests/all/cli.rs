//! `driftlab run` as a user types it: the real binary, its output and exit codes.

use std::process::{Command, Output};

fn driftlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driftlab"))
        .args(args)
        .output()
        .expect("run the driftlab binary")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = driftlab(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

#[test]
fn json_report_has_every_documented_key() {
    let r = json(&["run", "--preset", "extreme_drift", "--seed", "42", "--json"]);
    for key in [
        "seed",
        "preset",
        "policy",
        "requests",
        "confirmed",
        "refused",
        "double_bookings",
        "wrong_winners",
        "order_inversions",
        "early_sales",
        "wrongly_refused",
        "premature_expiries",
        "offset_spread_ms",
        "servers",
        "events",
        "trace_hash",
        "bill",
    ] {
        assert!(r.get(key).is_some(), "missing {key}");
    }
    for key in [
        "revenue_lost",
        "refunds_and_support",
        "total",
        "customers_affected",
        "lines",
    ] {
        assert!(r["bill"].get(key).is_some(), "bill lacks {key}");
    }
    assert_eq!(r["bill"]["lines"][0]["item"], "unsold_seats");
    assert_eq!(r["preset"], "extreme_drift");
    assert_eq!(r["seed"], 42);
    let servers = r["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 5);
    for key in ["id", "offset_ms", "requests", "p50_ms", "p99_ms"] {
        assert!(servers[0].get(key).is_some(), "servers[0] lacks {key}");
    }
    assert_eq!(servers[1]["id"], "server-2");
    assert_eq!(servers[1]["offset_ms"], -30_000.0);
    assert!(r["wrong_winners"].as_u64().unwrap() > 0);
}

/// `offset_series`: one sample a second from the sale's start, each server's true
/// offset. Without NTP, `extreme_drift`'s clocks keep their set offsets (no skew); on
/// `ntp_lan_one_source`, the server starts 15 s ahead and its chrony-style client steps
/// it within the iburst, then keeps it within 5 ms of true time (issue's figure).
#[test]
fn json_carries_each_servers_offset_every_second() {
    let r = json(&["run", "--preset", "extreme_drift", "--json"]);
    let s = r["servers"][1]["offset_series"].as_array().unwrap();
    assert!(s.len() > 600, "a sample a second over a 10-minute sale");
    for (k, p) in s.iter().enumerate() {
        assert_eq!(p[0].as_f64().unwrap(), k as f64, "one second apart");
        assert_eq!(p[1].as_f64().unwrap(), -30_000.0, "server-2 is 30 s behind");
    }
    let r = json(&["run", "--preset", "ntp_lan_one_source", "--json"]);
    let s = r["servers"][0]["offset_series"].as_array().unwrap();
    let at = |k: usize| s[k][1].as_f64().unwrap();
    assert_eq!(at(0), 15_000.0, "15 s ahead at the start");
    assert!(s.len() >= 7200, "two hours");
    for k in 30..s.len() {
        assert!(at(k).abs() < 5.0, "{} ms off at {k} s", at(k));
    }
}

#[test]
fn same_seed_same_hash_and_flags_override() {
    let a = json(&["run", "--preset", "major_drift", "--seed", "9", "--json"]);
    let b = json(&["run", "--preset", "major_drift", "--seed", "9", "--json"]);
    assert_eq!(a["trace_hash"], b["trace_hash"]);
    let u = json(&[
        "run",
        "--preset",
        "major_drift",
        "--seed",
        "9",
        "--policy",
        "unique",
        "--duration",
        "120",
        "--json",
    ]);
    assert_eq!(u["policy"], "unique");
    assert_eq!(u["double_bookings"], 0);
    assert_ne!(u["trace_hash"], a["trace_hash"]);
}

#[test]
fn the_table_reads_like_a_report() {
    let out = driftlab(&["run", "--preset", "reset", "--seed", "1"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Driftlab: reset · policy local-timestamp · seed 1"),
        "{text}"
    );
    assert!(text.contains("wrong winners") && text.contains("server-3"));
    assert!(text.contains("What it cost the business") && text.contains("customers affected"));
}

#[test]
fn unknown_names_exit_non_zero_listing_what_is_valid() {
    let out = driftlab(&["run", "--preset", "huge_drift"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown preset \"huge_drift\"")
            && err.contains("minor_drift, major_drift, extreme_drift"),
        "{err}"
    );
    let out = driftlab(&["run", "--policy", "mutex"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("local-timestamp, no-lock, unique"));
    let out = driftlab(&["run", "--duration=-5"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sale.duration_s"));
}

#[test]
fn scenario_files_override_a_preset_and_bad_ones_are_explained() {
    let dir = std::env::temp_dir().join(format!("driftlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let good = write(
        "good.json",
        r#"{"preset": "major_drift", "seed": 5, "crowd": {"customers": 50}, "servers": [{"clock": {"offset_ms": 2500}}]}"#,
    );
    let r = json(&["run", "--scenario", &good, "--json"]);
    assert_eq!(
        (r["preset"].as_str(), r["seed"].as_u64()),
        (Some("major_drift"), Some(5))
    );
    assert_eq!(
        r["servers"].as_array().unwrap().len(),
        1,
        "the file's server list replaces the preset's"
    );
    assert_eq!(r["servers"][0]["offset_ms"], 2500.0);
    for (name, text, expect) in [
        (
            "typo.json",
            r#"{"crowd": {"customerz": 3}}"#,
            "unknown field `customerz`",
        ),
        (
            "range.json",
            r#"{"servers": [{"clock": {"skew_ppm": 5000}}]}"#,
            "servers[0].clock.skew_ppm",
        ),
        ("broken.json", r#"{"seed": "#, "not valid JSON"),
        ("list.json", r#"[1, 2]"#, "must be a JSON object"),
        ("preset.json", r#"{"preset": "nope"}"#, "valid presets"),
    ] {
        let out = driftlab(&["run", "--scenario", &write(name, text)]);
        assert!(!out.status.success(), "{name} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let out = driftlab(&["run", "--scenario", "/nonexistent/x.json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read scenario"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn files_the_app_saved_run_and_newer_ones_are_refused_with_what_to_do() {
    let dir = std::env::temp_dir().join(format!("driftlab-cli-v-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    // A file as the app saves it (version 1), and the same without its version.
    let mut cfg = driftlab_sim::presets::preset("major_drift").unwrap();
    cfg.seed = 11;
    cfg.crowd.customers = 60;
    let saved = driftlab_sim::scenario::Scenario::new(cfg, Vec::new()).to_json();
    let unversioned = saved.replacen("\"format\": \"driftlab-scenario-1\",", "", 1);
    assert_ne!(saved, unversioned);
    for (name, text) in [("saved.json", &saved), ("unversioned.json", &unversioned)] {
        let r = json(&["run", "--scenario", &write(name, text), "--json"]);
        assert_eq!(
            (r["preset"].as_str(), r["seed"].as_u64()),
            (Some("major_drift"), Some(11)),
            "{name}"
        );
    }
    let newer = saved.replacen("driftlab-scenario-1", "driftlab-scenario-3", 1);
    let out = driftlab(&["run", "--scenario", &write("newer.json", &newer)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "format: made by a newer Driftlab (format version 3; this one reads version 1): \
             open it with that newer Driftlab, or update this one"
        ),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ntp_figures_and_the_ntp_switch() {
    let r = json(&["run", "--preset", "ntp_falseticker", "--json"]);
    for s in r["servers"].as_array().unwrap() {
        for key in [
            "stratum",
            "jitter_ms",
            "delay_ms",
            "synced",
            "selected_source",
            "falsetickers",
        ] {
            assert!(s.get(key).is_some(), "missing servers[].{key}");
        }
        assert_eq!(s["synced"], true);
        assert_eq!(s["falsetickers"], serde_json::json!(["ntp-b"]));
        assert_ne!(s["selected_source"], "ntp-b");
    }
    let alerts = r["alerts"].as_array().unwrap();
    assert!(alerts
        .iter()
        .any(|a| a["what"].as_str().unwrap().contains("falseticker ntp-b")));
    let off = json(&["run", "--preset", "synced", "--ntp", "off", "--json"]);
    assert!(
        off["wrong_winners"].as_u64().unwrap() > 0,
        "synced without NTP is extreme drift"
    );
    let on = json(&["run", "--preset", "extreme_drift", "--ntp", "on", "--json"]);
    assert_eq!(on["wrong_winners"], 0);
    let out = driftlab(&["run", "--ntp", "maybe"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ntp takes on or off"));
}

#[test]
fn run_help_lists_every_preset_with_its_group_and_summary() {
    let out = driftlab(&["run", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = help.lines().collect();
    for p in driftlab_sim::presets::PRESETS {
        let title = format!("  {} ({})", p.name, p.group.name());
        let at = lines
            .iter()
            .position(|l| *l == title)
            .unwrap_or_else(|| panic!("no line {title:?} in:\n{help}"));
        assert_eq!(
            lines.get(at + 1).map(|l| l.trim()),
            Some(p.summary_en),
            "{help}"
        );
    }
    assert!(
        help.contains("docs/MODEL.md") && !help.contains("MODEL §"),
        "{help}"
    );
}

#[test]
fn the_cures_are_selectable_and_their_costs_reported() {
    // Commit-wait with ε = 31 s on extreme_drift: nothing revoked, about 2ε per
    // confirmation (62 s plus the 201.25 ms replication bound, plus the trip).
    let r = json(&[
        "run",
        "--preset",
        "extreme_drift",
        "--policy",
        "commit-wait",
        "--epsilon-ms",
        "31000",
        "--json",
    ]);
    assert_eq!(r["policy"], "commit-wait");
    assert_eq!(r["revoked"], 0);
    let mean = r["confirmation_mean_ms"].as_f64().unwrap();
    assert!((62_201.0..62_300.0).contains(&mean), "{mean}");
    for key in [
        "unstamped_refusals",
        "confirmation_p50_ms",
        "confirmation_p99_ms",
    ] {
        assert!(r.get(key).is_some(), "missing {key}");
    }
    // A bad ε is refused by the field's name.
    let out = driftlab(&["run", "--policy", "commit-wait", "--epsilon-ms=-1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("commit_wait.epsilon_ms"));
    // The oracle cut off for 30 s: the table says stamping stopped.
    let dir = std::env::temp_dir().join(format!("driftlab-cures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cut.json");
    std::fs::write(
        &file,
        r#"{"preset": "extreme_drift", "policy": "tso", "tso": {"outages": [{"from_s": 36010, "to_s": 36040}]}}"#,
    )
    .unwrap();
    let out = driftlab(&["run", "--scenario", &file.to_string_lossy()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("policy tso") && text.contains("stamping stopped"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
    for p in ["lamport", "hlc", "tso"] {
        assert_eq!(
            json(&["run", "--policy", p, "--duration", "60", "--json"])["policy"],
            p
        );
    }
}

#[test]
fn explain_prints_the_first_of_each_kind_and_json_carries_every_one() {
    let out = driftlab(&["run", "--preset", "extreme_drift", "--explain"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Why, in words"), "{text}");
    assert!(
        text.contains("WrongWinner: Seat ") && text.contains("The earliest stamp won"),
        "{text}"
    );
    let r = json(&["run", "--preset", "extreme_drift", "--json"]);
    let list = r["anomalies"].as_array().expect("anomalies");
    let total = [
        "wrong_winners",
        "double_bookings",
        "order_inversions",
        "early_sales",
        "wrongly_refused",
        "premature_expiries",
        "late_expiries",
    ]
    .iter()
    .map(|k| r[*k].as_u64().unwrap())
    .sum::<u64>();
    assert_eq!(list.len() as u64, total, "every anomaly explained");
    for a in list {
        for key in ["kind", "t", "requests", "text", "text_fr", "figures"] {
            assert!(a.get(key).is_some(), "lacks {key}: {a}");
        }
        assert!(!a["requests"].as_array().unwrap().is_empty());
    }
}

#[test]
fn ntpq_prints_each_servers_sources_with_their_tally_codes() {
    let out = driftlab(&[
        "run",
        "--preset",
        "ntp_falseticker",
        "--seed",
        "42",
        "--ntpq",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("$ ntpq -p").count(), 5, "{text}");
    assert!(text.contains("     remote           refid      st t when poll reach"));
    // Every server follows one stratum-2 server and flags the liar, ntp-b.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with('*')).count(),
        5,
        "{text}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("xntp-b")).count(),
        5,
        "{text}"
    );
    // Without NTP there is nothing to show.
    let out = driftlab(&["run", "--preset", "reset", "--ntpq"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ntpq -p"));
}

#[test]
fn compare_prints_both_runs_figures_as_run_reports_them() {
    let c = json(&[
        "compare",
        "--preset",
        "extreme_drift",
        "--seed",
        "7",
        "--a",
        "policy=local-timestamp",
        "--b",
        "policy=commit-wait,epsilon-ms=31000",
        "--json",
    ]);
    let a = json(&[
        "run",
        "--seed",
        "7",
        "--policy",
        "local-timestamp",
        "--json",
    ]);
    let b = json(&[
        "run",
        "--seed",
        "7",
        "--policy",
        "commit-wait",
        "--epsilon-ms",
        "31000",
        "--json",
    ]);
    let rows = c["rows"].as_array().unwrap();
    assert!(rows.len() >= 10);
    for row in rows {
        let key = row["key"].as_str().unwrap();
        let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
        assert_eq!(row["a"].as_f64(), Some(x), "{key}");
        assert_eq!(row["b"].as_f64(), Some(y), "{key}");
        assert!(
            (row["diff"].as_f64().unwrap() - (y - x)).abs() < 1e-9,
            "{key}"
        );
    }
    assert_eq!(b["revoked"], 0);
    assert!(a["revoked"].as_u64().unwrap() > 0);
    assert_eq!(c["seed"], 7);
    assert!(!c["seats_changed"].as_array().unwrap().is_empty());
    let out = driftlab(&[
        "compare",
        "--a",
        "policy=local-timestamp",
        "--b",
        "policy=hlc",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("a: policy=local-timestamp") && text.contains("b: policy=hlc"));
    assert!(
        text.contains("revoked holds") && text.contains("b - a"),
        "{text}"
    );
}

#[test]
fn compare_refuses_bad_settings_with_a_message() {
    for (b, says) in [
        ("policy=mutex", "local-timestamp, no-lock, unique"),
        ("colour=red", "unknown setting \"colour\""),
        ("hlc", "is not KEY=VALUE"),
        ("epsilon-ms=lots", "epsilon-ms takes a number"),
        ("ntp=maybe", "--ntp takes on or off"),
    ] {
        let out = driftlab(&["compare", "--b", b]);
        assert!(!out.status.success(), "{b}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{b}: {err}");
    }
}

#[test]
fn an_exported_scenario_replays_its_live_actions() {
    use driftlab_sim::scenario::Scenario;
    use driftlab_sim::time::SEC;
    use driftlab_sim::{presets, Sim};

    // What the app does: a sale played to five seconds past the opening, server-2's clock
    // (30 s behind) put right by hand there, played to the end, then exported
    // (share.rs: `Scenario::new(config, actions).to_json()`).
    let mut cfg = presets::preset("extreme_drift").unwrap();
    cfg.crowd.customers = 400;
    let mut live = Sim::new(cfg.clone()).unwrap();
    live.run_until(cfg.sale.opening() + 5 * SEC);
    live.set_server_offset(1, 0);
    live.run();
    let seen = live.report();
    assert_eq!(live.actions().len(), 1);

    let dir = std::env::temp_dir().join(format!("driftlab-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, s: Scenario| {
        let p = dir.join(name);
        std::fs::write(&p, s.to_json()).unwrap();
        p.to_string_lossy().into_owned()
    };
    let with = write(
        "with.json",
        Scenario::new(cfg.clone(), live.actions().to_vec()),
    );
    let r = json(&["run", "--scenario", &with, "--json"]);
    assert_eq!(r["trace_hash"].as_str(), Some(seen.trace_hash.as_str()));
    assert_eq!(r["events"].as_u64(), Some(seen.events));
    assert_eq!(r["wrong_winners"].as_u64(), Some(seen.wrong_winners));
    assert_eq!(r["double_bookings"].as_u64(), Some(seen.double_bookings));
    assert_eq!(r["servers"][1]["offset_ms"], 0.0, "server-2 ends put right");

    // The same file without its action is another run: the action was replayed.
    let without = write("without.json", Scenario::new(cfg, Vec::new()));
    let r = json(&["run", "--scenario", &without, "--json"]);
    assert_ne!(r["trace_hash"].as_str(), Some(seen.trace_hash.as_str()));
    assert_eq!(r["servers"][1]["offset_ms"], -30000.0);

    // A bad exported file is refused with the field's path.
    let bad = dir.join("bad.json");
    let text = std::fs::read_to_string(&with)
        .unwrap()
        .replace("\"customers\": 400", "\"customers\": -3");
    std::fs::write(&bad, text).unwrap();
    let out = driftlab(&["run", "--scenario", &bad.to_string_lossy()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.crowd.customers"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn history_writes_one_observation_per_line_as_json() {
    let dir = std::env::temp_dir().join(format!("driftlab-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("run.jsonl");
    let file = path.to_str().unwrap();
    let out = driftlab(&[
        "run",
        "--preset",
        "extreme_drift",
        "--duration",
        "60",
        "--history",
        file,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    // Every request sent is one `sent` line; the head fields on every line, in
    // true-time order.
    let sent = lines.iter().filter(|l| l["obs"] == "sent").count() as u64;
    assert_eq!(sent, report["requests"].as_u64().unwrap());
    let mut last = 0;
    for l in &lines {
        for key in ["t", "t_ns", "node", "local", "local_ns", "obs"] {
            assert!(!l[key].is_null(), "{key} in {l}");
        }
        let t = l["t_ns"].as_i64().unwrap();
        assert!(t >= last);
        last = t;
    }
    // A file that cannot be written: a clear message.
    let out = driftlab(&[
        "run",
        "--duration",
        "10",
        "--history",
        "/nonexistent/dir/run.jsonl",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("cannot write the history to /nonexistent/dir/run.jsonl"));
    std::fs::remove_dir_all(&dir).ok();
}
