//! What the NTP area shows, as plain data: threshold levels, durations in words,
//! alert and event texts, and the faults the live switches inject. No DOM here.

use crate::i18n::{Lang, Txt};
use driftlab_sim::ntp::monitor::{SyncState, Thresholds};
use driftlab_sim::ntp::Alert;
use driftlab_sim::ntp_run::{Node, TimeEvent, TimeEventKind};
use driftlab_sim::time::MS;
use driftlab_sim::timesync::Fault;
use driftlab_sim::Time;

/// How a monitored figure stands against MODEL §3's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Fine.
    Ok,
    /// Look into it (jitter, delay, stratum).
    Amber,
    /// Act now (offset).
    Red,
}

impl Level {
    /// The CSS class of a cell at this level.
    pub fn class(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
}

fn th() -> Thresholds {
    Thresholds::default()
}

/// An NTP offset: red above 100 ms either way.
pub fn offset_level(ns: i64) -> Level {
    if ns.abs() > th().offset_ns {
        Level::Red
    } else {
        Level::Ok
    }
}

/// Jitter: amber above 50 ms.
pub fn jitter_level(ns: i64) -> Level {
    if ns > th().jitter_ns {
        Level::Amber
    } else {
        Level::Ok
    }
}

/// Delay: amber above 200 ms.
pub fn delay_level(ns: i64) -> Level {
    if ns > th().delay_ns {
        Level::Amber
    } else {
        Level::Ok
    }
}

/// Stratum: amber above 5, judged only while synchronised (16 means "none yet").
pub fn stratum_level(stratum: u8, synchronized: bool) -> Level {
    if synchronized && stratum > th().stratum {
        Level::Amber
    } else {
        Level::Ok
    }
}

/// A root distance: `≥ 16 s` once it reaches MAXDISP (an unsynchronised client knows
/// nothing, and its bound keeps growing), else as [`duration`].
pub fn root_distance(lang: Lang, ns: i64) -> String {
    if ns >= driftlab_sim::ntp::MAXDISP {
        "≥\u{a0}16\u{a0}s".to_string()
    } else {
        duration(lang, ns, false)
    }
}

/// Root distance: amber once it reaches 16 s (unsynchronised).
pub fn root_distance_level(ns: i64) -> Level {
    if ns >= driftlab_sim::ntp::MAXDISP {
        Level::Amber
    } else {
        Level::Ok
    }
}

/// A duration in the unit that reads best: `0.042 ms`, `12.3 ms`, `2.350 s`; with a
/// sign (`+`/`−`) if `signed`.
pub fn duration(lang: Lang, ns: i64, signed: bool) -> String {
    let a = ns.unsigned_abs() as f64;
    let body = if a < MS as f64 {
        format!("{}\u{a0}ms", lang.num(a / MS as f64, 3))
    } else if a < 1000.0 * MS as f64 {
        format!("{}\u{a0}ms", lang.num(a / MS as f64, 1))
    } else {
        format!("{}\u{a0}s", lang.num(a / 1e9, 3))
    };
    match (signed, ns < 0) {
        (true, true) => format!("−{body}"),
        (true, false) => format!("+{body}"),
        _ => body,
    }
}

/// A duration in ms with µs precision, signed: `+10.012 ms`, for the worked formulas.
pub fn precise(lang: Lang, ns: i64) -> String {
    let body = lang.num(ns.unsigned_abs() as f64 / MS as f64, 3);
    format!("{}{body}\u{a0}ms", if ns < 0 { "−" } else { "+" })
}

/// An instant to the microsecond: `10:00:07.214031`.
pub fn instant_us(t: Time) -> String {
    let day = 86_400 * driftlab_sim::time::SEC;
    let us = t.nanos().rem_euclid(day) / 1000;
    let (s, frac) = (us / 1_000_000, us % 1_000_000);
    format!("{:02}:{:02}:{:02}.{frac:06}", s / 3600, s / 60 % 60, s % 60)
}

/// The words for a sync state.
pub fn sync_txt(s: SyncState) -> Txt {
    match s {
        SyncState::Unsynchronized => Txt::SyUnsync,
        SyncState::MeasuringFrequency => Txt::SyMeasuring,
        SyncState::Synchronized => Txt::SySynced,
        SyncState::Spike => Txt::SySpike,
        SyncState::NoMajority => Txt::SyNoMajority,
        SyncState::Panic => Txt::SyPanic,
    }
}

/// The level a sync state deserves.
pub fn sync_level(s: SyncState) -> Level {
    match s {
        SyncState::Synchronized | SyncState::Spike => Level::Ok,
        SyncState::Unsynchronized | SyncState::MeasuringFrequency => Level::Amber,
        SyncState::NoMajority | SyncState::Panic => Level::Red,
    }
}

/// A time server's name by index (`#3` if unknown).
pub fn source_name(names: &[String], id: usize) -> String {
    names.get(id).cloned().unwrap_or_else(|| format!("#{id}"))
}

/// An alert in words, with its figure or time server when it has one.
pub fn alert_text(lang: Lang, a: &Alert, names: &[String]) -> String {
    let (key, detail) = match *a {
        Alert::OffsetHigh { offset_ns } => (Txt::AlOffset, Some(duration(lang, offset_ns, true))),
        Alert::JitterHigh { jitter_ns } => (Txt::AlJitter, Some(duration(lang, jitter_ns, false))),
        Alert::DelayHigh { delay_ns } => (Txt::AlDelay, Some(duration(lang, delay_ns, false))),
        Alert::StratumHigh { stratum } => (Txt::AlStratum, Some(stratum.to_string())),
        Alert::NotSynchronized => (Txt::AlNotSync, None),
        Alert::Falseticker { source } => (Txt::AlFalseticker, Some(source_name(names, source))),
        Alert::NoMajority => (Txt::AlNoMajority, None),
        Alert::SourceUnreachable { source } => {
            (Txt::AlUnreachable, Some(source_name(names, source)))
        }
        Alert::FallbackMobilised { source } => {
            (Txt::AlFallbackOn, Some(source_name(names, source)))
        }
        Alert::FallbackReleased { source } => {
            (Txt::AlFallbackOff, Some(source_name(names, source)))
        }
        Alert::RateLimited { source } => (Txt::AlRate, Some(source_name(names, source))),
        Alert::AccessDenied { source } => (Txt::AlDenied, Some(source_name(names, source))),
        Alert::BadAuth { source } => (Txt::AlBadAuth, Some(source_name(names, source))),
    };
    match detail {
        Some(d) => format!("{} ({d})", lang.t(key)),
        None => lang.t(key).to_string(),
    }
}

/// What a fault is called on its switch.
pub fn fault_txt(f: &Fault) -> Txt {
    match f {
        Fault::Falseticker { .. } => Txt::FlLiar,
        Fault::Asymmetry { .. } => Txt::FlAsym,
        Fault::SourceDown { .. } => Txt::FlDown,
        Fault::ClockBump { .. } => Txt::FlBump,
        Fault::Strobe { .. } => Txt::FlStrobe,
        Fault::NtpPartition { .. } => Txt::FlPartition,
        Fault::Switch { on: true, .. } => Txt::EvNtpOn,
        Fault::Switch { on: false, .. } => Txt::EvNtpOff,
        Fault::Spoofed { .. } => Txt::FlSpoof,
    }
}

/// How an event line looks: `raised`, `cleared` or `info`.
pub fn event_class(ev: &TimeEvent) -> &'static str {
    match ev.what {
        TimeEventKind::Raised(_) | TimeEventKind::Panic(_) => "raised",
        TimeEventKind::Cleared(_) => "cleared",
        _ => "info",
    }
}

/// The node's name: `server-2`, or the time server's.
pub fn node_name(node: Node, names: &[String]) -> String {
    match node {
        Node::Res(i) => crate::palette::server_name(i as usize),
        Node::Tsv(j) => source_name(names, j as usize),
    }
}

/// An event in words (without its time and node).
pub fn event_text(lang: Lang, ev: &TimeEvent, names: &[String]) -> String {
    match &ev.what {
        TimeEventKind::Raised(a) => {
            format!("{}: {}", lang.t(Txt::NtpRaised), alert_text(lang, a, names))
        }
        TimeEventKind::Cleared(a) => {
            format!(
                "{}: {}",
                lang.t(Txt::NtpCleared),
                alert_text(lang, a, names)
            )
        }
        TimeEventKind::Stepped(ns) => {
            format!("{} {}", lang.t(Txt::EvStepped), duration(lang, *ns, true))
        }
        TimeEventKind::Panic(_) => lang.t(Txt::EvPanic).to_string(),
        TimeEventKind::Fault(f) => format!("{} {}", lang.t(Txt::EvFault), lang.t(fault_txt(f))),
        TimeEventKind::Switched(true) => lang.t(Txt::EvNtpOn).to_string(),
        TimeEventKind::Switched(false) => lang.t(Txt::EvNtpOff).to_string(),
    }
}

/// The latest `n` of `events`, newest first, with their index.
pub fn latest_events(events: &[TimeEvent], n: usize) -> Vec<(usize, TimeEvent)> {
    events
        .iter()
        .enumerate()
        .rev()
        .take(n)
        .map(|(k, ev)| (k, ev.clone()))
        .collect()
}

/// `now` as the seconds a fault strikes at, floored to the millisecond: the core applies
/// a fault at once only if its time is not after now, and `now.as_secs_f64()` can round
/// up by a nanosecond.
pub fn strike_s(now: Time) -> f64 {
    now.nanos().div_euclid(MS) as f64 / 1000.0
}

/// The live fault switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// The chosen time server lies by +10 s.
    Liar,
    /// The chosen server's route: 20 ms out, 0 back.
    Asymmetry,
    /// The chosen time server is down for 10 minutes.
    Down,
    /// The chosen server's clock jumps +2 s.
    Bump,
    /// The chosen server's clock flips ±0.5 s every 30 s for 5 minutes.
    Strobe,
    /// The chosen server is cut from its time servers for 5 minutes.
    Partition,
}

impl FaultKind {
    /// Every switch, in the order the panel shows them.
    pub const ALL: [FaultKind; 6] = [
        FaultKind::Liar,
        FaultKind::Down,
        FaultKind::Asymmetry,
        FaultKind::Bump,
        FaultKind::Strobe,
        FaultKind::Partition,
    ];

    /// Its label and tooltip.
    pub fn texts(self) -> (Txt, Txt) {
        match self {
            FaultKind::Liar => (Txt::FlLiar, Txt::FlLiarTip),
            FaultKind::Asymmetry => (Txt::FlAsym, Txt::FlAsymTip),
            FaultKind::Down => (Txt::FlDown, Txt::FlDownTip),
            FaultKind::Bump => (Txt::FlBump, Txt::FlBumpTip),
            FaultKind::Strobe => (Txt::FlStrobe, Txt::FlStrobeTip),
            FaultKind::Partition => (Txt::FlPartition, Txt::FlPartitionTip),
        }
    }

    /// Its test id.
    pub fn id(self) -> &'static str {
        match self {
            FaultKind::Liar => "liar",
            FaultKind::Asymmetry => "asymmetry",
            FaultKind::Down => "down",
            FaultKind::Bump => "bump",
            FaultKind::Strobe => "strobe",
            FaultKind::Partition => "partition",
        }
    }

    /// Whether it acts on a time server (else on a reservation server).
    pub fn on_source(self) -> bool {
        matches!(self, FaultKind::Liar | FaultKind::Down)
    }

    /// The fault striking at `now_s` (seconds since midnight) on reservation server
    /// `server` (0-based) or time server `source`.
    pub fn fault(self, server: usize, source: usize, now_s: f64) -> Fault {
        let server = server as u32 + 1;
        match self {
            FaultKind::Liar => Fault::Falseticker {
                source,
                lie_ms: 10_000.0,
                at_s: now_s,
            },
            FaultKind::Asymmetry => Fault::Asymmetry {
                server,
                out_ms: 20.0,
                back_ms: 0.0,
                at_s: now_s,
            },
            FaultKind::Down => Fault::SourceDown {
                source,
                from_s: now_s,
                to_s: now_s + 600.0,
            },
            FaultKind::Bump => Fault::ClockBump {
                server,
                delta_ms: 2000.0,
                at_s: now_s,
            },
            FaultKind::Strobe => Fault::Strobe {
                server,
                amplitude_ms: 500.0,
                period_s: 30.0,
                from_s: now_s,
                to_s: now_s + 300.0,
            },
            FaultKind::Partition => Fault::NtpPartition {
                server,
                from_s: now_s,
                to_s: now_s + 300.0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::time::SEC;

    #[test]
    fn levels_follow_the_report_thresholds() {
        assert_eq!(offset_level(100 * MS), Level::Ok);
        assert_eq!(offset_level(-100 * MS - 1), Level::Red);
        assert_eq!(jitter_level(51 * MS), Level::Amber);
        assert_eq!(delay_level(200 * MS), Level::Ok);
        assert_eq!(delay_level(201 * MS), Level::Amber);
        assert_eq!(stratum_level(6, true), Level::Amber);
        assert_eq!(stratum_level(16, false), Level::Ok);
    }

    #[test]
    fn durations_pick_their_unit() {
        assert_eq!(duration(Lang::En, 42_000, false), "0.042\u{a0}ms");
        assert_eq!(duration(Lang::En, -12_340_000, true), "−12.3\u{a0}ms");
        assert_eq!(duration(Lang::Fr, 2_350_000_000, true), "+2,350\u{a0}s");
        assert_eq!(duration(Lang::En, 30 * SEC, false), "30.000\u{a0}s");
        assert_eq!(precise(Lang::En, -10_012_345), "−10.012\u{a0}ms");
        assert_eq!(
            root_distance(Lang::Fr, 16 * SEC + 15 * MS),
            "≥\u{a0}16\u{a0}s"
        );
        assert_eq!(root_distance(Lang::En, 1_500_000), "1.5\u{a0}ms");
        assert_eq!(root_distance_level(16 * SEC), Level::Amber);
        assert_eq!(
            instant_us(Time(36_007 * SEC + 214_031_900)),
            "10:00:07.214031"
        );
    }

    #[test]
    fn alerts_name_their_source() {
        let names = vec![
            "gps".to_string(),
            "atomic".into(),
            "ntp-a".into(),
            "ntp-b".into(),
        ];
        let a = Alert::Falseticker { source: 3 };
        assert_eq!(
            alert_text(Lang::En, &a, &names),
            "falseticker found (ntp-b)"
        );
        assert_eq!(
            alert_text(Lang::En, &Alert::Falseticker { source: 9 }, &names),
            "falseticker found (#9)"
        );
    }

    #[test]
    fn a_fault_struck_now_is_never_in_the_future() {
        for ns in [0, 1, 999_999, 35_940_000_000_001, 36_007_214_031_777] {
            let t = Time(ns);
            assert!(Time::from_secs_f64(strike_s(t)) <= t, "{ns}");
            assert!(t - Time::from_secs_f64(strike_s(t)) < MS, "{ns}");
        }
    }

    #[test]
    fn the_latest_events_come_first() {
        let ev = |k: i64| TimeEvent {
            t: Time(k * SEC),
            node: Node::Res(0),
            what: TimeEventKind::Stepped(k),
        };
        let all: Vec<TimeEvent> = (0..5).map(ev).collect();
        let latest = latest_events(&all, 3);
        assert_eq!(
            latest.iter().map(|(k, e)| (*k, e.t)).collect::<Vec<_>>(),
            vec![(4, Time(4 * SEC)), (3, Time(3 * SEC)), (2, Time(2 * SEC))]
        );
        assert_eq!(latest_events(&all[..1], 3).len(), 1);
    }

    #[test]
    fn faults_strike_now_on_the_chosen_target() {
        assert_eq!(
            FaultKind::Bump.fault(0, 3, 36_000.0),
            Fault::ClockBump {
                server: 1,
                delta_ms: 2000.0,
                at_s: 36_000.0
            }
        );
        assert_eq!(
            FaultKind::Liar.fault(2, 3, 10.0),
            Fault::Falseticker {
                source: 3,
                lie_ms: 10_000.0,
                at_s: 10.0
            }
        );
        assert!(FaultKind::Down.on_source() && !FaultKind::Partition.on_source());
    }
}
