//! `driftlab run`: one scenario, start to end, as a table or JSON.

use clap::Args;
use driftlab_sim::explain::{explain, Lang};
use driftlab_sim::scenario::Scenario;
use driftlab_sim::{presets, Acted, Config, Policy, Report, Sim};
use serde_json::Value;
use std::path::PathBuf;

mod feed;

/// Arguments of `driftlab run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario preset, one of those listed below.
    #[arg(long, default_value = "extreme_drift")]
    pub preset: String,
    /// Seed of the run's random streams [default: 42, or the scenario file's].
    #[arg(long)]
    pub seed: Option<u64>,
    /// How contended seats are settled: local-timestamp, no-lock, unique, lamport, hlc,
    /// commit-wait or tso (docs/MODEL.md, "Policies").
    #[arg(long)]
    pub policy: Option<String>,
    /// commit-wait: the clock uncertainty ε in milliseconds, when NTP is off
    /// [default: 1000, or the scenario file's `commit_wait.epsilon_ms`].
    #[arg(long, value_name = "MS")]
    pub epsilon_ms: Option<f64>,
    /// How long customers keep arriving, in seconds [default: 600].
    #[arg(long)]
    pub duration: Option<f64>,
    /// Put a gateway in front of the servers, balancing with this algorithm:
    /// round-robin, least-connections, weighted, hash-customer, two-choices or
    /// hash-client.
    #[arg(long, value_name = "ALGORITHM")]
    pub gateway: Option<String>,
    /// Run NTP on every reservation server (`on`) or on none (`off`), whatever the
    /// preset says.
    #[arg(long, value_name = "on|off")]
    pub ntp: Option<String>,
    /// A JSON scenario: any subset of the config's fields, over the preset it names
    /// (`"preset": "major_drift"`) or over `--preset`; or a file the app saved (Share →
    /// save, with its `format` version, config and live actions).
    #[arg(long, value_name = "FILE.json")]
    pub scenario: Option<PathBuf>,
    /// Print the report as JSON instead of a table (with every anomaly explained,
    /// under `anomalies`).
    #[arg(long)]
    pub json: bool,
    /// After the report, print each reservation server's NTP sources as `ntpq -p`
    /// shows them, at the end of the run (servers without NTP are skipped).
    #[arg(long)]
    pub ntpq: bool,
    /// After the table, explain the first anomaly of each kind in one sentence.
    #[arg(long)]
    pub explain: bool,
    /// Also write the run's history to FILE as JSON lines: one observation per line
    /// (format: docs/HISTORY.md).
    #[arg(long, value_name = "FILE.jsonl")]
    pub history: Option<PathBuf>,
}

/// Every anomaly of the run, explained: kind, true time, requests, text in English and
/// French, and the figures quoted.
pub fn anomalies_json(sim: &Sim) -> Value {
    let cols = sim.config().hall.cols;
    let truth = sim.truth();
    Value::Array(
        truth
            .anomalies
            .iter()
            .filter_map(|a| {
                let en = explain(truth, cols, a, Lang::En)?;
                let fr = explain(truth, cols, a, Lang::Fr)?;
                Some(serde_json::json!({
                    "kind": en.kind,
                    "t": en.t.to_string(),
                    "requests": en.requests,
                    "text": en.text,
                    "text_fr": fr.text,
                    "figures": en.figures,
                }))
            })
            .collect(),
    )
}

/// The presets, group by group, for the end of `driftlab run --help`: read from the
/// core's table, so the help lists every preset.
pub fn presets_help() -> String {
    let mut s = String::from("Presets (details: docs/MODEL.md, section \"Presets\"):\n");
    for p in presets::PRESETS {
        s.push_str(&format!(
            "  {} ({})\n      {}\n",
            p.name,
            p.group.name(),
            p.summary_en
        ));
    }
    s.push_str(
        "\nWhat every figure of the report means: docs/MODEL.md, section \"What every run measures\".",
    );
    s
}

/// Runs the scenario; an error is a message for the user.
pub fn run(args: &RunArgs) -> Result<(), String> {
    let (cfg, actions) = build_scenario(args)?;
    let mut sim = Sim::with_actions(cfg, &actions).map_err(|e| format!("invalid scenario: {e}"))?;
    sim.run();
    if let Some(path) = &args.history {
        std::fs::write(path, driftlab_sim::csv::history_json_lines(&sim))
            .map_err(|e| format!("cannot write the history to {}: {e}", path.display()))?;
    }
    let report = sim.report();
    if args.json {
        let mut v = serde_json::to_value(&report).map_err(|e| e.to_string())?;
        v["anomalies"] = anomalies_json(&sim);
        offset_series_json(&sim, &mut v["servers"]);
        let text = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", table(&report));
        if args.explain {
            print!("{}", explained(&sim));
        }
    }
    if args.ntpq {
        print!("{}", ntpq(&sim));
    }
    Ok(())
}

/// Adds to each server of the report its clock's true offset sampled every second:
/// `offset_series`, a list of `[seconds since the sale's start, offset in ms]`, so that
/// convergence and steady-state error can be computed outside Driftlab.
fn offset_series_json(sim: &Sim, servers: &mut serde_json::Value) {
    let h = sim.history();
    let Some(&t0) = h.t.first() else {
        return;
    };
    let Some(servers) = servers.as_array_mut() else {
        return;
    };
    for (s, offsets) in servers.iter_mut().zip(&h.offsets) {
        let series: Vec<[f64; 2]> =
            h.t.iter()
                .zip(offsets)
                .map(|(&t, &ns)| [(t - t0) as f64 / 1e9, ns as f64 / 1e6])
                .collect();
        s["offset_series"] = serde_json::json!(series);
    }
}

/// Every reservation server's `ntpq -p`, at the end of the run.
pub fn ntpq(sim: &Sim) -> String {
    let names: Vec<String> = sim
        .config()
        .ntp
        .servers
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
    let mut s = String::new();
    for i in 0..sim.config().servers.len() {
        let Some(status) = sim.ntp_status(i) else {
            continue;
        };
        s.push_str(&format!("\nserver-{}$ ntpq -p\n", i + 1));
        s.push_str(&driftlab_sim::ntp::ntpq::table(&status.rows(name)));
    }
    s
}

/// The config from the preset, the scenario file over it, then the flags over both; and
/// the live actions of a file the app saved (none otherwise).
pub fn build_scenario(args: &RunArgs) -> Result<(Config, Vec<Acted>), String> {
    let (mut cfg, actions) = match &args.scenario {
        None => (presets::preset(&args.preset)?, Vec::new()),
        Some(path) => load_scenario(path, &args.preset)?,
    };
    if let Some(seed) = args.seed {
        cfg.seed = seed;
    }
    if let Some(p) = &args.policy {
        cfg.policy = Policy::parse(p)?;
    }
    if let Some(a) = &args.gateway {
        cfg.gateway.enabled = true;
        cfg.gateway.algorithm = driftlab_sim::gateway::Algorithm::parse(a)?;
    }
    if let Some(n) = &args.ntp {
        cfg.ntp.enabled = match n.as_str() {
            "on" => true,
            "off" => false,
            other => return Err(format!("--ntp takes on or off, not {other:?}")),
        };
    }
    if let Some(e) = args.epsilon_ms {
        cfg.commit_wait.epsilon_ms = e;
    }
    if let Some(d) = args.duration {
        cfg.sale.duration_s = d;
    }
    cfg.validate()
        .map_err(|e| format!("invalid scenario: {e}"))?;
    Sim::check_actions(&cfg, &actions).map_err(|e| format!("invalid scenario: {e}"))?;
    Ok((cfg, actions))
}

/// A scenario file: a file the app saved (it has `format` or `config`: read whole by the
/// core, version first), or any subset of the config over a preset.
fn load_scenario(path: &PathBuf, default_preset: &str) -> Result<(Config, Vec<Acted>), String> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read scenario {shown}: {e}"))?;
    let overrides: Value = serde_json::from_str(&text)
        .map_err(|e| format!("scenario {shown} is not valid JSON: {e}"))?;
    if !overrides.is_object() {
        return Err(format!("scenario {shown} must be a JSON object, e.g. {{\"preset\": \"major_drift\", \"seed\": 7}}"));
    }
    if overrides.get("format").is_some() || overrides.get("config").is_some() {
        let scenario = Scenario::from_json(&text).map_err(|e| format!("scenario {shown}: {e}"))?;
        return Ok((scenario.config, scenario.actions));
    }
    let base_name = overrides
        .get("preset")
        .and_then(Value::as_str)
        .unwrap_or(default_preset);
    let base = presets::preset(base_name).map_err(|e| format!("scenario {shown}: {e}"))?;
    let mut merged = serde_json::to_value(&base).map_err(|e| e.to_string())?;
    merge(&mut merged, overrides);
    let cfg = serde_json::from_value(merged).map_err(|e| format!("scenario {shown}: {e}"))?;
    Ok((cfg, Vec::new()))
}

/// Deep-merges `over` into `base`: objects field by field, anything else replaced.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// The refusals by reason: the clocks' and the seat's, then the gateway's if any.
fn refusals(r: &Report) -> String {
    let mut s = format!(
        "{} not open, {} token, {} taken",
        r.not_open_refusals, r.token_refusals, r.taken_refusals
    );
    if r.gateway.is_some() || r.unavailable_refusals > 0 {
        s.push_str(&format!(", {} unavailable", r.unavailable_refusals));
    }
    if r.rate_limited_refusals > 0 {
        s.push_str(&format!(", {} rate-limited", r.rate_limited_refusals));
    }
    s
}

/// The run's first anomaly of each kind, one sentence each.
pub fn explained(sim: &Sim) -> String {
    let cols = sim.config().hall.cols;
    let truth = sim.truth();
    let n = truth.anomalies.len();
    let mut firsts: Vec<&driftlab_sim::truth::Anomaly> = Vec::new();
    for a in &truth.anomalies {
        if !firsts.iter().any(|f| f.kind == a.kind) {
            firsts.push(a);
        }
    }
    let mut s = format!(
        "\nWhy, in words: the first anomaly of each kind ({n} in all; --json explains them all)\n"
    );
    for a in firsts {
        if let Some(e) = explain(truth, cols, a, Lang::En) {
            s.push_str(&format!("  {} {:?}: {}\n", e.t, e.kind, e.text));
        }
    }
    s
}

/// The cache's block of the table.
fn cache_table(c: &driftlab_sim::report::CacheReport) -> String {
    let mut s = format!(
        "\nThe cache (TTL {} s, single-flight {})\n",
        c.ttl_s,
        if c.single_flight { "on" } else { "off" }
    );
    let mut line = |label: &str, value: String, note: String| {
        s.push_str(&format!("  {label:<22}{value:>10}   {note}\n"));
    };
    line(
        "hit ratio",
        format!("{:.1} %", 100.0 * c.hit_ratio),
        format!("of {} pages read through the cache", c.pages),
    );
    line(
        "stale serves",
        c.stale_serves.to_string(),
        format!(
            "pages from the cache not the seat's state; longest {:.1} s; {} stale from the database",
            c.stale_window_max_s, c.stale_db_pages
        ),
    );
    line(
        "database load",
        c.db_queries.to_string(),
        format!(
            "queries; peak {} in one second, {} waiting at most",
            c.db_peak_per_s, c.db_queue_max
        ),
    );
    line(
        "page errors",
        c.errors.to_string(),
        format!(
            "queries that waited too long; latency p50 {:.1} ms, p99 {:.1} ms; cache down {:.1} s",
            c.latency_p50_ms, c.latency_p99_ms, c.down_s
        ),
    );
    s
}

/// The data path's block of the table: its measures, then one line per database node.
fn data_table(d: &driftlab_sim::report::DataReport) -> String {
    let mut s = String::new();
    let line = |s: &mut String, label: &str, value: String, note: &str| {
        s.push_str(&format!("  {label:<22}{value:>10}   {note}\n"));
    };
    let failover = serde_json::to_value(d.failover)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    s.push_str(&format!("\nThe data path (failover: {failover})\n"));
    line(
        &mut s,
        "stale reads",
        d.stale_reads.to_string(),
        &format!("of {} reads, answered by a lagging node", d.reads),
    );
    line(
        &mut s,
        "writes lost",
        d.writes_lost.to_string(),
        &format!(
            "confirmed, then lost at failover; {} seats resold",
            d.resold
        ),
    );
    line(
        &mut s,
        "no primary",
        format!("{:.1} s", d.write_outage_s),
        &format!(
            "crash to next write decided; {} refused over {:.1} s",
            d.refused_no_primary, d.refused_window_s
        ),
    );
    line(
        &mut s,
        "primaries at once",
        d.max_primaries.to_string(),
        &format!(
            "{} promotions; split brain {:.1} s",
            d.promotions, d.split_brain_s
        ),
    );
    s.push_str(&format!(
        "\n  {:<10}{:>9}{:>9}{:>12}{:>13}{:>13}\n",
        "database", "role", "applied", "offset", "lag mean", "lag max"
    ));
    for n in &d.nodes {
        let role = serde_json::to_value(n.role)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        s.push_str(&format!(
            "  {:<10}{:>9}{:>9}{:>10.3} s{:>10.1} ms{:>10.1} ms\n",
            n.id,
            role,
            n.applied,
            n.offset_ms / 1000.0,
            n.lag_mean_ms,
            n.lag_max_ms
        ));
    }
    s
}

/// `1234.5` → `"1 234.50"`: euros with a thin grouping, as the table prints them.
fn euros(x: f64) -> String {
    let cents = (x * 100.0).round() as i64;
    let (units, frac) = (cents.abs() / 100, cents.abs() % 100);
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{frac:02} €")
}

/// "What it cost the business": the bill, line by line, with the counts behind it.
pub fn bill_table(b: &driftlab_sim::cost::Bill) -> String {
    use driftlab_sim::cost::Item;
    let mut s = String::from("\nWhat it cost the business\n");
    let count = |x: f64| {
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        }
    };
    let c = &b.counts;
    for l in &b.lines {
        let (label, note) = match l.item {
            Item::UnsoldSeats => (
                "unsold seats",
                format!("of {} seats, × {} ticket", c.seats, euros(l.unit)),
            ),
            Item::GaveUp => (
                "gave up",
                format!(
                    "{:.0} % of {} customers let down ({} refused by a clock, {} gave up waiting), × {}",
                    b.prices.give_up_share * 100.0,
                    c.let_down_customers,
                    c.wrongly_refused_customers,
                    c.gave_up_customers,
                    euros(l.unit)
                ),
            ),
            Item::DoubleBookings => (
                "double bookings",
                format!("refunded, × {} each", euros(l.unit)),
            ),
            Item::RevokedHolds => (
                "holds taken back",
                format!("one support ticket each, × {}", euros(l.unit)),
            ),
            Item::EarlyExpiries => (
                "holds expired early",
                format!("one support ticket each, × {}", euros(l.unit)),
            ),
        };
        s.push_str(&format!(
            "  {label:<20}{:>8}{:>14}   {note}\n",
            count(l.count),
            euros(l.amount)
        ));
    }
    let total = |s: &mut String, label: &str, x: f64, note: &str| {
        s.push_str(&format!("  {label:<28}{:>14}   {note}\n", euros(x),));
    };
    total(
        &mut s,
        "revenue lost",
        b.revenue_lost,
        "unsold seats and customers who gave up",
    );
    total(
        &mut s,
        "refunds and support",
        b.refunds_and_support,
        "double bookings, holds taken back or expired early",
    );
    total(
        &mut s,
        "total",
        b.total,
        &format!("against {} of tickets sold", euros(b.revenue)),
    );
    s.push_str(&format!(
        "  {:<20}{:>8}   customers who met at least one of these\n",
        "customers affected", b.customers_affected
    ));
    s
}

/// The report as a table a student can read.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    let line = |s: &mut String, label: &str, value: String, note: &str| {
        s.push_str(&format!("  {label:<22}{value:>10}   {note}\n"));
    };
    s.push_str(&format!(
        "Driftlab: {} · policy {} · seed {}\n",
        r.preset, r.policy, r.seed
    ));
    s.push_str(&format!(
        "{:.0} s of true time, {} events, trace {}\n",
        r.duration_s, r.events, r.trace_hash
    ));
    match &r.gateway {
        Some(a) => s.push_str(&format!("gateway: {a}\n\n")),
        None => s.push_str("no gateway: browsers go round robin to the servers\n\n"),
    }
    s.push_str("Traffic\n");
    line(
        &mut s,
        "requests",
        r.requests.to_string(),
        "seat requests and payments sent",
    );
    line(
        &mut s,
        "confirmed",
        r.confirmed.to_string(),
        "seats held for a customer",
    );
    line(&mut s, "paid", r.paid.to_string(), "seats sold");
    line(&mut s, "refused", r.refused.to_string(), &refusals(r));
    line(
        &mut s,
        "timed out",
        r.timed_out.to_string(),
        "lost in the network",
    );
    if r.orphaned_holds > 0 {
        line(
            &mut s,
            "orphaned holds",
            r.orphaned_holds.to_string(),
            "held for a customer who never heard of it",
        );
    }
    s.push_str("\nWhat the clocks broke\n");
    line(
        &mut s,
        "wrong winners",
        r.wrong_winners.to_string(),
        "seat went to someone who was not first",
    );
    line(
        &mut s,
        "double bookings",
        r.double_bookings.to_string(),
        &format!("mean {:.0} ms until undone", r.double_booking_mean_ms),
    );
    line(
        &mut s,
        "order inversions",
        r.order_inversions.to_string(),
        "log lines stamped before an earlier line",
    );
    line(
        &mut s,
        "early sales",
        r.early_sales.to_string(),
        "sold before the opening",
    );
    line(
        &mut s,
        "wrongly refused",
        r.wrongly_refused.to_string(),
        "refused by a wrong clock",
    );
    line(
        &mut s,
        "premature expiries",
        r.premature_expiries.to_string(),
        "holds expired too early",
    );
    line(
        &mut s,
        "late expiries",
        r.late_expiries.to_string(),
        "holds kept past their time",
    );
    line(
        &mut s,
        "offset spread",
        format!("{:.1} ms", r.offset_spread_ms),
        "std. dev. of server offsets",
    );
    if matches!(r.policy.as_str(), "lamport" | "hlc" | "commit-wait" | "tso") {
        s.push_str(&format!("\nWhat the cure ({}) cost and fixed\n", r.policy));
        line(
            &mut s,
            "revoked",
            r.revoked.to_string(),
            "confirmations taken back",
        );
        line(
            &mut s,
            "confirmation",
            format!("{:.1} ms", r.confirmation_mean_ms),
            &format!(
                "mean; p50 {:.1} ms, p99 {:.1} ms (click to answer)",
                r.confirmation_p50_ms, r.confirmation_p99_ms
            ),
        );
        if r.unsynchronized_refusals > 0 {
            line(
                &mut s,
                "unsynchronised",
                r.unsynchronized_refusals.to_string(),
                "fail closed: refused while NTP was not synchronised",
            );
        }
        if r.policy == "tso" {
            let note = if r.unstamped_refusals > 0 {
                "stamping stopped: the oracle was unreachable"
            } else {
                "every claim got its timestamp"
            };
            line(
                &mut s,
                "no timestamp",
                r.unstamped_refusals.to_string(),
                note,
            );
        }
    }
    s.push_str(&bill_table(&r.bill));
    s.push_str(&format!(
        "\n  {:<10}{:>12}{:>10}{:>8}{:>11}{:>9}{:>10}{:>10}\n",
        "server", "offset", "requests", "share", "confirmed", "refused", "p50", "p99"
    ));
    for v in &r.servers {
        s.push_str(&format!(
            "  {:<10}{:>10.3} s{:>10}{:>6.1} %{:>11}{:>9}{:>7.1} ms{:>7.1} ms\n",
            v.id,
            v.offset_ms / 1000.0,
            v.requests,
            v.share * 100.0,
            v.confirmed,
            v.refused,
            v.p50_ms,
            v.p99_ms
        ));
    }
    if r.gateway.is_some() {
        s.push_str(&format!(
            "\n  {:<10}{:>8}{:>14}\n",
            "gateway", "errors", "marked down"
        ));
        for v in &r.servers {
            s.push_str(&format!(
                "  {:<10}{:>8}{:>12.1} s\n",
                v.id, v.errors, v.marked_down_s
            ));
        }
    }
    if let Some(d) = &r.data {
        s.push_str(&data_table(d));
    }
    if let Some(f) = &r.feed {
        s.push_str(&feed::table(f));
    }
    if let Some(c) = &r.cache {
        s.push_str(&cache_table(c));
    }
    if r.servers.iter().any(|v| v.ntp) {
        s.push_str(&format!(
            "\n  {:<10}{:>8}{:>8}{:>12}{:>11}  {:<12}{}\n",
            "NTP", "synced", "stratum", "jitter", "delay", "source", "falsetickers"
        ));
        for v in &r.servers {
            s.push_str(&format!(
                "  {:<10}{:>8}{:>8}{:>9.3} ms{:>8.3} ms  {:<12}{}\n",
                v.id,
                if v.synced { "yes" } else { "no" },
                v.stratum,
                v.jitter_ms,
                v.delay_ms,
                v.selected_source.as_deref().unwrap_or("-"),
                v.falsetickers.join(", ")
            ));
        }
        let raised = r
            .alerts
            .iter()
            .filter(|a| a.what.starts_with("raised"))
            .count();
        s.push_str(&format!(
            "  {} alerts raised, {} clock steps (see --json for the list)\n",
            raised,
            r.alerts
                .iter()
                .filter(|a| a.what.starts_with("stepped"))
                .count()
        ));
    }
    let c = &r.consistency;
    s.push_str(&format!(
        "\nConsistency: {} seats with several holders, {} requests without an answer.\n",
        c.seats_with_several_holders, c.requests_without_outcome
    ));
    s
}
