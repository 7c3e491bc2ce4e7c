//! `/review` (审核): the claims waiting in the reviewer's grids and villages, oldest first
//! (`GET /review/claims?status=pending`, paged), for grid workers and admins — their first
//! tab. Each card shows the claimant, the rule and its points, the note and the photos (a tap
//! shows one full-screen), and warns plainly when a photo was already used for another claim
//! ("此照片已用于 王* 的「垃圾分类」申报（5月30日）").
//!
//! 通过 is one tap (`POST /review/claims/{id}/approve`); 不通过 asks for a reason the villager
//! will read (照片不清晰, 不符合积分事项, 重复申报, or 其他… in words) and sends it
//! (`…/reject`). A decided card leaves the list; one decided by someone else meanwhile
//! (409 `already_reviewed`) is said so and the list is read again.
//!
//! The preset reasons are sent in Chinese whatever the reviewer's language: the villager reads
//! them.
//!
//! A claim that waited longer than the county's review time (审核超时, sent up to the village
//! admins: `escalated_at`) is marked so; being the oldest, it comes first.
//!
//! Grid workers get a second tab, 待派单 with its count: the open orders of their grid that
//! nobody took within the SLA (`GET /admin/services/orders`, which gives a grid worker exactly
//! those), each dispatched to a volunteer in two taps
//! ([`super::admin::services::DispatchableOrder`]).
//!
//! Admins (village, township, county) get a second tab, 已通过: the approved claims of their
//! region, newest first (`GET /review/claims?status=approved`), each with who approved it and
//! a 更正 action ([`super::correction::CorrectionBox`]) — or, once corrected, the correction
//! and its reason. Grid workers correct nothing and see no such tab.

use jifen_shared::ErrorCode;
use jifen_shared::api::{ApproveClaim, RegionOrders, RejectClaimOf, ReviewQueue};
use jifen_shared::points::{
    Claim, ClaimPhoto, Correction, CorrectionKind, RejectClaim, ReviewQuery,
};
use jifen_shared::services::{Order, OrderStatus};
use leptos::prelude::*;

use super::admin::services::DispatchableOrder;
use super::correction::CorrectionBox;
use super::media::{MediaImage, Zoom};
use super::paged::{PAGE_SIZE, Paged, PagedList, page_query};
use super::{ListSkeleton, TabbedScreen, Trouble, explain, require_sign_in};
use crate::api::ApiFailure;
use crate::components::{Choice, TextArea, mutate, notice};
use crate::i18n::{
    Locale, Text, approved_by, correction_effect, correction_reason, items_listed, photo_n,
    reused_photo, review_done, rule_points, t, tr, use_locale,
};
use crate::session::{manages, reviews, use_session};
use crate::time;

/// The longest reason, in characters (the server's limit).
const MAX_REASON_CHARS: usize = 100;

/// Why a claim is not approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    Blurry,
    NotMatching,
    Duplicate,
    Other,
}

impl Why {
    const ALL: [Why; 4] = [Why::Blurry, Why::NotMatching, Why::Duplicate, Why::Other];

    fn text(self) -> Text {
        match self {
            Why::Blurry => Text::ReasonBlurry,
            Why::NotMatching => Text::ReasonNotMatching,
            Why::Duplicate => Text::ReasonDuplicate,
            Why::Other => Text::ReasonOther,
        }
    }
}

/// The reason sent for `why` (the typed words for 其他), or `None` when nothing usable is
/// given.
fn reason_for(why: Why, typed: &str) -> Option<String> {
    match why {
        Why::Other => {
            let typed: String = typed.trim().chars().take(MAX_REASON_CHARS).collect();
            (!typed.is_empty()).then_some(typed)
        }
        preset => Some(t(Locale::ZhCn, preset.text()).to_owned()),
    }
}

/// What a decision that failed means.
fn decision_trouble(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::CapReached) => Text::ReviewCapReached,
        Some(ErrorCode::Forbidden) => Text::CannotReview,
        Some(ErrorCode::InvalidInput) => Text::ReasonEmpty,
        _ => explain(failure),
    }
}

/// Whom the screen is for, right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    Waiting,
    /// A grid worker: the queue and the grid's orders to dispatch.
    Reviewer,
    /// An admin: the queue and the approved claims, to correct.
    Admin,
    NotReviewer,
}

/// `/review` (审核): the queue for a reviewing role, else a plain "无权限" with the way to
/// switch roles.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let session = use_session();
    require_sign_in();
    // A memo: a token refresh mid-decision does not rebuild the queue.
    let gate =
        Memo::new(
            move |_| match (session.me.with(Option::is_some), session.current.get()) {
                (false, _) => Gate::Waiting,
                (true, Some(grant)) if manages(grant.role) => Gate::Admin,
                (true, Some(grant)) if reviews(grant.role) => Gate::Reviewer,
                (true, _) => Gate::NotReviewer,
            },
        );
    view! {
        <TabbedScreen>
            {move || match gate.get() {
                Gate::Waiting => view! { <ListSkeleton /> }.into_any(),
                Gate::Reviewer => view! { <GridWorkerTabs /> }.into_any(),
                Gate::Admin => view! { <AdminTabs /> }.into_any(),
                Gate::NotReviewer => notice(Text::NotReviewer, "/me", Text::SwitchRole).into_any(),
            }}
        </TabbedScreen>
    }
}

/// An admin's two lists: to review, and approved (to correct).
#[component]
fn AdminTabs() -> impl IntoView {
    let approved = RwSignal::new(false);
    let tab_button = move |which: bool, text: Text, testid: &'static str| {
        let chosen = Signal::derive(move || approved.get() == which);
        view! {
            <Choice class="tab-button" tab=true testid chosen choose=move || approved.set(which)>
                {tr(text)}
            </Choice>
        }
    };
    view! {
        <div class="tabs" role="tablist">
            {tab_button(false, Text::ReviewTabPending, "review-tab-pending")}
            {tab_button(true, Text::ReviewTabApproved, "review-tab-approved")}
        </div>
        <div role="tabpanel">
            {move || if approved.get() {
                view! { <Approved /> }.into_any()
            } else {
                view! { <Queue /> }.into_any()
            }}
        </div>
    }
}

/// A grid worker's two lists: claims to review, and 待派单 — the grid's open orders that nobody
/// took within the SLA — with how many wait (counted from the first page: "20+" when there
/// are more). Choosing 待派单 reads the orders again.
#[component]
fn GridWorkerTabs() -> impl IntoView {
    let dispatching = RwSignal::new(false);
    let orders = Paged::<Order>::new(
        |cursor| RegionOrders {
            query: page_query(cursor),
        },
        |o| o.id,
    );
    let waiting = Memo::new(move |_| {
        let open = orders.items.with(|items| {
            items
                .iter()
                .filter(|o| o.status == OrderStatus::Open)
                .count()
        });
        let more = orders.next.with(Option::is_some);
        (open > 0).then(|| format!("{open}{}", if more { "+" } else { "" }))
    });
    // A dispatched order stays on the list, marked so, until the list is read again.
    let dispatched = Callback::new(move |order: Order| {
        orders.items.update(|items| {
            if let Some(listed) = items.iter_mut().find(|o| o.id == order.id) {
                *listed = order;
            }
        });
    });
    let review = Signal::derive(move || !dispatching.get());
    let dispatch = Signal::derive(move || dispatching.get());
    view! {
        <div class="tabs" role="tablist">
            <Choice class="tab-button" tab=true testid="review-tab-pending" chosen=review choose=move || dispatching.set(false)>
                {tr(Text::ReviewTabPending)}
            </Choice>
            <Choice class="tab-button" tab=true testid="review-tab-dispatch" chosen=dispatch choose=move || {
                if !dispatching.get_untracked() {
                    orders.reload();
                }
                dispatching.set(true);
            }>
                {tr(Text::ToDispatch)}
                {move || waiting.get().map(|n| view! { <span class="tab-count" data-testid="dispatch-count">{n}</span> })}
            </Choice>
        </div>
        <div role="tabpanel">
            {move || if dispatching.get() {
                view! {
                    <h1 class="region-name">{tr(Text::ToDispatch)}</h1>
                    <p class="hint">{tr(Text::ToDispatchHint)}</p>
                    <PagedList
                        paged=orders
                        empty=Text::NoOrdersToDispatch
                        class="list claims"
                        row=move |order| view! { <DispatchableOrder order dispatched /> }
                    />
                }
                    .into_any()
            } else {
                view! { <Queue /> }.into_any()
            }}
        </div>
    }
}

/// The approved claims of the admin's regions, newest first, to correct.
#[component]
fn Approved() -> impl IntoView {
    let paged = Paged::<Claim>::new(
        |cursor| ReviewQueue {
            query: ReviewQuery {
                status: Some("approved".into()),
                limit: Some(PAGE_SIZE),
                cursor,
            },
        },
        |c| c.id,
    );
    view! {
        <h1 class="region-name">{tr(Text::ApprovedClaims)}</h1>
        <PagedList
            paged
            empty=Text::NoApprovedClaims
            class="reviews"
            row=move |claim| view! { <ApprovedCard claim /> }
        />
    }
}

/// An approved claim: who approved it, and its correction or the 更正 action.
#[component]
fn ApprovedCard(claim: Claim) -> impl IntoView {
    let locale = use_locale();
    let id = claim.id;
    let open = RwSignal::new(false);
    let made = RwSignal::new(None::<Correction>);
    let Claim {
        claimant_name,
        rule_name,
        points,
        reviewer_name,
        reviewed_at,
        correction,
        proxy,
        ..
    } = claim;
    let reviewed_at = reviewed_at.unwrap_or_default();
    let corrected = correction.is_some();
    view! {
        <li class="card review-card" data-testid="approved-card" data-claim=id.to_string()>
            <div class="claim-head">
                <span class="row-name claimant" data-testid="approved-claimant">{claimant_name}</span>
                <span class="rule-points" class:struck=corrected>{move || rule_points(locale.get(), points)}</span>
            </div>
            <p class="review-rule">{rule_name}</p>
            {crate::proxy::proxy_line(proxy)}
            <p class="claim-sub">
                {move || reviewer_name.as_deref().map(|name| format!("{} · ", approved_by(locale.get(), name)))}
                {move || time::when(locale.get(), &reviewed_at)}
            </p>
            {correction.map(|note| view! {
                <p class="correction-note" data-testid="approved-corrected">
                    <span class="badge corrected">{tr(Text::CorrectedBadge)}</span>
                    " "
                    {move || correction_reason(locale.get(), &note.reason, note.actor_name.as_deref())}
                </p>
            })}
            {move || match (corrected, made.get(), open.get()) {
                (true, _, _) => ().into_any(),
                (false, Some(c), _) => {
                    let shortfall = c.shortfall.as_ref().map(|s| (s.wanted, s.deducted));
                    view! {
                        <p class="form-notice said" role="status" data-testid="correction-done">
                            {move || correction_effect(locale.get(), true, &c.user_name, &c.label, c.points, shortfall)}
                        </p>
                    }
                        .into_any()
                }
                (false, None, true) => view! {
                    <CorrectionBox
                        kind=CorrectionKind::Claim
                        id
                        cancel=Callback::new(move |_| open.set(false))
                        done=Callback::new(move |c| made.set(Some(c)))
                    />
                }
                    .into_any(),
                (false, None, false) => view! {
                    <div class="review-actions">
                        <button class="secondary" type="button" data-testid="correct-open" on:click=move |_| open.set(true)>
                            {tr(Text::CorrectAction)}
                        </button>
                    </div>
                }
                    .into_any(),
            }}
        </li>
    }
}

/// What happened to the last card decided here.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    Decided {
        approved: bool,
        name: String,
        rule: String,
        points: i64,
    },
    Refreshed,
}

/// A decision made on a card.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Decided(Box<Claim>, bool),
    /// Someone else decided first.
    Gone,
}

/// The queue.
#[component]
fn Queue() -> impl IntoView {
    let locale = use_locale();
    let paged = Paged::<Claim>::new(
        |cursor| ReviewQueue {
            query: ReviewQuery {
                status: Some("pending".into()),
                limit: Some(PAGE_SIZE),
                cursor,
            },
        },
        |c| c.id,
    );
    let said = RwSignal::new(None::<Said>);
    let zoomed = RwSignal::new(None::<i64>);
    let decided = Callback::new(move |(id, outcome): (i64, Outcome)| match outcome {
        Outcome::Decided(claim, approved) => {
            paged.remove(id);
            said.set(Some(Said::Decided {
                approved,
                name: claim.claimant_name,
                rule: claim.rule_name,
                points: claim.points,
            }));
        }
        Outcome::Gone => {
            paged.remove(id);
            said.set(Some(Said::Refreshed));
            paged.reload();
        }
    });
    let zoom = Callback::new(move |media_id: i64| zoomed.set(Some(media_id)));
    // Grid workers also award their grid's villagers (评分, within the county's limits).
    let session = use_session();
    let grid_worker =
        move || session.current.get().map(|g| g.role) == Some(jifen_shared::auth::Role::GridWorker);
    let count = move || {
        let n = paged.items.with(Vec::len);
        (n > 0).then(|| items_listed(locale.get(), n, paged.next.with(Option::is_none)))
    };
    view! {
        <h1 class="region-name">{tr(Text::ReviewQueue)}</h1>
        {move || grid_worker().then(|| view! {
            <p class="review-links"><a href=super::admin::awards::PATH data-testid="to-awards">{tr(Text::AwardGrid)}" ›"</a></p>
        })}
        <p class="hint count">{count}</p>
        {move || said.get().map(|s| {
            let (class, testid) = match &s {
                Said::Decided { .. } => ("form-notice said", "review-said"),
                Said::Refreshed => ("form-notice error said", "review-refreshed"),
            };
            view! {
                <p class=class role="status" data-testid=testid>
                    {move || match &s {
                        Said::Decided { approved, name, rule, points } => {
                            review_done(locale.get(), *approved, name, rule, *points)
                        }
                        Said::Refreshed => t(locale.get(), Text::ReviewRefreshed).to_owned(),
                    }}
                </p>
            }
        })}
        <PagedList
            paged
            empty=Text::NoPendingClaims
            class="reviews"
            row=move |claim| view! { <ReviewCard claim decided zoom /> }
        />
        {move || zoomed.get().map(|media_id| view! {
            <Zoom media_id close=Callback::new(move |_| zoomed.set(None)) />
        })}
    }
}

/// One claim to decide.
#[component]
fn ReviewCard(
    claim: Claim,
    decided: Callback<(i64, Outcome)>,
    zoom: Callback<i64>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let id = claim.id;
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let rejecting = RwSignal::new(false);
    let why = RwSignal::new(None::<Why>);
    let typed = RwSignal::new(String::new());
    let hint = RwSignal::new(None::<Text>);
    // The last decision tried (`None`: approve), for 重试.
    let last = StoredValue::new(None::<Option<String>>);

    let decide = move |reason: Option<String>| {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        hint.set(None);
        last.set_value(Some(reason.clone()));
        let approving = reason.is_none();
        let call = async move {
            match reason {
                None => session.call(&ApproveClaim { id }, &()).await,
                Some(reason) => {
                    let body = RejectClaim { reason };
                    session.call(&RejectClaimOf { id }, &body).await
                }
            }
        };
        mutate(busy, call, move |result| match result {
            Ok(claim) => decided.run((id, Outcome::Decided(Box::new(claim), approving))),
            Err(failure) if failure.code() == Some(ErrorCode::AlreadyReviewed) => {
                decided.run((id, Outcome::Gone))
            }
            Err(failure) => {
                let text = decision_trouble(&failure);
                trouble.try_set(Some((failure, text)));
            }
        });
    };
    let reject = move || match why
        .get_untracked()
        .and_then(|w| reason_for(w, &typed.get_untracked()))
    {
        Some(reason) => decide(Some(reason)),
        None => hint.set(Some(Text::ReasonEmpty)),
    };

    let Claim {
        claimant_name,
        rule_name,
        points,
        note,
        photos,
        created_at,
        escalated_at,
        proxy,
        ..
    } = claim;
    let reuses: Vec<(String, String, String)> = photos
        .iter()
        .flat_map(|p| p.reused_in.iter())
        .map(|r| {
            (
                r.claimant_name.clone(),
                r.rule_name.clone(),
                r.created_at.clone(),
            )
        })
        .collect();
    view! {
        <li class="card review-card" data-testid="review-card" data-claim=id.to_string()>
            <div class="claim-head">
                <span class="row-name claimant" data-testid="review-claimant">{claimant_name}</span>
                <span class="rule-points">{move || rule_points(locale.get(), points)}</span>
            </div>
            <p class="review-rule" data-testid="review-rule">{rule_name}</p>
            {crate::proxy::proxy_line(proxy)}
            <p class="claim-sub">
                {move || time::when(locale.get(), &created_at)}
                {escalated_at.is_some().then(|| view! {
                    <span class="badge overdue" data-testid="review-overdue">{tr(Text::OverdueBadge)}</span>
                })}
            </p>
            {(!note.is_empty()).then(|| view! { <p class="claim-note">{note}</p> })}
            {(!photos.is_empty()).then(|| view! { <Thumbs photos zoom /> })}
            {reuses
                .into_iter()
                .map(|(name, rule, at)| view! {
                    <p class="reuse-warning" role="note" data-testid="photo-reused">
                        <svg class="warn-icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M12 3l10 18H2z M12 10v5 M12 18v.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" />
                        </svg>
                        <span>{move || reused_photo(locale.get(), &name, &rule, &time::day(locale.get(), &at))}</span>
                    </p>
                })
                .collect_view()}
            {move || trouble.get().map(|(failure, text)| {
                let retry = Callback::new(move |_| {
                    if let Some(reason) = last.get_value() {
                        decide(reason);
                    }
                });
                view! { <Trouble failure text retry /> }
            })}
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            {move || if rejecting.get() {
                view! {
                    <fieldset class="reject-box" disabled=move || busy.get()>
                        <legend class="field-label">{tr(Text::RejectWhy)}</legend>
                        <div class="reasons" role="radiogroup">
                            {Why::ALL
                                .into_iter()
                                .map(|w| {
                                    let chosen = Signal::derive(move || why.get() == Some(w));
                                    let choose = move || {
                                        why.set(Some(w));
                                        hint.set(None);
                                    };
                                    view! {
                                        <Choice class="reason-chip" testid="reject-reason" chosen choose>
                                            {tr(w.text())}
                                        </Choice>
                                    }
                                })
                                .collect_view()}
                        </div>
                        {move || (why.get() == Some(Why::Other)).then(|| view! {
                            <TextArea
                                value=typed
                                placeholder=Text::ReasonPlaceholder
                                max=MAX_REASON_CHARS
                                attr:rows="2"
                                attr:data-testid="reject-other"
                                attr:aria-label=move || t(locale.get(), Text::ReasonPlaceholder)
                            />
                        })}
                        <div class="review-actions">
                            <button class="primary reject-confirm" type="button" data-testid="review-reject-confirm" on:click=move |_| reject()>
                                {tr(Text::RejectConfirm)}
                            </button>
                            <button class="secondary" type="button" on:click=move |_| {
                                rejecting.set(false);
                                trouble.set(None);
                                hint.set(None);
                            }>
                                {tr(Text::Cancel)}
                            </button>
                        </div>
                    </fieldset>
                }
                    .into_any()
            } else {
                view! {
                    <div class="review-actions">
                        <button
                            class="primary approve"
                            type="button"
                            data-testid="review-approve"
                            disabled=move || busy.get()
                            on:click=move |_| decide(None)
                        >
                            {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::Approve })}
                        </button>
                        <button
                            class="secondary reject"
                            type="button"
                            data-testid="review-reject"
                            disabled=move || busy.get()
                            on:click=move |_| {
                                rejecting.set(true);
                                trouble.set(None);
                            }
                        >
                            {tr(Text::Reject)}
                        </button>
                    </div>
                }
                    .into_any()
            }}
        </li>
    }
}

/// A claim's photos as thumbnails; a tap shows one full-screen.
#[component]
fn Thumbs(photos: Vec<ClaimPhoto>, zoom: Callback<i64>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="thumbs">
            {photos
                .into_iter()
                .enumerate()
                .map(|(i, photo)| {
                    let media_id = photo.media_id;
                    let reused = !photo.reused_in.is_empty();
                    let alt = Signal::derive(move || photo_n(locale.get(), i + 1));
                    view! {
                        <button
                            class="thumb"
                            class:reused=reused
                            type="button"
                            data-testid="review-photo"
                            aria-label=move || format!("{} · {}", alt.get(), t(locale.get(), Text::TapToZoom))
                            on:click=move |_| zoom.run(media_id)
                        >
                            <MediaImage media_id alt />
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_sent_in_the_villagers_words() {
        assert_eq!(
            reason_for(Why::Blurry, "ignored").as_deref(),
            Some("照片不清晰")
        );
        assert_eq!(reason_for(Why::Duplicate, "").as_deref(), Some("重复申报"));
        assert_eq!(reason_for(Why::Other, "  "), None);
        assert_eq!(
            reason_for(Why::Other, " 照片是别人家的 ").as_deref(),
            Some("照片是别人家的")
        );
        assert_eq!(
            reason_for(Why::Other, &"字".repeat(150)).map(|r| r.chars().count()),
            Some(100)
        );
        // 其他… is a prompt, never a reason.
        assert!(
            Why::ALL
                .iter()
                .all(|w| *w == Why::Other || reason_for(*w, "").is_some())
        );
    }
}
