//! The top of the page: presets with what each shows, the policy, the scenario's
//! settings, the language switch and the help button.

use crate::components::field::TextField;
use crate::components::term::Term;
use crate::ctx::{use_ctx, Ctx};
use crate::i18n::{Lang, Txt};
use crate::scenario::Field;
use driftlab_sim::presets::PRESETS;
use driftlab_sim::Policy;
use leptos::prelude::*;

/// A preset's label and summary, if the app knows how to say them.
fn preset_texts(name: &str) -> Option<(Txt, Txt)> {
    Some(match name {
        "minor_drift" => (Txt::PresetMinor, Txt::SumMinor),
        "major_drift" => (Txt::PresetMajor, Txt::SumMajor),
        "extreme_drift" => (Txt::PresetExtreme, Txt::SumExtreme),
        "start_demo" => (Txt::PresetDemo, Txt::SumDemo),
        "reset" => (Txt::PresetReset, Txt::SumReset),
        "synced" => (Txt::PresetSynced, Txt::SumSynced),
        "ntp_falseticker" => (Txt::PresetFalseticker, Txt::SumFalseticker),
        "ntp_asymmetric" => (Txt::PresetAsymmetric, Txt::SumAsymmetric),
        "ntp_unreachable" => (Txt::PresetUnreachable, Txt::SumUnreachable),
        _ => return None,
    })
}

/// Whether preset `name` runs NTP (it then shows in the NTP group).
fn uses_ntp(name: &str) -> bool {
    name == "synced" || name.starts_with("ntp")
}

/// A policy's label.
pub fn policy_text(p: Policy) -> Txt {
    match p {
        Policy::LocalTimestamp => Txt::PolLocal,
        Policy::NoLock => Txt::PolNoLock,
        Policy::Unique => Txt::PolUnique,
    }
}

/// The summary of preset number `i` (the core's English one for presets the table lacks).
fn summary(ctx: Ctx, i: usize) -> &'static str {
    let p = &PRESETS[i];
    preset_texts(p.name).map_or(p.summary, |(_, s)| ctx.t(s))
}

/// The header and the scenario's settings.
#[component]
pub fn ScenarioBar() -> impl IntoView {
    let ctx = use_ctx();
    // The preset under the pointer or focus: its summary replaces the current one.
    let hovered = RwSignal::new(None::<usize>);
    let current = move || {
        ctx.ui
            .scenario
            .with(|c| PRESETS.iter().position(|p| p.name == c.preset))
    };
    let button = move |i: usize| {
        let p = &PRESETS[i];
        {
            let name = p.name;
            let active = move || current() == Some(i);
            view! {
                <button
                    class="preset"
                    class:active=active
                    class:extreme=name == "extreme_drift"
                    aria-pressed=move || active().to_string()
                    title=move || summary(ctx, i)
                    data-testid=format!("preset-{name}")
                    on:click=move |_| ctx.preset(name)
                    on:mouseenter=move |_| hovered.set(Some(i))
                    on:mouseleave=move |_| hovered.set(None)
                    on:focus=move |_| hovered.set(Some(i))
                    on:blur=move |_| hovered.set(None)
                >
                    {move || preset_texts(name).map_or(name, |(l, _)| ctx.t(l))}
                </button>
            }
        }
    };
    // Three groups: how far the clocks drift, the demo and the baseline, and NTP.
    let group = |label: Txt, names: Vec<usize>| {
        let buttons = names.into_iter().map(button).collect_view();
        view! {
            <span class="group-name">{move || ctx.t(label)}</span>
            {buttons}
        }
    };
    let find = |f: fn(&str) -> bool| -> Vec<usize> {
        (0..PRESETS.len()).filter(|&i| f(PRESETS[i].name)).collect()
    };
    let drift = group(Txt::PresetsDrift, find(|n| n.ends_with("_drift")));
    let others = find(|n| !n.ends_with("_drift") && !uses_ntp(n))
        .into_iter()
        .map(button)
        .collect_view();
    let ntp = group(Txt::PresetsNtp, find(uses_ntp));
    let shown = move || hovered.get().or_else(current).map(|i| summary(ctx, i));
    view! {
        <header class="topbar">
            <div class="brand">
                <h1>"Driftlab"</h1>
                <span class="tagline">{move || ctx.t(Txt::Tagline)}</span>
            </div>
            <nav class="presets" aria-label=move || ctx.t(Txt::Scenario)>
                {drift}
                <span class="group-name" aria-hidden="true"></span>
                {others}
                {ntp}
            </nav>
        </header>
        <section class="settings" aria-label=move || ctx.t(Txt::Scenario)>
            <div class="summary-row">
                <p class="preset-summary" data-testid="preset-summary" aria-live="polite">
                    {shown}
                </p>
                <div class="top-right">
                    <LangSwitch />
                    <button
                        class="help-button"
                        data-testid="help-button"
                        aria-label=move || ctx.t(Txt::Help)
                        title=move || ctx.t(Txt::Help)
                        on:click=move |_| ctx.ui.help.update(|h| *h = !*h)
                    >
                        "?"
                    </button>
                </div>
            </div>
            <div class="settings-fields">
                <PolicySelect />
                <ScenarioField field=Field::Seed label=Txt::Seed tip=Txt::SeedTip size=5 />
                <ScenarioField field=Field::Opening label=Txt::Opening tip=Txt::OpeningTip size=7 />
                <ScenarioField field=Field::Customers label=Txt::Customers tip=Txt::CustomersTip size=5 />
                <ScenarioField field=Field::Rows label=Txt::Rows tip=Txt::HallTip size=2 />
                <ScenarioField field=Field::Cols label=Txt::Cols tip=Txt::HallTip size=2 />
            </div>
        </section>
    }
}

/// One of the scenario's text fields; a valid change starts a new run.
#[component]
fn ScenarioField(field: Field, label: Txt, tip: Txt, size: u32) -> impl IntoView {
    let ctx = use_ctx();
    let testid = format!("field-{}", format!("{field:?}").to_lowercase());
    view! {
        <TextField
            label=label
            tip=tip
            testid=testid
            size=size
            value=Signal::derive(move || ctx.ui.scenario.with(|c| field.text(c)))
            commit=Callback::new(move |text: String| ctx.field(field, &text))
        />
    }
}

/// The concurrency policy.
#[component]
fn PolicySelect() -> impl IntoView {
    let ctx = use_ctx();
    let options = Policy::ALL
        .iter()
        .map(|&p| {
            view! {
                <option
                    value=p.name()
                    selected=move || ctx.ui.scenario.with(|c| c.policy == p)
                >
                    {move || ctx.t(policy_text(p))}
                </option>
            }
        })
        .collect_view();
    view! {
        <label class="field">
            <span class="field-label">
                <Term label=Txt::Policy tip=Txt::PolicyTip />
            </span>
            <select
                data-testid="policy"
                prop:value=move || ctx.ui.scenario.with(|c| c.policy.name())
                on:change=move |ev| {
                    if let Ok(p) = Policy::parse(&event_target_value(&ev)) {
                        ctx.policy(p);
                    }
                }
            >
                {options}
            </select>
        </label>
    }
}

/// FR | EN.
#[component]
fn LangSwitch() -> impl IntoView {
    let ctx = use_ctx();
    let buttons = Lang::ALL
        .iter()
        .map(|&l| {
            view! {
                <button
                    class="lang"
                    class:active=move || ctx.ui.lang.get() == l
                    aria-pressed=move || (ctx.ui.lang.get() == l).to_string()
                    lang=l.code()
                    data-testid=format!("lang-{}", l.code())
                    on:click=move |_| ctx.ui.lang.set(l)
                >
                    {l.code().to_uppercase()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="lang-switch" role="group" aria-label=move || ctx.t(Txt::Language)>
            {buttons}
        </div>
    }
}
