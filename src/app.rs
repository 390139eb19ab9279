//! The app: builds the shared context from the page's query string and the browser's
//! language, starts the frame loop and the shortcuts, and lays out the view on screen
//! (the architecture's map, or one part of it) between the controls and the timeline.

use crate::components::help::HelpOverlay;
use crate::components::playback::Playback;
use crate::components::scenario_bar::ScenarioBar;
use crate::components::tabs::ViewTabs;
use crate::ctx::{use_ctx, Ctx};
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use crate::panels::anomalies::AnomaliesPanel;
use crate::panels::bill::BillPanel;
use crate::panels::change_feed::stale_map::StaleMapPanel;
use crate::panels::change_feed::ChangeFeedPanel;
use crate::panels::charts::data::ChartKind;
use crate::panels::charts::Chart;
use crate::panels::compare::ComparePanel;
use crate::panels::data::DataPanel;
use crate::panels::event_log::EventLog;
use crate::panels::gateway::GatewayPanel;
use crate::panels::hall::HallPanel;
use crate::panels::lesson::{LessonPanel, LessonState};
use crate::panels::load::LoadPanel;
use crate::panels::map::MapPanel;
use crate::panels::metrics::MetricsPanel;
use crate::panels::ntp::NtpPanel;
use crate::panels::servers::ServersPanel;
use crate::panels::sources::SourcesPanel;
use crate::panels::timeline::TimelineBar;
use crate::view::View;
use crate::{chart, frame, keys, url};
use leptos::prelude::*;

/// The browser's preferred language.
fn browser_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |tag| Lang::from_tag(&tag))
}

/// The panels of `view`.
fn view_body(view: View) -> AnyView {
    match view {
        View::Map => view! { <MapPanel /> }.into_any(),
        View::Clocks => view! {
            <ServersPanel />
            <div class="stack">
                <Chart kind=ChartKind::Offsets />
                <Chart kind=ChartKind::Response />
            </div>
        }
        .into_any(),
        View::Gateway => view! {
            <GatewayPanel />
            <Chart kind=ChartKind::Response />
        }
        .into_any(),
        View::Ntp => view! { <NtpPanel /> }.into_any(),
        View::Hall => view! {
            <HallPanel />
            <HallSide />
        }
        .into_any(),
        View::Measures => view! {
            <MetricsPanel />
            <EventLog />
        }
        .into_any(),
        View::Anomalies => view! { <AnomaliesPanel /> }.into_any(),
        View::Compare => view! { <ComparePanel /> }.into_any(),
        View::Data => view! {
            <DataPanel />
            <Chart kind=ChartKind::Response />
        }
        .into_any(),
        View::Sources => view! { <SourcesPanel /> }.into_any(),
        View::Feed => view! {
            <ChangeFeedPanel />
            <StaleMapPanel />
        }
        .into_any(),
        View::Load => view! { <LoadPanel /> }.into_any(),
        View::Bill => view! { <BillPanel /> }.into_any(),
    }
}

/// Beside the hall: with the change feed on, one customer's (stale) map next to the
/// truth, so the hall, the truth and what a customer sees are side by side; without it,
/// the anomalies over time.
#[component]
fn HallSide() -> impl IntoView {
    let ctx = use_ctx();
    let feed_on = ctx
        .feed(Spec::new(Cadence::OnRefresh), |src| {
            src.sim().config().feed.enabled
        })
        .signal();
    move || {
        if feed_on.get() {
            view! { <StaleMapPanel /> }.into_any()
        } else {
            view! { <Chart kind=ChartKind::Anomalies /> }.into_any()
        }
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let start = url::parse(&url::query_pairs());
    let lang = start.lang.unwrap_or_else(browser_lang);
    let ctx = Ctx::new(start.config, &start.actions, lang, start.speed, start.view);
    provide_context(ctx);
    let mut notices = start.notices;
    if let Some(t) = start.at {
        ctx.seek(t);
        // An instant outside the run: the nearest end of it.
        let (first, last) = ctx.ui.track.with_untracked(|tr| (tr.start, tr.end));
        if t < first || t > last {
            notices.push(url::Notice::Refused {
                key: "t".into(),
                value: url::format_instant(t),
                why: Txt::LinkWhyTime,
                used: ctx.ui.clock.with_untracked(|c| c.now.to_string()),
            });
        }
    }
    // A link to a lesson opens it at its step (an unknown one is named in a notice).
    let lesson = LessonState::new();
    provide_context(lesson);
    if let Some((id, step)) = &start.lesson {
        let ls = crate::panels::lesson::data::lessons();
        let (pos, notice) = crate::panels::lesson::data::find(ls, id, step.as_deref());
        notices.extend(notice);
        if let Some(p) = pos {
            crate::panels::lesson::open_step(ctx, lesson, p);
        }
    }
    let notices = RwSignal::new(notices);
    // Projector mode as the link asks, before the views are laid out; the page's root
    // element loses the mark with the app.
    ctx.set_projector(start.projector);
    on_cleanup(|| crate::ctx::mark_projector(false));
    frame::start(ctx);
    keys::listen(ctx);
    chart::listen_resize(ctx);
    // The browser's Back and Forward move between views.
    let pop = window_event_listener(leptos::ev::popstate, move |_| {
        ctx.ui.view.set(url::current_view());
        // Projector mode is the room's, not the entry's: it stays as it is, and the
        // entry's URL says so.
        let on = ctx.ui.projector.get_untracked();
        url::set_params(&[("projector", if on { "on".into() } else { String::new() })]);
    });
    on_cleanup(move || pop.remove());
    // Keep <html lang> in step with the switch, for screen readers and hyphenation.
    Effect::new(move |_| {
        let code = ctx.ui.lang.get().code();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", code);
        }
    });
    let view = ctx.ui.view;
    view! {
        <div class="app" data-testid="app">
            <ScenarioBar />
            // The views' tabs on top; the time (play, speed, true time, the timeline) at
            // the bottom: twelve tabs and the playback no longer fit one row of a
            // projector's 1280 px.
            <div class="bar tabs-bar">
                <ViewTabs />
            </div>
            <main
                class=move || format!("board view-{}", view.get().slug())
                data-testid="view"
                data-view=move || view.get().slug()
            >
                {move || view_body(view.get())}
                // Over the right of the view, where the views keep their charts and logs.
                <LessonPanel />
            </main>
            <div class="bar time-bar">
                <Playback />
                <TimelineBar />
            </div>
            <LinkNotices notices=notices />
            <HelpOverlay />
        </div>
    }
}

/// What the page's link asked for that was not used as given, each with what was used
/// instead, until dismissed.
#[component]
fn LinkNotices(notices: RwSignal<Vec<url::Notice>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let lang = ctx.ui.lang.get();
        let list = notices.get();
        (!list.is_empty()).then(|| {
            let lines = list
                .iter()
                .map(|n| view! { <li>{n.text(lang)}</li> })
                .collect_view();
            view! {
                <aside class="link-notice" role="status" data-testid="link-notice">
                    <h2>{lang.t(Txt::LinkNotice)}</h2>
                    <ul>{lines}</ul>
                    <button
                        data-testid="link-notice-close"
                        on:click=move |_| notices.set(Vec::new())
                    >
                        {lang.t(Txt::Close)}
                    </button>
                </aside>
            }
        })
    }
}
