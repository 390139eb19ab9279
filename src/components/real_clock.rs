//! The real clock: this machine's offset, delay and stratum as the companion
//! (`driftlab serve`) measures them, and a button that gives server-1 that offset.
//! Without a companion it says so in one quiet line.

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::real_clock::{fetch, Answer, Status};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How often to look again while the companion is still measuring, and how many times.
const RETRY: Duration = Duration::from_millis(1000);
const RETRIES: u32 = 15;

/// What the panel knows.
#[derive(Clone, Debug, PartialEq)]
enum Seen {
    /// Asking.
    Asking,
    /// No companion.
    Absent,
    /// The latest status.
    Status(Status),
}

/// The real-clock panel.
#[component]
pub fn RealClock() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let seen = RwSignal::new(Seen::Asking);
    let wait_ms = RwSignal::new(None::<u64>);
    let applied = RwSignal::new(None::<f64>);
    let ask = move |sync: bool, tries: u32| {
        fn go(seen: RwSignal<Seen>, wait: RwSignal<Option<u64>>, sync: bool, tries: u32) {
            spawn_local(async move {
                match fetch(sync).await {
                    Answer::Absent => {
                        // A sync refused by a present companion leaves the last status.
                        if !sync {
                            let _ = seen.try_set(Seen::Absent);
                        }
                    }
                    Answer::RateLimited(ms) => {
                        let _ = wait.try_set(Some(ms));
                        set_timeout(
                            move || {
                                let _ = wait.try_set(None);
                            },
                            Duration::from_millis(ms),
                        );
                    }
                    Answer::Status(s) => {
                        let measuring = s.last_attempt.is_none();
                        let _ = seen.try_set(Seen::Status(s));
                        if measuring && tries > 0 {
                            set_timeout(move || go(seen, wait, false, tries - 1), RETRY);
                        }
                    }
                }
            });
        }
        go(seen, wait_ms, sync, tries);
    };
    ask(false, RETRIES);
    let apply = move |_| {
        if let Seen::Status(s) = seen.get_untracked() {
            if let Some(off) = s.machine_offset_s() {
                ctx.set_offset(0, off);
                applied.set(Some(off));
            }
        }
    };
    let body = move || {
        let lang = ui.lang.get();
        match seen.get() {
            Seen::Asking => view! { <p class="muted">{lang.t(Txt::RcMeasuring)}</p> }.into_any(),
            Seen::Absent => view! {
                <p class="muted rc-none" data-testid="rc-none">{lang.t(Txt::RcNone)}</p>
            }
            .into_any(),
            Seen::Status(s) if s.last_attempt.is_none() => {
                view! { <p class="muted" data-testid="rc-measuring">{lang.t(Txt::RcMeasuring)}</p> }
                    .into_any()
            }
            Seen::Status(s) if !s.synced => view! {
                <p class="error" data-testid="rc-error">
                    {lang.t(Txt::RcNotSynced)}
                    " "
                    {s.error.clone().unwrap_or_default()}
                </p>
            }
            .into_any(),
            Seen::Status(s) => {
                let ms = |v: Option<f64>, signed: bool| {
                    v.map_or_else(
                        || "—".to_string(),
                        |v| {
                            let sign = if !signed {
                                ""
                            } else if v < 0.0 {
                                "−"
                            } else {
                                "+"
                            };
                            format!("{sign}{}\u{a0}ms", lang.num(v.abs(), 3))
                        },
                    )
                };
                let server = format!(
                    "{}{}",
                    s.selected.clone().unwrap_or_default(),
                    if s.fallback_used {
                        format!(" ({})", lang.t(Txt::RcFallback))
                    } else {
                        String::new()
                    }
                );
                view! {
                    <dl class="rc-figures">
                        <div>
                            <dt><Term label=Txt::RcOffset tip=Txt::RcOffsetTip /></dt>
                            <dd
                                class="mono big"
                                data-testid="rc-offset"
                                data-value=s.offset_ms.map(|v| v.to_string()).unwrap_or_default()
                            >
                                {ms(s.offset_ms, true)}
                            </dd>
                        </div>
                        <div>
                            <dt><Term label=Txt::RcDelay tip=Txt::RcDelayTip /></dt>
                            <dd class="mono" data-testid="rc-delay">{ms(s.delay_ms, false)}</dd>
                        </div>
                        <div>
                            <dt><Term label=Txt::RcStratum tip=Txt::NtpStratumTip /></dt>
                            <dd class="mono" data-testid="rc-stratum">
                                {s.stratum.map(|v| v.to_string()).unwrap_or_default()}
                            </dd>
                        </div>
                        <div>
                            <dt>{lang.t(Txt::RcServer)}</dt>
                            <dd class="mono" data-testid="rc-server">{server}</dd>
                        </div>
                        <div>
                            <dt>{lang.t(Txt::RcWhen)}</dt>
                            <dd class="mono" data-testid="rc-when">{s.when().unwrap_or_default()}</dd>
                        </div>
                    </dl>
                    <div class="rc-actions">
                        <button
                            data-testid="rc-measure"
                            disabled=move || wait_ms.get().is_some()
                            on:click=move |_| ask(true, RETRIES)
                        >
                            {lang.t(Txt::RcMeasure)}
                        </button>
                        <button
                            class="primary"
                            data-testid="rc-apply"
                            title=lang.t(Txt::RcApplyTip)
                            on:click=apply
                        >
                            {lang.t(Txt::RcApply)}
                        </button>
                    </div>
                }
                .into_any()
            }
        }
    };
    let note = move || {
        let lang = ui.lang.get();
        let wait = wait_ms.get().map(|ms| {
            format!(
                "{} {}\u{a0}s",
                lang.t(Txt::RcWait),
                lang.num(ms as f64 / 1000.0, 1)
            )
        });
        let done = applied.get().map(|s| {
            format!(
                "{} {}",
                lang.t(Txt::RcApplied),
                crate::panels::ntp::data::duration(
                    lang,
                    driftlab_sim::time::secs_to_nanos(s),
                    true
                )
            )
        });
        view! {
            {wait.map(|w| view! { <p class="muted" data-testid="rc-wait">{w}</p> })}
            {done.map(|d| view! { <p class="rc-applied" data-testid="rc-applied">{d}</p> })}
        }
    };
    view! {
        <div
            class="panel real-clock"
            class:quiet=move || seen.with(|s| *s == Seen::Absent)
            data-testid="rc-panel"
        >
            <h2>{ctx.tr(Txt::RcTitle)}</h2>
            {move || body()}
            {move || note()}
        </div>
    }
}
