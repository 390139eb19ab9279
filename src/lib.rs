#![forbid(unsafe_code)]
//! Driftlab's browser app: a thin Leptos layer over the `driftlab-sim` core.
//!
//! Plain data and logic sit above the components: [`engine`] (the run and its
//! playback), [`scenario`] (what the fields accept), [`chart_data`] (what the charts
//! draw), [`i18n`] (every visible text, English and French), [`palette`]. [`ctx`]
//! holds the signals the panels read and the actions the controls call; the
//! components in [`components`] only wire signals to the view.

pub mod app;
pub mod chart_data;
pub mod chart_draw;
pub mod components;
pub mod ctx;
pub mod engine;
pub mod frame;
pub mod i18n;
pub mod keys;
pub mod ntp_view;
pub mod palette;
pub mod real_clock;
pub mod scenario;
pub mod url;

pub use app::App;
