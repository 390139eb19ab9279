//! The panels that show the simulation, one folder each: the component in the parent
//! file, its pure view data (what it computes from the run, tested natively) and its
//! sub-components beside it. Each panel declares its feeds ([`crate::ctx::Ctx::feed`]):
//! what it reads from the run, and how often.

pub mod anomalies;
pub mod bill;
pub mod change_feed;
pub mod charts;
pub mod compare;
pub mod data;
pub mod event_log;
pub mod gateway;
pub mod hall;
pub mod lesson;
pub mod load;
pub mod map;
pub mod metrics;
pub mod ntp;
pub mod servers;
pub mod sources;
pub mod timeline;
