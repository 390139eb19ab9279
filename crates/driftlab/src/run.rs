//! `driftlab run`: one scenario, start to end, as a table or JSON.

use clap::Args;
use driftlab_sim::{presets, Config, Policy, Report, Sim};
use serde_json::Value;
use std::path::PathBuf;

/// Arguments of `driftlab run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario preset, one of those listed below.
    #[arg(long, default_value = "extreme_drift")]
    pub preset: String,
    /// Seed of the run's random streams [default: 42, or the scenario file's].
    #[arg(long)]
    pub seed: Option<u64>,
    /// How contended seats are settled: local-timestamp, no-lock or unique.
    #[arg(long)]
    pub policy: Option<String>,
    /// How long customers keep arriving, in seconds [default: 600].
    #[arg(long)]
    pub duration: Option<f64>,
    /// Run NTP on every reservation server (`on`) or on none (`off`), whatever the
    /// preset says.
    #[arg(long, value_name = "on|off")]
    pub ntp: Option<String>,
    /// A JSON scenario: any subset of the config's fields, over the preset it names
    /// (`"preset": "major_drift"`) or over `--preset`.
    #[arg(long, value_name = "FILE.json")]
    pub scenario: Option<PathBuf>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// After the report, print each reservation server's NTP sources as `ntpq -p`
    /// shows them, at the end of the run (servers without NTP are skipped).
    #[arg(long)]
    pub ntpq: bool,
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
    let cfg = build_config(args)?;
    let mut sim = Sim::new(cfg).map_err(|e| format!("invalid scenario: {e}"))?;
    sim.run();
    let report = sim.report();
    if args.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", table(&report));
    }
    if args.ntpq {
        print!("{}", ntpq(&sim));
    }
    Ok(())
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
        s.push_str(&driftlab_sim::ntp::ntpq::table(
            &driftlab_sim::ntp::ntpq::rows(&status, name),
        ));
    }
    s
}

/// The config from the preset, the scenario file over it, then the flags over both.
pub fn build_config(args: &RunArgs) -> Result<Config, String> {
    let mut cfg = match &args.scenario {
        None => presets::preset(&args.preset)?,
        Some(path) => load_scenario(path, &args.preset)?,
    };
    if let Some(seed) = args.seed {
        cfg.seed = seed;
    }
    if let Some(p) = &args.policy {
        cfg.policy = Policy::parse(p)?;
    }
    if let Some(n) = &args.ntp {
        cfg.ntp.enabled = match n.as_str() {
            "on" => true,
            "off" => false,
            other => return Err(format!("--ntp takes on or off, not {other:?}")),
        };
    }
    if let Some(d) = args.duration {
        cfg.sale.duration_s = d;
    }
    cfg.validate()
        .map_err(|e| format!("invalid scenario: {e}"))?;
    Ok(cfg)
}

fn load_scenario(path: &PathBuf, default_preset: &str) -> Result<Config, String> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read scenario {shown}: {e}"))?;
    let overrides: Value = serde_json::from_str(&text)
        .map_err(|e| format!("scenario {shown} is not valid JSON: {e}"))?;
    if !overrides.is_object() {
        return Err(format!("scenario {shown} must be a JSON object, e.g. {{\"preset\": \"major_drift\", \"seed\": 7}}"));
    }
    let base_name = overrides
        .get("preset")
        .and_then(Value::as_str)
        .unwrap_or(default_preset);
    let base = presets::preset(base_name).map_err(|e| format!("scenario {shown}: {e}"))?;
    let mut merged = serde_json::to_value(&base).map_err(|e| e.to_string())?;
    merge(&mut merged, overrides);
    serde_json::from_value(merged).map_err(|e| format!("scenario {shown}: {e}"))
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
        "{:.0} s of true time, {} events, trace {}\n\n",
        r.duration_s, r.events, r.trace_hash
    ));
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
    line(
        &mut s,
        "refused",
        r.refused.to_string(),
        &format!(
            "{} not open, {} token, {} taken",
            r.not_open_refusals, r.token_refusals, r.taken_refusals
        ),
    );
    line(
        &mut s,
        "timed out",
        r.timed_out.to_string(),
        "lost in the network",
    );
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
    s.push_str(&format!(
        "\n  {:<10}{:>12}{:>10}{:>11}{:>9}{:>10}{:>10}\n",
        "server", "offset", "requests", "confirmed", "refused", "p50", "p99"
    ));
    for v in &r.servers {
        s.push_str(&format!(
            "  {:<10}{:>10.3} s{:>10}{:>11}{:>9}{:>7.1} ms{:>7.1} ms\n",
            v.id,
            v.offset_ms / 1000.0,
            v.requests,
            v.confirmed,
            v.refused,
            v.p50_ms,
            v.p99_ms
        ));
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
