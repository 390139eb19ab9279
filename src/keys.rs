//! Keyboard shortcuts: Space plays or pauses, → steps one event, R restarts, ? shows
//! the help, Escape closes it. Keys typed into a field are left alone.

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
    /// Same seed, from the start.
    Restart,
    /// Show or hide the help.
    ToggleHelp,
    /// Hide the help.
    CloseHelp,
}

/// The shortcut of `key` pressed while an element `tag` (upper case, e.g. `INPUT`)
/// has the focus, if any. Fields keep their keys; buttons keep Space.
pub fn shortcut(key: &str, tag: &str) -> Option<Shortcut> {
    let field = matches!(tag, "INPUT" | "SELECT" | "TEXTAREA");
    match key {
        "Escape" => Some(Shortcut::CloseHelp),
        _ if field => None,
        " " | "Spacebar" if tag != "BUTTON" => Some(Shortcut::PlayPause),
        "ArrowRight" => Some(Shortcut::Step),
        "r" | "R" => Some(Shortcut::Restart),
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
        let Some(s) = shortcut(&ev.key(), &tag) else {
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
            Shortcut::Restart => ctx.restart(),
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
        assert_eq!(shortcut(" ", "BODY"), Some(Shortcut::PlayPause));
        assert_eq!(
            shortcut(" ", "BUTTON"),
            None,
            "a focused button keeps Space"
        );
        assert_eq!(shortcut(" ", "INPUT"), None);
        assert_eq!(shortcut("ArrowRight", "DIV"), Some(Shortcut::Step));
        assert_eq!(
            shortcut("ArrowRight", "INPUT"),
            None,
            "sliders keep their arrows"
        );
        assert_eq!(shortcut("R", "BODY"), Some(Shortcut::Restart));
        assert_eq!(shortcut("r", "INPUT"), None);
        assert_eq!(shortcut("?", "BODY"), Some(Shortcut::ToggleHelp));
        assert_eq!(shortcut("Escape", "INPUT"), Some(Shortcut::CloseHelp));
        assert_eq!(shortcut("x", "BODY"), None);
    }
}
