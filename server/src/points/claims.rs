//! Claims (申报积分): a villager asks for a rule's points with a note and photo evidence; a
//! reviewer of their grid approves — the points come from the township's issuance account,
//! exactly once — or rejects with a reason the villager sees.
//!
//! Rules (the issue "Points", the county's 网格 review):
//! - the claimant is a person of a village (村民); the rule is active, has positive points
//!   (deductions are never claimed: staff make them with `POST /admin/awards`) and applies in
//!   the claimant's village as it applies there (its county and village may have switched it
//!   off or set their own points, [`super::rules`]); when the rule is for some of the
//!   county's groups, the claimant carries one of them (403 `not_in_group`); the note has at most [`MAX_NOTE_CHARS`] characters; at most
//!   [`MAX_PHOTOS`] photos, each uploaded by the claimant, at least one when the rule needs a
//!   photo (400 `photo_required`);
//! - the claim keeps the rule's points as they were when it was made (in its village), and
//!   the grid the
//!   claimant lived in then: the grid worker of that grid reviews it, or an admin of the
//!   village, township or county ([`crate::policy::Action::ReviewClaims`]); nobody reviews
//!   their own claim or one of their household ([`crate::policy::may_review_claimant`]);
//! - caps count per person and rule in the county's day and month ([`crate::calendar`]) in
//!   which the claims were made (the day of the deed, not of the review: a reviewer who comes
//!   late costs the villager nothing). A claim still pending when its rule is switched off or
//!   changed is reviewed as it was made. A new claim is refused (409 `cap_reached`) when the
//!   claims made this day (month) that are approved or still pending already reach the cap —
//!   so a villager cannot pile up claims the reviewer would have to refuse; rejected claims
//!   do not count. An approval is refused when the approved claims of the claim's day (month)
//!   reach the cap (when the cap was lowered meanwhile). Awards by staff do not count: they
//!   are the staff's own, audited decision;
//! - approve and reject are decided once: the first decision wins under any concurrency; the
//!   same decision (and reason) by the same reviewer again answers the claim as it is (a
//!   retried tap), any other answers 409 `already_reviewed`;
//! - the review queue leaves out the claims its reader may not decide: their own and their
//!   household's;
//! - a photo whose picture (same SHA-256) is attached to another claim is not refused, but
//!   flagged to the reviewer ("此照片已用于…").
//!
//! Who is told (the inbox, [`crate::inbox`]; written in the transaction that changes the
//! claim, `tell_reviewers`):
//! - the grid workers of the claim's grid get one digest, `claims_waiting`: "网格里有 3 条积分
//!   申请待审核" — the claims of their grids they may decide (not their own household's), raised
//!   by a new claim, its count lowered by each decision, gone when none wait;
//! - 审核超时: a claim still pending `JIFEN_CLAIM_REVIEW_HOURS` (48 by default) after it was made
//!   is sent up to its village's admins once ([`escalate_due`], the background sweep; the claim
//!   shows `escalated_at`): they get one digest, `claims_overdue` ("有 2 条积分申请审核超时，请
//!   尽快审核"), and the grid workers' digest is raised again saying how many are overdue. The
//!   grid worker may still decide an overdue claim; so may the village admin, in the same
//!   review screen, where it comes first (the oldest) and is marked 已超时.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use std::collections::HashMap;

use jifen_shared::Page;
use jifen_shared::auth::RoleGrant;
use jifen_shared::points::{Claim, ClaimPhoto, ClaimStatus, NewClaim, PhotoReuse, Rule, mask_name};
use jifen_shared::regions::RegionCode;

use crate::auth::caller::Caller;
use crate::calendar::Calendar;
use crate::ledger::{self, LedgerError, NewTransfer};
use crate::media::storage as media;
use crate::people::storage as people;
use crate::policy::{self, Action, ConflictOfInterest, Household};
use crate::storage::{Db, Tx, rfc3339};

use super::storage;

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 500;
/// The most photos one claim carries.
pub const MAX_PHOTOS: usize = 6;
/// The longest rejection reason, in characters.
pub const MAX_REASON_CHARS: usize = 100;

/// Why a claim could not be made or decided.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("only villagers registered in a village claim points")]
    NotVillager,
    #[error("rule_id: no rule {0} applies in your village")]
    NoSuchRule(i64),
    #[error("rule_id: the rule {0} is no longer in use")]
    RuleInactive(String),
    #[error("rule_id: {0} is a deduction; deductions are made by staff, not claimed")]
    Deduction(String),
    #[error("note: {0}")]
    Note(crate::text::NameError),
    #[error("photo_ids: at most {MAX_PHOTOS} photos")]
    TooManyPhotos,
    #[error("photo_ids: not photos you uploaded: {0}")]
    NotYourPhotos(String),
    #[error("rule_id: {rule} is for {groups} only, and you are in none of these groups")]
    NotInGroup { rule: String, groups: String },
    #[error("photo_ids: the rule {0} needs at least one photo")]
    PhotoRequired(String),
    #[error("{rule}: at most {cap} a {period} per person")]
    CapReached {
        rule: String,
        cap: i64,
        /// `day` or `month`.
        period: &'static str,
    },
    #[error("no claim {0}")]
    NotFound(i64),
    #[error("claim {0} is not from your grid or village")]
    NotYours(i64),
    #[error("{}", match .0 {
        ConflictOfInterest::OwnClaim => "nobody reviews their own claim",
        ConflictOfInterest::OwnHousehold => "nobody reviews a claim of their own household",
    })]
    ConflictOfInterest(ConflictOfInterest),
    /// The reviewer made the claim as the claimant's proxy (代办).
    #[error(
        "you made claim {0} for the villager as their proxy (代办): another reviewer decides it"
    )]
    OwnProxy(i64),
    #[error("claim {id} was already {}", .status.as_str())]
    AlreadyReviewed { id: i64, status: ClaimStatus },
    #[error("reason: {0}")]
    Reason(crate::text::NameError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ClaimError {
    fn code(&self) -> ErrorCode {
        match self {
            ClaimError::NotVillager
            | ClaimError::NotYours(_)
            | ClaimError::ConflictOfInterest(_) => ErrorCode::Forbidden,
            ClaimError::OwnProxy(_) => ErrorCode::OwnProxyAction,
            ClaimError::PhotoRequired(_) => ErrorCode::PhotoRequired,
            ClaimError::NotInGroup { .. } => ErrorCode::NotInGroup,
            ClaimError::CapReached { .. } => ErrorCode::CapReached,
            ClaimError::AlreadyReviewed { .. } => ErrorCode::AlreadyReviewed,
            ClaimError::NotFound(_) => ErrorCode::NotFound,
            ClaimError::Ledger(_) | ClaimError::Storage(_) => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            ClaimError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Makes a claim of `claimant_id` inside `tx` at `now` (UTC ms); answers it as `pending`.
///
/// Errors: [`ClaimError::NotVillager`], [`ClaimError::NoSuchRule`],
/// [`ClaimError::RuleInactive`], [`ClaimError::Deduction`], [`ClaimError::NotInGroup`],
/// [`ClaimError::Note`],
/// [`ClaimError::TooManyPhotos`], [`ClaimError::NotYourPhotos`],
/// [`ClaimError::PhotoRequired`], [`ClaimError::CapReached`].
pub async fn create(
    tx: &mut Tx,
    calendar: &Calendar,
    claimant_id: i64,
    request: &NewClaim,
    now: i64,
) -> Result<Claim, ClaimError> {
    let claimant = people::find_many_in(tx, &[claimant_id])
        .await?
        .pop()
        .ok_or(ClaimError::NotVillager)?;
    let village = claimant.village().ok_or(ClaimError::NotVillager)?;
    let rule = super::rules::find_in(tx, request.rule_id, &village)
        .await?
        .ok_or(ClaimError::NoSuchRule(request.rule_id))?;
    if !rule.active {
        return Err(ClaimError::RuleInactive(rule.name));
    }
    if rule.points <= 0 {
        return Err(ClaimError::Deduction(rule.name));
    }
    if !super::rules::open_to(&rule, &people::tags_in(tx, claimant_id).await?) {
        return Err(ClaimError::NotInGroup {
            rule: rule.name,
            groups: rule.groups.join("、"),
        });
    }
    let note = crate::text::note(&request.note, MAX_NOTE_CHARS).map_err(ClaimError::Note)?;
    if request.photo_ids.len() > MAX_PHOTOS {
        return Err(ClaimError::TooManyPhotos);
    }
    let photo_ids = media::unique(&request.photo_ids);
    if let Some(foreign) = media::not_owned(&mut **tx, claimant_id, &photo_ids).await? {
        return Err(ClaimError::NotYourPhotos(foreign));
    }
    if rule.needs_photo && photo_ids.is_empty() {
        return Err(ClaimError::PhotoRequired(rule.name));
    }
    // The claimant's account is locked so that two claims sent at once count each other.
    let (account, _) = super::accounts_of(tx, claimant_id, &village).await?;
    ledger::storage::lock_account(tx, account).await?;
    check_caps(tx, calendar, claimant_id, &rule, now, true).await?;
    let region = claimant
        .grid_code
        .clone()
        .unwrap_or_else(|| village.to_string());
    let new = storage::NewClaimRow {
        claimant_id,
        rule_id: rule.id,
        points: rule.points,
        note: &note,
        village_code: village.as_str(),
        region_code: &region,
    };
    let id = storage::insert_claim(tx, &new, now).await?;
    storage::insert_photos(tx, id, &photo_ids).await?;
    tell_reviewers(tx, &region, village.as_str(), News::Made, now).await?;
    load(tx, id, false).await?.ok_or(ClaimError::NotFound(id))
}

/// Refuses when the caps of `rule` are reached for `claimant_id` in the county day and month
/// holding `made_at` (UTC ms): counting the approved claims made then, and with
/// `with_pending` the pending ones too.
async fn check_caps(
    tx: &mut Tx,
    calendar: &Calendar,
    claimant_id: i64,
    rule: &Rule,
    made_at: i64,
    with_pending: bool,
) -> Result<(), ClaimError> {
    let caps = [
        (rule.daily_cap, calendar.day(made_at), "day"),
        (rule.monthly_cap, calendar.month(made_at), "month"),
    ];
    for (cap, period, name) in caps {
        let Some(cap) = cap else { continue };
        if storage::count_claims_in(tx, claimant_id, rule.id, period, with_pending).await? >= cap {
            return Err(ClaimError::CapReached {
                rule: rule.name.clone(),
                cap,
                period: name,
            });
        }
    }
    Ok(())
}

/// A reviewer's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Credit the claim's points.
    Approve,
    /// Refuse, with a reason of 1–[`MAX_REASON_CHARS`] characters.
    Reject(String),
}

/// Decides claim `id` as `reviewer_id` (holding `grants`) inside `tx` at `now`; answers the
/// claim as it now stands, as the reviewer sees it.
///
/// Errors: [`ClaimError::NotFound`], [`ClaimError::NotYours`] (outside the reviewer's grids
/// and villages), [`ClaimError::ConflictOfInterest`], [`ClaimError::AlreadyReviewed`],
/// [`ClaimError::CapReached`] (approval only; the claim stays pending), [`ClaimError::Reason`].
pub async fn decide(
    tx: &mut Tx,
    calendar: &Calendar,
    reviewer_id: i64,
    grants: &[RoleGrant],
    id: i64,
    decision: &Decision,
    now: i64,
) -> Result<Claim, ClaimError> {
    let reason = match decision {
        Decision::Approve => None,
        Decision::Reject(reason) => {
            Some(crate::text::name(reason, MAX_REASON_CHARS).map_err(ClaimError::Reason)?)
        }
    };
    let claim = load(tx, id, true).await?.ok_or(ClaimError::NotFound(id))?;
    let region = RegionCode::parse(claim.grid_code.as_deref().unwrap_or(&claim.village_code))
        .map_err(|_| ClaimError::NotFound(id))?;
    if !policy::may(grants, Action::ReviewClaims, &region) {
        return Err(ClaimError::NotYours(id));
    }
    let both = people::find_many_in(tx, &[reviewer_id, claim.claimant_id]).await?;
    let household = |person_id: i64| match both.iter().find(|p| p.id == person_id) {
        Some(p) => p.household(),
        None => Household {
            person_id,
            village_code: None,
            household: None,
        },
    };
    policy::may_review_claimant(household(reviewer_id), household(claim.claimant_id))
        .map_err(ClaimError::ConflictOfInterest)?;
    if crate::proxy::did(tx, &format!("claim:{id}"), reviewer_id).await? {
        return Err(ClaimError::OwnProxy(id));
    }
    if claim.status != ClaimStatus::Pending {
        return replay_or_refuse(tx, reviewer_id, claim, decision).await;
    }
    let village = RegionCode::parse(&claim.village_code).map_err(|_| ClaimError::NotFound(id))?;
    let (account, issuance) = super::accounts_of(tx, claim.claimant_id, &village).await?;
    if *decision == Decision::Approve {
        // Approvals of the claimant's claims queue on their account; whoever waited reads the
        // claim again, so it answers "already decided", not a cap the winner just filled.
        // (Not the township's issuance account: see `ledger::lock_accounts`.)
        ledger::lock_accounts(tx, &mut vec![account]).await?;
        let claim = load(tx, id, true).await?.ok_or(ClaimError::NotFound(id))?;
        if claim.status != ClaimStatus::Pending {
            return replay_or_refuse(tx, reviewer_id, claim, decision).await;
        }
        let rule = super::rules::find(tx, claim.rule_id)
            .await?
            .ok_or(ClaimError::NoSuchRule(claim.rule_id))?;
        let made_at = storage::claim_created_at(tx, id).await?;
        check_caps(tx, calendar, claim.claimant_id, &rule, made_at, false).await?;
    }
    let status = match decision {
        Decision::Approve => ClaimStatus::Approved,
        Decision::Reject(_) => ClaimStatus::Rejected,
    };
    let decided =
        storage::set_decision(tx, id, status, reviewer_id, reason.as_deref(), now).await?;
    if decided == 0 {
        // Someone decided it between our read and our write.
        let claim = load(tx, id, true).await?.ok_or(ClaimError::NotFound(id))?;
        return replay_or_refuse(tx, reviewer_id, claim, decision).await;
    }
    let record = crate::audit::Record {
        actor_id: Some(reviewer_id),
        action: match decision {
            Decision::Approve => "claim.approve",
            Decision::Reject(_) => "claim.reject",
        },
        region: &village,
        target: format!("claim:{id}"),
        before: Some(serde_json::json!({"status": "pending"})),
        after: Some(serde_json::json!({
            "status": status.as_str(),
            "claimant_id": claim.claimant_id,
            "rule_id": claim.rule_id,
            "points": claim.points,
            "reason": reason,
        })),
    };
    crate::audit::record(tx, record, now).await?;
    let news = News::Decided {
        overdue: claim.escalated_at.is_some(),
    };
    tell_reviewers(tx, region.as_str(), &claim.village_code, news, now).await?;
    let (kind, text) = match &reason {
        None => (
            "claim_approved",
            format!(
                "您申报的“{}”已通过，获得 {} 积分",
                claim.rule_name, claim.points
            ),
        ),
        Some(reason) => (
            "claim_rejected",
            format!("您申报的“{}”未通过：{reason}", claim.rule_name),
        ),
    };
    crate::inbox::notify(
        tx,
        claim.claimant_id,
        kind,
        &text,
        &format!("claim:{id}"),
        now,
    )
    .await?;
    let answer = load(tx, id, true).await?.ok_or(ClaimError::NotFound(id))?;
    // Last: the township's issuance account is shared by all its credits, and its row stays
    // locked from this update to the commit (see `ledger::lock_accounts`).
    if *decision == Decision::Approve {
        let transfer = NewTransfer {
            key: format!("claim:{id}"),
            debit_account_id: issuance,
            credit_account_id: account,
            amount: claim.points,
            reason: "claim".into(),
            reference: Some(format!("claim:{id}")),
            actor_id: Some(reviewer_id),
        };
        ledger::transfer(tx, &transfer, false).await?;
    }
    Ok(answer)
}

/// A claim already decided: the same decision (and reason) by the same reviewer answers it as
/// it is (a retried tap); anything else is [`ClaimError::AlreadyReviewed`].
async fn replay_or_refuse(
    tx: &mut Tx,
    reviewer_id: i64,
    claim: Claim,
    decision: &Decision,
) -> Result<Claim, ClaimError> {
    let reviewer = storage::claim_reviewer(tx, claim.id).await?;
    let same = reviewer == Some(reviewer_id)
        && match decision {
            Decision::Approve => claim.status == ClaimStatus::Approved,
            Decision::Reject(reason) => {
                claim.status == ClaimStatus::Rejected
                    && crate::text::name(reason, MAX_REASON_CHARS).ok() == claim.review_reason
            }
        };
    if same {
        Ok(claim)
    } else {
        Err(ClaimError::AlreadyReviewed {
            id: claim.id,
            status: claim.status,
        })
    }
}

/// Claim `id` with its photos (and, for a reviewer, their reuse elsewhere), read in `tx`.
async fn load(tx: &mut Tx, id: i64, for_reviewer: bool) -> Result<Option<Claim>, sqlx::Error> {
    let Some(claim) = storage::claim_by_id(tx, id).await? else {
        return Ok(None);
    };
    let mut claims = vec![claim];
    attach_photos(tx, &mut claims, for_reviewer).await?;
    Ok(claims.pop())
}

/// Fills in the photos of `claims`, with the other claims each picture is attached to when
/// `for_reviewer`.
async fn attach_photos(
    conn: &mut sqlx::AnyConnection,
    claims: &mut [Claim],
    for_reviewer: bool,
) -> Result<(), sqlx::Error> {
    if claims.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
    let photos = storage::photos_of(&mut *conn, &ids).await?;
    let mut reuse: HashMap<(i64, i64), Vec<PhotoReuse>> = HashMap::new();
    if for_reviewer {
        for r in storage::photo_reuse(&mut *conn, &ids).await? {
            let entry = reuse.entry((r.claim_id, r.media_id)).or_default();
            if !entry.iter().any(|e| e.claim_id == r.other_id) {
                entry.push(PhotoReuse {
                    claim_id: r.other_id,
                    claimant_name: mask_name(&r.claimant_name),
                    rule_name: r.rule_name,
                    created_at: rfc3339(r.created_at),
                });
            }
        }
    }
    for (claim_id, media_id) in photos {
        if let Some(claim) = claims.iter_mut().find(|c| c.id == claim_id) {
            claim.photos.push(ClaimPhoto {
                media_id,
                reused_in: reuse.remove(&(claim_id, media_id)).unwrap_or_default(),
            });
        }
    }
    Ok(())
}

/// The claims of `claimant_id`, newest first; `before_id` is the previous page's cursor.
pub async fn mine(
    db: &Db,
    claimant_id: i64,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Page<Claim>, sqlx::Error> {
    let mut claims = storage::claims_of(
        db,
        claimant_id,
        before_id.unwrap_or(i64::MAX),
        i64::from(limit) + 1,
    )
    .await?;
    attach_photos(&mut *db.reader().acquire().await?, &mut claims, false).await?;
    Ok(Page::from_overfetch(claims, limit as usize, |c| c.id))
}

/// The claims reviewer `reviewer_id` holding `grants` may decide, in `status`: pending ones
/// oldest first (a queue), decided ones newest first; `cursor` is the previous page's
/// `next_cursor`. Never the reviewer's own or their household's claims; empty for a caller
/// who reviews nowhere.
pub async fn review_queue(
    db: &Db,
    reviewer_id: i64,
    grants: &[RoleGrant],
    status: ClaimStatus,
    cursor: Option<i64>,
    limit: u32,
) -> Result<Page<Claim>, sqlx::Error> {
    let regions: Vec<String> = policy::regions_where(grants, Action::ReviewClaims)
        .map(|r| format!("{r}%"))
        .collect();
    if regions.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    // Not one's own household ([`policy::may_review_claimant`]).
    let reviewer = people::find(db, reviewer_id).await?;
    let household = reviewer.and_then(|r| match (r.village_code, r.household) {
        (Some(village), Some(household)) if !household.trim().is_empty() => {
            Some((village, household))
        }
        _ => None,
    });
    let start = match status {
        ClaimStatus::Pending => cursor.unwrap_or(0),
        _ => cursor.unwrap_or(i64::MAX),
    };
    let mut claims = storage::claims_for_review(
        db,
        status,
        start,
        i64::from(limit) + 1,
        reviewer_id,
        &regions,
        household.as_ref().map(|(v, h)| (v.as_str(), h.as_str())),
    )
    .await?;
    attach_photos(&mut *db.reader().acquire().await?, &mut claims, true).await?;
    Ok(Page::from_overfetch(claims, limit as usize, |c| c.id))
}

/// Whether the caller (`caller_id` holding `roles`) may see photo `media_id` through a claim it
/// is attached to (`claim_photos`): the claimant, and whoever may review that claim —
/// [`Action::ReviewClaims`] over the claim's `region_code` (the grid worker of the claimant's
/// grid, the admins of their village, township and county). Seeing is not deciding: the
/// conflict-of-interest rule ([`policy::may_review_claimant`]) limits who approves, not who
/// looks. Asked by [`crate::media::visible_to`].
pub async fn photo_visible_to(
    db: &Db,
    media_id: i64,
    caller: &Caller,
) -> Result<bool, sqlx::Error> {
    for (claimant_id, region) in storage::claims_with_photo(db, media_id).await? {
        let reviewer = RegionCode::parse(&region)
            .is_ok_and(|region| policy::may(&caller.roles, Action::ReviewClaims, &region));
        if claimant_id == caller.id || reviewer {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Rejects every pending claim of `claimant_id` inside `tx` with `reason`, by `reviewer_id`
/// (their account is being closed, `crate::people::villager`); the ids rejected.
pub async fn reject_all_of(
    tx: &mut Tx,
    claimant_id: i64,
    reviewer_id: i64,
    reason: &str,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut rejected = Vec::new();
    let mut queues: Vec<(String, String, bool)> = Vec::new();
    for id in storage::pending_claims_of(tx, claimant_id).await? {
        let Some(claim) = storage::claim_by_id(tx, id).await? else {
            continue;
        };
        if storage::set_decision(
            tx,
            id,
            ClaimStatus::Rejected,
            reviewer_id,
            Some(reason),
            now,
        )
        .await?
            == 1
        {
            rejected.push(id);
            let region = claim
                .grid_code
                .unwrap_or_else(|| claim.village_code.clone());
            queues.push((region, claim.village_code, claim.escalated_at.is_some()));
        }
    }
    queues.sort();
    queues.dedup();
    for (region, village, overdue) in queues {
        tell_reviewers(tx, &region, &village, News::Decided { overdue }, now).await?;
    }
    Ok(rejected)
}

/// What happened to a claim, for [`tell_reviewers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum News {
    /// A claim was made.
    Made,
    /// A claim waited past the review time and was sent up (审核超时).
    Overdue,
    /// A claim was decided (`overdue`: it had been sent up).
    Decided { overdue: bool },
}

/// The inbox kind of the grid workers' digest of claims waiting.
pub const CLAIMS_WAITING: &str = "claims_waiting";
/// The inbox kind of the village admins' digest of overdue claims.
pub const CLAIMS_OVERDUE: &str = "claims_overdue";

/// Keeps the reviewers' digests current inside `tx` after `news` about a claim of the
/// queue `region` (its grid, or its village when the claimant lives in no grid) in `village`:
/// the grid workers of that grid ([`CLAIMS_WAITING`]) and, when overdue claims are concerned,
/// the village's admins ([`CLAIMS_OVERDUE`]). Each count is what that person may decide (see
/// the module docs), read after [`crate::inbox::lock_people`].
async fn tell_reviewers(
    tx: &mut Tx,
    region: &str,
    village: &str,
    news: News,
    now: i64,
) -> Result<(), sqlx::Error> {
    use crate::inbox::Digest;
    use jifen_shared::auth::Role;

    let grid_workers = if region == village {
        Vec::new()
    } else {
        crate::auth::storage::holders_in(tx, Role::GridWorker, region).await?
    };
    let admins = match news {
        News::Overdue | News::Decided { overdue: true } => {
            crate::auth::storage::holders_in(tx, Role::VillageAdmin, village).await?
        }
        News::Made | News::Decided { overdue: false } => Vec::new(),
    };
    let mut everyone: Vec<i64> = grid_workers.iter().chain(&admins).copied().collect();
    crate::inbox::lock_people(tx, &mut everyone).await?;
    for (person_id, role) in grid_workers
        .iter()
        .map(|p| (*p, Role::GridWorker))
        .chain(admins.iter().map(|p| (*p, Role::VillageAdmin)))
    {
        let (waiting, overdue) = waiting_for(tx, person_id, role).await?;
        let (kind, count, text, reference) = if role == Role::GridWorker {
            let text = if overdue > 0 {
                format!(
                    "网格里有 {waiting} 条积分申请待审核，其中 {overdue} 条已超时，已转村管理员"
                )
            } else {
                format!("网格里有 {waiting} 条积分申请待审核")
            };
            (CLAIMS_WAITING, waiting, text, format!("review:{region}"))
        } else {
            let text = format!("有 {overdue} 条积分申请审核超时，请尽快审核");
            (CLAIMS_OVERDUE, overdue, text, format!("review:{village}"))
        };
        let digest = match news {
            _ if count == 0 => Digest::Clear,
            News::Made | News::Overdue => Digest::Raise {
                text: &text,
                reference: &reference,
            },
            News::Decided { .. } => Digest::Refresh { text: &text },
        };
        crate::inbox::set_digest(tx, person_id, kind, digest, now).await?;
    }
    Ok(())
}

/// How many pending claims `person_id` may decide under their grants of `role` (grid worker:
/// their grids; village admin: their villages), read inside `tx`: all, and the overdue ones.
async fn waiting_for(
    tx: &mut Tx,
    person_id: i64,
    role: jifen_shared::auth::Role,
) -> Result<(i64, i64), sqlx::Error> {
    let regions: Vec<String> = crate::auth::storage::roles_in(tx, person_id)
        .await?
        .into_iter()
        .filter(|g| g.role == role)
        .map(|g| format!("{}%", g.region_code))
        .collect();
    if regions.is_empty() {
        return Ok((0, 0));
    }
    let household = people::find_many_in(tx, &[person_id])
        .await?
        .pop()
        .and_then(|p| match (p.village_code, p.household) {
            (Some(village), Some(household)) if !household.trim().is_empty() => {
                Some((village, household))
            }
            _ => None,
        });
    storage::count_for_review(
        tx,
        person_id,
        &regions,
        household.as_ref().map(|(v, h)| (v.as_str(), h.as_str())),
    )
    .await
}

/// How many overdue claims one sweep sends up at most (the next sweep takes the rest).
const ESCALATIONS_PER_SWEEP: i64 = 200;

/// 审核超时 (the background sweep, once a minute): sends up to their village's admins the
/// pending claims made `review_ms` or more before `now` and not sent up yet — each once, in
/// its own transaction, with the reviewers' digests (`tell_reviewers`). A claim that fails
/// is logged and skipped. Answers how many were sent up.
pub async fn escalate_due(db: &Db, review_ms: i64, now: i64) -> Result<usize, ClaimError> {
    let made_by = now - review_ms;
    let mut escalated = 0;
    for id in storage::overdue_claims(db, made_by, ESCALATIONS_PER_SWEEP).await? {
        match escalate(db, id, made_by, now).await {
            Ok(true) => escalated += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(claim = id, error = %e, "a claim could not be escalated"),
        }
    }
    Ok(escalated)
}

/// Sends claim `id` up if it is still pending, made by `made_by` and not sent up yet; whether
/// it did.
async fn escalate(db: &Db, id: i64, made_by: i64, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some((region, village)) = storage::set_escalated(&mut tx, id, made_by, now).await? else {
        return Ok(false);
    };
    tell_reviewers(&mut tx, &region, &village, News::Overdue, now).await?;
    tx.commit().await?;
    Ok(true)
}
