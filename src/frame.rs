//! The animation-frame loop that drives the run.

use crate::ctx::Ctx;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Time a frame may spend simulating, ms: the rest of the 16.7 ms is for the DOM and
/// the charts.
pub const SIM_BUDGET_MS: f64 = 4.0;

type FrameFn = Closure<dyn FnMut(f64)>;

/// Starts the loop: every animation frame calls [`Ctx::frame`] with the frame's
/// timestamp, until the app is unmounted.
pub fn start(ctx: Ctx) {
    let slot: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |ts: f64| {
        if ctx.frame(ts, SIM_BUDGET_MS) {
            if let Some(f) = again.borrow().as_ref() {
                request(f);
            }
        } else {
            // The app is gone: drop this closure and stop.
            again.borrow_mut().take();
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
