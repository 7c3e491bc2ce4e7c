//! `GET /api/v1/points/balance`, `GET /api/v1/points/ledger` (the caller's own points),
//! `POST /api/v1/admin/awards` (I), `GET /api/v1/rules`, `POST|GET /api/v1/admin/rules`,
//! `PUT /api/v1/admin/rules/{id}`, `PUT /api/v1/admin/rules/{id}/settings/{region_code}`,
//! `GET /api/v1/admin/rules/{id}/history`, claims
//! (`POST /claims` (I), `GET /claims/mine`, `GET /review/claims`,
//! `POST /review/claims/{id}/approve|reject`), corrections (`POST /admin/corrections` (I),
//! `POST /admin/corrections/preview`, and `GET /admin/people/{id}/ledger` to find what to
//! correct) and `GET /public/villages/{code}/board`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use jifen_shared::Page;
use jifen_shared::points::{AdminRulesQuery, ReviewQuery, RulesQuery};
use jifen_shared::points::{
    AwardRequest, AwardResult, Board, Claim, ClaimStatus, Correction, CorrectionRequest,
    LedgerEntry, NewClaim, NewRule, PointsBalance, RejectClaim, Rule, RuleSettingUpdate,
    RuleUpdate,
};
use jifen_shared::proxy::ProxyActionKind;
use jifen_shared::regions::RegionCode;
use utoipa_actix_web::service_config::ServiceConfig;

use super::claims::Decision;
use crate::auth::caller::Caller;
use crate::calendar::Calendar;
use crate::http::paging::{CheckPage, PageQuery};
use crate::http::{ApiError, Reply, idempotency};
use crate::policy::{self, Action};
use crate::startup::{AppState, State};
use crate::storage::{now_ms, retry};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(balance)
        .service(history)
        .service(award)
        .service(preview_award)
        .service(award_limits)
        .service(set_award_limits)
        .service(rules)
        .service(create_rule)
        .service(admin_rules)
        .service(update_rule)
        .service(set_rule)
        .service(rule_history)
        .service(create_claim)
        .service(my_claims)
        .service(review_queue)
        .service(approve_claim)
        .service(reject_claim)
        .service(correct)
        .service(preview_correction)
        .service(person_history)
        .service(board);
}

fn calendar(state: &AppState) -> Calendar {
    Calendar::new(state.settings.timezone.clone())
}

/// The caller's points: available, reserved, earned and spent in total.
#[utoipa::path(tag = "points", security(("bearer" = [])), responses(
    (status = 200, body = PointsBalance),
))]
#[get("/points/balance")]
async fn balance(caller: Caller, state: State) -> Reply {
    Ok(HttpResponse::Ok().json(super::balance(&state.db, caller.id).await?))
}

/// The caller's point movements, newest first, each with the points held after it.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<LedgerEntry>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/points/ledger")]
async fn history(caller: Caller, page: web::Query<PageQuery>, state: State) -> Reply {
    let (limit, cursor) = page.parse()?;
    Ok(HttpResponse::Ok().json(super::history(&state.db, caller.id, cursor, limit).await?))
}

/// Awards (positive `points`) or deducts (negative) points to villagers of the caller's
/// region, all or none; a deduction never takes a villager below zero and reports what it
/// could not take in `shortfalls`. Send an `Idempotency-Key`: a retry replays the answer.
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–100 printable ASCII characters, e.g. a UUID")),
    request_body = AwardRequest,
    responses(
        (status = 201, body = AwardResult),
        (status = 400, description = "`invalid_input`: user_ids, rule_id, points or reason", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin; villagers outside the caller's region, the caller or the caller's household", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`idempotency_conflict`: the key was used for another request", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/awards")]
async fn award(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<AwardRequest>,
    state: State,
) -> Reply {
    let within = |village: &RegionCode| policy::may(&caller.roles, Action::AwardPoints, village);
    let calendar = calendar(&state);
    let scope = super::awards::Scope::of(&caller.roles, &within, &calendar)?;
    let key = idempotency::key_of(&req)?;
    let request = ("POST /admin/awards", &*body);
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        Ok((
            201,
            super::awards::award(tx, caller.id, &body, &scope).await?,
        ))
    })
    .await?;
    Ok(stored.respond())
}

/// The county of the path: a county's 6-digit code that exists; 404 otherwise.
async fn county_in_path(state: &AppState, code: &str) -> Result<RegionCode, ApiError> {
    let county = RegionCode::parse(code)
        .ok()
        .filter(|c| c.level() == jifen_shared::regions::RegionLevel::County)
        .ok_or_else(|| ApiError::invalid_input("county_code: a county's 6-digit code"))?;
    match crate::regions::storage::find(&state.db, county.as_str()).await? {
        Some(_) => Ok(county),
        None => Err(ApiError::not_found("no such county")),
    }
}

/// How much a grid worker may award in the county per day (网格员评分限额), for the county's
/// admins and grid workers; a grid worker also reads what they awarded today.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(("county_code" = String, Path, description = "A county's 6-digit code", pattern = "^[0-9]{6}$", example = "410783")), responses(
    (status = 200, body = jifen_shared::points::AwardLimits),
    (status = 400, description = "`invalid_input`: county_code", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: neither an admin nor a grid worker in the county", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such county", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/award-limits/{county_code}")]
async fn award_limits(caller: Caller, path: web::Path<String>, state: State) -> Reply {
    let county = county_in_path(&state, &path).await?;
    let calendar = calendar(&state);
    let limits = super::awards::limits(&state.db, &caller, &county, &calendar).await?;
    Ok(HttpResponse::Ok().json(limits))
}

/// Sets how much a grid worker may award in the county per day, in all and to one villager
/// (0: grid workers do not award); the county's admins. Audited (`points.limits`).
#[utoipa::path(tag = "points", security(("bearer" = [])), params(("county_code" = String, Path, description = "A county's 6-digit code", pattern = "^[0-9]{6}$", example = "410783")), request_body = jifen_shared::points::AwardLimits, responses(
    (status = 200, body = jifen_shared::points::AwardLimits),
    (status = 400, description = "`invalid_input`: county_code, daily_points (0–10,000), villager_daily_points (0–1,000, at most daily_points)", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the county", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such county", body = jifen_shared::ApiErrorBody),
))]
#[put("/admin/award-limits/{county_code}")]
async fn set_award_limits(
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<jifen_shared::points::AwardLimits>,
    state: State,
) -> Reply {
    let county = county_in_path(&state, &path).await?;
    let limits =
        retry(async || super::awards::set_limits(&state.db, &caller, &county, &body).await).await?;
    Ok(HttpResponse::Ok().json(limits))
}

/// What `POST /admin/awards` with this body would do now, villager by villager: the points
/// they may spend, after, and the shortfall of a deduction larger than that. Moves nothing;
/// refuses what the award would refuse, with the same codes.
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    request_body = AwardRequest,
    responses(
        (status = 200, body = jifen_shared::points::AwardPreview),
        (status = 400, description = "`invalid_input`: user_ids, rule_id, points or reason", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin, or a villager outside the caller's region, the caller or their household", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/awards/preview")]
async fn preview_award(caller: Caller, body: web::Json<AwardRequest>, state: State) -> Reply {
    let within = |village: &RegionCode| policy::may(&caller.roles, Action::AwardPoints, village);
    let calendar = calendar(&state);
    let scope = super::awards::Scope::of(&caller.roles, &within, &calendar)?;
    let preview = super::awards::preview(&state.db, caller.id, &body, &scope).await?;
    Ok(HttpResponse::Ok().json(preview))
}

/// The rule catalogue (积分事项) of a village, by id; inactive rules included (marked).
/// Public: every villager may read what earns points.
#[utoipa::path(tag = "points", params(RulesQuery), responses(
    (status = 200, body = Vec<Rule>),
    (status = 400, description = "`invalid_input`: village_code", body = jifen_shared::ApiErrorBody),
))]
#[get("/rules")]
async fn rules(query: web::Query<RulesQuery>, state: State) -> Reply {
    let village = RegionCode::parse(&query.village_code)
        .ok()
        .filter(|c| c.level() == jifen_shared::regions::RegionLevel::Village)
        .ok_or_else(|| ApiError::invalid_input("village_code: a village's 12-digit code"))?;
    Ok(HttpResponse::Ok().json(super::rules::for_place(&state.db, &village).await?))
}

/// Adds a county's rule (county admins) or a village's own (its admins, or the township's).
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    request_body = NewRule,
    responses(
        (status = 201, body = Rule),
        (status = 400, description = "`invalid_input`: code, name, points, caps or region", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of that region", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`already_exists`: the region has a rule with that code", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/rules")]
async fn create_rule(caller: Caller, body: web::Json<NewRule>, state: State) -> Reply {
    let region = RegionCode::parse(&body.region_code)
        .map_err(|e| ApiError::invalid_input(format!("region_code: {e}")))?;
    if !policy::may(&caller.roles, Action::ManageRules, &region) {
        return Err(ApiError::forbidden(format!(
            "you are not an admin of {region}"
        )));
    }
    let rule =
        retry(async || super::rules::create(&state.db, caller.id, &region, &body).await).await?;
    Ok(HttpResponse::Created().json(rule))
}

/// The county or village whose rules an admin reads or sets: a code the caller manages rules
/// of (403 otherwise), of a county or village (400 otherwise).
fn rules_place(caller: &Caller, code: &str) -> Result<RegionCode, ApiError> {
    let place = RegionCode::parse(code)
        .ok()
        .filter(|c| {
            matches!(
                c.level(),
                jifen_shared::regions::RegionLevel::County
                    | jifen_shared::regions::RegionLevel::Village
            )
        })
        .ok_or_else(|| ApiError::invalid_input("region_code: a county's or a village's code"))?;
    if !policy::may(&caller.roles, Action::ManageRules, &place) {
        return Err(ApiError::forbidden(format!(
            "you are not an admin of {place}"
        )));
    }
    Ok(place)
}

/// The rules of a county (the shipped catalogue and its own, with its settings) or a village
/// (as `GET /rules`), for the admins who set them up.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(AdminRulesQuery), responses(
    (status = 200, body = Vec<Rule>),
    (status = 400, description = "`invalid_input`: region_code", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of that region", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/rules")]
async fn admin_rules(caller: Caller, query: web::Query<AdminRulesQuery>, state: State) -> Reply {
    let place = rules_place(&caller, &query.region_code)?;
    Ok(HttpResponse::Ok().json(super::rules::for_place(&state.db, &place).await?))
}

/// The owner (the county's admins for a county rule, the village's — or its township's and
/// county's — for a village's) changes a rule, or switches it off or on for everyone.
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rule")),
    request_body = RuleUpdate,
    responses(
        (status = 200, body = Rule),
        (status = 400, description = "`invalid_input`: name, points, caps, groups or village_points", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: a shipped rule (set it per county), or one of a region the caller does not manage", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such rule", body = jifen_shared::ApiErrorBody),
    )
)]
#[put("/admin/rules/{id}")]
async fn update_rule(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<RuleUpdate>,
    state: State,
) -> Reply {
    let may_manage = |region: &RegionCode| policy::may(&caller.roles, Action::ManageRules, region);
    let rule =
        retry(async || super::rules::update(&state.db, caller.id, &may_manage, *id, &body).await)
            .await?;
    Ok(HttpResponse::Ok().json(rule))
}

/// A county (for a shipped rule) or a village (for a shipped or county rule) switches the rule
/// off or on for itself, or sets its own points — a village within the bounds its county
/// set. Answers the rule as it now applies there.
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The rule"),
        ("region_code" = String, Path, description = "The county or village", pattern = "^([0-9]{6}|[0-9]{12})$", example = "410783"),
    ),
    request_body = RuleSettingUpdate,
    responses(
        (status = 200, body = Rule),
        (status = 400, description = "`invalid_input`: region_code, points (outside the county's bounds), village_points, or a rule that is not of that region's catalogue or is its own", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of that region", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such rule", body = jifen_shared::ApiErrorBody),
    )
)]
#[put("/admin/rules/{id}/settings/{region_code}")]
async fn set_rule(
    caller: Caller,
    path: web::Path<(i64, String)>,
    body: web::Json<RuleSettingUpdate>,
    state: State,
) -> Reply {
    let (id, code) = path.into_inner();
    let place = rules_place(&caller, &code)?;
    let rule =
        retry(async || super::rules::set(&state.db, caller.id, id, &place, &body).await).await?;
    Ok(HttpResponse::Ok().json(rule))
}

/// A rule's changes as a county or village sees them, newest first (at most 100): its
/// owner's, and the settings of that region and of those above it, with who and when.
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rule"), AdminRulesQuery),
    responses(
        (status = 200, body = Vec<jifen_shared::audit::AuditEntry>),
        (status = 400, description = "`invalid_input`: region_code, or a rule not of its catalogue", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of that region", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such rule", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/admin/rules/{id}/history")]
async fn rule_history(
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<AdminRulesQuery>,
    state: State,
) -> Reply {
    let place = rules_place(&caller, &query.region_code)?;
    Ok(HttpResponse::Ok().json(super::rules::history(&state.db, *id, &place).await?))
}

/// Claims a rule's points (申报积分) with a note and photos (`POST /media` first); a reviewer
/// of the caller's grid decides. Send an `Idempotency-Key`: a retry replays the answer.
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–100 printable ASCII characters, e.g. a UUID")),
    request_body = NewClaim,
    responses(
        (status = 201, body = Claim),
        (status = 400, description = "`invalid_input`: rule_id, note or photo_ids; `photo_required`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not a villager of a village", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`cap_reached`: the rule's daily or monthly cap; `idempotency_conflict`", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/claims")]
async fn create_claim(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<NewClaim>,
    state: State,
) -> Reply {
    let key = idempotency::key_of(&req)?;
    let request = ("POST /claims", &*body);
    let calendar = calendar(&state);
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        let now = now_ms();
        let mut claim = super::claims::create(tx, &calendar, caller.id, &body, now).await?;
        claim.proxy = crate::proxy::record_if_acting(
            tx,
            &calendar,
            &caller,
            || crate::proxy::Done {
                kind: ProxyActionKind::Claim,
                subject: format!("claim:{}", claim.id),
                points: 0,
                summary: claim.rule_name.clone(),
            },
            now,
        )
        .await?;
        Ok((201, claim))
    })
    .await?;
    crate::proxy::after_act(&state, &caller, &stored);
    Ok(stored.respond())
}

/// The caller's claims, newest first, with status and the reviewer's reason.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Claim>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/claims/mine")]
async fn my_claims(caller: Caller, page: web::Query<PageQuery>, state: State) -> Reply {
    let (limit, cursor) = page.parse()?;
    Ok(HttpResponse::Ok().json(super::claims::mine(&state.db, caller.id, cursor, limit).await?))
}

/// The claims of the caller's grids and villages (grid workers, village, township and county
/// admins), with each photo's reuse on other claims flagged.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(ReviewQuery), responses(
    (status = 200, body = Page<Claim>),
    (status = 400, description = "`invalid_input`: status, limit or cursor", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: the caller reviews nowhere", body = jifen_shared::ApiErrorBody),
))]
#[get("/review/claims")]
async fn review_queue(caller: Caller, query: web::Query<ReviewQuery>, state: State) -> Reply {
    if !policy::may_somewhere(&caller.roles, Action::ReviewClaims) {
        return Err(ApiError::forbidden(
            "only grid workers and admins review claims",
        ));
    }
    let status = match query.status.as_deref() {
        None => ClaimStatus::Pending,
        Some(s) => ClaimStatus::parse(s)
            .ok_or_else(|| ApiError::invalid_input("status: pending, approved or rejected"))?,
    };
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let (limit, cursor) = page.parse()?;
    let queue =
        super::claims::review_queue(&state.db, caller.id, &caller.roles, status, cursor, limit)
            .await?;
    Ok(HttpResponse::Ok().json(queue))
}

async fn decide(caller: &Caller, id: i64, decision: Decision, state: &AppState) -> Reply {
    let calendar = calendar(state);
    let claim = state
        .db
        .write(async |tx| {
            super::claims::decide(
                tx,
                &calendar,
                caller.id,
                &caller.roles,
                id,
                &decision,
                now_ms(),
            )
            .await
        })
        .await?;
    Ok(HttpResponse::Ok().json(claim))
}

/// 更正: reverses an approved claim, or one villager's part of an award or deduction, with a
/// compensating transfer, by an admin above whoever approved or awarded it (see
/// `points::corrections`). A take-back never takes the villager below zero: `shortfall` says
/// what could not be taken. Send an `Idempotency-Key`: a retry replays the answer.
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–100 printable ASCII characters, e.g. a UUID")),
    request_body = CorrectionRequest,
    responses(
        (status = 201, body = Correction),
        (status = 400, description = "`invalid_input`: reason or user_id", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin above whoever acted, over the region; the caller's own act or household", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such claim, or no points of the award for that villager", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`already_corrected`; `wrong_state`: the claim is not approved; `person_closed`; `idempotency_conflict`", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/corrections")]
async fn correct(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<CorrectionRequest>,
    state: State,
) -> Reply {
    if !policy::may_somewhere(&caller.roles, Action::CorrectPoints) {
        return Err(ApiError::forbidden(
            "only village, township and county admins correct points",
        ));
    }
    let key = idempotency::key_of(&req)?;
    let request = ("POST /admin/corrections", &*body);
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        Ok((
            201,
            super::corrections::correct(tx, caller.id, &caller.roles, &body, now_ms()).await?,
        ))
    })
    .await?;
    Ok(stored.respond())
}

/// A villager's point movements, newest first, as `GET /points/ledger` answers them to the
/// villager (corrections marked), for the staff who may find the person with
/// `GET /admin/people` (else 404, as `GET /admin/people/{id}`): where an admin finds an award or
/// an approval to correct (更正).
#[utoipa::path(tag = "points", security(("bearer" = [])), params(("id" = i64, Path, description = "The person"), PageQuery), responses(
    (status = 200, body = Page<LedgerEntry>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not staff (grid worker or admin) anywhere", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such person inside the caller's regions", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/people/{id}/ledger")]
async fn person_history(
    caller: Caller,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
    state: State,
) -> Reply {
    if !policy::may_somewhere(&caller.roles, Action::ReadPeople) {
        return Err(ApiError::forbidden("only staff look people up"));
    }
    let (limit, cursor) = page.parse()?;
    let id = id.into_inner();
    crate::people::directory::get(&state.db, caller.id, &caller.roles, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no person {id}")))?;
    Ok(HttpResponse::Ok().json(super::history(&state.db, id, cursor, limit).await?))
}

/// What a correction would do now — the points it would move and any shortfall — with the
/// same checks as `POST /admin/corrections`; nothing changes (the reason may be empty).
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    request_body = CorrectionRequest,
    responses(
        (status = 200, body = Correction),
        (status = 400, description = "`invalid_input`: user_id", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: as for a correction", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`already_corrected`, `wrong_state`, `person_closed`", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/corrections/preview")]
async fn preview_correction(
    caller: Caller,
    body: web::Json<CorrectionRequest>,
    state: State,
) -> Reply {
    if !policy::may_somewhere(&caller.roles, Action::CorrectPoints) {
        return Err(ApiError::forbidden(
            "only village, township and county admins correct points",
        ));
    }
    let mut tx = state.db.reader().begin().await?;
    let preview = super::corrections::preview(&mut tx, caller.id, &caller.roles, &body).await?;
    drop(tx);
    Ok(HttpResponse::Ok().json(preview))
}

/// Approves a claim: its points move from the township's issuance account to the villager,
/// exactly once. Approving it again (a retried tap) answers the claim as it is.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Claim),
    (status = 400, description = "`invalid_input`: id is not a number", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not a reviewer of the claim's grid, or the caller's own or household's claim", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_reviewed`: decided otherwise, or by someone else; `cap_reached`: the villager's cap for the rule today or this month", body = jifen_shared::ApiErrorBody),
))]
#[post("/review/claims/{id}/approve")]
async fn approve_claim(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    decide(&caller, *id, Decision::Approve, &state).await
}

/// Rejects a claim with a reason the villager sees; nothing moves.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RejectClaim, responses(
    (status = 200, body = Claim),
    (status = 400, description = "`invalid_input`: id or reason", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not a reviewer of the claim's grid, or the caller's own or household's claim", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_reviewed`: decided otherwise, by someone else, or with another reason", body = jifen_shared::ApiErrorBody),
))]
#[post("/review/claims/{id}/reject")]
async fn reject_claim(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<RejectClaim>,
    state: State,
) -> Reply {
    decide(
        &caller,
        *id,
        Decision::Reject(body.into_inner().reason),
        &state,
    )
    .await
}

/// The village's points board (积分公示): recent movements with masked names, the official
/// who moved each, and this month's and year's rankings. Public; cached for a minute.
#[utoipa::path(tag = "points", params(("code" = String, Path, description = "a village's 12-digit code", pattern = "^[0-9]{12}$", example = "410783101201")), responses(
    (status = 200, body = Board),
    (status = 400, description = "`invalid_input`: the code is not 12 digits", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: not a loaded village", body = jifen_shared::ApiErrorBody),
))]
#[get("/public/villages/{code}/board")]
async fn board(code: web::Path<String>, state: State) -> Reply {
    let board = super::board::board(&state.db, &calendar(&state), &code, now_ms()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(board))
}
