//! One association per source (RFC 5905 §9 and §13): when to poll it, whether it
//! answers, and what its answers say.
//!
//! * **Reach register**: 8 bits, shifted left at every poll, bit 0 set by any valid
//!   reply. A source silent for 8 polls in a row (register 0) is **unreachable**; the
//!   client then falls back to the next configured source.
//! * **Poll interval** `2^hpoll` s: the system poll while the source answers, growing
//!   by one step per poll after [`UNREACH`] silent polls (why flood a dead server?).
//! * **iburst**: when the register is empty at a poll and the source has not been
//!   silent before (start, or just gone quiet), send [`BCOUNT`] packets [`BTIME`] apart
//!   so the filter fills in seconds instead of minutes.
//! * **Kiss-o'-Death**: `RATE` cancels any burst and doubles the interval from then on;
//!   `DENY` stops polling the source.
//! * After 3 silent polls a dummy (16 s of dispersion) enters the filter, so the
//!   source's root distance grows and it drops out of selection.

use super::filter::{popcorn, ClockFilter, FilterOutput, Sample};
use super::monitor::SourceState;
use super::packet::{Kiss, Leap, RefId, Reply, Request};
use super::{poll_interval, SourceId, MAXDISP, MAXSTRAT};
use crate::time::{Time, SEC};

/// Packets in an iburst.
pub const BCOUNT: u8 = 8;
/// Interval between burst packets: 2 s.
pub const BTIME: i64 = 2 * SEC;
/// Polls with an empty reach register before the interval starts growing.
pub const UNREACH: u32 = 12;
/// Silent polls after which a source counts as unreachable (the register's width).
pub const REACH_POLLS: u32 = 8;

/// What a reply did to the association.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// Not an answer to our outstanding request (duplicate, late, or forged): dropped.
    Bogus,
    /// A Kiss-o'-Death, already acted upon.
    Kiss(Kiss),
    /// The server answered but is not synchronised (leap 3, stratum 16, or an `INIT`
    /// kiss): dropped before the reach bit.
    Unsynchronized,
    /// The server's root delay / 2 + root dispersion reaches 16 s: dropped before the
    /// reach bit.
    BadDistance,
    /// A sample entered the filter, but the filter still trusts an older one.
    Stale,
    /// The filter's new pick jumps more than [`SGATE`](super::filter::SGATE) jitters from the previous pick,
    /// less than two poll intervals after the last sample used: a popcorn spike,
    /// ignored (ntpd's `PEVNT_POPCORN`). A pick that is still there at the next
    /// sample no longer jumps, and is used.
    Popcorn,
    /// The filter has a new conclusion ([`Peer::estimate`]).
    Fresh,
    /// The reply failed authentication: dropped before the reach bit.
    BadAuth,
}

/// A popcorn spike the suppressor held back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Spike {
    /// When (local time of the sample that made the pick jump).
    pub at: Time,
    /// The held-back pick's offset, ns.
    pub offset_ns: i64,
    /// How far it jumped from the previous pick, ns.
    pub jump_ns: i64,
    /// The gate it exceeded, SGATE × ψ, ns.
    pub gate_ns: i64,
}

/// The poll of one source: the request to send, and whether it just became unreachable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Poll {
    /// The request (t1 = now).
    pub request: Request,
    /// True at the poll that found it silent for the 8th time in a row.
    pub became_unreachable: bool,
}

/// The association with one source.
#[derive(Clone, Debug)]
pub struct Peer {
    pub(crate) id: SourceId,
    pub(crate) fallback: bool,
    pub(crate) mobilised: bool,
    minpoll: i8,
    maxpoll: i8,
    iburst: bool,
    reach: u8,
    misses: u32,
    unreach: u32,
    burst: u8,
    hpoll: i8,
    kod_poll: i8,
    outdate: Time,
    next: Time,
    xmt: Option<Time>,
    denied: bool,
    pub(crate) leap: Leap,
    pub(crate) stratum: u8,
    pub(crate) root_delay_ns: i64,
    pub(crate) root_disp_ns: i64,
    pub(crate) refid: RefId,
    filter: ClockFilter,
    estimate: Option<FilterOutput>,
    estimate_at: (Time, i64),
    /// When the last sample used was taken (ntpd's `peer->epoch`).
    used: Option<Time>,
    popcorns: u32,
    last_spike: Option<Spike>,
    auth_failures: u32,
    last_rx: Option<Time>,
    /// Whether the filter ranks by delay (the client's clock is past its startup
    /// clamp) or trusts the newest sample.
    pub(crate) sort: bool,
    pub(crate) tally: SourceState,
}

impl Peer {
    /// An association with source `id`, mobilised (polled from `now`) or not.
    pub fn new(id: SourceId, fallback: bool, poll: (i8, i8), iburst: bool, now: Time) -> Peer {
        let mut p = Peer {
            id,
            fallback,
            mobilised: false,
            minpoll: poll.0,
            maxpoll: poll.1,
            iburst,
            reach: 0,
            misses: 0,
            unreach: 0,
            burst: 0,
            hpoll: poll.0,
            kod_poll: poll.0,
            outdate: now,
            next: now,
            xmt: None,
            denied: false,
            leap: Leap::Unsynchronized,
            stratum: MAXSTRAT,
            root_delay_ns: 0,
            root_disp_ns: 0,
            refid: RefId::Kiss(Kiss::Init),
            filter: ClockFilter::new(),
            estimate: None,
            estimate_at: (now, 0),
            used: None,
            popcorns: 0,
            last_spike: None,
            auth_failures: 0,
            last_rx: None,
            sort: true,
            tally: SourceState::Idle,
        };
        p.clear(now);
        p
    }

    /// Resets the association (after a clock step, or on (de)mobilisation): first poll
    /// at `now`, everything learnt forgotten except a Kiss-o'-Death back-off or denial.
    pub fn clear(&mut self, now: Time) {
        (self.reach, self.misses, self.unreach, self.burst) = (0, 0, 0, 0);
        (self.hpoll, self.outdate, self.next, self.xmt) = (self.minpoll, now, now, None);
        (self.leap, self.stratum) = (Leap::Unsynchronized, MAXSTRAT);
        if !matches!(
            self.refid,
            RefId::Kiss(Kiss::Rate | Kiss::Deny | Kiss::Rstr)
        ) {
            self.refid = RefId::Kiss(Kiss::Init);
        }
        self.filter.clear();
        (self.estimate, self.used) = (None, None);
        self.tally = SourceState::Probing;
    }

    /// The source's id.
    pub fn id(&self) -> SourceId {
        self.id
    }
    /// The reach register (bit 0: the latest poll was answered).
    pub fn reach(&self) -> u8 {
        self.reach
    }
    /// Silent for 8 polls in a row, or denied access.
    pub fn unreachable(&self) -> bool {
        self.denied || self.misses >= REACH_POLLS
    }
    /// The source's reference id as last heard: what it is synchronised to, `INIT`
    /// before its first valid answer, or the last kiss code it sent.
    pub fn refid(&self) -> RefId {
        self.refid
    }
    /// Whether the server sent a `DENY` or `RSTR` kiss.
    pub fn denied(&self) -> bool {
        self.denied
    }
    /// The poll exponent in force (host poll, Kiss-o'-Death floor, config limits).
    pub fn poll_exp(&self) -> i8 {
        self.hpoll
            .max(self.kod_poll)
            .clamp(self.minpoll, self.maxpoll)
    }
    /// When this source is next due, if it is polled at all.
    pub fn next_poll(&self) -> Option<Time> {
        (self.mobilised && !self.denied).then_some(self.next)
    }
    /// The filter's latest conclusion, with the local time and ledger reading it was
    /// computed at.
    pub fn estimate(&self) -> Option<(FilterOutput, Time, i64)> {
        self.estimate
            .map(|e| (e, self.estimate_at.0, self.estimate_at.1))
    }
    /// When the last answer from this source arrived (local time), whatever it said:
    /// ntpq's "when".
    pub fn last_rx(&self) -> Option<Time> {
        self.last_rx
    }
    /// How many popcorn spikes the suppressor has ignored.
    pub fn popcorns(&self) -> u32 {
        self.popcorns
    }
    /// The clock filter.
    pub fn filter(&self) -> &ClockFilter {
        &self.filter
    }
    #[cfg(test)]
    pub(crate) fn filter_mut(&mut self) -> &mut ClockFilter {
        &mut self.filter
    }
    /// The latest popcorn spike held back.
    pub fn last_spike(&self) -> Option<Spike> {
        self.last_spike
    }
    /// How many replies failed authentication.
    pub fn auth_failures(&self) -> u32 {
        self.auth_failures
    }

    /// A reply to our outstanding request that failed authentication arrived at `t4`:
    /// it answers the request (which is no longer outstanding) but sets no reach bit
    /// and brings no sample. `Bogus` if it answers nothing we asked.
    pub fn bad_auth(&mut self, reply: &Reply, t4: Time) -> Received {
        if !self.mobilised || self.xmt != Some(reply.t1) {
            return Received::Bogus;
        }
        self.xmt = None;
        self.last_rx = Some(t4);
        self.auth_failures += 1;
        Received::BadAuth
    }

    /// The poll process (RFC 5905 A.5.7.1): called when [`Peer::next_poll`] is due,
    /// with the system poll exponent. Returns the request to send.
    pub fn poll(&mut self, now: Time, sys_poll: i8) -> Poll {
        let mut became_unreachable = false;
        if self.burst == 0 {
            let was_reachable = !self.unreachable();
            self.outdate = now;
            self.reach <<= 1;
            self.misses += 1;
            if self.reach & 0b111 == 0 {
                self.filter.push(None);
            }
            if self.reach == 0 {
                if self.iburst && self.unreach == 0 {
                    self.burst = BCOUNT - 1;
                } else if self.unreach >= UNREACH {
                    self.hpoll = (self.hpoll + 1).min(self.maxpoll);
                }
                self.unreach += 1;
            } else {
                (self.unreach, self.hpoll) = (0, sys_poll);
            }
            became_unreachable = was_reachable && self.unreachable();
        } else {
            self.burst -= 1;
        }
        self.xmt = Some(now);
        self.reschedule(now);
        Poll {
            request: Request {
                t1: now,
                poll: self.poll_exp(),
                mac: None,
            },
            became_unreachable,
        }
    }

    /// Follows a new system poll exponent at once (not during a burst).
    pub fn set_poll(&mut self, sys_poll: i8) {
        if self.reach != 0 && self.burst == 0 {
            self.hpoll = sys_poll;
            self.next = self.outdate + poll_interval(self.poll_exp());
        }
    }

    fn reschedule(&mut self, now: Time) {
        self.next = if self.burst > 0 {
            now + BTIME
        } else {
            self.outdate + poll_interval(self.poll_exp())
        };
    }

    /// The receive side: `reply` arrived at local time `t4`, the client's ledger reading
    /// `phase_now`.
    pub fn receive(&mut self, reply: &Reply, t4: Time, phase_now: i64) -> Received {
        if !self.mobilised || self.xmt != Some(reply.t1) {
            return Received::Bogus;
        }
        self.xmt = None;
        self.last_rx = Some(t4);
        if let Some(kiss) = reply.kiss_code() {
            match kiss {
                Kiss::Rate => {
                    self.burst = 0;
                    let floor = self.kod_poll.max(self.hpoll).max(self.minpoll);
                    self.kod_poll = (floor + 1).min(self.maxpoll);
                    self.reschedule(t4);
                }
                Kiss::Deny | Kiss::Rstr => self.denied = true,
                // Any other code is no time and no order: the packet is dropped.
                Kiss::Init => return Received::Unsynchronized,
            }
            // As ntpd's peer_clear(peer, "RATE"): the code shows as the reference id.
            self.refid = RefId::Kiss(kiss);
            return Received::Kiss(kiss);
        }
        // The header tests of RFC 5905 A.5.1.1, before the reach bit: a server that is
        // not synchronised (leap 3, stratum 16) or whose own error bound reaches 16 s
        // answers, but is not heard: 8 such answers make it unreachable, and a
        // fallback takes its place.
        if !reply.synchronized() {
            return Received::Unsynchronized;
        }
        if reply.header_distance_ns() >= MAXDISP {
            return Received::BadDistance;
        }
        (self.reach, self.misses) = (self.reach | 1, 0);
        (self.leap, self.stratum, self.refid) = (reply.leap, reply.stratum, reply.refid);
        (self.root_delay_ns, self.root_disp_ns) = (reply.root_delay_ns, reply.root_disp_ns);
        self.filter
            .push(Some(Sample::new(reply.on_wire(t4), t4, phase_now)));
        let Some(out) = self.filter.evaluate_with(t4, phase_now, self.sort) else {
            return Received::Stale;
        };
        // As in ntpd, the peer's offset, delay, dispersion and jitter follow every
        // evaluation; only using the pick (a clock update) is gated below.
        let previous = self.estimate.replace(out);
        let previous_at = std::mem::replace(&mut self.estimate_at, (t4, phase_now));
        // The popcorn spike suppressor, offsets compared with the corrections made
        // since the previous pick subtracted.
        if let (Some(prev), Some(used)) = (previous, self.used) {
            let jump = (out.offset_ns - (prev.offset_ns - (phase_now - previous_at.1))).abs();
            if popcorn(&out, jump, out.time - used, self.poll_exp()) {
                self.popcorns += 1;
                self.last_spike = Some(Spike {
                    at: t4,
                    offset_ns: out.offset_ns,
                    jump_ns: jump,
                    gate_ns: libm::round(super::filter::SGATE * out.jitter_ns as f64) as i64,
                });
                return Received::Popcorn;
            }
        }
        // Use a sample only once, and never one older than the last used.
        if self.used.is_some_and(|used| out.time <= used) {
            return Received::Stale;
        }
        self.used = Some(out.time);
        Received::Fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS;

    fn t(s: i64) -> Time {
        Time::from_hms(10, 0, 0) + s * SEC
    }

    fn peer(iburst: bool) -> Peer {
        let mut p = Peer::new(7, false, (6, 10), iburst, t(0));
        p.mobilised = true;
        p
    }

    /// An honest answer from a server 5 ms ahead, 1 ms each way.
    fn answer(req: &Request) -> Reply {
        let t2 = req.t1 + 6 * MS;
        Reply {
            t1: req.t1,
            t2,
            t3: t2,
            leap: Leap::NoWarning,
            stratum: 1,
            poll: req.poll,
            root_delay_ns: 0,
            root_disp_ns: 0,
            refid: RefId::clock("GPS"),
            mac: None,
        }
    }

    fn poll_times(p: &mut Peer, n: usize) -> Vec<i64> {
        (0..n)
            .map(|_| {
                let now = p.next_poll().unwrap();
                p.poll(now, 6);
                (now - t(0)) / SEC
            })
            .collect()
    }

    #[test]
    fn iburst_sends_eight_packets_two_seconds_apart() {
        assert_eq!(
            poll_times(&mut peer(true), 10),
            [0, 2, 4, 6, 8, 10, 12, 14, 64, 128]
        );
        assert_eq!(poll_times(&mut peer(false), 3), [0, 64, 128]);
    }

    #[test]
    fn unreachable_after_eight_silent_polls() {
        let mut p = peer(false);
        let r = p.poll(t(0), 6).request;
        assert_eq!(p.receive(&answer(&r), r.t1 + 2 * MS, 0), Received::Fresh);
        assert_eq!(p.reach(), 1);
        for k in 1..=8 {
            let due = p.next_poll().unwrap();
            let poll = p.poll(due, 6);
            assert_eq!(poll.became_unreachable, k == 8, "poll {k}");
            assert_eq!(p.reach(), if k < 8 { 1u8 << k } else { 0 });
        }
        assert!(p.unreachable());
        // Dummies entered at the 3rd silent poll and after: 6 of them, 1 sample left...
        assert_eq!(p.filter().stages().iter().flatten().count(), 1);
        // ...and a reply makes it reachable again.
        let due = p.next_poll().unwrap();
        let r = p.poll(due, 6).request;
        p.receive(&answer(&r), due + 2 * MS, 0);
        assert!(!p.unreachable());
    }

    #[test]
    fn silence_backs_the_interval_off_after_unreach_polls() {
        let mut p = peer(false);
        let gaps: Vec<i64> = poll_times(&mut p, 16)
            .windows(2)
            .map(|w| w[1] - w[0])
            .collect();
        // 12 polls at 64 s, then each silent poll doubles the interval up to maxpoll.
        assert_eq!(&gaps[10..], [64, 64, 128, 256, 512]);
    }

    #[test]
    fn replies_must_match_the_outstanding_request() {
        let mut p = peer(false);
        let r = p.poll(t(0), 6).request;
        let mut forged = answer(&r);
        forged.t1 = r.t1 + 1;
        assert_eq!(p.receive(&forged, t(1), 0), Received::Bogus);
        assert_eq!(p.receive(&answer(&r), t(1), 0), Received::Fresh);
        assert_eq!(
            p.receive(&answer(&r), t(1), 0),
            Received::Bogus,
            "duplicate"
        );
        // Received a whole second later: θ = (6 ms + (6 ms − 1000 ms)) / 2 = −494 ms.
        let (est, _, _) = p.estimate().unwrap();
        assert_eq!(est.offset_ns, -494 * MS);
    }

    #[test]
    fn rate_kiss_cancels_the_burst_and_doubles_the_interval() {
        let mut p = peer(true);
        let r = p.poll(t(0), 6).request;
        assert_eq!(p.next_poll(), Some(t(2)), "burst under way");
        let kod = Reply::kiss(&r, Kiss::Rate, t(0), t(0));
        assert_eq!(
            p.receive(&kod, t(0) + 2 * MS, 0),
            Received::Kiss(Kiss::Rate)
        );
        assert_eq!((p.next_poll(), p.poll_exp()), (Some(t(128)), 7));
        let r = p.poll(t(128), 6).request;
        p.receive(&Reply::kiss(&r, Kiss::Rate, t(128), t(128)), t(128), 0);
        assert_eq!((p.next_poll(), p.poll_exp()), (Some(t(128 + 256)), 8));
        // Denied: never polled again, and counts as unreachable.
        let r = p.poll(t(384), 6).request;
        p.receive(&Reply::kiss(&r, Kiss::Deny, t(384), t(384)), t(384), 0);
        assert!(p.unreachable() && p.next_poll().is_none());
    }

    #[test]
    fn header_tests_come_before_the_reach_bit() {
        // RFC 5905 A.5.1.1: leap 3, stratum 16, or root delay / 2 + root dispersion of
        // 16 s or more: the answer is dropped and the reach register stays empty.
        let bad = [
            |r: Reply| Reply {
                leap: Leap::Unsynchronized,
                ..r
            },
            |r: Reply| Reply {
                stratum: MAXSTRAT,
                ..r
            },
            // 2 s / 2 + 15 s = 16 s exactly.
            |r: Reply| Reply {
                root_delay_ns: 2 * SEC,
                root_disp_ns: 15 * SEC,
                ..r
            },
        ];
        let want = [
            Received::Unsynchronized,
            Received::Unsynchronized,
            Received::BadDistance,
        ];
        for (spoil, want) in bad.into_iter().zip(want) {
            let mut p = peer(false);
            let r = p.poll(t(0), 6).request;
            assert_eq!(p.receive(&spoil(answer(&r)), t(0) + 2 * MS, 0), want);
            assert_eq!((p.reach(), p.estimate().is_none()), (0, true));
            assert_eq!(p.refid(), RefId::Kiss(Kiss::Init), "ntpq shows .INIT.");
        }
        // Just under 16 s, and a leap second announced, are heard.
        let mut p = peer(false);
        let r = p.poll(t(0), 6).request;
        let fine = Reply {
            root_delay_ns: 2 * SEC - 2,
            root_disp_ns: 15 * SEC,
            leap: Leap::AddSecond,
            ..answer(&r)
        };
        assert_eq!(p.receive(&fine, t(0) + 2 * MS, 0), Received::Fresh);
        assert_eq!((p.reach(), p.refid()), (1, RefId::clock("GPS")));
    }

    #[test]
    fn an_unsynchronised_server_becomes_unreachable() {
        // A server answering every poll with stratum 16 is silent for the reach
        // register: at the 8th poll it is unreachable (and a fallback would replace it).
        let mut p = peer(false);
        for k in 1..=8 {
            let due = p.next_poll().unwrap();
            let poll = p.poll(due, 6);
            let unsynced = Reply {
                stratum: MAXSTRAT,
                leap: Leap::Unsynchronized,
                ..answer(&poll.request)
            };
            p.receive(&unsynced, due + 2 * MS, 0);
            assert_eq!(poll.became_unreachable, k == 8, "poll {k}");
        }
        assert!(p.unreachable());
    }

    #[test]
    fn rstr_is_a_denial_init_is_ignored_and_the_code_shows_as_refid() {
        let mut p = peer(false);
        let r = p.poll(t(0), 6).request;
        let init = Reply::kiss(&r, Kiss::Init, t(0), t(0));
        assert_eq!(p.receive(&init, t(0) + MS, 0), Received::Unsynchronized);
        assert!(!p.denied() && p.reach() == 0);
        let r = p.poll(t(64), 6).request;
        let rate = Reply::kiss(&r, Kiss::Rate, t(64), t(64));
        assert_eq!(p.receive(&rate, t(64) + MS, 0), Received::Kiss(Kiss::Rate));
        assert_eq!(p.refid(), RefId::Kiss(Kiss::Rate));
        let due = p.next_poll().unwrap();
        let r = p.poll(due, 6).request;
        let rstr = Reply::kiss(&r, Kiss::Rstr, due, due);
        assert_eq!(p.receive(&rstr, due + MS, 0), Received::Kiss(Kiss::Rstr));
        assert!(p.denied() && p.unreachable() && p.next_poll().is_none());
        assert_eq!(p.refid(), RefId::Kiss(Kiss::Rstr));
    }
}
