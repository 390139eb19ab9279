//! NTP packets as Driftlab models them, and the on-wire offset and delay.
//!
//! Only the fields the algorithms read are kept: leap indicator, stratum, poll, root
//! delay and dispersion, reference id and the three timestamps. No precision field, no
//! reference timestamp, no NTP-era timestamps (times are [`Time`]s,
//! nanoseconds).

use crate::time::Time;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// A key id, as `trustedkey` and `server … key N` name it (RFC 5905 §7.3's "key
/// identifier" field).
pub type KeyId = u16;

/// A message authentication code, the last two fields of a packet (RFC 5905 §7.3): the
/// key id and the digest. [`super::auth`] makes and checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Mac {
    /// Which key made it.
    pub key: KeyId,
    /// The keyed digest of the packet's fields.
    pub digest: u32,
}

/// The leap indicator (RFC 5905 §7.3), its four values. No leap second is simulated:
/// a leap second announced is only shown, and a server sends 3 while unsynchronised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Leap {
    /// 0: synchronised, no leap second pending.
    #[default]
    NoWarning,
    /// 1: the last minute of the day has 61 seconds.
    AddSecond,
    /// 2: the last minute of the day has 59 seconds.
    DelSecond,
    /// 3: the sender's clock is not synchronised: do not use its time.
    Unsynchronized,
}

impl Leap {
    /// The two bits on the wire, 0 to 3.
    pub fn bits(self) -> u8 {
        self as u8
    }
}

/// Kiss-o'-Death codes (RFC 5905 §7.4): a server's "stop that" instead of a time, sent
/// with stratum 0 and the code as reference id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kiss {
    /// `RATE`: you poll too often; the client must back off.
    Rate,
    /// `DENY`: access denied; the client must stop asking this server.
    Deny,
    /// `RSTR`: access denied by a restriction (ntpd's `restrict`); the client must stop
    /// asking this server.
    Rstr,
    /// `INIT`: the association has not synchronised yet. An unsynchronised server
    /// states it as its reference id; as a kiss it is no time, and no order either.
    Init,
}

impl Kiss {
    /// The four ASCII letters on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Kiss::Rate => "RATE",
            Kiss::Deny => "DENY",
            Kiss::Rstr => "RSTR",
            Kiss::Init => "INIT",
        }
    }
}

/// The reference id (RFC 5905 §7.3): what the sender is synchronised to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefId {
    /// A stratum-1 server's reference clock, four ASCII letters (`GPS`, `ATOM`...).
    Clock([u8; 4]),
    /// A stratum-2 or lower server's system peer (for IPv4, its address; here the
    /// server's index in `ntp.servers`).
    Source(usize),
    /// A kiss code (stratum 0), or `INIT` from a server not yet synchronised.
    Kiss(Kiss),
}

impl Default for RefId {
    /// `INIT`: nothing heard yet.
    fn default() -> Self {
        RefId::Kiss(Kiss::Init)
    }
}

impl RefId {
    /// A reference clock's id from a name: its first four letters, upper case.
    pub fn clock(name: &str) -> RefId {
        let mut code = [0u8; 4];
        for (c, b) in code
            .iter_mut()
            .zip(name.bytes().filter(u8::is_ascii_alphanumeric))
        {
            *c = b.to_ascii_uppercase();
        }
        RefId::Clock(code)
    }

    /// How `ntpq -p` shows it: `.GPS.` and `.RATE.` between dots, a source by the
    /// name `name` gives it.
    pub fn ntpq(&self, name: impl Fn(usize) -> String) -> String {
        match self {
            RefId::Clock(code) => {
                let letters: String = code
                    .iter()
                    .take_while(|&&b| b != 0)
                    .map(|&b| b as char)
                    .collect();
                format!(".{letters}.")
            }
            RefId::Source(id) => name(*id),
            RefId::Kiss(k) => format!(".{}.", k.code()),
        }
    }
}

/// A client's request (mode 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// `t1`: when the client sent it, by the client's clock.
    pub t1: Time,
    /// The client's poll exponent (log2 seconds), as the packet's poll field.
    pub poll: i8,
    /// Its MAC, when the client authenticates ([`super::auth`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<Mac>,
}

// A packet without a MAC hashes as it did before MACs existed (the trace hashes of
// unauthenticated runs do not move).
impl Hash for Request {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.t1.hash(state);
        self.poll.hash(state);
        if let Some(m) = self.mac {
            m.hash(state);
        }
    }
}

impl Hash for Reply {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.t1.hash(state);
        self.t2.hash(state);
        self.t3.hash(state);
        self.leap.hash(state);
        self.stratum.hash(state);
        self.poll.hash(state);
        self.root_delay_ns.hash(state);
        self.root_disp_ns.hash(state);
        self.refid.hash(state);
        if let Some(m) = self.mac {
            m.hash(state);
        }
    }
}

/// A server's reply (mode 4), or a Kiss-o'-Death.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// What the server is synchronised to, or a kiss code (with stratum 0).
    pub refid: RefId,
    /// Its MAC, when the server answers an authenticated request ([`super::auth`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<Mac>,
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
            refid: RefId::Kiss(kiss),
            mac: None,
        }
    }

    /// The Kiss-o'-Death code, if this is one (stratum 0 and a kiss code as reference
    /// id).
    pub fn kiss_code(&self) -> Option<Kiss> {
        match self.refid {
            RefId::Kiss(k) if self.stratum == 0 => Some(k),
            _ => None,
        }
    }

    /// The header's own error bound, root delay / 2 + root dispersion: a server whose
    /// bound reaches 16 s (MAXDISP) has nothing to offer (RFC 5905 A.5.1.1).
    pub fn header_distance_ns(&self) -> i64 {
        self.root_delay_ns / 2 + self.root_disp_ns
    }

    /// The offset and delay this reply gives, received at `t4` (client clock).
    pub fn on_wire(&self, t4: Time) -> OnWire {
        on_wire(self.t1, self.t2, self.t3, t4)
    }

    /// Whether the sender says it is synchronised: leap indicator not 3, stratum in
    /// 1..=15 (so not a kiss). A leap second announced (1 or 2) is still synchronised.
    pub fn synchronized(&self) -> bool {
        self.leap != Leap::Unsynchronized && (1..crate::ntp::MAXSTRAT).contains(&self.stratum)
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
            mac: None,
        };
        let k = Reply::kiss(&req, Kiss::Rate, Time(7), Time(8));
        assert_eq!(
            (k.t1, k.stratum, k.kiss_code()),
            (Time(5), 0, Some(Kiss::Rate))
        );
        assert!(!k.synchronized());
        let ok = Reply {
            stratum: 2,
            leap: Leap::NoWarning,
            refid: RefId::Source(0),
            ..k
        };
        assert!(ok.synchronized() && ok.kiss_code().is_none());
        assert!(!Reply { stratum: 16, ..ok }.synchronized());
        // Leap second warnings (1, 2) are still synchronised; 3 is not.
        assert!(Reply {
            leap: Leap::AddSecond,
            ..ok
        }
        .synchronized());
        assert!(Reply {
            leap: Leap::DelSecond,
            ..ok
        }
        .synchronized());
        assert!(!Reply {
            leap: Leap::Unsynchronized,
            ..ok
        }
        .synchronized());
        let bits: Vec<u8> = [
            Leap::NoWarning,
            Leap::AddSecond,
            Leap::DelSecond,
            Leap::Unsynchronized,
        ]
        .map(Leap::bits)
        .to_vec();
        assert_eq!(bits, [0, 1, 2, 3]);
        // An unsynchronised server's INIT at stratum 16 is not a kiss; at stratum 0 it is.
        let init = Reply {
            stratum: 16,
            refid: RefId::Kiss(Kiss::Init),
            ..ok
        };
        assert_eq!(init.kiss_code(), None);
        assert_eq!(Reply { stratum: 0, ..init }.kiss_code(), Some(Kiss::Init));
    }

    #[test]
    fn reference_ids_as_ntpq_shows_them() {
        let name = |i: usize| format!("ntp-{i}");
        assert_eq!(RefId::clock("gps").ntpq(name), ".GPS.");
        assert_eq!(RefId::clock("atomic").ntpq(name), ".ATOM.");
        assert_eq!(RefId::Source(3).ntpq(name), "ntp-3");
        let kisses = [Kiss::Rate, Kiss::Deny, Kiss::Rstr, Kiss::Init];
        let shown: Vec<String> = kisses.map(|k| RefId::Kiss(k).ntpq(name)).to_vec();
        assert_eq!(shown, [".RATE.", ".DENY.", ".RSTR.", ".INIT."]);
    }

    #[test]
    fn header_distance_is_half_the_root_delay_plus_the_root_dispersion() {
        let req = Request {
            t1: Time(0),
            poll: 6,
            mac: None,
        };
        let r = Reply {
            root_delay_ns: 30 * MS,
            root_disp_ns: 2 * MS,
            ..Reply::kiss(&req, Kiss::Rate, Time(0), Time(0))
        };
        assert_eq!(r.header_distance_ns(), 17 * MS);
    }
}
