//! `GET /api/v1/points/balance`, `GET /api/v1/points/ledger` (the caller's own points) and
//! `POST /api/v1/admin/awards` (I).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use jifen_shared::Page;
use jifen_shared::points::{AwardRequest, AwardResult, LedgerEntry, PointsBalance};
use utoipa_actix_web::service_config::ServiceConfig;

use super::awards::AwardError;
use crate::auth::caller::Caller;
use crate::http::paging::PageQuery;
use crate::http::{ApiError, AppState, idempotency};
use crate::policy::{self, Action};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(balance).service(history).service(award);
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
