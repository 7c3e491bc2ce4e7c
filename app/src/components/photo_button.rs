//! The big 拍照 / 从相册选 button of every photo picker (a claim's, an order's, a completion's).

use leptos::prelude::*;

use crate::i18n::{Text, tr};

/// A camera's outline.
const CAMERA: &str = "M4 8h3l2-3h6l2 3h3v11H4z M12 17a3.5 3.5 0 100-7 3.5 3.5 0 000 7z";
/// A picture's outline, for the album.
const ALBUM: &str = "M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4";

/// A file input dressed as a button: `camera` opens the back camera (拍照), otherwise the
/// album, several photos at once (从相册选). `on_pick` gets its `change` event.
pub fn photo_button(
    camera: bool,
    testid: &'static str,
    disabled: impl Fn() -> bool + Send + Sync + 'static,
    on_pick: impl FnMut(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let (icon, text) = if camera {
        (CAMERA, Text::TakePhoto)
    } else {
        (ALBUM, Text::ChoosePhoto)
    };
    view! {
        <label class="secondary photo-button">
            <input
                class="visually-hidden"
                type="file"
                accept="image/*"
                capture=camera.then_some("environment")
                multiple=!camera
                data-testid=testid
                disabled=disabled
                on:change=on_pick
            />
            <svg class="button-icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d=icon fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
            </svg>
            <span>{tr(text)}</span>
        </label>
    }
}
