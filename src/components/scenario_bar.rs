//! The top of the page: presets with what each shows, the policy, the scenario's
//! settings, the projector mode's switch, the language switch and the help button.

use crate::components::field::TextField;
use crate::components::share::ShareMenu;
use crate::components::shown::Shown;
use crate::components::term::Term;
use crate::ctx::{use_ctx, Ctx};
use crate::i18n::{Lang, Txt};
use crate::panels::lesson::LessonButton;
use crate::scenario::Field;
use driftlab_sim::presets::{self, Group, PRESETS};
use driftlab_sim::Policy;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The items of an open preset menu, in order.
fn menu_items(menu: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = menu.query_selector_all("[role=menuitemradio]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// The presets' texts in the app's current language (tracked).
fn preset_lang(ctx: Ctx) -> presets::Lang {
    match ctx.ui.lang.get() {
        Lang::En => presets::Lang::En,
        Lang::Fr => presets::Lang::Fr,
    }
}

/// Groups of up to this many presets show them as buttons; longer ones as a menu.
const INLINE_MAX: usize = 3;

/// The name shown before a group of presets (the baseline group has none).
fn group_text(g: Group) -> Option<Txt> {
    match g {
        Group::Drift => Some(Txt::PresetsDrift),
        Group::Baseline => None,
        Group::Ntp => Some(Txt::PresetsNtp),
        Group::Gateway => Some(Txt::PresetsGateway),
        Group::Data => Some(Txt::PresetsData),
    }
}

/// A policy's label.
pub fn policy_text(p: Policy) -> Txt {
    match p {
        Policy::LocalTimestamp => Txt::PolLocal,
        Policy::NoLock => Txt::PolNoLock,
        Policy::Unique => Txt::PolUnique,
        Policy::Lamport => Txt::PolLamport,
        Policy::Hlc => Txt::PolHlc,
        Policy::CommitWait => Txt::PolCommitWait,
        Policy::Tso => Txt::PolTso,
    }
}

/// What a policy guarantees, and what it does not (docs/MODEL.md, "What cures what").
pub fn guarantees_text(p: Policy) -> (Txt, Txt) {
    match p {
        Policy::LocalTimestamp => (Txt::GuarLocal, Txt::NotLocal),
        Policy::NoLock => (Txt::GuarNoLock, Txt::NotNoLock),
        Policy::Unique => (Txt::GuarUnique, Txt::NotUnique),
        Policy::Lamport => (Txt::GuarLamport, Txt::NotLamport),
        Policy::Hlc => (Txt::GuarHlc, Txt::NotHlc),
        Policy::CommitWait => (Txt::GuarCommitWait, Txt::NotCommitWait),
        Policy::Tso => (Txt::GuarTso, Txt::NotTso),
    }
}

/// The summary of preset number `i` in the current language.
fn summary(ctx: Ctx, i: usize) -> &'static str {
    PRESETS[i].summary(preset_lang(ctx))
}

/// The header and the scenario's settings.
// `move || f()` where `f` is already a closure: `view!` boxes a closure written in
// place into its one closure type, a closure passed by name gets a type of its own
// (docs/APP.md, the bundle's size). Clippy on wasm32 calls them redundant.
#[allow(clippy::redundant_closure)]
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
            let alarming = p.alarming;
            let active = move || current() == Some(i);
            view! {
                <button
                    class="preset"
                    class:active=move || active()
                    class:extreme=alarming
                    aria-pressed=move || active().to_string()
                    title=move || summary(ctx, i)
                    data-testid=format!("preset-{name}")
                    on:click=move |_| ctx.preset(name)
                    on:mouseenter=move |_| hovered.set(Some(i))
                    on:mouseleave=move |_| hovered.set(None)
                    on:focus=move |_| hovered.set(Some(i))
                    on:blur=move |_| hovered.set(None)
                >
                    {move || p.label(preset_lang(ctx))}
                </button>
            }
        }
    };
    // The groups one after the other. A group of a few presets shows them as buttons,
    // led by its name (an empty one for the baseline, which only separates it from the
    // drift group); a longer one is a single button, its name and the chosen preset,
    // that opens the list of its presets, each with what it shows.
    let open = RwSignal::new(None::<Group>);
    let groups = Group::ALL
        .into_iter()
        .map(|g| {
            let members: Vec<usize> = (0..PRESETS.len())
                .filter(|&i| PRESETS[i].group == g)
                .collect();
            let label = group_text(g);
            if members.len() <= INLINE_MAX {
                let buttons = members.into_iter().map(button).collect_view();
                return view! {
                    <span class="group-name" aria-hidden=label.is_none().then_some("true")>
                        {move || label.map(|l| ctx.t(l))}
                    </span>
                    {buttons}
                }
                .into_any();
            }
            let names = members
                .iter()
                .map(|&i| PRESETS[i].name)
                .collect::<Vec<_>>()
                .join(" ");
            let chosen = move || current().filter(|&i| PRESETS[i].group == g);
            let is_open = move || open.get() == Some(g);
            // Built each time the menu opens: a view is not `Clone` once components are
            // type-erased (`--cfg erase_components`, the release build's setting).
            let items = move || {
                members
                .iter()
                .map(|&i| {
                    let p = &PRESETS[i];
                    let name = p.name;
                    let active = move || current() == Some(i);
                    view! {
                        <button
                            class="preset menu-item"
                            class:active=move || active()
                            role="menuitemradio"
                            aria-checked=move || active().to_string()
                            data-testid=format!("preset-{name}")
                            on:click=move |_| {
                                open.set(None);
                                ctx.preset(name);
                            }
                        >
                            <span class="item-label">{move || p.label(preset_lang(ctx))}</span>
                            <span class="item-summary">{move || summary(ctx, i)}</span>
                        </button>
                    }
                })
                .collect_view()
            };
            // Keyboard: the menu takes the focus when it opens (on the chosen preset, else
            // the first), ↑/↓ move through it, Home/End jump, Escape closes it and gives
            // the focus back to its button.
            let menu_ref = NodeRef::<leptos::html::Div>::new();
            let toggle_ref = NodeRef::<leptos::html::Button>::new();
            Effect::new(move |_| {
                if let Some(menu) = menu_ref.get() {
                    let items = menu_items(&menu);
                    let first = items
                        .iter()
                        .find(|el| el.get_attribute("aria-checked").as_deref() == Some("true"))
                        .or(items.first());
                    if let Some(el) = first {
                        let _ = el.focus();
                    }
                }
            });
            let on_key = move |e: leptos::ev::KeyboardEvent| {
                let Some(menu) = menu_ref.get_untracked() else {
                    return;
                };
                let key = e.key();
                if key == "Escape" {
                    open.set(None);
                    if let Some(t) = toggle_ref.get_untracked() {
                        let _ = t.focus();
                    }
                    return;
                }
                let items = menu_items(&menu);
                if items.is_empty() {
                    return;
                }
                let focused = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element());
                let at = items
                    .iter()
                    .position(|el| Some(el.unchecked_ref::<web_sys::Element>()) == focused.as_ref());
                let last = items.len() - 1;
                let next = match key.as_str() {
                    "ArrowDown" => at.map_or(0, |i| if i == last { 0 } else { i + 1 }),
                    "ArrowUp" => at.map_or(last, |i| if i == 0 { last } else { i - 1 }),
                    "Home" => 0,
                    "End" => last,
                    _ => return,
                };
                e.prevent_default();
                let _ = items[next].focus();
            };
            view! {
                <span class="preset-group">
                    <button
                        node_ref=toggle_ref
                        class="preset group-toggle"
                        class:active=move || chosen().is_some()
                        aria-haspopup="menu"
                        aria-expanded=move || is_open().to_string()
                        data-testid=format!("group-{}", g.name())
                        data-presets=names
                        on:click=move |_| open.update(|o| *o = if *o == Some(g) { None } else { Some(g) })
                    >
                        {move || label.map(|l| ctx.t(l))}
                        {move || chosen().map(|i| format!(" · {}", PRESETS[i].label(preset_lang(ctx))))}
                        " ▾"
                    </button>
                    <Shown when=is_open>
                        <div class="menu-backdrop" on:click=move |_| open.set(None)></div>
                        <div class="preset-menu" role="menu" node_ref=menu_ref on:keydown=on_key>
                            {items.clone()}
                        </div>
                    </Shown>
                </span>
            }
            .into_any()
        })
        .collect_view();
    let shown = move || hovered.get().or_else(current).map(|i| summary(ctx, i));
    // On a projector's 1280 × 720 the summary keeps two lines (one in projector mode) and
    // the policy's guarantees one: "more" shows both whole, over the view.
    let more = RwSignal::new(false);
    let escape = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && more.get_untracked() {
            more.set(false);
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <header class="topbar">
            <div class="brand">
                <h1>"Driftlab"</h1>
                <span class="tagline">{ctx.tr(Txt::Tagline)}</span>
            </div>
            <nav class="presets" aria-label=ctx.tr(Txt::Scenario)>
                {groups}
            </nav>
        </header>
        <section class="settings" aria-label=ctx.tr(Txt::Scenario)>
            <div class="summary-row">
                <p
                    class="preset-summary"
                    data-testid="preset-summary"
                    aria-live="polite"
                    title=move || shown()
                >
                    {move || shown()}
                </p>
                <button
                    class="summary-more"
                    data-testid="summary-more"
                    aria-expanded=move || more.get().to_string()
                    aria-controls="scenario-whole"
                    title=ctx.tr(Txt::SummaryMoreTip)
                    on:click=move |_| more.update(|m| *m = !*m)
                >
                    {ctx.tr(Txt::SummaryMore)}
                    {move || if more.get() { " ▴" } else { " ▾" }}
                </button>
                <div class="top-right">
                    <LessonButton />
                    <ShareMenu />
                    <ProjectorToggle />
                    <LangSwitch />
                    <button
                        class="help-button"
                        data-testid="help-button"
                        aria-label=ctx.tr(Txt::Help)
                        title=ctx.tr(Txt::Help)
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
            <PolicyGuarantees />
            <Shown when=move || more.get()>
                <div class="menu-backdrop" on:click=move |_| more.set(false)></div>
                <div
                    class="scenario-whole"
                    id="scenario-whole"
                    data-testid="scenario-whole"
                    role="region"
                    aria-label=ctx.tr(Txt::SummaryMoreTip)
                >
                    <p class="whole-summary">{move || shown()}</p>
                    <GuaranteesText />
                    <button class="whole-close" on:click=move |_| more.set(false)>
                        {ctx.tr(Txt::Close)}
                    </button>
                </div>
            </Shown>
        </section>
    }
}

/// One of the scenario's text fields; a valid change starts a new run.
#[component]
fn ScenarioField(field: Field, label: Txt, tip: Txt, size: u32) -> impl IntoView {
    let ctx = use_ctx();
    let testid = format!("field-{}", format!("{field:?}").to_ascii_lowercase());
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

/// What the chosen policy guarantees and what it does not, under the selector: two
/// chips, each one line on a projector's 1280 px (whole on hover and under "more").
#[component]
fn PolicyGuarantees() -> impl IntoView {
    let ctx = use_ctx();
    let texts = move || guarantees_text(ctx.ui.scenario.with(|c| c.policy));
    view! {
        <p class="policy-guarantees" data-testid="policy-guarantees">
            <span
                class="guar-yes"
                title=move || format!("{} {}", ctx.t(Txt::Guarantees), ctx.t(texts().0))
            >
                <strong>"✓ " {ctx.tr(Txt::Guarantees)}</strong>
                " "
                {move || ctx.t(texts().0)}
            </span>
            " "
            <span
                class="guar-no"
                title=move || format!("{} {}", ctx.t(Txt::NotGuaranteed), ctx.t(texts().1))
            >
                <strong>"✗ " {ctx.tr(Txt::NotGuaranteed)}</strong>
                " "
                {move || ctx.t(texts().1)}
            </span>
        </p>
    }
}

/// The policy's guarantees whole, one paragraph each (under "more").
#[component]
fn GuaranteesText() -> impl IntoView {
    let ctx = use_ctx();
    let texts = move || guarantees_text(ctx.ui.scenario.with(|c| c.policy));
    view! {
        <p class="guar-yes">
            <strong>"✓ " {ctx.tr(Txt::Guarantees)}</strong>
            " "
            {move || ctx.t(texts().0)}
        </p>
        <p class="guar-no">
            <strong>"✗ " {ctx.tr(Txt::NotGuaranteed)}</strong>
            " "
            {move || ctx.t(texts().1)}
        </p>
    }
}

/// Projector mode on or off (also the P key): larger text and figures for the back of
/// a classroom, kept in the URL.
#[component]
fn ProjectorToggle() -> impl IntoView {
    let ctx = use_ctx();
    let on = ctx.ui.projector;
    view! {
        <button
            class="projector-toggle"
            class:active=move || on.get()
            aria-pressed=move || on.get().to_string()
            title=ctx.tr(Txt::ProjectorTip)
            data-testid="projector"
            on:click=move |_| ctx.set_projector(!on.get_untracked())
        >
            {ctx.tr(Txt::Projector)}
        </button>
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
                    {l.code().to_ascii_uppercase()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="lang-switch" role="group" aria-label=ctx.tr(Txt::Language)>
            {buttons}
        </div>
    }
}
