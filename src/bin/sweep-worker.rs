//! The load-test view's Web Worker (built by Trunk as `data-type="worker"`, loaded by
//! `sweep-worker_loader.js`). It says `ready` once its WebAssembly is loaded, then
//! answers each message, a [`driftlab_sim::sweep::Job`] as JSON, with
//! [`driftlab_app::panels::load::data::answer_json`]: the core's `run_cell`, which
//! `driftlab sweep` runs on every core. The page keeps responding while it works; cancelling a sweep
//! terminates the worker.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = web_sys::js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let job = ev.data().as_string().unwrap_or_default();
        let answer = driftlab_app::panels::load::data::answer_json(&job);
        let _ = reply.post_message(&JsValue::from_str(&answer));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope: the handler is never dropped.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
