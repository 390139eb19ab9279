//! The animation-frame loop that drives the run.
//!
//! Each animation frame queues a task for right after the frame is drawn, and that task
//! does the frame's work ([`Ctx::frame`]): it advances the run to the frame's timestamp
//! and runs the feeds, whose signals write the DOM and the charts; the next frame draws
//! them. The simulation's and the panels' milliseconds are thus spent between two
//! frames, not inside one: a frame's own work, from its animation callbacks to its
//! commit, is only the browser's styling, layout and painting.

use crate::ctx::Ctx;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Time a frame's task may spend simulating, ms: the rest of the 16.7 ms is for the
/// feeds, the DOM and the charts.
pub const SIM_BUDGET_MS: f64 = 4.0;

type FrameFn = Closure<dyn FnMut(f64)>;

/// Starts the loop: every animation frame queues [`Ctx::frame`] with the frame's
/// timestamp, in a task after the frame, until the app is unmounted.
pub fn start(ctx: Ctx) {
    let slot: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let again = slot.clone();
    let frame_ms = Rc::new(Cell::new(0.0));
    let gone = Rc::new(Cell::new(false));
    let (at, end) = (frame_ms.clone(), gone.clone());
    let work: Closure<dyn FnMut()> = Closure::new(move || {
        if !ctx.frame(at.get(), SIM_BUDGET_MS) {
            end.set(true);
        }
    });
    *slot.borrow_mut() = Some(Closure::new(move |ts: f64| {
        if gone.get() {
            // The app is gone: drop this closure (and the task's) and stop.
            drop(again.borrow_mut().take());
            return;
        }
        frame_ms.set(ts);
        after_frame(&work);
        if let Some(f) = again.borrow().as_ref() {
            request(f);
        }
    }));
    if let Some(f) = slot.borrow().as_ref() {
        request(f);
    };
}

fn request(f: &FrameFn) {
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(f.as_ref().unchecked_ref());
    }
}

/// Queues `f` as a task: from an animation frame's callback, it runs once the frame is
/// drawn (a zero timeout not nested in another has no delay).
fn after_frame(f: &Closure<dyn FnMut()>) {
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(f.as_ref().unchecked_ref(), 0);
    }
}
