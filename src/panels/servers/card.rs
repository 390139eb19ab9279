//! One server: its clock beside true time, its offset and skew, what it served.

use super::data;
use crate::components::field::TextField;
use crate::ctx::{use_ctx, Ctx};
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name};
use crate::scenario::{parse_offset_s, parse_skew_ppm, MAX_OFFSET_S, MAX_SKEW_PPM};
use driftlab_sim::snapshot::ServerView;
use leptos::prelude::*;

/// The card of server `i` (0-based), reading the servers panel's feed.
#[component]
pub fn ServerCard(
    /// The server (0-based).
    i: usize,
    /// Every server's view, from the panel's feed.
    servers: ReadSignal<Vec<ServerView>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let n = i + 1;
    let name = server_name(i);
    let view = Memo::new(move |_| servers.with(|s| s.get(i).cloned()));
    // The clock as last set (what the inputs show); the card's Δ is the live offset.
    let set = Memo::new(move |_| {
        ui.scenario.with(|c| {
            c.servers.get(i).map_or((0.0, 0.0), |s| {
                (s.clock.offset_ms / 1000.0, s.clock.skew_ppm)
            })
        })
    });
    let lang = ui.lang;
    let local = move || view.with(|v| v.as_ref().map(|v| v.local.to_string()));
    let offset_ns = move || view.with(|v| v.as_ref().map_or(0, |v| v.offset_ns));
    let delta = move || data::delta(lang.get(), offset_ns());
    let served = move || view.with(|v| v.as_ref().map_or(0, |v| v.requests));
    let served_tip = move || {
        let l = lang.get();
        view.with(|v| v.as_ref().map(|v| data::served_tip(l, v)))
    };
    view! {
        <article
            class="server-card"
            style=format!("--server: {}", server_colour(i))
            data-testid=format!("server-{n}")
            data-server=n
            data-confirmed=move || view.with(|v| v.as_ref().map_or(0, |v| v.confirmed)).to_string()
        >
            <div class="card-main">
                <span class="swatch" aria-hidden="true"></span>
                <h3 class="server-name">{name.clone()}</h3>
                <span
                    class="clock local"
                    title=ctx.tr(Txt::LocalClockTip)
                    data-testid=format!("server-local-{n}")
                >
                    <span class="sr-only">{ctx.tr(Txt::LocalClock)} " "</span>
                    {move || local()}
                </span>
                <span
                    class="delta"
                    class:ahead=move || { offset_ns() > 0 }
                    class:behind=move || { offset_ns() < 0 }
                    data-testid=format!("server-offset-{n}")
                    data-value=move || offset_ns().to_string()
                    data-measure=format!("servers.{i}.offset_ms")
                    data-measure-value=move || (offset_ns() as f64 / 1e6).to_string()
                >
                    {move || delta()}
                </span>
                <span class="served" title=served_tip data-testid=format!("server-requests-{n}")>
                    <strong>{move || lang.get().int(served())}</strong>
                    " "
                    {ctx.tr(Txt::Served)}
                </span>
            </div>
            <div class="card-controls">
                <ClockControl i=i knob=OFFSET value=Signal::derive(move || set.get().0) />
                <ClockControl i=i knob=SKEW value=Signal::derive(move || set.get().1) />
            </div>
        </article>
    }
}

/// One setting of a server's clock that a card edits: a text field and a slider over
/// the same value.
#[derive(Clone, Copy)]
struct Knob {
    /// The field's label.
    label: Txt,
    /// What it means.
    tip: Txt,
    /// The test ids' stem (`offset` makes `offset-input-1`, `offset-slider-1`).
    id: &'static str,
    /// The unit after the field and in the slider's name.
    unit: &'static str,
    /// The field's width in characters.
    size: u32,
    /// The field's decimals.
    decimals: usize,
    /// The slider's range, `-max..=max`, and its step.
    max: f64,
    step: &'static str,
    /// Reads a typed value, or refuses it.
    parse: fn(&str) -> Result<f64, Txt>,
    /// Sets server `i`'s value.
    apply: fn(Ctx, usize, f64),
}

/// The initial offset, s.
const OFFSET: Knob = Knob {
    label: Txt::Offset,
    tip: Txt::OffsetTip,
    id: "offset",
    unit: "s",
    size: 5,
    decimals: 1,
    max: MAX_OFFSET_S,
    step: "0.5",
    parse: parse_offset_s,
    apply: Ctx::set_offset,
};

/// The skew, ppm.
const SKEW: Knob = Knob {
    label: Txt::Skew,
    tip: Txt::SkewTip,
    id: "skew",
    unit: "ppm",
    size: 4,
    decimals: 0,
    max: MAX_SKEW_PPM,
    step: "10",
    parse: parse_skew_ppm,
    apply: Ctx::set_skew,
};

/// Server `i`'s `knob`, showing `value` (the clock as last set).
#[component]
fn ClockControl(i: usize, knob: Knob, value: Signal<f64>) -> impl IntoView {
    let ctx = use_ctx();
    let n = i + 1;
    let text = move || ctx.ui.lang.get().num(value.get(), knob.decimals);
    view! {
        <div class="control">
            <TextField
                label=knob.label
                tip=knob.tip
                testid=format!("{}-input-{n}", knob.id)
                unit=knob.unit
                size=knob.size
                value=Signal::derive(text)
                commit=Callback::new(move |text: String| {
                    (knob.parse)(&text).map(|v| (knob.apply)(ctx, i, v))
                })
            />
            <input
                type="range"
                min=-knob.max
                max=knob.max
                step=knob.step
                data-testid=format!("{}-slider-{n}", knob.id)
                aria-label=move || format!("{} {} ({})", ctx.t(knob.label), server_name(i), knob.unit)
                prop:value=move || value.get().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        (knob.apply)(ctx, i, v);
                    }
                }
            />
        </div>
    }
}
