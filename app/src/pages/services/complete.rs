//! 服务完成: the volunteer's note and photo.

use jifen_shared::api::CompleteOrder;
use jifen_shared::services::{Completion, Order};
use leptos::prelude::*;

use super::{MAX_TEXT_CHARS, action_trouble};
use crate::api::ApiFailure;
use crate::components::{NoteField, mutate, photo_button, picked_files};
use crate::i18n::{Text, t, tr, use_locale};
use crate::pages::photos::{shrunk, upload_photo};
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
        let Some(file) = picked_files(&ev).into_iter().next() else {
            return;
        };
        shot.set(Shot::Uploading);
        leptos::task::spawn_local(async move {
            let blob = shrunk(file).await;
            let url = photo::ObjectUrl::new(&blob);
            let src = url.as_ref().map(|u| u.url().to_owned()).unwrap_or_default();
            if let Some(url) = url {
                previews.try_update_value(|p| p.push(url));
            }
            let result = upload_photo(session, &blob, |_| {}).await;
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
            <NoteField label=Text::CompletionNote value=note placeholder=Text::CompletionPlaceholder max=MAX_TEXT_CHARS name="note" testid="complete-note" />
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
