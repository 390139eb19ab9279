//! The load-test view: seed 003's users × instances matrix, each cell one run of the
//! `load_test` preset, run in Web Workers by the core's `sweep` (the same code as
//! `driftlab sweep`), with a progress bar, a cancel button, the throughput and p99
//! latency plotted against users (one line per instance count) and the cells' figures
//! in a table.
//!
//! The sweep is not a feed: it does not read the run on screen. It lives as long as the
//! view (leaving the view stops its workers).

pub mod data;
pub mod plot;
pub mod pool;

use crate::components::shown::Shown;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::server_colour;
use crate::panels::gateway::data::algorithm_texts;
use data::{instance_counts, plan, rows, Measure, Sweep};
use driftlab_sim::gateway::Algorithm;
use leptos::prelude::*;
use plot::SpecCanvas;
use pool::Pool;

/// Where a sweep is.
#[derive(Clone, Debug, PartialEq)]
enum State {
    /// Nothing run yet.
    Idle,
    /// Workers at work: how many.
    Running(usize),
    /// Every cell answered, in this many ms.
    Done(f64),
    /// Stopped by the user.
    Cancelled,
    /// Stopped by a cell that could not run, or a worker that did not start.
    Failed(String),
}

fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The load-test view.
// `move || f()` where `f` is already a closure: `view!` boxes a closure written in
// place into its one closure type, a closure passed by name gets a type of its own
// (docs/APP.md, the bundle's size). Clippy on wasm32 calls them redundant.
#[allow(clippy::redundant_closure)]
#[component]
pub fn LoadPanel() -> impl IntoView {
    let ctx = use_ctx();
    let chosen = RwSignal::new(data::DEFAULT_ALGORITHMS.to_vec());
    let instances = RwSignal::new(data::DEFAULT_INSTANCES.to_string());
    let users = RwSignal::new(data::DEFAULT_USERS.to_string());
    let seed = RwSignal::new("1".to_string());
    let planned = Memo::new(move |_| {
        let order: Vec<Algorithm> = Algorithm::ALL
            .into_iter()
            .filter(|a| chosen.with(|c| c.contains(a)))
            .collect();
        plan(&order, &instances.get(), &users.get(), &seed.get())
    });
    let sweep = RwSignal::new(Sweep::default());
    let state = RwSignal::new(State::Idle);
    let shown = RwSignal::new(None::<Algorithm>);
    // At 1280 × 720 the plots and the table take turns; taller screens show both.
    let as_table = RwSignal::new(false);
    let pool = StoredValue::new_local(None::<Pool>);
    let started = StoredValue::new(0.0_f64);
    let stop = move || pool.update_value(|p| drop(p.take()));
    on_cleanup(move || {
        let _ = pool.try_update_value(|p| drop(p.take()));
    });

    // A worker posted `text`: ready for a job, or an answer.
    let on_message = move |worker: &web_sys::Worker, text: String| {
        if text != "ready" {
            sweep.update(|s| s.record(&text));
            let (finished, error) = sweep.with_untracked(|s| (s.finished(), s.error.clone()));
            if let Some(e) = error {
                stop();
                state.set(State::Failed(e));
                return;
            }
            if finished {
                stop();
                state.set(State::Done(now_ms() - started.get_value()));
                return;
            }
        }
        if let Some(job) = sweep.try_update(|s| s.next_job()).flatten() {
            pool::send(worker, &job);
        }
    };
    let on_failed = move || {
        stop();
        state.set(State::Failed(ctx.t(Txt::LtWorkerFailed).to_string()));
    };
    let run = move |_| {
        let Ok(p) = planned.get_untracked() else {
            return;
        };
        stop();
        shown.set(p.algorithms.first().copied());
        let n = pool::workers_for(p.jobs.len());
        sweep.set(Sweep::new(p));
        started.set_value(now_ms());
        match Pool::start(n, on_message, on_failed) {
            Ok(p) => {
                state.set(State::Running(p.len()));
                pool.set_value(Some(p));
            }
            Err(_) => state.set(State::Failed(ctx.t(Txt::LtWorkerFailed).to_string())),
        }
    };
    let cancel = move |_| {
        stop();
        state.set(State::Cancelled);
    };
    let running = Memo::new(move |_| matches!(state.get(), State::Running(_)));
    let progress = Memo::new(move |_| sweep.with(|s| (s.done(), s.total())));
    let results = Memo::new(move |_| sweep.with(|s| s.results()));
    let algorithm = Memo::new(move |_| shown.get().unwrap_or(Algorithm::RoundRobin));
    let spec = move |m: Measure| {
        Memo::new(move |_| {
            let lang = ctx.ui.lang.get();
            results.with(|r| data::plot(r, algorithm.get(), m, lang))
        })
    };
    let throughput = spec(Measure::Throughput);
    let p99 = spec(Measure::P99);
    let counts = Memo::new(move |_| results.with(|r| instance_counts(r, algorithm.get())));

    let checkbox = move |a: Algorithm| {
        let (label, tip) = algorithm_texts(a);
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    data-testid=format!("lt-alg-{}", a.name())
                    prop:checked=move || chosen.with(|c| c.contains(&a))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        chosen.update(|c| {
                            c.retain(|x| *x != a);
                            if on {
                                c.push(a);
                            }
                        });
                    }
                />
                <Term label=label tip=tip />
            </label>
        }
    };
    let field = move |id: &'static str, label: Txt, tip: Txt, value: RwSignal<String>| {
        let bad = move || planned.with(|p| matches!(p, Err((f, _)) if *f == label));
        view! {
            <label class="lt-field">
                <Term label=label tip=tip />
                <input
                    type="text"
                    inputmode="numeric"
                    data-testid=id
                    class:invalid=move || bad()
                    aria-invalid=move || bad().then_some("true")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    let status = move || {
        let lang = ctx.ui.lang.get();
        let (done, total) = progress.get();
        let runs = format!("{done} / {total} {}", lang.t(Txt::LtRuns));
        match state.get() {
            State::Idle => String::new(),
            State::Running(n) => format!("{runs} · {n} {}", lang.t(Txt::LtWorkers)),
            State::Done(ms) => format!(
                "{runs} · {} {} s",
                lang.t(Txt::LtDoneIn),
                lang.num(ms / 1000.0, 2)
            ),
            State::Cancelled => format!("{runs} · {}", lang.t(Txt::LtCancelled)),
            State::Failed(e) => format!("{runs} · {} {e}", lang.t(Txt::LtFailed)),
        }
    };
    let table = move || {
        let lang = ctx.ui.lang.get();
        results
            .with(|r| rows(r, algorithm.get(), lang))
            .into_iter()
            .map(|r| {
                view! {
                    <tr data-hash=r.hash.clone() data-cell=format!("{}x{}", r.instances, r.users)>
                        <td>{r.instances}</td>
                        <td>{r.users}</td>
                        <td data-col="rps">{r.rps}</td>
                        <td data-col="mean">{r.mean}</td>
                        <td data-col="p50">{r.p50}</td>
                        <td data-col="p99">{r.p99}</td>
                        <td data-col="errors">{r.errors}</td>
                        <td data-col="little">{r.little}</td>
                        <td data-col="busiest">{r.busiest}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let legend = move || {
        counts
            .get()
            .into_iter()
            .enumerate()
            .map(|(k, n)| {
                view! {
                    <span class="lt-key" style=format!("--server: {}", server_colour(k))>
                        <span class="swatch"></span>
                        {n}
                    </span>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel load" aria-labelledby="load-title" data-testid="load">
            <div class="load-body">
                <div class="load-side">
                    <h2 id="load-title"><Term label=Txt::LtTitle tip=Txt::LtHint /></h2>
                    <fieldset class="lt-algorithms">
                        <legend>
                            <Term label=Txt::LtAlgorithms tip=Txt::LtAlgorithmsTip />
                        </legend>
                        {Algorithm::ALL.into_iter().map(checkbox).collect_view()}
                    </fieldset>
                    <div class="lt-fields">
                        {field("lt-instances", Txt::LtInstances, Txt::LtInstancesTip, instances)}
                        {field("lt-users", Txt::LtUsers, Txt::LtUsersTip, users)}
                        {field("lt-seed", Txt::Seed, Txt::LtSeedTip, seed)}
                    </div>
                    {move || {
                        planned
                            .with(|p| p.as_ref().err().cloned())
                            .map(|(f, r)| {
                                let lang = ctx.ui.lang.get();
                                view! {
                                    <p class="error" role="alert" data-testid="lt-error">
                                        {format!("{} : {}", lang.t(f), r.text(lang))}
                                    </p>
                                }
                            })
                    }}
                    <div class="lt-buttons">
                        <button
                            class="primary"
                            data-testid="lt-run"
                            disabled=move || running.get() || planned.with(|p| p.is_err())
                            on:click=run
                        >
                            {ctx.tr(Txt::LtRun)}
                        </button>
                        <button
                            data-testid="lt-cancel"
                            disabled=move || !running.get()
                            on:click=cancel
                        >
                            {ctx.tr(Txt::LtCancel)}
                        </button>
                    </div>
                    <div class="lt-progress">
                        <progress
                            data-testid="lt-progress"
                            max=move || progress.get().1.max(1)
                            prop:value=move || progress.get().0
                        ></progress>
                        <p
                            class="lt-status"
                            data-testid="lt-status"
                            data-state=move || match state.get() {
                                State::Idle => "idle",
                                State::Running(_) => "running",
                                State::Done(_) => "done",
                                State::Cancelled => "cancelled",
                                State::Failed(_) => "failed",
                            }
                            data-elapsed-ms=move || match state.get() {
                                State::Done(ms) => format!("{ms:.1}"),
                                _ => String::new(),
                            }
                            aria-live="polite"
                        >
                            {move || status()}
                        </p>
                    </div>
                </div>
                <div class="load-main" class:show-table=move || as_table.get()>
                    <div class="lt-top">
                        <p class="lt-legend" data-testid="lt-legend">
                        <Shown
                            when=move || { sweep.with(|s| s.algorithms.len() > 1) }
                            fallback=move || {
                                view! {
                                    <strong>
                                        {move || ctx.t(algorithm_texts(algorithm.get()).0)}
                                    </strong>
                                }
                            }
                        >
                            <label class="lt-plot-for">
                                {ctx.tr(Txt::LtPlotFor)}
                                " "
                                <select
                                    data-testid="lt-plot-algorithm"
                                    on:change=move |ev| {
                                        if let Ok(a) = Algorithm::parse(&event_target_value(&ev)) {
                                            shown.set(Some(a));
                                        }
                                    }
                                >
                                    {move || {
                                        sweep
                                            .with(|s| s.algorithms.clone())
                                            .into_iter()
                                            .map(|a| {
                                                view! {
                                                    <option
                                                        value=a.name()
                                                        selected=move || algorithm.get() == a
                                                    >
                                                        {move || ctx.t(algorithm_texts(a).0)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()
                                    }}
                                </select>
                            </label>
                        </Shown>
                        " · "
                            {ctx.tr(Txt::LtLegend)}
                            " "
                            {move || legend()}
                        </p>
                        <div class="lt-switch" role="group">
                            <button
                                data-testid="lt-show-plot"
                                aria-pressed=move || (!as_table.get()).to_string()
                                on:click=move |_| as_table.set(false)
                            >
                                {ctx.tr(Txt::LtShowPlot)}
                            </button>
                            <button
                                data-testid="lt-show-table"
                                aria-pressed=move || as_table.get().to_string()
                                on:click=move |_| as_table.set(true)
                            >
                                {ctx.tr(Txt::LtShowTable)}
                            </button>
                        </div>
                    </div>
                    <div class="lt-stage">
                    <div class="lt-plots">
                    <div class="chart lt-chart">
                        <h3><Term label=Txt::LtThroughput tip=Txt::LtThroughputTip /></h3>
                        <SpecCanvas
                            spec=throughput
                            label=Signal::derive(move || ctx.t(Txt::LtThroughput).to_string())
                            empty=Signal::derive(move || ctx.t(Txt::LtEmptyPlot).to_string())
                            testid="lt-plot-throughput"
                        />
                    </div>
                    <div class="chart lt-chart">
                        <h3><Term label=Txt::LtP99 tip=Txt::LtP99Tip /></h3>
                        <SpecCanvas
                            spec=p99
                            label=Signal::derive(move || ctx.t(Txt::LtP99).to_string())
                            empty=Signal::derive(move || ctx.t(Txt::LtEmptyPlot).to_string())
                            testid="lt-plot-p99"
                        />
                    </div>
                    </div>
                    <div class="lt-table-wrap">
                        <table class="lt-table" data-testid="lt-table">
                            <thead>
                                <tr>
                                    <th>{ctx.tr(Txt::LtInstances)}</th>
                                    <th>{ctx.tr(Txt::LtUsers)}</th>
                                    <th>{ctx.tr(Txt::LtColRps)}</th>
                                    <th>{ctx.tr(Txt::LtColMean)}</th>
                                    <th>"p50"</th>
                                    <th>"p99"</th>
                                    <th><Term label=Txt::LtColErrors tip=Txt::LtColErrorsTip /></th>
                                    <th><Term label=Txt::LtColLittle tip=Txt::LtColLittleTip /></th>
                                    <th><Term label=Txt::LtColBusiest tip=Txt::LtColBusiestTip /></th>
                                </tr>
                            </thead>
                            <tbody>{move || table()}</tbody>
                        </table>
                    </div>
                    </div>
                    <p class="hint lt-lesson">{ctx.tr(Txt::LtLesson)}</p>
                </div>
            </div>
        </section>
    }
}
