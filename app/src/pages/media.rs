//! Claim photos on screen. `GET /media/{id}` and `/thumb` answer only with the bearer token,
//! which an `<img src>` cannot send: the picture is fetched with the token into a `Blob` and
//! shown through an object URL, given back when the picture leaves the screen.

use std::rc::Rc;

use jifen_shared::api::{GetMedia, GetMediaThumb};
use leptos::prelude::*;

use crate::api;
use crate::i18n::{Text, t, tr, use_locale};
use crate::photo::ObjectUrl;
use crate::session::use_session;

/// A stored photo: its thumbnail, or with `full` the whole picture; a grey box while it
/// loads, a short sentence if it does not.
#[component]
pub fn MediaImage(
    media_id: i64,
    #[prop(optional)] full: bool,
    #[prop(into)] alt: Signal<String>,
) -> impl IntoView {
    let session = use_session();
    let picture = LocalResource::new(move || async move {
        session
            .authed(|token| async move {
                if full {
                    api::get_blob(&GetMedia { id: media_id }, &token).await
                } else {
                    api::get_blob(&GetMediaThumb { id: media_id }, &token).await
                }
            })
            .await
            .ok()
            .and_then(|blob| ObjectUrl::new(&blob))
            .map(Rc::new)
    });
    move || match picture.get() {
        None => view! { <span class="photo-loading sk" aria-busy="true"></span> }.into_any(),
        Some(Some(url)) => view! {
            <img class="photo-img" src=url.url().to_owned() alt=move || alt.get() />
        }
        .into_any(),
        Some(None) => view! {
            <span class="photo-missing">{tr(Text::PhotoNotLoaded)}</span>
        }
        .into_any(),
    }
}

/// A photo full-screen on black; a tap anywhere, 关闭 or Escape closes it.
#[component]
pub fn Zoom(media_id: i64, close: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let escape = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" {
            close.run(());
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <div
            class="zoom"
            role="dialog"
            aria-modal="true"
            aria-label=move || t(locale.get(), Text::ClaimPhoto)
            data-testid="photo-zoom"
            on:click=move |_| close.run(())
        >
            <MediaImage media_id full=true alt=Signal::derive(move || t(locale.get(), Text::ClaimPhoto).to_owned()) />
            <button class="zoom-close" type="button" on:click=move |_| close.run(())>
                {tr(Text::Close)}
            </button>
        </div>
    }
}
