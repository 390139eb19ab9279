//! The servers of the NTP hierarchy, as nodes: a stratum-1 server reads a reference
//! clock (its host's exact clock); a stratum-2 server is also an NTP client of the
//! stratum-1 servers, through the same [`NtpAgent`] as every host.

use crate::clock::Clock;
use crate::config::Config;
use crate::host::Host;
use crate::kernel::{Build, Cut, Cx, Depart, Kernel, Node, Route};
pub use crate::msg::time_server::{Msg, PROCESSING};
use crate::msg::{ntp_client, Addr, Layer, Msg as AnyMsg};
use crate::net::{Link, Way};
use crate::ntp::{RefId, Request, Restrict, ServerConfig, ServerState, SystemVars};
use crate::ntp_client::NtpAgent;
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::{ms_to_nanos, Time};

/// A server of the time hierarchy.
#[derive(Clone, Debug)]
pub struct TimeServer {
    index: u8,
    /// Its stratum.
    pub stratum: u8,
    state: ServerState,
    /// A falseticker's lie, ns.
    pub lie_ns: i64,
    /// A stratum-1 server's reference clock id (its name's first four letters).
    pub refid: RefId,
    /// Its own NTP client (stratum 2 and more).
    pub agent: NtpAgent,
    /// It has lost its reference: it answers as unsynchronised (leap 3, stratum 16).
    pub reference_lost: bool,
    /// An attacker on its path moves its replies' timestamps by this much, ns.
    pub spoof_ns: i64,
}

impl TimeServer {
    /// Server `index` of the hierarchy.
    pub fn new(
        index: u8,
        stratum: u8,
        state: ServerState,
        lie_ns: i64,
        agent: NtpAgent,
    ) -> TimeServer {
        TimeServer {
            index,
            stratum,
            state,
            lie_ns,
            agent,
            refid: RefId::clock("GPS"),
            reference_lost: false,
            spoof_ns: 0,
        }
    }

    fn wake(&self) -> impl Fn(u32) -> AnyMsg {
        |gen| AnyMsg::TimeServer(Msg::Wake(gen))
    }

    fn on_request(&mut self, from: Addr, request: Request, cx: &mut Cx<'_>) {
        let own = cx.local();
        let t2 = own + self.lie_ns;
        let t3 = t2 + PROCESSING;
        let sys = match &self.agent.client {
            _ if self.reference_lost => SystemVars::unsynchronized(),
            None if self.stratum == 1 => SystemVars::primary_with(self.refid),
            None => SystemVars::unsynchronized(),
            Some(c) => c.system_vars(own),
        };
        let key = from.layer as usize * 1000 + from.index as usize;
        let Some(mut reply) = self.state.on_request(key, &request, t2, t3, &sys) else {
            return;
        };
        if self.spoof_ns != 0 && reply.kiss_code().is_none() {
            // The attacker rewrites the packet after the server signed it.
            reply.t2 += self.spoof_ns;
            reply.t3 += self.spoof_ns;
        }
        cx.observe(Obs::NtpServed {
            source: self.index,
            client: from.index,
            t1: request.t1,
            lie_ns: self.lie_ns + self.spoof_ns,
        });
        let (source, reply) = (self.index, Box::new(reply));
        let msg: AnyMsg = match from.layer {
            Layer::TimeServer => Msg::Reply { source, reply }.into(),
            Layer::DataNtp => ntp_client::DbMsg(ntp_client::Msg::Reply { source, reply }).into(),
            _ => ntp_client::Msg::Reply { source, reply }.into(),
        };
        cx.send_at(from, msg, Depart::After(PROCESSING));
    }
}

/// Time servers' random streams: `STREAM + index`.
pub const STREAM: u64 = 2000;

impl Build for TimeServer {
    /// One node per server of the hierarchy, each on a host of its own whose path to
    /// clients is its own link; its down windows cut the host off. (The hierarchy comes
    /// to life only when NTP or a fault needs it: `Sim` warms it up then.)
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<TimeServer> {
        let mut nodes = Vec::with_capacity(cfg.ntp.servers.len());
        for (j, s) in cfg.ntp.servers.iter().enumerate() {
            let clock = Clock::new(&s.clock, cfg.sale.start());
            let rng = Rng::stream(cfg.seed, STREAM + j as u64);
            let h = k.add_host(Host::new(s.name.clone(), clock, rng));
            k.place(Layer::TimeServer, h);
            k.topology.own_links[h as usize] = Some(Link::new(&s.link));
            for w in &s.down {
                k.topology.cut(Cut {
                    host: h,
                    from: Time::from_secs_f64(w[0]),
                    to: Time::from_secs_f64(w[1]),
                    only: None,
                });
            }
            let keys = cfg
                .ntp
                .keys
                .iter()
                .filter(|k| s.trusted_keys.contains(&k.id))
                .cloned()
                .collect();
            // A reservation server's NTP client is addressed as in `on_request`.
            let address = |n: &u32| Layer::NtpClient as usize * 1000 + (*n as usize - 1);
            let state = ServerState::new(&ServerConfig {
                rate_limit: s.rate_limit,
                kod: s.restrict.kod,
            })
            .with_keys(keys)
            .with_restrict(Restrict {
                deny: s.restrict.deny.iter().map(address).collect(),
                notrust: s.restrict.notrust,
            });
            let lie = ms_to_nanos(s.lie_ms);
            let mut node = TimeServer::new(j as u8, s.stratum, state, lie, NtpAgent::default());
            node.refid = RefId::clock(&s.name);
            nodes.push(node);
            // Its reference lost and back, at true instants (background: it keeps no
            // run alive).
            let me = Addr::new(Layer::TimeServer, j as u16);
            for w in &s.unsynchronized {
                for (at, ok) in [(w[0], false), (w[1], true)] {
                    let msg = Msg::Reference(ok).into();
                    let ev = crate::kernel::Ev::Msg {
                        to: me,
                        from: me,
                        msg,
                    };
                    k.push(Time::from_secs_f64(at), ev, true);
                }
            }
        }
        let own = |way| Route {
            link: None,
            way,
            reliable: false,
        };
        k.topology
            .connect(Layer::TimeServer, Layer::NtpClient, own(Way::Back));
        k.topology
            .connect(Layer::TimeServer, Layer::TimeServer, own(Way::Out));
        nodes
    }
}

impl Node for TimeServer {
    type Msg = Msg;

    fn on_msg(&mut self, from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Request(request) => self.on_request(from, request, cx),
            Msg::Wake(gen) => {
                let wake = self.wake();
                self.agent.on_wake(gen, cx, wake);
            }
            Msg::Reply { source, reply } => {
                let wake = self.wake();
                self.agent.on_reply(source, &reply, cx, wake);
            }
            Msg::Lie(ns) => self.lie_ns = ns,
            Msg::Reference(ok) => self.reference_lost = !ok,
            Msg::Spoof(ns) => self.spoof_ns = ns,
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![
            (
                "stratum",
                if self.reference_lost {
                    16.0
                } else {
                    self.stratum as f64
                },
            ),
            ("lie_ms", self.lie_ns as f64 / 1e6),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, Bench};
    use crate::kernel::Cmd;
    use crate::ntp::{Leap, Reply, ServerState};
    use crate::time::{Time, MS, SEC};

    const ME: Addr = Addr::new(Layer::TimeServer, 0);
    const CLIENT: Addr = Addr::new(Layer::NtpClient, 2);

    fn request(t1: Time) -> Msg {
        Msg::Request(Request {
            t1,
            poll: 6,
            mac: None,
        })
    }

    fn the_reply(cmds: &[Cmd]) -> Reply {
        match cmds {
            [Cmd::Observe { .. }, Cmd::Send {
                to,
                msg: AnyMsg::NtpClient(ntp_client::Msg::Reply { source: 0, reply }),
                depart: Depart::After(PROCESSING),
            }] if *to == CLIENT => **reply,
            other => panic!("a reply to the client expected: {other:?}"),
        }
    }

    #[test]
    fn a_server_that_lost_its_reference_answers_unsynchronised_until_it_is_back() {
        let now = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(now, 0);
        let mut s = TimeServer::new(0, 1, ServerState::default(), 0, NtpAgent::default());
        assert!(bench
            .deliver(&mut s, ME, ME, Msg::Reference(false))
            .is_empty());
        let r = the_reply(&bench.deliver(&mut s, ME, CLIENT, request(now)));
        // RFC 5905: leap 3 (alarm), stratum 16; a client's packet checks refuse it.
        assert_eq!((r.stratum, r.leap), (16, Leap::Unsynchronized));
        assert_eq!(s.figures()[0], ("stratum", 16.0));
        bench.deliver(&mut s, ME, ME, Msg::Reference(true));
        bench.advance(64 * SEC); // one poll later: not rate-limited
        let r = the_reply(&bench.deliver(&mut s, ME, CLIENT, request(now + 64 * SEC)));
        assert_eq!((r.stratum, r.leap), (1, Leap::NoWarning));
    }

    #[test]
    fn a_primary_server_stamps_with_its_reference_clock() {
        let now = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(now, 0);
        let mut s = TimeServer::new(0, 1, ServerState::default(), 0, NtpAgent::default());
        let t1 = now - 3 * SEC; // the client's clock is 3 s slow, say
        let cmds = bench.deliver(&mut s, ME, CLIENT, request(t1));
        let r = the_reply(&cmds);
        assert_eq!((r.t1, r.t2, r.t3), (t1, now, now + PROCESSING));
        assert_eq!((r.stratum, r.leap), (1, Leap::NoWarning));
        assert_eq!(
            observations(&cmds),
            vec![Obs::NtpServed {
                source: 0,
                client: 2,
                t1,
                lie_ns: 0
            }]
        );
    }

    #[test]
    fn a_falseticker_adds_its_lie_to_both_timestamps() {
        let now = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(now, 0);
        let mut s = TimeServer::new(0, 1, ServerState::default(), 0, NtpAgent::default());
        bench.deliver(&mut s, ME, ME, Msg::Lie(10 * SEC));
        bench.advance(100 * MS);
        let r = the_reply(&bench.deliver(&mut s, ME, CLIENT, request(now)));
        assert_eq!(r.t2, now + 100 * MS + 10 * SEC);
        assert_eq!(r.t3 - r.t2, PROCESSING);
    }

    #[test]
    fn an_unsynchronised_stratum_two_server_says_so() {
        let now = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(now, 0);
        let mut s = TimeServer::new(0, 2, ServerState::default(), 0, NtpAgent::default());
        let r = the_reply(&bench.deliver(&mut s, ME, CLIENT, request(now)));
        assert_eq!((r.stratum, r.leap), (16, Leap::Unsynchronized));
    }
}
