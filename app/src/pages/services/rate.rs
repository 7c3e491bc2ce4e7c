//! 评价这次服务: five big stars and a comment.

use jifen_shared::api::RateOrder;
use jifen_shared::services::{Grade, NewRating, Order};
use leptos::prelude::*;

use super::{MAX_COMMENT_CHARS, action_trouble, grade_text};
use crate::components::{TextArea, mutate};
use crate::i18n::{Text, stars_n, t, tr, use_locale};
use crate::session::use_session;

/// Five big stars (each a ≥ 48 px button) and 好评/中评/差评 under them.
#[component]
pub fn Stars(stars: RwSignal<i64>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="stars" role="radiogroup" aria-label=move || t(locale.get(), Text::RateService)>
            {(1..=5_i64)
                .map(|n| view! {
                    <button
                        class=move || { if stars.get() >= n { "star on" } else { "star" } }
                        type="button"
                        role="radio"
                        data-testid=format!("star-{n}")
                        aria-checked=move || if stars.get() == n { "true" } else { "false" }
                        aria-label=move || stars_n(locale.get(), n)
                        on:click=move |_| stars.set(n)
                    >
                        <svg viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z" />
                        </svg>
                    </button>
                })
                .collect_view()}
        </div>
        <p class="grade" data-testid="star-grade" aria-live="polite">
            {move || match stars.get() {
                0 => t(locale.get(), Text::RateHint),
                n => t(locale.get(), grade_text(Grade::of(n))),
            }}
        </p>
    }
}

/// 评价这次服务: the stars, a comment, 提交评价 (`POST …/rate`).
#[component]
pub(super) fn RateForm(id: i64, changed: Callback<Order>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let stars = RwSignal::new(0_i64);
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let n = stars.get_untracked();
        if n == 0 {
            trouble.set(Some(Text::ChooseStars));
            return;
        }
        let body = NewRating {
            stars: n,
            comment: comment.get_untracked().trim().to_owned(),
        };
        trouble.set(None);
        let rate = async move { session.call(&RateOrder { id }, &body).await };
        mutate(busy, rate, move |result| match result {
            Ok(order) => changed.run(order),
            Err(failure) => {
                trouble.try_set(Some(action_trouble(&failure)));
            }
        });
    };
    view! {
        <section class="card rate-card" data-testid="rate-form">
            <h2 class="section-title">{tr(Text::RateService)}</h2>
            <Stars stars />
            <TextArea value=comment placeholder=Text::RateCommentPlaceholder max=MAX_COMMENT_CHARS attr:name="comment" attr:rows="2" attr:data-testid="rate-comment" />
            {move || trouble.get().map(|text| view! {
                <p class="form-notice error" role="alert" data-testid="rate-error">{tr(text)}</p>
            })}
            <button class="primary wide" type="button" data-testid="rate-submit" disabled=move || busy.get() on:click=move |_| submit()>
                {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::SubmitRating })}
            </button>
        </section>
    }
}
