//! A form kept on the phone while it is filled in, then sent once (a claim, a service order):
//! the draft ([`crate::draft`]) is saved with every keystroke and photo, its photos are
//! uploaded as they are taken ([`Photos`]), and it goes with the draft's `Idempotency-Key`,
//! by itself again when the phone is back online after a network failure.
//!
//! [`DraftForm`] holds how the form stands and sends it; [`DraftFormView`] draws the `<form>`
//! around the page's own fields (the photos, what stopped or failed the send, 草稿已保存, the
//! submit button); [`DraftForm::until_sent`] hides it under what came back once sent;
//! [`DoneCard`] is what came back.

use jifen_shared::ErrorCode;
use jifen_shared::api::Endpoint;
use leptos::prelude::*;

use super::done_icon;
use super::field::Typed;
use crate::api::ApiFailure;
use crate::draft::{Draft, FormDraft};
use crate::i18n::{Text, t, tr, use_locale};
use crate::pages::photos::{MAX_PHOTOS, PhotoPicker, Photos};
use crate::pages::worth_retrying;
use crate::session::{Session, use_session};

/// Where the form stands; `A` is the answer to its request.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase<A> {
    Editing,
    Sending,
    Sent(Box<A>),
    Failed(ApiFailure),
}

/// A form of a `T` (kept in its [`Draft`]) whose request is answered with an `A`.
pub struct DraftForm<T: Send + Sync + 'static, A: Send + Sync + 'static> {
    stored: Draft<T>,
    session: Session,
    /// Whether the draft may have been sent already (it was found on the phone, its answer
    /// maybe lost, or it was sent from here): its key is kept whatever happens to its contents.
    sent_once: StoredValue<bool>,
    /// What is filled in.
    pub draft: RwSignal<T>,
    pub phase: RwSignal<Phase<A>>,
    /// Why 提交 did not send (a photo still uploading, something missing).
    pub hint: RwSignal<Option<Text>>,
    pub photos: Photos,
}

impl<T: Send + Sync + 'static, A: Send + Sync + 'static> Clone for DraftForm<T, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static, A: Send + Sync + 'static> Copy for DraftForm<T, A> {}

/// Keeps `current` at `stored`, or forgets it when blank — unless it may have been sent.
fn keep<T: FormDraft>(stored: Draft<T>, sent_once: StoredValue<bool>, current: &T) {
    if current.is_blank() && !sent_once.get_value() {
        stored.clear();
    } else {
        stored.save(current);
    }
}

impl<T, A> DraftForm<T, A>
where
    T: FormDraft + Send + Sync + 'static,
    A: Clone + PartialEq + Send + Sync + 'static,
{
    /// The form kept at `stored`, filled in with what was saved there.
    pub fn new(stored: Draft<T>) -> Self {
        let saved = stored.load();
        let sent_once = StoredValue::new(saved.is_some());
        let draft = RwSignal::new(saved.unwrap_or_else(T::fresh));
        // The draft's photos are the uploaded ones, in the order taken; one uploaded after the
        // person went back is kept in the stored draft all the same.
        let photos = Photos::new(
            draft.with_untracked(|d| d.photo_ids().to_vec()),
            move |ids| {
                draft.update(|d| *d.photo_ids_mut() = ids);
                draft.with_untracked(|d| keep(stored, sent_once, d));
            },
            move |id| {
                let mut kept = stored.load().unwrap_or_else(T::fresh);
                if !kept.photo_ids().contains(&id) && kept.photo_ids().len() < MAX_PHOTOS {
                    kept.photo_ids_mut().push(id);
                    stored.save(&kept);
                }
            },
        );
        DraftForm {
            stored,
            session: use_session(),
            sent_once,
            draft,
            phase: RwSignal::new(Phase::Editing),
            hint: RwSignal::new(None),
            photos,
        }
    }

    /// Changes what is filled in, and keeps it on the phone.
    pub fn edit(self, change: impl FnOnce(&mut T)) {
        self.draft.update(change);
        self.draft
            .with_untracked(|d| keep(self.stored, self.sent_once, d));
    }

    /// A text of the draft for a text box: `get` reads it, `set` writes what is typed.
    pub fn text(self, get: fn(&T) -> &String, set: fn(&mut T, String)) -> Typed {
        let draft = self.draft;
        Typed::new(
            move || draft.with(|d| get(d).clone()),
            move |typed| self.edit(|d| set(d, typed)),
        )
    }

    /// Sends `body_of` the draft to `endpoint` with the draft's key — unless it is being sent,
    /// a photo is still uploading, or `missing` names what must be filled in first (said under
    /// the form).
    pub fn submit<E>(
        self,
        endpoint: E,
        missing: impl FnOnce(&T) -> Option<Text>,
        body_of: impl FnOnce(&T) -> E::Body,
    ) where
        E: Endpoint<Response = A> + 'static,
    {
        if self.phase.get_untracked() == Phase::Sending {
            return;
        }
        if self.photos.busy() {
            self.hint.set(Some(Text::WaitForUploads));
            return;
        }
        let photo_ids = self.photos.uploaded();
        self.draft.update(|d| *d.photo_ids_mut() = photo_ids);
        let current = self.draft.get_untracked();
        if let Some(text) = missing(&current) {
            self.hint.set(Some(text));
            return;
        }
        self.hint.set(None);
        // The key goes to storage before the request does: a reload after a lost answer sends
        // the same key again.
        self.sent_once.set_value(true);
        keep(self.stored, self.sent_once, &current);
        let body = body_of(&current);
        self.phase.set(Phase::Sending);
        let DraftForm {
            stored,
            session,
            phase,
            ..
        } = self;
        leptos::task::spawn_local(async move {
            match session.call_once(&endpoint, &body, current.key()).await {
                Ok(answer) => {
                    stored.clear();
                    phase.try_set(Phase::Sent(Box::new(answer)));
                    // The answer replaces the form: show it from its top.
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                }
                Err(failure) => {
                    if failure.code() == Some(ErrorCode::IdempotencyConflict) {
                        stored.clear();
                    }
                    phase.try_set(Phase::Failed(failure));
                }
            }
        });
    }

    /// Starts over: an empty draft with a new key, no photos.
    pub fn start_over(self) {
        self.stored.clear();
        self.sent_once.set_value(false);
        self.draft.set(T::fresh());
        self.photos.clear();
        self.hint.set(None);
        self.phase.set(Phase::Editing);
    }

    /// Sends again what failed for the network (the photos, then the form with `submit`)
    /// when the phone is back online, while the form is on screen.
    pub fn resend_when_online(self, submit: Callback<()>) {
        let online = window_event_listener(leptos::ev::online, move |_| {
            self.photos.retry_offline();
            if self.phase.get_untracked() == Phase::Failed(ApiFailure::Network) {
                submit.run(());
            }
        });
        on_cleanup(move || online.remove());
    }

    /// `editor` (the heading and the form), under `done` of the answer once sent. The editor is
    /// built once and only hidden then: what is typed and uploaded stays on screen through
    /// every failure and retry.
    pub fn until_sent<V: IntoView + 'static>(
        self,
        editor: impl IntoView + 'static,
        done: impl Fn(A) -> V + Send + Sync + 'static,
    ) -> impl IntoView {
        let phase = self.phase;
        let sent = Memo::new(move |_| match phase.get() {
            Phase::Sent(answer) => Some(*answer),
            _ => None,
        });
        view! {
            {move || sent.get().map(&done)}
            <div class="claim-editor" class:hidden=move || sent.with(Option::is_some)>{editor}</div>
        }
    }
}

/// The `<form>` of a [`DraftForm`]: the page's fields (`children`), the photos, why 提交 did
/// not send, what a failed send means (`trouble`) with 重试 when that may help — and, when it
/// had been sent already, the way to it (`sent_already`: a link and its words) — 草稿已保存,
/// the submit button (`submit_text`), and 重新填写 where `start_over`.
#[component]
pub fn DraftFormView<T, A>(
    form: DraftForm<T, A>,
    submit: Callback<()>,
    /// At least one photo is needed.
    #[prop(optional)]
    photos_required: bool,
    trouble: fn(&ApiFailure) -> Text,
    error_testid: &'static str,
    #[prop(optional)] sent_already: Option<(&'static str, Text)>,
    submit_text: Text,
    submit_testid: &'static str,
    #[prop(optional)] start_over: bool,
    children: Children,
) -> impl IntoView
where
    T: FormDraft + Send + Sync + 'static,
    A: Clone + PartialEq + Send + Sync + 'static,
{
    let locale = use_locale();
    let DraftForm {
        draft,
        phase,
        hint,
        photos,
        ..
    } = form;
    let sending = Memo::new(move |_| phase.get() == Phase::Sending);
    let kept = Memo::new(move |_| draft.with(|d| !d.is_blank()));
    view! {
        <form class="form claim-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit.run(()); }>
            {children()}
            <PhotoPicker photos required=photos_required disabled=sending picked=Callback::new(move |_| hint.set(None)) />
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            {move || match phase.get() {
                Phase::Failed(failure) => {
                    let text = trouble(&failure);
                    let again = worth_retrying(&failure);
                    let already = sent_already
                        .filter(|_| failure.code() == Some(ErrorCode::IdempotencyConflict));
                    view! {
                        <div class="form-notice error" role="alert" data-testid=error_testid>
                            <p class="notice-line">{tr(text)}</p>
                            {again.then(|| view! {
                                <button class="secondary" type="button" on:click=move |_| submit.run(())>
                                    {tr(Text::Retry)}
                                </button>
                            })}
                            {already.map(|(href, words)| view! {
                                <a class="secondary link-button" href=href>{tr(words)}</a>
                            })}
                        </div>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            {move || kept.get().then(|| view! {
                <p class="hint saved">{tr(Text::DraftSaved)}</p>
            })}
            <button class="primary wide" type="submit" data-testid=submit_testid disabled=move || sending.get()>
                {move || t(locale.get(), if sending.get() { Text::Submitting } else { submit_text })}
            </button>
            {move || (start_over && kept.get()).then(|| view! {
                <button class="text-button" type="button" on:click=move |_| form.start_over()>
                    {tr(Text::StartOver)}
                </button>
            })}
        </form>
    }
}

/// A request done (申报已提交, 已下单): a tick, `title`, what was sent (`children`), `hint`,
/// the way to follow it (`follow`: a link, its test id and its words), and the way to another
/// one (`again`: a link and its words).
#[component]
pub fn DoneCard(
    testid: &'static str,
    title: Text,
    hint: Text,
    follow: (&'static str, &'static str, Text),
    again: (&'static str, Text),
    children: Children,
) -> impl IntoView {
    let (follow_href, follow_testid, follow_text) = follow;
    let (again_href, again_text) = again;
    view! {
        <section class="card done" data-testid=testid role="status">
            {done_icon()}
            <h1 class="done-title">{tr(title)}</h1>
            {children()}
            <p class="hint">{tr(hint)}</p>
            <a class="primary wide" href=follow_href data-testid=follow_testid>{tr(follow_text)}</a>
            <a class="secondary wide link-button" href=again_href>{tr(again_text)}</a>
        </section>
    }
}
