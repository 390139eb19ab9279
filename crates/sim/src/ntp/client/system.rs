//! The system process (RFC 5905 §11–12, A.5.5): from fresh peer estimates to a
//! clock update, and what the client then states about itself.
//!
//! On every fresh estimate the client gathers the *fit* sources (answering, themselves
//! synchronised, root distance under 1.5 s), runs [`select`] over them (intersection,
//! cluster, combine), and, if enough truechimers agree (see
//! [`ClientConfig::min_sane`](crate::ntp::ClientConfig::min_sane)) and the system peer's
//! sample is new, hands the combined offset to the [`Discipline`](crate::ntp::discipline::Discipline).

use super::Client;
use crate::ntp::discipline::{ClockState, Outcome};
use crate::ntp::monitor::{Alert, ClientStatus, SourceState, SourceStatus, SyncState};
use crate::ntp::packet::{Leap, RefId};
use crate::ntp::peer::BTIME;
use crate::ntp::select::{root_distance, select, Candidate, Selection};
use crate::ntp::server::SystemVars;
use crate::ntp::{phi, poll_interval, Command, MAXDISP, MAXDIST, MAXSTRAT, MINDISP};
use crate::time::Time;

/// The system variables: what the client concluded at its last clock update.
#[derive(Clone, Debug, Default)]
pub(super) struct System {
    pub(super) stratum: u8,
    pub(super) root_delay_ns: i64,
    pub(super) root_disp_ns: i64,
    pub(super) updated: Option<Time>,
    pub(super) sample_time: Option<Time>,
    pub(super) offset_ns: i64,
    pub(super) jitter_ns: i64,
    pub(super) delay_ns: i64,
    pub(super) sys_peer: Option<usize>,
    pub(super) refid: RefId,
    pub(super) falsetickers: Vec<usize>,
    pub(super) last_sync: Option<Time>,
    pub(super) no_majority: bool,
    pub(super) panicked: bool,
}

impl Client {
    /// Peer `i`'s offset at `now`, the corrections made since its estimate subtracted,
    /// and its root distance at `now`.
    fn offset_and_distance(&self, i: usize, now: Time) -> Option<(i64, i64)> {
        let p = &self.peers[i];
        let (est, at, phase) = p.estimate()?;
        let offset = est.offset_ns - (self.disc.ledger().applied(now) - phase);
        let age = now - at;
        let dist = root_distance(
            p.root_delay_ns,
            est.delay_ns,
            p.root_disp_ns,
            est.disp_ns,
            age,
            est.jitter_ns,
        );
        Some((offset, dist))
    }

    /// Peer `i` as a selection candidate, if it is fit (RFC 5905 A.5.5.3).
    fn candidate(&self, i: usize, now: Time) -> Option<Candidate> {
        let p = &self.peers[i];
        let usable = p.mobilised && !p.unreachable() && p.reach() != 0 && p.leap == Leap::NoWarning;
        if !usable || !(1..MAXSTRAT).contains(&p.stratum) {
            return None;
        }
        // A loop (RFC 5905 A.5.2 fit()): the source is synchronised to this very node.
        if self.address.is_some_and(|me| p.refid == RefId::Source(me)) {
            return None;
        }
        let (offset_ns, root_dist_ns) = self.offset_and_distance(i, now)?;
        if root_dist_ns > MAXDIST + phi(poll_interval(self.disc.poll())) {
            return None;
        }
        let jitter_ns = p.estimate()?.0.jitter_ns;
        Some(Candidate {
            peer: i,
            offset_ns,
            root_dist_ns,
            stratum: p.stratum,
            jitter_ns,
        })
    }

    pub(super) fn clock_select(&mut self, now: Time, out: &mut Vec<Command>) {
        let cands: Vec<Candidate> = (0..self.peers.len())
            .filter_map(|i| self.candidate(i, now))
            .collect();
        for p in self.peers.iter_mut().filter(|p| p.mobilised) {
            p.tally = if p.estimate().is_some() {
                SourceState::Rejected
            } else {
                SourceState::Probing
            };
        }
        let Some(sel) = select(&cands, self.sys.sys_peer) else {
            if !cands.is_empty() && !self.sys.no_majority {
                out.push(Command::Alert(Alert::NoMajority));
            }
            self.sys.no_majority |= !cands.is_empty();
            self.sys.falsetickers.clear();
            self.sys.sys_peer = None;
            return;
        };
        self.sys.no_majority = false;
        for &i in &sel.falsetickers {
            if !self.sys.falsetickers.contains(&i) {
                out.push(Command::Alert(Alert::Falseticker {
                    source: self.peers[i].id,
                }));
            }
            self.peers[i].tally = SourceState::Falseticker;
        }
        self.sys.falsetickers = sel.falsetickers.clone();
        for &i in &sel.outliers {
            self.peers[i].tally = SourceState::Outlier;
        }
        for &i in &sel.survivors {
            self.peers[i].tally = SourceState::Candidate;
        }
        if sel.truechimers.len() < self.min_sane() {
            self.sys.sys_peer = None; // not enough agreement to follow anyone yet
            return;
        }
        self.peers[sel.sys_peer].tally = SourceState::SystemPeer;
        self.sys.sys_peer = Some(sel.sys_peer);
        let est = self.peers[sel.sys_peer]
            .estimate()
            .expect("a candidate has an estimate")
            .0;
        if self.sys.sample_time.is_some_and(|t| est.time <= t) {
            return; // never use the same sample twice
        }
        self.sys.sample_time = Some(est.time);
        self.clock_update(now, &sel, out);
    }

    /// RFC 5905 A.5.5.4 `clock_update`.
    fn clock_update(&mut self, now: Time, sel: &Selection, out: &mut Vec<Command>) {
        let i = sel.sys_peer;
        let est = self.peers[i]
            .estimate()
            .expect("a candidate has an estimate")
            .0;
        (self.sys.offset_ns, self.sys.jitter_ns, self.sys.delay_ns) =
            (sel.combined.offset_ns, sel.combined.jitter_ns, est.delay_ns);
        match self.disc.update(now, sel.combined.offset_ns, out) {
            Outcome::Panic => self.sys.panicked = true,
            Outcome::Ignore => self.sys.panicked = false,
            Outcome::Step(delta) => {
                // Every sample predates the step: start afresh, a burst's spacing later.
                let after = now + delta;
                for p in self.peers.iter_mut().filter(|p| p.mobilised) {
                    p.clear(after + BTIME);
                }
                // Unsynchronised until the next slew; the measurement stays on show.
                let old = std::mem::take(&mut self.sys);
                self.sys = System {
                    stratum: MAXSTRAT,
                    last_sync: Some(after),
                    offset_ns: old.offset_ns,
                    jitter_ns: old.jitter_ns,
                    delay_ns: old.delay_ns,
                    ..System::default()
                };
            }
            Outcome::Slew => {
                let p = &self.peers[i];
                let (offset, _) = self
                    .offset_and_distance(i, now)
                    .expect("a candidate has an estimate");
                let age = now - p.estimate().expect("checked").1;
                let disp = (est.disp_ns + phi(age) + offset.abs()).max(MINDISP);
                self.sys.stratum = (p.stratum + 1).min(MAXSTRAT);
                self.sys.refid = RefId::Source(p.id);
                self.sys.root_delay_ns = p.root_delay_ns + est.delay_ns;
                self.sys.root_disp_ns = p.root_disp_ns + sel.combined.jitter_ns + disp;
                (self.sys.updated, self.sys.last_sync, self.sys.panicked) =
                    (Some(now), Some(now), false);
                let poll = self.disc.poll();
                self.peers.iter_mut().for_each(|p| p.set_poll(poll));
            }
        }
    }

    /// What this node states when it serves time (a stratum-2 server's replies).
    pub fn system_vars(&self, now: Time) -> SystemVars {
        match self.sys.updated {
            Some(t) if self.sys.stratum < MAXSTRAT => SystemVars {
                leap: Leap::NoWarning,
                stratum: self.sys.stratum,
                root_delay_ns: self.sys.root_delay_ns,
                root_disp_ns: self.sys.root_disp_ns + phi((now - t).max(0)),
                refid: self.sys.refid,
            },
            _ => SystemVars::unsynchronized(),
        }
    }

    /// The dashboard's view at local time `now`.
    pub fn status(&self, now: Time) -> ClientStatus {
        let sync = if self.cfg.mode == crate::ntp::ClientMode::FirstAnswer {
            // No discipline: synchronised from the first answer believed.
            if self.sys.stratum < MAXSTRAT {
                SyncState::Synchronized
            } else {
                SyncState::Unsynchronized
            }
        } else if self.sys.panicked {
            SyncState::Panic
        } else if self.sys.no_majority {
            SyncState::NoMajority
        } else {
            use ClockState::*;
            match self.disc.state() {
                Freq => SyncState::MeasuringFrequency,
                Spik => SyncState::Spike,
                Sync if self.sys.stratum < MAXSTRAT => SyncState::Synchronized,
                _ => SyncState::Unsynchronized,
            }
        };
        let sv = self.system_vars(now);
        // Unsynchronised, the client knows nothing: its error bound is MAXDISP (16 s,
        // an empty filter stage's), growing at PHI since it last set its clock or
        // started, never 0.
        let (root_delay_ns, root_dispersion_ns) = if sv.stratum < MAXSTRAT {
            (sv.root_delay_ns, sv.root_disp_ns)
        } else {
            let since = self.sys.last_sync.unwrap_or(self.born);
            (0, MAXDISP + phi((now - since).max(0)))
        };
        let poll = self.disc.poll();
        ClientStatus {
            sync,
            stratum: self.sys.stratum,
            refid: sv.refid,
            offset_ns: self.sys.offset_ns,
            jitter_ns: self.sys.jitter_ns,
            delay_ns: self.sys.delay_ns,
            root_delay_ns,
            root_dispersion_ns,
            root_distance_ns: root_delay_ns / 2 + root_dispersion_ns,
            poll_log2: poll,
            poll_interval_s: 1 << poll,
            frequency_ppm: self.disc.freq_ppm(),
            last_sync: self.sys.last_sync,
            selected: self.sys.sys_peer.map(|i| self.peers[i].id),
            falsetickers: self
                .sys
                .falsetickers
                .iter()
                .map(|&i| self.peers[i].id)
                .collect(),
            sources: (0..self.peers.len())
                .map(|i| self.source_status(i, now))
                .collect(),
        }
    }

    fn source_status(&self, i: usize, now: Time) -> SourceStatus {
        let p = &self.peers[i];
        let state = match p.tally {
            _ if !p.mobilised => SourceState::Idle,
            _ if p.denied() => SourceState::Denied,
            _ if p.unreachable() => SourceState::Unreachable,
            tally => tally,
        };
        let est = p.estimate().map(|e| e.0);
        let od = self.offset_and_distance(i, now);
        SourceStatus {
            id: p.id,
            fallback: p.fallback,
            state,
            reach: p.reach(),
            stratum: p.stratum,
            refid: p.refid(),
            offset_ns: od.map(|x| x.0),
            delay_ns: est.map(|e| e.delay_ns),
            jitter_ns: est.map(|e| e.jitter_ns),
            root_distance_ns: od.map(|x| x.1),
            poll_log2: p.poll_exp(),
            when_s: p.last_rx().map(|t| (now - t).max(0) / crate::time::SEC),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{drive, t};
    use super::*;
    use crate::ntp::monitor::alerts;
    use crate::ntp::ClientConfig;
    use crate::time::{MS, SEC};

    #[test]
    fn synchronised_client_serves_stratum_two() {
        // With a drift file the first fit update slews at once (no frequency measurement).
        let cfg = ClientConfig {
            sources: vec![1],
            drift_ppm: Some(0.0),
            ..Default::default()
        };
        let mut c = Client::new(&cfg, t(0)).unwrap();
        assert_eq!(c.system_vars(t(0)), SystemVars::unsynchronized());
        assert_eq!(c.status(t(0)).sync, SyncState::Unsynchronized);
        // Unsynchronised: 16 s of root dispersion, growing at 15 µs/s, never 0.
        let s = c.status(t(0));
        assert_eq!(
            (s.root_dispersion_ns, s.root_distance_ns),
            (16 * SEC, 16 * SEC)
        );
        let s = c.status(t(1000));
        assert_eq!(s.root_distance_ns, 16 * SEC + 15 * MS);
        let log = drive(&mut c, t(7), |_| true);
        assert_eq!(log[0].1, Command::SetFrequency { ppm: 0.0 });
        // The 4th burst reply (at 6 s) brings the root distance under 1.5 s.
        let first_slew = log
            .iter()
            .find(|(_, c)| matches!(c, Command::Slew { .. }))
            .unwrap();
        // Offset 0 (the server agrees): nothing to amortise, at the slowest rate.
        assert_eq!(
            first_slew,
            &(
                t(6),
                Command::Slew {
                    amount_ns: 0,
                    rate_ppm: 0.0
                }
            )
        );
        let s = c.status(t(7));
        assert_eq!(
            (s.sync, s.stratum, s.selected, s.delay_ns),
            (SyncState::Synchronized, 2, Some(1), 2 * MS)
        );
        assert_eq!(alerts(&s), vec![]);
        let sv = c.system_vars(t(7));
        assert_eq!(
            (sv.stratum, sv.leap, sv.root_delay_ns),
            (2, Leap::NoWarning, 2 * MS)
        );
        // With 4 of 8 stages filled, the peer dispersion (0.9375 s) dominates the root
        // dispersion this client would announce...
        assert!(
            (937 * MS..938 * MS).contains(&sv.root_disp_ns),
            "{}",
            sv.root_disp_ns
        );
        // ...and once the burst has filled all 8 (last update at 14.002 s), it is the
        // server's 10 µs + system jitter 1 µs (the precision floor) + the peer's own
        // dispersion, floored at MINDISP (1 ms), + 15 ppm × 0.998 s since the update.
        drive(&mut c, t(15), |_| true);
        let sv = c.system_vars(t(15));
        assert_eq!(sv.root_disp_ns, 10_000 + 1_000 + MS + 14_970);
    }

    /// Runs `c` until `until`; `reply(source, t1)` says what each source answers.
    fn drive_with(
        c: &mut Client,
        until: Time,
        reply: impl Fn(usize, Time) -> Option<crate::ntp::Reply>,
    ) {
        while let Some(now) = c.next_wakeup().filter(|&w| w <= until) {
            for cmd in c.on_timer(now) {
                if let Command::Send { to, request } = cmd {
                    if let Some(r) = reply(to, request.t1) {
                        c.on_reply(to, &r, request.t1 + 2 * MS);
                    }
                }
            }
        }
    }

    fn honest(t1: Time, refid: RefId) -> crate::ntp::Reply {
        crate::ntp::Reply {
            t1,
            t2: t1 + MS,
            t3: t1 + MS,
            leap: Leap::NoWarning,
            stratum: 2,
            poll: 6,
            root_delay_ns: 0,
            root_disp_ns: 10_000,
            refid,
            mac: None,
        }
    }

    #[test]
    fn a_source_synchronised_to_this_node_is_a_loop_and_never_selected() {
        // This client serves as source 9; source 1 says it is synchronised to 9.
        let cfg = ClientConfig {
            sources: vec![1],
            drift_ppm: Some(0.0),
            ..Default::default()
        };
        let mut c = Client::new(&cfg, t(0)).unwrap().with_address(9);
        drive_with(&mut c, t(600), |_, t1| Some(honest(t1, RefId::Source(9))));
        let s = c.status(t(600));
        assert_eq!((s.selected, s.sync), (None, SyncState::Unsynchronized));
        assert_eq!(s.sources[0].reach, 0xff, "it answers, and is heard");
        // The same answers naming another server are fine.
        let mut c = Client::new(&cfg, t(0)).unwrap().with_address(9);
        drive_with(&mut c, t(600), |_, t1| Some(honest(t1, RefId::Source(4))));
        assert_eq!(c.status(t(600)).selected, Some(1));
        assert_eq!(c.system_vars(t(600)).refid, RefId::Source(1));
    }

    #[test]
    fn an_answering_but_unsynchronised_primary_is_replaced_by_a_fallback() {
        let cfg = ClientConfig {
            sources: vec![1],
            fallbacks: vec![2],
            iburst: false,
            drift_ppm: Some(0.0),
            ..Default::default()
        };
        let mut c = Client::new(&cfg, t(0)).unwrap();
        // Source 1 answers every poll, with stratum 16; source 2 is a good server.
        drive_with(&mut c, t(2000), |id, t1| {
            Some(if id == 1 {
                crate::ntp::Reply {
                    stratum: MAXSTRAT,
                    leap: Leap::Unsynchronized,
                    refid: RefId::default(),
                    ..honest(t1, RefId::default())
                }
            } else {
                honest(t1, RefId::clock("GPS"))
            })
        });
        let s = c.status(t(2000));
        assert_eq!(s.sources[0].state, SourceState::Unreachable);
        assert_eq!(s.selected, Some(2), "{s:?}");
    }
}
