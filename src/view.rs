//! The app's views: the architecture's map (home) and one view per part of it. The
//! view is part of the URL (`?view=clocks`), so a link opens it and the browser's Back
//! button returns to the previous one.

use crate::i18n::Txt;
use driftlab_sim::Layer;

/// A view of the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum View {
    /// The live diagram of the architecture (home).
    #[default]
    Map,
    /// The servers' clocks and their offsets over time.
    Clocks,
    /// The gateway and its instances: balancing, health checks, faults.
    Gateway,
    /// NTP: the monitor, its charts, one exchange.
    Ntp,
    /// The hall, a seat's story, the anomalies over time.
    Hall,
    /// Every measure, the response times and the servers' log.
    Measures,
    /// Every anomaly, explained in a sentence and a time-space diagram.
    Anomalies,
    /// Two runs of the same crowd side by side: what a cure fixes and costs.
    Compare,
    /// The data path: the primary, its replicas, failover.
    Data,
    /// One server's NTP sources as an administrator reads them (ntpq, chronyc), its
    /// discipline, and the clock filter of one source.
    Sources,
    /// The change feed to the customers' seat maps.
    Feed,
    /// Load tests: a users × instances sweep run in Web Workers, plotted.
    Load,
    /// What the run cost the business, line by line.
    Bill,
}

impl View {
    /// Every view, in the order of the tabs.
    pub const ALL: [View; 13] = [
        View::Map,
        View::Clocks,
        View::Gateway,
        View::Ntp,
        View::Hall,
        View::Measures,
        View::Anomalies,
        View::Compare,
        View::Data,
        View::Sources,
        View::Feed,
        View::Load,
        View::Bill,
    ];

    /// The view's name in the URL.
    pub fn slug(self) -> &'static str {
        match self {
            View::Map => "map",
            View::Clocks => "clocks",
            View::Gateway => "gateway",
            View::Ntp => "ntp",
            View::Hall => "hall",
            View::Measures => "measures",
            View::Anomalies => "anomalies",
            View::Compare => "compare",
            View::Data => "data",
            View::Sources => "sources",
            View::Feed => "feed",
            View::Load => "load",
            View::Bill => "bill",
        }
    }

    /// The view named `slug`, if any.
    pub fn parse(slug: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.slug() == slug)
    }

    /// Its tab's label.
    pub fn label(self) -> Txt {
        match self {
            View::Map => Txt::ViewMap,
            View::Clocks => Txt::ViewClocks,
            View::Gateway => Txt::ViewGateway,
            View::Ntp => Txt::ViewNtp,
            View::Hall => Txt::ViewHall,
            View::Measures => Txt::ViewMeasures,
            View::Anomalies => Txt::ViewAnomalies,
            View::Compare => Txt::ViewCompare,
            View::Data => Txt::ViewData,
            View::Sources => Txt::ViewSources,
            View::Feed => Txt::ViewFeed,
            View::Load => Txt::ViewLoad,
            View::Bill => Txt::ViewBill,
        }
    }

    /// The view that shows a layer of the architecture in detail: where a click on its
    /// box in the diagram leads. A layer without a view of its own (a new one) opens the
    /// measures, where every figure of the run is.
    pub fn of_layer(layer: Layer) -> View {
        match layer.name() {
            "crowd" => View::Hall,
            "servers" => View::Clocks,
            "gateway" => View::Gateway,
            "time_servers" | "ntp_clients" => View::Ntp,
            "feed" | "feed_capture" => View::Feed,
            "data" | "data_proxies" | "data_control" | "cache" | "cache_readers" | "data_ntp" => {
                View::Data
            }
            _ => View::Measures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_unknown_ones_are_none() {
        for v in View::ALL {
            assert_eq!(View::parse(v.slug()), Some(v));
        }
        assert_eq!(View::parse("clocks"), Some(View::Clocks));
        assert_eq!(View::parse("load"), Some(View::Load));
        assert_eq!(View::parse("bill"), Some(View::Bill));
        assert_eq!(View::parse("Clocks"), None);
        assert_eq!(View::parse(""), None);
    }

    #[test]
    fn every_layer_opens_a_view() {
        assert_eq!(View::of_layer(Layer::Server), View::Clocks);
        assert_eq!(View::of_layer(Layer::Crowd), View::Hall);
        assert_eq!(View::of_layer(Layer::TimeServer), View::Ntp);
        assert_eq!(View::of_layer(Layer::NtpClient), View::Ntp);
        assert_eq!(View::of_layer(Layer::Database), View::Measures);
        assert_eq!(View::of_layer(Layer::Gateway), View::Gateway);
        assert_eq!(View::of_layer(Layer::Data), View::Data);
        assert_eq!(View::of_layer(Layer::DataProxy), View::Data);
        assert_eq!(View::of_layer(Layer::Feed), View::Feed);
        assert_eq!(View::of_layer(Layer::FeedCapture), View::Feed);
    }
}
