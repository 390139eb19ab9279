#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! Driftlab's simulation core.
pub mod cache;
pub mod clock;
pub mod compare;
pub mod config;
pub mod crowd;
pub mod data;
pub mod database;
pub mod diagram;
pub mod error;
pub mod explain;
pub mod gateway;
pub mod hall;
pub mod host;
pub mod kernel;
pub mod layers;
pub mod log;
pub mod metrics;
pub mod msg;
pub mod net;
pub mod ntp;
pub mod ntp_client;
pub mod ntp_run;
pub mod obs;
pub mod presets;
pub mod queue;
pub mod report;
pub mod rng;
pub mod server;
mod sim;
pub mod snapshot;
pub mod sweep;
pub mod tape;
pub mod time;
pub mod time_server;
pub mod timeline;
pub mod timesync;
pub mod truth;
pub mod tso;
pub mod world;

pub use config::{Config, ConfigError, Policy};
pub use layers::Layer;
pub use report::Report;
pub use sim::{Acted, Action, LayerView, NodeView, Sim};
pub use time::Time;
