//! The fuzz targets of `fuzz/Cargo.toml` (cargo-fuzz and libFuzzer, coverage-guided, on
//! stable Rust: `--sanitizer none`), each run for a time from its seeds in
//! `fuzz/seeds/TARGET/`, new inputs kept in `target/fuzz-corpus/TARGET/`. A crash fails
//! the run and libFuzzer leaves the input in `fuzz/artifacts/TARGET/`.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
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

/// Runs every target for `seconds`; prints, per target, the inputs tried.
pub fn run_all(root: &Path, seconds: u64) -> Result<(), String> {
    let targets = targets(root)?;
    let mut summary = Vec::new();
    for target in &targets {
        let tried = run_one(root, target, seconds)?;
        summary.push(format!("{target}: {tried} inputs tried, 0 crashes"));
    }
    println!("fuzzing, {seconds} s per target:");
    for line in &summary {
        println!("  {line}");
    }
    Ok(())
}

/// One target for `seconds`: the number of inputs libFuzzer ran.
fn run_one(root: &Path, target: &str, seconds: u64) -> Result<u64, String> {
    let corpus = root.join("target/fuzz-corpus").join(target);
    fs::create_dir_all(&corpus).map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let seeds = root.join("fuzz/seeds").join(target);
    let mut command = sh::cargo(["fuzz", "run", "--sanitizer", "none", "--debug-assertions"]);
    command
        .arg(target)
        .arg(&corpus)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        // An input that takes over 10 s is a hang: a failure.
        .arg("-timeout=10")
        .arg("-print_final_stats=1");
    println!("$ cargo fuzz run … {target} ({seconds} s)");
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start cargo fuzz (is cargo-fuzz installed?): {e}"))?;
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
        .map_err(|e| format!("cargo fuzz {target}: {e}"))?;
    if status.success() {
        Ok(tried)
    } else {
        Err(format!(
            "fuzz target {target} failed ({status}): the input is in fuzz/artifacts/{target}/; \
             replay it with `cargo fuzz run --sanitizer none {target} fuzz/artifacts/{target}/<file>`"
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
    fn reads_libfuzzers_count() {
        assert_eq!(
            executed("stat::number_of_executed_units: 123456"),
            Some(123_456)
        );
        assert_eq!(executed("#2 INITED cov: 5"), None);
    }
}
