//! 更正 (correcting a mistake): the box an admin opens on an approved claim (or an award) to
//! reverse it. Three steps, each undoable until the last: the reason (the villager and the
//! village board read it), then a confirmation saying what will happen — asked of the server
//! (`POST /admin/corrections/preview`), so it names the points and any shortfall (the villager
//! holds fewer points than the take-back: only what there is is taken) — then the correction
//! itself (`POST /admin/corrections`, with an `Idempotency-Key` kept for the box: a retried tap
//! corrects once). Refusals are said plainly: not a superior of whoever acted, one's own act
//! or household (403), corrected already (409 `already_corrected`).

use jifen_shared::ErrorCode;
use jifen_shared::api::{Correct, PreviewCorrection};
use jifen_shared::points::{Correction, CorrectionKind, CorrectionRequest};
use leptos::prelude::*;

use super::explain;
use crate::api::ApiFailure;
use crate::components::{TextArea, mutate};
use crate::i18n::{Text, correction_effect, correction_reason, t, tr, use_locale};
use crate::session::use_session;

/// The longest reason, in characters (the server's limit).
const MAX_REASON_CHARS: usize = 100;

/// What a failed preview or correction means.
fn trouble_text(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::Forbidden) => Text::CannotCorrect,
        Some(ErrorCode::AlreadyCorrected) => Text::AlreadyCorrected,
        Some(ErrorCode::InvalidInput) => Text::CorrectionNoReason,
        _ => explain(failure),
    }
}

/// The 更正 box of claim or award `id` (for an award: villager `user_id`'s part). `cancel`
/// closes it; `done` gets the correction made.
#[component]
pub fn CorrectionBox(
    kind: CorrectionKind,
    id: i64,
    #[prop(optional)] user_id: Option<i64>,
    cancel: Callback<()>,
    done: Callback<Correction>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let typed = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<Correction>);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let key = StoredValue::new(crate::draft::new_key_for("correction"));
    let request = move || CorrectionRequest {
        kind,
        id,
        user_id,
        reason: typed
            .get_untracked()
            .trim()
            .chars()
            .take(MAX_REASON_CHARS)
            .collect(),
    };
    let next = move || {
        let body = request();
        if body.reason.is_empty() {
            trouble.set(Some(Text::CorrectionNoReason));
            return;
        }
        trouble.set(None);
        let call = async move { session.call(&PreviewCorrection, &body).await };
        mutate(busy, call, move |answer| match answer {
            Ok(p) => {
                preview.try_set(Some(p));
            }
            Err(failure) => {
                trouble.try_set(Some(trouble_text(&failure)));
            }
        });
    };
    let confirm = move || {
        let body = request();
        trouble.set(None);
        let key = key.get_value();
        let call = async move { session.call_once(&Correct, &body, &key).await };
        mutate(busy, call, move |answer| match answer {
            Ok(c) => done.run(c),
            Err(failure) => {
                trouble.try_set(Some(trouble_text(&failure)));
            }
        });
    };
    view! {
        <fieldset class="correction-box" data-testid="correction-box" disabled=move || busy.get()>
            <legend class="field-label">{tr(Text::CorrectionTitle)}</legend>
            {move || match preview.get() {
                None => view! {
                    <label class="field-label hint">{tr(Text::CorrectionWhy)}</label>
                    <TextArea
                        value=typed
                        placeholder=Text::CorrectionPlaceholder
                        max=MAX_REASON_CHARS
                        attr:rows="2"
                        attr:data-testid="correction-reason"
                        attr:aria-label=move || t(locale.get(), Text::CorrectionWhy)
                    />
                    <div class="review-actions">
                        <button class="primary" type="button" data-testid="correction-next" on:click=move |_| next()>
                            {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::CorrectionNext })}
                        </button>
                        <button class="secondary" type="button" on:click=move |_| cancel.run(())>
                            {tr(Text::Cancel)}
                        </button>
                    </div>
                }
                    .into_any(),
                Some(p) => {
                    let shortfall = p.shortfall.as_ref().map(|s| (s.wanted, s.deducted));
                    let class = if shortfall.is_some() { "correction-effect short" } else { "correction-effect" };
                    let reason = p.reason.clone();
                    view! {
                        <p class=class role="status" data-testid="correction-effect">
                            {move || correction_effect(locale.get(), false, &p.user_name, &p.label, p.points, shortfall)}
                        </p>
                        <p class="correction-note">{move || correction_reason(locale.get(), &reason, None)}</p>
                        <p class="hint">{tr(Text::CorrectionFinal)}</p>
                        <div class="review-actions">
                            <button class="primary" type="button" data-testid="correction-confirm" on:click=move |_| confirm()>
                                {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::CorrectionConfirm })}
                            </button>
                            <button class="secondary" type="button" on:click=move |_| {
                                preview.set(None);
                                trouble.set(None);
                            }>
                                {tr(Text::Cancel)}
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
            {move || trouble.get().map(|text| view! {
                <p class="form-notice error" role="alert" data-testid="correction-trouble">{tr(text)}</p>
            })}
        </fieldset>
    }
}
