//! The side-by-side view's data: the scenario on screen (run a) and the same crowd and
//! seed under another policy (run b), compared by the core (`driftlab_sim::compare`).
//! Run b is a [`Timeline`] of its own, sought to run a's instant: the timeline under
//! the view scrubs both ([`at_instant`]). Tested natively.

use crate::i18n::Txt;
use driftlab_sim::compare::{compare, Comparison};
use driftlab_sim::timeline::{Pos, Timeline};
use driftlab_sim::{Config, Policy, Sim, Time};

/// The largest ε the view accepts, ms (ten minutes).
pub const EPS_MAX_MS: f64 = 600_000.0;

/// ε typed in a field or a link, ms: a number above 0 and at most [`EPS_MAX_MS`].
pub fn parse_eps(text: &str) -> Option<f64> {
    let v: f64 = text.trim().replace(',', ".").parse().ok()?;
    (v.is_finite() && v > 0.0 && v <= EPS_MAX_MS).then_some(v)
}

/// The ε the view starts with for `cfg`: one second above the largest configured clock
/// offset, so that with NTP off it covers the true error at the start (commit-wait's
/// condition); the scenario's own ε if that is larger.
pub fn default_eps_ms(cfg: &Config) -> f64 {
    let worst = cfg
        .servers
        .iter()
        .map(|s| s.clock.offset_ms.abs())
        .fold(0.0, f64::max);
    ((worst / 1000.0).ceil() * 1000.0 + 1000.0).max(cfg.commit_wait.epsilon_ms)
}

/// What run b changes from run a (the scenario on screen), one thing or several.
#[derive(Clone, Debug, PartialEq)]
pub struct Other {
    /// Its policy.
    pub policy: Policy,
    /// commit-wait's ε, ms.
    pub eps_ms: f64,
    /// NTP switched on or off on every reservation server (`None`: as in a).
    pub ntp: Option<bool>,
    /// Another preset, run with a's seed (`None`: a's own scenario), as
    /// `driftlab compare --b preset=P` does.
    pub preset: Option<&'static str>,
}

impl Other {
    /// b's label: its policy, then what else differs.
    pub fn label(&self) -> String {
        let mut s = self.policy.name().to_string();
        if let Some(p) = self.preset {
            s.push_str(&format!(", {p}"));
        }
        match self.ntp {
            Some(true) => s.push_str(", NTP on"),
            Some(false) => s.push_str(", NTP off"),
            None => {}
        }
        s
    }
}

/// Run b's scenario: `cfg` (or the other preset, with `cfg`'s seed), with b's policy, ε
/// and NTP.
pub fn variant(cfg: &Config, b: &Other) -> Result<Config, String> {
    let mut c = match b.preset {
        Some(name) => {
            let mut c = driftlab_sim::presets::preset(name)?;
            c.seed = cfg.seed;
            c
        }
        None => cfg.clone(),
    };
    c.policy = b.policy;
    c.commit_wait.epsilon_ms = b.eps_ms;
    if let Some(on) = b.ntp {
        c.ntp.enabled = on;
    }
    Ok(c)
}

/// Both runs, to their end, compared; an invalid scenario is a message.
pub fn side_by_side(cfg: &Config, b: &Other) -> Result<Comparison, String> {
    let run = |c: Config| -> Result<Sim, String> {
        let mut sim = Sim::new(c).map_err(|e| e.to_string())?;
        sim.run();
        Ok(sim)
    };
    let a = run(cfg.clone())?;
    let b_run = run(variant(cfg, b)?)?;
    Ok(compare(&a, &b_run, cfg.policy.name(), &b.label()))
}

/// Run b, to seek: its whole run computed once (for its end), its cursor at its start.
pub fn run_b(cfg: &Config, b: &Other) -> Result<Timeline, String> {
    Timeline::new(variant(cfg, b)?, &[]).map_err(|e| e.to_string())
}

/// Both runs at one instant of the shared timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct AtInstant {
    /// The comparison of both runs as they are at that instant.
    pub comparison: Comparison,
    /// Run a's true time.
    pub a_now: Time,
    /// Run b's true time: a's, or b's end if b ended before it (or once a has ended).
    pub b_now: Time,
    /// Whether run a is over.
    pub a_done: bool,
    /// Whether run b is over.
    pub b_done: bool,
}

/// Both runs at run a's instant: `b` sought to the same true time (the state playing
/// it to that instant reaches), then compared with `a`. Once `a` is over, `b` is shown
/// at its own end (a cure that makes confirmations wait can end later), so that the
/// end of the timeline shows both runs finished.
pub fn at_instant(a: &Sim, b: &mut Timeline, a_label: &str, b_label: &str) -> AtInstant {
    let t = if a.finished() { b.end() } else { a.now() };
    if b.sim().now() != t || (a.finished() && !b.sim().finished()) {
        b.seek(Pos::At(t));
    }
    let bs = b.sim();
    AtInstant {
        comparison: compare(a, bs, a_label, b_label),
        a_now: a.now(),
        b_now: bs.now(),
        a_done: a.finished(),
        b_done: bs.finished(),
    }
}

/// The figures each pane shows/// The figures each pane shows, with their names; `true` for times (ms).
pub const PANE: [(&str, Txt, bool); 6] = [
    ("revoked", Txt::CmpRevoked, false),
    ("wrong_winners", Txt::MWrongWinners, false),
    ("double_bookings", Txt::CmpDouble, false),
    ("confirmation_mean_ms", Txt::CmpMean, true),
    ("confirmation_p99_ms", Txt::CmpP99, true),
    ("refused", Txt::CmpRefused, false),
];

/// Every figure's name, for the full table (`None` for a key it does not know).
pub fn name_of(key: &str) -> Option<Txt> {
    Some(match key {
        "wrong_winners" => Txt::MWrongWinners,
        "revoked" => Txt::MRevoked,
        "double_bookings" => Txt::MDouble,
        "early_sales" => Txt::MEarlySales,
        "wrongly_refused" => Txt::MWronglyRefused,
        "premature_expiries" => Txt::MPremature,
        "late_expiries" => Txt::MLate,
        "order_inversions" => Txt::MInversions,
        "confirmed" => Txt::MConfirmed,
        "refused" => Txt::MRefused,
        "unstamped_refusals" => Txt::RNoTimestamp,
        "confirmation_mean_ms" => Txt::CmpMean,
        "confirmation_p50_ms" => Txt::CmpP50,
        "confirmation_p99_ms" => Txt::CmpP99,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::presets;

    #[test]
    fn eps_is_a_positive_number_of_milliseconds() {
        assert_eq!(parse_eps("31000"), Some(31_000.0));
        assert_eq!(parse_eps(" 2,5 "), Some(2.5));
        assert_eq!(parse_eps("0"), None);
        assert_eq!(parse_eps("-5"), None);
        assert_eq!(parse_eps("abc"), None);
        assert_eq!(parse_eps("NaN"), None);
        assert_eq!(parse_eps("600001"), None);
    }

    #[test]
    fn extreme_drift_starts_with_an_eps_over_its_thirty_seconds() {
        // extreme_drift's clocks are off by up to 30 s (MODEL.md, presets): 31 s.
        let c = presets::preset("extreme_drift").unwrap();
        assert_eq!(default_eps_ms(&c), 31_000.0);
        // reset's clocks are exact: the scenario's own ε (1 s) is larger than 0 + 1 s.
        let c = presets::preset("reset").unwrap();
        assert_eq!(default_eps_ms(&c), 1_000.0);
    }

    #[test]
    fn commit_wait_beside_local_timestamp_revokes_nothing_and_waits() {
        let mut c = presets::preset("extreme_drift").unwrap();
        c.crowd.customers = 600;
        c.policy = Policy::LocalTimestamp;
        let other = Other {
            policy: Policy::CommitWait,
            eps_ms: 31_000.0,
            ntp: None,
            preset: None,
        };
        let cmp = side_by_side(&c, &other).unwrap();
        let revoked = cmp.row("revoked").unwrap();
        assert!(revoked.a > 0.0);
        assert_eq!(revoked.b, 0.0);
        // 2ε + 201.25 ms more per confirmation.
        let mean = cmp.row("confirmation_mean_ms").unwrap();
        assert!((mean.diff - 62_201.25).abs() < 20.0, "{}", mean.diff);
        assert_eq!(
            (cmp.a_label.as_str(), cmp.b_label.as_str()),
            ("local-timestamp", "commit-wait")
        );
        for (key, ..) in PANE {
            assert!(cmp.row(key).is_some(), "{key}");
        }
        assert!(
            cmp.rows.iter().all(|r| name_of(r.key).is_some()),
            "every figure named"
        );
    }

    /// NTP switched on in b: extreme_drift with NTP on is the `synced` preset (MODEL.md:
    /// "extreme drift, NTP on"), so b's scenario is synced's; another preset keeps a's
    /// seed, as `driftlab compare --b preset=P`.
    #[test]
    fn ntp_and_preset_choices_make_b_the_scenario_they_name() {
        let mut a = presets::preset("extreme_drift").unwrap();
        a.seed = 9;
        let b = Other {
            policy: a.policy,
            eps_ms: a.commit_wait.epsilon_ms,
            ntp: Some(true),
            preset: None,
        };
        let mut synced = presets::preset("synced").unwrap();
        synced.seed = 9;
        let v = variant(&a, &b).unwrap();
        assert_eq!(v.servers, synced.servers);
        assert_eq!(v.ntp, synced.ntp);
        assert_eq!(v.crowd, synced.crowd);
        assert_eq!(b.label(), "local-timestamp, NTP on");
        let off = Other {
            ntp: Some(false),
            ..b.clone()
        };
        assert!(!variant(&synced, &off).unwrap().ntp.enabled);
        let other = Other {
            preset: Some("major_drift"),
            ntp: None,
            ..b.clone()
        };
        let v = variant(&a, &other).unwrap();
        let mut major = presets::preset("major_drift").unwrap();
        major.seed = 9;
        assert_eq!(v, major);
        assert_eq!(other.label(), "local-timestamp, major_drift");
    }

    /// One timeline for both panes: at any instant of run a, run b is shown as playing
    /// it to the same true time leaves it (its own run to that instant, independently);
    /// backwards too; and at a's end, both are finished and compare as whole runs.
    #[test]
    fn both_panes_follow_one_timeline() {
        let mut c = presets::preset("extreme_drift").unwrap();
        c.crowd.customers = 300;
        c.policy = Policy::LocalTimestamp;
        let other = Other {
            policy: Policy::CommitWait,
            eps_ms: 31_000.0,
            ntp: None,
            preset: None,
        };
        let mut b = run_b(&c, &other).unwrap();
        let mut a = Timeline::new(c.clone(), &[]).unwrap();
        let opening = c.sale.opening();
        let sec = driftlab_sim::time::SEC;
        for t in [opening + 90 * sec, opening + 20 * sec, opening + 150 * sec] {
            a.seek(Pos::At(t));
            let shown = at_instant(a.sim(), &mut b, "a", "b");
            assert_eq!((shown.a_now, shown.b_now), (t, t));
            assert!(!shown.a_done && !shown.b_done);
            // Independently: run b played from its start to t.
            let mut played = Sim::new(variant(&c, &other).unwrap()).unwrap();
            played.run_until(t);
            assert_eq!(b.sim().trace_hash(), played.trace_hash());
            let mut a_played = Sim::new(c.clone()).unwrap();
            a_played.run_until(t);
            assert_eq!(
                shown.comparison,
                compare(&a_played, &played, "a", "b"),
                "at {t}"
            );
        }
        // At 90 s, the holds taken back so far in a, none in b.
        a.seek(Pos::At(opening + 90 * sec));
        let shown = at_instant(a.sim(), &mut b, "a", "b");
        let revoked = shown.comparison.row("revoked").unwrap();
        assert!(revoked.a > 0.0 && revoked.b == 0.0, "{revoked:?}");
        // The end of a: both finished, the same as the whole runs compared.
        a.seek(Pos::At(a.end()));
        let shown = at_instant(a.sim(), &mut b, "a", "b");
        assert!(shown.a_done && shown.b_done);
        assert_eq!(shown.b_now, b.end());
        let whole = side_by_side(&c, &other).unwrap();
        assert_eq!(shown.comparison.rows, whole.rows);
        assert_eq!(shown.comparison.seats_changed, whole.seats_changed);
    }
}
