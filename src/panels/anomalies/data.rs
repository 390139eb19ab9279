//! The anomalies view's data: the list (filtered by kind and by server), the chosen
//! anomaly's sentence and its time-space diagram (laid out for drawing by
//! [`super::layout`]). Plain data computed from the run by the core (`explain`,
//! `diagram`), tested natively.

use crate::i18n::{Lang, Txt};
use driftlab_sim::diagram::{diagram, Diagram};
use driftlab_sim::explain::{explain, Lang as SimLang};
use driftlab_sim::hall::seat_label;
use driftlab_sim::obs::NOT_ROUTED;
use driftlab_sim::truth::AnomalyKind;
use driftlab_sim::{Sim, Time};

/// Rows the list shows at most (the first ones, in true-time order).
pub const LIST_MAX: usize = 200;

/// Every kind, in the order of the filter's menu.
pub const KINDS: [AnomalyKind; 7] = [
    AnomalyKind::WrongWinner,
    AnomalyKind::DoubleBooking,
    AnomalyKind::EarlySale,
    AnomalyKind::WronglyRefused,
    AnomalyKind::PrematureExpiry,
    AnomalyKind::LateExpiry,
    AnomalyKind::OrderInversion,
];

/// A kind's name.
pub fn kind_txt(k: AnomalyKind) -> Txt {
    match k {
        AnomalyKind::WrongWinner => Txt::AnWrongWinner,
        AnomalyKind::DoubleBooking => Txt::AnDoubleBooking,
        AnomalyKind::EarlySale => Txt::AnEarlySale,
        AnomalyKind::WronglyRefused => Txt::AnWronglyRefused,
        AnomalyKind::PrematureExpiry => Txt::AnPrematureExpiry,
        AnomalyKind::LateExpiry => Txt::AnLateExpiry,
        AnomalyKind::OrderInversion => Txt::AnOrderInversion,
    }
}

/// A kind's name in the link and the page (`wrong_winner`).
pub fn kind_slug(k: AnomalyKind) -> &'static str {
    match k {
        AnomalyKind::WrongWinner => "wrong_winner",
        AnomalyKind::DoubleBooking => "double_booking",
        AnomalyKind::EarlySale => "early_sale",
        AnomalyKind::WronglyRefused => "wrongly_refused",
        AnomalyKind::PrematureExpiry => "premature_expiry",
        AnomalyKind::LateExpiry => "late_expiry",
        AnomalyKind::OrderInversion => "order_inversion",
    }
}

/// The filter: a kind and a server (0-based), or any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this kind.
    pub kind: Option<AnomalyKind>,
    /// Only anomalies of requests decided by this server.
    pub server: Option<u8>,
}

/// One line of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its index in the run's anomalies.
    pub index: usize,
    /// What.
    pub kind: AnomalyKind,
    /// When it was found (true time).
    pub t: Time,
    /// The seat (`C7`).
    pub seat: String,
    /// The server of its request, if routed.
    pub server: Option<u8>,
}

/// The list: how many anomalies match the filter, and the first [`LIST_MAX`] of them.
pub fn rows(sim: &Sim, f: Filter) -> (usize, Vec<Row>) {
    let reqs = sim.requests();
    let cols = sim.config().hall.cols;
    let mut n = 0;
    let mut out = Vec::new();
    for (index, a) in sim.truth().anomalies.iter().enumerate() {
        let q = &reqs[a.req as usize];
        let server = (q.server != NOT_ROUTED).then_some(q.server);
        if f.kind.is_some_and(|k| k != a.kind) || f.server.is_some_and(|s| Some(s) != server) {
            continue;
        }
        n += 1;
        if out.len() < LIST_MAX {
            out.push(Row {
                index,
                kind: a.kind,
                t: a.t,
                seat: seat_label(q.seat, cols),
                server,
            });
        }
    }
    (n, out)
}

/// The chosen anomaly: its sentence and its diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    /// Its index in the run's anomalies.
    pub index: usize,
    /// What.
    pub kind: AnomalyKind,
    /// When it was found.
    pub t: Time,
    /// The sentence, in the language asked (empty if its proof is incomplete).
    pub text: String,
    /// The diagram.
    pub diagram: Diagram,
    /// The order is a counter (`lamport`), not an instant.
    pub counter: bool,
}

/// Anomaly `index` of the run, explained in `lang`; `None` if there is no such anomaly
/// (yet: the timeline is before it).
pub fn detail(sim: &Sim, index: usize, lang: Lang) -> Option<Detail> {
    let a = sim.truth().anomalies.get(index)?;
    let cols = sim.config().hall.cols;
    let l = match lang {
        Lang::En => SimLang::En,
        Lang::Fr => SimLang::Fr,
    };
    Some(Detail {
        index,
        kind: a.kind,
        t: a.t,
        text: explain(sim.truth(), cols, a, l)
            .map(|e| e.text)
            .unwrap_or_default(),
        diagram: diagram(sim.truth(), cols, a),
        counter: sim.config().policy == driftlab_sim::Policy::Lamport,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use driftlab_sim::time::SEC;
    use driftlab_sim::{presets, Policy};

    /// server-1 exact, server-2 2 s slow: Alice clicks seat A1 through server-1 at
    /// 10:00:10, Bob through server-2 at 10:00:11; Bob's stamp wins.
    pub(crate) fn two_clicks() -> Sim {
        let mut c = presets::preset("reset").unwrap();
        c.servers.truncate(2);
        c.servers[1].clock.offset_ms = -2000.0;
        c.crowd.customers = 0;
        c.crowd.pay_fraction = 0.0;
        c.policy = Policy::LocalTimestamp;
        let mut sim = Sim::new(c).unwrap();
        let at = |s: i64| Time::from_hms(10, 0, 0) + s * SEC;
        sim.script_click(at(10), 0, 0).unwrap();
        sim.script_click(at(11), 0, 1).unwrap();
        sim.run();
        sim
    }

    #[test]
    fn the_list_filters_by_kind_and_server() {
        let sim = two_clicks();
        let (n, all) = rows(&sim, Filter::default());
        assert_eq!(n, all.len());
        assert!(all.iter().any(|r| r.kind == AnomalyKind::WrongWinner));
        let ww = rows(
            &sim,
            Filter {
                kind: Some(AnomalyKind::WrongWinner),
                server: None,
            },
        )
        .1;
        assert_eq!(ww.len(), 1);
        assert_eq!((ww[0].seat.as_str(), ww[0].server), ("A1", Some(1)));
        let on_1 = rows(
            &sim,
            Filter {
                kind: Some(AnomalyKind::WrongWinner),
                server: Some(0),
            },
        );
        assert_eq!(on_1.0, 0, "Bob's request went through server-2");
    }

    /// The wrong winner of [`two_clicks`], explained in `lang`.
    pub(crate) fn wrong_winner(sim: &Sim, lang: Lang) -> Detail {
        let i = rows(sim, Filter::default())
            .1
            .iter()
            .find(|r| r.kind == AnomalyKind::WrongWinner)
            .unwrap()
            .index;
        detail(sim, i, lang).unwrap()
    }

    #[test]
    fn the_wrong_winner_is_told() {
        let sim = two_clicks();
        let d = wrong_winner(&sim, Lang::Fr);
        assert!(
            d.text.starts_with("La place A1 est allée au client"),
            "{}",
            d.text
        );
        assert_eq!(d.diagram.seat_label, "A1");
        assert!(detail(&sim, 99, Lang::En).is_none());
    }
}
