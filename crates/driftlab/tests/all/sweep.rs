//! `driftlab sweep` as a user types it: the matrix, its shards and their merge.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn driftlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driftlab"))
        .args(args)
        .output()
        .expect("run the driftlab binary")
}

fn stdout(args: &[&str]) -> String {
    let out = driftlab(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const SMALL: [&str; 7] = [
    "sweep",
    "--algorithms",
    "round-robin,two-choices",
    "--instances",
    "1,5",
    "--users",
    "1,10",
];

/// The table has a line per cell, in the matrix's order; the JSON the same cells.
#[test]
fn the_matrix_prints_as_a_table_and_as_json() {
    let table = stdout(&SMALL);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + 8, "{table}");
    assert!(lines[0].contains("req/s") && lines[0].contains("Little"));
    assert!(lines[1].contains("round-robin") && lines[8].contains("two-choices"));
    let mut args = SMALL.to_vec();
    args.push("--json");
    let v: serde_json::Value = serde_json::from_str(&stdout(&args)).unwrap();
    let cells = v.as_array().unwrap();
    assert_eq!(cells.len(), 8);
    for key in [
        "requests_per_s",
        "mean_ms",
        "p50_ms",
        "p99_ms",
        "error_pct",
        "shares",
        "little_users",
    ] {
        assert!(cells[0].get(key).is_some(), "{key}");
    }
    assert_eq!(cells[7]["cell"]["instances"], 5);
}

/// Three shards of the matrix (as three batch jobs would run them), merged from files
/// and from standard input, give the table of the whole matrix run at once.
#[test]
fn shards_merge_into_the_whole_matrix() {
    let whole = stdout(&SMALL);
    let dir = std::env::temp_dir().join(format!("driftlab-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for i in 0..3 {
        let mut args = SMALL.to_vec();
        let shard = format!("{i}/3");
        args.extend(["--shard", &shard]);
        let lines = stdout(&args);
        let path = dir.join(format!("shard-{i}.jsonl"));
        std::fs::write(&path, lines).unwrap();
        files.push(path);
    }
    // Out of order on purpose: the merge puts the cells back in the matrix's order.
    let names: Vec<String> = files
        .iter()
        .rev()
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["sweep", "--merge"];
    args.extend(names.iter().map(String::as_str));
    assert_eq!(stdout(&args), whole);
    // From standard input, as `cat shard-*.jsonl | driftlab sweep --merge -`.
    let all: String = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_driftlab"))
        .args(["sweep", "--merge", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(all.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), whole);
    // A shard merged twice is refused.
    let twice = [
        "sweep",
        "--merge",
        files[0].to_str().unwrap(),
        files[0].to_str().unwrap(),
    ];
    let out = driftlab(&twice);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("twice"));
    std::fs::remove_dir_all(&dir).ok();
}

/// Bad input gets a message naming what is wrong.
#[test]
fn bad_sweeps_say_why() {
    for (args, wanted) in [
        (vec!["sweep", "--shard", "3/3"], "--shard wants I/N"),
        (vec!["sweep", "--algorithms", "fastest"], "valid ones"),
        (vec!["sweep", "--instances", "0,5"], "between 1 and 16"),
        (vec!["sweep", "--preset", "nope"], "valid presets"),
    ] {
        let out = driftlab(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
}
