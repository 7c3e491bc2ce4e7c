//! 人员 → a villager → 积分明细: the villager's point movements as they see them
//! (`GET /admin/people/{id}/ledger`, paged, corrections marked), and for an admin an approved
//! claim, award or deduction not yet corrected carries 更正
//! ([`crate::pages::correction::CorrectionBox`]; the server decides whether the admin stands
//! above whoever acted). After a correction the list is read again: the correction shows above
//! the original, both marked.

use jifen_shared::api::PersonHistory;
use jifen_shared::points::{Correction, CorrectionKind, LedgerEntry};
use leptos::prelude::*;

use crate::i18n::{Text, correction_effect, tr, use_locale};
use crate::pages::correction::CorrectionBox;
use crate::pages::history::EntryRow;
use crate::pages::paged::{Paged, PagedList, page_query};
use crate::session::{manages, use_session};

/// What a movement corrects as: `(kind, id)` of an approved claim, an award or a deduction
/// not corrected yet.
fn correctable(entry: &LedgerEntry) -> Option<(CorrectionKind, i64)> {
    if entry.correction.is_some() {
        return None;
    }
    let reference = entry.reference.as_deref()?;
    let (kind, id) = reference.split_once(':')?;
    let kind = match (kind, entry.reason.as_str()) {
        ("claim", "claim") => CorrectionKind::Claim,
        ("award", "award" | "deduction") => CorrectionKind::Award,
        _ => return None,
    };
    Some((kind, id.parse().ok()?))
}

/// The points section of villager `id`'s page.
#[component]
pub fn PersonPoints(id: i64) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let admin = Memo::new(move |_| session.current.get().is_some_and(|g| manages(g.role)));
    let paged = Paged::<LedgerEntry>::new(
        move |cursor| PersonHistory {
            id,
            query: page_query(cursor),
        },
        |e| e.id,
    );
    let said = RwSignal::new(None::<Correction>);
    let done = Callback::new(move |c: Correction| {
        said.set(Some(c));
        paged.reload();
    });
    view! {
        <section class="person-points" data-testid="person-points">
            <h2 class="section-title">{tr(Text::PersonPointsTitle)}</h2>
            {move || said.get().map(|c| {
                let shortfall = c.shortfall.as_ref().map(|s| (s.wanted, s.deducted));
                view! {
                    <p class="form-notice said" role="status" data-testid="correction-done">
                        {move || correction_effect(locale.get(), true, &c.user_name, &c.label, c.points, shortfall)}
                    </p>
                }
            })}
            <PagedList
                paged
                empty=Text::NoMovements
                class="list ledger"
                row=move |entry: LedgerEntry| {
                    let action = correctable(&entry).filter(|_| admin.get_untracked());
                    view! {
                        <EntryRow entry />
                        {action.map(|(kind, original)| view! { <CorrectAction kind original user=id done /> })}
                    }
                }
            />
        </section>
    }
}

/// 更正 under a movement: the button, then the box (`user` is the villager: their part of an
/// award, or the claimant of a claim).
#[component]
fn CorrectAction(
    kind: CorrectionKind,
    original: i64,
    user: i64,
    done: Callback<Correction>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <li class="entry-action">
            {move || if open.get() {
                view! {
                    <CorrectionBox
                        kind
                        id=original
                        user_id=user
                        cancel=Callback::new(move |_| open.set(false))
                        done
                    />
                }
                    .into_any()
            } else {
                view! {
                    <button class="secondary small-action" type="button" data-testid="correct-open" on:click=move |_| open.set(true)>
                        {tr(Text::CorrectAction)}
                    </button>
                }
                    .into_any()
            }}
        </li>
    }
}
