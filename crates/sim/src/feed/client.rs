//! The customers' side of the change feed: each customer's own seat map, loaded with
//! the page and kept up to date by the feed, as stale as its feed.
//!
//! A customer loads the page (the seat map as it is then), opens a connection (push)
//! or starts polling, and from then on sees a change only when it arrives. They choose
//! from their own map, check it again when they click (a seat their map now shows
//! taken is swapped for another), and mark a seat taken when a server refuses it. They
//! leave the page (and close the connection) once they hold a seat or give up.
//! Changes carry their log position: one already applied is a duplicate and is dropped.

use super::config::{FeedConfig, Transport};
use super::{Item, ItemKind, Msg, Pos, FROM_NOW, SERVICE};
use crate::hall::{Hall, SeatId};
use crate::kernel::{Cx, Depart};
use crate::msg::crowd::Msg as CrowdMsg;
use crate::obs::Obs;
use crate::rng::Rng;
use crate::time::{ms_to_nanos, secs_to_nanos};
use crate::world::CustomerId;

/// A set of seats (one bit each): those a map shows free.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeatSet {
    words: Vec<u64>,
}

impl SeatSet {
    /// The seats `board` shows free now.
    pub fn from_board(board: &Hall) -> SeatSet {
        let mut s = SeatSet {
            words: vec![0; board.len().div_ceil(64)],
        };
        for seat in 0..board.len() as SeatId {
            s.set(seat, board.shown_free(seat));
        }
        s
    }

    /// Whether `seat` is in the set.
    pub fn contains(&self, seat: SeatId) -> bool {
        self.words
            .get(seat as usize / 64)
            .is_some_and(|w| w >> (seat % 64) & 1 == 1)
    }

    /// Puts `seat` in the set or takes it out.
    pub fn set(&mut self, seat: SeatId, on: bool) {
        if let Some(w) = self.words.get_mut(seat as usize / 64) {
            let bit = 1u64 << (seat % 64);
            if on {
                *w |= bit;
            } else {
                *w &= !bit;
            }
        }
    }

    /// How many seats it holds.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Draws a seat of the set by the hall's popularity; `None` if it is empty.
    pub fn pick(&self, hall: &Hall, rng: &mut Rng) -> Option<SeatId> {
        let seats = (0..hall.len() as SeatId).filter(|&s| self.contains(s));
        let total: u64 = seats.clone().map(|s| hall.weight(s)).sum();
        if total == 0 {
            return None;
        }
        let mut x = rng.below(total);
        for s in seats {
            let w = hall.weight(s);
            if x < w {
                return Some(s);
            }
            x -= w;
        }
        None
    }
}

/// One customer's map and their side of the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    /// The seats it shows free.
    pub free: SeatSet,
    /// On the page (the feed is wanted).
    pub online: bool,
    /// The push connection is open.
    pub connected: bool,
    /// The connection's one-way latency, ns.
    pub latency: i64,
    /// The next position of the service's stream wanted.
    pub next: Pos,
    /// The highest log position applied.
    pub max_lsn: Option<u32>,
    /// Notify then fetch: a fetch in flight.
    fetching: bool,
    /// A poll (or a fetch) sent and not answered yet (parked, for long polling).
    in_flight: bool,
    /// Short polling's timers pending (a live switch can leave one behind).
    timers: u16,
    /// A live switch came while a poll was in flight: the new transport starts when
    /// its answer arrives.
    switch_pending: bool,
}

/// Every customer's map.
#[derive(Clone, Debug)]
pub struct Maps {
    cfg: FeedConfig,
    transport: Transport,
    notify_fetch: bool,
    poll_every: i64,
    latency_ms: f64,
    retry: i64,
    maps: Vec<Option<Map>>,
}

impl Maps {
    /// The maps of a feed configured as `cfg`.
    pub fn new(cfg: &FeedConfig) -> Maps {
        Maps {
            cfg: cfg.clone(),
            transport: cfg.transport,
            notify_fetch: cfg.notify_fetch && cfg.pushes(),
            poll_every: secs_to_nanos(cfg.poll_interval_s),
            latency_ms: cfg.latency_ms,
            retry: ms_to_nanos(cfg.retry_ms),
            maps: Vec::new(),
        }
    }

    /// Customer `c`'s map, if they loaded the page.
    pub fn map(&self, c: CustomerId) -> Option<&Map> {
        self.maps.get(c as usize).and_then(|m| m.as_ref())
    }

    fn map_mut(&mut self, c: CustomerId) -> Option<&mut Map> {
        self.maps.get_mut(c as usize).and_then(|m| m.as_mut())
    }

    /// Customers who loaded the page.
    pub fn loaded(&self) -> impl Iterator<Item = (CustomerId, &Map)> {
        self.maps
            .iter()
            .enumerate()
            .filter_map(|(c, m)| m.as_ref().map(|m| (c as CustomerId, m)))
    }

    /// Customer `c` loads the page: the map as the board shows it now; the feed
    /// starts (a connection, or a first poll).
    pub fn open(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        let free = SeatSet::from_board(cx.board());
        let latency = if self.latency_ms > 0.0 {
            ms_to_nanos(cx.rng().lognormal(self.latency_ms, 0.5))
        } else {
            0
        };
        if self.maps.len() <= c as usize {
            self.maps.resize(c as usize + 1, None);
        }
        self.maps[c as usize] = Some(Map {
            free,
            online: true,
            connected: false,
            latency,
            next: FROM_NOW,
            max_lsn: None,
            fetching: false,
            in_flight: false,
            timers: 0,
            switch_pending: false,
        });
        self.start(c, cx);
    }

    fn start(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        let push = self.transport == Transport::Sse;
        let Some(m) = self.map_mut(c) else { return };
        let (latency, next) = (m.latency, m.next);
        let msg = if push {
            m.connected = true;
            Msg::Connect {
                customer: c,
                from: next,
                latency_ns: latency,
            }
        } else {
            m.in_flight = true;
            Msg::Poll {
                customer: c,
                since: next,
                latency_ns: latency,
            }
        };
        cx.send_at(SERVICE, msg, Depart::After(latency));
    }

    /// Customer `c` leaves the page: the connection closes, the polling stops.
    pub fn close(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        let transport = self.transport;
        let Some(m) = self.map_mut(c) else { return };
        if !m.online {
            return;
        }
        m.online = false;
        let was = std::mem::replace(&mut m.connected, false);
        if was || transport == Transport::LongPolling {
            let latency = m.latency;
            let msg = Msg::Disconnect { customer: c };
            cx.send_at(SERVICE, msg, Depart::After(latency));
        }
    }

    /// Whether customer `c`'s map shows `seat` free (true without a map).
    pub fn shows_free(&self, c: CustomerId, seat: SeatId) -> bool {
        self.map(c).is_none_or(|m| m.free.contains(seat))
    }

    /// A server said `seat` is taken: customer `c`'s map shows it so.
    pub fn mark_taken(&mut self, c: CustomerId, seat: SeatId) {
        if let Some(m) = self.map_mut(c) {
            m.free.set(seat, false);
        }
    }

    /// A seat customer `c`'s map shows free, by popularity.
    pub fn pick(&self, c: CustomerId, hall: &Hall, rng: &mut Rng) -> Option<SeatId> {
        self.map(c)?.free.pick(hall, rng)
    }

    /// An item from the service reaches customer `item.customer`'s browser.
    pub fn on_item(&mut self, item: Item, cx: &mut Cx<'_>) {
        let (transport, poll_every, retry) = (self.transport, self.poll_every, self.retry);
        let notify_fetch = self.notify_fetch;
        let c = item.customer;
        let Some(m) = self.map_mut(c) else { return };
        if !m.online {
            return;
        }
        let latency = m.latency;
        match item.kind {
            ItemKind::Change | ItemKind::LastChange => {
                let dup = m.max_lsn.is_some_and(|l| item.lsn <= l);
                if !dup {
                    m.free.set(item.seat, item.free);
                    m.max_lsn = Some(item.lsn);
                }
                m.next = item.pos + 1;
                cx.observe(Obs::FeedApplied {
                    customer: c,
                    lsn: item.lsn,
                    dup,
                });
            }
            ItemKind::Empty => m.next = item.pos,
            ItemKind::Ping => {
                // (A ping that crossed a live switch to polling is ignored.)
                if notify_fetch && !m.fetching {
                    m.fetching = true;
                    m.in_flight = true;
                    let msg = Msg::Poll {
                        customer: c,
                        since: m.next,
                        latency_ns: latency,
                    };
                    cx.send_at(SERVICE, msg, Depart::After(latency));
                }
                return;
            }
            ItemKind::Closed => {
                m.connected = false;
                m.next = item.pos;
                cx.wake_in(retry, CrowdMsg::FeedRetry(c));
                return;
            }
        }
        let answered = matches!(item.kind, ItemKind::LastChange | ItemKind::Empty);
        if !answered {
            return;
        }
        m.in_flight = false;
        if std::mem::replace(&mut m.switch_pending, false) {
            // Its request in flight is answered: the browser goes on with the new
            // transport.
            m.fetching = false;
            return self.start(c, cx);
        }
        if notify_fetch {
            m.fetching = false;
            return;
        }
        match transport {
            Transport::ShortPolling => {
                m.timers += 1;
                cx.wake_in(poll_every, CrowdMsg::FeedPoll(c));
            }
            Transport::LongPolling => {
                m.in_flight = true;
                let msg = Msg::Poll {
                    customer: c,
                    since: m.next,
                    latency_ns: latency,
                };
                cx.send_at(SERVICE, msg, Depart::After(latency));
            }
            Transport::Sse => {}
        }
    }

    /// Short polling: customer `c`'s next poll is due.
    pub fn on_poll_timer(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        let short = self.transport == Transport::ShortPolling;
        let Some(m) = self.map_mut(c) else { return };
        m.timers = m.timers.saturating_sub(1);
        // A timer left behind by a live switch: another poll is due or in flight, or
        // the map no longer polls.
        if !short || m.timers > 0 || m.in_flight {
            return;
        }
        if m.online {
            m.in_flight = true;
            let msg = Msg::Poll {
                customer: c,
                since: m.next,
                latency_ns: m.latency,
            };
            cx.send_at(SERVICE, msg, Depart::After(m.latency));
        }
    }

    /// Customer `c`'s browser reconnects after its connection closed.
    pub fn on_retry(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        let push = self.transport == Transport::Sse;
        if push
            && self
                .map(c)
                .is_some_and(|m| m.online && !m.connected && !m.in_flight)
        {
            self.start(c, cx);
        }
    }

    /// The transport the maps use now.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// A new front end is deployed with transport `t` (a live action): every map on
    /// the page closes its connection, and starts the new transport from the last
    /// change it has: at once, or, if a poll is in flight, when its answer arrives.
    /// The transport's settings are reread from the config (notify then fetch goes
    /// with push).
    pub fn set_transport(&mut self, t: Transport, cx: &mut Cx<'_>) {
        if t == self.transport {
            return;
        }
        let cfg = FeedConfig {
            transport: t,
            ..self.cfg.clone()
        };
        let fresh = Maps::new(&cfg);
        self.transport = t;
        self.notify_fetch = fresh.notify_fetch;
        let online: Vec<CustomerId> = self
            .loaded()
            .filter(|(_, m)| m.online)
            .map(|(c, _)| c)
            .collect();
        for c in online {
            let m = self.map_mut(c).expect("listed");
            if std::mem::replace(&mut m.connected, false) {
                let msg = Msg::Disconnect { customer: c };
                cx.send_at(SERVICE, msg, Depart::After(m.latency));
            }
            if m.in_flight {
                m.switch_pending = true;
            } else {
                m.fetching = false;
                self.start(c, cx);
            }
        }
    }
}
