//! Every anomaly of the run so far, and why: a list filtered by kind and by server;
//! opening one shows its sentence (the core's `explain`) and its time-space diagram
//! (the core's `diagram`: the customers and servers involved as lines, true time going
//! down, each server's clock reading beside its points, the requests and replications
//! as arrows, the timestamps that decided it in bold), its seat highlighted. A button
//! moves the timeline to the instant it was found.
//!
//! While one is open the list folds away and the diagram takes the panel's width (its
//! height is what a 1280 × 720 projector lacks): the panel's head holds what the list
//! did, back to the list and the previous and next anomaly of the list, beside the
//! seat, the kind and the two buttons. The diagram is laid out for its box
//! ([`layout`]) and drawn to fill it (`drawing.rs`).
//!
//! Its feeds: the list, keyed on the number of anomalies, every [`LIST_EVERY`] frames
//! and at once when the filter changes; the chosen anomaly, when it is chosen, when the
//! language changes and on a full pass.

pub mod data;
mod drawing;
pub mod layout;

use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name};
use data::{detail, kind_slug, kind_txt, rows, Filter, KINDS};
use drawing::DiagramBox;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// While playing, refresh the list every this many frames.
pub const LIST_EVERY: u32 = 10;

/// Focuses the list's line of anomaly `index` and scrolls it into view.
fn focus_item(index: usize) {
    let item = document()
        .query_selector(&format!(
            "[data-testid='anomaly-item'][data-index='{index}']"
        ))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = item {
        el.scroll_into_view_with_bool(false);
        let _ = el.focus();
    }
}

/// The anomalies panel.
#[component]
pub fn AnomaliesPanel() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let filter = RwSignal::new(Filter::default());
    let chosen = RwSignal::new(None::<usize>);
    // The last one opened, marked in the list when it comes back.
    let last = RwSignal::new(None::<usize>);
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
    let reading = Memo::new(move |_| open.with(Option::is_some));
    let pick = move |i: usize| {
        chosen.set(Some(i));
        last.set(Some(i));
        shown.refresh();
    };
    // The anomaly `by` lines before or after the open one in the list, if listed.
    let step = move |by: isize| {
        let i = chosen.get()?;
        lines.with(|(_, rows)| {
            let at = rows.iter().position(|r| r.index == i)?;
            rows.get(at.checked_add_signed(by)?).map(|r| r.index)
        })
    };
    let back = move |_| {
        chosen.set(None);
        shown.refresh();
        // The list comes back as it was, the anomaly just read in view and focused.
        if let Some(i) = last.get_untracked() {
            request_animation_frame(move || focus_item(i));
        }
    };
    let servers = move || ui.scenario.with(|c| c.servers.len());
    let room = RwSignal::new(None);
    // While one is read: back to the list, the previous and next, its seat and kind,
    // and where to see it.
    // Built once while reading, its texts following the anomaly open: ‹ and › keep
    // the keyboard's focus from one anomaly to the next.
    let now = move || open.with(|o| o.as_ref().map(|d| (d.t, d.diagram.seat, d.kind)));
    let nav = move || {
        reading.get().then(|| {
            // ‹ or ›: the anomaly `by` rows away in the list, disabled at its ends.
            let step_button = move |by: isize, testid: &'static str, tip: Txt, glyph: &'static str| {
                view! {
                    <button
                        class="an-step"
                        data-testid=testid
                        title=ctx.tr(tip)
                        aria-label=ctx.tr(tip)
                        disabled=move || step(by).is_none()
                        on:click=move |_| {
                            if let Some(i) = step(by) {
                                pick(i);
                            }
                        }
                    >
                        {glyph}
                    </button>
                }
            };
            view! {
                <div class="an-nav">
                    <button class="an-back" data-testid="anomaly-back" title=ctx.tr(Txt::AnListTip) on:click=back>
                        {ctx.tr(Txt::AnList)}
                    </button>
                    {step_button(-1, "anomaly-prev", Txt::AnPrev, "‹")}
                    {step_button(1, "anomaly-next", Txt::AnNext, "›")}
                    <span class="an-seat-big" data-testid="anomaly-seat">
                        {move || {
                            let label = open.with(|o| o.as_ref().map(|d| d.diagram.seat_label.clone()));
                            format!("{} {}", ctx.t(Txt::AnSeat), label.unwrap_or_default())
                        }}
                    </span>
                    <span class="an-nav-kind" data-testid="anomaly-kind-open">
                        {move || now().map_or("", |(.., kind)| ctx.t(kind_txt(kind)))}
                    </span>
                    <span class="an-nav-end">
                        <button
                            data-testid="anomaly-hall"
                            title=ctx.tr(Txt::AnInHallTip)
                            on:click=move |_| {
                                if let Some((t, seat, _)) = now() {
                                    ctx.show_seat(seat, t);
                                }
                            }
                        >
                            {ctx.tr(Txt::AnInHall)}
                        </button>
                        <button
                            data-testid="anomaly-goto"
                            title=ctx.tr(Txt::AnGotoTip)
                            on:click=move |_| {
                                if let Some((t, ..)) = now() {
                                    ctx.seek(t);
                                }
                            }
                        >
                            {move || {
                                let t = now().map(|(t, ..)| t.to_string()).unwrap_or_default();
                                format!("{} {t}", ctx.t(Txt::AnGoto))
                            }}
                        </button>
                    </span>
                </div>
            }
        })
    };
    view! {
        <section class="panel anomalies" class:reading=reading aria-labelledby="an-title" data-testid="anomalies">
            <header class="panel-head">
                <h2 id="an-title">{ctx.tr(Txt::AnTitle)}</h2>
                {nav}
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
                                        class:open=move || last.get() == Some(i)
                                        data-testid="anomaly-item"
                                        data-kind=kind_slug(r.kind)
                                        data-index=i.to_string()
                                        on:click=move |_| pick(i)
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
                            view! {
                                <p class="an-text" data-testid="anomaly-text">{d.text.clone()}</p>
                                <p class="hint dg-legend" title=l.t(Txt::DgHint)>
                                    {l.t(Txt::DgLegend)}
                                </p>
                                <DiagramBox detail=d lang=l room=room />
                            }
                                .into_any()
                        }
                    }}
                </div>
            </div>
        </section>
    }
}
