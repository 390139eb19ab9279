//! The NTP client: one [`Peer`] per source, then selection, combining and the clock
//! discipline (RFC 5905 §11–12), as a pure state machine.
//!
//! # Driving it
//!
//! * Create it with [`Client::new`], then call [`Client::on_timer`] at once: the first
//!   polls go out.
//! * Carry out the returned [`Command`]s in order. `Send` goes to the network;
//!   `WakeAt(t)` means "call `on_timer` when the local clock reads `t`" (keep only the
//!   latest); `Step`, `Slew` and `SetFrequency` go to the node's
//!   [`Clock`](crate::clock::Clock); `Panic` and `Alert` go to the log and dashboard.
//! * When a reply arrives, call [`Client::on_reply`] with the local arrival time `t4`.
//! * Read [`Client::status`] for the dashboard and [`Client::system_vars`] to answer
//!   downstream clients if this node also serves time (a stratum-2 server).

use super::auth::{kiss_needs_mac, Key};
use super::discipline::Loop;
use super::monitor::{Alert, SourceState};
use super::packet::{Kiss, Reply};
use super::peer::{Peer, Received};
use super::{ClientConfig, ClientMode, Command, NtpConfigError, SourceId, MAXSTRAT};
use crate::time::Time;
use system::System;

mod first_answer;
mod system;

/// One node's NTP client.
#[derive(Clone, Debug)]
pub struct Client {
    cfg: ClientConfig,
    peers: Vec<Peer>,
    disc: Loop,
    sys: System,
    started: bool,
    born: Time,
    address: Option<SourceId>,
    key: Option<Key>,
}

impl Client {
    /// A client configured by `cfg`, its primary sources due at local time `now`.
    pub fn new(cfg: &ClientConfig, now: Time) -> Result<Client, NtpConfigError> {
        cfg.validate()?;
        let poll = (cfg.minpoll, cfg.maxpoll);
        let first_answer = cfg.mode == ClientMode::FirstAnswer;
        let mut peers: Vec<Peer> = Vec::new();
        for (&id, fallback) in cfg
            .sources
            .iter()
            .map(|s| (s, false))
            .chain(cfg.fallbacks.iter().map(|s| (s, true)))
        {
            let mut p = Peer::new(id, fallback, poll, cfg.iburst, now);
            // First-answer: only the first source is asked; the others wait their turn.
            p.mobilised = !fallback && (!first_answer || peers.is_empty());
            if !p.mobilised {
                p.tally = SourceState::Idle;
            }
            peers.push(p);
        }
        Ok(Client {
            cfg: cfg.clone(),
            peers,
            disc: cfg.discipline_loop(),
            sys: System {
                stratum: MAXSTRAT,
                ..System::default()
            },
            started: false,
            born: now,
            address: None,
            key: None,
        })
    }

    /// This client's own address as a server (its index in `ntp.servers`, for a
    /// stratum-2 server): a source whose reference id names it is synchronised to it, a
    /// loop, and is not fit for selection.
    pub fn with_address(mut self, id: SourceId) -> Client {
        self.address = Some(id);
        self
    }

    /// The key this client authenticates its sources with (`cfg.key`'s secret): its
    /// requests carry the key's MAC, and replies without a valid one are dropped.
    pub fn with_key(mut self, key: Key) -> Client {
        self.key = Some(key);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }
    /// The associations, primaries then fallbacks.
    pub fn peers(&self) -> &[Peer] {
        &self.peers
    }
    /// The clock discipline.
    pub fn discipline(&self) -> &Loop {
        &self.disc
    }
    /// The clock filter of association `i` (primaries then fallbacks) at local time
    /// `now`: its stages, the pick and why.
    pub fn filter_view(&self, i: usize, now: Time) -> Option<super::stages::FilterView> {
        let p = self.peers.get(i)?;
        Some(super::stages::filter_view(
            p,
            now,
            self.disc.ledger().applied(now),
        ))
    }
    /// The local time at which [`Client::on_timer`] is next needed.
    pub fn next_wakeup(&self) -> Option<Time> {
        self.peers.iter().filter_map(Peer::next_poll).min()
    }

    /// The poll timer fired at local time `now`: polls every source that is due, and
    /// mobilises or releases fallbacks.
    pub fn on_timer(&mut self, now: Time) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            if let Some(ppm) = self.cfg.drift_ppm {
                out.push(Command::SetFrequency { ppm });
            }
        }
        self.poll_due(now, &mut out);
        self.manage_fallbacks(now, &mut out);
        self.poll_due(now, &mut out);
        self.push_wake(&mut out);
        out
    }

    /// A reply from source `from` arrived at local time `t4`.
    pub fn on_reply(&mut self, from: SourceId, reply: &Reply, t4: Time) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(i) = self.peers.iter().position(|p| p.id == from) else {
            return out;
        };
        let phase = self.disc.ledger().applied(t4);
        self.peers[i].sort = self.disc.settled();
        // Authentication first (ntpd's receive()): without the key's valid MAC, a
        // reply is no answer. Only a `RATE` kiss is believed unsigned (it asks nothing
        // but patience).
        let authentic = self.key.as_ref().is_none_or(|k| match reply.kiss_code() {
            Some(kiss) if !kiss_needs_mac(kiss) => true,
            _ => k.verifies_reply(reply),
        });
        let received = if authentic {
            self.peers[i].receive(reply, t4, phase)
        } else {
            self.peers[i].bad_auth(reply, t4)
        };
        match received {
            Received::BadAuth => out.push(Command::Alert(Alert::BadAuth { source: from })),
            Received::Bogus => return out,
            Received::Kiss(Kiss::Rate) => {
                out.push(Command::Alert(Alert::RateLimited { source: from }))
            }
            Received::Kiss(Kiss::Deny | Kiss::Rstr) => {
                out.push(Command::Alert(Alert::AccessDenied { source: from }));
                self.manage_fallbacks(t4, &mut out);
            }
            Received::Kiss(Kiss::Init) => {}
            Received::Stale | Received::Fresh | Received::Popcorn
                if self.cfg.mode == ClientMode::FirstAnswer =>
            {
                self.believe(i, reply, t4, &mut out)
            }
            Received::Unsynchronized | Received::BadDistance | Received::Popcorn => {}
            // A stale pick changes the source's figures (dispersion, jitter) but brings
            // no new sample: selection runs again so the tallies follow, and the clock
            // moves only if the system peer has a sample not used yet.
            Received::Stale | Received::Fresh => self.clock_select(t4, &mut out),
        }
        self.push_wake(&mut out);
        out
    }

    fn push_wake(&self, out: &mut Vec<Command>) {
        if let Some(t) = self.next_wakeup() {
            out.push(Command::WakeAt(t));
        }
    }

    fn poll_due(&mut self, now: Time, out: &mut Vec<Command>) {
        let sys_poll = self.disc.poll();
        for p in &mut self.peers {
            if p.next_poll().is_some_and(|t| t <= now) {
                let poll = p.poll(now, sys_poll);
                let mut request = poll.request;
                request.mac = self.key.as_ref().map(|k| k.sign_request(&request));
                out.push(Command::Send { to: p.id, request });
                if poll.became_unreachable {
                    out.push(Command::Alert(Alert::SourceUnreachable { source: p.id }));
                }
            }
        }
    }

    /// Keeps `want` sources answering: each unreachable primary is replaced by the next
    /// fallback that is not itself unreachable; fallbacks no longer needed are released.
    /// First-answer: every source after the first is a fallback, and one is wanted.
    fn manage_fallbacks(&mut self, now: Time, out: &mut Vec<Command>) {
        let first_answer = self.cfg.mode == ClientMode::FirstAnswer;
        let primaries = if first_answer {
            1
        } else {
            self.cfg.sources.len()
        };
        let ok = self.peers[..primaries]
            .iter()
            .filter(|p| !p.unreachable())
            .count();
        let want = if first_answer {
            1
        } else {
            self.cfg.want.unwrap_or(primaries)
        };
        let mut need = want.saturating_sub(ok);
        for (i, p) in self.peers.iter_mut().enumerate().skip(primaries) {
            if need > 0 {
                if !p.mobilised {
                    p.mobilised = true;
                    p.clear(now);
                    out.push(Command::Alert(Alert::FallbackMobilised { source: p.id }));
                }
                if !p.unreachable() {
                    need -= 1;
                }
            } else if p.mobilised {
                p.mobilised = false;
                p.clear(now);
                p.tally = SourceState::Idle;
                if self.sys.sys_peer == Some(i) {
                    self.sys.sys_peer = None;
                }
                out.push(Command::Alert(Alert::FallbackReleased { source: p.id }));
            }
        }
    }

    /// Truechimers needed before the clock is touched.
    fn min_sane(&self) -> usize {
        let live = self
            .peers
            .iter()
            .filter(|p| p.mobilised && !p.unreachable())
            .count();
        self.cfg.min_sane.unwrap_or(live / 2 + 1).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntp::packet::Leap;
    use crate::time::{MS, SEC};

    pub(super) fn t(s: i64) -> Time {
        Time::from_hms(10, 0, 0) + s * SEC
    }

    fn answer(t1: Time, kiss: Option<Kiss>) -> Reply {
        // A stratum-1 server whose clock agrees with ours, 1 ms away.
        let t2 = t1 + MS;
        if let Some(k) = kiss {
            return Reply::kiss(
                &crate::ntp::Request {
                    t1,
                    poll: 6,
                    mac: None,
                },
                k,
                t2,
                t2,
            );
        }
        Reply {
            t1,
            t2,
            t3: t2,
            leap: Leap::NoWarning,
            stratum: 1,
            poll: 6,
            root_delay_ns: 0,
            root_disp_ns: 10_000,
            refid: crate::ntp::RefId::clock("GPS"),
            mac: None,
        }
    }

    /// Runs `c` until `until`, answering the sources `alive` says are up. Returns every
    /// command with the local time it was issued at.
    pub(super) fn drive(
        c: &mut Client,
        until: Time,
        alive: impl Fn(SourceId) -> bool,
    ) -> Vec<(Time, Command)> {
        let mut log = Vec::new();
        while let Some(now) = c.next_wakeup().filter(|&w| w <= until) {
            for cmd in c.on_timer(now) {
                if let Command::Send { to, request } = cmd {
                    if alive(to) {
                        let more = c.on_reply(to, &answer(request.t1, None), request.t1 + 2 * MS);
                        log.extend(more.into_iter().map(|m| (now, m)));
                    }
                }
                log.push((now, cmd));
            }
        }
        log
    }

    fn alerts_in(log: &[(Time, Command)]) -> Vec<(i64, Alert)> {
        log.iter()
            .filter_map(|(at, c)| match c {
                Command::Alert(a) => Some(((*at - t(0)) / SEC, *a)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn invalid_config_is_an_error() {
        assert_eq!(
            Client::new(&ClientConfig::default(), t(0)).unwrap_err(),
            NtpConfigError::NoSources
        );
    }

    #[test]
    fn fallbacks_replace_unreachable_sources_in_order() {
        let cfg = ClientConfig {
            sources: vec![1],
            fallbacks: vec![7, 8],
            iburst: false,
            ..Default::default()
        };
        let mut c = Client::new(&cfg, t(0)).unwrap();
        let log = drive(&mut c, t(1000), |_| false);
        // Source 1 is polled at 0, 64, …, 448 s: its 8th silent poll makes it
        // unreachable, and fallback 7 is mobilised and polled at once.
        let a = alerts_in(&log);
        assert_eq!(
            a[..2],
            [
                (448, Alert::SourceUnreachable { source: 1 }),
                (448, Alert::FallbackMobilised { source: 7 })
            ]
        );
        assert!(log
            .iter()
            .any(|(at, c)| *at == t(448) && matches!(c, Command::Send { to: 7, .. })));
        // 7 is silent too: 8 polls later (896 s), 8 takes over.
        assert!(a.contains(&(896, Alert::FallbackMobilised { source: 8 })));
        let states = |c: &Client, at| {
            c.status(at)
                .sources
                .iter()
                .map(|s| s.state)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            states(&c, t(1000)),
            [
                SourceState::Unreachable,
                SourceState::Unreachable,
                SourceState::Probing
            ]
        );
        // 8 is silent as well: nothing left to mobilise, all keep being probed, slower.
        drive(&mut c, t(2000), |_| false);
        assert_eq!(states(&c, t(2000)), [SourceState::Unreachable; 3]);
        // Source 1 comes back: the fallbacks are released and no longer polled.
        let log = drive(&mut c, t(9000), |id| id == 1);
        let released: Vec<Alert> = alerts_in(&log)
            .into_iter()
            .map(|x| x.1)
            .filter(|a| matches!(a, Alert::FallbackReleased { .. }))
            .collect();
        assert_eq!(
            released,
            [
                Alert::FallbackReleased { source: 7 },
                Alert::FallbackReleased { source: 8 }
            ]
        );
        assert_eq!(c.status(t(9000)).selected, Some(1));
        assert!(c.peers()[1..].iter().all(|p| p.next_poll().is_none()));
    }

    #[test]
    fn denied_source_is_replaced_at_once() {
        let cfg = ClientConfig {
            sources: vec![1],
            fallbacks: vec![2],
            ..Default::default()
        };
        let mut c = Client::new(&cfg, t(0)).unwrap();
        let Command::Send { request, .. } = c.on_timer(t(0))[0] else {
            panic!("no poll")
        };
        let out = c.on_reply(1, &answer(request.t1, Some(Kiss::Deny)), t(0) + 2 * MS);
        assert_eq!(
            out,
            [
                Command::Alert(Alert::AccessDenied { source: 1 }),
                Command::Alert(Alert::FallbackMobilised { source: 2 }),
                Command::WakeAt(t(0) + 2 * MS),
            ]
        );
    }
}
