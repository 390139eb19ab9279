//! The companion's integration tests, in one test binary: each file of this folder is a
//! module, and `common` holds the helpers they share. One binary links the crate and its
//! dependencies once instead of once per file (see docs/COMMANDS.md, "CI's time on a
//! fresh machine"). Run one file's tests with a filter: `cargo test -p driftlab --test all
//! cli::`.

mod common;

mod api;
mod app;
mod cli;
mod docs;
mod load;
mod ntp;
mod sweep;
