//! Component tests of the NTP area and the real-clock panel: the whole app mounted in
//! headless Chromium. Run with `cargo test -p driftlab-app --target wasm32-unknown-unknown`.

use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

use crate::common::*;

#[wasm_bindgen_test]
async fn before_ntp_the_panel_says_what_it_will_show_and_how_to_start() {
    let root = mount().await;
    open_view(&root, "ntp").await;
    assert!(text(&root, "ntp-empty").contains("Switch it on"));
    assert!(text(&root, "ntp-sync-1").contains("off"));
    assert!(text(&root, "ntp-alerts-empty").contains("No alert yet"));
    assert!(text(&root, "exchange-empty").contains("No exchange yet"));
    assert!(text(&root, "ntp-chart-jitter").contains("Switch NTP on"));
}

#[wasm_bindgen_test]
async fn switches_turn_ntp_on_and_off_per_server_and_for_all() {
    let root = mount().await;
    open_view(&root, "ntp").await;
    click(&root, "preset-extreme_drift").await;
    click(&root, "ntp-all-on").await;
    assert!(try_find(&root, "ntp-empty").is_none());
    for k in 1..=5 {
        assert!(checked(&root, &format!("ntp-switch-{k}")), "switch {k}");
        assert!(!text(&root, &format!("ntp-sync-{k}")).contains("off"));
    }
    // One switch off: that row says so, the others run on.
    let sw: HtmlInputElement = find(&root, "ntp-switch-2").unchecked_into();
    sw.set_checked(false);
    sw.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(text(&root, "ntp-sync-2"), "off");
    assert!(checked(&root, "ntp-switch-1"));
    assert!(text(&root, "ntp-alerts").contains("NTP switched off"));
    click(&root, "ntp-all-off").await;
    assert!(text(&root, "ntp-empty").contains("Switch it on"));
}

#[wasm_bindgen_test]
async fn a_run_with_ntp_fills_the_table_the_exchange_and_the_alerts() {
    let root = mount().await;
    open_view(&root, "ntp").await;
    choose_preset(&root, "synced").await;
    click(&root, "play").await;
    let svg = wait_for(&root, "exchange-svg").await;
    click(&root, "play").await;
    // The drawing names its four points; the table beside it gives each one's clock
    // reading and true instant (two times of day, `HH:MM:SS.ffffff`).
    assert!(svg.text_content().unwrap().contains("t4"));
    for k in 1..=4 {
        let row = text(&root, &format!("exchange-t{k}"));
        assert_eq!(row.matches(':').count(), 4, "t{k}: {row}");
    }
    let theta = text(&root, "exchange-theta");
    assert!(theta.contains("ms"), "{theta}");
    let alerts = text(&root, "ntp-alerts");
    assert!(alerts.contains("server-"), "{alerts}");
    // Each offset cell carries its threshold level.
    let level = find(&root, "ntp-offset-1").get_attribute("data-level");
    assert!(matches!(level.as_deref(), Some("ok" | "red")), "{level:?}");
}

#[wasm_bindgen_test]
async fn a_fault_strikes_now_and_is_listed() {
    let root = mount().await;
    open_view(&root, "ntp").await;
    choose_preset(&root, "synced").await;
    click(&root, "fault-partition").await;
    assert!(text(&root, "fault-done").contains("Injected at"));
    let alerts = text(&root, "ntp-alerts");
    assert!(alerts.contains("fault: cut from time 5 min"), "{alerts}");
    click(&root, "lang-fr").await;
    assert!(text(&root, "ntp-alerts").contains("panne : coupé du temps 5 min"));
}

#[wasm_bindgen_test]
async fn without_a_companion_the_real_clock_says_so_quietly() {
    let root = mount().await;
    open_view(&root, "ntp").await;
    let line = wait_for(&root, "rc-none").await;
    assert!(line.text_content().unwrap().contains("No companion here"));
    // Everything else still works.
    click(&root, "preset-major_drift").await;
    open_view(&root, "clocks").await;
    assert!(text(&root, "server-offset-2").contains("s"));
}
