//! `driftlab compare`: two runs of the same crowd and seed, differing in one thing
//! (the policy, NTP, ε, the preset), and what the change fixed and cost.

use crate::run::{build_scenario, RunArgs};
use clap::Args;
use driftlab_sim::compare::{compare as compare_runs, Comparison};
use driftlab_sim::Sim;

/// Arguments of `driftlab compare`.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario preset both runs start from.
    #[arg(long, default_value = "extreme_drift")]
    pub preset: String,
    /// Seed of both runs [default: 42].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run a: comma-separated settings over the preset, among policy=P,
    /// epsilon-ms=MS, ntp=on|off, preset=P (e.g. `policy=local-timestamp`).
    #[arg(long, value_name = "KEY=VALUE,...", default_value = "")]
    pub a: String,
    /// Run b, the same way (e.g. `policy=commit-wait,epsilon-ms=31000`).
    #[arg(long, value_name = "KEY=VALUE,...")]
    pub b: String,
    /// Print the comparison as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The run arguments of one side: the preset and seed, then its settings.
fn side(args: &CompareArgs, settings: &str) -> Result<RunArgs, String> {
    let mut run = RunArgs {
        preset: args.preset.clone(),
        seed: args.seed,
        policy: None,
        epsilon_ms: None,
        duration: None,
        gateway: None,
        ntp: None,
        scenario: None,
        json: false,
        ntpq: false,
        explain: false,
        history: None,
    };
    for pair in settings.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!("{pair:?} is not KEY=VALUE (e.g. policy=hlc)"));
        };
        let value = value.trim().to_string();
        match key.trim() {
            "policy" => run.policy = Some(value),
            "ntp" => run.ntp = Some(value),
            "preset" => run.preset = value,
            "epsilon-ms" | "epsilon_ms" => {
                run.epsilon_ms = Some(value.parse().map_err(|_| {
                    format!("epsilon-ms takes a number of milliseconds, not {value:?}")
                })?)
            }
            other => {
                return Err(format!(
                    "unknown setting {other:?}: use policy, epsilon-ms, ntp or preset"
                ))
            }
        }
    }
    Ok(run)
}

fn finished(run: &RunArgs) -> Result<Sim, String> {
    let (cfg, actions) = build_scenario(run)?;
    let mut sim = Sim::with_actions(cfg, &actions).map_err(|e| format!("invalid scenario: {e}"))?;
    sim.run();
    Ok(sim)
}

/// What a side is, for the table's header.
fn label(settings: &str, preset: &str) -> String {
    if settings.trim().is_empty() {
        format!("{preset} as it is")
    } else {
        settings.trim().to_string()
    }
}

/// Runs both sides and prints the comparison; an error is a message for the user.
pub fn compare(args: &CompareArgs) -> Result<(), String> {
    let (ra, rb) = (side(args, &args.a)?, side(args, &args.b)?);
    let (a, b) = (finished(&ra)?, finished(&rb)?);
    let c = compare_runs(
        &a,
        &b,
        &label(&args.a, &args.preset),
        &label(&args.b, &args.preset),
    );
    if args.json {
        let mut v = serde_json::to_value(&c).map_err(|e| e.to_string())?;
        v["preset"] = args.preset.clone().into();
        v["seed"] = a.config().seed.into();
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", table(&c, &args.preset, a.config().seed));
    }
    Ok(())
}

/// A figure's name in the table.
fn name(key: &str) -> &str {
    match key {
        "wrong_winners" => "wrong winners",
        "revoked" => "revoked holds",
        "double_bookings" => "double bookings",
        "early_sales" => "early sales",
        "wrongly_refused" => "wrongly refused",
        "premature_expiries" => "premature expiries",
        "late_expiries" => "late expiries",
        "order_inversions" => "order inversions",
        "confirmed" => "confirmed",
        "refused" => "refused",
        "unstamped_refusals" => "refused, no timestamp",
        "confirmation_mean_ms" => "confirmation mean ms",
        "confirmation_p50_ms" => "confirmation p50 ms",
        "confirmation_p99_ms" => "confirmation p99 ms",
        other => other,
    }
}

/// The comparison as a table a student can read.
pub fn table(c: &Comparison, preset: &str, seed: u64) -> String {
    let mut s = format!(
        "Driftlab compare: {preset} · seed {seed} · the same crowd\n  a: {}\n  b: {}\n\n",
        c.a_label, c.b_label
    );
    s.push_str(&format!(
        "  {:<24}{:>12}{:>12}{:>12}\n",
        "figure", "a", "b", "b - a"
    ));
    for r in &c.rows {
        let f = |x: f64| {
            if r.key.ends_with("_ms") {
                format!("{x:.1}")
            } else {
                format!("{x:.0}")
            }
        };
        let diff = if r.key.ends_with("_ms") {
            format!("{:+.1}", r.diff)
        } else {
            format!("{:+.0}", r.diff)
        };
        s.push_str(&format!(
            "  {:<24}{:>12}{:>12}{:>12}\n",
            name(r.key),
            f(r.a),
            f(r.b),
            diff
        ));
    }
    s.push_str(&format!(
        "\nSeats that ended with another holder: {}\n",
        c.seats_changed.len()
    ));
    for ch in c.seats_changed.iter().take(5) {
        let who = |v: &[u32]| {
            if v.is_empty() {
                "nobody".to_string()
            } else {
                v.iter()
                    .map(|c| format!("#{c}"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        };
        s.push_str(&format!(
            "  {}: {} in a, {} in b\n",
            ch.label,
            who(&ch.a),
            who(&ch.b)
        ));
    }
    s.push_str(&format!(
        "Anomalies only in a: {}; only in b: {} (same kind, seat and customer)\n",
        c.only_a.len(),
        c.only_b.len()
    ));
    s
}
