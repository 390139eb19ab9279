//! Symmetric-key authentication as ntpd does it (`keys`, `trustedkey`, `server … key
//! N`; RFC 5905 §7.3, "MAC"): a message authentication code on every packet.
//!
//! Client and server share a secret under a key id (ntpd's `/etc/ntp.keys`, copied to
//! both by hand). The client's requests carry a MAC made with it; the server answers
//! with a MAC made with the same key over every field of its reply. A client that
//! authenticates a source drops every reply whose MAC is missing, names another key or
//! does not match the fields (`ntpq`'s `flash` bit 0x0020, "bad authentication"), before
//! the reach bit: an attacker on the path who rewrites the timestamps cannot recompute
//! the MAC without the secret, so a forged reply counts as no answer.
//!
//! The digest is 32-bit FNV-1a over the secret then the fields (a stand-in for ntpd's
//! MD5 or SHA-1: what matters here is that it cannot be computed without the secret,
//! and that it changes when any field does). Authentication proves who answered and
//! that nothing was changed; it does not hide anything, and the keys must be
//! distributed and rotated by hand. NTS (RFC 8915) does this with TLS: the keys are
//! negotiated per client, nothing is configured by hand, and cookies keep the server
//! stateless.

pub use super::packet::{KeyId, Mac};
use super::packet::{Kiss, Leap, RefId, Reply, Request};
use serde::{Deserialize, Serialize};

/// One line of a keys file: an id and its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    /// The key id (1 to 65535).
    pub id: KeyId,
    /// The shared secret.
    pub secret: String,
}

/// 32-bit FNV-1a over `secret` then each field's 8 little-endian bytes.
///
/// # Examples
/// ```
/// use driftlab_sim::ntp::auth::digest;
/// // FNV-1a's offset basis, and its published value for "a".
/// assert_eq!(digest("", &[]), 0x811c_9dc5);
/// assert_eq!(digest("a", &[]), 0xe40c_292c);
/// ```
pub fn digest(secret: &str, fields: &[i64]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let bytes = fields.iter().flat_map(|f| f.to_le_bytes());
    for b in secret.bytes().chain(bytes) {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn refid_code(r: RefId) -> i64 {
    match r {
        RefId::Clock(c) => i64::from(u32::from_be_bytes(c)),
        RefId::Source(i) => (1 << 40) + i as i64,
        RefId::Kiss(k) => (2 << 40) + k as i64,
    }
}

fn leap_code(l: Leap) -> i64 {
    l.bits() as i64
}

impl Key {
    /// This key's MAC over a request's fields.
    pub fn sign_request(&self, r: &Request) -> Mac {
        Mac {
            key: self.id,
            digest: digest(&self.secret, &[r.t1.0, r.poll as i64]),
        }
    }

    /// This key's MAC over a reply's fields (every one a client reads).
    pub fn sign_reply(&self, r: &Reply) -> Mac {
        let fields = [
            r.t1.0,
            r.t2.0,
            r.t3.0,
            leap_code(r.leap),
            r.stratum as i64,
            r.poll as i64,
            r.root_delay_ns,
            r.root_disp_ns,
            refid_code(r.refid),
        ];
        Mac {
            key: self.id,
            digest: digest(&self.secret, &fields),
        }
    }

    /// Whether `r` carries this key's MAC, matching its fields.
    pub fn verifies_reply(&self, r: &Reply) -> bool {
        r.mac == Some(self.sign_reply(r))
    }

    /// Whether `r` carries this key's MAC, matching its fields.
    pub fn verifies_request(&self, r: &Request) -> bool {
        r.mac == Some(self.sign_request(r))
    }
}

/// A kiss never carries time; whether a kiss needs a MAC is the client's choice (ntpd
/// believes an unauthenticated `RATE`, but not an unauthenticated `DENY` from an
/// authenticated source: anyone could send it).
pub fn kiss_needs_mac(k: Kiss) -> bool {
    matches!(k, Kiss::Deny | Kiss::Rstr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{Time, MS, SEC};

    fn reply() -> Reply {
        Reply {
            t1: Time(100 * SEC),
            t2: Time(100 * SEC + 5 * MS),
            t3: Time(100 * SEC + 6 * MS),
            leap: Leap::NoWarning,
            stratum: 2,
            poll: 6,
            root_delay_ns: MS,
            root_disp_ns: 2 * MS,
            refid: RefId::Source(0),
            mac: None,
        }
    }

    #[test]
    fn the_digest_is_fnv_1a() {
        // FNV-1a by hand over one byte 0x01: (0x811c9dc5 ^ 1) × 0x01000193 mod 2³²
        // = 0x811c9dc4 × 0x01000193 mod 2³² = 0x040c5b8c.
        assert_eq!(digest("\u{1}", &[]), 0x040c_5b8c);
        // A field is its 8 little-endian bytes: 1 is 0x01 then seven zeros.
        let mut h: u32 = 0x040c_5b8c;
        for _ in 0..7 {
            h = h.wrapping_mul(0x0100_0193);
        }
        assert_eq!(digest("", &[1]), h);
    }

    #[test]
    fn a_rewritten_reply_fails_verification() {
        let key = Key {
            id: 7,
            secret: "correct horse".into(),
        };
        let mut r = reply();
        r.mac = Some(key.sign_reply(&r));
        assert!(key.verifies_reply(&r));
        // An attacker adds 5 s to both server timestamps and keeps the MAC.
        let forged = Reply {
            t2: r.t2 + 5 * SEC,
            t3: r.t3 + 5 * SEC,
            ..r
        };
        assert!(!key.verifies_reply(&forged));
        // Or signs with a secret of its own under the same id.
        let guess = Key {
            id: 7,
            secret: "tr0ub4dor".into(),
        };
        let resigned = Reply {
            mac: Some(guess.sign_reply(&forged)),
            ..forged
        };
        assert!(!key.verifies_reply(&resigned));
        // Or strips it.
        assert!(!key.verifies_reply(&Reply {
            mac: None,
            ..forged
        }));
        // Another key id does not verify either.
        let other = Key {
            id: 8,
            ..key.clone()
        };
        assert!(!other.verifies_reply(&r));
        let req = Request {
            t1: Time(SEC),
            poll: 6,
            mac: Some(key.sign_request(&Request {
                t1: Time(SEC),
                poll: 6,
                mac: None,
            })),
        };
        assert!(key.verifies_request(&req) && !guess.verifies_request(&req));
    }
}
