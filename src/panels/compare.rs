//! Side by side: the scenario on screen (a) and the same crowd and seed under another
//! policy (b), both run to their end, in two panes: what the cure fixed (holds taken
//! back, wrong winners, double bookings) and what it cost (confirmation time,
//! refusals), each of b's figures with its difference; under them the seats held by
//! someone else and the anomalies found in one run only. The second policy and its ε
//! are in the URL (`?view=compare&vs=commit-wait&eps=31000`), and b's NTP and preset
//! when they are not as in a (`&vs_ntp=on&vs_preset=reset`).
//!
//! One timeline for both: run a is the run on screen, which the timeline under the
//! view plays and scrubs; run b is a seekable run of its own ([`data::run_b`]), built
//! when the view opens or b's settings or the scenario change, and a feed shows both at
//! a's instant ([`data::at_instant`]).

pub mod data;

use crate::components::scenario_bar::policy_text;
use crate::components::shown::Shown;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use crate::url;
use data::{at_instant, default_eps_ms, name_of, parse_eps, run_b, AtInstant, Other, PANE};
use driftlab_sim::presets::PRESETS;
use driftlab_sim::timeline::Timeline;
use driftlab_sim::{Config, Policy, Time};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Frames between two reads of both runs while playing (two reports and a comparison).
const SHOWN_EVERY: u32 = 6;

/// Run b and what it was built from.
type RunB = Option<((Config, Other), Result<Timeline, String>)>;

fn figure(l: Lang, x: f64, ms: bool) -> String {
    if ms {
        format!("{} ms", l.num(x, 1))
    } else {
        l.int(x.max(0.0) as u64)
    }
}

fn diff(l: Lang, d: f64, ms: bool) -> String {
    let s = if ms { l.num(d, 1) } else { l.num(d, 0) };
    let sign = if d > 0.0 {
        "+"
    } else if d == 0.0 {
        "±"
    } else {
        ""
    };
    format!("{sign}{s}{}", if ms { " ms" } else { "" })
}

/// b's pane title: its policy, then what else differs, in `l`.
fn b_label(l: Lang, b: &Other) -> String {
    let mut s = l.t(policy_text(b.policy)).to_string();
    if let Some(p) = b.preset {
        s.push_str(&format!(", {p}"));
    }
    match b.ntp {
        Some(true) => s.push_str(&format!(", NTP {}", l.t(Txt::CmpNtpOn))),
        Some(false) => s.push_str(&format!(", NTP {}", l.t(Txt::CmpNtpOff))),
        None => {}
    }
    s
}

/// The side-by-side panel.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let start = url::parse(&url::query_pairs());
    let link = start.vs;
    let vs = RwSignal::new(link.0.unwrap_or(Policy::CommitWait));
    let eps = RwSignal::new(
        link.1
            .unwrap_or_else(|| ui.scenario.with_untracked(default_eps_ms)),
    );
    let eps_text = RwSignal::new(eps.get_untracked().to_string());
    let eps_bad = RwSignal::new(false);
    // b's NTP (`None`: as in a) and preset (`None`: a's scenario).
    let b_ntp = RwSignal::new(start.vs_ntp);
    let b_preset = RwSignal::new(start.vs_preset);
    let other = Memo::new(move |_| Other {
        policy: vs.get(),
        eps_ms: eps.get(),
        ntp: b_ntp.get(),
        preset: b_preset.get(),
    });
    // Run b, rebuilt only when the scenario or b's settings change.
    let b_run: Rc<RefCell<RunB>> = Rc::new(RefCell::new(None));
    let rebuild = {
        let b_run = b_run.clone();
        move |cfg: Config, b: Other| {
            let mut slot = b_run.borrow_mut();
            if slot
                .as_ref()
                .is_some_and(|(key, _)| *key == (cfg.clone(), b.clone()))
            {
                return false;
            }
            let run = run_b(&cfg, &b);
            *slot = Some(((cfg, b), run));
            true
        }
    };
    rebuild(ui.scenario.get_untracked(), other.get_untracked());
    let shown = ctx.feed(
        Spec::new(Cadence::Every(SHOWN_EVERY))
            .on_change(|s| s.events().wrapping_mul(0x9E37_79B9) ^ s.now().0 as u64),
        {
            let b_run = b_run.clone();
            move |src| -> Result<AtInstant, String> {
                match b_run.borrow_mut().as_mut() {
                    Some((_, Ok(b))) => Ok(at_instant(src.sim(), b, "a", "b")),
                    Some((_, Err(e))) => Err(e.clone()),
                    None => Err(String::new()),
                }
            }
        },
    );
    Effect::new(move |_| {
        let (cfg, b) = (ui.scenario.get(), other.get());
        if rebuild(cfg, b) {
            shown.refresh();
        }
    });
    // b's choices in the link (`vs_ntp` and `vs_preset` only when not as in a).
    Effect::new(move |_| {
        let (p, e) = (vs.get(), eps.get());
        let ntp = match b_ntp.get() {
            Some(true) => "on",
            Some(false) => "off",
            None => "",
        };
        url::set_params(&[
            ("vs", p.name().to_string()),
            ("eps", e.to_string()),
            ("vs_ntp", ntp.to_string()),
            ("vs_preset", b_preset.get().unwrap_or("").to_string()),
        ]);
    });
    let commit = move |text: String| match parse_eps(&text) {
        Some(v) => {
            eps_bad.set(false);
            eps.set(v);
        }
        None => eps_bad.set(true),
    };
    view! {
        <section class="panel compare" aria-labelledby="cmp-title" data-testid="compare">
            <header class="panel-head">
                <h2 id="cmp-title">{ctx.tr(Txt::CmpTitle)}</h2>
                <p class="hint">{ctx.tr(Txt::CmpHint)}</p>
            </header>
            <div class="cmp-controls">
                <span>
                    "a: "
                    <strong data-testid="compare-a">
                        {move || ctx.t(policy_text(ui.scenario.with(|c| c.policy)))}
                    </strong>
                </span>
                <label>
                    "b: "
                    <select
                        data-testid="compare-policy"
                        on:change=move |ev| {
                            if let Ok(p) = Policy::parse(&event_target_value(&ev)) {
                                vs.set(p);
                            }
                        }
                    >
                        {Policy::ALL
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option value=p.name() selected=move || vs.get() == p>
                                        {move || ctx.t(policy_text(p))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label title=ctx.tr(Txt::CmpEpsTip)>
                    "ε "
                    <input
                        class="num"
                        data-testid="compare-eps"
                        size="7"
                        prop:value=move || eps_text.get()
                        on:input=move |ev| eps_text.set(event_target_value(&ev))
                        on:change=move |ev| commit(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                eps_text.set(eps.get_untracked().to_string());
                                eps_bad.set(false);
                            }
                        }
                    />
                    " ms"
                </label>
                <label title=ctx.tr(Txt::CmpNtpTip)>
                    {ctx.tr(Txt::CmpNtp)}
                    " "
                    <select
                        data-testid="compare-ntp"
                        on:change=move |ev| {
                            b_ntp.set(match event_target_value(&ev).as_str() {
                                "on" => Some(true),
                                "off" => Some(false),
                                _ => None,
                            });
                        }
                    >
                        <option value="same" selected=move || b_ntp.get().is_none()>
                            {ctx.tr(Txt::CmpAsA)}
                        </option>
                        <option value="on" selected=move || b_ntp.get() == Some(true)>
                            {ctx.tr(Txt::CmpNtpOn)}
                        </option>
                        <option value="off" selected=move || b_ntp.get() == Some(false)>
                            {ctx.tr(Txt::CmpNtpOff)}
                        </option>
                    </select>
                </label>
                <label title=ctx.tr(Txt::CmpPresetTip)>
                    {ctx.tr(Txt::CmpPreset)}
                    " "
                    <select
                        data-testid="compare-preset"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            b_preset.set(PRESETS.iter().find(|p| p.name == v).map(|p| p.name));
                        }
                    >
                        <option value="" selected=move || b_preset.get().is_none()>
                            {ctx.tr(Txt::CmpAsA)}
                        </option>
                        {PRESETS
                            .iter()
                            .map(|p| {
                                let name = p.name;
                                view! {
                                    <option value=name selected=move || b_preset.get() == Some(name)>
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <Shown when=move || eps_bad.get()>
                    <span class="field-error" role="alert" data-testid="compare-eps-error">
                        {ctx.tr(Txt::CmpEpsBad)}
                    </span>
                </Shown>
            </div>
            {move || match shown.signal().get() {
                Err(e) => view! { <p class="field-error">{e}</p> }.into_any(),
                Ok(at) => {
                    panes(ui.lang.get(), at, ui.scenario.with(|c| c.policy), &other.get()).into_any()
                }
            }}
        </section>
    }
}

/// A pane's instant: "at 10:02:00.000", or "over, at …" once its run has ended.
fn instant(l: Lang, t: Time, done: bool) -> String {
    let key = if done { Txt::CmpOver } else { Txt::CmpAt };
    l.t(key).replace("{t}", &t.to_string())
}

fn panes(l: Lang, at: AtInstant, pa: Policy, b: &Other) -> impl IntoView {
    let c = at.comparison;
    let pane = |side: char, label: &str| {
        let cards = PANE
            .iter()
            .map(|&(key, name, ms)| {
                let row = c.row(key).cloned();
                let (v, d) = row.map_or((0.0, 0.0), |r| (if side == 'a' { r.a } else { r.b }, r.diff));
                // A confirmation time of a run that confirmed nothing yet is no time (the
                // report's 0 ms would read as instant confirmations), nor is its difference.
                let none = |s: char| {
                    c.row("confirmed")
                        .is_some_and(|r| (if s == 'a' { r.a } else { r.b }) == 0.0)
                };
                if ms && (none(side) || (side == 'b' && none('a'))) {
                    let shown = if none(side) { "—".to_string() } else { figure(l, v, ms) };
                    return view! {
                        <div class="cmp-fig" data-key=key>
                            <span class="cmp-name">{l.t(name)}</span>
                            <span class="cmp-value" data-testid=format!("cmp-{side}-{key}")>{shown}</span>
                            {(side == 'b').then(|| view! { <span class="cmp-diff same">"—"</span> })}
                        </div>
                    }
                    .into_any();
                }
                // Fewer is better for every figure shown.
                let tone = if side == 'a' || d == 0.0 {
                    "same"
                } else if d < 0.0 {
                    "better"
                } else {
                    "worse"
                };
                view! {
                    <div class="cmp-fig" data-key=key>
                        <span class="cmp-name">{l.t(name)}</span>
                        <span class="cmp-value" data-testid=format!("cmp-{side}-{key}")>{figure(l, v, ms)}</span>
                        {(side == 'b')
                            .then(|| view! { <span class=format!("cmp-diff {tone}")>{diff(l, d, ms)}</span> })}
                    </div>
                }
                .into_any()
            })
            .collect_view();
        view! {
            <div class=format!("cmp-pane pane-{side}") data-testid=format!("compare-pane-{side}")>
                <h3>
                    {format!("{side}: {label}")}
                    <span class="cmp-time" data-testid=format!("compare-time-{side}")>
                        {if side == 'a' {
                            instant(l, at.a_now, at.a_done)
                        } else {
                            instant(l, at.b_now, at.b_done)
                        }}
                    </span>
                </h3>
                {cards}
            </div>
        }
    };
    let summary = l
        .t(Txt::CmpSummary)
        .replace("{seats}", &l.int(c.seats_changed.len() as u64))
        .replace("{only_a}", &l.int(c.only_a.len() as u64))
        .replace("{only_b}", &l.int(c.only_b.len() as u64));
    let all = c
        .rows
        .iter()
        .map(|r| {
            let ms = r.key.ends_with("_ms");
            view! {
                <tr data-key=r.key>
                    <th scope="row">{name_of(r.key).map_or(r.key, |t| l.t(t))}</th>
                    <td>{figure(l, r.a, ms)}</td>
                    <td>{figure(l, r.b, ms)}</td>
                    <td>{diff(l, r.diff, ms)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="cmp-panes">
            {pane('a', l.t(policy_text(pa)))}
            {pane('b', &b_label(l, b))}
        </div>
        <p class="cmp-summary" data-testid="compare-summary">{summary}</p>
        <details class="cmp-all" data-testid="compare-all">
            <summary>{l.t(Txt::CmpAll)}</summary>
            <table>
                <thead>
                    <tr>
                        <th></th>
                        <th scope="col">"a"</th>
                        <th scope="col">"b"</th>
                        <th scope="col">"b − a"</th>
                    </tr>
                </thead>
                <tbody>{all}</tbody>
            </table>
        </details>
    }
}
