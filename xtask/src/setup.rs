//! Installing the tools the tasks need, each only when it is missing or at the wrong version,
//! and saying for each what was found or done. A second run installs nothing.
//!
//! Only package registries are reachable: tools come from crates.io (`cargo install`), npm
//! (`npm ci`) and Debian (`apt-get`), never from a download by Trunk or Playwright.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::SystemTime;

use crate::pins::Pins;
use crate::sh::{self, cmd};

/// Debian's C++ compiler: libfuzzer-sys compiles libFuzzer (C++) for the fuzz targets.
pub const GXX: &str = "/usr/bin/g++";
/// The Trunk release that builds with this machine's Rust (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";
/// The Rust target of the browser build and the Wasm tests.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Debian's Chromium, driven by the end-to-end tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Where Debian's chrony puts its NTP server (the companion's tests start one on loopback).
pub const CHRONYD: &str = "/usr/sbin/chronyd";
/// Debian's ChromeDriver, used by `wasm-bindgen-test-runner` for the in-browser tests.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The directories whose programs must win on `PATH`: npm's (for binaryen's `wasm-opt`, never
/// Debian's older one, which silently breaks the page) and cargo's (for what we install).
pub fn tool_dirs(root: &Path) -> Vec<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let mut dirs = vec![root.join("node_modules/.bin")];
    dirs.extend(cargo_home.map(|home| home.join("bin")));
    dirs
}

/// Installs what building the app needs (Rust's Wasm target, Trunk, the wasm-bindgen CLI,
/// the npm packages) and, with `browser`, Debian's Chromium and ChromeDriver; then fetches
/// the crates, so that Trunk's offline build finds them.
pub fn install_tools(root: &Path, browser: bool) -> Result<(), String> {
    let pins = Pins::read(root)?;
    let mut missing = [trunk(), wasm_bindgen(&pins.wasm_bindgen), wasm_target()?]
        .into_iter()
        .flatten()
        .chain(browser.then(chromium).flatten());
    // The installs are independent. The first runs here, the others in the background with
    // their output in a log: one core compiles while Trunk's long final link holds the other.
    let first = missing.next();
    let background: Vec<_> = missing
        .map(|install| {
            let log = root.join(format!("target/xtask/install-{}.log", install.name));
            println!(
                "installing {} in the background (log: {})",
                install.what,
                log.display()
            );
            thread::spawn(move || install.run_logged(&log))
        })
        .collect();
    let here = first.map_or(Ok(()), Install::run);
    let elsewhere = background.into_iter().map(|job| {
        job.join()
            .unwrap_or_else(|_| Err("an install panicked".into()))
    });
    let errors: Vec<String> = std::iter::once(here)
        .chain(elsewhere)
        .filter_map(Result::err)
        .collect();
    if !errors.is_empty() {
        return Err(errors.join("; "));
    }
    npm_packages(root, &pins.wasm_opt)?;
    sh::run(&mut sh::cargo(["fetch"]))
}

/// A missing tool: a short name for its log, what it is, and the commands that install it.
struct Install {
    name: &'static str,
    what: String,
    commands: Vec<Command>,
}

impl Install {
    fn run(mut self) -> Result<(), String> {
        println!("installing {}", self.what);
        self.commands.iter_mut().try_for_each(sh::run)
    }

    /// Runs the commands with their output in a fresh `log`, and shows its end if one fails.
    fn run_logged(mut self, log: &Path) -> Result<(), String> {
        let _ = fs::remove_file(log); // an earlier run's log; it may well not exist
        let mut result = Ok(());
        for command in &mut self.commands {
            result = result.and_then(|()| sh::run_logged(command, log));
        }
        match &result {
            Ok(()) => println!("installed {}", self.what),
            Err(_) => sh::print_tail(log, 40),
        }
        result
    }
}

/// Says that `what` is there already; nothing to install.
fn have(what: String) -> Option<Install> {
    println!("have {what}");
    None
}

/// Installs what the fuzz targets need and is missing: Debian's g++ (Cargo builds them,
/// see `fuzz.rs`).
pub fn install_fuzz_tools() -> Result<(), String> {
    debian(&[("g++", GXX)], "Debian's g++").map_or(Ok(()), Install::run)
}

fn trunk() -> Option<Install> {
    let what = format!("trunk {TRUNK_VERSION}");
    if sh::probe("trunk", &["--version"]).as_ref() == Some(&what) {
        return have(what);
    }
    Some(Install {
        name: "trunk",
        what,
        commands: vec![trunk_install()],
    })
}

/// `cargo install` of Trunk, lean: builds run offline (`TRUNK_OFFLINE`), so without the
/// default features `update_check` (asks crates.io for a newer Trunk) and `rustls` (HTTPS for
/// downloading tools and for `serve --tls-*`), and without Trunk's own release profile's fat
/// LTO in one codegen unit, which made its install the longest step of a fresh machine's
/// run. The `trunk` it builds is the same release with the same options otherwise.
fn trunk_install() -> Command {
    let mut install = sh::cargo([
        "install",
        "trunk",
        "--locked",
        "--version",
        TRUNK_VERSION,
        "--no-default-features",
    ]);
    install
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    install
}

/// The CLI must be exactly the library's version. Not `--locked`: its own lock file names
/// a crate version that the registry no longer has.
fn wasm_bindgen(version: &str) -> Option<Install> {
    let matches = |tool: &str| sh::probe(tool, &["--version"]) == Some(format!("{tool} {version}"));
    let what = format!("wasm-bindgen-cli {version}");
    if matches("wasm-bindgen") && matches("wasm-bindgen-test-runner") {
        return have(what);
    }
    let install = ["install", "wasm-bindgen-cli", "--version", version];
    Some(Install {
        name: "wasm-bindgen-cli",
        what,
        commands: vec![sh::cargo(install)],
    })
}

fn wasm_target() -> Result<Option<Install>, String> {
    let sysroot = sh::probe("rustc", &["--print", "sysroot"]).ok_or("cannot run rustc")?;
    let what = format!("Rust target {WASM_TARGET}");
    if Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .is_dir()
    {
        return Ok(have(what));
    }
    Ok(Some(Install {
        name: "wasm-target",
        what,
        commands: vec![cmd("rustup", ["target", "add", WASM_TARGET])],
    }))
}

/// Debian's packages the tests need: Chromium and ChromeDriver for the browser tests, chrony
/// for the companion's tests against a real NTP server on loopback, g++ for the fuzz
/// targets' libFuzzer.
fn chromium() -> Option<Install> {
    let wanted = [
        ("chromium", CHROMIUM),
        ("chromium-driver", CHROMEDRIVER),
        ("chrony", CHRONYD),
        ("g++", GXX),
    ];
    debian(
        &wanted,
        "Debian's chromium, chromium-driver, chrony and g++",
    )
}

/// The Debian packages of `wanted` (package, a file it installs) whose file is missing.
fn debian(wanted: &[(&'static str, &str)], what: &str) -> Option<Install> {
    let what = what.to_string();
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(_, path)| !Path::new(path).is_file())
        .map(|(package, _)| *package)
        .collect();
    if missing.is_empty() {
        return have(what);
    }
    let apt = |args: &[&str]| {
        // We run as root on CI; elsewhere, ask sudo.
        let mut command = match sh::probe("id", &["-u"]).as_deref() {
            Some("0") => cmd("apt-get", args),
            _ => cmd("sudo", [&["apt-get"], args].concat()),
        };
        command.env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    let install = [&["install", "-y", "--no-install-recommends"], &missing[..]].concat();
    Some(Install {
        name: "chromium",
        what,
        commands: vec![apt(&["update"]), apt(&install)],
    })
}

/// `npm ci` unless `node_modules` is newer than `package-lock.json`; then checks that the
/// `wasm-opt` it brings is the one Trunk.toml pins.
fn npm_packages(root: &Path, wasm_opt_pin: &str) -> Result<(), String> {
    let what = "npm packages of package-lock.json".to_string();
    let installed = modified(&root.join("node_modules/.package-lock.json"));
    if installed.is_some() && installed >= modified(&root.join("package-lock.json")) {
        have(what);
    } else {
        let install = Install {
            name: "npm",
            what,
            commands: vec![cmd("npm", ["ci", "--no-audit", "--no-fund"])],
        };
        install.run()?;
    }
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    let version = sh::probe(&wasm_opt, &["--version"]).unwrap_or_default();
    if version.contains(wasm_opt_pin) {
        Ok(())
    } else {
        Err(format!(
            "{} says {version:?}, but Trunk.toml pins wasm_opt = \"{wasm_opt_pin}\": make \
             package.json's binaryen and Trunk.toml agree",
            wasm_opt.display()
        ))
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|meta| meta.modified()).ok()
}
