//! The guided lesson: a panel over the current view that walks the class through the
//! story one step at a time. Each step loads its scenario, asks its question (the class
//! picks a choice), runs, outlines the figure or the server that answers it in the
//! view, and explains what happened with the run's numbers. Everything it shows is the
//! core's ([`driftlab_sim::lesson`]): the answer, the figure and the filled text; the
//! panel only lays them out. The lesson and step are in the URL (`?lesson=…&step=…`).

pub mod data;

use crate::ctx::{use_ctx, Ctx};
use crate::i18n::Txt;
use crate::url;
use crate::view::View;
use data::{core_lang, lessons, Pos};
use driftlab_sim::lesson::{Outcome, Target};
use driftlab_sim::Sim;
use leptos::prelude::*;
use std::time::Duration;

/// The lesson's state, shared by the top bar's button and the panel.
#[derive(Clone, Copy)]
pub struct LessonState {
    /// The step on screen (none: the lesson is closed).
    pub pos: RwSignal<Option<Pos>>,
    /// The class's answer, by its index.
    pub chosen: RwSignal<Option<usize>>,
    /// The step's run, read (none: not run yet; an error in the core's words).
    pub outcome: RwSignal<Option<Result<Outcome, String>>>,
}

impl LessonState {
    /// A closed lesson.
    pub fn new() -> LessonState {
        LessonState {
            pos: RwSignal::new(None),
            chosen: RwSignal::new(None),
            outcome: RwSignal::new(None),
        }
    }
}

impl Default for LessonState {
    fn default() -> Self {
        LessonState::new()
    }
}

/// The lesson's state from the context.
pub fn use_lesson() -> LessonState {
    expect_context::<LessonState>()
}

/// The attribute that outlines the highlighted element.
const MARK: &str = "data-lesson-highlight";

/// Removes the outline from whatever has it.
fn clear_highlight() {
    if let Some(panel) = document().query_selector("aside.lesson").ok().flatten() {
        let _ = panel.remove_attribute(DOCK);
    }
    let Ok(list) = document().query_selector_all(&format!("[{MARK}]")) else {
        return;
    };
    for i in 0..list.length() {
        if let Some(el) = list
            .item(i)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        {
            let _ = el.remove_attribute(MARK);
        }
    }
}

/// The CSS selector of `target` in the view: a figure tagged with its report path
/// (`data-measure`), or a server (`data-server`, from 1).
fn selector(target: &Target) -> String {
    match target {
        Target::Measure(p) => format!("main [data-measure=\"{p}\"]:not(.lesson *)"),
        Target::Server(n) => format!("main [data-server=\"{n}\"]:not(.lesson *)"),
    }
}

/// Moves the lesson panel to the view's left side when it would cover `el` (a figure
/// on the right of its view), and back to the right otherwise.
fn dock_clear_of(el: &web_sys::Element) {
    let Some(panel) = document().query_selector("aside.lesson").ok().flatten() else {
        return;
    };
    let _ = panel.remove_attribute(DOCK);
    let (a, b) = (
        el.get_bounding_client_rect(),
        panel.get_bounding_client_rect(),
    );
    let overlap = a.left() < b.right()
        && b.left() < a.right()
        && a.top() < b.bottom()
        && b.top() < a.bottom();
    if overlap {
        let _ = panel.set_attribute(DOCK, "left");
    }
}

/// The lesson panel's attribute that docks it on the left.
const DOCK: &str = "data-dock";

/// Outlines `target` once its view has drawn it (tried every 50 ms, for 2 s).
fn highlight(target: Target, tries: u32) {
    clear_highlight();
    let found = document().query_selector(&selector(&target)).ok().flatten();
    match found {
        Some(el) => {
            let _ = el.set_attribute(MARK, "");
            el.scroll_into_view();
            dock_clear_of(&el);
        }
        None if tries > 0 => set_timeout(
            move || highlight(target, tries - 1),
            Duration::from_millis(50),
        ),
        None => {}
    }
}

/// Opens step `pos`: its scenario loaded at its start, paused, its view shown, the
/// URL naming it.
pub fn open_step(ctx: Ctx, st: LessonState, pos: Pos) {
    let ls = lessons();
    let Some(step) = ls.get(pos.lesson).and_then(|l| l.steps.get(pos.step)) else {
        return;
    };
    clear_highlight();
    let (cfg, actions) = step.scenario();
    let _ = ctx.load_scenario(cfg, &actions);
    st.chosen.set(None);
    st.outcome.set(None);
    st.pos.set(Some(pos));
    if let Some(v) = View::parse(&step.view) {
        ctx.open(v);
    }
    url::set_params(&pos.params(ls));
}

/// Runs the step on screen to its end and reads its answer.
fn run_step(ctx: Ctx, st: LessonState) {
    let Some(pos) = st.pos.get_untracked() else {
        return;
    };
    let step = &lessons()[pos.lesson].steps[pos.step];
    let end = ctx.ui.track.with_untracked(|t| t.end);
    ctx.seek(end);
    // The answer is the core's, from the report of the whole run (as `driftlab run`).
    let (cfg, actions) = step.scenario();
    let outcome = Sim::with_actions(cfg, &actions)
        .map_err(|e| e.to_string())
        .and_then(|mut sim| {
            sim.run();
            step.outcome(&sim.report()).map_err(|e| e.to_string())
        });
    if let Some(v) = View::parse(&step.view) {
        ctx.open(v);
    }
    let ok = outcome.is_ok();
    st.outcome.set(Some(outcome));
    // The answer below the question: bring it into the panel's view.
    set_timeout(
        || {
            let found = document()
                .query_selector("[data-testid=\"lesson-verdict\"], [data-testid=\"lesson-error\"]")
                .ok()
                .flatten();
            if let Some(el) = found {
                el.scroll_into_view();
            }
        },
        Duration::from_millis(30),
    );
    if ok {
        highlight(step.target.clone(), 40);
    }
}

/// Closes the lesson; the scenario on screen stays.
fn close(st: LessonState) {
    clear_highlight();
    st.pos.set(None);
    st.chosen.set(None);
    st.outcome.set(None);
    url::remove_params(&["lesson", "step"]);
}

/// The top bar's button: opens the lesson at its first step, or closes it.
#[component]
pub fn LessonButton() -> impl IntoView {
    let ctx = use_ctx();
    let st = use_lesson();
    view! {
        <button
            class="lesson-button"
            class:active=move || st.pos.get().is_some()
            data-testid="lesson-button"
            aria-pressed=move || st.pos.get().is_some().to_string()
            title=ctx.tr(Txt::LessonTip)
            on:click=move |_| {
                if st.pos.get_untracked().is_some() {
                    close(st);
                } else {
                    open_step(ctx, st, Pos::FIRST);
                }
            }
        >
            {ctx.tr(Txt::Lesson)}
        </button>
    }
}

/// The lesson panel, over the view while a lesson is open.
#[component]
pub fn LessonPanel() -> impl IntoView {
    let ctx = use_ctx();
    let st = use_lesson();
    // Back on the step's view (or a new run of the same step): outline it again.
    Effect::new(move |_| {
        let view = ctx.ui.view.get();
        let ran = st.outcome.with(|o| matches!(o, Some(Ok(_))));
        if let (Some(pos), true) = (st.pos.get(), ran) {
            let step = &lessons()[pos.lesson].steps[pos.step];
            if view.slug() == step.view {
                highlight(step.target.clone(), 40);
            }
        }
    });
    move || st.pos.get().map(|pos| view! { <StepCard pos=pos /> })
}

/// One step: the question, the choices, the run, the answer and its explanation.
#[component]
fn StepCard(pos: Pos) -> impl IntoView {
    let ctx = use_ctx();
    let st = use_lesson();
    let ls = lessons();
    let lesson = &ls[pos.lesson];
    let step = &lesson.steps[pos.step];
    let lang = move || core_lang(ctx.ui.lang.get());
    let (n, total) = pos.progress(ls);
    let chapter = move || {
        ctx.t(Txt::LessonChapter)
            .replace("{i}", &(pos.lesson + 1).to_string())
            .replace("{n}", &ls.len().to_string())
    };
    let progress = move || {
        ctx.t(Txt::LessonProgress)
            .replace("{i}", &n.to_string())
            .replace("{n}", &total.to_string())
    };
    let ran = move || st.outcome.with(|o| o.is_some());
    let choices = step
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = c.id.clone();
            let text = c.text.clone();
            let verdict = move || match st
                .outcome
                .with(|o| o.as_ref().and_then(|r| r.as_ref().ok().map(|o| o.right)))
            {
                Some(r) if r == i => "right",
                Some(_) if st.chosen.get() == Some(i) => "wrong",
                _ => "",
            };
            // Once run, only the right answer and the class's stay.
            let shown = move || !ran() || !verdict().is_empty();
            view! {
                <li class:gone=move || !shown()>
                    <button
                        class=move || format!("lesson-choice {}", verdict())
                        class:chosen=move || st.chosen.get() == Some(i)
                        aria-pressed=move || (st.chosen.get() == Some(i)).to_string()
                        data-testid=format!("lesson-choice-{id}")
                        data-verdict=verdict
                        title=ctx.tr(Txt::LessonChoiceTip)
                        disabled=ran
                        on:click=move |_| st.chosen.set(Some(i))
                    >
                        {move || text.get(lang()).to_string()}
                    </button>
                </li>
            }
        })
        .collect_view();
    let right_text = move || {
        st.outcome.with(|o| {
            o.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|out| step.choices[out.right].text.get(lang()).to_string())
        })
    };
    let result = move || {
        let l = lang();
        st.outcome.with(|o| match o {
            None => None,
            Some(Err(why)) => Some(
                view! {
                    <p class="lesson-error" role="alert" data-testid="lesson-error">
                        {ctx.t(Txt::LessonFailed).replace("{why}", why)}
                    </p>
                }
                .into_any(),
            ),
            Some(Ok(out)) => {
                let right = st.chosen.get() == Some(out.right);
                let verdict = if right {
                    ctx.t(Txt::LessonRight).to_string()
                } else {
                    ctx.t(Txt::LessonWrong)
                        .replace("{answer}", &right_text().unwrap_or_default())
                };
                Some(
                    view! {
                        <p
                            class="lesson-verdict"
                            class:right=right
                            data-testid="lesson-verdict"
                            data-right=right.to_string()
                            role="status"
                        >
                            {verdict}
                        </p>
                        <p class="lesson-figure" title=ctx.t(Txt::LessonFigureTip)>
                            <span class="label">{ctx.t(Txt::LessonFigure)}</span>
                            " "
                            <strong
                                data-testid="lesson-figure"
                                data-value=out.value.to_string()
                                data-answer-server=out.server.map(|s| s.to_string()).unwrap_or_default()
                                data-target-value=out.target_value.to_string()
                            >
                                {out.figure(l).to_string()}
                            </strong>
                        </p>
                        <h3 class="lesson-why">{ctx.t(Txt::LessonWhy)}</h3>
                        <p class="lesson-explain" data-testid="lesson-explain">
                            {out.explain(l).to_string()}
                        </p>
                    }
                    .into_any(),
                )
            }
        })
    };
    let prev = pos.prev(ls);
    let next = pos.next(ls);
    let intro = lesson.intro.clone();
    let title = lesson.title.clone();
    let step_title = step.title.clone();
    let question = step.question.clone();
    let first = pos.step == 0;
    view! {
        <aside
            class="lesson"
            role="dialog"
            aria-labelledby="lesson-step-title"
            data-testid="lesson"
            data-lesson=lesson.id.clone()
            data-step=(pos.step + 1).to_string()
        >
            <header class="lesson-head">
                <span class="lesson-chapter">
                    {move || chapter()} " · " {move || title.get(lang()).to_string()}
                </span>
                <button
                    class="lesson-close"
                    data-testid="lesson-close"
                    aria-label=ctx.tr(Txt::LessonClose)
                    title=ctx.tr(Txt::LessonClose)
                    on:click=move |_| close(st)
                >
                    "✕"
                </button>
            </header>
            <div class="lesson-body">
                {first.then(|| view! { <p class="lesson-intro">{move || intro.get(lang()).to_string()}</p> })}
                <h2 id="lesson-step-title" data-testid="lesson-step-title">
                    {move || step_title.get(lang()).to_string()}
                </h2>
                <p class="lesson-question" data-testid="lesson-question">
                    <span class="sr-only">{ctx.tr(Txt::LessonQuestion)} ": "</span>
                    {move || question.get(lang()).to_string()}
                </p>
                <ul class="lesson-choices" aria-label=ctx.tr(Txt::LessonQuestion)>
                    {choices}
                </ul>
                {move || {
                    (!ran())
                        .then(|| {
                            view! {
                                <p class="lesson-hint">{ctx.t(Txt::LessonChoose)}</p>
                                <button
                                    class="lesson-run"
                                    data-testid="lesson-run"
                                    title=ctx.t(Txt::LessonRunTip)
                                    disabled=move || st.chosen.get().is_none()
                                    on:click=move |_| run_step(ctx, st)
                                >
                                    {ctx.t(Txt::LessonRun)}
                                </button>
                            }
                        })
                }}
                {move || result()}
                {move || {
                    ran()
                        .then(|| {
                            view! {
                                <button
                                    class="lesson-try"
                                    data-testid="lesson-try"
                                    title=ctx.t(Txt::LessonTryTip)
                                    on:click=move |_| {
                                        close(st);
                                        ctx.restart();
                                    }
                                >
                                    {ctx.t(Txt::LessonTry)}
                                </button>
                            }
                        })
                }}
            </div>
            <footer class="lesson-foot">
                <button
                    data-testid="lesson-prev"
                    title=ctx.tr(Txt::LessonPrevTip)
                    disabled=prev.is_none()
                    on:click=move |_| {
                        if let Some(p) = prev {
                            open_step(ctx, st, p)
                        }
                    }
                >
                    {ctx.tr(Txt::LessonPrev)}
                </button>
                <span class="lesson-progress" data-testid="lesson-progress" title=ctx.tr(Txt::LessonProgressTip)>
                    {move || progress()}
                </span>
                {match next {
                    Some(p) => view! {
                        <button
                            class="lesson-next"
                            data-testid="lesson-next"
                            title=ctx.tr(Txt::LessonNextTip)
                            on:click=move |_| open_step(ctx, st, p)
                        >
                            {ctx.tr(Txt::LessonNext)}
                        </button>
                    }
                    .into_any(),
                    None => view! {
                        <span class="lesson-end" data-testid="lesson-end">{ctx.tr(Txt::LessonEnd)}</span>
                    }
                    .into_any(),
                }}
            </footer>
        </aside>
    }
}
