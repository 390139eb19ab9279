//! The controls and small shared pieces: the scenario bar, the playback bar, the views'
//! tabs, fields, terms that explain themselves, the help overlay, the real-clock panel.
//! The panels that show the simulation are in [`crate::panels`].

pub mod field;
pub mod help;
pub mod indexed;
pub mod layer_panel;
pub mod node_card;
pub mod playback;
pub mod real_clock;
pub mod scenario_bar;
pub mod server_pick;
pub mod share;
pub mod shown;
pub mod tabs;
pub mod term;
