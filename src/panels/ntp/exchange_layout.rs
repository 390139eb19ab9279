//! One NTP exchange's time-space diagram laid out for its words: two timelines (the
//! client's, the time server's), the four moments t1..t4 on them, the request and the
//! reply between.
//!
//! The drawing is in px of the usual page (16-px root): its smallest text is 14 px.
//! The points are named on the timelines' outer sides ("t1", a few px); the clock
//! readings and true instants they stand for are listed under the drawing (in the
//! page, as a table), so that the drawing stays narrow enough for a pane beside the
//! monitor at 1280 px. Each lane's title is two lines (its name, then its role), each
//! arrow's label two (what it is on one side of the arrow, how long it took on the
//! other), so that the timelines need only the room of the longest of these. The app
//! draws it at least at this size (the box scrolls under it, on a phone) and at most
//! [`MAX_ZOOM`] × the page's zoom, as the Why? diagram.
//!
//! Text widths are the Why? diagram's estimates (DejaVu Sans, the widest of the page's
//! usual fonts).

pub use crate::panels::anomalies::layout::MAX_ZOOM;
use crate::panels::anomalies::layout::{mono_width, sans_width};

/// Size of a lane's name (`.lane`, bold).
pub const NAME_PX: f64 = 16.0;
/// Size of a lane's role, under its name (`.role`).
pub const ROLE_PX: f64 = 14.0;
/// Size of a point's name, "t1" (`.t-name`, bold monospace).
pub const T_PX: f64 = 15.0;
/// Size of an arrow's words (`.msg-label`, italic).
pub const MSG_PX: f64 = 14.0;
/// Bold text is this much wider than the estimate (as the Why? diagram's names).
const BOLD: f64 = 1.15;
/// From a point to its name.
pub const LABEL_DX: f64 = 10.0;
/// From an arrow to its words (the baseline above it; the text's top under it).
pub const MSG_ABOVE: f64 = 7.0;
/// The baseline of an arrow's words under it.
pub const MSG_BELOW: f64 = 18.0;
/// Space kept around words (between an arrow's words and a timeline, two titles).
const PAD: f64 = 10.0;
/// The timelines never closer than this.
const MIN_GAP: f64 = 150.0;
/// Baselines of a lane's name and role; where the timelines start.
pub const NAME_Y: f64 = 18.0;
/// Baseline of a lane's role.
pub const ROLE_Y: f64 = 36.0;
/// Where the timelines start.
pub const LINE_TOP: f64 = 46.0;
/// y of t1: the request's words above its arrow clear the titles.
const FIRST: f64 = 72.0;
/// The two one-way trips share this much height, in proportion to their true durations.
const TRIPS: f64 = 150.0;
/// Each trip at least this high (an arrow that still slopes).
const MIN_TRIP: f64 = 18.0;
/// The time server's processing, t2 to t3.
const HOLD: f64 = 40.0;
/// From t4 to the drawing's bottom: the reply's words under its arrow.
const BOTTOM: f64 = 28.0;

/// The words the drawing shows, in the page's language.
#[derive(Clone, Debug, PartialEq)]
pub struct Words {
    /// The client's name and role ("server-1", "(client)").
    pub client: [String; 2],
    /// The time server's name and role ("ntp-a", "(time server)").
    pub server: [String; 2],
    /// The request's name and trip ("request", "way out 0.176 ms").
    pub request: [String; 2],
    /// The reply's name and trip.
    pub reply: [String; 2],
}

/// An arrow's words, placed: both along the arrow, rotated about its middle.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgAt {
    /// The arrow's middle.
    pub mid: (f64, f64),
    /// The arrow's slope, degrees (positive: down to the right), the text's rotation.
    pub angle: f64,
}

/// The diagram laid out: a drawing `width` × `height`, true time going down.
#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeLayout {
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// x of the client's timeline.
    pub x_client: f64,
    /// x of the time server's timeline.
    pub x_server: f64,
    /// y of t1..t4.
    pub y: [f64; 4],
    /// The request's arrow (client to server), its words' place.
    pub request: MsgAt,
    /// The reply's arrow (server to client).
    pub reply: MsgAt,
}

/// Half the width a lane's two-line title takes about its timeline.
fn half_title(t: &[String; 2]) -> f64 {
    (sans_width(&t[0], NAME_PX) * BOLD).max(sans_width(&t[1], ROLE_PX)) / 2.0
}

/// Width of an arrow's words (the longer of its two lines).
fn msg_width(m: &[String; 2]) -> f64 {
    sans_width(&m[0], MSG_PX).max(sans_width(&m[1], MSG_PX))
}

/// y of t1..t4: the trips share [`TRIPS`] in proportion to their true durations
/// (`out_ns`, `back_ns`; each at least [`MIN_TRIP`]), the server's hold [`HOLD`].
pub fn moments(out_ns: i64, back_ns: i64) -> [f64; 4] {
    let (out, back) = (out_ns.max(0) as f64, back_ns.max(0) as f64);
    let total = (out + back).max(1.0);
    let a = (TRIPS * out / total).clamp(MIN_TRIP, TRIPS - MIN_TRIP);
    let b = TRIPS - a;
    [FIRST, FIRST + a, FIRST + a + HOLD, FIRST + a + HOLD + b]
}

/// The diagram of an exchange whose trips took `out_ns` and `back_ns`, with `words`.
pub fn layout(words: &Words, out_ns: i64, back_ns: i64) -> ExchangeLayout {
    let t_name = LABEL_DX + mono_width("t1", T_PX) * BOLD + PAD / 2.0;
    let (client, server) = (half_title(&words.client), half_title(&words.server));
    let left = client.max(t_name);
    let right = server.max(t_name);
    let gap = (msg_width(&words.request).max(msg_width(&words.reply)) + 2.0 * PAD)
        .max(client + server + PAD)
        .max(MIN_GAP);
    let (x_client, x_server) = (left, left + gap);
    let y = moments(out_ns, back_ns);
    let msg = |x1: f64, y1: f64, x2: f64, y2: f64| {
        // Text reads left to right: the angle of the arrow drawn from left to right.
        let (dx, dy) = if x2 >= x1 {
            (x2 - x1, y2 - y1)
        } else {
            (x1 - x2, y1 - y2)
        };
        MsgAt {
            mid: ((x1 + x2) / 2.0, (y1 + y2) / 2.0),
            angle: dy.atan2(dx).to_degrees(),
        }
    };
    ExchangeLayout {
        width: x_server + right,
        height: y[3] + BOTTOM,
        x_client,
        x_server,
        request: msg(x_client, y[0], x_server, y[1]),
        reply: msg(x_server, y[2], x_client, y[3]),
        y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(lang_fr: bool) -> Words {
        let s = |a: &str, b: &str| [a.to_string(), b.to_string()];
        if lang_fr {
            Words {
                client: s("server-1", "(client)"),
                server: s("ntp-a", "(serveur de temps)"),
                request: s("requête", "aller 0,176\u{a0}ms"),
                reply: s("réponse", "retour 0,199\u{a0}ms"),
            }
        } else {
            Words {
                client: s("server-1", "(client)"),
                server: s("ntp-a", "(time server)"),
                request: s("request", "way out 0.176\u{a0}ms"),
                reply: s("reply", "way back 0.199\u{a0}ms"),
            }
        }
    }

    #[test]
    fn the_trips_share_150_px_by_their_durations() {
        // 176 µs out, 199 µs back: 150 × 176 / 375 = 70.4 px, then 79.6 px.
        let y = moments(176_000, 199_000);
        assert!((y[1] - y[0] - 70.4).abs() < 1e-9, "{y:?}");
        assert!((y[2] - y[1] - 40.0).abs() < 1e-9);
        assert!((y[3] - y[2] - 79.6).abs() < 1e-9);
        // 20 ms out, nothing back: the way back still slopes (18 px), the way out 132.
        let y = moments(20_000_000, 0);
        assert_eq!([y[1] - y[0], y[3] - y[2]], [132.0, 18.0]);
        // No time at all (or a negative one): both at their least, then the rest.
        let y = moments(-5, 0);
        assert_eq!([y[1] - y[0], y[3] - y[2]], [18.0, 132.0]);
    }

    #[test]
    fn narrow_enough_for_the_pane_beside_the_monitor_at_1280_px() {
        // The pane is 22 rem (352 px) with 12 px of padding each side: 328 px inside.
        for fr in [false, true] {
            let l = layout(&words(fr), 176_000, 199_000);
            assert!(l.width <= 328.0, "fr {fr}: {} px wide", l.width);
            assert!(l.width >= 200.0, "fr {fr}: {} px wide", l.width);
        }
    }

    #[test]
    fn the_words_fit_between_and_beside_the_timelines() {
        for fr in [false, true] {
            let w = words(fr);
            let l = layout(&w, 176_000, 199_000);
            let gap = l.x_server - l.x_client;
            // "(serveur de temps)", by hand from the advances (em): ( .39, s .53, e .64,
            // r .42, v .6, e .64, u .64, r .42, space .32, d .64, e .64, space .32, t .4,
            // e .64, m .98, p .64, s .53, ) .39 = 9.78 em, 136.9 px at 14 px, centred on
            // its timeline and inside the drawing.
            let role = sans_width(&w.server[1], ROLE_PX);
            if fr {
                assert!((role - 9.78 * 14.0).abs() < 1e-9, "{role}");
            }
            assert!(l.x_server + role / 2.0 <= l.width + 1e-9);
            assert!(l.x_client - sans_width(&w.client[0], NAME_PX) * 1.15 / 2.0 >= -1e-9);
            // The two titles do not meet between the timelines.
            assert!(half_title(&w.client) + half_title(&w.server) < gap);
            // Each arrow's words, laid along it, fit between the timelines with room.
            for m in [&w.request, &w.reply] {
                assert!(msg_width(m) + 20.0 <= gap + 1e-9, "{m:?} in {gap}");
            }
            // "t1" (15-px bold monospace, 2 × 0.602 × 15 × 1.15 = 20.8 px) left of
            // the client's timeline, 10 px from it.
            assert!(l.x_client >= 10.0 + 20.8);
            assert!(l.width - l.x_server >= 10.0 + 20.8);
        }
    }

    #[test]
    fn the_arrows_words_read_left_to_right_along_them() {
        // t1 at (x_c, 72) to t2 at (x_s, 142.4); the reply from (x_s, 182.4) down to
        // (x_c, 262): drawn left to right it goes up, so its words slope up.
        let l = layout(&words(false), 176_000, 199_000);
        let dx = l.x_server - l.x_client;
        assert!((l.request.angle - 70.4f64.atan2(dx).to_degrees()).abs() < 1e-9);
        assert!((l.reply.angle + 79.6f64.atan2(dx).to_degrees()).abs() < 1e-9);
        assert!(l.request.angle > 0.0 && l.reply.angle < 0.0);
        assert_eq!(
            l.request.mid,
            ((l.x_client + l.x_server) / 2.0, 72.0 + 35.2)
        );
        // The words between the arrows (the request's trip under it, the reply's
        // above it) do not meet: at the middle the arrows are 150 / 2 + 40 = 115 px
        // apart; the two lines of 14 px take 18 + 4 + 7 + 11 = 40 of them.
        let between = l.reply.mid.1 - l.request.mid.1;
        assert!((between - 115.0).abs() < 1e-9);
        assert!(between > MSG_BELOW + 4.0 + MSG_ABOVE + MSG_PX);
        // The drawing ends under the reply's words.
        assert_eq!(l.height, 262.0 + 28.0);
    }
}
