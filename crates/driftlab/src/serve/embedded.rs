//! The app compiled into the binary, with the feature `embed-app`.
//!
//! `include_dir!` reads the workspace's `dist/` (Trunk's output) at compile time and
//! emits one `include_bytes!` per file, so Cargo rebuilds when a file there changes.
//! Build the app before the binary: `trunk build --release`, then
//! `cargo build --release -p driftlab --features embed-app`. Without `dist/` this feature
//! fails to compile with `".../dist" is not a directory`; without the feature,
//! nothing here is compiled and a fresh clone builds as usual.

use include_dir::{include_dir, Dir};

static APP: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../dist");

/// The embedded app, if the embedded `dist/` has an `index.html`.
pub fn app() -> Option<&'static Dir<'static>> {
    APP.get_file("index.html").map(|_| &APP)
}
