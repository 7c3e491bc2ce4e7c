//! Pieces of every upload (a form's photos, a completion's photo, the villager register): the
//! files picked in a file input, and the progress bar.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The files picked in a file input, from its `change` event. The input is emptied: picking
/// the same file again (after editing it, or after taking it out) must fire `change` again.
pub fn picked_files(ev: &leptos::ev::Event) -> Vec<web_sys::File> {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
}

/// An upload's progress bar at `sent` (the fraction sent); `working`: the file is sent and
/// the server is still busy with it (the full bar shimmers).
#[component]
pub fn ProgressBar(sent: f64, #[prop(optional)] working: bool) -> impl IntoView {
    let percent = (sent * 100.0).round();
    view! {
        <div
            class="progress"
            class:working=working
            role="progressbar"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=percent.to_string()
        >
            // `style:` sets the property through the CSSOM: a `style` attribute would be refused by
            // the Content-Security-Policy (`style-src 'self'`, server/src/pwa.rs).
            <div class="progress-bar" style:width=format!("{percent}%")></div>
        </div>
    }
}
