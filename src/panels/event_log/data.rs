//! What the event log shows, as plain data: the latest lines, the words for what a
//! line records, the badges of its anomalies.

use crate::i18n::{Lang, Txt};
use crate::panels::hall::data::refusal_text;
use driftlab_sim::log::{flags, LogKind, LogRecord};
use driftlab_sim::Sim;

/// Each flag's bit, symbol and name.
pub const FLAGS: [(u16, &str, Txt); 7] = [
    (flags::WRONG_WINNER, "!", Txt::FWrong),
    (flags::DOUBLE_BOOKING, "✖", Txt::FDouble),
    (flags::EARLY_SALE, "◷", Txt::FEarly),
    (flags::WRONGLY_REFUSED, "⊘", Txt::FWronglyRefused),
    (flags::PREMATURE_EXPIRY, "⧖", Txt::FPremature),
    (flags::LATE_EXPIRY, "⧖", Txt::FLate),
    (flags::INVERSION, "⇅", Txt::FInversion),
];

/// What a line records, in words.
pub fn kind_text(l: Lang, k: LogKind) -> String {
    match k {
        LogKind::Confirmed => l.t(Txt::LkConfirmed).into(),
        LogKind::Refused(r) => format!("{}: {}", l.t(Txt::LkRefused), l.t(refusal_text(r))),
        LogKind::Paid => l.t(Txt::LkPaid).into(),
        LogKind::PayRefused(r) => format!("{}: {}", l.t(Txt::LkPayRefused), l.t(refusal_text(r))),
        LogKind::Revoked => l.t(Txt::LkRevoked).into(),
        LogKind::Released => l.t(Txt::LkReleased).into(),
    }
}

/// The latest `n` log lines of `sim`, newest first, with their index in the log; only
/// those flagged as anomalies if `anomalies_only`.
pub fn log_rows(sim: &Sim, anomalies_only: bool, n: usize) -> Vec<(usize, LogRecord)> {
    sim.log()
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, r)| !anomalies_only || r.flags & flags::ANOMALY != 0)
        .take(n)
        .map(|(i, r)| (i, *r))
        .collect()
}

/// The badges of a line's flags: (bit, symbol, name).
pub fn badges(line_flags: u16) -> Vec<(u16, &'static str, Txt)> {
    FLAGS
        .iter()
        .copied()
        .filter(|(bit, _, _)| line_flags & bit != 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::log::Refusal;

    fn ended(preset: &str) -> Sim {
        let mut c = driftlab_sim::presets::preset(preset).unwrap();
        c.crowd.customers = 400;
        let mut sim = Sim::new(c).unwrap();
        sim.run();
        sim
    }

    #[test]
    fn rows_are_newest_first_and_filter_anomalies() {
        let sim = ended("extreme_drift");
        let n = sim.log().len();
        let rows = log_rows(&sim, false, 5);
        let idx: Vec<usize> = rows.iter().map(|r| r.0).collect();
        assert_eq!(idx, vec![n - 1, n - 2, n - 3, n - 4, n - 5]);
        let anomalies = log_rows(&sim, true, 50);
        assert!(!anomalies.is_empty());
        assert!(anomalies.iter().all(|(_, r)| r.flags & flags::ANOMALY != 0));
        let flagged = sim
            .log()
            .iter()
            .filter(|r| r.flags & flags::ANOMALY != 0)
            .count();
        assert_eq!(anomalies.len(), flagged.min(50));
    }

    #[test]
    fn words_and_badges() {
        assert_eq!(kind_text(Lang::En, LogKind::Confirmed), "confirmed");
        assert_eq!(
            kind_text(Lang::En, LogKind::Refused(Refusal::Taken)),
            format!("refused: {}", Lang::En.t(Txt::RTaken))
        );
        let b = badges(flags::WRONG_WINNER | flags::INVERSION);
        assert_eq!(b.iter().map(|b| b.1).collect::<Vec<_>>(), vec!["!", "⇅"]);
        assert!(badges(0).is_empty());
    }
}
