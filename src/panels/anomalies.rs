//! Every anomaly of the run so far, and why: a list filtered by kind and by server;
//! opening one shows its sentence (the core's `explain`) and its time-space diagram
//! (the core's `diagram`: the customers and servers involved as lines, true time going
//! down, each server's clock reading beside its points, the requests and replications
//! as arrows, the timestamps that decided it in bold), its seat highlighted. A button
//! moves the timeline to the instant it was found.
//!
//! Its feeds: the list, keyed on the number of anomalies, every [`LIST_EVERY`] frames
//! and at once when the filter changes; the chosen anomaly, when it is chosen, when the
//! language changes and on a full pass.

pub mod data;

use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name};
use data::{detail, kind_slug, kind_txt, layout, rows, Filter, Layout, KINDS};
use leptos::prelude::*;

/// While playing, refresh the list every this many frames.
pub const LIST_EVERY: u32 = 10;

/// The anomalies panel.
#[component]
pub fn AnomaliesPanel() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let filter = RwSignal::new(Filter::default());
    let chosen = RwSignal::new(None::<usize>);
    let list = ctx.feed(
        Spec::new(Cadence::Every(LIST_EVERY)).on_change(|sim| sim.truth().anomalies.len() as u64),
        move |src| rows(src.sim(), filter.get_untracked()),
    );
    let shown = ctx.feed(Spec::new(Cadence::OnRefresh), move |src| {
        chosen
            .get_untracked()
            .and_then(|i| detail(src.sim(), i, ui.lang.get_untracked()))
    });
    let lines = list.signal();
    let open = shown.signal();
    Effect::new(move |_| {
        ui.lang.track();
        shown.refresh();
    });
    let servers = move || ui.scenario.with(|c| c.servers.len());
    view! {
        <section class="panel anomalies" aria-labelledby="an-title" data-testid="anomalies">
            <header class="panel-head">
                <h2 id="an-title">{ctx.tr(Txt::AnTitle)}</h2>
                <span class="an-count" data-testid="anomaly-count">
                    {move || format!("{} {}", ui.lang.get().int(lines.with(|l| l.0) as u64), ctx.t(Txt::AnFound))}
                </span>
                <div class="an-filters">
                    <label>
                        {ctx.tr(Txt::AnKind)}
                        <select
                            data-testid="anomaly-kind"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                let kind = KINDS.into_iter().find(|k| kind_slug(*k) == v);
                                filter.update(|f| f.kind = kind);
                                list.refresh();
                            }
                        >
                            <option value="">{ctx.tr(Txt::AnAny)}</option>
                            {KINDS
                                .into_iter()
                                .map(|k| {
                                    view! { <option value=kind_slug(k)>{move || ctx.t(kind_txt(k))}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {ctx.tr(Txt::ColServer)}
                        <select
                            data-testid="anomaly-server"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                filter.update(|f| f.server = v.parse::<u8>().ok());
                                list.refresh();
                            }
                        >
                            <option value="">{ctx.tr(Txt::AnAny)}</option>
                            {move || {
                                (0..servers())
                                    .map(|i| view! { <option value=i.to_string()>{server_name(i)}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                </div>
            </header>
            <div class="an-body">
                <ol class="an-list" data-testid="anomaly-list" aria-label=ctx.tr(Txt::AnTitle)>
                    <For
                        each=move || lines.get().1
                        key=|r| r.index
                        children=move |r| {
                            let i = r.index;
                            let colour = r.server.map_or("#999", |s| server_colour(s as usize));
                            view! {
                                <li>
                                    <button
                                        class="an-item"
                                        class:open=move || chosen.get() == Some(i)
                                        data-testid="anomaly-item"
                                        data-kind=kind_slug(r.kind)
                                        on:click=move |_| {
                                            chosen.set(Some(i));
                                            shown.refresh();
                                        }
                                    >
                                        <span class="an-t">{r.t.to_string()}</span>
                                        <span class="an-kind">{move || ctx.t(kind_txt(r.kind))}</span>
                                        <span class="an-seat">{r.seat.clone()}</span>
                                        <span class="dot" style=format!("background:{colour}")></span>
                                    </button>
                                </li>
                            }
                        }
                    />
                </ol>
                <div class="an-detail" data-testid="anomaly-detail">
                    {move || match open.get() {
                        None => {
                            let empty = lines.with(|l| l.0 == 0);
                            view! {
                                <p class="hint">
                                    {move || ctx.t(if empty { Txt::AnNone } else { Txt::AnPick })}
                                </p>
                            }
                                .into_any()
                        }
                        Some(d) => {
                            let l = ui.lang.get();
                            let t = d.t;
                            let seat = d.diagram.seat;
                            let plan = layout(&d.diagram, d.counter, l);
                            view! {
                                <div class="an-head">
                                    <span
                                        class="an-seat-big"
                                        data-testid="anomaly-seat"
                                        title=l.t(kind_txt(d.kind))
                                    >
                                        {format!("{} {}", l.t(Txt::AnSeat), d.diagram.seat_label)}
                                    </span>
                                    <p class="an-text" data-testid="anomaly-text">{d.text.clone()}</p>
                                </div>
                                <div class="an-legend">
                                    <p class="hint dg-legend" title=l.t(Txt::DgHint)>
                                        {l.t(Txt::DgLegend)}
                                    </p>
                                    <button
                                        data-testid="anomaly-hall"
                                        title=l.t(Txt::AnInHallTip)
                                        on:click=move |_| ctx.show_seat(seat, t)
                                    >
                                        {l.t(Txt::AnInHall)}
                                    </button>
                                    <button
                                        data-testid="anomaly-goto"
                                        title=l.t(Txt::AnGotoTip)
                                        on:click=move |_| ctx.seek(t)
                                    >
                                        {format!("{} {}", l.t(Txt::AnGoto), t)}
                                    </button>
                                </div>
                                <div class="an-diagram">
                                    <Drawing plan=plan />
                                </div>
                            }
                                .into_any()
                        }
                    }}
                </div>
            </div>
        </section>
    }
}

/// The time-space diagram, as SVG. It is laid out in px of a 16-px page and drawn
/// at least that size in `rem`: projector mode's larger root font (20 px, 24 px)
/// scales its text, lines and marks with the rest of the page, overlapping nothing
/// (the whole drawing scales), scrolling inside its box when it is larger.
#[component]
fn Drawing(plan: Layout) -> impl IntoView {
    let (w, h) = (plan.width, plan.height);
    let lanes = plan
        .lanes
        .iter()
        .map(|l| {
            view! {
                <g class="dg-lane">
                    <line x1=l.x y1=52 x2=l.x y2=h stroke=l.colour stroke-width="3" />
                    <text x=l.x y=22 text-anchor="middle" class="dg-name" fill=l.colour>{l.name.clone()}</text>
                    <text x=l.x y=44 text-anchor="middle" class="dg-clock">{l.clock.clone()}</text>
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
                    <line x1=data::LEFT - 4.0 y1=*y x2=w y2=*y class="dg-row" />
                    <text x=data::LEFT - 10.0 y=y + 6.0 text-anchor="end" class="dg-true">{t.clone()}</text>
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
            view! {
                <g class="dg-point" data-decisive=p.decisive.to_string()>
                    <circle cx=p.x cy=p.y r=if p.decisive { 8 } else { 5 } />
                    <text x=p.x + 12.0 y=p.y - 3.0 class="dg-what">{p.what.clone()}</text>
                    <text x=p.x + 12.0 y=p.y + 14.0 class=cls>{p.stamp.clone()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            class="dg"
            data-testid="anomaly-diagram"
            viewBox=format!("0 0 {w} {h}")
            style=format!(
                "width: 100%; height: auto; min-width: {}rem; max-width: {}rem",
                data::rem(w),
                data::rem(w * 1.3)
            )
            role="img"
        >
            <defs>
                <marker id="dg-head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#333" />
                </marker>
            </defs>
            <text x=data::LEFT - 10.0 y=44 text-anchor="end" class="dg-clock">"↓"</text>
            {rows}
            {lanes}
            {arrows}
            {points}
        </svg>
    }
}
