//! Component tests of the preset bar: it shows the core's presets table
//! (`driftlab_sim::presets::PRESETS`), group by group, in the current language. Run with
//! `cargo test -p driftlab-app --target wasm32-unknown-unknown --test preset_bar`.
#![cfg(target_arch = "wasm32")]

use driftlab_sim::presets::{Group, Lang, PRESETS};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

fn has_class(e: &Element, class: &str) -> bool {
    e.class_name().split_whitespace().any(|c| c == class)
}

/// The bar's group names and buttons, in page order: `(is a group name, text)`.
fn bar(root: &Element) -> Vec<(bool, String)> {
    let nodes = root
        .query_selector_all("nav.presets .group-name, nav.presets button.preset")
        .unwrap();
    (0..nodes.length())
        .map(|i| {
            let e: Element = nodes.item(i).unwrap().unchecked_into();
            let text = e.text_content().unwrap_or_default();
            (has_class(&e, "group-name"), text)
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_bar_shows_every_preset_group_by_group_in_both_languages() {
    let root = mount().await;
    for (lang, code, groups) in [
        (Lang::En, "lang-en", ["Drift", "", "NTP", "Gateway", "Data"]),
        (
            Lang::Fr,
            "lang-fr",
            ["Dérive", "", "NTP", "Passerelle", "Données"],
        ),
    ] {
        click(&root, code).await;
        let mut want = Vec::new();
        for (g, name) in Group::ALL.into_iter().zip(groups) {
            want.push((true, name.to_string()));
            for p in PRESETS.iter().filter(|p| p.group == g) {
                want.push((false, p.label(lang).to_string()));
            }
        }
        assert_eq!(bar(&root), want);
        for p in PRESETS {
            let button = find(&root, &format!("preset-{}", p.name));
            assert_eq!(button.title(), p.summary(lang), "{}", p.name);
            assert_eq!(has_class(&button, "extreme"), p.alarming, "{}", p.name);
        }
        // The line under the bar says what the current preset shows.
        let liar = PRESETS
            .iter()
            .find(|p| p.name == "ntp_falseticker")
            .unwrap();
        click(&root, "preset-ntp_falseticker").await;
        assert_eq!(text(&root, "preset-summary"), liar.summary(lang));
    }
}
