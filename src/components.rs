//! The panels. Each file holds one component (or a few small ones that only it uses).

pub mod charts;
pub mod event_log;
pub mod field;
pub mod hall;
pub mod help;
pub mod legend;
pub mod metrics;
pub mod ntp_charts;
pub mod ntp_exchange;
pub mod ntp_panel;
pub mod playback;
pub mod real_clock;
pub mod scenario_bar;
pub mod seat_story;
pub mod server_card;
pub mod servers;
pub mod term;
