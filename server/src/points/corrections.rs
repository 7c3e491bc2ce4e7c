//! Corrections (更正, `POST /admin/corrections`): an approved claim, or one villager's part of
//! a staff award or deduction, made in error is reversed by a superior of whoever made it —
//! with a compensating transfer, never an edit of the original.
//!
//! Rules (the issue "Correcting a mistake"):
//! - **what**: an approved claim (`kind: claim`; a pending or rejected one moved no points:
//!   409 `wrong_state`), or an award's or deduction's part for one villager (`kind: award`,
//!   `user_id` required: an award of several villagers holds one transfer per villager,
//!   `award:<id>:<person>`, and each is corrected on its own; a deduction that took nothing
//!   has nothing to correct: 404);
//! - **who** ([`crate::policy::may_correct`]): an admin over the act's region — the claim's
//!   grid (or village), the awarded villager's village — whose rank is above every role the
//!   one who acted holds there now. A village admin corrects a grid worker's approval (the
//!   grid worker's own village admin, or any admin above); a township admin a village admin's
//!   approval or award; the county a township admin's. Nobody corrects their own act (403,
//!   even an admin who is also above themselves), a peer's, or points of their own household
//!   ([`crate::policy::may_review_claimant`], 403); a county admin's act has no superior here.
//!   Grid workers correct nothing;
//! - **how**: the original transfer (`claim:<id>`, `award:<id>:<person>`) is reversed — same
//!   accounts, opposite direction, same amount — by a transfer of reason `correction` and
//!   reference `correction:<id>` (the row of `point_corrections`, which names the original).
//!   Reversing a claim or an award takes the points back; reversing a deduction gives them
//!   back. A take-back follows the deduction rule ([`super::awards`]): the villager never goes
//!   below zero, the correction takes what there is (possibly nothing) and reports the
//!   shortfall (`wanted`, `deducted`) — never a debt;
//! - **once**: `point_corrections` is unique on (kind, original, villager): of two superiors
//!   correcting the same act at once, exactly one succeeds, the other gets 409
//!   `already_corrected` (on both databases; the row is inserted before points move). A
//!   retried request with the same `Idempotency-Key` replays the first answer;
//! - a reason of 1–[`MAX_REASON_CHARS`] characters (NFC-normalised), shown to the villager
//!   (inbox, history) and on the village board next to the original (更正); the original's
//!   claim stays `approved` and carries the correction ([`jifen_shared::points::Claim::correction`]);
//! - audited (`claim.correct`, `points.correct`, region: the villager's village, target the
//!   original) in the same transaction, and the villager notified (`points_corrected`);
//! - the villager's account must be open (迁出, 去世: 409 `person_closed`).
//!
//! [`preview`] runs the same checks and answers what a correction would do now (the points,
//! a shortfall), moving nothing.

use std::collections::HashMap;

use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::points::{
    ClaimStatus, Correction, CorrectionKind, CorrectionNote, CorrectionRequest, Shortfall,
};
use jifen_shared::regions::RegionCode;

use crate::error::DomainError;
use crate::ledger::{self, LedgerError, NewTransfer};
use crate::people::storage as people;
use crate::policy;
use crate::storage::{Db, Tx};

use super::storage;

/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 100;

/// Why a correction was refused.
#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("reason: {0}")]
    Reason(crate::text::NameError),
    #[error("user_id: {0}")]
    User(&'static str),
    #[error("no {kind} {id} moved points for this villager")]
    NotFound { kind: &'static str, id: i64 },
    #[error("claim {0} is {1}: only an approved claim is corrected")]
    NotApproved(i64, &'static str),
    #[error("nobody corrects their own approval or award")]
    OwnAct,
    #[error("nobody corrects points of their own household")]
    OwnHousehold,
    #[error("only an admin above whoever approved or awarded, over the region, corrects it")]
    NotSuperior,
    #[error("the villager's account is closed")]
    PersonClosed,
    #[error("{kind} {id} was already corrected for this villager")]
    AlreadyCorrected { kind: &'static str, id: i64 },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for CorrectionError {
    fn code(&self) -> ErrorCode {
        match self {
            CorrectionError::Reason(_) | CorrectionError::User(_) => ErrorCode::InvalidInput,
            CorrectionError::NotFound { .. } => ErrorCode::NotFound,
            CorrectionError::NotApproved(..) => ErrorCode::WrongState,
            CorrectionError::OwnAct
            | CorrectionError::OwnHousehold
            | CorrectionError::NotSuperior => ErrorCode::Forbidden,
            CorrectionError::PersonClosed => ErrorCode::PersonClosed,
            CorrectionError::AlreadyCorrected { .. } => ErrorCode::AlreadyCorrected,
            CorrectionError::Ledger(_) | CorrectionError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            CorrectionError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The act to correct, as found and checked.
struct Plan {
    kind: CorrectionKind,
    original_id: i64,
    person_id: i64,
    person_name: String,
    village: RegionCode,
    label: String,
    /// The original transfer, reversed.
    original: ledger::Transfer,
    /// The villager's account (the side that takes back or gets back).
    account: i64,
    /// + gives back, - takes back.
    points: i64,
}

/// Finds the act of `request` and checks that `corrector_id` (holding `grants`) may correct
/// it; refuses when it was corrected already.
async fn plan(
    tx: &mut Tx,
    corrector_id: i64,
    grants: &[RoleGrant],
    request: &CorrectionRequest,
) -> Result<Plan, CorrectionError> {
    let id = request.id;
    let kind_name = request.kind.as_str();
    let not_found = || CorrectionError::NotFound {
        kind: kind_name,
        id,
    };
    let (actor_id, person_id, region, label, key, gives_back) = match request.kind {
        CorrectionKind::Claim => {
            let claim = storage::claim_by_id(tx, id).await?.ok_or_else(not_found)?;
            if claim.status != ClaimStatus::Approved {
                return Err(CorrectionError::NotApproved(id, claim.status.as_str()));
            }
            if request.user_id.is_some_and(|u| u != claim.claimant_id) {
                return Err(CorrectionError::User("not the claimant of this claim"));
            }
            let reviewer = storage::claim_reviewer(tx, id)
                .await?
                .ok_or_else(not_found)?;
            let region =
                RegionCode::parse(claim.grid_code.as_deref().unwrap_or(&claim.village_code))
                    .map_err(|_| not_found())?;
            (
                reviewer,
                claim.claimant_id,
                Some(region),
                claim.rule_name,
                format!("claim:{id}"),
                false,
            )
        }
        CorrectionKind::Award => {
            let person = request
                .user_id
                .ok_or(CorrectionError::User("which villager's part of the award"))?;
            let (actor, points, reason) =
                storage::award_by_id(tx, id).await?.ok_or_else(not_found)?;
            (
                actor,
                person,
                None,
                reason,
                format!("award:{id}:{person}"),
                points < 0,
            )
        }
    };
    let original = ledger::storage::transfer_by_key(tx, &key)
        .await?
        .ok_or_else(not_found)?;
    let found = people::find_many_in(tx, &[person_id, corrector_id]).await?;
    let person = found
        .iter()
        .find(|p| p.id == person_id)
        .ok_or_else(not_found)?;
    let village = person.village().ok_or_else(not_found)?;
    if person.closed_at.is_some() {
        return Err(CorrectionError::PersonClosed);
    }
    if corrector_id == actor_id {
        return Err(CorrectionError::OwnAct);
    }
    let actor_grants = crate::auth::storage::roles_in(tx, actor_id).await?;
    let region = region.unwrap_or_else(|| village.clone());
    if !policy::may_correct(grants, &actor_grants, &region) {
        return Err(CorrectionError::NotSuperior);
    }
    if let Some(corrector) = found.iter().find(|p| p.id == corrector_id)
        && policy::may_review_claimant(corrector.household(), person.household()).is_err()
    {
        return Err(CorrectionError::OwnHousehold);
    }
    if storage::correction_of(tx, request.kind.as_str(), id, person_id)
        .await?
        .is_some()
    {
        return Err(CorrectionError::AlreadyCorrected {
            kind: kind_name,
            id,
        });
    }
    let (account, points) = match gives_back {
        true => (original.debit_account_id, original.amount),
        false => (original.credit_account_id, -original.amount),
    };
    Ok(Plan {
        kind: request.kind,
        original_id: id,
        person_id,
        person_name: person.name.clone(),
        village,
        label,
        original,
        account,
        points,
    })
}

/// What the correction of `request` by `corrector_id` would do now; moves nothing (`tx` may
/// be a read transaction). Errors as [`correct`], but an empty reason is allowed.
pub async fn preview(
    tx: &mut Tx,
    corrector_id: i64,
    grants: &[RoleGrant],
    request: &CorrectionRequest,
) -> Result<Correction, CorrectionError> {
    let plan = plan(tx, corrector_id, grants, request).await?;
    let available = ledger::storage::read_balance(&mut **tx, plan.account)
        .await?
        .map_or(0, |b| b.available());
    let moved = match plan.points < 0 {
        true => (-plan.points).min(available.max(0)),
        false => plan.points,
    };
    Ok(answer(
        &plan,
        0,
        moved,
        request.reason.trim().to_owned(),
        None,
    ))
}

/// Corrects the act of `request` as `corrector_id` (holding `grants`) inside `tx` at `now`
/// (see the module docs); answers the correction made.
///
/// Errors (the reason is checked after who may correct what): [`CorrectionError::User`],
/// [`CorrectionError::NotFound`], [`CorrectionError::NotApproved`],
/// [`CorrectionError::OwnAct`], [`CorrectionError::NotSuperior`],
/// [`CorrectionError::OwnHousehold`], [`CorrectionError::PersonClosed`],
/// [`CorrectionError::AlreadyCorrected`], [`CorrectionError::Reason`].
pub async fn correct(
    tx: &mut Tx,
    corrector_id: i64,
    grants: &[RoleGrant],
    request: &CorrectionRequest,
    now: i64,
) -> Result<Correction, CorrectionError> {
    let plan = plan(tx, corrector_id, grants, request).await?;
    let reason =
        crate::text::name(&request.reason, MAX_REASON_CHARS).map_err(CorrectionError::Reason)?;
    // The villager's account first, then (by the transfer itself) the township's issuance
    // account: the ledger's lock order. A second correction of the same act waits here, then
    // meets the first one's row.
    ledger::lock_accounts(tx, &mut vec![plan.account]).await?;
    let row = storage::NewCorrectionRow {
        kind: plan.kind.as_str(),
        original_id: plan.original_id,
        person_id: plan.person_id,
        points: plan.points,
        reason: &reason,
        actor_id: corrector_id,
    };
    let Some(correction_id) = storage::insert_correction(tx, &row, now).await? else {
        return Err(CorrectionError::AlreadyCorrected {
            kind: plan.kind.as_str(),
            id: plan.original_id,
        });
    };
    let wanted = plan.points.abs();
    let mut transfer = NewTransfer {
        key: format!(
            "correction:{}:{}:{}",
            plan.kind.as_str(),
            plan.original_id,
            plan.person_id
        ),
        debit_account_id: plan.original.credit_account_id,
        credit_account_id: plan.original.debit_account_id,
        amount: wanted,
        reason: "correction".into(),
        reference: Some(format!("correction:{correction_id}")),
        actor_id: Some(corrector_id),
    };
    // A take-back takes at most what the villager can spend (as a deduction does).
    let made = loop {
        match ledger::transfer(tx, &transfer, false).await {
            Err(LedgerError::InsufficientPoints { available, .. }) if plan.points < 0 => {
                if available <= 0 {
                    break None;
                }
                transfer.amount = available;
            }
            other => break Some(other?.0),
        }
    };
    let moved = made.as_ref().map_or(0, |t| t.amount);
    storage::set_correction_moved(tx, correction_id, moved).await?;
    let result = answer(&plan, correction_id, moved, reason, made.map(|t| t.id));
    let target = format!("{}:{}", plan.kind.as_str(), plan.original_id);
    let record = crate::audit::Record {
        actor_id: Some(corrector_id),
        action: match plan.kind {
            CorrectionKind::Claim => "claim.correct",
            CorrectionKind::Award => "points.correct",
        },
        region: &plan.village,
        target: target.clone(),
        before: Some(serde_json::json!({
            "user_id": plan.person_id,
            "points": -plan.points,
            "transfer_id": plan.original.id,
        })),
        after: Some(serde_json::json!({
            "correction_id": correction_id,
            "user_id": plan.person_id,
            "points": plan.points,
            "moved": moved,
            "reason": result.reason,
            "shortfall": result.shortfall.as_ref().map(|s| serde_json::json!({"wanted": s.wanted, "deducted": s.deducted})),
        })),
    };
    crate::audit::record(tx, record, now).await?;
    let text = match (plan.points < 0, &result.shortfall) {
        (true, None) => format!(
            "您的“{}”积分已更正：{}，扣回 {moved} 积分",
            plan.label, result.reason
        ),
        (true, Some(s)) => format!(
            "您的“{}”积分已更正：{}，应扣回 {} 积分，您的积分不足，实扣 {moved} 积分",
            plan.label, result.reason, s.wanted
        ),
        (false, _) => format!(
            "您的“{}”扣分已更正：{}，退还 {moved} 积分",
            plan.label, result.reason
        ),
    };
    crate::inbox::notify(
        tx,
        plan.person_id,
        "points_corrected",
        &text,
        &format!("correction:{correction_id}"),
        now,
    )
    .await?;
    Ok(result)
}

fn answer(
    plan: &Plan,
    id: i64,
    moved: i64,
    reason: String,
    transfer_id: Option<i64>,
) -> Correction {
    let wanted = plan.points.abs();
    Correction {
        id,
        kind: plan.kind,
        original_id: plan.original_id,
        user_id: plan.person_id,
        user_name: plan.person_name.clone(),
        label: plan.label.clone(),
        points: plan.points.signum() * moved,
        shortfall: (moved < wanted).then_some(Shortfall {
            user_id: plan.person_id,
            wanted,
            deducted: moved,
        }),
        reason,
        transfer_id,
    }
}

/// The corrections to show next to movements: for each `(reference, villager)` — a movement's
/// ledger reference and whose it is — the correction of that original (`claim:<id>`,
/// `award:<id>`) for that villager, or the correction the movement is (`correction:<id>`).
pub async fn notes(
    db: &Db,
    movements: &[(Option<&str>, i64)],
) -> Result<Vec<Option<CorrectionNote>>, sqlx::Error> {
    let parse = |prefix: &str| -> Vec<i64> {
        movements
            .iter()
            .filter_map(|(r, _)| (*r)?.strip_prefix(prefix)?.parse().ok())
            .collect()
    };
    let (ids, claims, awards) = (parse("correction:"), parse("claim:"), parse("award:"));
    if ids.is_empty() && claims.is_empty() && awards.is_empty() {
        return Ok(vec![None; movements.len()]);
    }
    let rows = storage::corrections_for(db, &ids, &claims, &awards).await?;
    let mut by_id = HashMap::new();
    let mut by_original = HashMap::new();
    for (person_id, note) in rows {
        by_original.insert((note.original.clone(), person_id), note.clone());
        by_id.insert(note.id, note);
    }
    Ok(movements
        .iter()
        .map(|(reference, person)| {
            let reference = (*reference)?;
            match reference.strip_prefix("correction:") {
                Some(id) => by_id.get(&id.parse::<i64>().ok()?).cloned(),
                None => by_original.get(&(reference.to_owned(), *person)).cloned(),
            }
        })
        .collect())
}
