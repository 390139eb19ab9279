//! Component tests: the whole app mounted in headless Chromium, driven by clicks and
//! keys, checked through the DOM. Run with
//! `cargo test -p driftlab-app --target wasm32-unknown-unknown`.

use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::common::*;

#[wasm_bindgen_test]
async fn before_the_first_run_every_panel_says_what_will_appear() {
    let root = mount().await;
    assert!(text(&root, "status").contains("Ready"));
    open_view(&root, "measures").await;
    assert!(text(&root, "event-log").contains("No events yet"));
    assert!(text(&root, "metrics").contains("All zero for now"));
    open_view(&root, "clocks").await;
    assert!(text(&root, "chart-offsets").contains("one line per server"));
    open_view(&root, "hall").await;
    assert!(text(&root, "hall").contains("All seats are free"));
    assert!(text(&root, "seat-story").contains("Hover or focus a seat"));
    // The default hall: 10 rows of 20, every seat labelled for screen readers.
    assert_eq!(count(&root, "[role='grid'] [role='gridcell']"), 200);
    let a1 = root.query_selector("[data-seat='0']").unwrap().unwrap();
    assert_eq!(a1.get_attribute("aria-label").unwrap(), "A1: free");
}

#[wasm_bindgen_test]
async fn presets_set_the_servers() {
    let root = mount().await;
    open_view(&root, "clocks").await;
    click(&root, "preset-extreme_drift").await;
    assert_eq!(count(&root, ".server-card"), 5);
    assert!(text(&root, "server-offset-2").contains("−30.000"));
    assert!(text(&root, "preset-summary").contains("45 s apart"));
    click(&root, "preset-reset").await;
    assert_eq!(count(&root, ".server-card"), 3);
    assert!(text(&root, "server-offset-2").contains("+0.000"));
}

#[wasm_bindgen_test]
async fn a_bad_offset_is_refused_at_the_field_and_changes_nothing() {
    let root = mount().await;
    open_view(&root, "clocks").await;
    click(&root, "preset-major_drift").await;
    let before = text(&root, "server-offset-2");
    type_into(&root, "offset-input-2", "abc").await;
    let msg = text(&root, "offset-input-2-error");
    assert!(msg.contains("Enter seconds from −60 to +60"), "{msg}");
    assert!(msg.contains("Nothing was changed"), "{msg}");
    assert_eq!(text(&root, "server-offset-2"), before);
    assert_eq!(count(&root, ".server-card"), 4);
    // A good value clears the message and moves the clock.
    type_into(&root, "offset-input-2", "-20").await;
    assert_eq!(text(&root, "offset-input-2-error"), "");
    assert!(text(&root, "server-offset-2").contains("−20.000"));
}

#[wasm_bindgen_test]
async fn a_negative_customer_count_is_refused() {
    let root = mount().await;
    type_into(&root, "field-customers", "-5").await;
    assert!(text(&root, "field-customers-error").contains("from 1 to 50,000"));
    let input: HtmlInputElement = find(&root, "field-customers").unchecked_into();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    open_view(&root, "hall").await;
    type_into(&root, "field-rows", "25").await;
    type_into(&root, "field-cols", "40").await;
    assert_eq!(count(&root, "[role='gridcell']"), 1000);
}

#[wasm_bindgen_test]
async fn step_processes_one_event() {
    let root = mount().await;
    click(&root, "step").await;
    assert!(text(&root, "status").contains("Paused · 1 events"));
    click(&root, "step").await;
    assert!(text(&root, "status").contains("2 events"));
    click(&root, "restart").await;
    assert!(text(&root, "status").contains("Ready"));
}

#[wasm_bindgen_test]
async fn play_runs_the_sale_and_fills_the_panels() {
    let root = mount().await;
    click(&root, "preset-extreme_drift").await;
    let speed: HtmlInputElement = find(&root, "speed").unchecked_into();
    speed.set_value("11");
    speed
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(text(&root, "speed-value"), "×1000");
    let t0 = text(&root, "true-time");
    click(&root, "play").await;
    for _ in 0..100 {
        sleep(100).await;
        if text(&root, "status").contains("Sale over") {
            break;
        }
    }
    assert!(
        text(&root, "status").contains("Sale over"),
        "{}",
        text(&root, "status")
    );
    assert_ne!(text(&root, "true-time"), t0);
    open_view(&root, "measures").await;
    let wrong: u64 = find(&root, "metric-wrong_winners")
        .get_attribute("data-value")
        .unwrap()
        .parse()
        .unwrap();
    assert!(wrong > 0);
    assert!(count(&root, "[data-testid='log-rows'] tr") > 0);
    // The anomalies filter keeps only flagged lines.
    click(&root, "log-anomalies").await;
    assert_eq!(
        count(&root, "[data-testid='log-rows'] tr"),
        count(&root, "[data-testid='log-rows'] tr.anomalous")
    );
    open_view(&root, "hall").await;
    assert!(count(&root, ".seat.wrong") > 0);
}

#[wasm_bindgen_test]
async fn the_map_opens_each_layers_view_and_the_timeline_goes_back() {
    let root = mount().await;
    open_view(&root, "map").await;
    // Every layer of the core's list has its box.
    assert_eq!(
        count(&root, "[data-layer]") as usize,
        driftlab_sim::Layer::ALL.len()
    );
    click(&root, "layer-servers").await;
    assert_eq!(
        find(&root, "view").get_attribute("data-view").as_deref(),
        Some("clocks")
    );
    // Two events forward, one back: one event.
    click(&root, "step").await;
    click(&root, "step").await;
    click(&root, "step-back").await;
    assert!(text(&root, "status").contains("Paused · 1 events"));
}

#[wasm_bindgen_test]
async fn seats_are_keyboard_navigable_and_tell_their_story() {
    let root = mount().await;
    open_view(&root, "hall").await;
    let a1: HtmlElement = root
        .query_selector("[data-seat='0']")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(a1.tab_index(), 0);
    a1.focus().unwrap();
    tick().await;
    assert_eq!(text(&root, "story-seat"), "A1");
    key(&a1, "ArrowRight").await;
    key(&document().active_element().unwrap(), "ArrowDown").await;
    assert_eq!(text(&root, "story-seat"), "B2");
    let active = document().active_element().unwrap();
    assert_eq!(active.get_attribute("data-seat").as_deref(), Some("21"));
    assert_eq!(active.get_attribute("tabindex").as_deref(), Some("0"));
    assert!(text(&root, "seat-story").contains("Nobody has asked"));
}

#[wasm_bindgen_test]
async fn french_follows_the_switch() {
    let root = mount().await;
    open_view(&root, "clocks").await;
    click(&root, "lang-fr").await;
    assert!(text(&root, "servers").contains("Serveurs"));
    assert!(text(&root, "status").contains("Prêt"));
    assert_eq!(text(&root, "tab-hall"), "Salle");
    open_view(&root, "hall").await;
    let a1 = root.query_selector("[data-seat='0']").unwrap().unwrap();
    assert_eq!(a1.get_attribute("aria-label").unwrap(), "A1: libre");
    click(&root, "lang-en").await;
    open_view(&root, "clocks").await;
    assert!(text(&root, "servers").contains("Servers"));
}

#[wasm_bindgen_test]
async fn help_opens_with_a_question_mark_and_closes_with_escape() {
    let root = mount().await;
    let body: web_sys::EventTarget = document().body().unwrap().into();
    key(&body, "?").await;
    assert!(text(&root, "help").contains("Play or pause"));
    // Every key the app answers to, the preset menus' and the hall's included.
    assert!(text(&root, "help").contains("In an open preset menu"));
    assert!(text(&root, "help").contains("In the hall: start / end of the row"));
    key(&body, "Escape").await;
    assert_eq!(count(&root, "[data-testid='help']"), 0);
}

#[wasm_bindgen_test]
async fn projector_mode_follows_its_switch_and_p() {
    let root = mount().await;
    let html = document().document_element().unwrap();
    let search = || window().location().search().unwrap_or_default();
    let pressed = |root: &web_sys::Element| find(root, "projector").get_attribute("aria-pressed");
    assert_eq!(pressed(&root).as_deref(), Some("false"));
    assert_eq!(html.get_attribute("data-projector"), None);
    click(&root, "projector").await;
    assert_eq!(pressed(&root).as_deref(), Some("true"));
    assert_eq!(html.get_attribute("data-projector").as_deref(), Some("on"));
    assert!(search().contains("projector=on"), "{}", search());
    click(&root, "projector").await;
    assert_eq!(pressed(&root).as_deref(), Some("false"));
    assert_eq!(html.get_attribute("data-projector"), None);
    assert!(!search().contains("projector"), "{}", search());
    // The P key does the same (every app of this page hears it: they all follow).
    let body: web_sys::EventTarget = document().body().unwrap().into();
    key(&body, "p").await;
    assert_eq!(pressed(&root).as_deref(), Some("true"));
    assert_eq!(html.get_attribute("data-projector").as_deref(), Some("on"));
    key(&body, "p").await;
    assert_eq!(pressed(&root).as_deref(), Some("false"));
    assert_eq!(html.get_attribute("data-projector"), None);
    // Its label and explanation in both languages, and the help names its key.
    assert_eq!(text(&root, "projector"), "Projector");
    click(&root, "lang-fr").await;
    assert_eq!(text(&root, "projector"), "Projecteur");
    assert!(find(&root, "projector")
        .get_attribute("title")
        .unwrap()
        .contains("Mode projecteur"));
    click(&root, "lang-en").await;
    key(&body, "?").await;
    assert!(text(&root, "help").contains("Projector mode on / off"));
    key(&body, "Escape").await;
}
