//! `/claims` (我的申报): the villager's claims, newest first (`GET /claims/mine`, paged), each
//! with its status — 待审核, 已通过 +N, 未通过 with the reviewer's reason — who reviewed it and
//! when, and an approval corrected since (更正) marked 已更正 with the correction's reason.

use jifen_shared::api::MyClaims;
use jifen_shared::points::{Claim, ClaimStatus};
use leptos::prelude::*;

use super::paged::{Paged, PagedList, page_query};
use super::{TabbedScreen, require_sign_in};
use crate::i18n::{
    Text, approved_points, correction_reason, photo_count, reason_line, reviewed_by, t, tr,
    use_locale,
};
use crate::time;

/// A claim's status as a coloured chip: 待审核, 已通过 +5, 未通过.
#[component]
pub fn StatusChip(status: ClaimStatus, points: i64) -> impl IntoView {
    let locale = use_locale();
    let class = match status {
        ClaimStatus::Pending => "chip pending",
        ClaimStatus::Approved => "chip approved",
        ClaimStatus::Rejected => "chip rejected",
    };
    view! {
        <span class=class data-testid="claim-status" data-status=status.as_str()>
            {move || match status {
                ClaimStatus::Pending => t(locale.get(), Text::StatusPending).to_owned(),
                ClaimStatus::Approved => approved_points(locale.get(), points),
                ClaimStatus::Rejected => t(locale.get(), Text::StatusRejected).to_owned(),
            }}
        </span>
    }
}

/// `/claims` (我的申报).
#[component]
pub fn ClaimsPage() -> impl IntoView {
    require_sign_in();
    let paged = Paged::<Claim>::new(
        |cursor| MyClaims {
            query: page_query(cursor),
        },
        |c| c.id,
    );
    view! {
        <TabbedScreen>
            <h1 class="region-name">{tr(Text::MyClaims)}</h1>
            <PagedList paged empty=Text::NoClaims class="list claims" row=|claim| view! { <ClaimRow claim /> } />
        </TabbedScreen>
    }
}

/// One claim of the villager.
#[component]
fn ClaimRow(claim: Claim) -> impl IntoView {
    let locale = use_locale();
    let Claim {
        status,
        rule_name,
        points,
        note,
        photos,
        reviewer_name,
        review_reason,
        reviewed_at,
        created_at,
        correction,
        proxy,
        ..
    } = claim;
    let photos = photos.len();
    let reviewed = reviewer_name.map(|name| (name, reviewed_at.unwrap_or_default()));
    view! {
        <li class="claim" data-testid="claim-item">
            <div class="claim-head">
                <span class="row-name">{rule_name}</span>
                <StatusChip status points />
            </div>
            <p class="claim-sub">
                {move || time::when(locale.get(), &created_at)}
                {move || (photos > 0).then(|| format!(" · {}", photo_count(locale.get(), photos)))}
            </p>
            {(!note.is_empty()).then(|| view! { <p class="claim-note">{note}</p> })}
            {crate::proxy::proxy_line(proxy)}
            {review_reason
                .filter(|_| status == ClaimStatus::Rejected)
                .map(|reason| view! {
                    <p class="claim-reason" data-testid="claim-reason">{move || reason_line(locale.get(), &reason)}</p>
                })}
            {reviewed.map(|(name, at)| view! {
                <p class="claim-sub">{move || reviewed_by(locale.get(), &name, &time::when(locale.get(), &at))}</p>
            })}
            {correction.map(|note| view! {
                <p class="claim-sub correction-note" data-testid="claim-corrected">
                    <span class="badge corrected">{tr(Text::CorrectedBadge)}</span>
                    " "
                    {move || correction_reason(locale.get(), &note.reason, note.actor_name.as_deref())}
                </p>
            })}
        </li>
    }
}
