//! The time-space diagram laid out for drawing in the room its box gives it.
//!
//! The drawing is in px of the usual page (16-px root): its small text is 14 px, the
//! lanes' names 17 px. Each lane is as far from the next as its own labels need (a
//! customer's "click" takes little room, a server's "stamped · taken back · hold ·
//! confirmed" much more); rows are close where nothing of theirs could touch (points on
//! other lanes) and a label's height apart where one lane has a point in both. Two
//! arrangements of a point's label are tried, stacked (what happened, the clock
//! reading under it: narrow and tall) and inline (side by side: wide and short); the
//! one the box shows largest wins, then the rows spread out to use the box's height.
//! The app draws it scaled to its box, never below its usual size (14-px text) and
//! never above [`MAX_ZOOM`] × the page's zoom.
//!
//! Text widths are estimated from DejaVu Sans's advance widths, the widest of the
//! page's usual fonts, so that a label fits its room in any of them.

use crate::i18n::{Lang, Txt};
use crate::palette::server_colour;
use driftlab_sim::diagram::{ArrowKind, Diagram, Mark};
use driftlab_sim::Time;

/// Left margin: the rows' true times (`10:00:06.063`, 14-px monospace, 101 px wide).
pub const LEFT: f64 = 110.0;
/// The drawing is never drawn larger than this × its usual size × the page's zoom.
pub const MAX_ZOOM: f64 = 1.5;
/// Size of a lane's name, px (`.dg-name`, bold).
pub const NAME_PX: f64 = 17.0;
/// Size of the line under a lane's name: its clock's error, or the customer's number
/// (`.dg-clock`, monospace).
pub const SUB_PX: f64 = 15.0;
/// Size of the labels and the rows' true times (`.dg-what`, `.dg-stamp`, `.dg-true`).
pub const TEXT_PX: f64 = 14.0;
/// Size of a decisive clock reading (`.dg-stamp.decisive`, bold).
pub const DECISIVE_PX: f64 = 15.0;
/// From a point to its label.
pub const LABEL_DX: f64 = 12.0;
/// Between what happened and the clock reading, inline.
const INLINE_SEP: f64 = 8.0;
/// Space kept between a lane's labels and the next lane.
const LANE_PAD: f64 = 14.0;
/// Space kept between two lanes' names.
const NAME_PAD: f64 = 16.0;
/// Two lanes never closer than this.
const MIN_GAP: f64 = 56.0;
/// Rows whose points are on different lanes: the true times' room, and arrows that
/// still slope.
const SHORT_ROW: f64 = 24.0;
/// The rows spread out to fill the box, up to this × their closest.
const MAX_SPREAD: f64 = 1.5;

/// Width of `s` in DejaVu Sans at `size` px: the sum of its characters' advances.
pub fn sans_width(s: &str, size: f64) -> f64 {
    s.chars().map(advance).sum::<f64>() * size
}

/// Width of `s` in a monospace font at `size` px (DejaVu Sans Mono: 0.602 em a
/// character, bold or not; the others are narrower).
pub fn mono_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * 0.602 * size
}

/// A character's advance in DejaVu Sans, in em (rounded up from its font tables).
fn advance(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | 'I' | 'J' | '\'' | '’' | '|' => 0.28,
        ' ' | '\u{a0}' | '\u{202f}' | '.' | ',' | ':' | ';' | '·' | '!' => 0.32,
        'f' | '/' | '(' | ')' | '[' | ']' | '-' => 0.39,
        't' => 0.4,
        'r' => 0.42,
        's' | 'z' => 0.53,
        'c' | 'ç' | 'k' => 0.58,
        'v' | 'x' | 'y' | '°' => 0.6,
        'w' => 0.82,
        'm' => 0.98,
        'M' | 'W' | '%' | '@' => 1.0,
        '#' | '+' | '=' | '−' | '<' | '>' | '≠' | '↓' | '→' | '⇢' | '●' => 0.84,
        'A'..='Z' => 0.78,
        // Lower-case letters, accented or not, and digits: up to 0.636.
        _ => 0.64,
    }
}

/// Where a point's label goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// What happened above the point's row, the clock reading under it.
    Stacked,
    /// What happened, then the clock reading, on the point's row.
    Inline,
}

impl Labels {
    /// Its name in the page (`data-labels` on the drawing).
    pub fn name(self) -> &'static str {
        match self {
            Labels::Stacked => "stacked",
            Labels::Inline => "inline",
        }
    }
    /// Where the first row is: under the lanes' names.
    fn first_row(self) -> f64 {
        match self {
            Labels::Stacked => 68.0,
            Labels::Inline => 62.0,
        }
    }
    /// From the last row to the bottom.
    fn bottom(self) -> f64 {
        match self {
            Labels::Stacked => 22.0,
            Labels::Inline => 16.0,
        }
    }
    /// Rows with points on one lane: the height of a label.
    fn tall_row(self) -> f64 {
        match self {
            Labels::Stacked => 34.0,
            Labels::Inline => SHORT_ROW,
        }
    }
}

/// The room the drawing may take: its box's size in px of the drawing at its usual
/// size (the box's CSS px over the page's zoom).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Room {
    /// Width.
    pub w: f64,
    /// Height; `None` when the page scrolls as a whole (a phone): the drawing its own
    /// height.
    pub h: Option<f64>,
}

impl Room {
    /// How large a drawing `w` × `h` shows in this room: its scale over its usual size,
    /// at most [`MAX_ZOOM`].
    pub fn fit(self, w: f64, h: f64) -> f64 {
        let by_h = self.h.map_or(f64::INFINITY, |room| room / h);
        (self.w / w).min(by_h).min(MAX_ZOOM)
    }
}

/// A lane, placed.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneAt {
    /// Its x.
    pub x: f64,
    /// Its name: the server (`server-2`), or `customer`.
    pub name: String,
    /// Under its name: its clock's error (`clock −2.000 s`), or the customer's number
    /// (`#488`).
    pub sub: String,
    /// Its colour (a server's), or the ink.
    pub colour: &'static str,
}

/// A point, placed, with its label.
#[derive(Clone, Debug, PartialEq)]
pub struct PointAt {
    /// Where.
    pub x: f64,
    /// Where.
    pub y: f64,
    /// What happened, in words.
    pub what: String,
    /// Where that is written (its baseline's start).
    pub what_at: (f64, f64),
    /// The clock reading written beside it (a server's), empty for a customer.
    pub stamp: String,
    /// Where the reading is written.
    pub stamp_at: (f64, f64),
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
    /// How the labels are placed.
    pub labels: Labels,
    /// How large the room shows it (see [`Room::fit`]): under 1, the drawing is
    /// larger than its box at its usual size, which scrolls.
    pub scale: f64,
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

/// A point before it is placed: its lane and row, and its words.
struct Label {
    lane: usize,
    row: usize,
    what: String,
    stamp: String,
    off: bool,
    decisive: bool,
}

impl Label {
    fn stamp_width(&self) -> f64 {
        let px = if self.decisive { DECISIVE_PX } else { TEXT_PX };
        mono_width(&self.stamp, px)
    }
    /// The room its label takes right of its lane.
    fn width(&self, labels: Labels) -> f64 {
        let what = sans_width(&self.what, TEXT_PX);
        if self.stamp.is_empty() {
            return LABEL_DX + what;
        }
        LABEL_DX
            + match labels {
                Labels::Stacked => what.max(self.stamp_width()),
                Labels::Inline => what + INLINE_SEP + self.stamp_width(),
            }
    }
}

/// The points, in words: points on one lane in one row are drawn as one ("stamped ·
/// hold · confirmed").
fn labels(d: &Diagram, counter: bool, lang: Lang) -> Vec<Label> {
    let mut out: Vec<Label> = Vec::new();
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
        if let Some(q) = out.iter_mut().find(|q| (q.lane, q.row) == (p.lane, p.row)) {
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
        out.push(Label {
            lane: p.lane,
            row: p.row,
            what,
            stamp,
            off,
            decisive: p.decisive,
        });
    }
    out
}

/// The lanes' names and what goes under them.
fn heads(d: &Diagram, lang: Lang) -> Vec<LaneAt> {
    d.lanes
        .iter()
        .map(|l| {
            let (name, sub) = match l.customer {
                Some(c) => {
                    let number = match lang {
                        Lang::En => format!("#{c}"),
                        Lang::Fr => format!("n°{c}"),
                    };
                    (lang.t(Txt::Customer).to_string(), number)
                }
                None => (
                    l.name.clone(),
                    l.clock_error_ns
                        .map(|e| format!("{} {}", lang.t(Txt::DgClock), lang.offset(e)))
                        .unwrap_or_default(),
                ),
            };
            LaneAt {
                x: 0.0,
                name,
                sub,
                colour: l.server.map_or("#222", |s| server_colour(s as usize)),
            }
        })
        .collect()
}

/// A lane's name's width: the wider of its two lines.
fn head_width(l: &LaneAt) -> f64 {
    (sans_width(&l.name, NAME_PX) * 1.15).max(mono_width(&l.sub, SUB_PX))
}

/// One arrangement: the lanes' x, the gaps between rows at their closest, the size.
struct Plan {
    labels: Labels,
    xs: Vec<f64>,
    gaps: Vec<f64>,
    width: f64,
    height: f64,
}

fn plan(heads: &[LaneAt], points: &[Label], rows: usize, labels: Labels) -> Plan {
    let room: Vec<f64> = (0..heads.len())
        .map(|i| {
            points
                .iter()
                .filter(|p| p.lane == i)
                .map(|p| p.width(labels))
                .fold(0.0, f64::max)
        })
        .collect();
    let half: Vec<f64> = heads.iter().map(|h| head_width(h) / 2.0).collect();
    let mut xs = Vec::with_capacity(heads.len());
    let mut x = LEFT + half.first().map_or(0.0, |h| h + 8.0).max(40.0);
    for i in 0..heads.len() {
        xs.push(x);
        if i + 1 < heads.len() {
            x += (room[i] + LANE_PAD)
                .max(half[i] + half[i + 1] + NAME_PAD)
                .max(MIN_GAP);
        }
    }
    let width = xs.last().map_or(LEFT, |&x| {
        let last = heads.len() - 1;
        x + (room[last] + 10.0).max(half[last] + 8.0)
    });
    // Two rows are a label's height apart where one lane has a point in both.
    let on = |r: usize| points.iter().filter(move |p| p.row == r).map(|p| p.lane);
    let gaps: Vec<f64> = (1..rows)
        .map(|r| {
            if on(r - 1).any(|l| on(r).any(|k| k == l)) {
                labels.tall_row()
            } else {
                SHORT_ROW
            }
        })
        .collect();
    let height = labels.first_row() + gaps.iter().sum::<f64>() + labels.bottom();
    Plan {
        labels,
        xs,
        gaps,
        width,
        height,
    }
}

/// Lays `d` out for drawing in `room`, in `lang`; `counter`: orders are Lamport
/// counters.
pub fn layout(d: &Diagram, counter: bool, lang: Lang, room: Room) -> Layout {
    let mut lanes = heads(d, lang);
    let points = labels(d, counter, lang);
    let rows = d.rows.len();
    let stacked = plan(&lanes, &points, rows, Labels::Stacked);
    let inline = plan(&lanes, &points, rows, Labels::Inline);
    let fit = |p: &Plan| room.fit(p.width, p.height);
    // Stacked reads better (the reading under what happened): inline only if it shows
    // the drawing larger.
    let p = if fit(&inline) > fit(&stacked) + 0.01 {
        inline
    } else {
        stacked
    };
    let scale = fit(&p);
    // The rows spread out over the box's height (arrows steeper, rows airier), up to
    // MAX_SPREAD × their closest.
    let fixed = p.labels.first_row() + p.labels.bottom();
    let closest: f64 = p.gaps.iter().sum();
    let spread = match room.h {
        Some(h) if closest > 0.0 => ((h / scale - fixed) / closest).clamp(1.0, MAX_SPREAD),
        _ => 1.0,
    };
    let mut ys = Vec::with_capacity(rows);
    let mut y = p.labels.first_row();
    for r in 0..rows {
        if r > 0 {
            y += p.gaps[r - 1] * spread;
        }
        ys.push(y);
    }
    for (l, &x) in lanes.iter_mut().zip(&p.xs) {
        l.x = x;
    }
    let placed = points
        .into_iter()
        .map(|l| {
            let (x, y) = (p.xs[l.lane], ys[l.row]);
            let what_w = sans_width(&l.what, TEXT_PX);
            let (what_at, stamp_at) = match p.labels {
                // A customer's click: above the row, clear of its request's arrow.
                _ if l.stamp.is_empty() => ((x + 10.0, y - 6.0), (x + 10.0, y - 6.0)),
                Labels::Stacked => ((x + LABEL_DX, y - 3.0), (x + LABEL_DX, y + 14.0)),
                Labels::Inline => (
                    (x + LABEL_DX, y + 5.0),
                    (x + LABEL_DX + what_w + INLINE_SEP, y + 5.0),
                ),
            };
            PointAt {
                x,
                y,
                what: l.what,
                what_at,
                stamp: l.stamp,
                stamp_at,
                off: l.off,
                decisive: l.decisive,
            }
        })
        .collect();
    let arrows = d
        .arrows
        .iter()
        .map(|a| {
            let (f, t) = (&d.points[a.from], &d.points[a.to]);
            ArrowAt {
                x1: p.xs[f.lane],
                y1: ys[f.row],
                x2: p.xs[t.lane],
                y2: ys[t.row],
                replication: a.kind == ArrowKind::Replication,
            }
        })
        .collect();
    let height = ys
        .last()
        .map_or(p.labels.first_row(), |y| y + p.labels.bottom());
    Layout {
        width: p.width,
        height,
        labels: p.labels,
        scale: room.fit(p.width, height),
        lanes,
        rows: d
            .rows
            .iter()
            .zip(&ys)
            .map(|(t, &y)| (y, t.to_string()))
            .collect(),
        points: placed,
        arrows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panels::anomalies::data::tests::{two_clicks, wrong_winner};

    /// A room as wide as needed and as tall as the drawing wants.
    const ANY: Room = Room {
        w: 10_000.0,
        h: None,
    };

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn text_widths_follow_dejavu() {
        // 12 characters of DejaVu Sans Mono (1233/2048 em each) at 14 px.
        assert!((mono_width("10:00:06.063", 14.0) - 101.1).abs() < 0.1);
        // c, l, i, c, k: 1126 + 569 + 569 + 1126 + 1186 units of 2048, at most.
        let click = sans_width("click", 14.0);
        assert!((31.4..=32.3).contains(&click), "{click}");
        // Capitals and wide letters take more than lower-case ones.
        assert!(sans_width("MW", 10.0) > sans_width("nn", 10.0));
    }

    #[test]
    fn the_wrong_winner_is_drawn_lane_by_lane() {
        let sim = two_clicks();
        let d = wrong_winner(&sim, Lang::En);
        let l = layout(&d.diagram, d.counter, Lang::En, ANY);
        let names: Vec<&str> = l.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["customer", "customer", "server-1", "server-2"]);
        assert!(l.lanes[0].sub.starts_with('#'));
        assert_eq!(l.lanes[3].sub, "clock −2.000\u{a0}s");
        assert_eq!(l.lanes[3].colour, server_colour(1));
        assert!(l.lanes.windows(2).all(|w| w[0].x < w[1].x));
        // Rows: Alice's click (customer 1), server-1 stamps it, Bob's click (customer
        // 2), server-2 stamps it, server-1 takes Alice's hold back. No lane has a point
        // in two rows in a row: each row 24 px under the last, from y = 68.
        let ys: Vec<f64> = l.rows.iter().map(|r| r.0).collect();
        assert_eq!(ys, [68.0, 92.0, 116.0, 140.0, 164.0]);
        assert_eq!(l.labels, Labels::Stacked);
        // Bob's stamp on server-2 is off (2 s slow) and decisive: in the same instant
        // server-2 stamps Bob's click, takes Alice's hold back (Bob's stamp is
        // earlier), holds the seat for Bob and confirms: one point, its reading under.
        let (s1, s2) = (l.lanes[2].x, l.lanes[3].x);
        let bob = l.points.iter().find(|p| p.x == s2).unwrap();
        assert_eq!(bob.what, "stamped · taken back · hold · confirmed");
        assert_eq!(bob.stamp, "10:00:09.035");
        assert!(bob.off && bob.decisive);
        assert_eq!(bob.y, 140.0);
        assert_eq!(bob.what_at, (s2 + 12.0, 137.0));
        assert_eq!(bob.stamp_at, (s2 + 12.0, 154.0));
        // A request from Bob's lane to server-2's, downwards; server-2's record goes
        // to server-1, dashed.
        let bob_lane = l.lanes[1].x;
        assert!(l
            .arrows
            .iter()
            .any(|a| a.x1 == bob_lane && a.x2 == s2 && a.y2 > a.y1 && !a.replication));
        assert!(l
            .arrows
            .iter()
            .any(|a| a.replication && a.x1 == s2 && a.x2 == s1 && a.y2 > a.y1));
        // In French, the customers' numbers as the sentence writes them.
        let fr = layout(&d.diagram, d.counter, Lang::Fr, ANY);
        assert_eq!(fr.lanes[0].name, "client");
        assert!(fr.lanes[0].sub.starts_with("n°"));
    }

    #[test]
    fn no_label_reaches_the_next_lane_and_no_name_its_neighbours() {
        let sim = two_clicks();
        let d = wrong_winner(&sim, Lang::Fr);
        for labels in [Labels::Stacked, Labels::Inline] {
            let room = match labels {
                Labels::Stacked => ANY,
                Labels::Inline => Room {
                    w: 10_000.0,
                    h: Some(120.0),
                },
            };
            let l = layout(&d.diagram, d.counter, Lang::Fr, room);
            assert_eq!(l.labels, labels);
            for p in &l.points {
                let end = (p.what_at.0 + sans_width(&p.what, TEXT_PX))
                    .max(p.stamp_at.0 + mono_width(&p.stamp, DECISIVE_PX));
                let next = l.lanes.iter().map(|l| l.x).find(|&x| x > p.x);
                assert!(
                    end < next.unwrap_or(l.width),
                    "{labels:?}: {} ends at {end}",
                    p.what
                );
            }
            for w in l.lanes.windows(2) {
                let half = |l: &LaneAt| head_width(l) / 2.0;
                assert!(w[1].x - w[0].x >= half(&w[0]) + half(&w[1]));
            }
        }
    }

    #[test]
    fn a_lane_with_points_in_two_rows_in_a_row_spaces_them_by_a_label() {
        // server-2's point in row 3 and server-1's in row 4: different lanes. Made
        // one lane, the two rows are a stacked label's height apart (34 px).
        let sim = two_clicks();
        let mut d = wrong_winner(&sim, Lang::En).diagram;
        for p in &mut d.points {
            if p.lane == 2 {
                p.lane = 3;
            }
        }
        let l = layout(&d, false, Lang::En, ANY);
        let ys: Vec<f64> = l.rows.iter().map(|r| r.0).collect();
        assert_eq!(ys, [68.0, 92.0, 116.0, 140.0, 174.0]);
    }

    #[test]
    fn the_room_chooses_the_labels_and_the_scale() {
        let sim = two_clicks();
        let d = wrong_winner(&sim, Lang::En).diagram;
        let stacked = layout(&d, false, Lang::En, ANY);
        // Stacked: the first row at 68, four gaps of 24, 22 under the last.
        assert!(close(stacked.height, 68.0 + 4.0 * 24.0 + 22.0));
        // Two and three times its size: drawn at the most, 1.5 ×, the rows spread out to the room's
        // height but not beyond half again their distance.
        let big = Room {
            w: stacked.width * 2.0,
            h: Some(stacked.height * 3.0),
        };
        let l = layout(&d, false, Lang::En, big);
        assert_eq!((l.labels, l.scale), (Labels::Stacked, MAX_ZOOM));
        let ys: Vec<f64> = l.rows.iter().map(|r| r.0).collect();
        assert_eq!(ys, [68.0, 104.0, 140.0, 176.0, 212.0]);
        // Its own size: drawn at its usual size.
        let own = Room {
            w: stacked.width,
            h: Some(stacked.height),
        };
        assert!(close(layout(&d, false, Lang::En, own).scale, 1.0));
        // A wide, low box: inline labels (what happened, then the reading) are wider
        // and lower, and shown larger there.
        let low = Room {
            w: stacked.width * 2.0,
            h: Some(stacked.height * 0.8),
        };
        let l = layout(&d, false, Lang::En, low);
        assert_eq!(l.labels, Labels::Inline);
        assert!(l.width > stacked.width && l.height < stacked.height);
        assert!(l.scale > 0.8 * 1.01, "{}", l.scale);
        let bob = l.points.iter().find(|p| p.decisive && p.off).unwrap();
        assert_eq!(bob.what_at.1, bob.stamp_at.1);
        let what = sans_width(&bob.what, TEXT_PX);
        assert!(close(bob.stamp_at.0, bob.what_at.0 + what + 8.0));
        // A narrow box: stacked, smaller than usual (its box scrolls).
        let narrow = Room {
            w: stacked.width / 2.0,
            h: Some(1000.0),
        };
        let l = layout(&d, false, Lang::En, narrow);
        assert_eq!(l.labels, Labels::Stacked);
        assert!(close(l.scale, 0.5));
    }
}
