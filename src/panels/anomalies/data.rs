//! The anomalies view's data: the list (filtered by kind and by server), the chosen
//! anomaly's sentence and its time-space diagram laid out for drawing. Plain data
//! computed from the run by the core (`explain`, `diagram`), tested natively.

use crate::i18n::{Lang, Txt};
use crate::palette::server_colour;
use driftlab_sim::diagram::{diagram, ArrowKind, Diagram, Mark};
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

/// The page's usual root font size, px: the drawing's px at that size.
pub const ROOT_PX: f64 = 16.0;

/// A length of the drawing (px at the usual root font size) in `rem`, so that it
/// grows with the page's root font (projector mode) as the rest of the page does.
pub fn rem(px: f64) -> f64 {
    px / ROOT_PX
}

/// Left margin (the true-time labels), px of the drawing.
pub const LEFT: f64 = 110.0;
/// Top margin (the lanes' names and clock errors).
pub const TOP: f64 = 56.0;
/// Distance from a server's lane to the next (room for its labels).
pub const LANE_GAP: f64 = 215.0;
/// Distance from a customer's lane to the next.
pub const CUSTOMER_GAP: f64 = 150.0;
/// Distance between rows.
pub const ROW_GAP: f64 = 38.0;

/// A lane, placed.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneAt {
    /// Its x.
    pub x: f64,
    /// Its name.
    pub name: String,
    /// Its clock's error, written (`clock −2.000 s`), empty for a customer.
    pub clock: String,
    /// Its colour (a server's), or the ink.
    pub colour: &'static str,
}

/// A point, placed.
#[derive(Clone, Debug, PartialEq)]
pub struct PointAt {
    /// Where.
    pub x: f64,
    /// Where.
    pub y: f64,
    /// What happened, in words.
    pub what: String,
    /// The clock reading written beside it (a server's), empty for a customer.
    pub stamp: String,
    /// The reading differs from true time (by a millisecond or more).
    pub off: bool,
    /// One of the timestamps that decided the anomaly.
    pub decisive: bool,
}

/// An arrow, placed.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowAt {
    /// From.
    pub x1: f64,
    /// From.
    pub y1: f64,
    /// To.
    pub x2: f64,
    /// To.
    pub y2: f64,
    /// A replication (dashed) rather than a request.
    pub replication: bool,
}

/// The diagram laid out: a drawing `width` × `height`, true time going down.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// The lanes.
    pub lanes: Vec<LaneAt>,
    /// Each row's y and its true time.
    pub rows: Vec<(f64, String)>,
    /// The points.
    pub points: Vec<PointAt>,
    /// The arrows.
    pub arrows: Vec<ArrowAt>,
}

fn mark_txt(m: Mark, confirmed: Option<bool>) -> Txt {
    match m {
        Mark::Sent => Txt::DgSent,
        Mark::Received => Txt::DgReceived,
        Mark::Ordered => Txt::DgOrdered,
        Mark::Decided if confirmed == Some(true) => Txt::DgConfirmed,
        Mark::Decided => Txt::DgRefused,
        Mark::HoldGranted => Txt::DgHold,
        Mark::FoundTaken => Txt::DgFoundTaken,
        Mark::Revoked => Txt::DgRevoked,
        Mark::ExpiryJudged => Txt::DgJudged,
        Mark::Released => Txt::DgReleased,
        Mark::Paid => Txt::DgPaid,
    }
}

/// Lays `d` out for drawing, in `lang`; `counter`: orders are Lamport counters.
pub fn layout(d: &Diagram, counter: bool, lang: Lang) -> Layout {
    // A customer's lane holds only a click: narrower than a server's.
    let mut xs = Vec::with_capacity(d.lanes.len());
    let mut x = LEFT + 50.0;
    for l in &d.lanes {
        xs.push(x);
        x += if l.customer.is_some() {
            CUSTOMER_GAP
        } else {
            LANE_GAP
        };
    }
    let lane_x = |i: usize| xs[i];
    let row_y = |r: usize| TOP + 24.0 + r as f64 * ROW_GAP;
    let lanes = d
        .lanes
        .iter()
        .enumerate()
        .map(|(i, l)| LaneAt {
            x: lane_x(i),
            name: match l.customer {
                Some(c) => format!("{} #{c}", lang.t(Txt::Customer)),
                None => l.name.clone(),
            },
            clock: l
                .clock_error_ns
                .map(|e| format!("{} {}", lang.t(Txt::DgClock), lang.offset(e)))
                .unwrap_or_default(),
            colour: l.server.map_or("#222", |s| server_colour(s as usize)),
        })
        .collect();
    let rows = d
        .rows
        .iter()
        .enumerate()
        .map(|(r, t)| (row_y(r), t.to_string()))
        .collect();
    // Points on one lane in one row are drawn as one: "stamped · hold · confirmed".
    let mut points: Vec<PointAt> = Vec::new();
    let mut at: Vec<(usize, usize)> = Vec::new();
    for p in &d.points {
        let customer = d.lanes[p.lane].customer.is_some();
        let mut what = lang.t(mark_txt(p.mark, p.confirmed)).to_string();
        if let Some(o) = p.order {
            let (major, minor) = (o.major, o.minor);
            what = if counter {
                format!("{what} ({major}, {minor})")
            } else {
                format!("{what} ({}, {minor})", Time(major))
            };
        }
        let stamp = if customer {
            String::new()
        } else {
            p.local.to_string()
        };
        let off = !customer && (p.local - p.t).abs() >= 1_000_000;
        if let Some(k) = at.iter().position(|&k| k == (p.lane, p.row)) {
            let q = &mut points[k];
            if !q.what.split(" · ").any(|w| w == what) {
                q.what = format!("{} · {what}", q.what);
            }
            if p.decisive && !q.decisive {
                q.stamp = stamp;
                q.off = off;
            }
            q.decisive |= p.decisive;
            continue;
        }
        at.push((p.lane, p.row));
        points.push(PointAt {
            x: lane_x(p.lane),
            y: row_y(p.row),
            what,
            stamp,
            off,
            decisive: p.decisive,
        });
    }
    let arrows = d
        .arrows
        .iter()
        .map(|a| {
            let (f, t) = (&d.points[a.from], &d.points[a.to]);
            ArrowAt {
                x1: lane_x(f.lane),
                y1: row_y(f.row),
                x2: lane_x(t.lane),
                y2: row_y(t.row),
                replication: a.kind == ArrowKind::Replication,
            }
        })
        .collect();
    Layout {
        width: xs.last().map_or(LEFT, |x| x + LANE_GAP + 40.0),
        height: row_y(d.rows.len()),
        lanes,
        rows,
        points,
        arrows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::time::SEC;
    use driftlab_sim::{presets, Policy};

    /// server-1 exact, server-2 2 s slow: Alice clicks seat A1 through server-1 at
    /// 10:00:10, Bob through server-2 at 10:00:11; Bob's stamp wins.
    fn two_clicks() -> Sim {
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

    #[test]
    fn the_wrong_winner_is_told_and_drawn() {
        let sim = two_clicks();
        let i = rows(&sim, Filter::default())
            .1
            .iter()
            .find(|r| r.kind == AnomalyKind::WrongWinner)
            .unwrap()
            .index;
        let d = detail(&sim, i, Lang::Fr).unwrap();
        assert!(
            d.text.starts_with("La place A1 est allée au client"),
            "{}",
            d.text
        );
        let l = layout(&d.diagram, d.counter, Lang::En);
        let names: Vec<&str> = l.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names[2..], ["server-1", "server-2"]);
        assert!(names[0].starts_with("customer #"));
        assert_eq!(l.lanes[3].clock, "clock −2.000\u{a0}s");
        assert_eq!(l.lanes[3].colour, server_colour(1));
        // Lanes from x = 160: customers' 150 px apart, servers' 215; rows 38 px apart
        // from y = 80.
        assert_eq!(
            l.lanes.iter().map(|l| l.x).collect::<Vec<_>>(),
            [160.0, 310.0, 460.0, 675.0]
        );
        assert_eq!(l.rows[0].0, 80.0);
        // Bob's stamp on server-2 is off (2 s slow) and decisive; a request arrow goes
        // from his lane (x 310) to server-2's (x 675), downwards.
        let bob_stamp = l
            .points
            .iter()
            .find(|p| p.x == 675.0 && p.what.starts_with("stamped"))
            .unwrap();
        // In the same instant server-2 stamps Bob's click, takes Alice's hold back
        // (Bob's stamp is earlier), holds the seat for Bob and confirms: one point.
        assert_eq!(bob_stamp.what, "stamped · taken back · hold · confirmed");
        assert!(bob_stamp.off && bob_stamp.decisive);
        assert!(l
            .arrows
            .iter()
            .any(|a| a.x1 == 310.0 && a.x2 == 675.0 && a.y2 > a.y1 && !a.replication));
        assert!(l
            .arrows
            .iter()
            .any(|a| a.replication && a.x1 == 675.0 && a.x2 == 460.0));
        assert!(detail(&sim, 99, Lang::En).is_none());
    }
}
