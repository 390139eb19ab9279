//! The share button and its panel: the link to this run at this moment (copied, or
//! selected for a manual copy when the browser refuses the clipboard), the scenario as
//! a JSON file (export, import), the run's tables as CSV files, and its history as
//! JSON lines.

use crate::components::shown::Shown;
use crate::ctx::{use_ctx, Ctx};
use crate::download;
use crate::i18n::{Lang, Txt};
use crate::url;
use driftlab_sim::scenario::Scenario;
use driftlab_sim::{csv, explain};
use leptos::prelude::*;

/// The link to the run as it is now: its scenario, its live actions, the view, the
/// instant (none at the start), the side-by-side view's choices if the page has them,
/// and projector mode if it is on.
fn current_link(ctx: Ctx) -> String {
    let view = ctx.ui.view.get_untracked();
    let query = ctx
        .with_engine(|e| {
            let sim = e.sim();
            let at = (sim.events() > 0).then(|| sim.now());
            let mut extra: Vec<(String, String)> = url::query_pairs()
                .into_iter()
                .filter(|(k, _)| matches!(k.as_str(), "vs" | "eps" | "vs_ntp" | "vs_preset"))
                .collect();
            if ctx.ui.projector.get_untracked() {
                extra.push(("projector".into(), "on".into()));
            }
            url::share_query(e.config(), e.timeline().actions(), view, at, &extra)
        })
        .unwrap_or_default();
    let base = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default();
    format!("{base}?{query}")
}

/// A table of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    Log,
    Measures,
    Servers,
    History,
    Anomalies,
}

impl Table {
    const ALL: [Table; 5] = [
        Table::Log,
        Table::Measures,
        Table::Servers,
        Table::History,
        Table::Anomalies,
    ];

    fn label(self) -> Txt {
        match self {
            Table::Log => Txt::CsvLog,
            Table::Measures => Txt::CsvMeasures,
            Table::Servers => Txt::CsvServers,
            Table::History => Txt::CsvHistory,
            Table::Anomalies => Txt::CsvAnomalies,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Table::Log => "log",
            Table::Measures => "measures",
            Table::Servers => "servers",
            Table::History => "history",
            Table::Anomalies => "anomalies",
        }
    }

    /// The table as CSV, from the run where it is now.
    fn csv(self, ctx: Ctx, lang: Lang) -> Option<String> {
        ctx.with_engine(|e| {
            let sim = e.sim();
            match self {
                Table::Log => csv::log(sim.log(), sim.config().hall.cols),
                Table::Measures => csv::measures(&sim.report()),
                Table::Servers => csv::servers(&sim.report()),
                Table::History => csv::history(sim),
                Table::Anomalies => csv::anomalies(
                    sim,
                    match lang {
                        Lang::En => explain::Lang::En,
                        Lang::Fr => explain::Lang::Fr,
                    },
                ),
            }
        })
    }
}

/// The start of every file's name: `driftlab-<preset>-seed<seed>`.
fn file_stem(ctx: Ctx) -> String {
    ctx.ui
        .scenario
        .with_untracked(|c| format!("driftlab-{}-seed{}", c.preset, c.seed))
}

/// A refused file, in `lang`: the field's path and what it allows (its range if it is
/// a number).
fn refusal_text(e: &driftlab_sim::ConfigError, lang: Lang) -> String {
    if let Some(version) = e.newer_version() {
        return lang
            .t(Txt::ImportNewer)
            .replace("{version}", &version.to_string())
            .replace("{known}", &Scenario::VERSION.to_string());
    }
    let why = match e.range() {
        Some(r) => url::reason_text(&driftlab_sim::scenario::Reason::Range(r.clone()), lang),
        None => e.message().to_string(),
    };
    let field = match (e.field().is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::En) => format!("{}: ", e.field()),
        (false, Lang::Fr) => format!("{} : ", e.field()),
    };
    lang.t(Txt::ImportRefused)
        .replace("{field}", &field)
        .replace("{why}", &why)
}

/// The share button and its panel.
#[component]
pub fn ShareMenu() -> impl IntoView {
    let ctx = use_ctx();
    let open = RwSignal::new(false);
    let link = RwSignal::new(String::new());
    let copied = RwSignal::new(None::<bool>);
    let imported = RwSignal::new(None::<Result<(), String>>);
    let link_input = NodeRef::<leptos::html::Input>::new();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let toggle = move |_| {
        if !open.get_untracked() {
            link.set(current_link(ctx));
            copied.set(None);
            imported.set(None);
        }
        open.update(|o| *o = !*o);
    };
    let copy = move |_| {
        let text = link.get_untracked();
        leptos::task::spawn_local(async move {
            let ok = download::copy(&text).await;
            if !ok {
                if let Some(i) = link_input.get_untracked() {
                    i.select();
                }
            }
            copied.set(Some(ok));
        });
    };
    let export = move |_| {
        let Some(text) = ctx.with_engine(|e| {
            Scenario::new(e.config().clone(), e.timeline().actions().to_vec()).to_json()
        }) else {
            return;
        };
        let _ = download::save_text(
            &format!("{}.json", file_stem(ctx)),
            "application/json",
            &text,
        );
    };
    let import = move |_| {
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let Some(read) = download::read_chosen(&input).await else {
                return;
            };
            input.set_value("");
            let lang = ctx.ui.lang.get_untracked();
            let result = read.and_then(|text| match Scenario::from_json(&text) {
                Ok(s) => ctx.load_scenario(s.config, &s.actions).map_err(|e| {
                    lang.t(Txt::ImportRefused)
                        .replace("{field}", "")
                        .replace("{why}", &e)
                }),
                Err(e) => Err(refusal_text(&e, lang)),
            });
            if result.is_ok() {
                link.set(current_link(ctx));
            }
            imported.set(Some(result));
        });
    };
    // Built each time the panel opens: a view is not `Clone` once components are
    // type-erased (`--cfg erase_components`, the release build's setting).
    let tables = move || {
        Table::ALL
            .into_iter()
            .map(|t| {
                view! {
                    <button
                        data-testid=format!("csv-{}", t.slug())
                        title=ctx.tr(Txt::CsvTip)
                        on:click=move |_| {
                            let lang = ctx.ui.lang.get_untracked();
                            if let Some(text) = t.csv(ctx, lang) {
                                // A byte-order mark: spreadsheets then read the accents right.
                                let _ = download::save_text(
                                    &format!("{}-{}.csv", file_stem(ctx), t.slug()),
                                    "text/csv;charset=utf-8",
                                    &format!("\u{feff}{text}"),
                                );
                            }
                        }
                    >
                        {move || ctx.t(t.label())}
                    </button>
                }
            })
            .collect_view()
    };
    // The history as JSON lines (docs/HISTORY.md), beside the CSV tables.
    let history_json = move |_| {
        if let Some(text) = ctx.with_engine(|e| csv::history_json_lines(e.sim())) {
            let _ = download::save_text(
                &format!("{}-history.jsonl", file_stem(ctx)),
                "application/x-ndjson;charset=utf-8",
                &text,
            );
        }
    };
    view! {
        <span class="share">
            <button
                class="share-button"
                data-testid="share-button"
                aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string()
                title=ctx.tr(Txt::ShareTip)
                on:click=toggle
            >
                <span aria-hidden="true">"⤴ "</span>
                {ctx.tr(Txt::Share)}
            </button>
            <Shown when=move || open.get()>
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <div
                    class="share-panel"
                    role="dialog"
                    data-testid="share-panel"
                    on:keydown=move |e| {
                        if e.key() == "Escape" {
                            open.set(false);
                        }
                    }
                >
                    <h2>{ctx.tr(Txt::ShareLink)}</h2>
                    <div class="share-row">
                        <input
                            node_ref=link_input
                            class="share-link"
                            readonly
                            data-testid="share-link"
                            prop:value=move || link.get()
                            on:focus=move |_| {
                                if let Some(i) = link_input.get_untracked() {
                                    i.select();
                                }
                            }
                        />
                        <button data-testid="share-copy" on:click=copy>
                            {ctx.tr(Txt::CopyLink)}
                        </button>
                    </div>
                    <p class="share-status" data-testid="share-status" aria-live="polite">
                        {move || copied.get().map(|ok| ctx.t(if ok { Txt::LinkCopied } else { Txt::CopyRefused }))}
                    </p>
                    <h2>{ctx.tr(Txt::ScenarioFile)}</h2>
                    <div class="share-row">
                        <button data-testid="scenario-export" on:click=export>
                            {ctx.tr(Txt::ExportScenario)}
                        </button>
                        <label class="file-button">
                            <input
                                type="file"
                                accept=".json,application/json"
                                node_ref=file_input
                                data-testid="scenario-import"
                                on:change=import
                            />
                            <span>{ctx.tr(Txt::ImportScenario)}</span>
                        </label>
                    </div>
                    <p
                        class="share-status"
                        class:refused=move || imported.with(|r| matches!(r, Some(Err(_))))
                        data-testid="import-status"
                        aria-live="polite"
                    >
                        {move || imported.get().map(|r| match r {
                            Ok(()) => ctx.t(Txt::ImportDone).to_string(),
                            Err(e) => e,
                        })}
                    </p>
                    <h2>{ctx.tr(Txt::Tables)}</h2>
                    <div class="share-row tables">
                        {move || tables()}
                        <button
                            data-testid="jsonl-history"
                            title=ctx.tr(Txt::JsonlTip)
                            on:click=history_json
                        >
                            {ctx.tr(Txt::JsonlHistory)}
                        </button>
                    </div>
                </div>
            </Shown>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_from_a_newer_driftlab_is_refused_in_both_languages_with_what_to_do() {
        let saved = Scenario::new(driftlab_sim::Config::default(), Vec::new()).to_json();
        let newer = saved.replacen("driftlab-scenario-1", "driftlab-scenario-2", 1);
        let e = Scenario::from_json(&newer).unwrap_err();
        assert_eq!(
            refusal_text(&e, Lang::En),
            "This file was saved by a newer version of Driftlab (scenario format 2; this one reads up to 1): it was not opened, and the running scenario is unchanged. Open it with that newer Driftlab."
        );
        assert_eq!(
            refusal_text(&e, Lang::Fr),
            "Ce fichier a été enregistré par une version plus récente de Driftlab (format de scénario 2 ; celle-ci lit jusqu'au 1) : il n'a pas été ouvert, et le scénario en cours n'a pas changé. Ouvrez-le avec cette version plus récente."
        );
        // Without a version, the same file opens.
        let bare = saved.replacen("\"format\": \"driftlab-scenario-1\",", "", 1);
        assert!(Scenario::from_json(&bare).is_ok());
    }
}
