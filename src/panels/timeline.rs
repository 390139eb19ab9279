//! The timeline under every view: a scrubber over the whole run's true time with its
//! marks (the opening, clock edits, faults, NTP steps, anomalies), the position now, and
//! buttons to go one event back or forward and from mark to mark. Clicking or dragging
//! seeks: the engine re-simulates from its last checkpoint before the instant
//! ([`driftlab_sim::timeline::Timeline`]), so every panel shows the state playing to it
//! reaches.

pub mod data;

use crate::components::playback::Status;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The timeline bar.
#[component]
pub fn TimelineBar() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let track = ui.track;
    let dragging = RwSignal::new(false);
    let bar = NodeRef::<leptos::html::Div>::new();
    let x_now = move || {
        let now = ui.clock.with(|c| c.now);
        track.with(|tr| tr.x(now))
    };
    // The instant under the pointer.
    let seek_at = move |client_x: i32| {
        let Some(el) = bar.get_untracked() else {
            return;
        };
        let el: &web_sys::Element = el.unchecked_ref();
        let r = el.get_bounding_client_rect();
        if r.width() <= 0.0 {
            return;
        }
        // Within a few pixels of an edge: the edge itself (the start, the end).
        let px = f64::from(client_x) - r.left();
        let x = if px < 4.0 {
            0.0
        } else if px > r.width() - 4.0 {
            1.0
        } else {
            px / r.width()
        };
        let t = track.with_untracked(|tr| tr.at(x));
        ctx.seek(t);
    };
    let ticks = move || {
        let lang = ui.lang.get();
        track.with(|tr| {
            tr.ticks
                .iter()
                .map(|tk| {
                    let class = format!("tick {}", tk.kind.class());
                    let left = format!("{:.3}%", tk.x * 100.0);
                    let title = data::tick_title(lang, tk);
                    view! { <span class=class style:left=left title=title></span> }
                })
                .collect_view()
        })
    };
    let start_label = move || track.with(|tr| tr.start.to_string());
    let end_label = move || track.with(|tr| tr.end.to_string());
    let legend = [
        data::TickKind::Opening,
        data::TickKind::Edit,
        data::TickKind::Fault,
        data::TickKind::Step,
        data::TickKind::WrongWinner,
        data::TickKind::DoubleBooking,
        data::TickKind::Anomaly,
    ];
    view! {
        <section class="timeline-bar" aria-label=ctx.tr(Txt::Timeline) data-testid="timeline">
            <div class="tl-buttons">
                <button
                    data-testid="prev-mark"
                    title=ctx.tr(Txt::PrevMark)
                    aria-label=ctx.tr(Txt::PrevMark)
                    on:click=move |_| ctx.jump(false)
                >"⇤"</button>
                <button
                    data-testid="step-back"
                    title=ctx.tr(Txt::StepBackTip)
                    aria-label=ctx.tr(Txt::StepBackTip)
                    on:click=move |_| ctx.step_back()
                >"◀"</button>
                <button
                    data-testid="step"
                    title=ctx.tr(Txt::StepTip)
                    aria-label=ctx.tr(Txt::StepTip)
                    on:click=move |_| ctx.step()
                >"▶"</button>
                <button
                    data-testid="next-mark"
                    title=ctx.tr(Txt::NextMark)
                    aria-label=ctx.tr(Txt::NextMark)
                    on:click=move |_| ctx.jump(true)
                >"⇥"</button>
            </div>
            <div class="tl-body">
                <div
                    class="tl-track"
                    node_ref=bar
                    role="slider"
                    tabindex="0"
                    data-testid="scrubber"
                    title=ctx.tr(Txt::TimelineTip)
                    aria-label=ctx.tr(Txt::Timeline)
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=move || format!("{:.1}", x_now() * 100.0)
                    aria-valuetext=move || ui.clock.with(|c| c.now.to_string())
                    data-t=move || ui.clock.with(|c| crate::url::format_instant(c.now))
                    on:pointerdown=move |ev| {
                        ev.prevent_default();
                        dragging.set(true);
                        if let Some(el) = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        {
                            let _ = el.set_pointer_capture(ev.pointer_id());
                        }
                        seek_at(ev.client_x());
                    }
                    on:pointermove=move |ev| {
                        if dragging.get_untracked() {
                            seek_at(ev.client_x());
                        }
                    }
                    on:keydown=move |ev| {
                        // Home and End: the run's start and end (the arrows step, as
                        // everywhere on the page).
                        let to = match ev.key().as_str() {
                            "Home" => Some(track.with_untracked(|tr| tr.start)),
                            "End" => Some(track.with_untracked(|tr| tr.end)),
                            _ => None,
                        };
                        if let Some(t) = to {
                            ev.prevent_default();
                            ctx.seek(t);
                        }
                    }
                    on:pointerup=move |_| dragging.set(false)
                    on:pointercancel=move |_| dragging.set(false)
                >
                    <div class="tl-played" style:width=move || format!("{:.3}%", x_now() * 100.0)></div>
                    {move || ticks()}
                    <div
                        class="tl-head"
                        data-testid="playhead"
                        style:left=move || format!("{:.3}%", x_now() * 100.0)
                    ></div>
                </div>
                <div class="tl-scale">
                    <span class="clock">{move || start_label()}</span>
                    <Status />
                    <span class="tl-legend">
                        {legend
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <span class="tl-key">
                                        <span class=format!("tl-swatch {}", k.class())></span>
                                        {move || ctx.t(k.label())}
                                    </span>
                                }
                            })
                            .collect_view()}
                    </span>
                    <span class="clock tl-end">{move || end_label()}</span>
                </div>
            </div>
        </section>
    }
}
