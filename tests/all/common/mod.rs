//! Helpers shared by the component tests: mount the app, find elements by `data-testid`,
//! click, type, wait.
#![allow(dead_code)] // each test file uses its own subset

use driftlab_app::App;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

/// Mounts a fresh app in its own element, in English.
pub async fn mount() -> Element {
    let doc = document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone().unchecked_into(), App).forget();
    tick().await;
    click(&root, "lang-en").await;
    root
}

/// Opens a view by its tab (`map`, `clocks`, `ntp`, `hall`, `measures`).
pub async fn open_view(root: &Element, view: &str) {
    click(root, &format!("tab-{view}")).await;
    let shown = find(root, "view").get_attribute("data-view");
    assert_eq!(shown.as_deref(), Some(view));
}

pub fn find(root: &Element, testid: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element {testid}"))
        .unchecked_into()
}

pub fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap_or_default()
}

pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

pub async fn click(root: &Element, testid: &str) {
    find(root, testid).click();
    tick().await;
}

/// Chooses preset `name` as a teacher would: a preset of a short group is a button of
/// the bar; one of a long group (NTP, gateway…) is in its group's menu, opened first.
pub async fn choose_preset(root: &Element, name: &str) {
    if let Some(toggle) = root
        .query_selector(&format!("[data-presets~='{name}']"))
        .unwrap()
    {
        toggle.unchecked_into::<HtmlElement>().click();
        tick().await;
    }
    click(root, &format!("preset-{name}")).await;
}

/// Types `value` into a text field and commits it (as Enter would).
pub async fn type_into(root: &Element, testid: &str, value: &str) {
    let input: HtmlInputElement = find(root, testid).unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
}

pub async fn key(target: &web_sys::EventTarget, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
    tick().await;
}

pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

pub fn try_find(root: &Element, testid: &str) -> Option<HtmlElement> {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .map(|e| e.unchecked_into())
}

pub fn checked(root: &Element, testid: &str) -> bool {
    find(root, testid)
        .unchecked_into::<HtmlInputElement>()
        .checked()
}

/// Waits (up to 10 s) until `testid` exists.
pub async fn wait_for(root: &Element, testid: &str) -> HtmlElement {
    for _ in 0..100 {
        if let Some(e) = try_find(root, testid) {
            return e;
        }
        sleep(100).await;
    }
    panic!("{testid} never appeared")
}
