//! Component tests of the shared canvas chart: it draws what its feed built, again when
//! the window is resized (at the element's new size), and not otherwise. Run with
//! `cargo test -p driftlab-app --target wasm32-unknown-unknown`.

use driftlab_app::chart::{listen_resize, Axis, CanvasChart, ChartSpec, Line};
use driftlab_app::ctx::Ctx;
use driftlab_app::i18n::Lang;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::common::*;

/// A thick red diagonal over a 0..100 × 0..10 plot.
fn diagonal() -> ChartSpec {
    let axis = |hi: f64, title: &str| Axis {
        range: (0.0, hi),
        ticks: vec![(0.0, "0".into()), (hi, format!("{hi}"))],
        title: title.into(),
    };
    ChartSpec {
        x: axis(100.0, "x (s)"),
        y: axis(10.0, "y"),
        y2: None,
        marks: Vec::new(),
        lines: vec![Line {
            rgb: (255, 0, 0),
            width: 4.0,
            right: false,
            pieces: vec![vec![(0.0, 0.0), (100.0, 10.0)]],
        }],
    }
}

/// Pixels of the canvas that are mostly red.
fn red_pixels(canvas: &HtmlCanvasElement) -> usize {
    let cx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    let data = cx.get_image_data(0.0, 0.0, w, h).unwrap().data();
    data.chunks(4)
        .filter(|p| p[0] > 200 && p[1] < 80 && p[2] < 80)
        .count()
}

fn drawn(canvas: &HtmlCanvasElement) -> u32 {
    canvas.get_attribute("data-drawn").unwrap().parse().unwrap()
}

#[wasm_bindgen_test]
async fn the_chart_draws_its_spec_and_again_on_resize() {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone().unchecked_into(), || {
        let mut cfg = driftlab_sim::presets::preset("reset").unwrap();
        cfg.crowd.customers = 100;
        let ctx = Ctx::new(cfg, &[], Lang::En, 0, driftlab_app::view::View::Map);
        provide_context(ctx);
        listen_resize(ctx);
        view! {
            <CanvasChart
                make=|_, _| Some(diagonal())
                every=3
                label="test chart"
                empty="nothing yet"
            />
        }
    })
    .forget();
    tick().await;
    let canvas: HtmlCanvasElement = root
        .query_selector("canvas")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let scale = window().device_pixel_ratio().max(1.0);
    canvas
        .set_attribute("style", "width: 320px; height: 160px")
        .unwrap();
    window()
        .dispatch_event(&web_sys::Event::new("resize").unwrap())
        .unwrap();
    tick().await;
    sleep(50).await;
    assert_eq!(canvas.width(), (320.0 * scale) as u32);
    assert_eq!(canvas.height(), (160.0 * scale) as u32);
    let before = drawn(&canvas);
    assert!(before >= 1, "drawn");
    let red = red_pixels(&canvas);
    assert!(red > 100, "the line is on the canvas: {red} red pixels");
    assert_eq!(
        root.query_selector(".chart-empty").unwrap(),
        None,
        "something to show"
    );
    // A resize: the backing store takes the new size, and the chart is drawn again.
    canvas
        .set_attribute("style", "width: 640px; height: 300px")
        .unwrap();
    window()
        .dispatch_event(&web_sys::Event::new("resize").unwrap())
        .unwrap();
    tick().await;
    sleep(50).await;
    assert_eq!(canvas.width(), (640.0 * scale) as u32);
    assert_eq!(canvas.height(), (300.0 * scale) as u32);
    assert_eq!(drawn(&canvas), before + 1);
    assert!(red_pixels(&canvas) > red, "a longer line on a wider canvas");
    // Nothing changed: no drawing.
    sleep(100).await;
    assert_eq!(drawn(&canvas), before + 1);
}

#[wasm_bindgen_test]
async fn the_app_charts_draw_when_the_run_moves() {
    let root = mount().await;
    open_view(&root, "clocks").await;
    click(&root, "preset-extreme_drift").await;
    let canvas = |id: &str| -> HtmlCanvasElement {
        find(&root, id)
            .query_selector("canvas")
            .unwrap()
            .unwrap()
            .unchecked_into()
    };
    let before = drawn(&canvas("chart-offsets"));
    click(&root, "play").await;
    sleep(800).await;
    click(&root, "play").await;
    sleep(100).await;
    assert!(drawn(&canvas("chart-offsets")) > before);
    assert!(try_find(&root, "chart-offsets")
        .unwrap()
        .query_selector(".chart-empty")
        .unwrap()
        .is_none());
    // No NTP in this preset: the NTP charts say how to start them.
    open_view(&root, "ntp").await;
    assert!(text(&root, "ntp-chart-jitter").contains("Switch NTP on"));
}
