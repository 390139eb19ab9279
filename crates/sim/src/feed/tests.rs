//! Unit tests of the capture, the service and a customer's map, one message at a time.

use super::client::Maps;
use super::config::{Capture as Mode, FeedConfig, Transport};
use super::*;
use crate::kernel::testing::{observations, sends, timers, Bench};
use crate::kernel::Cmd;
use crate::msg::crowd::Msg as CrowdMsg;
use crate::msg::Msg as AnyMsg;
use crate::time::{MS, SEC};

const T0: Time = Time(36_000 * SEC);

fn cfg(transport: Transport, capture: Mode) -> FeedConfig {
    FeedConfig {
        enabled: true,
        transport,
        capture,
        ..Default::default()
    }
}

fn change(lsn: u32, seat: u32, free: bool, stamp: Time) -> Msg {
    Msg::Change(Change {
        lsn,
        seat,
        free,
        stamp,
    })
}

/// The items sent to browsers, with their departure delay.
fn items(cmds: &[Cmd]) -> Vec<(Item, Depart)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Send {
                msg: AnyMsg::Crowd(CrowdMsg::Feed(i)),
                depart,
                ..
            } => Some((*i, *depart)),
            _ => None,
        })
        .collect()
}

fn connect(c: CustomerId, from: Pos, latency_ns: i64) -> Msg {
    Msg::Connect {
        customer: c,
        from,
        latency_ns,
    }
}

fn poll(c: CustomerId, since: Pos) -> Msg {
    Msg::Poll {
        customer: c,
        since,
        latency_ns: 30 * MS,
    }
}

#[test]
fn the_capture_stamps_each_commit_with_the_database_clock_and_replays_its_log() {
    // The database's clock is 1.5 s fast.
    let mut b = Bench::new(T0, 1_500 * MS);
    let mut cap = Capture::new(true);
    let out = b.deliver(
        &mut cap,
        CAPTURE,
        CAPTURE,
        CaptureMsg::Commit {
            seat: 7,
            free: false,
        },
    );
    assert_eq!(observations(&out), vec![Obs::FeedCaptured { lsn: 0 }]);
    let sent = sends(&out);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, SERVICE);
    let stamp = T0 + 1_500 * MS;
    assert_eq!(sent[0].1, change(0, 7, false, stamp).into());
    b.advance(SEC);
    b.deliver(
        &mut cap,
        CAPTURE,
        CAPTURE,
        CaptureMsg::Commit {
            seat: 8,
            free: true,
        },
    );
    b.deliver(
        &mut cap,
        CAPTURE,
        CAPTURE,
        CaptureMsg::Commit {
            seat: 7,
            free: true,
        },
    );
    // A replay from position 1: entries 1 and 2, in order, with their first stamps.
    let out = b.deliver(&mut cap, CAPTURE, SERVICE, CaptureMsg::Resume { lsn: 1 });
    let lsns: Vec<u32> = sends(&out)
        .into_iter()
        .map(|(_, m)| match m {
            AnyMsg::Feed(Msg::Change(c)) => c.lsn,
            m => panic!("{m:?}"),
        })
        .collect();
    assert_eq!(lsns, vec![1, 2]);
    // A broadcast keeps nothing to replay.
    let mut notify = Capture::new(false);
    b.deliver(
        &mut notify,
        CAPTURE,
        CAPTURE,
        CaptureMsg::Commit {
            seat: 1,
            free: false,
        },
    );
    let out = b.deliver(&mut notify, CAPTURE, SERVICE, CaptureMsg::Resume { lsn: 0 });
    assert!(sends(&out).is_empty());
}

#[test]
fn sse_pushes_each_change_to_every_open_connection_after_its_latency() {
    // The service's clock is 2 s slow: it reports the lag 2 s short.
    let mut b = Bench::new(T0, -2 * SEC);
    let mut s = Service::new(&cfg(Transport::Sse, Mode::Log));
    b.deliver(&mut s, SERVICE, CROWD, connect(3, FROM_NOW, 40 * MS));
    b.deliver(&mut s, SERVICE, CROWD, connect(5, FROM_NOW, 90 * MS));
    // Committed 300 ms ago by an exact database clock.
    let out = b.deliver(
        &mut s,
        SERVICE,
        CAPTURE,
        change(0, 12, false, T0 - 300 * MS),
    );
    assert_eq!(
        observations(&out),
        vec![Obs::FeedPublished {
            lsn: 0,
            reported_ns: -2 * SEC + 300 * MS
        }]
    );
    let got = items(&out);
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].0.customer, got[0].0.seat, got[0].0.pos), (3, 12, 0));
    assert_eq!(got[0].1, Depart::After(40 * MS));
    assert_eq!(got[1].0.customer, 5);
    assert_eq!(got[1].1, Depart::After(90 * MS));
    // Customer 5 leaves; customer 3 gets the next change alone.
    b.deliver(&mut s, SERVICE, CROWD, Msg::Disconnect { customer: 5 });
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(1, 13, false, T0));
    let got = items(&out);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.customer, got[0].0.pos), (3, 1));
    // A reconnection with Last-Event-ID 0 gets what it missed at once.
    let out = b.deliver(&mut s, SERVICE, CROWD, connect(5, 1, 90 * MS));
    let got = items(&out);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.customer, got[0].0.lsn), (5, 1));
}

#[test]
fn an_idle_connection_is_closed_and_told_so() {
    let mut b = Bench::new(T0, 0);
    let mut s = Service::new(&cfg(Transport::Sse, Mode::Log));
    let start = b.with(SERVICE, |cx| s.start(cx));
    // The commit timer and the idle check, every half timeout.
    assert!(timers(&start).contains(&(15 * SEC, Msg::IdleCheck.into())));
    b.deliver(&mut s, SERVICE, CROWD, connect(1, FROM_NOW, 10 * MS));
    b.advance(20 * SEC);
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::IdleCheck);
    assert!(items(&out).is_empty(), "20 s idle: still open");
    b.advance(10 * SEC);
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::IdleCheck);
    let got = items(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0.kind, ItemKind::Closed);
    assert_eq!(s.connections(), 0);
}

#[test]
fn short_polling_answers_at_once_with_what_changed_since() {
    let mut b = Bench::new(T0, 0);
    let mut s = Service::new(&cfg(Transport::ShortPolling, Mode::Log));
    // A first poll learns where the stream is.
    let out = b.deliver(&mut s, SERVICE, CROWD, poll(2, FROM_NOW));
    let got = items(&out);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.kind, got[0].0.pos), (ItemKind::Empty, 0));
    // Changes are not pushed.
    assert!(items(&b.deliver(&mut s, SERVICE, CAPTURE, change(0, 4, false, T0))).is_empty());
    assert!(items(&b.deliver(&mut s, SERVICE, CAPTURE, change(1, 5, false, T0))).is_empty());
    let out = b.deliver(&mut s, SERVICE, CROWD, poll(2, 0));
    let kinds: Vec<(ItemKind, u32)> = items(&out).iter().map(|(i, _)| (i.kind, i.seat)).collect();
    assert_eq!(
        kinds,
        vec![(ItemKind::Change, 4), (ItemKind::LastChange, 5)]
    );
    assert_eq!(s.requests, 2);
}

#[test]
fn long_polling_parks_the_poll_until_a_change() {
    let mut b = Bench::new(T0, 0);
    let mut s = Service::new(&cfg(Transport::LongPolling, Mode::Log));
    let out = b.deliver(&mut s, SERVICE, CROWD, poll(2, 0));
    assert!(items(&out).is_empty(), "nothing yet: the poll waits");
    assert_eq!(s.connections(), 1);
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(0, 9, true, T0));
    let got = items(&out);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.kind, got[0].0.seat), (ItemKind::LastChange, 9));
    assert_eq!(s.connections(), 0, "answered: the browser asks again");
}

#[test]
fn a_broadcast_sent_while_the_listener_is_down_is_lost() {
    let mut b = Bench::new(T0, 0);
    let mut s = Service::new(&cfg(Transport::Sse, Mode::Notify));
    b.deliver(&mut s, SERVICE, CROWD, connect(1, FROM_NOW, 10 * MS));
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::ListenerDown);
    assert_eq!(observations(&out), vec![Obs::FeedListener { up: false }]);
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(0, 3, false, T0));
    assert!(observations(&out).is_empty() && items(&out).is_empty());
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::ListenerUp);
    assert!(sends(&out).is_empty(), "nothing to resume from: lost");
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(1, 4, false, T0));
    assert_eq!(items(&out).len(), 1);
    assert_eq!(s.published(), 1);
}

#[test]
fn the_log_feed_resumes_from_its_last_commit_delivering_some_changes_twice() {
    let mut b = Bench::new(T0, 0);
    let mut s = Service::new(&cfg(Transport::Sse, Mode::Log));
    b.deliver(&mut s, SERVICE, CROWD, connect(1, FROM_NOW, 10 * MS));
    for lsn in 0..3 {
        b.deliver(&mut s, SERVICE, CAPTURE, change(lsn, lsn, false, T0));
    }
    b.deliver(&mut s, SERVICE, SERVICE, Msg::CommitOffset);
    for lsn in 3..5 {
        b.deliver(&mut s, SERVICE, CAPTURE, change(lsn, lsn, false, T0));
    }
    b.deliver(&mut s, SERVICE, SERVICE, Msg::ListenerDown);
    b.deliver(&mut s, SERVICE, CAPTURE, change(5, 5, false, T0));
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::ListenerUp);
    assert_eq!(
        sends(&out),
        vec![(CAPTURE, CaptureMsg::Resume { lsn: 3 }.into())]
    );
    // The replay: 3 and 4 again (read after the commit), then 5 (missed), once each.
    let mut pushed = Vec::new();
    for lsn in 3..6 {
        let out = b.deliver(&mut s, SERVICE, CAPTURE, change(lsn, lsn, false, T0));
        pushed.extend(items(&out).into_iter().map(|(i, _)| i.lsn));
    }
    assert_eq!(pushed, vec![3, 4, 5]);
    assert_eq!(s.published(), 8, "0..5 once, 3 and 4 twice");
    // A change read before the replay started over, arriving late, is not published
    // out of order.
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(4, 4, false, T0));
    assert!(items(&out).is_empty());
}

#[test]
fn batching_sends_what_gathered_at_each_flush() {
    let mut b = Bench::new(T0, 0);
    let mut s = Service::new(&FeedConfig {
        batch_ms: 500.0,
        ..cfg(Transport::Sse, Mode::Log)
    });
    b.deliver(&mut s, SERVICE, CROWD, connect(1, FROM_NOW, 10 * MS));
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(0, 1, false, T0));
    assert!(items(&out).is_empty());
    assert_eq!(timers(&out), vec![(500 * MS, Msg::Flush.into())]);
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(1, 2, false, T0));
    assert!(timers(&out).is_empty(), "one flush armed");
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::Flush);
    assert_eq!(items(&out).len(), 2);
}

#[test]
fn notify_then_fetch_pings_once_and_the_fetch_gets_the_changes() {
    let mut b = Bench::new(T0, 0);
    let mut s = Service::new(&FeedConfig {
        notify_fetch: true,
        ..cfg(Transport::Sse, Mode::Log)
    });
    b.deliver(&mut s, SERVICE, CROWD, connect(1, FROM_NOW, 10 * MS));
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(0, 1, false, T0));
    assert_eq!(items(&out)[0].0.kind, ItemKind::Ping);
    let out = b.deliver(&mut s, SERVICE, CAPTURE, change(1, 2, false, T0));
    assert!(
        items(&out).is_empty(),
        "already pinged: its fetch will get it"
    );
    let out = b.deliver(&mut s, SERVICE, CROWD, poll(1, 0));
    let got: Vec<u32> = items(&out).iter().map(|(i, _)| i.lsn).collect();
    assert_eq!(got, vec![0, 1]);
    assert_eq!(s.requests, 2, "the connection and one fetch");
}

#[test]
fn a_map_applies_each_change_once_and_reconnects_after_a_close() {
    let mut b = Bench::new(T0, 0);
    let mut maps = Maps::new(&FeedConfig {
        latency_ms: 0.0,
        ..cfg(Transport::Sse, Mode::Log)
    });
    let me = CROWD;
    let out = b.with(me, |cx| maps.open(4, cx));
    assert_eq!(sends(&out), vec![(SERVICE, connect(4, FROM_NOW, 0).into())]);
    assert!(maps.shows_free(4, 10), "the board shows every seat free");
    let item = |lsn: u32, pos: Pos, free: bool| Item {
        customer: 4,
        kind: ItemKind::Change,
        pos,
        lsn,
        seat: 10,
        free,
    };
    let out = b.with(me, |cx| maps.on_item(item(5, 0, false), cx));
    assert!(!maps.shows_free(4, 10));
    assert_eq!(
        observations(&out),
        vec![Obs::FeedApplied {
            customer: 4,
            lsn: 5,
            dup: false
        }]
    );
    b.with(me, |cx| maps.on_item(item(6, 1, true), cx));
    assert!(maps.shows_free(4, 10));
    // A replayed change 5 must not take the seat back: dropped as a duplicate.
    let out = b.with(me, |cx| maps.on_item(item(5, 2, false), cx));
    assert!(maps.shows_free(4, 10));
    assert_eq!(
        observations(&out),
        vec![Obs::FeedApplied {
            customer: 4,
            lsn: 5,
            dup: true
        }]
    );
    // Closed for idleness: back after the retry delay, from the next position.
    let closed = Item {
        kind: ItemKind::Closed,
        pos: 3,
        ..item(0, 0, false)
    };
    let out = b.with(me, |cx| maps.on_item(closed, cx));
    assert_eq!(timers(&out), vec![(3 * SEC, CrowdMsg::FeedRetry(4).into())]);
    let out = b.with(me, |cx| maps.on_retry(4, cx));
    assert_eq!(sends(&out), vec![(SERVICE, connect(4, 3, 0).into())]);
    // Gone: the connection closes and nothing is applied any more.
    let out = b.with(me, |cx| maps.close(4, cx));
    assert_eq!(
        sends(&out),
        vec![(SERVICE, Msg::Disconnect { customer: 4 }.into())]
    );
    let out = b.with(me, |cx| maps.on_item(item(7, 3, false), cx));
    assert!(out.is_empty());
}

#[test]
fn short_polling_maps_poll_again_after_the_interval() {
    let mut b = Bench::new(T0, 0);
    let mut maps = Maps::new(&FeedConfig {
        latency_ms: 0.0,
        ..cfg(Transport::ShortPolling, Mode::Log)
    });
    let out = b.with(CROWD, |cx| maps.open(1, cx));
    assert_eq!(sends(&out), vec![(SERVICE, poll_at(1, FROM_NOW).into())]);
    let empty = Item {
        customer: 1,
        kind: ItemKind::Empty,
        pos: 7,
        lsn: 0,
        seat: 0,
        free: false,
    };
    let out = b.with(CROWD, |cx| maps.on_item(empty, cx));
    assert_eq!(timers(&out), vec![(5 * SEC, CrowdMsg::FeedPoll(1).into())]);
    let out = b.with(CROWD, |cx| maps.on_poll_timer(1, cx));
    assert_eq!(sends(&out), vec![(SERVICE, poll_at(1, 7).into())]);
}

fn poll_at(c: CustomerId, since: Pos) -> Msg {
    Msg::Poll {
        customer: c,
        since,
        latency_ns: 0,
    }
}

#[test]
fn a_live_switch_drops_open_connections_and_answers_parked_polls() {
    let mut b = Bench::new(T0, 0);
    // Push: two connections open; switched to short polling, none is kept and a
    // change is no longer pushed.
    let mut s = Service::new(&cfg(Transport::Sse, Mode::Log));
    b.deliver(&mut s, SERVICE, CROWD, connect(1, FROM_NOW, 10 * MS));
    b.deliver(&mut s, SERVICE, CROWD, connect(2, FROM_NOW, 10 * MS));
    assert_eq!(s.connections(), 2);
    let out = b.deliver(
        &mut s,
        SERVICE,
        SERVICE,
        Msg::SetTransport(Transport::ShortPolling),
    );
    assert!(items(&out).is_empty());
    assert_eq!(
        (s.connections(), s.transport()),
        (0, Transport::ShortPolling)
    );
    assert!(items(&b.deliver(&mut s, SERVICE, CAPTURE, change(0, 4, false, T0))).is_empty());
    // Long polling: a parked poll is answered at the switch (empty: nothing new), so
    // that its browser goes on with the new transport.
    let mut s = Service::new(&cfg(Transport::LongPolling, Mode::Log));
    b.deliver(&mut s, SERVICE, CROWD, poll(3, FROM_NOW));
    assert_eq!(s.connections(), 1);
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::SetTransport(Transport::Sse));
    let got = items(&out);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.customer, got[0].0.kind), (3, ItemKind::Empty));
    assert_eq!(
        got[0].1,
        Depart::After(30 * MS),
        "after its connection's latency"
    );
    assert_eq!(s.connections(), 0);
    // Back on push, the idle check is armed again (it had stopped under polling).
    let mut s = Service::new(&cfg(Transport::ShortPolling, Mode::Log));
    let out = b.deliver(&mut s, SERVICE, SERVICE, Msg::SetTransport(Transport::Sse));
    assert_eq!(timers(&out), vec![(15 * SEC, Msg::IdleCheck.into())]);
}

#[test]
fn a_live_switch_moves_each_map_to_the_new_transport_once() {
    let mut b = Bench::new(T0, 0);
    let mut maps = Maps::new(&FeedConfig {
        latency_ms: 0.0,
        ..cfg(Transport::Sse, Mode::Log)
    });
    b.with(CROWD, |cx| maps.open(4, cx));
    let change = Item {
        customer: 4,
        kind: ItemKind::Change,
        pos: 6,
        lsn: 9,
        seat: 10,
        free: false,
    };
    b.with(CROWD, |cx| maps.on_item(change, cx));
    // SSE → short polling: the connection closes, the first poll asks from the
    // position after the last change it had, at once.
    let out = b.with(CROWD, |cx| maps.set_transport(Transport::ShortPolling, cx));
    assert_eq!(
        sends(&out),
        vec![
            (SERVICE, Msg::Disconnect { customer: 4 }.into()),
            (SERVICE, poll_at(4, 7).into())
        ]
    );
    let empty = Item {
        kind: ItemKind::Empty,
        pos: 7,
        ..change
    };
    let out = b.with(CROWD, |cx| maps.on_item(empty, cx));
    assert_eq!(timers(&out), vec![(5 * SEC, CrowdMsg::FeedPoll(4).into())]);
    // → long polling while that timer is pending: a poll at once; the old timer, when
    // it fires, sends nothing.
    let out = b.with(CROWD, |cx| maps.set_transport(Transport::LongPolling, cx));
    assert_eq!(sends(&out), vec![(SERVICE, poll_at(4, 7).into())]);
    assert!(b.with(CROWD, |cx| maps.on_poll_timer(4, cx)).is_empty());
    // → SSE while the long poll is parked: nothing yet; its answer opens the
    // connection from where the answer left it.
    let out = b.with(CROWD, |cx| maps.set_transport(Transport::Sse, cx));
    assert!(sends(&out).is_empty());
    let answer = Item {
        kind: ItemKind::LastChange,
        pos: 7,
        lsn: 10,
        ..change
    };
    let out = b.with(CROWD, |cx| maps.on_item(answer, cx));
    assert_eq!(sends(&out), vec![(SERVICE, connect(4, 8, 0).into())]);
    assert!(timers(&out).is_empty());
}
