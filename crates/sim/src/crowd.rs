//! The crowd: customers arrive, look at the seat map, click, retry when refused, give
//! up waiting after a timeout, and pay for the seats they hold.
//!
//! One node for every customer (their browsers run on exact clocks: a customer's
//! clock decides nothing in the model). Without a gateway, each browser goes round
//! robin straight to the servers (as DNS round robin would); with one, every request
//! goes to the gateway, which picks the server. Scripted customers always use one
//! server.

pub mod config;

use crate::clock::{Clock, ClockConfig};
use crate::config::{BotConfig, Config, CrowdConfig};
use crate::hall::SeatId;
use crate::host::Host;
use crate::kernel::{Build, Cx, Kernel, Node, Route};
use crate::log::Refusal;
pub use crate::msg::crowd::Msg;
use crate::msg::{gateway, server, Addr, Layer};
use crate::net::Way;
use crate::obs::{Decision, Obs, NOT_ROUTED};
use crate::rng::Rng;
use crate::time::{secs_to_nanos, Time};
use crate::world::{CustomerId, ReqId, ReqKind};
use config::UsersConfig;

/// A customer's progress.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Customer {
    /// The seat they want.
    pub seat: SeatId,
    /// Their session token's `nbf` (issued when they loaded the page).
    pub token: Time,
    /// Clicks so far.
    pub attempts: u32,
    /// Gone: got nothing and gave up, or found the hall full.
    pub gone: bool,
    /// A scripted customer always goes through this server, clicks once, never retries.
    pub pinned: Option<u8>,
}

/// A request as its customer knows it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sent {
    customer: CustomerId,
    seat: SeatId,
    kind: ReqKind,
    /// Answered, or given up on.
    done: bool,
}

/// The customers.
#[derive(Clone, Debug)]
pub struct Crowd {
    cfg: CrowdConfig,
    servers: u8,
    next_server: u8,
    /// Whether requests go through the gateway.
    via_gateway: bool,
    customers: Vec<Customer>,
    sent: Vec<Sent>,
    /// Arrivals still to come (local time, customer), latest first.
    arrivals: Vec<(Time, CustomerId)>,
    /// Requests awaiting an answer, oldest first, with the (local) instant their
    /// customer stops waiting. Deadlines come in sending order, so one timer, armed
    /// for the earliest that matters, serves them all.
    deadlines: std::collections::VecDeque<(Time, ReqId)>,
    /// The deadline the timer is armed for, if any.
    armed: Option<Time>,
    /// The bot, if there is one: its customer id, the time between its claims and when
    /// it stops (local).
    bot: Option<Bot>,
    /// Closed-loop users, if any.
    users: Option<Users>,
    /// With the change feed: every customer's own seat map (else they all see the
    /// board, every change at once).
    feed: Option<crate::feed::client::Maps>,
}

/// Closed-loop users: customers `first .. first + count`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Users {
    first: CustomerId,
    count: u32,
    start: Time,
    think: i64,
    until: Time,
}

/// A bot's schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bot {
    id: CustomerId,
    start: Time,
    every: i64,
    until: Time,
}

impl Crowd {
    /// A crowd of `cfg.customers` for `servers` servers, with its arrival times:
    /// `arrivals` lists (local time, customer), in any order.
    pub fn new(cfg: &CrowdConfig, servers: u8, mut arrivals: Vec<(Time, CustomerId)>) -> Crowd {
        // Arrivals enter the queue one at a time, in order, so the heap stays small.
        // Sorted as packed u64 keys (time since the earliest, then id): the same order
        // as sorting the pairs, at a fraction of the cost for a big crowd.
        let base = arrivals.iter().map(|a| a.0).min().unwrap_or(Time(0));
        let packable = arrivals.iter().all(|a| ((a.0 - base) as u64) < 1 << 44);
        if packable {
            let mut keys: Vec<u64> = arrivals
                .iter()
                .map(|&(t, id)| ((t - base) as u64) << 20 | id as u64)
                .collect();
            crate::order::sort_u64(&mut keys);
            arrivals = keys
                .into_iter()
                .rev()
                .map(|k| (base + (k >> 20) as i64, (k & 0xF_FFFF) as CustomerId))
                .collect();
        } else {
            crate::order::sort(&mut arrivals);
            arrivals.reverse();
        }
        Crowd {
            cfg: cfg.clone(),
            servers,
            next_server: 0,
            via_gateway: false,
            customers: vec![Customer::default(); cfg.customers as usize],
            sent: Vec::with_capacity(cfg.customers as usize * 4),
            arrivals,
            deadlines: std::collections::VecDeque::new(),
            armed: None,
            bot: None,
            users: None,
            feed: None,
        }
    }

    /// Adds the bot of `cfg` (if its rate is above 0) as one more customer; returns its
    /// id. It logs in when it starts.
    pub fn add_bot(&mut self, cfg: &BotConfig) -> Option<CustomerId> {
        if cfg.rate_per_s <= 0.0 || cfg.duration_s <= 0.0 {
            return None;
        }
        self.customers.push(Customer::default());
        let id = (self.customers.len() - 1) as CustomerId;
        let start = Time::from_secs_f64(cfg.start_s);
        self.bot = Some(Bot {
            id,
            start,
            every: secs_to_nanos(1.0 / cfg.rate_per_s).max(1),
            until: start + secs_to_nanos(cfg.duration_s),
        });
        Some(id)
    }

    /// Adds the closed-loop users of `cfg` as customers; they log in when they start.
    pub fn add_users(&mut self, cfg: &UsersConfig) {
        if cfg.count == 0 || cfg.duration_s <= 0.0 {
            return;
        }
        let first = self.customers.len() as CustomerId;
        self.customers
            .extend((0..cfg.count).map(|_| Customer::default()));
        let start = Time::from_secs_f64(cfg.start_s);
        self.users = Some(Users {
            first,
            count: cfg.count,
            start,
            think: secs_to_nanos(cfg.think_s),
            until: start + secs_to_nanos(cfg.duration_s),
        });
    }

    fn is_user(&self, c: CustomerId) -> bool {
        self.users
            .is_some_and(|u| c >= u.first && c - u.first < u.count)
    }

    /// A closed-loop user sends their next claim (a free seat if the map shows one),
    /// until their time is up.
    fn on_user_tick(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        let Some(u) = self.users else { return };
        let now = cx.local();
        if now >= u.until {
            return;
        }
        if self.customers[c as usize].token == Time(0) {
            self.customers[c as usize].token = now;
            cx.observe(Obs::Login { customer: c });
        }
        let (board, rng) = cx.board_and_rng();
        let seat = match board.pick_free(rng) {
            Some(seat) => seat,
            None => rng.below(board.len().max(1) as u64) as SeatId,
        };
        self.send(c, seat, ReqKind::Claim, cx);
    }

    /// A user's request is over (answered or given up): they think, then send again.
    fn user_done(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        if let Some(u) = self.users {
            cx.wake_in(u.think, Msg::UserTick(c));
        }
    }

    /// Whether customer `c` clicks again after a refusal or a timeout (scripted
    /// customers, the bot and closed-loop users do not).
    fn retries(&self, c: CustomerId) -> bool {
        self.customers[c as usize].pinned.is_none() && !self.is_bot(c) && !self.is_user(c)
    }

    fn is_bot(&self, c: CustomerId) -> bool {
        self.bot.is_some_and(|b| b.id == c)
    }

    fn on_bot_tick(&mut self, cx: &mut Cx<'_>) {
        let Some(bot) = self.bot else { return };
        let now = cx.local();
        if now == bot.start || self.customers[bot.id as usize].token == Time(0) {
            self.customers[bot.id as usize].token = now;
            cx.observe(Obs::Login { customer: bot.id });
        }
        // A free seat if the map shows one; a script does not stop when it shows none.
        let (board, rng) = cx.board_and_rng();
        let seat = match board.pick_free(rng) {
            Some(seat) => seat,
            None => rng.below(board.len().max(1) as u64) as SeatId,
        };
        self.send(bot.id, seat, ReqKind::Claim, cx);
        if now + bot.every < bot.until {
            cx.wake_in(bot.every, Msg::BotTick);
        }
    }

    /// Customers choose from their own seat map, kept up to date by the change feed.
    pub fn use_feed(&mut self, cfg: &crate::feed::config::FeedConfig) {
        self.feed = Some(crate::feed::client::Maps::new(cfg));
    }

    /// The customers' own seat maps (with the change feed).
    pub fn maps(&self) -> Option<&crate::feed::client::Maps> {
        self.feed.as_ref()
    }

    /// A seat for customer `c`: from their own map with the feed, else the board's.
    fn choose(&self, c: CustomerId, cx: &mut Cx<'_>) -> Option<SeatId> {
        let (board, rng) = cx.board_and_rng();
        match &self.feed {
            Some(maps) => maps.pick(c, board, rng),
            None => board.pick_free(rng),
        }
    }

    /// Customer `c` is gone (or holds a seat): they leave the seat map's page.
    fn leave_page(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        if let Some(maps) = &mut self.feed {
            maps.close(c, cx);
        }
    }

    /// Sends every request through the gateway from now on.
    pub fn use_gateway(&mut self) {
        self.via_gateway = true;
    }

    /// Adds a scripted customer pinned to `server` who wants `seat`; returns their id.
    pub fn add_scripted(&mut self, seat: SeatId, server: u8, token: Time) -> CustomerId {
        self.customers.push(Customer {
            seat,
            token,
            attempts: 0,
            gone: false,
            pinned: Some(server),
        });
        (self.customers.len() - 1) as CustomerId
    }

    /// A customer's progress.
    pub fn customer(&self, c: CustomerId) -> Option<&Customer> {
        self.customers.get(c as usize)
    }

    /// Customers so far (the crowd and scripted ones).
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Arms the timer of the first arrival (and the bot's first claim).
    pub fn start(&mut self, cx: &mut Cx<'_>) {
        self.next_arrival(cx);
        if let Some(bot) = self.bot {
            let now = cx.local();
            cx.wake_in((bot.start - now).max(0), Msg::BotTick);
        }
        if let Some(u) = self.users {
            let now = cx.local();
            for c in u.first..u.first + u.count {
                cx.wake_in((u.start - now).max(0), Msg::UserTick(c));
            }
        }
    }

    fn next_arrival(&mut self, cx: &mut Cx<'_>) {
        if let Some((at, id)) = self.arrivals.pop() {
            let now = cx.local();
            cx.wake_in(at - now, Msg::Arrive(id));
        }
    }

    fn on_arrive(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        self.next_arrival(cx);
        // The customer logs in (token issued now), loads the seat map (as it is now),
        // looks at it, then clicks.
        self.customers[c as usize].token = cx.local();
        cx.observe(Obs::Login { customer: c });
        if let Some(maps) = &mut self.feed {
            maps.open(c, cx);
        }
        let Some(seat) = self.choose(c, cx) else {
            self.customers[c as usize].gone = true;
            self.leave_page(c, cx);
            return;
        };
        self.customers[c as usize].seat = seat;
        let think = secs_to_nanos(cx.rng().lognormal(self.cfg.think_median_s, 0.8));
        cx.wake_in(think, Msg::Click(c));
    }

    fn on_click(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        let cust = &mut self.customers[c as usize];
        let max = if cust.pinned.is_some() {
            1
        } else {
            self.cfg.max_attempts
        };
        if cust.attempts >= max {
            cust.gone = true;
            self.leave_page(c, cx);
            return;
        }
        let seat = cust.seat;
        if self.feed.as_ref().is_some_and(|m| !m.shows_free(c, seat)) {
            // Their map shows the seat taken meanwhile: they choose another.
            cx.observe(Obs::FeedAvoided { customer: c });
            return self.choose_again(c, cx);
        }
        self.customers[c as usize].attempts += 1;
        self.send(c, seat, ReqKind::Claim, cx);
    }

    /// A request leaves the customer: to the gateway if there is one, else to the next
    /// server in turn.
    fn send(&mut self, customer: CustomerId, seat: SeatId, kind: ReqKind, cx: &mut Cx<'_>) {
        let cust = self.customers[customer as usize];
        let server = match (cust.pinned, self.via_gateway) {
            (Some(s), _) => s,
            (None, true) => NOT_ROUTED,
            (None, false) => {
                let s = self.next_server;
                self.next_server = (self.next_server + 1) % self.servers;
                s
            }
        };
        let req = self.sent.len() as ReqId;
        self.sent.push(Sent {
            customer,
            seat,
            kind,
            done: false,
        });
        cx.observe(Obs::Sent {
            req,
            customer,
            seat,
            kind,
            server: if self.via_gateway { NOT_ROUTED } else { server },
        });
        let rq = server::Request {
            req,
            customer,
            seat,
            kind,
            nbf: cust.token,
        };
        if self.via_gateway {
            cx.send(Addr::new(Layer::Gateway, 0), gateway::Msg::Request(rq));
        } else {
            cx.send(
                Addr::new(Layer::Server, server as u16),
                server::Msg::Request(rq),
            );
        }
        let due = cx.local() + secs_to_nanos(self.cfg.timeout_s);
        self.deadlines.push_back((due, req));
        self.arm(cx);
    }

    /// Arms the timer for the earliest deadline of a request still unanswered.
    fn arm(&mut self, cx: &mut Cx<'_>) {
        while let Some(&(_, r)) = self.deadlines.front() {
            if self.sent[r as usize].done {
                self.deadlines.pop_front();
            } else {
                break;
            }
        }
        if let (Some(&(due, _)), None) = (self.deadlines.front(), self.armed) {
            self.armed = Some(due);
            let now = cx.local();
            cx.wake_in(due - now, Msg::Deadline);
        }
    }

    fn on_response(&mut self, r: ReqId, d: Decision, cx: &mut Cx<'_>) {
        let req = &mut self.sent[r as usize];
        if req.done {
            // Answered after the customer stopped waiting: nobody reads it.
            return;
        }
        req.done = true;
        let req = *req;
        cx.observe(Obs::Answered { req: r });
        let c = req.customer;
        if self.is_user(c) {
            return self.user_done(c, cx);
        }
        match (req.kind, d) {
            // A bot holds seats and never pays (they expire).
            (ReqKind::Claim, Decision::Confirmed) if self.is_bot(c) => {}
            (ReqKind::Claim, Decision::Confirmed) => {
                self.leave_page(c, cx);
                if cx.rng().chance(self.cfg.pay_fraction) {
                    let wait = secs_to_nanos(cx.rng().lognormal(self.cfg.pay_median_s, 0.6));
                    cx.wake_in(wait, Msg::Pay(c, r));
                }
            }
            (ReqKind::Claim, Decision::Refused(_)) if !self.retries(c) => {}
            (ReqKind::Claim, Decision::Refused(Refusal::Taken)) if self.feed.is_some() => {
                // Their own map, live: the seat shows taken now; they choose again.
                if let Some(maps) = &mut self.feed {
                    maps.mark_taken(c, req.seat);
                }
                self.choose_again(c, cx);
            }
            (ReqKind::Claim, Decision::Refused(Refusal::Taken)) => {
                // Reload the seat map and choose again, a little faster this time.
                let (board, rng) = cx.board_and_rng();
                match board.pick_free(rng) {
                    Some(seat) => {
                        self.customers[c as usize].seat = seat;
                        let think =
                            secs_to_nanos(cx.rng().lognormal(self.cfg.think_median_s / 2.0, 0.8));
                        cx.wake_in(think, Msg::Click(c));
                    }
                    None => self.customers[c as usize].gone = true,
                }
            }
            (ReqKind::Claim, Decision::Refused(_)) => {
                // Not open yet, or a token problem: click again on the same seat.
                let wait = secs_to_nanos(cx.rng().uniform(1.0, 3.0));
                cx.wake_in(wait, Msg::Click(c));
            }
            (ReqKind::Pay(_), _) => {}
        }
    }

    /// Customer `c` chooses another seat from their map, a little faster this time (or
    /// leaves if it shows none free).
    fn choose_again(&mut self, c: CustomerId, cx: &mut Cx<'_>) {
        match self.choose(c, cx) {
            Some(seat) => {
                self.customers[c as usize].seat = seat;
                let think = secs_to_nanos(cx.rng().lognormal(self.cfg.think_median_s / 2.0, 0.8));
                cx.wake_in(think, Msg::Click(c));
            }
            None => {
                self.customers[c as usize].gone = true;
                self.leave_page(c, cx);
            }
        }
    }

    fn on_deadline(&mut self, cx: &mut Cx<'_>) {
        self.armed = None;
        let now = cx.local();
        while let Some(&(due, r)) = self.deadlines.front() {
            if due > now {
                break;
            }
            self.deadlines.pop_front();
            let req = &mut self.sent[r as usize];
            if req.done {
                continue;
            }
            req.done = true;
            let req = *req;
            cx.observe(Obs::GaveUp { req: r });
            if req.kind == ReqKind::Claim && self.retries(req.customer) {
                cx.wake_in(0, Msg::Click(req.customer));
            }
            if self.is_user(req.customer) {
                self.user_done(req.customer, cx);
            }
        }
        self.arm(cx);
    }
}

/// The crowd's random stream.
const STREAM: u64 = 0;

impl Build for Crowd {
    /// One node for the whole crowd, on a host of its own with an exact clock; its
    /// arrivals are drawn first from its stream. Requests go to the servers over the
    /// Internet (the `client` link: lossy).
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<Crowd> {
        let (start, opening, end) = (cfg.sale.start(), cfg.sale.opening(), cfg.sale.end());
        let clock = Clock::new(&ClockConfig::default(), start);
        let h = k.add_host(Host::new("crowd", clock, Rng::stream(cfg.seed, STREAM)));
        k.place(Layer::Crowd, h);
        let client = k.topology.shared_link("client", &cfg.network.client);
        let route = Route {
            link: Some(client),
            way: Way::Out,
            reliable: false,
        };
        k.topology.connect(Layer::Crowd, Layer::Server, route);
        let c = &cfg.crowd;
        let rng = &mut k.hosts[h as usize].rng;
        let flash = libm::round(c.customers as f64 * c.flash_fraction) as u32;
        let duration = end - start;
        let mut arrivals = Vec::with_capacity(c.customers as usize);
        for id in 0..c.customers {
            let at = if id < flash {
                let eager = secs_to_nanos(c.eager_s);
                let spread = secs_to_nanos(rng.exp(c.flash_spread_s));
                (opening - eager + spread).max(start)
            } else {
                start + (rng.unit() * duration as f64) as i64
            };
            if at <= end {
                arrivals.push((at, id));
            }
        }
        // Under `commit-wait` the site tells customers a confirmation takes a while: they
        // wait the commit-wait on top of their usual patience.
        let mut c = c.clone();
        if cfg.policy == crate::config::Policy::CommitWait {
            c.timeout_s += (2 * secs_to_nanos(cfg.commit_wait.epsilon_ms / 1000.0)
                + cfg.merge_bound_ns()) as f64
                / 1e9;
        }
        let mut crowd = Crowd::new(&c, cfg.servers.len() as u8, arrivals);
        if cfg.gateway.enabled {
            crowd.use_gateway();
        }
        crowd.add_bot(&c.bot);
        crowd.add_users(&c.users);
        if cfg.feed.enabled {
            crowd.use_feed(&cfg.feed);
        }
        vec![crowd]
    }
}

impl Node for Crowd {
    type Msg = Msg;

    fn on_msg(&mut self, _from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Arrive(c) => self.on_arrive(c, cx),
            Msg::Click(c) => self.on_click(c, cx),
            Msg::Pay(c, claim) => {
                let seat = self.sent[claim as usize].seat;
                self.send(c, seat, ReqKind::Pay(claim), cx);
            }
            Msg::Deadline => self.on_deadline(cx),
            Msg::BotTick => self.on_bot_tick(cx),
            Msg::UserTick(c) => self.on_user_tick(c, cx),
            Msg::Response { req, decision } => self.on_response(req, decision, cx),
            Msg::Feed(item) => {
                if let Some(maps) = &mut self.feed {
                    maps.on_item(item, cx);
                }
            }
            Msg::FeedPoll(c) => {
                if let Some(maps) = &mut self.feed {
                    maps.on_poll_timer(c, cx);
                }
            }
            Msg::FeedRetry(c) => {
                if let Some(maps) = &mut self.feed {
                    maps.on_retry(c, cx);
                }
            }
            Msg::FeedTransport(t) => {
                if let Some(maps) = &mut self.feed {
                    maps.set_transport(t, cx);
                }
            }
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        Crowd::start(self, cx);
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        let arrived = self.customers.len() - self.arrivals.len();
        let gone = self.customers.iter().filter(|c| c.gone).count();
        let waiting = self.sent.iter().filter(|r| !r.done).count();
        vec![
            ("arrived", arrived as f64),
            ("waiting", waiting as f64),
            ("gone", gone as f64),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{observations, sends, timers, Bench};
    use crate::msg::Msg as AnyMsg;
    use crate::time::SEC;

    const ME: Addr = Addr::new(Layer::Crowd, 0);
    const T0: Time = Time(36_000 * SEC);

    fn crowd(customers: u32, servers: u8) -> Crowd {
        let cfg = CrowdConfig {
            customers,
            ..Default::default()
        };
        Crowd::new(&cfg, servers, vec![(T0 + 2 * SEC, 1), (T0 + SEC, 0)])
    }

    fn server_of(cmds: &[crate::kernel::Cmd]) -> Vec<(u16, server::Request)> {
        sends(cmds)
            .into_iter()
            .filter_map(|(to, m)| match m {
                AnyMsg::Server(server::Msg::Request(r)) => Some((to.index, r)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn arrivals_come_in_order_and_the_gateway_goes_round_robin() {
        let mut bench = Bench::new(T0, 0);
        let mut c = crowd(2, 2);
        let cmds = bench.with(ME, |cx| c.start(cx));
        assert_eq!(
            timers(&cmds),
            vec![(SEC, AnyMsg::Crowd(Msg::Arrive(0)))],
            "earliest first"
        );
        bench.advance(SEC);
        let cmds = bench.deliver(&mut c, ME, ME, Msg::Arrive(0));
        let t = timers(&cmds);
        assert_eq!(
            t[0],
            (SEC, AnyMsg::Crowd(Msg::Arrive(1))),
            "the next arrival"
        );
        assert!(matches!(t[1], (think, AnyMsg::Crowd(Msg::Click(0))) if think > 0));
        assert_eq!(observations(&cmds), vec![Obs::Login { customer: 0 }]);
        // Two clicks: server-1, then server-2, each with the customer's token.
        let a = server_of(&bench.deliver(&mut c, ME, ME, Msg::Click(0)));
        let b = server_of(&bench.deliver(&mut c, ME, ME, Msg::Click(1)));
        assert_eq!((a[0].0, b[0].0), (0, 1));
        assert_eq!(a[0].1.nbf, T0 + SEC, "token issued at login");
    }

    #[test]
    fn with_a_gateway_every_request_goes_to_it_unrouted() {
        let mut bench = Bench::new(T0, 0);
        let mut c = crowd(2, 3);
        c.use_gateway();
        bench.deliver(&mut c, ME, ME, Msg::Arrive(0));
        let cmds = bench.deliver(&mut c, ME, ME, Msg::Click(0));
        let gw = Addr::new(Layer::Gateway, 0);
        match sends(&cmds).as_slice() {
            [(to, AnyMsg::Gateway(gateway::Msg::Request(rq)))] => {
                assert_eq!((*to, rq.req, rq.customer), (gw, 0, 0));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            observations(&cmds).as_slice(),
            [Obs::Sent {
                req: 0,
                server: NOT_ROUTED,
                ..
            }]
        ));
    }

    #[test]
    fn a_customer_refused_a_taken_seat_picks_another() {
        let mut bench = Bench::new(T0, 0);
        let mut c = crowd(1, 1);
        bench.deliver(&mut c, ME, ME, Msg::Arrive(0));
        let first = c.customer(0).unwrap().seat;
        bench.deliver(&mut c, ME, ME, Msg::Click(0));
        // The seat is taken: it no longer shows free on the seat map.
        bench.board.set_shown_free(first, false);
        let refused = Msg::Response {
            req: 0,
            decision: Decision::Refused(Refusal::Taken),
        };
        let cmds = bench.deliver(&mut c, ME, Addr::new(Layer::Server, 0), refused);
        assert_eq!(observations(&cmds), vec![Obs::Answered { req: 0 }]);
        assert!(matches!(
            timers(&cmds).as_slice(),
            [(_, AnyMsg::Crowd(Msg::Click(0)))]
        ));
        assert_ne!(c.customer(0).unwrap().seat, first, "another seat");
    }

    #[test]
    fn a_customer_refused_by_a_clock_clicks_the_same_seat_again_soon() {
        let mut bench = Bench::new(T0, 0);
        let mut c = crowd(1, 1);
        bench.deliver(&mut c, ME, ME, Msg::Arrive(0));
        let seat = c.customer(0).unwrap().seat;
        bench.deliver(&mut c, ME, ME, Msg::Click(0));
        let refused = Msg::Response {
            req: 0,
            decision: Decision::Refused(Refusal::NotOpen),
        };
        let cmds = bench.deliver(&mut c, ME, Addr::new(Layer::Server, 0), refused);
        match timers(&cmds).as_slice() {
            [(wait, AnyMsg::Crowd(Msg::Click(0)))] => assert!((SEC..=3 * SEC).contains(wait)),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.customer(0).unwrap().seat, seat);
    }

    #[test]
    fn an_unanswered_request_is_given_up_at_its_deadline_and_clicked_again() {
        let mut bench = Bench::new(T0, 0);
        let mut c = crowd(2, 1);
        bench.deliver(&mut c, ME, ME, Msg::Arrive(0));
        bench.deliver(&mut c, ME, ME, Msg::Arrive(1));
        // Customer 0 clicks; the timer is armed for 5 s (the default timeout).
        let cmds = bench.deliver(&mut c, ME, ME, Msg::Click(0));
        assert_eq!(timers(&cmds), vec![(5 * SEC, AnyMsg::Crowd(Msg::Deadline))]);
        // Customer 1 clicks a second later: one timer serves both, none is added.
        bench.advance(SEC);
        assert!(timers(&bench.deliver(&mut c, ME, ME, Msg::Click(1))).is_empty());
        // Customer 0's answer arrives; customer 1's never does.
        let ok = Msg::Response {
            req: 0,
            decision: Decision::Confirmed,
        };
        bench.deliver(&mut c, ME, Addr::new(Layer::Server, 0), ok);
        bench.advance(4 * SEC);
        let cmds = bench.deliver(&mut c, ME, ME, Msg::Deadline);
        assert!(observations(&cmds).is_empty(), "request 0 was answered");
        assert_eq!(
            timers(&cmds),
            vec![(SEC, AnyMsg::Crowd(Msg::Deadline))],
            "re-armed for request 1"
        );
        bench.advance(SEC);
        let cmds = bench.deliver(&mut c, ME, ME, Msg::Deadline);
        assert_eq!(observations(&cmds), vec![Obs::GaveUp { req: 1 }]);
        assert_eq!(timers(&cmds), vec![(0, AnyMsg::Crowd(Msg::Click(1)))]);
        // A late answer is ignored.
        let late = Msg::Response {
            req: 1,
            decision: Decision::Confirmed,
        };
        assert!(bench
            .deliver(&mut c, ME, Addr::new(Layer::Server, 0), late)
            .is_empty());
    }
}
