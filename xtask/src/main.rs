//! Driftlab's build and test tasks, run from anywhere in the repository as `cargo xtask TASK`.
//!
//! - `cargo xtask serve`: serve the app at <http://127.0.0.1:8080>, rebuilding on changes.
//! - `cargo xtask build`: build the release app into `dist/`.
//! - `cargo xtask test`: every check CI runs, in order, stopping at the first failure:
//!   rustfmt, clippy, native tests, the sim's tests in Wasm, the app's tests in the
//!   browser, `trunk build`, the end-to-end tests in `e2e/`. `--skip-browser` runs only the
//!   first three. Then the random scenarios and the fuzz targets (`fuzz/`, 20 s each).
//! - `cargo xtask fuzz [SECONDS]`: every fuzz target for SECONDS each (default 20).
//!
//! Each task first installs what it needs and is missing, from package registries only:
//! the Wasm target, Trunk, the wasm-bindgen CLI at `Cargo.lock`'s version, the npm
//! packages (binaryen's `wasm-opt`, `playwright-core`), and for `test` Debian's Chromium
//! and ChromeDriver. Installs are checked first, so a second run installs nothing.

mod fuzz;
mod pins;
mod setup;
mod sh;
mod steps;
mod tasks;
#[cfg(test)]
mod test_layout;

use std::env;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask serve                 serve the app at http://127.0.0.1:8080
       cargo xtask build                 build the release app into dist/
       cargo xtask test [--skip-browser] run every check CI runs (--skip-browser: native only)
       cargo xtask fuzz [SECONDS]        run every fuzz target SECONDS each (default 20)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = repo_root();
    // Every command runs from the repository root, with our tools first on PATH.
    let prepared = env::set_current_dir(&root)
        .map_err(|e| format!("cannot enter {}: {e}", root.display()))
        .and_then(|()| sh::prepend_path(&setup::tool_dirs(&root)));
    if let Err(message) = prepared {
        eprintln!("xtask: {message}");
        return ExitCode::FAILURE;
    }
    let ok = match args.as_slice() {
        ["serve"] => tasks::serve(&root)
            .map_err(|message| eprintln!("xtask serve: {message}"))
            .is_ok(),
        ["build"] => tasks::build(&root),
        ["test"] => tasks::test(&root, false),
        ["test", "--skip-browser"] => tasks::test(&root, true),
        ["fuzz"] => tasks::fuzz(&root, fuzz::CI_SECONDS),
        ["fuzz", seconds] => match seconds.parse() {
            Ok(seconds) => tasks::fuzz(&root, seconds),
            Err(_) => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        },
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            true
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The workspace root: the parent of this crate's folder.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in a folder of the workspace")
        .to_path_buf()
}
