//! The messages in flight at the current instant, for the architecture's map: each
//! message on the network, from the node that sent it to the node it is for, how far
//! along it is (in true time), and what kind of traffic it is.
//!
//! The kernel knows, for each message it has queued, when it left its sender and when
//! it is delivered ([`Kernel::in_flight`]); this module turns that into what the map
//! draws. A node's box on the map is its layer's box, and its row there is its index
//! in the layer ([`Dot::from`], [`Dot::to`]: the nodes' addresses): the crowd is one
//! node for every customer, and so on, whatever layers the run has. A background node
//! on the machine of a node of the request path is drawn at that node's row
//! ([`drawn_at`], [`Dot::from_row`], [`Dot::to_row`]): a reservation server's NTP
//! client at its server, so its packets cross the map.
//!
//! A flash crowd puts thousands of messages on the network at once: [`in_flight`] keeps
//! at most `cap` of them, shared fairly between the arrows (one arrow per sender's
//! layer, receiver's layer and kind), so a lone NTP exchange is not drowned by the
//! crowd's requests, and within an arrow the oldest first, so a dot once shown stays
//! shown until its message is delivered. Every arrow's full count comes with them.
//!
//! Pure and deterministic: the same run at the same instant gives the same list,
//! whether it was played to that instant or sought there.

use crate::kernel::{Addr, Kernel};
use crate::msg::{self, Layer, Msg};
use crate::time::Time;
use serde::Serialize;

/// How many dots the map draws at most (a flash crowd has thousands in flight).
pub const CAP: usize = 40;

/// What a message is, for its colour on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A request on its way to be served: a customer's claim or payment, a
    /// statement to the database, a health check, a poll.
    Request,
    /// An answer going back to whoever asked.
    Reply,
    /// NTP: a client's request to a time server, or its reply.
    Ntp,
    /// Replication: a peer's record of a seat, a database log entry shipped to a
    /// replica, a replica's acknowledgement.
    Replication,
    /// The change feed: a change captured from the database's log, or pushed to a
    /// customer's seat map.
    Feed,
}

impl Kind {
    /// Every kind, in the legend's order.
    pub const ALL: [Kind; 5] = [
        Kind::Request,
        Kind::Reply,
        Kind::Ntp,
        Kind::Replication,
        Kind::Feed,
    ];

    /// Its name (CSS classes, tests).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Reply => "reply",
            Kind::Ntp => "ntp",
            Kind::Replication => "replication",
            Kind::Feed => "feed",
        }
    }
}

/// One message in flight.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Dot {
    /// Its number, unique to the run (the same message keeps it from frame to frame).
    pub id: u64,
    /// The node that sent it.
    pub from: Addr,
    /// The node it is for.
    pub to: Addr,
    /// Where the map draws its sender: the row of [`drawn_at`] its node.
    pub from_row: Addr,
    /// Where the map draws its receiver.
    pub to_row: Addr,
    /// What it is.
    pub kind: Kind,
    /// True time it left its sender.
    pub left: Time,
    /// True time it is delivered.
    pub due: Time,
    /// How far along it is now: 0 as it leaves, 1 as it arrives.
    pub progress: f64,
}

/// The messages in flight from one layer to another, of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Arrow {
    /// The senders' layer.
    pub from: Layer,
    /// The receivers' layer.
    pub to: Layer,
    /// What they are.
    pub kind: Kind,
    /// How many are in flight.
    pub count: u32,
}

/// The messages in flight at one instant.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InFlight {
    /// True time now.
    pub now: Time,
    /// The dots to draw (at most the cap), ordered by arrow, then oldest first.
    pub dots: Vec<Dot>,
    /// Every arrow with messages in flight, ordered by (from, to, kind).
    pub arrows: Vec<Arrow>,
    /// Messages in flight in all (the dots are some of them).
    pub total: u32,
}

/// How far along a message that left at `left` and is delivered at `due` is at
/// `now`: 0 as it leaves, 1 as it arrives (clamped to 0..1; a message with no delay
/// is 1).
pub fn progress(left: Time, due: Time, now: Time) -> f64 {
    let span = due.0 - left.0;
    if span <= 0 {
        return 1.0;
    }
    ((now.0 - left.0) as f64 / span as f64).clamp(0.0, 1.0)
}

/// The node whose row on the map stands for node `a`. A node of a background layer
/// that runs on the host of a node on the request path is drawn at that node's row: a
/// reservation server's NTP client at its server, a database node's NTP client at its
/// database node. Its NTP packets then cross the map from the time servers to the
/// machine whose clock they set, instead of the short gap between the time servers'
/// box and the NTP clients' box beside it. Any other node is drawn at its own row (a
/// time server; a layer added to the core, unless it shares a host the same way).
pub fn drawn_at(k: &Kernel, a: Addr) -> Addr {
    let Some(&host) = k.homes(a.layer).get(a.index as usize) else {
        return a;
    };
    if !a.layer.background() {
        return a;
    }
    Layer::ALL
        .iter()
        .copied()
        .filter(|l| !l.background())
        .find_map(|l| {
            let i = k.homes(l).iter().position(|&h| h == host)?;
            Some(Addr::new(l, i as u16))
        })
        .unwrap_or(a)
}

/// What a message from `from` to `to` is. A layer added to the core whose messages are
/// not named here counts as requests and replies by what they are: requests, unless
/// they are one of the answers listed.
pub fn kind(from: Addr, to: Addr, m: &Msg) -> Kind {
    let ntp = |l: Layer| matches!(l, Layer::TimeServer | Layer::NtpClient | Layer::DataNtp);
    if ntp(from.layer) || ntp(to.layer) {
        return Kind::Ntp;
    }
    match m {
        Msg::Crowd(msg::crowd::Msg::Response { .. }) => Kind::Reply,
        Msg::Crowd(msg::crowd::Msg::Feed(_)) => Kind::Feed,
        Msg::FeedCapture(_) => Kind::Feed,
        Msg::Feed(msg::feed::Msg::Change(_)) => Kind::Feed,
        Msg::Server(msg::server::Msg::Replicate { .. } | msg::server::Msg::Sync(_)) => {
            Kind::Replication
        }
        Msg::Data(msg::data::Msg::Ship { .. } | msg::data::Msg::Ack { .. }) => Kind::Replication,
        Msg::Server(
            msg::server::Msg::DbReply { .. }
            | msg::server::Msg::ReadReply { .. }
            | msg::server::Msg::Stamp { .. }
            | msg::server::Msg::Stamps { .. }
            | msg::server::Msg::Locked { .. },
        )
        | Msg::Gateway(
            msg::gateway::Msg::Reply { .. }
            | msg::gateway::Msg::ConnRefused { .. }
            | msg::gateway::Msg::ProbeOk { .. }
            | msg::gateway::Msg::ProbeRefused { .. },
        )
        | Msg::DataProxy(msg::data::ProxyMsg::Health { .. })
        | Msg::Data(msg::data::Msg::Key { .. } | msg::data::Msg::Written { .. })
        | Msg::DataControl(msg::data::ControlMsg::Promoted { .. })
        | Msg::CacheReaders(
            msg::cache::ReadersMsg::Hit { .. }
            | msg::cache::ReadersMsg::Miss { .. }
            | msg::cache::ReadersMsg::Unavailable { .. }
            | msg::cache::ReadersMsg::Row { .. },
        ) => Kind::Reply,
        _ => Kind::Request,
    }
}

/// The messages on `k`'s network now: at most `cap` dots, shared between the arrows
/// (each arrow in turn gets one more, oldest first, until the cap or every message),
/// and every arrow's count.
pub fn in_flight(k: &Kernel, cap: usize) -> InFlight {
    let now = k.now;
    // (arrow, left, id): the arrow's order, then the oldest first (ties: sent first).
    let mut all: Vec<((Layer, Layer, Kind), Dot)> = k
        .in_flight()
        .map(|(id, left, due, from, to, m)| {
            let kind = kind(from, to, m);
            let dot = Dot {
                id,
                from,
                to,
                kind,
                left,
                due,
                progress: progress(left, due, now),
                // Placed below, for the dots kept only.
                from_row: from,
                to_row: to,
            };
            ((from.layer, to.layer, kind), dot)
        })
        .collect();
    all.sort_unstable_by_key(|(a, d)| (*a, d.left, d.id));
    let mut arrows: Vec<Arrow> = Vec::new();
    // Where each arrow's messages start in `all`.
    let mut starts: Vec<usize> = Vec::new();
    for (i, ((from, to, kind), _)) in all.iter().enumerate() {
        match arrows.last_mut() {
            Some(a) if (a.from, a.to, a.kind) == (*from, *to, *kind) => a.count += 1,
            _ => {
                arrows.push(Arrow {
                    from: *from,
                    to: *to,
                    kind: *kind,
                    count: 1,
                });
                starts.push(i);
            }
        }
    }
    // Round after round, each arrow that has more gives its next oldest.
    let mut taken = vec![0u32; arrows.len()];
    let mut dots = Vec::with_capacity(cap.min(all.len()));
    'rounds: while dots.len() < cap.min(all.len()) {
        for (a, arrow) in arrows.iter().enumerate() {
            if taken[a] < arrow.count {
                dots.push((a, taken[a]));
                taken[a] += 1;
                if dots.len() == cap {
                    break 'rounds;
                }
            }
        }
    }
    dots.sort_unstable();
    InFlight {
        now,
        dots: dots
            .into_iter()
            .map(|(a, n)| {
                let d = all[starts[a] + n as usize].1;
                Dot {
                    from_row: drawn_at(k, d.from),
                    to_row: drawn_at(k, d.to),
                    ..d
                }
            })
            .collect(),
        total: all.len() as u32,
        arrows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{Ev, Topology};
    use crate::msg::{crowd, server, time_server};
    use crate::obs::Decision;
    use crate::time::MS;

    const CROWD: Addr = Addr::new(Layer::Crowd, 0);

    fn server(i: u16) -> Addr {
        Addr::new(Layer::Server, i)
    }

    fn request(req: u32) -> Msg {
        server::Msg::Request(server::Request {
            req,
            customer: req,
            seat: 0,
            kind: crate::world::ReqKind::Claim,
            nbf: Time(0),
        })
        .into()
    }

    fn kernel_at(now: Time) -> Kernel {
        Kernel::new(now, now, Topology::new(0))
    }

    fn send(k: &mut Kernel, from: Addr, to: Addr, msg: Msg, left_ms: i64, due_ms: i64) {
        let ev = Ev::Msg { to, from, msg };
        k.push_sent(Time(due_ms * MS), ev, false, Time(left_ms * MS));
    }

    #[test]
    fn progress_is_the_share_of_the_trip_done() {
        // Sent at 10 ms, delivered at 30 ms, seen at 25 ms: 15 of 20 ms, 0.75.
        let p = |now_ms: i64| progress(Time(10 * MS), Time(30 * MS), Time(now_ms * MS));
        assert_eq!(p(25), 0.75);
        assert_eq!(p(10), 0.0);
        assert_eq!(p(20), 0.5);
        assert_eq!(p(30), 1.0);
        // Outside its trip it sits at an end.
        assert_eq!(p(5), 0.0);
        assert_eq!(p(31), 1.0);
        // No delay: it has arrived.
        assert_eq!(progress(Time(7), Time(7), Time(7)), 1.0);
    }

    #[test]
    fn the_kernel_lists_messages_sent_and_not_delivered() {
        let mut k = kernel_at(Time(25 * MS));
        send(&mut k, CROWD, server(1), request(1), 10, 30);
        // Not yet left: waiting for its sender's CPU until 26 ms.
        send(&mut k, CROWD, server(0), request(2), 26, 40);
        // A timer (a node's message to itself) and a kernel event are not messages.
        k.push(
            Time(40 * MS),
            Ev::Msg {
                to: CROWD,
                from: CROWD,
                msg: crowd::Msg::Deadline.into(),
            },
            false,
        );
        k.push(Time(50 * MS), Ev::Sys(crate::kernel::Sys::Sample), true);
        let f = in_flight(&k, CAP);
        assert_eq!(f.total, 1);
        assert_eq!(
            f.dots,
            vec![Dot {
                id: 1,
                from: CROWD,
                to: server(1),
                kind: Kind::Request,
                left: Time(10 * MS),
                due: Time(30 * MS),
                progress: 0.75,
                from_row: CROWD,
                to_row: server(1),
            }]
        );
        assert_eq!(
            f.arrows,
            vec![Arrow {
                from: Layer::Crowd,
                to: Layer::Server,
                kind: Kind::Request,
                count: 1
            }]
        );
    }

    #[test]
    fn kinds_follow_what_the_message_is() {
        let ts = Addr::new(Layer::TimeServer, 0);
        let client = Addr::new(Layer::NtpClient, 2);
        let answer = crowd::Msg::Response {
            req: 1,
            decision: Decision::Confirmed,
        }
        .into();
        assert_eq!(kind(CROWD, server(0), &request(1)), Kind::Request);
        assert_eq!(kind(server(0), CROWD, &answer), Kind::Reply);
        let ntp = time_server::Msg::Wake(0);
        assert_eq!(kind(client, ts, &ntp.clone().into()), Kind::Ntp);
        assert_eq!(kind(ts, client, &ntp.into()), Kind::Ntp);
        let peer = server::Msg::Replicate {
            seat: 3,
            rec: crate::world::Record {
                gen: 0,
                req: 1,
                stamp: Time(0),
                server: 0,
                paid: false,
                released: false,
                order: crate::world::Order::of_time(Time(0)),
            },
        };
        assert_eq!(kind(server(0), server(2), &peer.into()), Kind::Replication);
        let db = Addr::new(Layer::Database, 0);
        let decided = server::Msg::DbReply {
            req: 1,
            decision: Decision::Confirmed,
        };
        assert_eq!(kind(db, server(0), &decided.into()), Kind::Reply);
    }

    /// 100 requests from the crowd and 3 NTP packets: 40 dots, the 3 NTP ones among
    /// them (each arrow takes its turn), the 37 oldest requests; the counts are whole.
    #[test]
    fn the_cap_shares_the_dots_between_the_arrows_oldest_first() {
        let mut k = kernel_at(Time(500 * MS));
        for i in 0..100 {
            // Sent at 400 + i ms, so the first sent are the oldest.
            send(
                &mut k,
                CROWD,
                server((i % 5) as u16),
                request(i),
                400 + i as i64,
                600,
            );
        }
        let ts = Addr::new(Layer::TimeServer, 1);
        let client = Addr::new(Layer::NtpClient, 0);
        for i in 0..3 {
            let m = time_server::Msg::Wake(0);
            send(&mut k, client, ts, m.into(), 450 + i, 520);
        }
        let f = in_flight(&k, CAP);
        assert_eq!(f.total, 103);
        assert_eq!(f.dots.len(), 40);
        let counts: Vec<(Layer, Layer, Kind, u32)> = f
            .arrows
            .iter()
            .map(|a| (a.from, a.to, a.kind, a.count))
            .collect();
        assert_eq!(
            counts,
            vec![
                (Layer::Crowd, Layer::Server, Kind::Request, 100),
                (Layer::NtpClient, Layer::TimeServer, Kind::Ntp, 3),
            ]
        );
        let ntp = f.dots.iter().filter(|d| d.kind == Kind::Ntp).count();
        assert_eq!(ntp, 3);
        // The requests shown are the 37 sent first (ids 1 to 37, left 400 to 436 ms).
        let ids: Vec<u64> = f
            .dots
            .iter()
            .filter(|d| d.kind == Kind::Request)
            .map(|d| d.id)
            .collect();
        assert_eq!(ids, (1..=37).collect::<Vec<u64>>());
        // Sent at 400 ms, due at 600 ms, seen at 500 ms: halfway.
        assert_eq!(f.dots[0].progress, 0.5);
        // Fewer than the cap: all of them.
        assert_eq!(in_flight(&k, 200).dots.len(), 103);
        assert!(in_flight(&k, 0).dots.is_empty());
    }

    /// A real run: a customer scripted to click at 10:00:05 through server-2, on a
    /// client link of exactly 20 ms (no jitter, no loss). 15 ms later their request
    /// is three quarters of the way from the crowd's box to server-2's row.
    #[test]
    fn a_scripted_click_flies_from_the_crowd_to_its_server() {
        let mut cfg = crate::presets::preset("reset").unwrap();
        cfg.crowd.customers = 1;
        cfg.network.client.base_ms = 20.0;
        cfg.network.client.jitter = crate::net::Jitter::None;
        cfg.network.client.loss = 0.0;
        let mut sim = crate::Sim::new(cfg).unwrap();
        let at = Time::from_hms(10, 0, 5);
        let customer = sim.script_click(at, 7, 1).unwrap();
        sim.run_until(at + 15 * MS);
        let f = in_flight(sim.kernel(), CAP);
        let mine: Vec<&Dot> = f.dots.iter().filter(|d| d.left == at).collect();
        assert_eq!(mine.len(), 1, "{f:?}");
        let d = mine[0];
        assert_eq!((d.from, d.to, d.kind), (CROWD, server(1), Kind::Request));
        assert_eq!(d.due, at + 20 * MS);
        assert_eq!(d.progress, 0.75);
        // Delivered: gone from the list; the answer flies back to the crowd.
        sim.run_until(at + 25 * MS);
        let f = in_flight(sim.kernel(), CAP);
        assert!(!f.dots.iter().any(|x| x.id == d.id));
        let _ = customer;
    }

    /// `synced`: every reservation server's NTP client runs on its server's host, so
    /// its packets are drawn from (or to) that server's row; the time servers keep
    /// their own rows, and so does everything on the request path.
    #[test]
    fn ntp_packets_are_drawn_at_the_server_whose_clock_they_set() {
        let cfg = crate::presets::preset("synced").unwrap();
        let mut sim = crate::Sim::new(cfg).unwrap();
        let mut ntp = Vec::new();
        let mut at = sim.kernel().now;
        while ntp.len() < 6 {
            at += 5 * MS;
            sim.run_until(at);
            assert!(!sim.finished());
            let f = in_flight(sim.kernel(), CAP);
            ntp.extend(f.dots.iter().filter(|d| d.kind == Kind::Ntp).copied());
            for d in f.dots.iter().filter(|d| d.kind != Kind::Ntp) {
                assert_eq!((d.from_row, d.to_row), (d.from, d.to), "{d:?}");
            }
        }
        let mut clients = 0;
        for d in &ntp {
            for (node, row) in [(d.from, d.from_row), (d.to, d.to_row)] {
                match node.layer {
                    Layer::NtpClient => {
                        clients += 1;
                        assert_eq!(row, server(node.index), "{d:?}");
                    }
                    _ => assert_eq!(row, node, "{d:?}"),
                }
            }
        }
        assert!(clients > 0, "{ntp:?}");
        // A node no host holds (a hand-made kernel) stays at its own row.
        let client = Addr::new(Layer::NtpClient, 3);
        assert_eq!(drawn_at(&kernel_at(Time(0)), client), client);
    }

    /// Seeking to an instant (from a checkpoint) shows the very dots that playing to
    /// it shows.
    #[test]
    fn seeking_shows_the_same_dots_as_playing() {
        let mut cfg = crate::presets::preset("synced").unwrap();
        cfg.crowd.customers = 300;
        // The first instant, on a 7 ms grid from the opening, with at least 5
        // messages in flight (requests, answers, replication).
        let mut played = crate::Sim::new(cfg.clone()).unwrap();
        let mut at = cfg.sale.opening();
        played.run_until(at);
        while in_flight(played.kernel(), CAP).total < 5 {
            at += 7 * MS;
            played.run_until(at);
            assert!(!played.finished());
        }
        let mut tl = crate::timeline::Timeline::new(cfg, &[]).unwrap();
        tl.seek(crate::timeline::Pos::At(at + 40 * crate::time::SEC));
        tl.seek(crate::timeline::Pos::At(at));
        let a = in_flight(played.kernel(), CAP);
        let b = in_flight(tl.sim().kernel(), CAP);
        assert!(a.total > 0);
        assert_eq!(a, b);
        // Every dot is on its way, from one node to another.
        for d in &a.dots {
            assert!((0.0..=1.0).contains(&d.progress));
            assert!(d.left <= at && at <= d.due);
            assert_ne!(d.from, d.to);
        }
    }
}
