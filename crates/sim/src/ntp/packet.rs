//! NTP packets as Driftlab models them, and the on-wire offset and delay.
//!
//! Only the fields the algorithms read are kept: no reference ID, no precision field,
//! no authentication, no NTP-era timestamps (times are [`Time`]s, nanoseconds).

use crate::time::Time;
use serde::{Deserialize, Serialize};

/// Leap indicator, reduced to what Driftlab needs (no leap seconds are simulated).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Leap {
    /// Synchronised, no leap second pending.
    #[default]
    NoWarning,
    /// The sender's clock is not synchronised (leap = 3): do not use its time.
    Unsynchronized,
}

/// Kiss-o'-Death codes: a server's "stop that" instead of a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kiss {
    /// `RATE`: you poll too often; the client must back off.
    Rate,
    /// `DENY`: access denied; the client must stop asking this server.
    Deny,
}

/// A client's request (mode 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Request {
    /// `t1`: when the client sent it, by the client's clock.
    pub t1: Time,
    /// The client's poll exponent (log2 seconds), as the packet's poll field.
    pub poll: i8,
}

/// A server's reply (mode 4), or a Kiss-o'-Death.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reply {
    /// `t1` echoed back (the "origin" timestamp): lets the client match reply to request.
    pub t1: Time,
    /// `t2`: when the server received the request, by the server's clock.
    pub t2: Time,
    /// `t3`: when the server sent the reply, by the server's clock.
    pub t3: Time,
    /// Whether the server is synchronised.
    pub leap: Leap,
    /// The server's stratum: 1 reads a reference clock, 16 is unsynchronised (0 in a kiss).
    pub stratum: u8,
    /// The poll exponent the server saw in the request.
    pub poll: i8,
    /// Round-trip delay from the server to the primary reference, in nanoseconds.
    pub root_delay_ns: i64,
    /// The server's own error bound with respect to the primary reference, in nanoseconds.
    pub root_disp_ns: i64,
    /// A Kiss-o'-Death code instead of a time, if any.
    pub kiss: Option<Kiss>,
}

/// Offset and delay of one exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OnWire {
    /// `θ`: what to add to the client's clock to agree with the server's, in nanoseconds.
    pub offset_ns: i64,
    /// `δ`: the round trip, minus the server's processing time, in nanoseconds.
    pub delay_ns: i64,
}

/// The on-wire calculation (RFC 5905 §8).
///
/// `θ = ((t2 − t1) + (t3 − t4)) / 2` and `δ = (t4 − t1) − (t3 − t2)`; `t1`, `t4` are
/// client-clock readings and `t2`, `t3` server-clock readings, so each difference mixes
/// the two clocks and the clock offset cancels out of `δ` but not out of `θ`. The
/// halving truncates toward zero (half a nanosecond at most).
///
/// # Examples
/// ```
/// use driftlab_sim::ntp::on_wire;
/// use driftlab_sim::{time::{MS, SEC}, Time};
/// // The client is 2 s behind; 10 ms each way; the server takes 1 ms to answer.
/// let t1 = Time(100 * SEC);
/// let w = on_wire(t1, t1 + 2 * SEC + 10 * MS, t1 + 2 * SEC + 11 * MS, t1 + 21 * MS);
/// assert_eq!((w.offset_ns, w.delay_ns), (2 * SEC, 20 * MS));
/// ```
pub fn on_wire(t1: Time, t2: Time, t3: Time, t4: Time) -> OnWire {
    OnWire {
        offset_ns: ((t2 - t1) + (t3 - t4)) / 2,
        delay_ns: (t4 - t1) - (t3 - t2),
    }
}

impl Reply {
    /// A Kiss-o'-Death answering `request` (stratum 0, unsynchronised, no usable time).
    pub fn kiss(request: &Request, kiss: Kiss, t2: Time, t3: Time) -> Reply {
        Reply {
            t1: request.t1,
            t2,
            t3,
            leap: Leap::Unsynchronized,
            stratum: 0,
            poll: request.poll,
            root_delay_ns: 0,
            root_disp_ns: 0,
            kiss: Some(kiss),
        }
    }

    /// The offset and delay this reply gives, received at `t4` (client clock).
    pub fn on_wire(&self, t4: Time) -> OnWire {
        on_wire(self.t1, self.t2, self.t3, t4)
    }

    /// Whether the sender says it is synchronised (leap bits and a stratum in 1..=15).
    pub fn synchronized(&self) -> bool {
        self.kiss.is_none()
            && self.leap == Leap::NoWarning
            && (1..crate::ntp::MAXSTRAT).contains(&self.stratum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS, SEC};

    /// True time: the client's clock reads 2 s behind the (perfect) server's.
    fn exchange(out_ms: i64, back_ms: i64, serve_ms: i64) -> OnWire {
        let true_send = 102 * SEC;
        let client = |t: i64| Time(t - 2 * SEC);
        let server = Time;
        let t2 = true_send + out_ms * MS;
        let t3 = t2 + serve_ms * MS;
        let t4 = t3 + back_ms * MS;
        on_wire(client(true_send), server(t2), server(t3), client(t4))
    }

    #[test]
    fn symmetric_path_gives_the_true_offset() {
        // t1 = 100.000, t2 = 102.010, t3 = 102.011, t4 = 100.021:
        // θ = (2.010 + 1.990) / 2 = 2.000 s, δ = 0.021 − 0.001 = 0.020 s.
        let w = exchange(10, 10, 1);
        assert_eq!(w.offset_ns, 2 * SEC);
        assert_eq!(w.delay_ns, 20 * MS);
    }

    #[test]
    fn asymmetry_biases_offset_by_half_the_difference() {
        // 30 ms out, 10 ms back: t2 = 102.030, t3 = 102.031, t4 = 100.041.
        // θ = (2.030 + 1.990) / 2 = 2.010 s: 10 ms = (30 − 10) / 2 too much.
        let w = exchange(30, 10, 1);
        assert_eq!(w.offset_ns, 2 * SEC + 10 * MS);
        assert_eq!(w.delay_ns, 40 * MS);
        // The truth (2 s) is still inside θ ± δ/2 = [1.990, 2.030], at its edge.
        assert!((w.offset_ns - w.delay_ns / 2..=w.offset_ns + w.delay_ns / 2).contains(&(2 * SEC)));
        // Reversed asymmetry: biased the other way by the same amount.
        assert_eq!(exchange(10, 30, 1).offset_ns, 2 * SEC - 10 * MS);
    }

    #[test]
    fn kiss_is_not_a_time() {
        let req = Request {
            t1: Time(5),
            poll: 6,
        };
        let k = Reply::kiss(&req, Kiss::Rate, Time(7), Time(8));
        assert_eq!((k.t1, k.stratum, k.kiss), (Time(5), 0, Some(Kiss::Rate)));
        assert!(!k.synchronized());
        let ok = Reply {
            kiss: None,
            stratum: 2,
            leap: Leap::NoWarning,
            ..k
        };
        assert!(ok.synchronized());
        assert!(!Reply { stratum: 16, ..ok }.synchronized());
    }
}
