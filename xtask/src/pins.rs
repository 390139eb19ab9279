//! The tool versions the repository pins, read from `Cargo.lock` and `Trunk.toml`.
//!
//! Trunk downloads wasm-bindgen and wasm-opt from the network when the ones on `PATH` do not
//! match its `[tools]` pins, and the network is closed here; so the pins must agree with what
//! we install. `Cargo.lock` decides the wasm-bindgen version (the CLI must match the library
//! exactly), and `Trunk.toml` must say the same.

use std::fs;
use std::path::Path;

/// Versions that the installed tools must match.
#[derive(Debug, PartialEq, Eq)]
pub struct Pins {
    /// The `wasm-bindgen` version in `Cargo.lock`, e.g. `0.2.130`.
    pub wasm_bindgen: String,
    /// Trunk's `[tools] wasm_opt` pin, e.g. `version_132` (binaryen's release tag).
    pub wasm_opt: String,
}

impl Pins {
    /// Reads the pins under the repository `root`; fails if `Trunk.toml` disagrees with
    /// `Cargo.lock`, naming the line to change.
    pub fn read(root: &Path) -> Result<Self, String> {
        let lock = read(&root.join("Cargo.lock"))?;
        let trunk = read(&root.join("Trunk.toml"))?;
        Self::parse(&lock, &trunk)
    }

    /// [`Pins::read`] on the two files' contents.
    fn parse(cargo_lock: &str, trunk_toml: &str) -> Result<Self, String> {
        let wasm_bindgen = locked_version(cargo_lock, "wasm-bindgen")?;
        let trunk_pin = |key| {
            tools_value(trunk_toml, key)
                .ok_or_else(|| format!("Trunk.toml: no `{key} = \"...\"` under [tools]"))
        };
        let trunk_wasm_bindgen = trunk_pin("wasm_bindgen")?;
        if trunk_wasm_bindgen != wasm_bindgen {
            return Err(format!(
                "Trunk.toml pins wasm_bindgen = \"{trunk_wasm_bindgen}\" but Cargo.lock has \
                 wasm-bindgen {wasm_bindgen}: set `wasm_bindgen = \"{wasm_bindgen}\"` in Trunk.toml"
            ));
        }
        Ok(Pins {
            wasm_bindgen,
            wasm_opt: trunk_pin("wasm_opt")?.to_string(),
        })
    }
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The one version of package `name` in a `Cargo.lock`; an error if there is none or several.
fn locked_version(cargo_lock: &str, name: &str) -> Result<String, String> {
    // Entries are `[[package]]` blocks whose `name` line comes right before `version`.
    let mut versions = Vec::new();
    let mut in_package = false;
    for line in cargo_lock.lines() {
        if let Some(value) = string_value(line, "name") {
            in_package = value == name;
        } else if let Some(value) = string_value(line, "version").filter(|_| in_package) {
            versions.push(value.to_string());
            in_package = false;
        }
    }
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!("Cargo.lock has no `{name}` package")),
        many => Err(format!(
            "Cargo.lock has several `{name}` versions ({}); the wasm-bindgen CLI can match only one",
            many.join(", ")
        )),
    }
}

/// The string value of `key` in the `[tools]` table of a `Trunk.toml`.
fn tools_value<'a>(trunk_toml: &'a str, key: &str) -> Option<&'a str> {
    let mut in_tools = false;
    for line in trunk_toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_tools = line == "[tools]";
        } else if in_tools {
            if let Some(value) = string_value(line, key) {
                return Some(value);
            }
        }
    }
    None
}

/// The value of a TOML line `key = "value"` (comments after it allowed), if `line` is one.
fn string_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line
        .trim()
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    rest.split_once('"').map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "wasm-bindgen-test"
version = "0.3.80"
"#;

    const TRUNK: &str = r#"
[build]
target = "index.html"

[tools]
wasm_bindgen = "0.2.130" # must match Cargo.lock
wasm_opt = "version_132"
"#;

    #[test]
    fn reads_matching_pins() {
        let pins = Pins::parse(LOCK, TRUNK).unwrap();
        assert_eq!(pins.wasm_bindgen, "0.2.130");
        assert_eq!(pins.wasm_opt, "version_132");
    }

    #[test]
    fn mismatch_names_the_fix() {
        let trunk = TRUNK.replace("0.2.130", "0.2.100");
        let err = Pins::parse(LOCK, &trunk).unwrap_err();
        assert!(err.contains("set `wasm_bindgen = \"0.2.130\"`"), "{err}");
    }

    #[test]
    fn missing_or_duplicate_packages_are_errors() {
        assert!(locked_version(LOCK, "leptos").is_err());
        let twice = format!("{LOCK}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        assert!(locked_version(&twice, "wasm-bindgen")
            .unwrap_err()
            .contains("0.2.130, 0.2.99"));
    }

    #[test]
    fn only_the_tools_table_counts() {
        let elsewhere = "[build]\nwasm_opt = \"version_1\"\n[tools]\n";
        assert_eq!(tools_value(elsewhere, "wasm_opt"), None);
        assert_eq!(string_value("wasm_bindgen_x = \"1\"", "wasm_bindgen"), None);
    }
}
