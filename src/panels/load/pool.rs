//! The Web Workers that run a sweep's cells: `sweep-worker_loader.js`, built by Trunk
//! from `src/bin/sweep-worker.rs`. Plumbing only: each worker says `ready`, then
//! answers one job at a time; what to send and what an answer means is
//! [`super::data::Sweep`]'s. Dropping the pool terminates its workers (a cancel).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, MessageEvent, Worker};

/// The worker's script, beside the page.
pub const SCRIPT: &str = "./sweep-worker_loader.js";

/// Workers at most, whatever the machine.
pub const MAX_WORKERS: usize = 8;

/// How many workers for `cells` cells: one per core the browser reports, at most
/// [`MAX_WORKERS`], never more than the cells.
pub fn workers_for(cells: usize) -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).clamp(1, MAX_WORKERS).min(cells.max(1))
}

/// Running workers and their handlers.
pub struct Pool {
    workers: Vec<Worker>,
    _on_message: Vec<Closure<dyn FnMut(MessageEvent)>>,
    _on_error: Vec<Closure<dyn FnMut(Event)>>,
}

impl Pool {
    /// Starts `n` workers. `message(worker, text)` is called with each text a worker
    /// posts (and the worker, to answer it); `failed()` when a worker cannot run.
    pub fn start(
        n: usize,
        message: impl Fn(&Worker, String) + Clone + 'static,
        failed: impl Fn() + Clone + 'static,
    ) -> Result<Pool, String> {
        let mut pool = Pool {
            workers: Vec::new(),
            _on_message: Vec::new(),
            _on_error: Vec::new(),
        };
        for _ in 0..n {
            let worker = Worker::new(SCRIPT).map_err(|e| format!("{e:?}"))?;
            let me = worker.clone();
            let message = message.clone();
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                if let Some(text) = ev.data().as_string() {
                    message(&me, text);
                }
            });
            let failed = failed.clone();
            let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| failed());
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            pool.workers.push(worker);
            pool._on_message.push(on_message);
            pool._on_error.push(on_error);
        }
        Ok(pool)
    }

    /// Workers in the pool.
    pub fn len(&self) -> usize {
        self.workers.len()
    }

    /// Whether the pool has no worker.
    pub fn is_empty(&self) -> bool {
        self.workers.is_empty()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for w in &self.workers {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
    }
}

/// Sends `text` to `worker`.
pub fn send(worker: &Worker, text: &str) {
    let _ = worker.post_message(&JsValue::from_str(text));
}
