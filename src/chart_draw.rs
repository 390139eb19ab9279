//! Draws a [`ChartData`] on a canvas with plotters: large fonts, labelled axes.
//!
//! Titles and legends are HTML around the canvas (translatable, accessible), so the
//! canvas only holds axes and lines; that also spares plotters' text measuring, which
//! touches the DOM.

use crate::chart_data::{time_label, ChartData};
use crate::i18n::Lang;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// Font size of tick labels and axis titles, CSS pixels.
const FONT_PX: f64 = 16.0;

/// Axis titles.
pub struct Axes<'a> {
    /// Under the x axis.
    pub x: &'a str,
    /// Beside the y axis.
    pub y: &'a str,
}

/// Draws `data` (or a blank chart if `None`) on `canvas`, whose backing store is
/// `scale` device pixels per CSS pixel.
pub fn draw(
    canvas: HtmlCanvasElement,
    data: Option<&ChartData>,
    axes: Axes,
    lang: Lang,
    scale: f64,
) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let Some(d) = data else {
        return Ok(());
    };
    let px = |v: f64| (v * scale).round() as i32;
    let font = || {
        ("sans-serif", FONT_PX * scale)
            .into_font()
            .color(&RGBColor(40, 40, 40))
    };
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(12.0))
        .margin_right(px(18.0))
        .margin_left(px(6.0))
        .x_label_area_size(px(52.0))
        .y_label_area_size(px(74.0))
        .right_y_label_area_size(if d.y2.is_some() { px(60.0) } else { 0 })
        .build_cartesian_2d(
            // Whole seconds: the history has one sample per second, and integer ranges
            // take custom key points (round minutes) with their default formatting.
            (sec(d.x.0)..sec(d.x.1)).with_key_points(d.x_keys.iter().map(|&x| sec(x)).collect()),
            d.y.0..d.y.1,
        )
        .map_err(|e| e.to_string())?
        .set_secondary_coord(sec(d.x.0)..sec(d.x.1), d.y2.map_or(0.0..1.0, |(a, b)| a..b));
    chart
        .configure_mesh()
        .y_labels(5)
        .x_label_formatter(&|x| time_label(*x as f64))
        .y_label_formatter(&|y| lang.num(*y, d.y_decimals))
        .x_desc(axes.x)
        .y_desc(axes.y)
        .label_style(font())
        .axis_desc_style(font())
        .bold_line_style(RGBColor(225, 225, 225).stroke_width(px(1.0) as u32))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(90, 90, 90).stroke_width(px(1.0) as u32))
        .draw()
        .map_err(|e| e.to_string())?;
    if d.y2.is_some() {
        let grey = RGBColor(90, 90, 90);
        chart
            .configure_secondary_axes()
            .y_labels(5)
            .y_label_formatter(&|y| lang.num(*y, 0))
            .label_style(font().color(&grey))
            .axis_desc_style(font().color(&grey))
            .axis_style(grey.stroke_width(px(1.0) as u32))
            // Inward ticks: plotters would otherwise measure each label in the DOM.
            .set_tick_mark_size(LabelAreaPosition::Right, -px(5.0))
            .draw()
            .map_err(|e| e.to_string())?;
    }
    let grey = RGBColor(120, 120, 120);
    if (d.x.0..=d.x.1).contains(&d.opening) {
        chart
            .draw_series(DashedLineSeries::new(
                [(sec(d.opening), d.y.0), (sec(d.opening), d.y.1)],
                px(6.0),
                px(5.0),
                grey.stroke_width(px(1.5) as u32),
            ))
            .map_err(|e| e.to_string())?;
    }
    if d.zero_line {
        chart
            .draw_series(LineSeries::new(
                [(sec(d.x.0), 0.0), (sec(d.x.1), 0.0)],
                BLACK.stroke_width(px(1.5) as u32),
            ))
            .map_err(|e| e.to_string())?;
    }
    for line in &d.lines {
        let (r, g, b) = line.rgb;
        let style = RGBColor(r, g, b).stroke_width(px(line.width as f64) as u32);
        for piece in &line.pieces {
            let points = piece.iter().map(|&(x, y)| (sec(x), y));
            if line.right {
                chart.draw_secondary_series(LineSeries::new(points, style))
            } else {
                chart.draw_series(LineSeries::new(points, style))
            }
            .map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

fn sec(x: f64) -> i64 {
    x.round() as i64
}
