//! The timeline's track as plain data: the run's span and its marks (the opening,
//! clock steps, faults, clock edits, NTP switches, anomalies) gathered into bins, one
//! tick per kind and bin, so a run with thousands of anomalies draws a few hundred
//! ticks.

use crate::i18n::{Lang, Txt};
use driftlab_sim::timeline::{Mark, Timeline};
use driftlab_sim::truth::AnomalyKind;
use driftlab_sim::Time;

/// How many bins the track is cut into.
pub const BINS: usize = 300;

/// What a tick marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TickKind {
    /// The sale's opening.
    Opening,
    /// A teacher's clock edit, or NTP switched on or off.
    Edit,
    /// A fault took effect.
    Fault,
    /// NTP stepped a clock.
    Step,
    /// A seat went to the wrong customer.
    WrongWinner,
    /// A seat was confirmed twice.
    DoubleBooking,
    /// Another anomaly (early sale, wrong refusal, expiry, order inversion).
    Anomaly,
}

impl TickKind {
    /// Its CSS class.
    pub fn class(self) -> &'static str {
        match self {
            TickKind::Opening => "opening",
            TickKind::Edit => "edit",
            TickKind::Fault => "fault",
            TickKind::Step => "step",
            TickKind::WrongWinner => "wrong",
            TickKind::DoubleBooking => "double",
            TickKind::Anomaly => "anomaly",
        }
    }

    /// Its name, for the tick's tooltip and the legend.
    pub fn label(self) -> Txt {
        match self {
            TickKind::Opening => Txt::TlOpening,
            TickKind::Edit => Txt::TlEdit,
            TickKind::Fault => Txt::TlFault,
            TickKind::Step => Txt::TlStep,
            TickKind::WrongWinner => Txt::StWrong,
            TickKind::DoubleBooking => Txt::StDouble,
            TickKind::Anomaly => Txt::TlAnomaly,
        }
    }
}

/// A tick: the first mark of its kind in a bin, and how many the bin holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Position on the track, 0 (start) to 1 (end).
    pub x: f64,
    /// The first mark's instant.
    pub t: Time,
    /// What.
    pub kind: TickKind,
    /// How many marks of this kind the bin holds.
    pub count: u32,
    /// What the first one was, when there is more to say (a fault's name).
    pub what: Option<Txt>,
}

/// The run's span and its ticks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Track {
    /// The run's first instant.
    pub start: Time,
    /// Its last.
    pub end: Time,
    /// Ticks, by bin then kind.
    pub ticks: Vec<Tick>,
}

impl Track {
    /// Where instant `t` sits on the track, 0 to 1.
    pub fn x(&self, t: Time) -> f64 {
        let span = (self.end.0 - self.start.0).max(1) as f64;
        ((t.0 - self.start.0) as f64 / span).clamp(0.0, 1.0)
    }

    /// The instant at position `x` (0 to 1) on the track.
    pub fn at(&self, x: f64) -> Time {
        let span = (self.end.0 - self.start.0) as f64;
        Time(self.start.0 + (x.clamp(0.0, 1.0) * span).round() as i64)
    }

    /// The first tick after `t` (`forward`) or the last before it: where a jump from
    /// mark to mark lands.
    pub fn next_tick(&self, t: Time, forward: bool) -> Option<Time> {
        let mut ts: Vec<Time> = self.ticks.iter().map(|k| k.t).collect();
        driftlab_sim::order::sort(&mut ts);
        if forward {
            ts.into_iter().find(|&x| x > t)
        } else {
            ts.into_iter().rev().find(|&x| x < t)
        }
    }
}

fn kind(m: &Mark) -> (TickKind, Option<Txt>) {
    match m {
        Mark::Opening => (TickKind::Opening, None),
        Mark::Step { .. } => (TickKind::Step, None),
        Mark::Fault(f) => (
            TickKind::Fault,
            Some(crate::panels::ntp::data::fault_txt(f)),
        ),
        Mark::Ntp { .. } | Mark::Edit(_) => (TickKind::Edit, None),
        Mark::Instance { mode, .. } => (
            TickKind::Fault,
            Some(crate::panels::gateway::data::mode_text(*mode).0),
        ),
        Mark::Anomaly(AnomalyKind::WrongWinner) => (TickKind::WrongWinner, None),
        Mark::Anomaly(AnomalyKind::DoubleBooking) => (TickKind::DoubleBooking, None),
        Mark::Anomaly(_) => (TickKind::Anomaly, None),
    }
}

/// The track of a whole run.
pub fn track(tl: &Timeline) -> Track {
    let mut tr = Track {
        start: tl.start(),
        end: tl.end(),
        ticks: Vec::new(),
    };
    // (bin, kind) -> index in ticks.
    let mut seen = std::collections::HashMap::new();
    for m in tl.markers() {
        let (k, what) = kind(&m.mark);
        let x = tr.x(m.t);
        let bin = ((x * BINS as f64) as usize).min(BINS - 1);
        match seen.get(&(bin, k)) {
            Some(&i) => {
                let t: &mut Tick = &mut tr.ticks[i];
                t.count += 1;
            }
            None => {
                seen.insert((bin, k), tr.ticks.len());
                tr.ticks.push(Tick {
                    x,
                    t: m.t,
                    kind: k,
                    count: 1,
                    what,
                });
            }
        }
    }
    tr
}

/// A tick's tooltip: what, how many, from when.
pub fn tick_title(lang: Lang, tick: &Tick) -> String {
    let what = tick.what.map_or(lang.t(tick.kind.label()), |w| lang.t(w));
    if tick.count > 1 {
        format!(
            "{} × {} · {}",
            lang.int(u64::from(tick.count)),
            what,
            tick.t
        )
    } else {
        format!("{what} · {}", tick.t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::with_preset;
    use driftlab_sim::time::SEC;
    use driftlab_sim::Config;

    fn timeline(preset: &str) -> Timeline {
        let mut c = with_preset(&Config::default(), preset).unwrap();
        c.crowd.customers = 400;
        Timeline::new(c, &[]).unwrap()
    }

    #[test]
    fn positions_and_instants() {
        let tr = Track {
            start: Time(100 * SEC),
            end: Time(300 * SEC),
            ticks: Vec::new(),
        };
        assert_eq!(tr.x(Time(200 * SEC)), 0.5);
        assert_eq!(tr.x(Time(0)), 0.0, "before the start: the start");
        assert_eq!(tr.at(0.25), Time(150 * SEC));
        assert_eq!(tr.at(2.0), Time(300 * SEC));
    }

    #[test]
    fn ticks_count_every_mark_once() {
        let tl = timeline("extreme_drift");
        let tr = track(&tl);
        let total: u32 = tr.ticks.iter().map(|t| t.count).sum();
        assert_eq!(total as usize, tl.markers().len());
        assert!(tr.ticks.len() <= BINS * 7);
        // The opening (10:00:00) sits 60 s into the run.
        let opening = tr
            .ticks
            .iter()
            .find(|t| t.kind == TickKind::Opening)
            .unwrap();
        assert_eq!(opening.t, Time(36_000 * SEC));
        let expected = 60.0 / ((tl.end().0 - tl.start().0) as f64 / SEC as f64);
        assert!((opening.x - expected).abs() < 1e-12);
        // Wrong winners are all counted.
        let wrong: u32 = tr
            .ticks
            .iter()
            .filter(|t| t.kind == TickKind::WrongWinner)
            .map(|t| t.count)
            .sum();
        let mut s = driftlab_sim::Sim::new(tl.config().clone()).unwrap();
        s.run();
        assert_eq!(u64::from(wrong), s.metrics().wrong_winners);
        assert!(wrong > 0);
    }

    #[test]
    fn faults_say_what_they_were_and_jumps_go_mark_to_mark() {
        let tl = timeline("ntp_falseticker");
        let tr = track(&tl);
        let fault = tr.ticks.iter().find(|t| t.kind == TickKind::Fault).unwrap();
        assert!(fault.what.is_some());
        let opening = Time(36_000 * SEC);
        let before = tr.next_tick(opening, false);
        assert!(before.is_none_or(|t| t < opening));
        let after = tr.next_tick(opening, true).unwrap();
        assert!(after > opening);
        assert!(tick_title(Lang::En, fault).contains(" · "));
    }
}
