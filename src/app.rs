//! The app: builds the shared context from the page's query string and the browser's
//! language, starts the frame loop and the shortcuts, and lays the panels out.

use crate::components::help::HelpOverlay;
use crate::components::playback::Playback;
use crate::components::scenario_bar::ScenarioBar;
use crate::ctx::Ctx;
use crate::i18n::Lang;
use crate::panels::charts::Charts;
use crate::panels::event_log::EventLog;
use crate::panels::gateway::GatewayPanel;
use crate::panels::hall::HallPanel;
use crate::panels::metrics::MetricsPanel;
use crate::panels::ntp::NtpPanel;
use crate::panels::servers::ServersPanel;
use crate::{chart, frame, keys, url};
use leptos::prelude::*;

/// The browser's preferred language.
fn browser_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |tag| Lang::from_tag(&tag))
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let start = url::parse(&url::query_pairs());
    let lang = start.lang.unwrap_or_else(browser_lang);
    let ctx = Ctx::new(start.config, lang, start.speed);
    provide_context(ctx);
    frame::start(ctx);
    keys::listen(ctx);
    chart::listen_resize(ctx);
    // Keep <html lang> in step with the switch, for screen readers and hyphenation.
    Effect::new(move |_| {
        let code = ctx.ui.lang.get().code();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", code);
        }
    });
    view! {
        <div class="app" data-testid="app">
            <ScenarioBar />
            <Playback />
            <main class="board">
                <ServersPanel />
                <GatewayPanel />
                <NtpPanel />
                <HallPanel />
                <Charts />
                <MetricsPanel />
                <EventLog />
            </main>
            <HelpOverlay />
        </div>
    }
}
