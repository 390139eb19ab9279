//! The feed view: the change feed from the database's log to the customers' seat maps.
//! Its transport (SSE push, short polling, long polling: switched live, a recorded
//! action), how stale the maps are, the "seat taken" refusals they cost, the load on
//! the service, what was lost or came twice, the lag the service reports beside the
//! true one (two clocks), and a button that disconnects the service's listener from the
//! database (a live action). Beside it, any customer's map next to the truth ([`stale_map`]).
//!
//! Without the feed it says so and how to get one. Its feed reads the figures every
//! frame.

pub mod model;
pub mod stale_map;

use crate::components::layer_panel::{figure, LayerPanel};
use crate::components::node_card::FaultButton;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use driftlab_sim::feed::config::Transport;
use leptos::prelude::*;
use model::{lag_fill, FeedModel};

/// The transports the view offers, with their labels, tips and test ids.
const TRANSPORTS: [(Transport, Txt, Txt, &str); 3] = [
    (
        Transport::Sse,
        Txt::FdSse,
        Txt::FdSseTip,
        "feed-transport-sse",
    ),
    (
        Transport::ShortPolling,
        Txt::FdShortPolling,
        Txt::FdShortPollingTip,
        "feed-transport-short-polling",
    ),
    (
        Transport::LongPolling,
        Txt::FdLongPolling,
        Txt::FdLongPollingTip,
        "feed-transport-long-polling",
    ),
];

/// The feed's panel (nothing but a hint when the run has no feed).
#[component]
pub fn ChangeFeedPanel() -> impl IntoView {
    let ctx = use_ctx();
    let view = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| {
            FeedModel::of(src.sim())
        })
        .signal();
    let present = Memo::new(move |_| view.with(|v| v.is_some()));
    let transport = Memo::new(move |_| view.with(|v| v.as_ref().map(|v| v.feed.transport)));
    let listening = Memo::new(move |_| view.with(|v| v.as_ref().is_none_or(|v| v.feed.listening)));
    let refused = RwSignal::new(None::<String>);
    let capture = move || {
        view.with(|v| {
            v.as_ref().map(|v| {
                ctx.t(if v.from_log() {
                    Txt::FdCaptureLog
                } else {
                    Txt::FdCaptureNotify
                })
            })
        })
    };
    // Reported and true lag, each a bar (log scale) and its figure; a negative report
    // gets an empty bar and its sign in red.
    let lag_row = move |label: Txt, tip: Txt, id: &'static str, reported: bool| {
        let ms = move || {
            view.with(|v| {
                v.as_ref().map_or(0.0, |v| {
                    if reported {
                        v.feed.reported_lag_mean_ms
                    } else {
                        v.feed.true_lag_mean_ms
                    }
                })
            })
        };
        view! {
            <div class="lag-row" class:negative=move || ms() < 0.0>
                <span class="lag-label"><Term label=label tip=tip /></span>
                <span class="lag-bar"><span style=move || format!("width: {:.1}%", lag_fill(ms()) * 100.0)></span></span>
                <span class="lag-value" data-testid=id>
                    {move || format!("{} ms", ctx.ui.lang.get().num(ms(), 1))}
                </span>
            </div>
        }
    };
    view! {
        <LayerPanel
            present=present
            class="feed-panel"
            testid="feed"
            title=Txt::FdTitle
            title_tip=Txt::FdCdcTip
            none=Txt::FdNone
            refused=refused
            error_testid="feed-error"
            head=move || {
                view! {
                    <p class="fd-capture">
                        <Term label=Txt::FdCapture tip=Txt::FdCaptureTip />
                        ": "
                        <span data-testid="feed-capture">{move || capture()}</span>
                    </p>
                }
            }
        >
            <div class="fd-controls">
                <span class="fd-label">{ctx.tr(Txt::FdTransport)}</span>
                {TRANSPORTS
                    .into_iter()
                    .map(|(t, label, tip, id)| {
                        view! {
                            <button
                                class="fd-transport"
                                data-testid=id
                                title=ctx.tr(tip)
                                aria-pressed=move || (transport.get() == Some(t)).to_string()
                                on:click=move |_| refused.set(ctx.feed_transport(t).err())
                            >
                                {ctx.tr(label)}
                            </button>
                        }
                    })
                    .collect_view()}
                <FaultButton
                    label=Signal::derive(move || if listening.get() { Txt::FdDisconnect } else { Txt::FdReconnect })
                    tip=Txt::FdListenerTip
                    testid="feed-listener"
                    class="fd-listener"
                    on_click=move || refused.set(ctx.set_feed_listener(!listening.get_untracked()).err())
                />
                <span class="badge seen" class:down=move || !listening.get() data-testid="feed-listening">
                    {move || ctx.t(if listening.get() { Txt::FdListening } else { Txt::FdNotListening })}
                </span>
            </div>
            <dl class="dp-figures fd-figures">
                {figure(view, Txt::FdStaleness, Txt::FdStalenessTip, "feed-staleness", |v, l| format!("{} ms", l.num(v.feed.staleness_mean_ms, 0)), Some(("feed.staleness_mean_ms", |v| v.feed.staleness_mean_ms)))}
                {figure(view, Txt::FdP99, Txt::FdP99Tip, "feed-p99", |v, l| format!("{} ms", l.num(v.feed.staleness_p99_ms, 0)), Some(("feed.staleness_p99_ms", |v| v.feed.staleness_p99_ms)))}
                {figure(view, Txt::FdTaken, Txt::FdTakenTip, "feed-taken", |v, l| format!("{} / {}", l.int(v.taken), l.int(v.requests)), None)}
                {figure(view, Txt::FdAvoided, Txt::FdAvoidedTip, "feed-avoided", |v, l| l.int(v.feed.avoided), None)}
                {figure(view, Txt::FdRequests, Txt::FdRequestsTip, "feed-requests", |v, l| l.int(v.feed.requests), None)}
                {figure(view, Txt::FdConnections, Txt::FdConnectionsTip, "feed-connections", |v, l| l.int(v.feed.connections as u64), None)}
                {figure(view, Txt::FdLost, Txt::FdLostTip, "feed-lost", |v, l| l.int(v.feed.lost), None)}
                {figure(view, Txt::FdDuplicated, Txt::FdDuplicatedTip, "feed-duplicated", |v, l| l.int(v.feed.duplicated), None)}
                {figure(view, Txt::FdWaiting, Txt::FdWaitingTip, "feed-waiting", |v, l| l.int(v.feed.waiting), None)}
            </dl>
            <h3 class="dp-sub"><Term label=Txt::FdLag tip=Txt::FdLagTip /></h3>
            <div class="fd-lags">
                {lag_row(Txt::FdReported, Txt::FdReportedTip, "feed-reported-lag", true)}
                {lag_row(Txt::FdTrue, Txt::FdTrueTip, "feed-true-lag", false)}
                <p class="fd-clocks">
                    {move || {
                        let lang = ctx.ui.lang.get();
                        view.with(|v| {
                            v.as_ref()
                                .map(|v| {
                                    lang.t(Txt::FdClocks)
                                        .replace("{service}", &format!("{:+.3} s", v.feed.service_offset_ms / 1e3))
                                        .replace("{database}", &format!("{:+.3} s", v.feed.database_offset_ms / 1e3))
                                        .replace("{negative}", &lang.int(v.feed.negative_reports))
                                })
                                .unwrap_or_default()
                        })
                    }}
                </p>
            </div>
        </LayerPanel>
    }
}
