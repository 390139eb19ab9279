#![forbid(unsafe_code)]
//! Driftlab's browser app: a thin Leptos layer over the `driftlab-sim` core.
//!
//! Plain data and logic sit above the components: [`engine`] (the run and its
//! playback), [`scenario`] (what the fields accept), [`i18n`] (every visible text,
//! English and French), [`palette`]. [`ctx`] holds the signals every panel may read and
//! the actions the controls call; each panel reads the run through its own feeds
//! ([`feed`]): what it reads and how often. The panels that show the simulation live
//! in [`panels`], one folder each, their pure view data beside their components; every
//! chart is the one canvas chart of [`chart`]; [`components`] holds the controls.

pub mod app;
pub mod chart;
pub mod components;
pub mod ctx;
pub mod download;
pub mod engine;
pub mod feed;
pub mod frame;
pub mod i18n;
pub mod keys;
pub mod palette;
pub mod panels;
pub mod real_clock;
pub mod scenario;
pub mod url;
pub mod view;

pub use app::App;
