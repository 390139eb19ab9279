//! Each package's integration tests are one test program, `tests/all/` (a `main.rs` and a
//! module per file): Cargo compiles and links every file of `tests/` as a program of its
//! own, against the package and all its dev-dependencies, which cost CI minutes (see
//! docs/COMMANDS.md, "CI's time on a fresh machine"). Checked here, as part of the native
//! tests, so that neither a new program nor a file that no `mod` line compiles slips in.

use std::fs;
use std::path::Path;

/// The folders of integration tests, from the repository root.
const TEST_DIRS: [&str; 3] = ["crates/sim/tests", "crates/driftlab/tests", "tests"];

/// What is wrong with the integration tests in `tests` (a package's `tests/` folder),
/// each with the fix; empty if they are one program, every file of it compiled.
fn problems(tests: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(tests) else {
        return found;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let own_program = if path.is_dir() {
            name != "all" && path.join("main.rs").is_file()
        } else {
            name.ends_with(".rs")
        };
        if own_program {
            found.push(format!(
                "{} is a test program of its own: move it into {}/all/ and add its \
                 `mod` line to all/main.rs",
                path.display(),
                tests.display()
            ));
        }
    }
    let all = tests.join("all");
    let main = fs::read_to_string(all.join("main.rs")).unwrap_or_default();
    // `mod name;`, maybe after `pub` or an attribute, outside comments.
    let declared = |module: &str| {
        let item = format!("mod {module};");
        main.lines().map(str::trim).any(|line| {
            !line.starts_with("//")
                && (line == item
                    || line.ends_with(&format!(" {item}"))
                    || line.ends_with(&format!("]{item}")))
        })
    };
    for path in fs::read_dir(&all)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
    {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let module = match name.strip_suffix(".rs") {
            Some("main") => continue,
            Some(stem) if path.is_file() => stem.to_string(),
            _ if path.join("mod.rs").is_file() => name.to_string(),
            _ => continue, // data, such as fixtures
        };
        if !declared(&module) {
            found.push(format!(
                "{} is never compiled: add `mod {module};` to {}",
                path.display(),
                all.join("main.rs").display()
            ));
        }
    }
    found.sort();
    found
}

#[test]
fn each_package_s_integration_tests_are_one_program_and_all_compiled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace");
    for dir in TEST_DIRS {
        assert!(
            root.join(dir).join("all/main.rs").is_file(),
            "{dir}/all/main.rs"
        );
    }
    let found: Vec<String> = TEST_DIRS
        .iter()
        .flat_map(|dir| problems(&root.join(dir)))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_program_of_its_own_and_a_module_never_declared_are_found() {
    let tests = std::env::temp_dir().join(format!("xtask-layout-{}", std::process::id()));
    let all = tests.join("all");
    fs::create_dir_all(all.join("common")).unwrap();
    fs::create_dir_all(all.join("fixtures")).unwrap();
    fs::create_dir_all(tests.join("other")).unwrap();
    for (file, text) in [
        ("all/main.rs", "mod common;\nmod kept;\n// mod forgotten;\n"),
        ("all/kept.rs", ""),
        ("all/forgotten.rs", ""),
        ("all/common/mod.rs", ""),
        ("all/fixtures/a.json", "{}"),
        ("stray.rs", ""),
        ("other/main.rs", ""),
    ] {
        fs::write(tests.join(file), text).unwrap();
    }
    let found = problems(&tests);
    fs::remove_dir_all(&tests).unwrap();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].contains("forgotten.rs is never compiled"),
        "{}",
        found[0]
    );
    assert!(
        found[1].contains("other is a test program of its own"),
        "{}",
        found[1]
    );
    assert!(
        found[2].contains("stray.rs is a test program of its own"),
        "{}",
        found[2]
    );
}
