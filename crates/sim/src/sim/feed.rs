//! The change feed in a run: the commits handed to its capture, the listener switched
//! live, and what the app and the report read of it.

use super::{Action, Sim};
use crate::feed::config::{Capture, Transport};
use crate::feed::{CaptureMsg, CAPTURE};
use crate::hall::SeatId;
use crate::kernel::Ev;
use crate::time::{Time, SEC};
use crate::world::CustomerId;
use serde::Serialize;

/// The change feed at a glance (the report's `feed`, the app's feed view).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeedView {
    /// How the service gets the changes.
    pub capture: Capture,
    /// How the maps get them.
    pub transport: Transport,
    /// Notify then fetch.
    pub notify_fetch: bool,
    /// Batching interval, ms (0: none).
    pub batch_ms: f64,
    /// Short polling's interval, s.
    pub poll_interval_s: f64,
    /// Changes captured from the database's log.
    pub captured: u64,
    /// Changes the service published (each replay counted again).
    pub published: u64,
    /// Changes the service never had: lost (`notify` capture while the listener was
    /// down; any capture at the end of the run).
    pub lost: u64,
    /// Changes not published yet (in flight, or waiting in the log for the listener).
    pub waiting: u64,
    /// Publications beyond the first of their change (a replay after an outage).
    pub duplicated: u64,
    /// Duplicates the maps received and dropped.
    pub duplicates_dropped: u64,
    /// Changes applied to customers' maps.
    pub applied: u64,
    /// Staleness of the maps: true time from a commit to a map, mean, ms.
    pub staleness_mean_ms: f64,
    /// … its 99th percentile, ms.
    pub staleness_p99_ms: f64,
    /// … its maximum, ms.
    pub staleness_max_ms: f64,
    /// The lag the service reports (its clock minus the commit's stamp), mean, ms.
    pub reported_lag_mean_ms: f64,
    /// … its minimum, ms (negative: the report says the change came before it was made).
    pub reported_lag_min_ms: f64,
    /// The true lag at the same instants, mean, ms.
    pub true_lag_mean_ms: f64,
    /// … its minimum, ms.
    pub true_lag_min_ms: f64,
    /// Publications whose reported lag was negative.
    pub negative_reports: u64,
    /// Requests the service took (connections opened, polls, fetches).
    pub requests: u64,
    /// Items it sent to browsers.
    pub sent: u64,
    /// Connections open (push) or polls parked now.
    pub connections: usize,
    /// Whether its listener is connected.
    pub listening: bool,
    /// Clicks the live maps saved (the seat showed taken before the click).
    pub avoided: u64,
    /// The service's clock minus true time, ms.
    pub service_offset_ms: f64,
    /// The database's clock (the capture's) minus true time, ms.
    pub database_offset_ms: f64,
}

/// One customer's map beside the truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerMap {
    /// The customer.
    pub customer: CustomerId,
    /// Per seat, whether their map shows it free.
    pub shows_free: Vec<bool>,
    /// Still on the page (their map follows the feed).
    pub online: bool,
    /// Their map's mean staleness so far, ms, and over how many changes.
    pub staleness_ms: Option<(f64, u32)>,
}

impl Sim {
    /// Hands the seat map's new changes to the feed's capture (the database's log).
    pub(super) fn capture_changes(&mut self) {
        let now = self.k.now;
        for (seat, free) in self.board.take_changes() {
            if self.nodes.feed_capture.is_empty() {
                continue;
            }
            let msg = CaptureMsg::Commit { seat, free }.into();
            let ev = Ev::Msg {
                to: CAPTURE,
                from: CAPTURE,
                msg,
            };
            self.k.push(now, ev, false);
        }
    }

    /// Disconnects (or reconnects) the change feed's listener now; a run without the
    /// feed is refused.
    pub fn set_feed_listener(&mut self, up: bool) -> Result<(), crate::ConfigError> {
        let a = Action::FeedListener { up };
        super::validate_action(&a, &self.cfg, "feed")?;
        self.act(a);
        Ok(())
    }

    /// Switches the change feed's transport now (a new front end deployed: the
    /// service and every map on the page change together, each map from the last
    /// change it has); nothing if it already is `transport`; a run without the feed
    /// is refused.
    pub fn set_feed_transport(&mut self, transport: Transport) -> Result<(), crate::ConfigError> {
        let a = Action::FeedTransport { transport };
        super::validate_action(&a, &self.cfg, "feed")?;
        if self.feed_transport() != Some(transport) {
            self.act(a);
        }
        Ok(())
    }

    /// The transport the change feed uses now (`None` without the feed).
    pub fn feed_transport(&self) -> Option<Transport> {
        self.nodes.feed.first().map(|s| s.transport())
    }

    /// The change feed at a glance (`None` when it is off).
    pub fn feed_view(&self) -> Option<FeedView> {
        let svc = self.nodes.feed.first()?;
        let f = &self.truth.feed;
        let cfg = &self.cfg.feed;
        let now = self.k.now;
        let ms = |ns: f64| ns / 1e6;
        let settled = if self.finished || cfg.capture == Capture::Notify {
            f.lost(now - SEC)
        } else {
            0
        };
        let unpublished = f.lost(Time(i64::MAX));
        let lag = &f.lag;
        let offset = |h: crate::kernel::HostId| {
            let c = &self.k.hosts[h as usize].clock;
            c.offset(now) as f64 / 1e6
        };
        Some(FeedView {
            capture: cfg.capture,
            transport: svc.transport(),
            notify_fetch: cfg.notify_fetch,
            batch_ms: cfg.batch_ms,
            poll_interval_s: cfg.poll_interval_s,
            captured: f.captured_count(),
            published: svc.published() as u64,
            lost: settled,
            waiting: unpublished - settled,
            duplicated: f.duplicated(),
            duplicates_dropped: f.duplicates_applied,
            applied: f.applied,
            staleness_mean_ms: ms(f.staleness.mean()),
            staleness_p99_ms: ms(f.staleness.quantile(0.99)),
            staleness_max_ms: ms(f.staleness.max as f64),
            reported_lag_mean_ms: ms(lag.reported_mean()),
            reported_lag_min_ms: ms(lag.reported_min as f64),
            true_lag_mean_ms: ms(lag.true_mean()),
            true_lag_min_ms: ms(lag.true_min as f64),
            negative_reports: lag.negative,
            requests: svc.requests,
            sent: svc.sent,
            connections: svc.connections(),
            listening: svc.listening(),
            avoided: f.avoided,
            service_offset_ms: offset(self.k.home(crate::feed::SERVICE)),
            database_offset_ms: offset(self.k.home(CAPTURE)),
        })
    }

    /// The change feed's checkers.
    pub fn feed_truth(&self) -> &crate::truth::FeedTruth {
        &self.truth.feed
    }

    /// The last publications' reported and true lags, in order (for the feed's chart;
    /// at most [`crate::truth::feed::LAGS_KEPT`]).
    pub fn feed_lags(&self) -> &std::collections::VecDeque<crate::truth::feed::LagSample> {
        &self.truth.feed.lags
    }

    /// Customer `c`'s own seat map beside the truth (`None` without the feed, or if
    /// they have not loaded the page).
    pub fn customer_map(&self, c: CustomerId) -> Option<CustomerMap> {
        let maps = self.nodes.crowd.first()?.maps()?;
        let m = maps.map(c)?;
        let seats = self.board.len() as SeatId;
        Some(CustomerMap {
            customer: c,
            shows_free: (0..seats).map(|s| m.free.contains(s)).collect(),
            online: m.online,
            staleness_ms: self.truth.feed.customer(c).map(|(ns, n)| (ns / 1e6, n)),
        })
    }

    /// Customers with a map, those still on the page first, then by how wrong their
    /// map is now (seats it shows differently from the board), most wrong first.
    pub fn feed_customers(&self) -> Vec<(CustomerId, bool, u32)> {
        let Some(maps) = self.nodes.crowd.first().and_then(|c| c.maps()) else {
            return Vec::new();
        };
        let seats = self.board.len() as SeatId;
        let mut out: Vec<(CustomerId, bool, u32)> = maps
            .loaded()
            .map(|(c, m)| {
                let wrong = (0..seats)
                    .filter(|&s| m.free.contains(s) != self.board.shown_free(s))
                    .count() as u32;
                (c, m.online, wrong)
            })
            .collect();
        crate::order::sort_by_key(&mut out, |&(c, online, wrong)| {
            (!online, std::cmp::Reverse(wrong), c)
        });
        out
    }
}
