//! 服务完成: the volunteer's note and photo.

use jifen_shared::api::{CompleteOrder, UploadMedia};
use jifen_shared::services::{Completion, Order};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{MAX_TEXT_CHARS, action_trouble};
use crate::api::{self, ApiFailure, Upload};
use crate::components::{mutate, photo_button};
use crate::i18n::{Text, char_count, t, tr, use_locale};
use crate::pages::worth_retrying;
use crate::photo;
use crate::session::use_session;

/// A photo being uploaded for a completion.
#[derive(Debug, Clone, PartialEq)]
enum Shot {
    None,
    Uploading,
    Done(i64, String),
    Failed(ApiFailure),
}

/// 服务完成: what was done, a photo, and the button (`POST …/complete`).
#[component]
pub(super) fn CompleteForm(
    id: i64,
    changed: Callback<Order>,
    reload: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let note = RwSignal::new(String::new());
    let shot = RwSignal::new(Shot::None);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let hint = RwSignal::new(None::<Text>);
    // Object URLs of previews, given back when the form goes.
    let previews = StoredValue::new(Vec::<photo::ObjectUrl>::new());
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            return;
        };
        input.set_value("");
        shot.set(Shot::Uploading);
        leptos::task::spawn_local(async move {
            let blob = match photo::shrink(&file).await {
                Ok(small) => small,
                Err(_) => web_sys::Blob::from(file),
            };
            let url = photo::ObjectUrl::new(&blob);
            let src = url.as_ref().map(|u| u.url().to_owned()).unwrap_or_default();
            if let Some(url) = url {
                previews.try_update_value(|p| p.push(url));
            }
            let Ok(form) = web_sys::FormData::new() else {
                shot.try_set(Shot::Failed(ApiFailure::Unexpected("FormData".into())));
                return;
            };
            if form
                .append_with_blob_and_filename("file", &blob, "photo.jpg")
                .is_err()
            {
                shot.try_set(Shot::Failed(ApiFailure::Unexpected("FormData".into())));
                return;
            }
            let result =
                session
                    .authed(|token| {
                        let form = form.clone();
                        async move {
                            api::upload(&UploadMedia, &token, Upload::Form(&form), |_| {}).await
                        }
                    })
                    .await;
            shot.try_set(match result {
                Ok(media) => Shot::Done(media.id, src),
                Err(failure) => Shot::Failed(failure),
            });
        });
    };
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        if shot.get_untracked() == Shot::Uploading {
            hint.set(Some(Text::WaitForUploads));
            return;
        }
        let text = note.get_untracked().trim().to_owned();
        if text.is_empty() {
            hint.set(Some(Text::NoteRequired));
            return;
        }
        hint.set(None);
        let photo_ids = match shot.get_untracked() {
            Shot::Done(media, _) => vec![media],
            _ => Vec::new(),
        };
        let body = Completion {
            note: text,
            photo_ids,
        };
        trouble.set(None);
        let complete = async move { session.call(&CompleteOrder { id }, &body).await };
        mutate(busy, complete, move |result| match result {
            Ok(order) => changed.run(order),
            Err(failure) => {
                let text = action_trouble(&failure);
                trouble.try_set(Some((failure, text)));
            }
        });
    };
    view! {
        <section class="card" data-testid="complete-form">
            <h2 class="section-title">{tr(Text::CompleteOrder)}</h2>
            <label class="field">
                <span class="field-label">{tr(Text::CompletionNote)}</span>
                <textarea
                    class="input textarea"
                    name="note"
                    rows="3"
                    maxlength=MAX_TEXT_CHARS.to_string()
                    data-testid="complete-note"
                    prop:placeholder=move || t(locale.get(), Text::CompletionPlaceholder)
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev).chars().take(MAX_TEXT_CHARS).collect())
                ></textarea>
                <span class="counter" aria-hidden="true">{move || char_count(note.with(|n| n.chars().count()), MAX_TEXT_CHARS)}</span>
            </label>
            <div class="field">
                <span class="field-label">{tr(Text::CompletionPhoto)}</span>
                {move || match shot.get() {
                    Shot::None => ().into_any(),
                    Shot::Uploading => view! {
                        <p class="hint" data-testid="complete-photo" data-state="uploading">{tr(Text::PhotoPreparing)}</p>
                    }
                        .into_any(),
                    Shot::Done(_, src) => view! {
                        <img class="photo-img complete-photo" data-testid="complete-photo" data-state="done" src=src alt=move || t(locale.get(), Text::CompletionPhoto) />
                    }
                        .into_any(),
                    Shot::Failed(_) => view! {
                        <p class="form-notice error" role="alert" data-testid="complete-photo" data-state="failed">{tr(Text::PhotoUploadFailed)}</p>
                    }
                        .into_any(),
                }}
                {photo_button(true, "complete-photo-input", move || busy.get(), on_pick)}
            </div>
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            {move || trouble.get().map(|(failure, text)| {
                let again = worth_retrying(&failure);
                view! {
                    <div class="form-notice error" role="alert" data-testid="order-action-error">
                        <p class="notice-line">{tr(text)}</p>
                        <button class="secondary" type="button" on:click=move |_| if again { submit() } else { reload.run(()) }>
                            {tr(Text::Retry)}
                        </button>
                    </div>
                }
            })}
            <button class="primary wide" type="button" data-testid="complete-submit" disabled=move || busy.get() on:click=move |_| submit()>
                {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::CompleteOrder })}
            </button>
        </section>
    }
}
