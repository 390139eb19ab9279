//! Play, pause, restart, speed, and true time, always in view; the run's status (shown
//! by the timeline, beside the step buttons).

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::engine::SPEEDS;
use crate::i18n::{Lang, Txt};
use leptos::prelude::*;

/// A speed of the slider as the page writes it, with `lang`'s decimal mark: `×0.1`
/// in English, `×0,1` in French; a factor, so its digits are not grouped (`×1000`,
/// as the tip and the docs write it).
pub fn speed_label(lang: Lang, speed: f64) -> String {
    // As many decimals as the speed needs (the slider's are 0.01, 0.1, 1 … 1000).
    let decimals = (0..3)
        .find(|&d| {
            let x = speed * 10f64.powi(d as i32);
            (x - x.round()).abs() < 1e-9
        })
        .unwrap_or(3);
    format!("×{}", lang.plain(speed, decimals))
}

/// The playback bar.
#[component]
pub fn Playback() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let playing = ui.playing;
    let now = move || ui.clock.with(|c| c.now.to_string());
    let label = move || speed_label(ui.lang.get(), SPEEDS[ui.speed.get()]);
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
                    aria-valuetext=label
                    prop:value=move || ui.speed.get().to_string()
                    on:input=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            ui.speed.set(i.min(SPEEDS.len() - 1));
                        }
                    }
                />
                <output data-testid="speed-value">{move || label()}</output>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_is_written_as_the_language_writes_numbers() {
        let en: Vec<String> = SPEEDS.iter().map(|&s| speed_label(Lang::En, s)).collect();
        let fr: Vec<String> = SPEEDS.iter().map(|&s| speed_label(Lang::Fr, s)).collect();
        assert_eq!(en[..3], ["×0.01", "×0.1", "×1"]);
        assert_eq!(fr[..3], ["×0,01", "×0,1", "×1"]);
        assert_eq!(en[6], "×20");
        assert_eq!(fr[6], "×20");
        // A factor: one word, its thousands not grouped.
        assert_eq!(en[11], "×1000");
        assert_eq!(fr[11], "×1000");
        // A speed with more decimals than the slider's keeps them (three at most).
        assert_eq!(speed_label(Lang::Fr, 0.25), "×0,25");
        assert_eq!(speed_label(Lang::En, 0.125), "×0.125");
    }
}
