#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! Driftlab's simulation core.
pub mod clock;
pub mod config;
mod customer;
pub mod hall;
pub mod log;
pub mod metrics;
pub mod net;
pub mod ntp;
pub mod ntp_run;
pub mod presets;
pub mod queue;
pub mod report;
mod reservation;
pub mod rng;
mod server;
mod sim;
pub mod snapshot;
pub mod time;
pub mod timesync;
pub mod world;

pub use config::{Config, ConfigError, Policy};
pub use report::Report;
pub use sim::Sim;
pub use time::Time;
