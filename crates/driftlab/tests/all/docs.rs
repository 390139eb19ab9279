//! The user-facing docs stay true to the code: `docs/MODEL.md`'s presets table is the
//! core's [`PRESETS`] table, and the README, the docs and the CLI's help point only at
//! files and sections a clone contains.
//!
//! After changing a preset, `DRIFTLAB_BLESS=1 cargo test -p driftlab --test all docs::`
//! rewrites the table in `docs/MODEL.md`.

use driftlab_sim::presets::PRESETS;
use std::path::{Path, PathBuf};
use std::process::Command;

const BEGIN: &str = "<!-- presets:begin";
const END: &str = "<!-- presets:end -->";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// `-30` → `−30`, `0.5` → `+0.5`, `0` → `0`, as the docs write offsets.
fn signed(s: f64) -> String {
    if s == 0.0 {
        "0".into()
    } else if s < 0.0 {
        format!("−{}", -s)
    } else {
        format!("+{s}")
    }
}

/// The presets table as `docs/MODEL.md` shows it, from the core's table.
fn presets_table() -> String {
    let mut s = String::from(
        "| preset | group | servers' initial offsets (s) | NTP | what it shows |\n|---|---|---|---|---|\n",
    );
    for p in PRESETS {
        let offsets: Vec<String> = p.offsets_s.iter().map(|&x| signed(x)).collect();
        let ntp = if p.config().ntp.enabled { "on" } else { "off" };
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            p.name,
            p.group.name(),
            offsets.join(", "),
            ntp,
            p.summary_en
        ));
    }
    s
}

#[test]
fn model_presets_table_is_the_cores() {
    let path = root().join("docs/MODEL.md");
    let text = read(&path);
    let begin = text
        .find(BEGIN)
        .expect("docs/MODEL.md marks its presets table");
    let body = begin + text[begin..].find("-->").expect("marker closed") + "-->\n".len();
    let end = text
        .find(END)
        .expect("docs/MODEL.md ends its presets table");
    let want = presets_table();
    if text[body..end] != want {
        if std::env::var_os("DRIFTLAB_BLESS").is_some() {
            std::fs::write(&path, format!("{}{want}{}", &text[..body], &text[end..]))
                .expect("write docs/MODEL.md");
        } else {
            panic!(
                "docs/MODEL.md's presets table differs from driftlab_sim::presets::PRESETS; \
                 rerun with DRIFTLAB_BLESS=1 to rewrite it. Expected:\n{want}"
            );
        }
    }
}

/// GitHub's anchor for a heading: lower case, spaces to hyphens, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn headings(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .collect()
}

/// The README and every `docs/*.md`.
fn user_docs() -> Vec<(PathBuf, String)> {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files.into_iter().map(|p| (p.clone(), read(&p))).collect()
}

#[test]
fn docs_point_only_at_what_a_clone_contains() {
    let model = read(&root().join("docs/MODEL.md"));
    let anchors: Vec<String> = headings(&model).iter().map(|h| anchor(h)).collect();
    for (path, text) in user_docs() {
        let shown = path.display();
        for stale in ["../shared", "shared/MODEL", "MODEL §"] {
            assert!(!text.contains(stale), "{shown} mentions {stale:?}");
        }
        // Every link to a section of MODEL.md names one that exists.
        for (at, _) in text.match_indices("MODEL.md#") {
            let rest = &text[at + "MODEL.md#".len()..];
            let end = rest.find([')', ' ', '"', '`']).unwrap_or(rest.len());
            let target = &rest[..end];
            assert!(
                anchors.iter().any(|a| a == target),
                "{shown} links to MODEL.md#{target}, not a heading of docs/MODEL.md ({anchors:?})"
            );
        }
        // Every relative link to a file names one that exists.
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')').expect("link closed")];
            let file = target.split('#').next().unwrap_or_default();
            if file.is_empty() || file.contains("://") {
                continue;
            }
            let dir = path.parent().expect("a file's folder");
            assert!(dir.join(file).exists(), "{shown} links to missing {target}");
        }
    }
}

#[test]
fn sections_the_cli_names_exist() {
    let out = Command::new(env!("CARGO_BIN_EXE_driftlab"))
        .args(["run", "--help"])
        .output()
        .expect("run the driftlab binary");
    let help = String::from_utf8_lossy(&out.stdout);
    let model = read(&root().join("docs/MODEL.md"));
    let sections = headings(&model);
    let mut named = 0;
    for (at, _) in help.match_indices("docs/MODEL.md, section \"") {
        let rest = &help[at + "docs/MODEL.md, section \"".len()..];
        let name = &rest[..rest.find('"').expect("section name closed")];
        assert!(
            sections.iter().any(|s| s == name),
            "the help names section {name:?}, which docs/MODEL.md lacks"
        );
        named += 1;
    }
    assert!(
        named >= 2,
        "the help should point at docs/MODEL.md:\n{help}"
    );
}

#[test]
fn anchors_follow_github() {
    assert_eq!(anchor("What every run measures"), "what-every-run-measures");
    assert_eq!(
        anchor("NTP (RFC 5905, simplified)"),
        "ntp-rfc-5905-simplified"
    );
    assert_eq!(signed(-30.0), "−30");
    assert_eq!(signed(0.5), "+0.5");
}
