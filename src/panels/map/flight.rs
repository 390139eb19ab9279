//! The messages in flight on the map, as plain data: when they are drawn as moving
//! dots (slow playback, or paused) and when as a count per arrow (fast playback, or
//! the reader asked for reduced motion), and where a dot sits between the rows of the
//! two nodes it joins. The messages themselves come from the core
//! ([`driftlab_sim::flight`]).

/// Dots are drawn while playing at this speed or slower (true seconds per real
/// second), and whenever the run is paused. At ×1 a request's 25 ms on the network
/// last a frame or two; at ×0.1 a quarter of a second; at ×0.01 2.5 s. Faster, a dot
/// would live less than a frame: each arrow shows how many messages are in flight
/// instead.
pub const DOTS_MAX_SPEED: f64 = 1.0;

/// How the map shows the messages in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A dot per message (at most [`driftlab_sim::flight::CAP`]), where it is now.
    Dots,
    /// The number in flight on each arrow, still.
    Counts,
}

/// The mode for a run `playing` at `speed`, for a reader who asked for reduced motion
/// or not.
pub fn mode(playing: bool, speed: f64, reduced_motion: bool) -> Mode {
    if reduced_motion || (playing && speed > DOTS_MAX_SPEED) {
        Mode::Counts
    } else {
        Mode::Dots
    }
}

/// A rectangle on the screen, in pixels from the map's top left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl Rect {
    fn cx(&self) -> f64 {
        (self.left + self.right) / 2.0
    }

    fn cy(&self) -> f64 {
        (self.top + self.bottom) / 2.0
    }
}

/// A point, in pixels.
pub type Point = (f64, f64);

/// How far inside a row's right edge a message between two rows of one box travels.
pub const INSIDE: f64 = 14.0;

/// Where a message from the row `a` to the row `b` leaves and arrives: from the side
/// of `a` that faces `b` to the side of `b` that faces `a` (left to right along the
/// request path, top to bottom between the path and the layers beside it); between
/// two rows of the same box (`same_box`: a server's record to its peers), down or up
/// just inside their right edge.
pub fn ends(a: Rect, b: Rect, same_box: bool) -> (Point, Point) {
    if same_box {
        ((a.right - INSIDE, a.cy()), (b.right - INSIDE, b.cy()))
    } else if a.right <= b.left {
        ((a.right, a.cy()), (b.left, b.cy()))
    } else if b.right <= a.left {
        ((a.left, a.cy()), (b.right, b.cy()))
    } else if a.bottom <= b.top {
        ((a.cx(), a.bottom), (b.cx(), b.top))
    } else if b.bottom <= a.top {
        ((a.cx(), a.top), (b.cx(), b.bottom))
    } else {
        // Overlapping boxes (a narrow screen): centre to centre.
        ((a.cx(), a.cy()), (b.cx(), b.cy()))
    }
}

/// Row `r` as the map shows it, in its scrolling area `view` (the path's or the
/// background layers' row of boxes): a row scrolled out of sight stands at the edge
/// it went past, so a message to or from it comes out of that edge instead of from
/// under the timeline.
pub fn in_view(r: Rect, view: Rect) -> Rect {
    let y = r.cy();
    if y > view.bottom {
        Rect {
            top: view.bottom,
            bottom: view.bottom,
            ..r
        }
    } else if y < view.top {
        Rect {
            top: view.top,
            bottom: view.top,
            ..r
        }
    } else {
        r
    }
}

/// The point `progress` (0..1) of the way from `from` to `to`.
pub fn along((from, to): (Point, Point), progress: f64) -> Point {
    let p = progress.clamp(0.0, 1.0);
    (from.0 + (to.0 - from.0) * p, from.1 + (to.1 - from.1) * p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(left: f64, top: f64, right: f64, bottom: f64) -> Rect {
        Rect {
            left,
            top,
            right,
            bottom,
        }
    }

    #[test]
    fn dots_when_slow_or_paused_counts_when_fast_or_asked_for_stillness() {
        assert_eq!(mode(true, 0.01, false), Mode::Dots);
        assert_eq!(mode(true, 1.0, false), Mode::Dots);
        assert_eq!(mode(true, 2.0, false), Mode::Counts);
        assert_eq!(mode(true, 1000.0, false), Mode::Counts);
        // Paused: the dots stand where the messages are at that instant.
        assert_eq!(mode(false, 1000.0, false), Mode::Dots);
        // Reduced motion: never a dot.
        assert_eq!(mode(false, 0.01, true), Mode::Counts);
        assert_eq!(mode(true, 0.01, true), Mode::Counts);
    }

    #[test]
    fn a_message_goes_from_the_side_facing_its_receiver() {
        // The crowd's row (0..100 × 40..60) and server-2's row (200..400 × 80..100).
        let crowd = rect(0.0, 40.0, 100.0, 60.0);
        let server = rect(200.0, 80.0, 400.0, 100.0);
        let e = ends(crowd, server, false);
        assert_eq!(e, ((100.0, 50.0), (200.0, 90.0)));
        // The answer goes back the other way.
        assert_eq!(ends(server, crowd, false), ((200.0, 90.0), (100.0, 50.0)));
        // Three quarters of the way: 100 + 0.75 × 100, 50 + 0.75 × 40.
        assert_eq!(along(e, 0.75), (175.0, 80.0));
        assert_eq!(along(e, 0.0), (100.0, 50.0));
        assert_eq!(along(e, 2.0), (200.0, 90.0));
        // A time server under the path: from its top up to the row's bottom.
        let ts = rect(150.0, 300.0, 250.0, 320.0);
        assert_eq!(ends(ts, server, false), ((200.0, 300.0), (300.0, 100.0)));
        assert_eq!(ends(server, ts, false), ((300.0, 100.0), (200.0, 300.0)));
        // server-1 to server-3 in one box: just inside their right edge.
        let s1 = rect(200.0, 40.0, 400.0, 60.0);
        assert_eq!(ends(s1, server, true), ((386.0, 50.0), (386.0, 90.0)));
        // A time server's row scrolled out of the box under the path (300..400):
        // it stands at the box's bottom edge; a row in sight is where it is.
        let view = rect(0.0, 300.0, 1000.0, 400.0);
        let hidden = rect(0.0, 450.0, 250.0, 470.0);
        assert_eq!(in_view(hidden, view), rect(0.0, 400.0, 250.0, 400.0));
        assert_eq!(in_view(ts, view), ts);
        assert_eq!(in_view(s1, view), rect(200.0, 300.0, 400.0, 300.0));
        // Two boxes on top of each other: centre to centre.
        let over = rect(150.0, 0.0, 250.0, 100.0);
        assert_eq!(ends(over, s1, false), ((200.0, 50.0), (300.0, 50.0)));
    }
}
