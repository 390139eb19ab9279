//! The app compiled into the binary, with the feature `embed-app`.
//!
//! `include_dir!` reads the workspace's `dist/` (Trunk's output, with the `.br`/`.gz` copies
//! `cargo xtask build` adds) at compile time and emits one `include_bytes!` per file, so
//! Cargo rebuilds when a file there changes. Build the app before the binary:
//! `cargo xtask build`, then `cargo build --release -p driftlab --features embed-app`.
//! Without `dist/` this feature fails to compile with `".../dist" is not a directory`;
//! without the feature, nothing here is compiled and a fresh clone builds as usual.
//!
//! At start-up the files are written to a fresh private folder under the system's
//! temporary directory, served from there like `--dist` (one code path, precompression
//! and cache headers included), and removed when the companion stops.

use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};

static APP: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../dist");

/// The embedded app written out to a folder, removed on drop.
pub struct Unpacked(PathBuf);

impl Unpacked {
    /// The folder holding the app's files.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes the embedded app to a new folder; `None` if the embedded `dist/` has no
/// `index.html` (the binary was built before the app).
pub fn unpack() -> Result<Option<Unpacked>, String> {
    if APP.get_file("index.html").is_none() {
        return Ok(None);
    }
    let base = std::env::temp_dir();
    // A name no other process uses; created here, so nobody else wrote into it.
    let dir = (0..100)
        .map(|i| base.join(format!("driftlab-app-{}-{i}", std::process::id())))
        .find(|dir| std::fs::create_dir(dir).is_ok())
        .ok_or_else(|| {
            format!(
                "cannot create a folder for the embedded app in {}",
                base.display()
            )
        })?;
    let unpacked = Unpacked(dir);
    write_dir(&APP, unpacked.path())?;
    Ok(Some(unpacked))
}

fn write_dir(dir: &Dir<'static>, to: &Path) -> Result<(), String> {
    for file in dir.files() {
        let path = to.join(file.path());
        std::fs::write(&path, file.contents())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    for sub in dir.dirs() {
        let path = to.join(sub.path());
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        write_dir(sub, to)?;
    }
    Ok(())
}
