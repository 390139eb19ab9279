//! Play, pause, restart, speed, and true time, always in view; the run's status (shown
//! by the timeline, beside the step buttons).

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::engine::SPEEDS;
use crate::i18n::Txt;
use leptos::prelude::*;

/// The playback bar.
#[component]
pub fn Playback() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let playing = ui.playing;
    let now = move || ui.clock.with(|c| c.now.to_string());
    let speed_label = move || format!("×{}", SPEEDS[ui.speed.get()]);
    view! {
        <section class="playback" aria-label=ctx.tr(Txt::Speed)>
            <div class="buttons">
                <button
                    class="play"
                    class:playing=move || playing.get()
                    data-testid="play"
                    aria-pressed=move || playing.get().to_string()
                    title=ctx.tr(Txt::PlayTip)
                    on:click=move |_| ctx.toggle_play()
                >
                    <span aria-hidden="true" class="icon">
                        {move || if playing.get() { "❚❚" } else { "▶" }}
                    </span>
                    {move || ctx.t(if playing.get() { Txt::Pause } else { Txt::Play })}
                </button>
                <button
                    data-testid="restart"
                    title=ctx.tr(Txt::RestartTip)
                    on:click=move |_| ctx.restart()
                >
                    <span aria-hidden="true" class="icon">"↺"</span>
                    {ctx.tr(Txt::Restart)}
                </button>
            </div>
            <label class="speed">
                <Term label=Txt::Speed tip=Txt::SpeedTip />
                <input
                    type="range"
                    min="0"
                    max=SPEEDS.len() - 1
                    step="1"
                    data-testid="speed"
                    aria-valuetext=speed_label
                    prop:value=move || ui.speed.get().to_string()
                    on:input=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            ui.speed.set(i.min(SPEEDS.len() - 1));
                        }
                    }
                />
                <output data-testid="speed-value">{move || speed_label()}</output>
            </label>
            <div class="true-time">
                <Term label=Txt::TrueTime tip=Txt::TrueTimeTip />
                <span class="clock big" data-testid="true-time">{move || now()}</span>
            </div>
        </section>
    }
}

/// The run's status: ready, running or paused with its count of events, over.
#[component]
pub fn Status() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let playing = ui.playing;
    let status = move || {
        let (events, finished) = ui.clock.with(|c| (c.events, c.finished));
        let lang = ui.lang.get();
        if finished {
            lang.t(Txt::StatusDone).to_string()
        } else if events == 0 && !playing.get() {
            lang.t(Txt::StatusReady).to_string()
        } else {
            let state = if playing.get() {
                Txt::StatusRunning
            } else {
                Txt::StatusPaused
            };
            format!(
                "{} · {} {}",
                lang.t(state),
                lang.int(events),
                lang.t(Txt::Events)
            )
        }
    };
    view! { <p class="status" data-testid="status">{move || status()}</p> }
}
