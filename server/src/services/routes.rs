//! Service-order routes: `GET /services/types`, `PUT /admin/services/types`,
//! `POST /services/orders` (I), `GET /services/orders/mine|tasks|available`,
//! `GET /services/orders/{id}`, `POST /services/orders/{id}/claim|release|complete|cancel|rate`,
//! `GET /admin/services/orders`, `POST /admin/services/orders/{id}/dispatch`,
//! `GET /admin/services/orders/{id}/volunteers`,
//! `GET /admin/rectifications`, `POST /admin/rectifications/{id}/close`,
//! `GET /admin/ratings/summary`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use jifen_shared::regions::RegionCode;
use jifen_shared::services::{
    CloseRectification, Completion, Dispatch, NewOrder, NewRating, Order, RatingsSummary,
    Rectification, ServiceType, ServiceTypeUpdate, VolunteerChoice,
};
use jifen_shared::services::{RectificationsQuery, SummaryQuery, TypesQuery};
use jifen_shared::{ErrorCode, Page};
use utoipa_actix_web::service_config::ServiceConfig;

use super::ServiceError;
use super::orders::{self, List};
use super::ratings;
use crate::auth::caller::Caller;
use crate::http::paging::{CheckPage, PageQuery};
use crate::http::{ApiError, Reply, idempotency};
use crate::startup::State;
use crate::storage::{now_ms, retry};

/// Registers this module's routes (under `/api/v1`). The fixed paths come before
/// `/services/orders/{id}`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(types)
        .service(set_type)
        .service(create)
        .service(mine)
        .service(tasks)
        .service(available)
        .service(one)
        .service(claim)
        .service(release)
        .service(complete)
        .service(cancel)
        .service(rate)
        .service(region_orders)
        .service(dispatch)
        .service(dispatch_choices)
        .service(rectifications)
        .service(close_rectification)
        .service(summary);
}

/// The service types offered in a county, with the volunteer's reward, by id; switched-off
/// ones included (marked). Public.
#[utoipa::path(tag = "services", params(TypesQuery), responses(
    (status = 200, body = Vec<ServiceType>),
    (status = 400, description = "`invalid_input`: region_code", body = jifen_shared::ApiErrorBody),
))]
#[get("/services/types")]
async fn types(query: web::Query<TypesQuery>, state: State) -> Reply {
    let region = crate::catalogue::region_within_county(&query.region_code).ok_or_else(|| {
        ApiError::invalid_input("region_code: a county, township or village code")
    })?;
    Ok(HttpResponse::Ok().json(super::types(&state.db, &region).await?))
}

/// Sets a county's own service type: its reward, name, on or off (county admins).
#[utoipa::path(tag = "services", security(("bearer" = [])), request_body = ServiceTypeUpdate, responses(
    (status = 200, body = ServiceType),
    (status = 400, description = "`invalid_input`: county_code, code, name or reward_points", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of that county", body = jifen_shared::ApiErrorBody),
))]
#[put("/admin/services/types")]
async fn set_type(caller: Caller, body: web::Json<ServiceTypeUpdate>, state: State) -> Reply {
    let entry =
        retry(async || super::set_type(&state.db, caller.id, &caller.roles, &body).await).await?;
    Ok(HttpResponse::Ok().json(entry))
}

/// Orders a service (点单). Send an `Idempotency-Key`: a retried request orders once.
#[utoipa::path(
    tag = "services",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–100 characters; repeats answer the first result")),
    request_body = NewOrder,
    responses(
        (status = 201, body = Order),
        (status = 400, description = "`invalid_input`: type_id, description (1–1000 characters), address, photo_ids", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not a villager", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`idempotency_conflict`", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/services/orders")]
async fn create(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<NewOrder>,
    state: State,
) -> Reply {
    let key = idempotency::key_of(&req)?;
    let request = ("POST /services/orders", &*body);
    let calendar = crate::calendar::Calendar::new(state.settings.timezone.clone());
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        let now = now_ms();
        let mut order = orders::create(tx, caller.id, &body, now).await?;
        order.proxy = crate::proxy::record_if_acting(
            tx,
            &calendar,
            &caller,
            || crate::proxy::Done {
                kind: jifen_shared::proxy::ProxyActionKind::Order,
                subject: format!("order:{}", order.id),
                points: 0,
                summary: order.type_name.clone(),
            },
            now,
        )
        .await?;
        Ok((201, order))
    })
    .await?;
    crate::proxy::after_act(&state, &caller, &stored);
    Ok(stored.respond())
}

async fn page(caller: Caller, which: List, page: web::Query<PageQuery>, state: State) -> Reply {
    let (limit, cursor) = page.parse()?;
    let list = orders::list(&state.db, caller.id, &caller.roles, which, cursor, limit).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The caller's own orders, newest first, each with its timeline.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Order>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/services/orders/mine")]
async fn mine(caller: Caller, q: web::Query<PageQuery>, state: State) -> Reply {
    page(caller, List::Mine, q, state).await
}

/// The orders the caller took as volunteer (我的任务), newest first.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Order>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/services/orders/tasks")]
async fn tasks(caller: Caller, q: web::Query<PageQuery>, state: State) -> Reply {
    page(caller, List::Tasks, q, state).await
}

/// Open orders in the caller's volunteer area (可接订单), newest first; empty for people who
/// are not volunteers.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Order>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/services/orders/available")]
async fn available(caller: Caller, q: web::Query<PageQuery>, state: State) -> Reply {
    page(caller, List::Available, q, state).await
}

/// Orders of the caller's regions (admins), and open escalated orders for whoever handles
/// them (the grid worker from the first escalation), newest first.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Order>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/services/orders")]
async fn region_orders(caller: Caller, q: web::Query<PageQuery>, state: State) -> Reply {
    page(caller, List::Region, q, state).await
}

/// One order with its timeline (to its orderer, its volunteer, volunteers of its area while
/// open, and staff of its region).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Order),
    (status = 404, description = "`not_found`: no such order the caller may see", body = jifen_shared::ApiErrorBody),
))]
#[get("/services/orders/{id}")]
async fn one(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let mut tx = state.db.reader().begin().await?;
    let order = orders::view(&mut tx, *id, caller.id, &caller.roles).await?;
    Ok(HttpResponse::Ok().json(order))
}

/// Claims an open order (接单): exactly one volunteer wins.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Order),
    (status = 403, description = "`forbidden`: outside the caller's volunteer area, not a villager, or the caller's own or household's order; `own_proxy_action`: the caller ordered it for the villager as their 代办员", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_claimed`: another volunteer took it, or it is no longer open", body = jifen_shared::ApiErrorBody),
))]
#[post("/services/orders/{id}/claim")]
async fn claim(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let order = retry(async || orders::claim(&state.db, &caller, *id, now_ms()).await).await?;
    Ok(HttpResponse::Ok().json(order))
}

/// Gives a claimed order back to the open list (its volunteer).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Order),
    (status = 403, description = "`forbidden`: not its volunteer", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`wrong_state`: not claimed", body = jifen_shared::ApiErrorBody),
))]
#[post("/services/orders/{id}/release")]
async fn release(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let order = retry(async || orders::release(&state.db, &caller, *id, now_ms()).await).await?;
    Ok(HttpResponse::Ok().json(order))
}

/// Completes a claimed order with a note and photos (its volunteer).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Completion, responses(
    (status = 200, body = Order),
    (status = 400, description = "`invalid_input`: note (1–1000 characters), photo_ids", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not the volunteer who claimed it", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`wrong_state`: not claimed", body = jifen_shared::ApiErrorBody),
))]
#[post("/services/orders/{id}/complete")]
async fn complete(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Completion>,
    state: State,
) -> Reply {
    let order =
        retry(async || orders::complete(&state.db, &caller, *id, &body, now_ms()).await).await?;
    Ok(HttpResponse::Ok().json(order))
}

/// Cancels an open order (its orderer).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Order),
    (status = 403, description = "`forbidden`: not the orderer", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`not_cancellable`: already claimed or completed", body = jifen_shared::ApiErrorBody),
))]
#[post("/services/orders/{id}/cancel")]
async fn cancel(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    match retry(async || orders::cancel(&state.db, &caller, *id, now_ms()).await).await {
        Ok(order) => Ok(HttpResponse::Ok().json(order)),
        Err(e @ ServiceError::WrongStatus { .. }) => {
            Err(ApiError::new(ErrorCode::NotCancellable, e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Rates a completed order (评单): 1–5 stars and a comment (its orderer).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NewRating, responses(
    (status = 200, body = Order),
    (status = 400, description = "`invalid_input`: stars 1–5, comment at most 500 characters", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not the orderer; `own_proxy_action`: a proxy rating the order they served", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_rated`; `wrong_state`: not completed", body = jifen_shared::ApiErrorBody),
))]
#[post("/services/orders/{id}/rate")]
async fn rate(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NewRating>,
    state: State,
) -> Reply {
    let calendar = crate::calendar::Calendar::new(state.settings.timezone.clone());
    let order =
        retry(async || ratings::rate(&state.db, &calendar, &caller, *id, &body, now_ms()).await)
            .await?;
    if caller.proxy.is_some()
        && let Some(note) = order.rating.as_ref().and_then(|r| r.proxy.as_ref())
    {
        crate::proxy::send_receipt(&state.db, &state.sms, &note.receipt_no);
    }
    Ok(HttpResponse::Ok().json(order))
}

/// Dispatches an open order to a volunteer of its area (派单): admins of its region, and the
/// grid worker of its grid once it has escalated to them. Dispatching again to the same
/// volunteer answers the order.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Dispatch, responses(
    (status = 200, body = Order),
    (status = 400, description = "`invalid_input`: the person is not a volunteer serving the order's village", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin there nor the grid worker of its grid, or the person is of the orderer's household; `own_proxy_action`: the person ordered it for the villager as their 代办员", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such order the caller sees", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_claimed`: another volunteer has it, or it is no longer open; `not_escalated`: the grid worker's, before the order escalated to them", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/services/orders/{id}/dispatch")]
async fn dispatch(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Dispatch>,
    state: State,
) -> Reply {
    let order = retry(async || {
        orders::dispatch(&state.db, &caller, *id, body.volunteer_id, now_ms()).await
    })
    .await?;
    Ok(HttpResponse::Ok().json(order))
}

/// The volunteers an order may be dispatched to (the volunteers serving its village, open
/// accounts, neither the orderer nor of their household), fewest open tasks first, with masked
/// phones: for whoever may dispatch it.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<VolunteerChoice>),
    (status = 403, description = "`forbidden`: sees the order but may not dispatch it", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such order the caller sees", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`not_escalated`: the grid worker's, before the order escalated to them", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/services/orders/{id}/volunteers")]
async fn dispatch_choices(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let choices = orders::dispatch_choices(&state.db, &caller, *id).await?;
    Ok(HttpResponse::Ok().json(choices))
}

/// The rectifications (整改) of the caller's regions, newest first (admins).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(RectificationsQuery), responses(
    (status = 200, body = Vec<Rectification>),
    (status = 400, description = "`invalid_input`: status", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/rectifications")]
async fn rectifications(
    caller: Caller,
    query: web::Query<RectificationsQuery>,
    state: State,
) -> Reply {
    let status = query.status.as_deref();
    if !matches!(status, None | Some("open") | Some("closed")) {
        return Err(ApiError::invalid_input("status: open or closed"));
    }
    Ok(HttpResponse::Ok().json(ratings::rectifications(&state.db, &caller.roles, status).await?))
}

/// Closes a rectification with what was done (admins of its village, township or county).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CloseRectification, responses(
    (status = 200, body = Rectification),
    (status = 400, description = "`invalid_input`: follow_up (1–1000 characters)", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such rectification in the caller's regions", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`wrong_state`: already closed", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/rectifications/{id}/close")]
async fn close_rectification(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<CloseRectification>,
    state: State,
) -> Reply {
    let r = retry(async || {
        ratings::close_rectification(&state.db, caller.id, &caller.roles, *id, &body, now_ms())
            .await
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// 好差评 of a region and each region one level down: counts, average stars, rectifications
/// open and closed in time (admins).
#[utoipa::path(tag = "services", security(("bearer" = [])), params(SummaryQuery), responses(
    (status = 200, body = RatingsSummary),
    (status = 400, description = "`invalid_input`: region_code, month", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the region", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/ratings/summary")]
async fn summary(caller: Caller, query: web::Query<SummaryQuery>, state: State) -> Reply {
    let region = RegionCode::parse(&query.region_code)
        .map_err(|_| ApiError::invalid_input("region_code: a county, township or village code"))?;
    let calendar = crate::calendar::Calendar::new(state.settings.timezone.clone());
    let summary = ratings::summary(
        &state.db,
        &calendar,
        &caller.roles,
        &region,
        query.month.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(summary))
}
