//! The NTP area: the monitoring table (one row per reservation server, with its NTP
//! switch), the alert list, the live fault switches, one server's `ntpq -p`, then the
//! charts, the teaching view of one exchange and the real clock.
//!
//! Its feeds: the time servers' names (on a full pass: they change only with the
//! run); each part declares its own (the table every frame, the alert list when the
//! event count changes, the exchange every frame, the charts at their pace).

pub mod alerts;
pub mod chart_data;
pub mod charts;
pub mod data;
pub mod exchange;
pub mod exchange_layout;
pub mod faults;
pub mod monitor;
pub mod ntpq;

use crate::components::real_clock::RealClock;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use charts::NtpCharts;
use exchange::NtpExchange;
use leptos::prelude::*;
use monitor::NtpMonitor;
use ntpq::NtpqPanel;

/// The names of the time servers (by the index NTP statuses use), for every part of
/// the area.
#[derive(Clone, Copy)]
pub struct SourceNames(pub ReadSignal<Vec<String>>);

/// The time servers' names, as the area provides them.
pub fn use_source_names() -> ReadSignal<Vec<String>> {
    expect_context::<SourceNames>().0
}

/// Everything about NTP, under the servers.
#[component]
pub fn NtpPanel() -> impl IntoView {
    let ctx = use_ctx();
    let names = ctx.feed(Spec::new(Cadence::OnRefresh), |src| {
        src.sim().time_server_names()
    });
    provide_context(SourceNames(names.signal()));
    view! {
        <section class="ntp-area" data-testid="ntp-area">
            <NtpMonitor />
            <NtpqPanel />
            <NtpCharts />
            <div class="ntp-bottom">
                <NtpExchange />
                <RealClock />
            </div>
        </section>
    }
}
