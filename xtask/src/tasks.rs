//! The tasks: `serve` and `build` the app with Trunk, and `test` everything CI checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fuzz;
use crate::setup::{self, CHROMEDRIVER, WASM_TARGET};
use crate::sh::{self, cmd};
use crate::steps::{self, Step};

/// Where Trunk writes the built app, and where the end-to-end tests serve it from.
const DIST: &str = "dist";
/// Where the end-to-end tests' second build goes: the app built for a sub-path.
const DIST_SUBPATH: &str = "target/dist-subpath";
/// The sub-path that build is made for (`trunk build --public-url`).
const SUBPATH: &str = "/driftlab/";
/// The address `serve` listens on.
const SERVE_ADDRESS: [&str; 4] = ["--address", "127.0.0.1", "--port", "8080"];

/// Installs what is missing, then serves the app at http://127.0.0.1:8080, rebuilding on
/// changes, until interrupted.
pub fn serve(root: &Path) -> Result<(), String> {
    setup::install_tools(root, false)?;
    let mut serve = trunk(&["serve", "--release"]);
    serve.args(SERVE_ADDRESS);
    sh::run(&mut serve)
}

/// Installs what is missing, then builds the release app into `dist/`.
pub fn build(root: &Path) -> bool {
    let root = root.to_path_buf();
    steps::run_all(vec![
        Step::call("install tools", move || setup::install_tools(&root, false)),
        Step::command("trunk build", trunk(&["build", "--release"])),
        Step::command("precompress", precompress(DIST)),
    ])
}

/// Installs g++ if missing, then builds and runs every fuzz target for `seconds`.
pub fn fuzz(root: &Path, seconds: u64) -> bool {
    let root = root.to_path_buf();
    steps::run_all(vec![
        Step::call("install fuzz tools", setup::install_fuzz_tools),
        Step::call(format!("fuzz ({seconds} s per target)"), move || {
            fuzz::run_all(&root, seconds)
        }),
    ])
}

/// Runs every check in CI's order, stopping at the first failure. With `skip_browser`, only
/// the native ones (format, lints, native tests) run, and nothing is installed.
pub fn test(root: &Path, skip_browser: bool) -> bool {
    // A step that needs the Wasm tool chain or a browser.
    let web = |step: Step| {
        if skip_browser {
            Step::skip(step.name(), "--skip-browser")
        } else {
            step
        }
    };
    let install = if skip_browser {
        Step::skip("install tools", "--skip-browser")
    } else {
        let root = root.to_path_buf();
        Step::call("install tools", move || setup::install_tools(&root, true))
    };
    let app_tests = if !files_ending(&root.join("tests"), ".rs").is_empty() {
        web(wasm_tests(
            root,
            "app tests in the browser",
            "driftlab-app",
            "src",
        ))
    } else {
        Step::skip("app tests in the browser", "no tests/*.rs")
    };
    // Coverage-guided, natively; g++ (for libFuzzer) comes with the other tools, so a bare
    // `--skip-browser` run (which installs nothing) fuzzes only if it is there already.
    let fuzz_name = format!("fuzz ({} s per target)", fuzz::CI_SECONDS);
    let fuzzing = if skip_browser && !Path::new(setup::GXX).is_file() {
        Step::skip(fuzz_name, "--skip-browser and no g++")
    } else {
        let root = root.to_path_buf();
        Step::call(fuzz_name, move || fuzz::run_all(&root, fuzz::CI_SECONDS))
    };
    let e2e_files = files_ending(&root.join("e2e"), ".test.mjs");
    let end_to_end = if e2e_files.is_empty() {
        Step::skip("end-to-end tests", "no e2e/*.test.mjs")
    } else {
        web(Step::command(
            "end-to-end tests",
            node_tests(
                &root.join(DIST),
                &root.join("target/debug/driftlab"),
                &root.join(DIST_SUBPATH),
                &e2e_files,
            ),
        ))
    };
    steps::run_all(vec![
        install,
        Step::command("rustfmt", sh::cargo(["fmt", "--all", "--", "--check"])),
        Step::command(
            "clippy",
            sh::cargo([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        Step::command("native tests", sh::cargo(["test", "--workspace"])),
        fuzzing,
        web(wasm_tests(
            root,
            "sim tests in Wasm",
            "driftlab-sim",
            "crates/sim/src",
        )),
        app_tests,
        web(Step::command("trunk build", trunk(&["build", "--release"]))),
        web(Step::command("precompress", precompress(DIST))),
        // The same app for a sub-path (static hosting under /driftlab/): the Wasm is
        // Cargo's same build, so only wasm-bindgen and wasm-opt run again.
        web(Step::command(
            "trunk build under a sub-path",
            trunk(&[
                "build",
                "--release",
                "--public-url",
                SUBPATH,
                "--dist",
                DIST_SUBPATH,
            ]),
        )),
        // The companion with the app inside (one binary that serves everything), as the
        // end-to-end tests run it: the debug build the native tests made, plus the app.
        // Built as the native tests built it (the whole workspace's features, dev-
        // dependencies included), so only the `driftlab` package compiles again; built
        // alone (`cargo build -p driftlab --features embed-app`) it got other features
        // and about 25 crates (syn, tokio, hyper, axum, clap, the core…) compiled again.
        // `--test all` builds the binary with the test program that runs it (`target/
        // debug/driftlab`), nothing else.
        web(Step::command(
            "driftlab binary with the app",
            sh::cargo([
                "test",
                "--workspace",
                "--features",
                "driftlab/embed-app",
                "--no-run",
                "--test",
                "all",
            ]),
        )),
        end_to_end,
    ])
}

/// Writes the `.br` and `.gz` copies of the built app's files (`scripts/precompress.mjs`,
/// Node's zlib).
fn precompress(dist: &str) -> Command {
    cmd("node", ["scripts/precompress.mjs", dist])
}

/// Trunk with the settings that keep it from downloading anything.
fn trunk(args: &[&str]) -> Command {
    let mut command = cmd("trunk", args);
    command
        .env("TRUNK_OFFLINE", "true")
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    command
}

/// A step running a package's tests compiled to Wasm, by `wasm-bindgen-test-runner` (the
/// runner set in `.cargo/config.toml`): in headless Chromium through ChromeDriver for tests
/// configured with `run_in_browser`, in Node otherwise. Fails if no test ran: plain `#[test]`
/// functions are not run in Wasm, only `#[wasm_bindgen_test]` ones.
///
/// The package's integration tests (`tests/`) always; its library's and binaries' unit tests
/// only if a file of its `src` (the folder `src`, relative to the repository root) names
/// `wasm_bindgen_test`: without one they would be compiled again as test programs, linked
/// and started, to run nothing.
fn wasm_tests(root: &Path, name: &str, package: &str, src: &str) -> Step {
    // Doctests are left to the native run: in Wasm they compile but run nothing.
    let mut command = sh::cargo(["test", "--package", package, "--target", WASM_TARGET]);
    command.args(wasm_test_targets(&root.join(src)));
    command
        .env("CHROMEDRIVER", CHROMEDRIVER)
        // Seconds; the default 20 is short for a slow CI machine.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    let package = package.to_string();
    Step::call(name, move || {
        match sh::run_tests(&mut command)? {
        0 => Err(format!(
            "no test of {package} ran in Wasm: mark tests `#[wasm_bindgen_test]`, or alias \
             `use wasm_bindgen_test::wasm_bindgen_test as test;` under cfg(target_arch = \"wasm32\")"
        )),
        _ => Ok(()),
    }
    })
}

/// Cargo's target selection for a package's Wasm tests, given its `src` folder: every test
/// program (`--tests`) if a source file there has a `wasm_bindgen_test`, else the
/// integration tests only (`--test '*'`: every file or folder of `tests/`).
fn wasm_test_targets(src: &Path) -> Vec<&'static str> {
    let in_src = files_ending(src, ".rs")
        .iter()
        .any(|file| fs::read_to_string(file).is_ok_and(|text| text.contains("wasm_bindgen_test")));
    if in_src {
        vec!["--tests"]
    } else {
        vec!["--test", "*"]
    }
}

/// Node's test runner on `files`, which read the built app's folder from `DRIFTLAB_DIST`;
/// `DRIFTLAB_BIN` names the `driftlab` binary (for tests that start the companion), built
/// with the app inside; `DRIFTLAB_DIST_SUBPATH` the app built for `DRIFTLAB_SUBPATH`.
fn node_tests(dist: &Path, bin: &Path, dist_subpath: &Path, files: &[PathBuf]) -> Command {
    // A hung browser must fail the test, not the CI run's time limit.
    let mut command = cmd(
        "node",
        ["--test", "--test-reporter=spec", "--test-timeout=120000"],
    );
    command
        .args(files)
        .env("DRIFTLAB_DIST", dist)
        .env("DRIFTLAB_BIN", bin)
        .env("DRIFTLAB_DIST_SUBPATH", dist_subpath)
        .env("DRIFTLAB_SUBPATH", SUBPATH)
        // The binary `cargo xtask test` built has the app inside.
        .env("DRIFTLAB_BIN_EMBEDS_APP", "1");
    command
}

/// The files under `dir` whose names end with `suffix`, sorted, skipping `node_modules`.
fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() && name != "node_modules" {
            found.extend(files_ending(&path, suffix));
        } else if name.ends_with(suffix) {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_files_at_any_depth() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let sources = files_ending(&root.join("src"), ".rs");
        assert!(sources.contains(&root.join("src/main.rs")));
        assert!(files_ending(&root.join("src"), ".test.mjs").is_empty());
        assert!(files_ending(&root.join("no-such-dir"), ".rs").is_empty());
    }

    #[test]
    fn unit_tests_go_to_wasm_only_when_a_source_file_has_a_wasm_test() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // This file names the attribute, so xtask's own sources count as having one.
        assert_eq!(wasm_test_targets(&root.join("src")), ["--tests"]);
        assert_eq!(
            wasm_test_targets(&root.join("no-such-dir")),
            ["--test", "*"]
        );
    }
}
