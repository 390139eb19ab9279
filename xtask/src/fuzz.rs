//! The fuzz targets of `fuzz/Cargo.toml` (libFuzzer, coverage-guided, on stable Rust with no
//! sanitizer), each run for a time from its seeds in `fuzz/seeds/TARGET/`, new inputs kept in
//! `target/fuzz-corpus/TARGET/`. A crash fails the run and libFuzzer leaves the input in
//! `fuzz/artifacts/TARGET/`.
//!
//! Built by plain Cargo with the very flags cargo-fuzz 0.13.2 gives them for
//! `cargo fuzz run --sanitizer none --debug-assertions` (the same build, in the same
//! `fuzz/target/`), so a fresh machine need not compile cargo-fuzz; a developer who has it
//! can still use it on the same targets.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::sh;

/// Seconds per target in `cargo xtask test` (CI's budget: about a minute for all).
pub const CI_SECONDS: u64 = 20;

/// The targets: the `name` of every `[[bin]]` of `fuzz/Cargo.toml`, in order.
pub fn targets(root: &Path) -> Result<Vec<String>, String> {
    let manifest = root.join("fuzz/Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    Ok(bin_names(&text))
}

fn bin_names(manifest: &str) -> Vec<String> {
    let mut in_bin = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin {
            if let Some(value) = line.strip_prefix("name").map(str::trim_start) {
                if let Some(value) = value.strip_prefix('=') {
                    names.push(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    names
}

/// What cargo-fuzz 0.13.2 puts in `RUSTFLAGS` for `--sanitizer none --debug-assertions` in
/// release mode (its `project.rs`): SanitizerCoverage's 8-bit counters, PC table and traced
/// comparisons that guide libFuzzer, `--cfg fuzzing`, no branch folding, one codegen unit.
const RUSTFLAGS: [&str; 9] = [
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "--cfg fuzzing",
    "-Cllvm-args=-simplifycfg-branch-fold-threshold=0",
    "-Cdebug-assertions",
    "-Ccodegen-units=1",
];
/// Added by cargo-fuzz on Linux targets only.
const RUSTFLAGS_LINUX: &str = "-Cllvm-args=-sanitizer-coverage-stack-depth";

/// The `RUSTFLAGS` of the fuzz build for the target `triple`, then the caller's own
/// `RUSTFLAGS` (`extra`), as cargo-fuzz does.
fn rustflags(triple: &str, extra: Option<&str>) -> String {
    let mut flags = RUSTFLAGS[..7].join(" ");
    if triple.contains("-linux-") {
        flags = format!("{flags} {RUSTFLAGS_LINUX}");
    }
    flags = format!("{flags} {}", RUSTFLAGS[7..].join(" "));
    if let Some(extra) = extra {
        flags = format!("{flags} {extra}");
    }
    flags
}

/// The host's target triple (`rustc -vV`), which the fuzz targets are built for.
fn host_triple() -> Result<String, String> {
    let info = sh::probe("rustc", &["-vV"]).ok_or("cannot run rustc -vV")?;
    info.lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| format!("no host triple in rustc -vV: {info}"))
}

/// Builds every fuzz target (release, instrumented as cargo-fuzz does) and returns the
/// folder of their binaries.
fn build_all(root: &Path) -> Result<PathBuf, String> {
    let triple = host_triple()?;
    let mut build = sh::cargo(["build", "--manifest-path", "fuzz/Cargo.toml", "--target"]);
    build
        .arg(&triple)
        .args([
            "--release",
            "--config",
            "profile.release.debug=\"line-tables-only\"",
            "--bins",
        ])
        .env(
            "RUSTFLAGS",
            rustflags(&triple, std::env::var("RUSTFLAGS").ok().as_deref()),
        );
    sh::run(&mut build)?;
    Ok(root.join("fuzz/target").join(triple).join("release"))
}

/// Runs every target for `seconds`; prints, per target, the inputs tried.
pub fn run_all(root: &Path, seconds: u64) -> Result<(), String> {
    let targets = targets(root)?;
    let bin_dir = build_all(root)?;
    let mut summary = Vec::new();
    for target in &targets {
        let tried = run_one(root, &bin_dir.join(target), target, seconds)?;
        summary.push(format!("{target}: {tried} inputs tried, 0 crashes"));
    }
    println!("fuzzing, {seconds} s per target:");
    for line in &summary {
        println!("  {line}");
    }
    Ok(())
}

/// One target, the built `binary`, for `seconds`: the number of inputs libFuzzer ran.
fn run_one(root: &Path, binary: &Path, target: &str, seconds: u64) -> Result<u64, String> {
    let corpus = root.join("target/fuzz-corpus").join(target);
    // libFuzzer joins the prefix and the file name as they are: keep the final slash.
    let artifacts = root.join("fuzz/artifacts").join(target).join("");
    for dir in [&corpus, &artifacts] {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let seeds = root.join("fuzz/seeds").join(target);
    let mut command = sh::cmd(
        binary,
        [format!("-artifact_prefix={}", artifacts.display())],
    );
    command
        .arg(format!("-max_total_time={seconds}"))
        // An input that takes over 10 s is a hang: a failure.
        .arg("-timeout=10")
        .arg("-print_final_stats=1")
        .arg(&corpus)
        .arg(&seeds);
    println!("$ fuzz/target/…/{target} … ({seconds} s)");
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    let mut tried = 0;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            if let Some(n) = executed(&line) {
                tried = n;
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("fuzz target {target}: {e}"))?;
    if status.success() {
        Ok(tried)
    } else {
        Err(format!(
            "fuzz target {target} failed ({status}): the input is in fuzz/artifacts/{target}/; \
             replay it with `{} fuzz/artifacts/{target}/<file>`",
            binary.strip_prefix(root).unwrap_or(binary).display()
        ))
    }
}

/// The count of libFuzzer's `stat::number_of_executed_units: N` line.
fn executed(line: &str) -> Option<u64> {
    line.strip_prefix("stat::number_of_executed_units:")
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_bin_targets_and_only_them() {
        let manifest = "[package]\nname = \"driftlab-fuzz\"\n\n[[bin]]\nname = \"a\"\npath = \"x\"\n\n# [[bin]] name = \"hook\"\n[[bin]]\nname=\"b\"\n[workspace]\nmembers = [\".\"]\n";
        assert_eq!(bin_names(manifest), ["a", "b"]);
    }

    #[test]
    fn rustflags_are_cargo_fuzz_s_in_its_order() {
        // cargo-fuzz 0.13.2's RUSTFLAGS for `run --sanitizer none --debug-assertions` on
        // Linux, as its build printed them (leading space trimmed).
        assert_eq!(
            rustflags("x86_64-unknown-linux-gnu", None),
            "-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
             -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
             -Cllvm-args=-sanitizer-coverage-pc-table \
             -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing \
             -Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
             -Cllvm-args=-sanitizer-coverage-stack-depth -Cdebug-assertions -Ccodegen-units=1"
        );
        assert!(!rustflags("aarch64-apple-darwin", Some("-Cfoo")).contains("stack-depth"));
        assert!(rustflags("aarch64-apple-darwin", Some("-Cfoo")).ends_with("units=1 -Cfoo"));
    }

    #[test]
    fn reads_libfuzzers_count() {
        assert_eq!(
            executed("stat::number_of_executed_units: 123456"),
            Some(123_456)
        );
        assert_eq!(executed("#2 INITED cov: 5"), None);
    }
}
