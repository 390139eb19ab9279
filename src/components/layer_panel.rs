//! The frame of a layer's panel (the gateway, the data path, the change feed): without
//! the layer, its title and the hint that says how to get one; with it, a section with
//! its head (the title, then the panel's switches or readings), its body, and the
//! message of a refused live action. [`figure`] writes one of its figures, read from
//! the panel's feed and tagged with its path in the run's report.

use crate::components::node_card::Figure;
use crate::components::shown::Shown;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::{Lang, Txt};
use leptos::prelude::*;

/// A layer's panel: `children` under a head holding the title and `head`, while
/// `present`; otherwise the title and the hint `none`.
#[component]
pub fn LayerPanel(
    /// Whether the run has the layer.
    #[prop(into)]
    present: Signal<bool>,
    /// The section's class beside `panel` (`data`, `gateway`, `feed-panel`).
    class: &'static str,
    /// The section's test id (`data`); without the layer the hint's section is this
    /// plus `-none`; the title's id is this plus `-title`.
    testid: &'static str,
    /// The title.
    title: Txt,
    /// With a tip, the title is a term that explains itself (the hint's title stays
    /// plain).
    #[prop(optional)]
    title_tip: Option<Txt>,
    /// The hint shown without the layer: how to get one.
    none: Txt,
    /// What the head holds after the title.
    #[prop(into)]
    head: ViewFn,
    /// The last live action's refusal, shown under the body.
    refused: RwSignal<Option<String>>,
    /// The refusal's test id.
    error_testid: &'static str,
    /// The panel's body.
    children: ChildrenFn,
) -> impl IntoView {
    let ctx = use_ctx();
    let section_class = format!("panel {class}");
    let fallback_class = section_class.clone();
    let title_id = format!("{testid}-title");
    view! {
        <Shown
            when=move || present.get()
            fallback=move || {
                view! {
                    <section class=fallback_class.clone() data-testid=format!("{testid}-none")>
                        <h2>{ctx.tr(title)}</h2>
                        <p class="hint">{ctx.tr(none)}</p>
                    </section>
                }
            }
        >
            <section
                class=section_class.clone()
                aria-labelledby=title_id.clone()
                data-testid=testid
            >
                <header class="panel-head">
                    <h2 id=title_id.clone()>
                        {match title_tip {
                            Some(tip) => view! { <Term label=title tip=tip /> }.into_any(),
                            None => ctx.tr(title).into_any(),
                        }}
                    </h2>
                    {head.run()}
                </header>
                {children()}
                {move || {
                    refused
                        .get()
                        .map(|why| {
                            view! {
                                <p class="error" role="alert" data-testid=error_testid>
                                    {ctx.t(Txt::FlRefused)}
                                    " "
                                    {why}
                                </p>
                            }
                        })
                }}
            </section>
        </Shown>
    }
}

/// A figure's path in the run's report, and how to read its raw value from the
/// panel's model `M`.
pub type Measure<M> = (&'static str, fn(&M) -> f64);

/// One figure of a layer's panel (inside its `<dl>`), read from the panel's feed
/// `view`: `text` writes the value in the current language; `measure` is the figure's
/// path in the run's report and how to read its raw value, which a lesson's step
/// outlines (`data-measure`).
pub fn figure<M: 'static>(
    view: impl With<Value = Option<M>> + Copy + Send + Sync + 'static,
    label: Txt,
    tip: Txt,
    testid: &'static str,
    text: fn(&M, Lang) -> String,
    measure: Option<Measure<M>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let measure = measure.map(|(path, raw)| {
        let value = Signal::derive(move || {
            view.with(|v| v.as_ref().map(|v| raw(v).to_string()).unwrap_or_default())
        });
        (path, value)
    });
    view! {
        <Figure label=label tip=tip testid=testid measure=measure>
            {move || {
                let lang = ctx.ui.lang.get();
                view.with(|v| v.as_ref().map(|v| text(v, lang)).unwrap_or_default())
            }}
        </Figure>
    }
}
