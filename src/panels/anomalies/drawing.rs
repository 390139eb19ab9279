//! The diagram's box and its drawing. The box's size is measured (after it is laid
//! out, and again when the window or projector mode changes it): over the page's zoom,
//! it is the room [`layout`] fills. The drawing, SVG, fills the box (scaled, its
//! proportions kept, centred), never under its usual size (14-px text: in a box too
//! small for that, a phone's, the box scrolls instead) nor over [`MAX_ZOOM`] × the
//! page's zoom (`rem`: projector mode draws it larger).

use super::data::Detail;
use super::layout::{layout, Layout, Room, LEFT, MAX_ZOOM};
use crate::chart::canvas::text_zoom;
use crate::ctx::use_ctx;
use crate::i18n::Lang;
use leptos::prelude::*;

/// Below this window width the page is a phone's: it scrolls as a whole, and the
/// diagram takes its own height (style/phone.css).
const PHONE_MAX_WIDTH: f64 = 700.0;

/// The diagram of `detail` in its box; `room` keeps the box's last measured size, so
/// that the next anomaly opened is drawn at once.
#[component]
pub fn DiagramBox(detail: Detail, lang: Lang, room: RwSignal<Option<Room>>) -> impl IntoView {
    let ui = use_ctx().ui;
    let box_ref = NodeRef::<leptos::html::Div>::new();
    let measure = move || {
        let Some(el) = box_ref.get_untracked() else {
            return;
        };
        let zoom = text_zoom();
        let phone = window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w <= PHONE_MAX_WIDTH);
        let r = Room {
            w: f64::from(el.client_width()) / zoom,
            h: (!phone).then(|| f64::from(el.client_height()) / zoom),
        };
        if room.get_untracked() != Some(r) {
            room.set(Some(r));
        }
    };
    Effect::new(move |_| {
        ui.resized.track();
        request_animation_frame(measure);
    });
    let plan = move || {
        room.get()
            .map(|r| layout(&detail.diagram, detail.counter, lang, r))
    };
    view! {
        <div class="an-diagram" node_ref=box_ref>
            {move || plan().map(|plan| view! { <Drawing plan=plan /> })}
        </div>
    }
}

/// The time-space diagram, as SVG.
#[component]
fn Drawing(plan: Layout) -> impl IntoView {
    let (w, h) = (plan.width, plan.height);
    let lanes = plan
        .lanes
        .iter()
        .map(|l| {
            view! {
                <g class="dg-lane">
                    <line x1=l.x y1=46 x2=l.x y2=h stroke=l.colour stroke-width="3" />
                    <text x=l.x y=18 text-anchor="middle" class="dg-name" fill=l.colour>{l.name.clone()}</text>
                    <text x=l.x y=38 text-anchor="middle" class="dg-clock">{l.sub.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let rows = plan
        .rows
        .iter()
        .map(|(y, t)| {
            view! {
                <g>
                    <line x1=LEFT - 4.0 y1=*y x2=w y2=*y class="dg-row" />
                    <text x=LEFT - 10.0 y=y + 5.0 text-anchor="end" class="dg-true">{t.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let arrows = plan
        .arrows
        .iter()
        .map(|a| {
            view! {
                <line
                    x1=a.x1
                    y1=a.y1
                    x2=a.x2
                    y2=a.y2
                    class=if a.replication { "dg-arrow dg-rep" } else { "dg-arrow" }
                    marker-end="url(#dg-head)"
                />
            }
        })
        .collect_view();
    let points = plan
        .points
        .iter()
        .map(|p| {
            let cls = match (p.decisive, p.off) {
                (true, true) => "dg-stamp decisive off",
                (true, false) => "dg-stamp decisive",
                (false, true) => "dg-stamp off",
                (false, false) => "dg-stamp",
            };
            let stamp = (!p.stamp.is_empty()).then(|| {
                view! { <text x=p.stamp_at.0 y=p.stamp_at.1 class=cls>{p.stamp.clone()}</text> }
            });
            view! {
                <g class="dg-point" data-decisive=p.decisive.to_string()>
                    <circle cx=p.x cy=p.y r=if p.decisive { 8 } else { 5 } />
                    <text x=p.what_at.0 y=p.what_at.1 class="dg-what">{p.what.clone()}</text>
                    {stamp}
                </g>
            }
        })
        .collect_view();
    // At its usual size at least (px: 14-px text), at most MAX_ZOOM × the page's zoom
    // (rem); in between, as large as its box allows.
    let most = MAX_ZOOM / 16.0;
    let style = format!(
        "--dg-w: {w:.0}px; --dg-h: {h:.0}px; --dg-max-w: {:.3}rem; --dg-max-h: {:.3}rem",
        w * most,
        h * most
    );
    view! {
        <svg
            class="dg"
            data-testid="anomaly-diagram"
            data-labels=plan.labels.name()
            viewBox=format!("0 0 {w:.1} {h:.1}")
            preserveAspectRatio="xMidYMin meet"
            style=style
            role="img"
        >
            <defs>
                <marker id="dg-head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#333" />
                </marker>
            </defs>
            <text x=LEFT - 10.0 y=38 text-anchor="end" class="dg-clock">"↓"</text>
            {rows}
            {lanes}
            {arrows}
            {points}
        </svg>
    }
}
