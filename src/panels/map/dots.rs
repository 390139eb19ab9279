//! The messages in flight drawn over the map: a layer of SVG marks over the boxes
//! (pointer events pass through), and the legend that says what a mark is.
//!
//! Two feeds, each of which reads nothing unless its mode is on ([`flight::mode`]):
//! the dots, every frame while playing slowly (and at each full pass: paused, they
//! stand where the messages are at that instant); the counts per arrow, a costly feed
//! read every 8 frames while playing fast or under reduced motion. The rows' places
//! are measured from the page when the marks are drawn.

use super::flight::{self, Mode, Rect};
use crate::ctx::use_ctx;
use crate::engine::SPEEDS;
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use driftlab_sim::flight::{in_flight, Arrow, InFlight, Kind, CAP};
use driftlab_sim::kernel::Addr;
use driftlab_sim::Layer;
use leptos::prelude::*;

/// Whether the reader's system asks for reduced motion (read once, when the map opens).
fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// A kind's name in the legend.
fn kind_label(lang: Lang, k: Kind) -> &'static str {
    lang.t(match k {
        Kind::Request => Txt::FlightRequest,
        Kind::Reply => Txt::FlightReply,
        Kind::Ntp => Txt::FlightNtp,
        Kind::Replication => Txt::FlightReplication,
        Kind::Feed => Txt::FlightFeed,
    })
}

/// A kind's mark, centred on (0, 0): a request a filled disc, its reply a ring, NTP a
/// diamond, replication a square, the feed a triangle (told apart without colour).
fn shape(k: Kind) -> impl IntoView {
    match k {
        Kind::Request => view! { <circle r="6.5" /> }.into_any(),
        Kind::Reply => view! { <circle r="5.5" /> }.into_any(),
        Kind::Ntp => view! { <rect x="-5" y="-5" width="10" height="10" transform="rotate(45)" /> }
            .into_any(),
        Kind::Replication => view! { <rect x="-5.5" y="-5.5" width="11" height="11" /> }.into_any(),
        Kind::Feed => view! { <polygon points="0,-7.5 7,5.5 -7,5.5" /> }.into_any(),
    }
}

/// Measures places on the page, relative to the layer's own top left corner.
struct Ruler {
    host: web_sys::Element,
    origin: web_sys::DomRect,
    rows: std::cell::RefCell<std::collections::HashMap<Addr, Option<Rect>>>,
}

impl Ruler {
    fn rect(&self, selector: &str) -> Option<Rect> {
        let el = self.host.query_selector(selector).ok().flatten()?;
        let r = el.get_bounding_client_rect();
        if r.width() == 0.0 && r.height() == 0.0 {
            return None;
        }
        let (x, y) = (self.origin.left(), self.origin.top());
        Some(Rect {
            left: r.left() - x,
            top: r.top() - y,
            right: r.right() - x,
            bottom: r.bottom() - y,
        })
    }

    /// Node `a`'s row in its layer's box (measured once per drawing), kept in sight
    /// of its row of boxes ([`flight::in_view`]: the boxes beside the path scroll).
    fn row(&self, a: Addr) -> Option<Rect> {
        if let Some(&r) = self.rows.borrow().get(&a) {
            return r;
        }
        let layer = format!("[data-layer=\"{}\"]", a.layer.name());
        let r = self
            .rect(&format!(
                "{layer} .nodes > li:nth-child({})",
                a.index as usize + 1
            ))
            .map(|r| {
                let area = [".map-path", ".map-beside"]
                    .into_iter()
                    .find_map(|area| self.rect(&format!("{area} {layer}")).and(self.rect(area)));
                area.map_or(r, |v| flight::in_view(r, v))
            });
        self.rows.borrow_mut().insert(a, r);
        r
    }

    /// Layer `l`'s box.
    fn layer(&self, l: Layer) -> Option<Rect> {
        self.rect(&format!("[data-layer=\"{}\"]", l.name()))
    }
}

/// The two feeds of the messages in flight, shared by the marks and the legend.
#[derive(Clone, Copy)]
pub struct FlightFeeds {
    /// The dots (empty unless the mode is [`Mode::Dots`]).
    dots: ReadSignal<InFlight>,
    /// The counts per arrow (empty unless the mode is [`Mode::Counts`]).
    counts: ReadSignal<InFlight>,
    /// Whether the reader's system asks for reduced motion.
    reduced: bool,
    /// The signals of the app (playing, speed).
    ui: crate::ctx::Ui,
}

impl FlightFeeds {
    /// Registers both feeds (unregistered with the calling component).
    pub fn new() -> FlightFeeds {
        let ctx = use_ctx();
        let ui = ctx.ui;
        let reduced = reduced_motion();
        let now_mode = move || {
            flight::mode(
                ui.playing.get_untracked(),
                SPEEDS[ui.speed.get_untracked()],
                reduced,
            )
        };
        let dots = ctx
            .feed(Spec::new(Cadence::EveryFrame), move |src| {
                if now_mode() != Mode::Dots {
                    return InFlight::default();
                }
                in_flight(src.sim().kernel(), CAP)
            })
            .signal();
        let counts = ctx
            .feed(Spec::new(Cadence::Every(8)), move |src| {
                if now_mode() != Mode::Counts {
                    return InFlight::default();
                }
                in_flight(src.sim().kernel(), 0)
            })
            .signal();
        FlightFeeds {
            dots,
            counts,
            reduced,
            ui,
        }
    }

    /// The mode now (tracked).
    fn mode(self) -> Mode {
        let ui = self.ui;
        flight::mode(ui.playing.get(), SPEEDS[ui.speed.get()], self.reduced)
    }
}

/// The marks over the map.
#[component]
pub fn Flights(feeds: FlightFeeds) -> impl IntoView {
    let ui = use_ctx().ui;
    let FlightFeeds { dots, counts, .. } = feeds;
    let mode = move || feeds.mode();
    let layer_ref = NodeRef::<leptos::html::Div>::new();
    // Drawn once more after the first layout, so a paused map shows its dots at once.
    let laid_out = RwSignal::new(0u32);
    request_animation_frame(move || laid_out.update(|n| *n += 1));
    let ruler = move || {
        let div = layer_ref.get()?;
        let host = div.closest(".map").ok().flatten()?;
        let origin = div.get_bounding_client_rect();
        Some(Ruler {
            host,
            origin,
            rows: Default::default(),
        })
    };
    let marks = move || {
        laid_out.track();
        ui.resized.track();
        let f = dots.get();
        let Some(r) = ruler() else {
            return Vec::new();
        };
        f.dots
            .iter()
            .filter_map(|d| {
                // An NTP client is drawn at its server's row (`drawn_at`): its
                // packets cross the map from the time servers to the server.
                let (a, b) = (r.row(d.from_row)?, r.row(d.to_row)?);
                let same = d.from_row.layer == d.to_row.layer;
                let (x, y) = flight::along(flight::ends(a, b, same), d.progress);
                Some(view! {
                    <g
                        class=format!("fl fl-{}", d.kind.name())
                        data-testid="flight-dot"
                        data-id=d.id
                        data-kind=d.kind.name()
                        data-progress=format!("{:.4}", d.progress)
                        transform=format!("translate({x:.1} {y:.1})")
                    >
                        {shape(d.kind)}
                    </g>
                })
            })
            .collect::<Vec<_>>()
    };
    let badges = move || {
        laid_out.track();
        ui.resized.track();
        let f = counts.get();
        let Some(r) = ruler() else {
            return Vec::new();
        };
        f.arrows
            .iter()
            .filter_map(|a: &Arrow| {
                let (from, to) = (r.layer(a.from)?, r.layer(a.to)?);
                let (x, y) = flight::along(flight::ends(from, to, a.from == a.to), 0.5);
                // Kinds on one arrow side by side, not on top of each other.
                let k = Kind::ALL.iter().position(|&k| k == a.kind).unwrap_or(0) as f64;
                let y = y + (k - 2.0) * 22.0;
                let text = a.count.to_string();
                let w = 14.0 + 9.0 * text.len() as f64;
                Some(view! {
                    <g
                        class=format!("fl-count fl-{}", a.kind.name())
                        data-testid="flight-count"
                        data-kind=a.kind.name()
                        data-value=a.count
                        transform=format!("translate({x:.1} {y:.1})")
                    >
                        <rect x=-w / 2.0 y="-10" width=w height="20" rx="10" />
                        <text y="5" text-anchor="middle">{text}</text>
                    </g>
                })
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="flight" node_ref=layer_ref aria-hidden="true" data-testid="flight">
            <svg class="flight-marks">
                {move || if mode() == Mode::Dots { marks().into_any() } else { badges().into_any() }}
            </svg>
        </div>
    }
}

/// The legend: what a mark is, how many messages are in flight, and which mode is on.
#[component]
pub fn FlightLegend(feeds: FlightFeeds) -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let reduced = feeds.reduced;
    let mode = move || feeds.mode();
    // (in flight, drawn)
    let total = move || match mode() {
        Mode::Dots => feeds.dots.with(|f| (f.total, Some(f.dots.len() as u32))),
        Mode::Counts => feeds.counts.with(|f| (f.total, None)),
    };
    let figures = move || {
        let lang = ui.lang.get();
        let (n, drawn) = total();
        let drawn = drawn
            .filter(|&d| d < n)
            .map(|d| format!(" · {} {}", lang.int(d.into()), lang.t(Txt::FlightDrawn)));
        format!(
            "{} {}{}",
            lang.int(n.into()),
            lang.t(Txt::FlightInFlight),
            drawn.unwrap_or_default()
        )
    };
    let items = move || {
        let lang = ui.lang.get();
        Kind::ALL
            .iter()
            .map(|&k| {
                view! {
                    <span class="fl-item">
                        <svg class=format!("fl-swatch fl fl-{}", k.name()) viewBox="-9 -9 18 18">
                            {shape(k)}
                        </svg>
                        {kind_label(lang, k)}
                    </span>
                }
            })
            .collect_view()
    };
    let note = move || match mode() {
        Mode::Dots => None,
        Mode::Counts if reduced => Some(ctx.t(Txt::FlightReduced)),
        Mode::Counts => Some(ctx.t(Txt::FlightCounts)),
    };
    view! {
        <p
            class="flight-legend"
            data-testid="flight-legend"
            data-mode=move || if mode() == Mode::Dots { "dots" } else { "counts" }
            title=ctx.tr(Txt::FlightTip)
        >
            <span class="fl-title">{ctx.tr(Txt::FlightLegend)} ":"</span>
            {move || items()}
            <span class="fl-total" data-testid="flight-total" data-value=move || total().0>
                {move || figures()}
            </span>
            {move || note().map(|n| view! { <span class="fl-note">"(" {n} ")"</span> })}
        </p>
    }
}
