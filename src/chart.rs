//! The one canvas chart every panel uses: a pure description of what to draw
//! ([`spec`]), its drawing with plotters ([`draw`]), and the component that owns the
//! canvas, follows its size, reads the run through a feed at the chart's pace and
//! draws ([`canvas`]).

pub mod canvas;
pub mod draw;
pub mod spec;

pub use canvas::{listen_resize, CanvasChart};
pub use spec::{Axis, ChartSpec, Line, Mark};
