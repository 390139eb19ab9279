//! The help overlay: keyboard shortcuts and how to read the screen. `?` toggles it,
//! Escape or a click outside closes it.

use crate::components::shown::Shown;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use leptos::prelude::*;

/// The overlay, shown while `ui.help` is on.
#[component]
pub fn HelpOverlay() -> impl IntoView {
    let ctx = use_ctx();
    let help = ctx.ui.help;
    // Every key the app answers to: the window's (`keys.rs`), the timeline's, the preset
    // menus' (`scenario_bar.rs`), the fields' (`field.rs`) and the hall's (`grid_move`).
    let keys: [(&'static str, Option<Txt>, Txt); 13] = [
        ("", Some(Txt::KeySpaceName), Txt::KeySpace),
        ("→", None, Txt::KeyRight),
        ("←", None, Txt::KeyLeft),
        ("Shift + ← →", None, Txt::KeyShiftArrows),
        ("Home End", None, Txt::KeyHomeEnd),
        ("R", None, Txt::KeyR),
        ("P", None, Txt::KeyP),
        ("?", None, Txt::KeyHelp),
        ("Esc", None, Txt::KeyEsc),
        ("", Some(Txt::KeyEnterName), Txt::KeyEnter),
        ("↑ ↓ Home End", None, Txt::KeyMenu),
        ("← ↑ → ↓", None, Txt::KeyArrows),
        (
            "Home End · Ctrl+Home End · PgUp PgDn",
            None,
            Txt::KeyGridJump,
        ),
    ];
    // Built each time the dialog opens: a view is not `Clone` once components are type-erased
    // (`--cfg erase_components`, the release build's setting).
    let rows = move || {
        keys.into_iter()
            .map(|(key, name, what)| {
                view! {
                    <tr>
                        <th scope="row">
                            <kbd>{move || name.map_or(key, |n| ctx.t(n))}</kbd>
                        </th>
                        <td>{move || ctx.t(what)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <Shown when=move || help.get()>
            <div class="overlay" on:click=move |_| help.set(false)>
                <div
                    class="dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="help-title"
                    data-testid="help"
                    on:click=|ev| ev.stop_propagation()
                >
                    <h2 id="help-title">{ctx.tr(Txt::HelpTitle)}</h2>
                    <table class="keys">
                        <tbody>{move || rows()}</tbody>
                    </table>
                    <ul class="reading">
                        <li>{ctx.tr(Txt::HelpRead1)}</li>
                        <li>{ctx.tr(Txt::HelpRead2)}</li>
                        <li>{ctx.tr(Txt::HelpRead3)}</li>
                        <li>{ctx.tr(Txt::HelpRead4)}</li>
                    </ul>
                    <button class="close" data-testid="help-close" on:click=move |_| help.set(false)>
                        {ctx.tr(Txt::Close)}
                    </button>
                </div>
            </div>
        </Shown>
    }
}
