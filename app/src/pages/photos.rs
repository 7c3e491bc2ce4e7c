//! Photos of a form (a claim's, a service order's): taken with the camera or chosen from the
//! album, shrunk in the browser ([`crate::photo::shrink`]) and uploaded at once (`POST /media`,
//! multipart field `file`) with a progress bar each and 重试 on failure, and taken out again.
//!
//! The form owns a [`Photos`] (told the uploaded media ids as they change, to keep them in its
//! draft) and shows it with [`PhotoPicker`]. A single photo elsewhere (a completion's) goes up
//! the same way: [`shrunk`], then [`upload_photo`].

use std::rc::Rc;

use jifen_shared::ErrorCode;
use jifen_shared::api::UploadMedia;
use jifen_shared::media::Media;
use leptos::prelude::*;

use super::media::MediaImage;
use super::{explain, worth_retrying};
use crate::api::{self, ApiFailure, Upload};
use crate::components::{ProgressBar, photo_button, picked_files};
use crate::i18n::{Text, photo_limits, photo_n, t, tr, uploading, use_locale};
use crate::photo::{self, ObjectUrl};
use crate::session::{Session, use_session};

/// The most photos one claim or order carries (the server's limit).
pub const MAX_PHOTOS: usize = 6;

/// Where a photo stands.
#[derive(Debug, Clone, PartialEq)]
enum SlotState {
    /// Being shrunk in the browser.
    Preparing,
    /// The fraction sent.
    Uploading(f64),
    /// Uploaded: its media id.
    Done(i64),
    Failed(ApiFailure),
}

/// A photo on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slot {
    key: u32,
    state: RwSignal<SlotState>,
    /// An object URL of the shrunk picture (none for photos uploaded before a reload: those
    /// show the server's thumbnail).
    preview: RwSignal<Option<String>>,
}

/// The photos of a form.
#[derive(Clone, Copy)]
pub struct Photos {
    session: Session,
    slots: RwSignal<Vec<Slot>>,
    next_key: StoredValue<u32>,
    /// The shrunk pictures (for 重试) and their object URLs, by slot key: browser objects,
    /// kept in this thread.
    files: StoredValue<Vec<(u32, web_sys::Blob, Option<ObjectUrl>)>, LocalStorage>,
    /// Told the uploaded ids, in the order taken, whenever they change.
    changed: Callback<Vec<i64>>,
    /// Told a photo uploaded after the form went (the person went back): to keep it in the
    /// stored draft all the same.
    kept: StoredValue<Rc<dyn Fn(i64)>, LocalStorage>,
}

impl Photos {
    /// The photos of a form, starting with those already `uploaded` (from its draft).
    pub fn new(
        uploaded: Vec<i64>,
        changed: impl Fn(Vec<i64>) + Send + Sync + 'static,
        kept: impl Fn(i64) + 'static,
    ) -> Photos {
        let photos = Photos {
            session: use_session(),
            slots: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            files: StoredValue::new_local(Vec::new()),
            changed: Callback::new(changed),
            kept: StoredValue::new_local(Rc::new(kept)),
        };
        let slots: Vec<Slot> = uploaded
            .into_iter()
            .map(|id| photos.new_slot(SlotState::Done(id)))
            .collect();
        photos.slots.set(slots);
        photos
    }

    fn new_slot(self, state: SlotState) -> Slot {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        Slot {
            key,
            state: RwSignal::new(state),
            preview: RwSignal::new(None),
        }
    }

    fn holds(self, key: u32) -> bool {
        self.slots
            .with_untracked(|v| v.iter().any(|s| s.key == key))
    }

    /// The uploaded photos' media ids, in the order taken.
    pub fn uploaded(self) -> Vec<i64> {
        self.slots.with_untracked(|v| {
            v.iter()
                .filter_map(|s| match s.state.get_untracked() {
                    SlotState::Done(id) => Some(id),
                    _ => None,
                })
                .collect()
        })
    }

    /// Whether a photo is still being shrunk or sent.
    pub fn busy(self) -> bool {
        self.slots.with_untracked(|v| {
            v.iter().any(|s| {
                matches!(
                    s.state.get_untracked(),
                    SlotState::Preparing | SlotState::Uploading(_)
                )
            })
        })
    }

    /// Takes every photo out (starting over).
    pub fn clear(self) {
        self.slots.set(Vec::new());
        self.files.update_value(Vec::clear);
    }

    /// Sends again the photos that failed for the network (the phone is back online).
    pub fn retry_offline(self) {
        for slot in self.slots.get_untracked() {
            if slot.state.get_untracked() == SlotState::Failed(ApiFailure::Network) {
                self.upload(slot);
            }
        }
    }

    fn sync(self) {
        self.changed.run(self.uploaded());
    }

    fn upload(self, slot: Slot) {
        let blob = self.files.with_value(|f| {
            f.iter()
                .find(|(k, ..)| *k == slot.key)
                .map(|(_, b, _)| b.clone())
        });
        let Some(blob) = blob else { return };
        let kept = self.kept.with_value(Rc::clone);
        slot.state.set(SlotState::Uploading(0.0));
        leptos::task::spawn_local(async move {
            let progress = move |sent| {
                slot.state.try_set(SlotState::Uploading(sent));
            };
            match upload_photo(self.session, &blob, progress).await {
                Ok(media) => {
                    if slot.state.try_set(SlotState::Done(media.id)).is_some() {
                        kept(media.id);
                    } else if self.holds(slot.key) {
                        self.sync();
                    }
                }
                Err(failure) => {
                    slot.state.try_set(SlotState::Failed(failure));
                }
            }
        });
    }

    fn add(self, file: web_sys::File) {
        let slot = self.new_slot(SlotState::Preparing);
        self.slots.update(|v| v.push(slot));
        leptos::task::spawn_local(async move {
            let blob = shrunk(file).await;
            let url = ObjectUrl::new(&blob);
            slot.preview
                .try_set(url.as_ref().map(|u| u.url().to_owned()));
            if self
                .files
                .try_update_value(|f| f.push((slot.key, blob, url)))
                .is_none()
            {
                return;
            }
            if self.holds(slot.key) {
                self.upload(slot);
            }
        });
    }

    fn remove(self, key: u32) {
        self.slots.update(|v| v.retain(|s| s.key != key));
        self.files.update_value(|f| f.retain(|(k, ..)| *k != key));
        self.sync();
    }
}

/// `file` as it goes up: shrunk in the browser ([`photo::shrink`]), or as it is where the
/// browser cannot decode it (HEIC…: the server says what it is).
pub async fn shrunk(file: web_sys::File) -> web_sys::Blob {
    match photo::shrink(&file).await {
        Ok(small) => small,
        Err(_) => web_sys::Blob::from(file),
    }
}

/// Uploads a photo (`POST /media`, multipart field `file`) as the person of `session`;
/// `progress` is told the fraction sent.
pub async fn upload_photo(
    session: Session,
    blob: &web_sys::Blob,
    progress: impl Fn(f64) + Copy + 'static,
) -> Result<Media, ApiFailure> {
    let form = web_sys::FormData::new()
        .ok()
        .filter(|form| {
            form.append_with_blob_and_filename("file", blob, "photo.jpg")
                .is_ok()
        })
        .ok_or_else(|| ApiFailure::Unexpected("FormData".into()))?;
    session
        .authed(|token| {
            let form = form.clone();
            async move { api::upload(&UploadMedia, &token, Upload::Form(&form), progress).await }
        })
        .await
}

/// What a failed photo upload means.
fn photo_trouble(failure: &ApiFailure) -> Text {
    match failure {
        ApiFailure::Network => Text::PhotoNetwork,
        f if f.code() == Some(ErrorCode::UploadTooSlow) => Text::PhotoNetwork,
        f if f.code() == Some(ErrorCode::TooLarge) => Text::PhotoTooLarge,
        f => explain(f),
    }
}

/// 照片: the photos taken so far, and 拍照 / 从相册选 until [`MAX_PHOTOS`]; `picked` is told
/// when a photo is taken or chosen.
#[component]
pub fn PhotoPicker(
    photos: Photos,
    /// At least one photo is needed.
    #[prop(optional)]
    required: bool,
    /// Nothing can be added (the form is being sent).
    #[prop(into)]
    disabled: Signal<bool>,
    #[prop(optional)] picked: Option<Callback<()>>,
) -> impl IntoView {
    let locale = use_locale();
    let slots = photos.slots;
    let on_pick = move |ev: leptos::ev::Event| {
        for file in picked_files(&ev) {
            if slots.with_untracked(Vec::len) >= MAX_PHOTOS {
                break;
            }
            photos.add(file);
            if let Some(picked) = picked {
                picked.run(());
            }
        }
    };
    let failure = Memo::new(move |_| {
        slots.with(|v| {
            v.iter().find_map(|s| match s.state.get() {
                SlotState::Failed(f) => Some(photo_trouble(&f)),
                _ => None,
            })
        })
    });
    let full = Memo::new(move |_| slots.with(Vec::len) >= MAX_PHOTOS);
    let remove = Callback::new(move |key| photos.remove(key));
    view! {
        <fieldset class="field photos">
            <legend class="field-label">
                {move || format!("{} · {}", t(locale.get(), Text::Photos), photo_limits(locale.get(), required, MAX_PHOTOS))}
            </legend>
            <ul class="photo-grid">
                <For
                    each=move || slots.get()
                    key=|slot| slot.key
                    children=move |slot| {
                        let n = slots.with_untracked(|v| v.iter().position(|s| s.key == slot.key).unwrap_or(0) + 1);
                        view! { <PhotoSlot photo=slot n remove retry=Callback::new(move |_| photos.upload(slot)) /> }
                    }
                />
            </ul>
            {move || failure.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            <div class="photo-add" class:hidden=move || full.get()>
                {photo_button(true, "photo-input", move || full.get() || disabled.get(), on_pick)}
                {photo_button(false, "photo-album", move || full.get() || disabled.get(), on_pick)}
            </div>
        </fieldset>
    }
}

/// A photo: the picture, how its upload goes (a bar, 上传失败 and 重试), and a way to take it
/// out.
#[component]
fn PhotoSlot(photo: Slot, n: usize, remove: Callback<u32>, retry: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let alt = Signal::derive(move || photo_n(locale.get(), n));
    let done = Memo::new(move |_| match photo.state.get() {
        SlotState::Done(id) => Some(id),
        _ => None,
    });
    let state_name = move || match photo.state.get() {
        SlotState::Preparing => "preparing",
        SlotState::Uploading(_) => "uploading",
        SlotState::Done(_) => "done",
        SlotState::Failed(_) => "failed",
    };
    view! {
        <li class="photo-slot" data-testid="photo-slot" data-state=state_name>
            {move || match (photo.preview.get(), done.get()) {
                (Some(url), _) => view! { <img class="photo-img" src=url alt=move || alt.get() /> }.into_any(),
                (None, Some(id)) => view! { <MediaImage media_id=id alt /> }.into_any(),
                (None, None) => view! { <span class="photo-loading sk"></span> }.into_any(),
            }}
            {move || match photo.state.get() {
                SlotState::Preparing => view! {
                    <span class="photo-status">{tr(Text::PhotoPreparing)}</span>
                }
                    .into_any(),
                SlotState::Uploading(sent) => view! {
                    <span class="photo-status">
                        <ProgressBar sent />
                        <span class="photo-percent">{move || uploading(locale.get(), sent)}</span>
                    </span>
                }
                    .into_any(),
                SlotState::Done(_) => view! {
                    <span class="photo-done" aria-hidden="true">
                        <svg viewBox="0 0 24 24"><path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" /></svg>
                    </span>
                }
                    .into_any(),
                SlotState::Failed(failure) => {
                    let again = worth_retrying(&failure);
                    view! {
                        <span class="photo-status failed">
                            <span>{tr(Text::PhotoUploadFailed)}</span>
                            {again.then(|| view! {
                                <button class="photo-retry" type="button" on:click=move |_| retry.run(())>
                                    {tr(Text::Retry)}
                                </button>
                            })}
                        </span>
                    }
                        .into_any()
                }
            }}
            <button
                class="photo-remove"
                type="button"
                aria-label=move || format!("{} {}", t(locale.get(), Text::RemovePhoto), alt.get())
                on:click=move |_| remove.run(photo.key)
            >
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12 M18 6L6 18" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" /></svg>
            </button>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_uploads_are_said_plainly() {
        let server = |code| {
            ApiFailure::Server(jifen_shared::ApiErrorBody {
                code,
                message: String::new(),
            })
        };
        assert_eq!(
            photo_trouble(&server(ErrorCode::TooLarge)),
            Text::PhotoTooLarge
        );
        assert_eq!(
            photo_trouble(&server(ErrorCode::UnsupportedMedia)),
            Text::UnsupportedMedia
        );
        assert_eq!(photo_trouble(&ApiFailure::Network), Text::PhotoNetwork);
    }
}
