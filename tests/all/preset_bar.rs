//! Component tests of the preset bar: it shows the core's presets table
//! (`driftlab_sim::presets::PRESETS`), group by group, in the current language. Run with
//! `cargo test -p driftlab-app --target wasm32-unknown-unknown --test all preset_bar::`.

use driftlab_sim::presets::{Group, Lang, PRESETS};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

use crate::common::*;

fn has_class(e: &Element, class: &str) -> bool {
    e.class_name().split_whitespace().any(|c| c == class)
}

/// The bar's group names, buttons and menu toggles, in page order: `(is a group name or
/// a toggle, text)`.
fn bar(root: &Element) -> Vec<(bool, String)> {
    let nodes = root
        .query_selector_all("nav.presets .group-name, nav.presets button.preset:not(.menu-item)")
        .unwrap();
    (0..nodes.length())
        .map(|i| {
            let e: Element = nodes.item(i).unwrap().unchecked_into();
            let text = e.text_content().unwrap_or_default();
            let head = has_class(&e, "group-name") || has_class(&e, "group-toggle");
            (head, text)
        })
        .collect()
}

/// A short group's presets are buttons with their summary as tooltip; a long group
/// (more than 3) is one toggle that opens the list of its presets, each with its
/// summary written out. Both languages.
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
        click(&root, "preset-extreme_drift").await;
        let mut want = Vec::new();
        for (g, name) in Group::ALL.into_iter().zip(groups) {
            let members: Vec<_> = PRESETS.iter().filter(|p| p.group == g).collect();
            if members.len() <= 3 {
                want.push((true, name.to_string()));
                for p in &members {
                    want.push((false, p.label(lang).to_string()));
                }
            } else {
                want.push((true, format!("{name} ▾")));
            }
        }
        assert_eq!(bar(&root), want);
        for p in PRESETS {
            let menu = root
                .query_selector(&format!("[data-presets~='{}']", p.name))
                .unwrap();
            if let Some(toggle) = menu {
                toggle.unchecked_into::<web_sys::HtmlElement>().click();
                leptos::task::tick().await;
                let item = find(&root, &format!("preset-{}", p.name));
                let summary = item.query_selector(".item-summary").unwrap().unwrap();
                assert_eq!(
                    summary.text_content().unwrap(),
                    p.summary(lang),
                    "{}",
                    p.name
                );
                assert_eq!(
                    item.query_selector(".item-label")
                        .unwrap()
                        .unwrap()
                        .text_content()
                        .unwrap(),
                    p.label(lang)
                );
                // Closing the menu (its toggle again) hides the items.
                find(&root, &format!("group-{}", p.group.name())).click();
                leptos::task::tick().await;
                assert_eq!(
                    count(&root, &format!("[data-testid='preset-{}']", p.name)),
                    0
                );
            } else {
                let button = find(&root, &format!("preset-{}", p.name));
                assert_eq!(button.title(), p.summary(lang), "{}", p.name);
                assert_eq!(has_class(&button, "extreme"), p.alarming, "{}", p.name);
            }
        }
        // The line under the bar says what the current preset shows, and the group's
        // toggle names the one chosen in it.
        let liar = PRESETS
            .iter()
            .find(|p| p.name == "ntp_falseticker")
            .unwrap();
        choose_preset(&root, "ntp_falseticker").await;
        assert_eq!(text(&root, "preset-summary"), liar.summary(lang));
        assert_eq!(
            text(&root, "group-ntp"),
            format!("NTP · {} ▾", liar.label(lang))
        );
        assert_eq!(
            count(&root, ".preset-menu"),
            0,
            "the menu closes on a choice"
        );
    }
}
