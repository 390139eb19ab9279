//! The timestamp oracle (`tso`): the original report's "centralised time service",
//! done as Percolator and TiDB do it. One service on a host of its own hands out
//! strictly increasing timestamps; a reservation server asks it for one before it
//! stamps a claim (one round trip on the data centre's network), and settles
//! contended seats by the oracle's timestamps instead of its own clock.
//!
//! What it guarantees: claims are ordered as they reached the oracle, in true time,
//! whatever the servers' clocks (its timestamps never go backwards, even if its own
//! clock did). What it does not: two claims whose order reversed between the servers
//! and the oracle (within the LAN's jitter) are ordered as the oracle saw them; every
//! claim pays a round trip; it is a single point of failure: while it is down or cut
//! off (`tso.outages`) no claim can be stamped, and the servers refuse them after
//! `tso.timeout_ms` ("no timestamp", [`crate::log::Refusal::NoTimestamp`]) rather
//! than fall back to their own clocks, which would bring back every anomaly it cures.
//!
//! Batching (`tso.batch` above 1), as TiDB's clients ask PD for timestamps: a server
//! gathers the claims arriving within `tso.batch_window_ms` of the first (or until it
//! has `tso.batch` of them) and asks for them all in one message; the oracle hands out
//! that many consecutive timestamps in one answer. One round trip and one message for
//! the batch instead of one each, at the price of the window's wait. The order is
//! kept: a batch is stamped when it reaches the oracle, its claims in the order they
//! reached their server.

use crate::clock::{Clock, ClockConfig};
use crate::config::{Config, Policy};
use crate::host::Host;
use crate::kernel::{Build, Cut, Cx, Kernel, Node, Route};
pub use crate::msg::tso::Msg;
use crate::msg::{server, Addr, Layer};
use crate::net::Way;
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::Time;
use crate::world::Order;

/// The oracle's random stream.
pub const STREAM: u64 = 3000;

/// The timestamp oracle.
#[derive(Clone, Debug, Default)]
pub struct Oracle {
    /// The last timestamp handed out.
    last: Time,
    /// How many it handed out.
    handed: u64,
    /// How many asks it answered (a batch is one).
    asks: u64,
}

impl Oracle {
    /// A fresh oracle.
    pub fn new() -> Oracle {
        Oracle::default()
    }

    /// The last timestamp handed out.
    pub fn last(&self) -> Time {
        self.last
    }

    /// The next timestamp: its clock's reading, or one more than the last if the clock
    /// has not moved past it (strictly increasing, even if the clock steps back).
    fn next(&mut self, clock: Time) -> Time {
        self.next_n(clock, 1)
    }

    /// The first of `n` consecutive timestamps (`first`, `first` + 1 ns, …), `first`
    /// as [`Oracle::next`] gives it; the last handed out is `first` + `n` − 1.
    fn next_n(&mut self, clock: Time, n: usize) -> Time {
        let first = clock.max(self.last + 1);
        self.last = first + (n as i64 - 1);
        self.handed += n as u64;
        first
    }
}

impl Node for Oracle {
    type Msg = Msg;

    fn on_msg(&mut self, from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Ask { req, seat, stamp } => {
                self.asks += 1;
                let clock = cx.local();
                let ts = self.next(clock);
                cx.observe(Obs::Ordered {
                    req,
                    order: Order::of_time(ts),
                });
                cx.send(
                    from,
                    server::Msg::Stamp {
                        req,
                        seat,
                        stamp,
                        ts,
                    },
                );
            }
            Msg::Batch(asks) => {
                self.asks += 1;
                let first = self.next_n(cx.local(), asks.len());
                for (i, a) in asks.iter().enumerate() {
                    cx.observe(Obs::Ordered {
                        req: a.req,
                        order: Order::of_time(first + i as i64),
                    });
                }
                cx.send(from, server::Msg::Stamps { first, asks });
            }
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("timestamps", self.handed as f64),
            ("asks", self.asks as f64),
        ]
    }
}

impl Build for Oracle {
    /// Under `tso` only: one oracle on a host of its own with an exact clock (stream
    /// [`STREAM`]), reached over the `lan` by datagrams (an ask or an answer sent while
    /// it is cut off is lost), cut off during `tso.outages`. Under any other policy, no
    /// node and no host, so those runs are unchanged.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Oracle> {
        if cfg.policy != Policy::Tso {
            return Vec::new();
        }
        let clock = Clock::new(&ClockConfig::default(), cfg.sale.start());
        let h = k.add_host(Host::new("tso", clock, Rng::stream(cfg.seed, STREAM)));
        k.place(Layer::Tso, h);
        for o in &cfg.tso.outages {
            k.topology.cut(Cut {
                host: h,
                from: Time::from_secs_f64(o.from_s),
                to: Time::from_secs_f64(o.to_s),
                only: None,
            });
        }
        let lan = k.topology.shared_link("lan", &cfg.network.lan);
        let r = |way| Route {
            link: Some(lan),
            way,
            reliable: false,
        };
        k.topology.connect(Layer::Server, Layer::Tso, r(Way::Out));
        k.topology.connect(Layer::Tso, Layer::Server, r(Way::Back));
        vec![Oracle::new()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, Bench};
    use crate::msg::Msg as AnyMsg;
    use crate::time::{MS, SEC};

    const ME: Addr = Addr::new(Layer::Tso, 0);

    fn ask(bench: &mut Bench, o: &mut Oracle, server: u16, req: u32) -> (Time, Vec<Obs>) {
        let from = Addr::new(Layer::Server, server);
        let stamp = Time(7);
        let cmds = bench.deliver(
            o,
            ME,
            from,
            Msg::Ask {
                req,
                seat: 3,
                stamp,
            },
        );
        let sent = sends(&cmds);
        assert_eq!(sent.len(), 1, "one answer");
        let (to, msg) = &sent[0];
        assert_eq!(*to, from, "to the server that asked");
        match msg {
            AnyMsg::Server(server::Msg::Stamp {
                req: r,
                seat: 3,
                stamp: s,
                ts,
            }) if *r == req && *s == stamp => (*ts, observations(&cmds)),
            other => panic!("a stamp expected: {other:?}"),
        }
    }

    #[test]
    fn timestamps_follow_the_oracles_clock_and_never_repeat() {
        let t = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(t, 0);
        let mut o = Oracle::new();
        let (a, obs) = ask(&mut bench, &mut o, 0, 1);
        assert_eq!(a, t, "its clock, exact");
        assert_eq!(
            obs,
            vec![Obs::Ordered {
                req: 1,
                order: Order::of_time(t)
            }]
        );
        // Two asks in the same nanosecond, from two servers: one apart.
        let (b, _) = ask(&mut bench, &mut o, 1, 2);
        assert_eq!(b, t + 1);
        bench.advance(3 * MS);
        let (c, _) = ask(&mut bench, &mut o, 2, 3);
        assert_eq!(c, t + 3 * MS);
    }

    #[test]
    fn a_clock_stepped_back_does_not_take_timestamps_back() {
        let t = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(t, 0);
        let mut o = Oracle::new();
        let (a, _) = ask(&mut bench, &mut o, 0, 1);
        bench.host.clock.step(t, -2 * SEC);
        bench.advance(MS);
        let (b, _) = ask(&mut bench, &mut o, 0, 2);
        assert_eq!(b, a + 1, "strictly increasing");
        assert_eq!(o.figures(), vec![("timestamps", 2.0), ("asks", 2.0)]);
    }

    #[test]
    fn a_batch_gets_consecutive_timestamps_in_one_answer() {
        let t = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(t, 0);
        let mut o = Oracle::new();
        // One claim asked alone first: t. Then a batch of three in the same
        // nanosecond: t + 1, t + 2, t + 3, in the order asked, in one answer.
        let (a, _) = ask(&mut bench, &mut o, 0, 1);
        assert_eq!(a, t);
        let asks: Vec<crate::msg::tso::Asked> = [(5, 2), (6, 2), (7, 9)]
            .iter()
            .map(|&(req, seat)| crate::msg::tso::Asked {
                req,
                seat,
                stamp: Time(11),
            })
            .collect();
        let from = Addr::new(Layer::Server, 1);
        let cmds = bench.deliver(&mut o, ME, from, Msg::Batch(asks.clone().into()));
        let sent = sends(&cmds);
        assert_eq!(sent.len(), 1, "one answer for the batch");
        match &sent[0] {
            (to, AnyMsg::Server(server::Msg::Stamps { first, asks: back }))
                if *to == from && **back == asks[..] =>
            {
                assert_eq!(*first, t + 1)
            }
            other => panic!("stamps expected: {other:?}"),
        }
        assert_eq!(
            observations(&cmds),
            vec![
                Obs::Ordered {
                    req: 5,
                    order: Order::of_time(t + 1)
                },
                Obs::Ordered {
                    req: 6,
                    order: Order::of_time(t + 2)
                },
                Obs::Ordered {
                    req: 7,
                    order: Order::of_time(t + 3)
                },
            ]
        );
        // The next ask, 1 ms later by its clock: its clock again.
        bench.advance(MS);
        let (b, _) = ask(&mut bench, &mut o, 2, 8);
        assert_eq!(b, t + MS);
        assert_eq!(o.figures(), vec![("timestamps", 5.0), ("asks", 3.0)]);
    }
}
