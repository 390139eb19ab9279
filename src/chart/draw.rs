//! Draws a [`ChartSpec`] on a canvas with plotters: large fonts, labelled axes.
//!
//! Titles and legends are HTML around the canvas (translatable, accessible), so the
//! canvas only holds axes, marks and lines; every label comes ready-made in the spec,
//! which also spares plotters' text measuring (it touches the DOM).

use super::spec::{Axis, ChartSpec, Line, Mark};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::Cell;
use web_sys::HtmlCanvasElement;

/// Font size of tick labels and axis titles, CSS pixels.
const FONT_PX: f64 = 16.0;
/// Plot coordinates are integers (plotters takes custom key points on integer ranges):
/// x in whole seconds (the history has one sample per second), y in thousandths.
const Y_SCALE: f64 = 1000.0;

fn yi(y: f64) -> i64 {
    (y * Y_SCALE).round() as i64
}

fn xi(x: f64) -> i64 {
    x.round() as i64
}

/// The label of the tick at integer coordinate `v` (empty if none is there).
fn label(ticks: &[(i64, String)], v: i64) -> String {
    ticks
        .iter()
        .find(|(k, _)| *k == v)
        .map(|(_, l)| l.clone())
        .unwrap_or_default()
}

fn int_ticks(a: &Axis, f: fn(f64) -> i64) -> Vec<(i64, String)> {
    a.ticks.iter().map(|(v, l)| (f(*v), l.clone())).collect()
}

/// Estimated width of `text` at `font` px: 0.56 em a character (DejaVu Sans's digits
/// and lower case; plotters would measure it in the DOM).
fn text_width(text: &str, font: f64) -> f64 {
    0.56 * font * text.chars().count() as f64
}

/// The y axis's title if it fits along a plot `plot_h` px high; else its unit (the last
/// bracket, "(ms)", or what follows the last comma, "ms"); else nothing.
fn fitting_title(title: &str, plot_h: f64, font: f64) -> &str {
    if text_width(title, font) <= plot_h {
        return title;
    }
    let unit = match (title.rfind('('), title.rfind(", ")) {
        (Some(i), _) if title.ends_with(')') => &title[i..],
        (_, Some(i)) => &title[i + 2..],
        _ => "",
    };
    if text_width(unit, font) <= plot_h {
        unit
    } else {
        ""
    }
}

/// Every k-th of `ticks`, so that their labels, `font` px high, do not overlap on an
/// axis `len` px long.
fn thin(ticks: Vec<(i64, String)>, len: f64, font: f64) -> Vec<(i64, String)> {
    let room = (len / (1.4 * font)).floor().max(2.0) as usize;
    if ticks.len() <= room {
        return ticks;
    }
    let k = ticks.len().div_ceil(room);
    ticks.into_iter().step_by(k).collect()
}

/// Draws `spec` (or a blank chart if `None`) on `canvas`, whose backing store is
/// `scale` device pixels per CSS pixel.
pub fn draw(canvas: HtmlCanvasElement, spec: Option<&ChartSpec>, scale: f64) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let Some(d) = spec else {
        return root.present().map_err(|e| e.to_string());
    };
    let px = |v: f64| (v * scale).round() as i32;
    let font = || {
        ("sans-serif", FONT_PX * scale)
            .into_font()
            .color(&RGBColor(40, 40, 40))
    };
    let with_title =
        |a: &Axis, bare: f64, titled: f64| px(if a.title.is_empty() { bare } else { titled });
    // The plot's height: what the canvas leaves under the top margin and above the
    // time axis's labels (a projector's 720 px leaves a stacked chart little of it).
    let x_area = with_title(&d.x, 34.0, 52.0);
    let plot_h = f64::from(root.dim_in_pixel().1) - f64::from(px(12.0) + x_area);
    let x_ticks = int_ticks(&d.x, xi);
    let y_ticks = thin(int_ticks(&d.y, yi), plot_h, FONT_PX * scale);
    let x_range = xi(d.x.range.0)..xi(d.x.range.1).max(xi(d.x.range.0) + 1);
    let y_range = yi(d.y.range.0)..yi(d.y.range.1).max(yi(d.y.range.0) + 1);
    let y2 = d.y2.as_ref();
    let y2_ticks = y2
        .map(|a| thin(int_ticks(a, yi), plot_h, FONT_PX * scale))
        .unwrap_or_default();
    let y2_range = y2.map_or(0..1, |a| {
        yi(a.range.0)..yi(a.range.1).max(yi(a.range.0) + 1)
    });
    // The y axis's title turns along the axis; too long for a short plot (it was cut,
    // and its unit with it), only its unit.
    let y_title = fitting_title(&d.y.title, plot_h, FONT_PX * scale);
    // The last time or value label is centred on the axis's end: room for its half.
    let half_last = d.x.ticks.last().map_or(0.0, |(_, l)| {
        0.32 * FONT_PX * l.chars().count() as f64 + 2.0
    });
    let right = if y2.is_some() {
        18.0
    } else {
        half_last.max(18.0)
    };
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(12.0))
        .margin_right(px(right))
        .margin_left(px(6.0))
        .x_label_area_size(x_area)
        .y_label_area_size(with_title(&d.y, 74.0, 74.0))
        .right_y_label_area_size(y2.map_or(0, |a| with_title(a, 60.0, 60.0)))
        .build_cartesian_2d(
            x_range
                .clone()
                .with_key_points(x_ticks.iter().map(|t| t.0).collect()),
            y_range.with_key_points(y_ticks.iter().map(|t| t.0).collect()),
        )
        .map_err(|e| e.to_string())?
        .set_secondary_coord(
            x_range.clone(),
            y2_range.with_key_points(y2_ticks.iter().map(|t| t.0).collect()),
        );
    let x_label = |x: &i64| label(&x_ticks, *x);
    let y_label = |y: &i64| label(&y_ticks, *y);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(font())
        .axis_desc_style(font())
        .bold_line_style(RGBColor(225, 225, 225).stroke_width(px(1.0) as u32))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(90, 90, 90).stroke_width(px(1.0) as u32));
    if !d.x.title.is_empty() {
        mesh.x_desc(d.x.title.as_str());
    }
    if !y_title.is_empty() {
        mesh.y_desc(y_title);
    }
    mesh.draw().map_err(|e| e.to_string())?;
    if y2.is_some() {
        let grey = RGBColor(90, 90, 90);
        chart
            .configure_secondary_axes()
            .y_label_formatter(&|y: &i64| label(&y2_ticks, *y))
            .label_style(font().color(&grey))
            .axis_style(grey.stroke_width(px(1.0) as u32))
            // Inward ticks: plotters would otherwise measure each label in the DOM.
            .set_tick_mark_size(LabelAreaPosition::Right, -px(5.0))
            .draw()
            .map_err(|e| e.to_string())?;
    }
    for m in &d.marks {
        let (r, g, b) = m.rgb;
        let style = RGBColor(r, g, b).stroke_width(px(m.width).max(1) as u32);
        let ends = [(xi(m.from.0), yi(m.from.1)), (xi(m.to.0), yi(m.to.1))];
        if m.dashed {
            chart.draw_series(DashedLineSeries::new(ends, px(7.0), px(5.0), style))
        } else {
            chart.draw_series(LineSeries::new(ends, style))
        }
        .map_err(|e| e.to_string())?;
    }
    for line in &d.lines {
        let (r, g, b) = line.rgb;
        let style = RGBColor(r, g, b).stroke_width(px(line.width).max(1) as u32);
        for piece in &line.pieces {
            let points = piece.iter().map(|&(x, y)| (xi(x), yi(y)));
            if line.right {
                chart.draw_secondary_series(LineSeries::new(points, style))
            } else {
                chart.draw_series(LineSeries::new(points, style))
            }
            .map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())
}

thread_local! {
    /// Whether [`warm_up`] ran.
    static WARM: Cell<bool> = const { Cell::new(false) };
}

/// Draws a small chart with every kind of mark (both axes, a dashed and a plain mark,
/// lines on either axis) on a canvas outside the page, once per page: the browser
/// compiles WebAssembly functions when they are first called, and plotters' drawing
/// code took 50 ms to compile in the first frame that drew a chart (a Chrome trace of
/// the first play); the page pays it while loading instead. Nothing is shown.
pub fn warm_up() {
    if WARM.with(|w| w.replace(true)) {
        return;
    }
    let Some(canvas) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| wasm_bindgen::JsCast::dyn_into::<HtmlCanvasElement>(c).ok())
    else {
        return;
    };
    canvas.set_width(320);
    canvas.set_height(180);
    let axis = |title: &str| Axis {
        range: (0.0, 10.0),
        ticks: vec![(0.0, "0".into()), (10.0, "10".into())],
        title: title.into(),
    };
    let mark = |dashed| Mark {
        from: (5.0, 0.0),
        to: (5.0, 10.0),
        rgb: (0, 0, 0),
        width: 1.5,
        dashed,
    };
    let line = |right| Line {
        rgb: (0, 0, 0),
        width: 2.0,
        right,
        pieces: vec![vec![(0.0, 1.0), (10.0, 9.0)]],
    };
    let spec = ChartSpec {
        x: axis("x"),
        y: axis("y"),
        y2: Some(axis("")),
        marks: vec![mark(true), mark(false)],
        lines: vec![line(false), line(true)],
    };
    let _ = draw(canvas, Some(&spec), 1.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_gives_way_to_its_unit_then_to_nothing() {
        // 16 px: 0.56 × 16 = 8.96 px a character.
        assert_eq!(fitting_title("offset (s)", 200.0, 16.0), "offset (s)");
        // "mean response (ms)" is 18 characters, 161 px: 100 px hold "(ms)" only.
        assert_eq!(fitting_title("mean response (ms)", 100.0, 16.0), "(ms)");
        assert_eq!(fitting_title("p99, ms", 40.0, 16.0), "ms");
        assert_eq!(fitting_title("users", 20.0, 16.0), "");
        assert_eq!(fitting_title("mean response (ms)", 10.0, 16.0), "");
    }

    #[test]
    fn ticks_thin_out_on_a_short_axis() {
        let ticks: Vec<(i64, String)> = (0..6).map(|i| (i, i.to_string())).collect();
        // 200 px hold 200 / 22.4 = 8 labels of 16 px: all six stay.
        assert_eq!(thin(ticks.clone(), 200.0, 16.0).len(), 6);
        // 70 px hold 3: every second one (0, 2, 4).
        let kept: Vec<i64> = thin(ticks.clone(), 70.0, 16.0)
            .iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(kept, [0, 2, 4]);
        // Never fewer than two rooms: 10 px keep every third (0, 3).
        let kept: Vec<i64> = thin(ticks, 10.0, 16.0).iter().map(|t| t.0).collect();
        assert_eq!(kept, [0, 3]);
    }
}
