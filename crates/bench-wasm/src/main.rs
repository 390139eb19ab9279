//! `core-native PRESET CUSTOMERS SEED REPS INNER`: times `run_times(.., INNER)` REPS
//! times (after one warm-up) and prints one JSON line: `events`, `trace_hash`, and
//! `ms`, each repetition's time per run in milliseconds. CUSTOMERS 0 keeps the
//! preset's crowd. Run by `e2e/bench/core_wasm.mjs`; build it with `--profile bench`.

use driftlab_bench_wasm::run_times;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [preset, customers, seed, reps, inner] => (|| {
            Some((
                preset.clone(),
                customers.parse::<u32>().ok()?,
                seed.parse::<u64>().ok()?,
                reps.parse::<u32>().ok()?,
                inner.parse::<u32>().ok()?.max(1),
            ))
        })(),
        _ => None,
    };
    let Some((preset, customers, seed, reps, inner)) = parsed else {
        eprintln!("usage: core-native PRESET CUSTOMERS SEED REPS INNER");
        return ExitCode::from(2);
    };
    let once = |times| run_times(&preset, customers, seed, times);
    let out = match once(1) {
        Ok(out) => out,
        Err(message) => {
            eprintln!("core-native: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut ms = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let again = once(inner).expect("the same run succeeds again");
        ms.push(t.elapsed().as_secs_f64() * 1e3 / inner as f64);
        assert_eq!(again, out, "the same run twice gave two results");
    }
    let (events, hash) = out.split_once(' ').expect("events and hash");
    let ms: Vec<String> = ms.iter().map(|m| format!("{m:.4}")).collect();
    println!(
        "{{\"events\": {events}, \"trace_hash\": \"{hash}\", \"ms\": [{}]}}",
        ms.join(", ")
    );
    ExitCode::SUCCESS
}
