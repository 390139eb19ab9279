//! What a server card says, as plain text: its offset and what it served.

use crate::i18n::{Lang, Txt};
use driftlab_sim::snapshot::ServerView;

/// The live offset from true time: `Δ +15.000 s`.
pub fn delta(lang: Lang, offset_ns: i64) -> String {
    format!("Δ {}", lang.offset(offset_ns))
}

/// The tooltip of the served count: what it counts, then confirmed and refused.
pub fn served_tip(lang: Lang, v: &ServerView) -> String {
    format!(
        "{} · {} {} · {} {}",
        lang.t(Txt::ServedTip),
        lang.int(v.confirmed),
        lang.t(Txt::ConfirmedShort),
        lang.int(v.refused),
        lang.t(Txt::RefusedShort)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_are_signed_seconds() {
        assert_eq!(delta(Lang::En, -30_000_000_000), "Δ −30.000\u{a0}s");
        assert_eq!(delta(Lang::Fr, 15_250_000_000), "Δ +15,250\u{a0}s");
        assert_eq!(delta(Lang::En, 0), "Δ +0.000\u{a0}s");
    }

    #[test]
    fn the_served_tip_counts_answers() {
        let mut cfg = driftlab_sim::presets::preset("reset").unwrap();
        cfg.crowd.customers = 50;
        let mut sim = driftlab_sim::Sim::new(cfg).unwrap();
        sim.run();
        let mut v = sim.snapshot().servers[0].clone();
        v.confirmed = 1204;
        v.refused = 3;
        assert_eq!(
            served_tip(Lang::En, &v),
            "Requests that reached this server, and what it answered. · 1,204 confirmed · 3 refused"
        );
    }
}
