//! Recycling routes: `GET /recycling/categories`, `PUT /admin/recycling/categories` and
//! `POST /shop/recycling` (I).

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use jifen_shared::recycling::CategoriesQuery;
use jifen_shared::recycling::{CategoryUpdate, Dropoff, NewDropoff, RecyclingCategory};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::Caller;
use crate::http::{ApiError, Reply, idempotency};
use crate::startup::State;
use crate::storage::{now_ms, retry};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(categories)
        .service(set_category)
        .service(drop_off);
}

/// The recycling categories in use in a county (垃圾—积分—商品), with their rates, by id;
/// switched-off ones included (marked). Public: everyone may read what waste earns.
#[utoipa::path(tag = "recycling", params(CategoriesQuery), responses(
    (status = 200, body = Vec<RecyclingCategory>),
    (status = 400, description = "`invalid_input`: region_code", body = jifen_shared::ApiErrorBody),
))]
#[get("/recycling/categories")]
async fn categories(query: web::Query<CategoriesQuery>, state: State) -> Reply {
    let region = crate::catalogue::region_within_county(&query.region_code).ok_or_else(|| {
        ApiError::invalid_input("region_code: a county, township or village code")
    })?;
    Ok(HttpResponse::Ok().json(super::categories(&state.db, &region).await?))
}

/// Sets a county's own category: its rate, its name, on or off (county admins).
#[utoipa::path(tag = "recycling", security(("bearer" = [])), request_body = CategoryUpdate, responses(
    (status = 200, body = RecyclingCategory),
    (status = 400, description = "`invalid_input`: county_code, code, name or points_per_kg", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of that county", body = jifen_shared::ApiErrorBody),
))]
#[put("/admin/recycling/categories")]
async fn set_category(caller: Caller, body: web::Json<CategoryUpdate>, state: State) -> Reply {
    let category =
        retry(async || super::set_category(&state.db, caller.id, &caller.roles, &body).await)
            .await?;
    Ok(HttpResponse::Ok().json(category))
}

/// Records a drop-off weighed at the counter and credits the villager (keepers of that
/// shop). Send an `Idempotency-Key`: a retried request credits once and answers the same.
#[utoipa::path(
    tag = "recycling",
    security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Required: 1–100 characters; repeats answer the first result")),
    request_body = NewDropoff,
    responses(
        (status = 201, body = Dropoff),
        (status = 400, description = "`invalid_input`: Idempotency-Key missing, lines (1–10, 1 g–1 t, each category once, in use in the county), villager; `invalid_phone`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not a keeper of the shop, or the keeper's own household", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such shop; nobody the shop serves has the member code, card or phone", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`idempotency_conflict`; `card_revoked`: the member card was reported lost; `person_closed`: the card's account is closed", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/shop/recycling")]
async fn drop_off(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<NewDropoff>,
    state: State,
) -> Reply {
    // Crediting points is never done without a key: a double tap must not credit twice.
    let key = idempotency::key_of(&req)?.ok_or_else(|| {
        ApiError::invalid_input("Idempotency-Key: required (one per drop-off, reused on retries)")
    })?;
    let request = ("POST /shop/recycling", &*body);
    let stored = idempotency::run(&state.db, caller.id, Some(&key), &request, async |tx| {
        let dropoff =
            super::drop_off(tx, &state.keys, caller.id, &caller.roles, &body, now_ms()).await?;
        Ok((201, dropoff))
    })
    .await?;
    Ok(stored.respond())
}
