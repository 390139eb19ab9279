//! Keyboard shortcuts: Space plays or pauses, → and ← step one event forward and back,
//! Shift+→ and Shift+← jump to the timeline's next and previous mark, R restarts, P
//! turns projector mode on or off, ? shows the help, Escape closes it. Keys typed into
//! a field are left alone.

use crate::ctx::Ctx;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Play or pause.
    PlayPause,
    /// One event.
    Step,
    /// One event back.
    StepBack,
    /// To the timeline's next mark.
    NextMark,
    /// To the timeline's previous mark.
    PrevMark,
    /// Same seed, from the start.
    Restart,
    /// Projector mode on or off.
    Projector,
    /// Show or hide the help.
    ToggleHelp,
    /// Hide the help.
    CloseHelp,
}

/// The shortcut of `key` (with Shift held or not) pressed while an element `tag` (upper
/// case, e.g. `INPUT`) has the focus, if any. Fields keep their keys; buttons keep
/// Space.
pub fn shortcut(key: &str, tag: &str, shift: bool) -> Option<Shortcut> {
    let field = matches!(tag, "INPUT" | "SELECT" | "TEXTAREA");
    match key {
        "Escape" => Some(Shortcut::CloseHelp),
        _ if field => None,
        " " | "Spacebar" if tag != "BUTTON" => Some(Shortcut::PlayPause),
        "ArrowRight" if shift => Some(Shortcut::NextMark),
        "ArrowLeft" if shift => Some(Shortcut::PrevMark),
        "ArrowRight" => Some(Shortcut::Step),
        "ArrowLeft" => Some(Shortcut::StepBack),
        "r" | "R" => Some(Shortcut::Restart),
        "p" | "P" => Some(Shortcut::Projector),
        "?" => Some(Shortcut::ToggleHelp),
        _ => None,
    }
}

/// Listens to the window's keys until the app is unmounted.
pub fn listen(ctx: Ctx) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let tag = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name())
            .unwrap_or_default();
        let Some(s) = shortcut(&ev.key(), &tag, ev.shift_key()) else {
            return;
        };
        let help = ctx.ui.help;
        if help.get_untracked() && !matches!(s, Shortcut::ToggleHelp | Shortcut::CloseHelp) {
            return;
        }
        ev.prevent_default();
        match s {
            Shortcut::PlayPause => ctx.toggle_play(),
            Shortcut::Step => ctx.step(),
            Shortcut::StepBack => ctx.step_back(),
            Shortcut::NextMark => ctx.jump(true),
            Shortcut::PrevMark => ctx.jump(false),
            Shortcut::Restart => ctx.restart(),
            Shortcut::Projector => ctx.set_projector(!ctx.ui.projector.get_untracked()),
            Shortcut::ToggleHelp => help.update(|h| *h = !*h),
            Shortcut::CloseHelp => help.set(false),
        }
    });
    on_cleanup(move || handle.remove());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_focus() {
        let k = |key, tag| shortcut(key, tag, false);
        assert_eq!(k(" ", "BODY"), Some(Shortcut::PlayPause));
        assert_eq!(k(" ", "BUTTON"), None, "a focused button keeps Space");
        assert_eq!(k(" ", "INPUT"), None);
        assert_eq!(k("ArrowRight", "DIV"), Some(Shortcut::Step));
        assert_eq!(k("ArrowLeft", "DIV"), Some(Shortcut::StepBack));
        assert_eq!(
            shortcut("ArrowRight", "BODY", true),
            Some(Shortcut::NextMark)
        );
        assert_eq!(
            shortcut("ArrowLeft", "BODY", true),
            Some(Shortcut::PrevMark)
        );
        assert_eq!(k("ArrowRight", "INPUT"), None, "sliders keep their arrows");
        assert_eq!(shortcut("ArrowLeft", "INPUT", true), None);
        assert_eq!(k("R", "BODY"), Some(Shortcut::Restart));
        assert_eq!(k("r", "INPUT"), None);
        assert_eq!(k("p", "BODY"), Some(Shortcut::Projector));
        assert_eq!(k("P", "BUTTON"), Some(Shortcut::Projector));
        assert_eq!(k("p", "INPUT"), None, "a field keeps its letters");
        assert_eq!(k("p", "TEXTAREA"), None);
        assert_eq!(k("?", "BODY"), Some(Shortcut::ToggleHelp));
        assert_eq!(k("Escape", "INPUT"), Some(Shortcut::CloseHelp));
        assert_eq!(k("x", "BODY"), None);
    }
}
