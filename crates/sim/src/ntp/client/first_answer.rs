//! The first-answer client (the original report's `NTPService`, SNTP-like, RFC 4330):
//! the sources are asked in order, and the first that answers is believed.
//!
//! Only the first configured source is polled; the next one is mobilised when every
//! source before it is unreachable (8 silent polls), as a fallback is. Every valid
//! answer of the one followed sets the clock at once: stepped by `θ` beyond the step
//! threshold (128 ms unless `step_ms` says otherwise), slewed by `θ` at 500 ppm below.
//! No filter, no selection, no vote, no frequency learnt: a source that lies is
//! followed, however many honest ones are configured after it.

use super::system::System;
use super::Client;
use crate::ntp::discipline::STEPT;
use crate::ntp::monitor::SourceState;
use crate::ntp::packet::{RefId, Reply};
use crate::ntp::peer::BTIME;
use crate::ntp::{Command, MAXSTRAT, PRECISION};
use crate::time::{ms_to_nanos, Time};

/// The slew rate of a believed answer below the step threshold, ppm (adjtime's).
pub const SLEW_PPM: f64 = 500.0;

impl Client {
    /// Peer `i` answered at `t4` with a valid `reply`: if it is the first source in the
    /// configured order that is heard, the clock is set to its answer.
    pub(super) fn believe(&mut self, i: usize, reply: &Reply, t4: Time, out: &mut Vec<Command>) {
        let first = self
            .peers
            .iter()
            .position(|p| p.mobilised && p.reach() != 0 && !p.unreachable());
        if first != Some(i) {
            return;
        }
        let w = reply.on_wire(t4);
        for (k, p) in self.peers.iter_mut().enumerate() {
            p.tally = match k {
                _ if k == i => SourceState::SystemPeer,
                _ if p.estimate().is_some() => SourceState::Rejected,
                _ => p.tally,
            };
        }
        let p = &self.peers[i];
        let sys = System {
            stratum: (p.stratum + 1).min(MAXSTRAT),
            refid: RefId::Source(p.id),
            root_delay_ns: p.root_delay_ns + w.delay_ns,
            root_disp_ns: p.root_disp_ns + 2 * PRECISION,
            offset_ns: w.offset_ns,
            delay_ns: w.delay_ns,
            sys_peer: Some(i),
            ..System::default()
        };
        let step = self.cfg.step_ms.map_or(STEPT, ms_to_nanos);
        let after = if step > 0 && w.offset_ns.abs() >= step {
            out.push(Command::Step {
                delta_ns: w.offset_ns,
            });
            // Every sample predates the step: the sources start afresh.
            let after = t4 + w.offset_ns;
            for p in self.peers.iter_mut().filter(|p| p.mobilised) {
                p.clear(after + BTIME);
            }
            self.peers[i].tally = SourceState::SystemPeer;
            after
        } else {
            out.push(Command::Slew {
                amount_ns: w.offset_ns,
                rate_ppm: SLEW_PPM,
            });
            t4
        };
        self.sys = System {
            updated: Some(after),
            last_sync: Some(after),
            ..sys
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::t;
    use super::*;
    use crate::ntp::packet::Leap;
    use crate::ntp::{ClientConfig, ClientMode, SyncState};
    use crate::time::{MS, SEC};

    /// Source `id`'s answer to a request sent at `t1`: 1 ms each way, its clock `lie`
    /// ahead of ours.
    fn answer(t1: Time, lie: i64) -> Reply {
        Reply {
            t1,
            t2: t1 + MS + lie,
            t3: t1 + MS + lie,
            leap: Leap::NoWarning,
            stratum: 1,
            poll: 6,
            root_delay_ns: 0,
            root_disp_ns: 10_000,
            refid: RefId::clock("GPS"),
            mac: None,
        }
    }

    /// Runs the client to `until`: sources in `up` answer, lying by `lie(id)`. Returns
    /// the sources asked and the clock's commands, the client's clock moved by them.
    fn run(
        c: &mut Client,
        until: Time,
        up: &[usize],
        lie: impl Fn(usize) -> i64,
    ) -> (Vec<usize>, Vec<Command>) {
        let (mut asked, mut clock) = (Vec::new(), Vec::new());
        // The client's clock error (its reading minus true time), moved by its commands.
        let mut error = 0;
        while let Some(now) = c.next_wakeup().filter(|&w| w <= until) {
            for cmd in c.on_timer(now) {
                let Command::Send { to, request } = cmd else {
                    continue;
                };
                asked.push(to);
                if !up.contains(&to) {
                    continue;
                }
                // The source's clock is true time plus its lie; ours is true + error.
                let reply = answer(request.t1, lie(to) - error);
                for cmd in c.on_reply(to, &reply, request.t1 + 2 * MS) {
                    match cmd {
                        Command::Step { delta_ns } => error += delta_ns,
                        Command::Slew { amount_ns, .. } => error += amount_ns,
                        _ => continue,
                    }
                    clock.push(cmd);
                }
            }
        }
        (asked, clock)
    }

    #[test]
    fn the_first_source_is_believed_even_when_the_others_disagree() {
        let cfg = ClientConfig {
            sources: vec![1, 2, 3],
            mode: ClientMode::FirstAnswer,
            ..Default::default()
        };
        let mut c = Client::new(&cfg, t(0)).unwrap();
        // Source 1 is 10 s ahead, 2 and 3 are right: only 1 is asked, and followed.
        let lie = |id| if id == 1 { 10 * SEC } else { 0 };
        let (asked, clock) = run(&mut c, t(600), &[1, 2, 3], lie);
        assert!(asked.iter().all(|&s| s == 1), "{asked:?}");
        // θ = ((t2 − t1) + (t3 − t4)) / 2 = ((1 ms + 10 s) + (1 ms + 10 s − 2 ms)) / 2 = 10 s:
        // stepped once by +10 s, then every answer says 0 and is slewed (by 0).
        assert_eq!(clock[0], Command::Step { delta_ns: 10 * SEC });
        assert!(clock[1..].iter().all(|c| *c
            == Command::Slew {
                amount_ns: 0,
                rate_ppm: SLEW_PPM
            }));
        let st = c.status(t(600));
        assert_eq!(
            (st.sync, st.selected, st.stratum),
            (SyncState::Synchronized, Some(1), 2)
        );
        assert!(st.falsetickers.is_empty(), "no vote, no falseticker");
    }

    #[test]
    fn the_next_source_is_asked_once_the_first_is_unreachable() {
        let cfg = ClientConfig {
            sources: vec![1, 2],
            iburst: false,
            mode: ClientMode::FirstAnswer,
            ..Default::default()
        };
        let mut c = Client::new(&cfg, t(0)).unwrap();
        // Source 1 is silent: polled at 0, 64, …, 448 s; its 8th silent poll makes it
        // unreachable and source 2 is asked at once, 300 ms ahead: stepped (≥ 128 ms).
        let (asked, clock) = run(&mut c, t(1000), &[2], |_| 300 * MS);
        let ones = asked.iter().take_while(|&&s| s == 1).count();
        assert_eq!((ones, asked[ones]), (8, 2));
        assert_eq!(clock[0], Command::Step { delta_ns: 300 * MS });
        assert_eq!(c.status(t(1000)).selected, Some(2));
        // A 50 ms answer is below the step threshold: slewed.
        let mut c = Client::new(&cfg, t(0)).unwrap();
        let (_, clock) = run(&mut c, t(1000), &[1], |_| 50 * MS);
        assert_eq!(
            clock[0],
            Command::Slew {
                amount_ns: 50 * MS,
                rate_ppm: SLEW_PPM
            }
        );
    }
}
