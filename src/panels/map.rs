//! Home: the live diagram of the architecture. Every layer of the kernel's list is a
//! box (a layer added to the core appears here with no change to this file), with its
//! nodes: each host's clock error, its named figures, and the anomalies found there.
//! A layer the scenario does not use is drawn greyed. Clicking a box opens its view.
//! Over the boxes, the messages in flight (`dots.rs`, `flight.rs`): moving dots from
//! the node that sent each to the node it is for at ×1 or slower and when paused, a
//! count per arrow when faster or under reduced motion.

pub mod data;
mod dots;
pub mod fit;
pub mod flight;

use crate::ctx::{use_ctx, Ctx};
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use crate::palette::server_colour;
use crate::view::View;
use data::{LayerBox, NodeBox};
use driftlab_sim::Layer;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A layer's title (a layer the app does not know yet: its name in the core's list).
fn layer_title(lang: Lang, b: &LayerBox) -> String {
    let key = match b.name {
        "crowd" => Some(Txt::LayerCrowd),
        "servers" => Some(Txt::LayerServers),
        "database" => Some(Txt::LayerDatabase),
        "time_servers" => Some(Txt::LayerTimeServers),
        "ntp_clients" => Some(Txt::LayerNtpClients),
        "tso" => Some(Txt::LayerTso),
        "gateway" => Some(Txt::LayerGateway),
        "data" => Some(Txt::LayerData),
        "data_proxies" => Some(Txt::LayerDataProxies),
        "data_control" => Some(Txt::LayerDataControl),
        "feed_capture" => Some(Txt::LayerFeedCapture),
        "feed" => Some(Txt::LayerFeed),
        "cache" => Some(Txt::LayerCache),
        "cache_readers" => Some(Txt::LayerCacheReaders),
        "data_ntp" => Some(Txt::LayerDataNtp),
        _ => None,
    };
    key.map_or_else(|| b.name.replace('_', " "), |k| lang.t(k).to_string())
}

/// A figure's label (an unknown one: the core's name).
fn figure_label(lang: Lang, name: &'static str) -> &'static str {
    let key = match name {
        "arrived" => Txt::FigArrived,
        "waiting" => Txt::FigWaiting,
        "gone" => Txt::FigGone,
        "held" => Txt::FigHeld,
        "sold" => Txt::FigSold,
        "captured" => Txt::FigCaptured,
        "published" => Txt::FigPublished,
        "connections" => Txt::FigConnections,
        "listening" => Txt::FigListening,
        "stratum" => Txt::FigStratum,
        "lie_ms" => Txt::FigLie,
        "on" => Txt::FigOn,
        "down" => Txt::FigDown,
        "slow_factor" => Txt::FigSlow,
        "requests" => Txt::FigRequests,
        "in_progress" => Txt::FigInProgress,
        "marked_down" => Txt::FigMarkedDown,
        "role" => Txt::FigRole,
        "applied" => Txt::DpLog,
        "lag_ms" => Txt::FigLagMs,
        "primary" => Txt::DpPrimary,
        "up" => Txt::FigUp,
        "refused" => Txt::DpRefused,
        "leader" => Txt::FigLeader,
        "version" => Txt::FigVersion,
        "keys" => Txt::FigKeys,
        "hit_ratio" => Txt::FigHitRatio,
        "timestamps" => Txt::FigTimestamps,
        "asks" => Txt::FigAsks,
        _ => return name,
    };
    lang.t(key)
}

fn figure_text(lang: Lang, name: &str, x: f64) -> String {
    // NTP on or off in words ("NTP on ✓" and "NTP on —" both read as on).
    if name == "on" {
        return lang
            .t(if x != 0.0 {
                Txt::CmpNtpOn
            } else {
                Txt::CmpNtpOff
            })
            .to_string();
    }
    if name == "up" {
        return if x != 0.0 { "✓" } else { "—" }.to_string();
    }
    if name == "hit_ratio" {
        return format!("{} %", lang.num(x * 100.0, 0));
    }
    if name == "role" {
        // The data path's roles, in the core's order.
        let roles = [
            Txt::DpPrimary,
            Txt::DpReplica,
            Txt::DpDemoted,
            Txt::DpCrashed,
        ];
        return lang.t(roles[(x as usize).min(3)]).to_string();
    }
    if (name == "primary" || name == "leader") && x >= 1.0 {
        return format!("db-{x}");
    }
    let decimals = if x.fract() == 0.0 { 0 } else { 1 };
    lang.num(x, decimals)
}

/// One node's line in its layer's box.
fn node_view(lang: Lang, n: &NodeBox, show_offset: bool) -> impl IntoView {
    let colour = n.server.map(server_colour);
    let a = n.anomalies;
    let figures = n
        .figures
        .iter()
        .map(|&(name, x)| {
            view! {
                <span class="fig">
                    <span class="fig-name">{figure_label(lang, name)}</span>
                    " "
                    <b>{figure_text(lang, name, x)}</b>
                </span>
            }
        })
        .collect_view();
    let offset_class = if n.offset_ns == 0 {
        "offset zero"
    } else {
        "offset"
    };
    let class = if a.total() > 0 {
        "node anomalous"
    } else {
        "node"
    };
    view! {
        <li class=class data-host=n.host.clone()>
            <span class="host">
                {colour.map(|c| view! { <span class="dot" style:background=c></span> })}
                {n.host.clone()}
            </span>
            {show_offset.then(|| view! {
                <span class=offset_class title=lang.t(Txt::ClockError)>
                    "Δ "
                    // An exact clock (most of the data path's): "0 s", short, muted.
                    {if n.offset_ns == 0 { "0\u{a0}s".to_string() } else { lang.offset(n.offset_ns) }}
                </span>
            })}
            <span class="figs">{figures}</span>
            {(a.total() > 0).then(|| view! {
                <span class="node-anomalies" title=lang.t(Txt::AnomaliesHere)>
                    {(a.wrong_winners > 0).then(|| view! {
                        <span class="badge wrong">"! " {lang.int(a.wrong_winners.into())}</span>
                    })}
                    {(a.double_bookings > 0).then(|| view! {
                        <span class="badge double">"✖ " {lang.int(a.double_bookings.into())}</span>
                    })}
                    {(a.other > 0).then(|| view! {
                        <span class="badge other">"⚠ " {lang.int(a.other.into())}</span>
                    })}
                </span>
            })}
        </li>
    }
}

/// A layer the run does not use: a small greyed switch to its view.
fn unused_view(ctx: Ctx, b: LayerBox) -> impl IntoView {
    let lang = ctx.ui.lang.get();
    let view = b.view;
    let title = layer_title(lang, &b);
    let label = format!(
        "{title} ({}): {}",
        lang.t(Txt::MapUnused),
        lang.t(view.label())
    );
    view! {
        <button
            class="layer unused"
            data-layer=b.name
            data-testid=format!("layer-{}", b.name)
            aria-label=label
            title=lang.t(Txt::MapUnused)
            on:click=move |_| ctx.open(view)
        >
            <span class="layer-title">{title}</span>
            " "
            <span class="layer-open">"→ " {lang.t(view.label())}</span>
        </button>
    }
}

/// A layer's box: a button that opens its view.
fn layer_view(ctx: Ctx, b: LayerBox) -> impl IntoView {
    let lang = ctx.ui.lang.get();
    let view = b.view;
    let unused = b.nodes.is_empty();
    // A layer with one node per host of another (the crowd) shows no clock: it is not
    // one machine. Time servers and servers do.
    let show_offset = b.layer != Layer::Crowd;
    let title = layer_title(lang, &b);
    let label = format!("{title}: {}", lang.t(view.label()));
    let nodes = b
        .nodes
        .iter()
        .map(|n| node_view(lang, n, show_offset))
        .collect_view();
    view! {
        <button
            class="layer"
            class:unused=unused
            data-layer=b.name
            data-testid=format!("layer-{}", b.name)
            aria-label=label
            on:click=move |_| ctx.open(view)
        >
            <span class="layer-head">
                <span class="layer-title">{title}</span>
                <span class="layer-open">
                    <span class="open-word">{lang.t(Txt::MapOpen)} " "</span>
                    "→ "
                    {lang.t(view.label())}
                </span>
            </span>
            {if unused {
                view! { <span class="unused-note">{lang.t(Txt::MapUnused)}</span> }.into_any()
            } else {
                view! { <ul class="nodes">{nodes}</ul> }.into_any()
            }}
        </button>
    }
}

/// The architecture's diagram.
#[component]
pub fn MapPanel() -> impl IntoView {
    let ctx = use_ctx();
    let flights = dots::FlightFeeds::new();
    let diagram = ctx
        .feed(Spec::new(Cadence::Every(4)), |src| data::diagram(src.sim()))
        .signal();
    let path = move || {
        // Each box with the arrow that leads to it: when the path wraps onto another
        // row, the arrow goes with its box (never alone at a row's end).
        diagram
            .get()
            .path
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                view! {
                    <div class="hop">
                        {(i > 0).then(|| view! { <span class="arrow" aria-hidden="true">"→"</span> })}
                        {layer_view(ctx, b)}
                    </div>
                }
            })
            .collect_view()
    };
    let beside = move || {
        diagram
            .get()
            .beside
            .into_iter()
            .map(|b| layer_view(ctx, b))
            .collect_view()
    };
    let unused = move || {
        diagram
            .get()
            .unused
            .into_iter()
            .map(|b| unused_view(ctx, b))
            .collect_view()
    };
    let any_unused = move || diagram.with(|d| !d.unused.is_empty());
    // A button to the views that follow from the map (the load test, the bill).
    let next = move |id: &'static str, label: Txt, tip: Txt, to: View| {
        view! {
            <button class="map-load" data-testid=id title=ctx.tr(tip) on:click=move |_| ctx.open(to)>
                {ctx.tr(label)}
                " →"
            </button>
        }
    };
    // The type size for the panel's room: sought again when a layer comes or goes, the
    // language or the window changes; checked after each update of the figures (a
    // longer figure can push a box onto another row), sought again only if it no
    // longer fits.
    let panel = NodeRef::<leptos::html::Section>::new();
    let shape = Memo::new(move |_| diagram.with(|d| d.shape()));
    Effect::new(move |_| {
        shape.track();
        ctx.ui.lang.track();
        ctx.ui.resized.track();
        request_animation_frame(move || {
            // The panel may be gone by the next frame (another view opened).
            if let Some(el) = panel.try_get_untracked().flatten() {
                fit_type(&el, true);
            }
        });
    });
    Effect::new(move |_| {
        diagram.track();
        request_animation_frame(move || {
            // The panel may be gone by the next frame (another view opened).
            if let Some(el) = panel.try_get_untracked().flatten() {
                fit_type(&el, false);
            }
        });
    });
    view! {
        <section
            class="panel map"
            aria-labelledby="map-title"
            data-testid="map"
            node_ref=panel
        >
            <header class="panel-head">
                <h2 id="map-title">{ctx.tr(Txt::MapTitle)}</h2>
                <p class="hint">{ctx.tr(Txt::MapHint)}</p>
            </header>
            <div class="map-path" data-testid="map-path">{move || path()}</div>
            <div class="map-link">
                <h3 class="map-beside-title">"↓ " {ctx.tr(Txt::MapBeside)}</h3>
                <p class="map-back" aria-hidden="true">"↩ " {ctx.tr(Txt::MapBack)}</p>
                <dots::FlightLegend feeds=flights />
            </div>
            <div class="map-beside" data-testid="map-beside">{move || beside()}</div>
            // At the bottom: the layers the run does not use, and where to go from here.
            <div class="map-foot">
                <div class="map-unused" data-testid="map-unused" class:none=move || !any_unused()>
                    <span class="map-unused-title">{ctx.tr(Txt::MapUnusedRow)}</span>
                    {move || unused()}
                </div>
                <div class="map-next">
                    {next("map-load", Txt::MapLoad, Txt::MapLoadTip, View::Load)}
                    {next("map-bill", Txt::MapBill, Txt::MapBillTip, View::Bill)}
                </div>
            </div>
            <dots::Flights feeds=flights />
        </section>
    }
}

/// A window this narrow is a phone's: one column, the page scrolls (phone.css).
const PHONE_MAX_WIDTH: f64 = 700.0;

/// How far the map's panel overflows its box, px (its own scroll, or a box wider than
/// its room), as the page lays it out now.
fn overflow(el: &web_sys::HtmlElement) -> i32 {
    let mut worst =
        (el.scroll_height() - el.client_height()).max(el.scroll_width() - el.client_width());
    if let Ok(boxes) = el.query_selector_all(".layer, .map-path, .map-beside") {
        for i in 0..boxes.length() {
            if let Some(b) = boxes
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                worst = worst
                    .max(b.scroll_width() - b.client_width())
                    .max(b.scroll_height() - b.client_height());
            }
        }
    }
    worst
}

/// Sets the map's type size (`--map-fs`) to the largest that fits its panel
/// ([`fit::largest_fitting`]), between [`fit::FLOOR_PX`] and the page's own size for
/// the map; `again`: sought from the page's size, else only if it overflows now. A
/// phone's map is as long as it needs (the page scrolls): the page's size.
fn fit_type(el: &web_sys::HtmlElement, again: bool) {
    let style = el.style();
    let phone = window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w <= PHONE_MAX_WIDTH);
    if phone {
        let _ = style.remove_property("--map-fs");
        return;
    }
    if !again && overflow(el) <= 1 {
        return;
    }
    let _ = style.remove_property("--map-fs");
    let page_px = window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("font-size").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(16.0);
    let set = |px: f64| {
        let _ = style.set_property("--map-fs", &format!("{px}px"));
    };
    let px = fit::largest_fitting(fit::FLOOR_PX, page_px, fit::STEP_PX, |px| {
        set(px);
        overflow(el) <= 1
    });
    set(px);
}
