//! Draws a [`ChartSpec`] on a canvas with plotters: large fonts, labelled axes.
//!
//! Titles and legends are HTML around the canvas (translatable, accessible), so the
//! canvas only holds axes, marks and lines; every label comes ready-made in the spec,
//! which also spares plotters' text measuring (it touches the DOM).

use super::spec::{Axis, ChartSpec};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
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
    let (x_ticks, y_ticks) = (int_ticks(&d.x, xi), int_ticks(&d.y, yi));
    let x_range = xi(d.x.range.0)..xi(d.x.range.1).max(xi(d.x.range.0) + 1);
    let y_range = yi(d.y.range.0)..yi(d.y.range.1).max(yi(d.y.range.0) + 1);
    let y2 = d.y2.as_ref();
    let y2_ticks = y2.map(|a| int_ticks(a, yi)).unwrap_or_default();
    let y2_range = y2.map_or(0..1, |a| {
        yi(a.range.0)..yi(a.range.1).max(yi(a.range.0) + 1)
    });
    // The y axis's title reads horizontally above the axis, not turned along it: a
    // short chart (a projector's 720 px) cut a turned title, and its unit with it.
    let top = if d.y.title.is_empty() {
        12.0
    } else {
        FONT_PX + 10.0
    };
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
        .margin_top(px(top))
        .margin_right(px(right))
        .margin_left(px(6.0))
        .x_label_area_size(with_title(&d.x, 34.0, 52.0))
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
    mesh.draw().map_err(|e| e.to_string())?;
    if !d.y.title.is_empty() {
        root.draw_text(d.y.title.as_str(), &font(), (px(6.0), px(2.0)))
            .map_err(|e| e.to_string())?;
    }
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
