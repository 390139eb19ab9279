//! The app's entry point: mounts [`driftlab_app::App`] on the page's body.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(driftlab_app::App);
}
