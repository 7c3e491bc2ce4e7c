//! `GET /api/v1/points/balance`, `GET /api/v1/points/ledger` (the caller's own points),
//! `POST /api/v1/admin/awards` (I), `GET /api/v1/rules` and `POST /api/v1/admin/rules`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use jifen_shared::Page;
use jifen_shared::points::{AwardRequest, AwardResult, LedgerEntry, NewRule, PointsBalance, Rule};
use jifen_shared::regions::RegionCode;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::awards::AwardError;
use super::rules::RuleError;
use crate::auth::caller::Caller;
use crate::http::paging::PageQuery;
use crate::http::{ApiError, AppState, idempotency};
use crate::policy::{self, Action};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(balance)
        .service(history)
        .service(award)
        .service(rules)
        .service(create_rule);
}

impl From<AwardError> for ApiError {
    fn from(e: AwardError) -> Self {
        match e {
            AwardError::OutsideRegion(_) | AwardError::ToSelf => ApiError::forbidden(e.to_string()),
            AwardError::Ledger(e) => {
                tracing::error!(error = %e, "an award could not be booked");
                ApiError::internal()
            }
            AwardError::Storage(e) => e.into(),
            _ => ApiError::invalid_input(e.to_string()),
        }
    }
}

/// The caller's points: available, reserved, earned and spent in total.
#[utoipa::path(tag = "points", security(("bearer" = [])), responses(
    (status = 200, body = PointsBalance),
    (status = 401, description = "`unauthenticated`", body = jifen_shared::ApiErrorBody),
))]
#[get("/points/balance")]
async fn balance(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(super::balance(&state.db, caller.id).await?))
}

/// The caller's point movements, newest first, each with the points held after it.
#[utoipa::path(tag = "points", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<LedgerEntry>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`unauthenticated`", body = jifen_shared::ApiErrorBody),
))]
#[get("/points/ledger")]
async fn history(
    caller: Caller,
    page: web::Query<PageQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
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
        (status = 400, description = "`invalid_input`: user_ids, points or reason", body = jifen_shared::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin, or villagers outside the caller's region", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`idempotency_conflict`: the key was used for another request", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/awards")]
async fn award(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<AwardRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !policy::may_somewhere(&caller.roles, Action::AwardPoints) {
        return Err(ApiError::forbidden(
            "only village, township and county admins award points",
        ));
    }
    let key = idempotency::key_of(&req)?;
    let request = ("POST /admin/awards", &*body);
    let within = |village: &jifen_shared::regions::RegionCode| {
        policy::may(&caller.roles, Action::AwardPoints, village)
    };
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        Ok((
            201,
            super::awards::award(tx, caller.id, &body, &within).await?,
        ))
    })
    .await?;
    Ok(stored.respond())
}

impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        match e {
            RuleError::Taken(..) => {
                ApiError::new(jifen_shared::ErrorCode::AlreadyExists, e.to_string())
            }
            RuleError::Storage(e) => e.into(),
            _ => ApiError::invalid_input(e.to_string()),
        }
    }
}

/// Query of `GET /rules`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct RulesQuery {
    /// The village whose rules to list (the shipped catalogue, its county's and its own).
    village_code: String,
}

/// The rule catalogue (积分事项) of a village, by id; inactive rules included (marked).
/// Public: every villager may read what earns points.
#[utoipa::path(tag = "points", params(RulesQuery), responses(
    (status = 200, body = Vec<Rule>),
    (status = 400, description = "`invalid_input`: village_code", body = jifen_shared::ApiErrorBody),
))]
#[get("/rules")]
async fn rules(
    query: web::Query<RulesQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let village = RegionCode::parse(&query.village_code)
        .ok()
        .filter(|c| c.level() == jifen_shared::regions::RegionLevel::Village)
        .ok_or_else(|| ApiError::invalid_input("village_code: a village's 12-digit code"))?;
    Ok(HttpResponse::Ok().json(super::rules::for_village(&state.db, &village).await?))
}

/// Adds a county's rule (county admins) or a village's own (its admins, or the township's).
#[utoipa::path(
    tag = "points",
    security(("bearer" = [])),
    request_body = NewRule,
    responses(
        (status = 201, body = Rule),
        (status = 400, description = "`invalid_input`: code, name, points, caps or region", body = jifen_shared::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of that region", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`already_exists`: the region has a rule with that code", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/rules")]
async fn create_rule(
    caller: Caller,
    body: web::Json<NewRule>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let region = RegionCode::parse(&body.region_code)
        .map_err(|e| ApiError::invalid_input(format!("region_code: {e}")))?;
    if !policy::may(&caller.roles, Action::ManageRules, &region) {
        return Err(ApiError::forbidden(format!(
            "you are not an admin of {region}"
        )));
    }
    let rule = super::rules::create(&state.db, caller.id, &region, &body).await?;
    Ok(HttpResponse::Created().json(rule))
}
