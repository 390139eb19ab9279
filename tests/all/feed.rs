//! Component tests of the feeds: a feed reads at its cadence while playing and not
//! otherwise, a full pass (a pause) reads everything once, and a paused app changes
//! nothing on the page. Run with
//! `cargo test -p driftlab-app --target wasm32-unknown-unknown`.

use driftlab_app::ctx::Ctx;
use driftlab_app::feed::{Cadence, Spec};
use driftlab_app::i18n::Lang;
use driftlab_sim::Time;
use leptos::prelude::*;
use leptos::task::tick;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use crate::common::*;

/// A context (×1000, a small `reset` run) mounted in its own element, not driven by
/// any frame loop: the test calls its frames.
async fn context() -> Ctx {
    let slot: Rc<RefCell<Option<Ctx>>> = Rc::default();
    let s = slot.clone();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.unchecked_into(), move || {
        let mut cfg = driftlab_sim::presets::preset("reset").unwrap();
        cfg.crowd.customers = 100;
        *s.borrow_mut() = Some(Ctx::new(
            cfg,
            &[],
            Lang::En,
            // The slider's position for ×1000 (the frames below count on it).
            driftlab_app::engine::SPEEDS
                .iter()
                .position(|&s| s == 1000.0)
                .expect("×1000 is on the slider"),
            driftlab_app::view::View::Map,
        ));
    })
    .forget();
    tick().await;
    let ctx = slot.borrow().expect("mounted");
    ctx
}

#[wasm_bindgen_test]
async fn a_feed_reads_at_its_cadence_while_playing_and_once_on_pause() {
    let ctx = context().await;
    let reads = Rc::new(Cell::new(0));
    let r = reads.clone();
    let feed = ctx.feed(Spec::new(Cadence::Every(3)), move |src| {
        r.set(r.get() + 1);
        src.sim().now()
    });
    assert_eq!(reads.get(), 1, "read once for its initial value");
    let start = feed.signal().get_untracked();
    ctx.ui.playing.set(true);
    // The first frame only notes the time; then 9 frames of 16 ms, 16 s each at ×1000.
    for k in 0..10 {
        assert!(ctx.frame(16.0 * k as f64, 1000.0));
    }
    assert_eq!(reads.get(), 4, "frames 3, 6 and 9 after its first read");
    let now = ctx.with_engine(|e| e.sim().now()).unwrap();
    assert_eq!(now - start, 144 * driftlab_sim::time::SEC);
    assert_eq!(feed.signal().get_untracked(), now, "read at the 9th frame");
    // Paused: the first frame reads every feed once, the next ones nothing.
    ctx.ui.playing.set(false);
    for k in 10..20 {
        ctx.frame(16.0 * k as f64, 1000.0);
    }
    assert_eq!(reads.get(), 5);
    // A feed read on demand, whatever its cadence.
    feed.refresh();
    assert_eq!(reads.get(), 6);
}

#[wasm_bindgen_test]
async fn a_paused_view_sets_no_signal() {
    let ctx = context().await;
    let feed = ctx.feed(Spec::new(Cadence::EveryFrame), |src| src.sim().now());
    let sets = Rc::new(Cell::new(0));
    let s = sets.clone();
    let value = feed.signal();
    Effect::new(move |_| {
        value.track();
        s.set(s.get() + 1);
    });
    tick().await;
    ctx.ui.playing.set(true);
    for k in 0..5 {
        ctx.frame(16.0 * k as f64, 1000.0);
    }
    tick().await;
    let after_play = sets.get();
    assert!(
        after_play >= 2,
        "playing frames set the value: {after_play}"
    );
    ctx.ui.playing.set(false);
    let frozen: Time = value.get_untracked();
    // Paused frames, full passes and refreshes read the same value: no set.
    for k in 5..15 {
        ctx.frame(16.0 * k as f64, 1000.0);
    }
    ctx.refresh();
    feed.refresh();
    tick().await;
    assert_eq!(sets.get(), after_play);
    assert_eq!(value.get_untracked(), frozen);
}

#[wasm_bindgen_test]
async fn a_paused_app_changes_nothing_on_the_page() {
    let root = mount().await;
    click(&root, "preset-extreme_drift").await;
    click(&root, "play").await;
    sleep(600).await;
    click(&root, "play").await;
    assert!(text(&root, "status").contains("Paused"));
    // In every view: let the frame after the pause (or the view's first reads) bring
    // every panel up to date, then watch the whole app.
    for view in ["map", "clocks", "ntp", "hall", "measures"] {
        open_view(&root, view).await;
        sleep(200).await;
        let watch = js_sys::Function::new_with_args(
            "el",
            "window.__mutations = 0; \
             const o = new MutationObserver((m) => { window.__mutations += m.length; }); \
             o.observe(el, { subtree: true, childList: true, attributes: true, characterData: true }); \
             window.__observer = o;",
        );
        watch.call1(&JsValue::NULL, &root).unwrap();
        sleep(500).await;
        let n = js_sys::Reflect::get(&window(), &"__mutations".into())
            .unwrap()
            .as_f64()
            .unwrap();
        let stop = js_sys::Function::new_no_args("window.__observer.disconnect();");
        stop.call0(&JsValue::NULL).unwrap();
        assert_eq!(n, 0.0, "a paused view stays still ({view})");
    }
}
