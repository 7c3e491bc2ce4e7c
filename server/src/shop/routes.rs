//! The points supermarket's routes: `GET /shops`, `POST /admin/shops`,
//! `POST /admin/shops/{id}/keepers`, `GET /shops/{id}/goods`, `POST /admin/shops/{id}/goods`,
//! `PUT /admin/goods/{id}`, `POST /admin/goods/{id}/stock`, `POST /redemptions` (I),
//! `GET /redemptions/mine`, `POST /redemptions/{id}/cancel`, `POST /shop/scan`,
//! `POST /shop/redemptions/{id}/fulfil`; the counter's `GET /me/member-code`,
//! `GET /shop/kept`, `POST /shop/identify`; the reports `GET /shop/{id}/today` and
//! `GET /shop/settlements`; the admin's `GET /admin/shops`, `GET /admin/shops/{id}`,
//! `PUT /admin/shops/{id}`, `DELETE /admin/shops/{id}/keepers/{user_id}`,
//! `GET /admin/low-stock` and `GET /admin/goods/{id}/movements`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use jifen_shared::Page;
use jifen_shared::recycling::{DaySummary, IdentifiedVillager, IdentifyRequest, MemberCode};
use jifen_shared::regions::{RegionCode, RegionLevel};
use jifen_shared::shop::{AdminShopsQuery, SettlementsQuery, ShopsQuery};
use jifen_shared::shop::{
    Created, Goods, GoodsUpdate, Keepers, NewGoods, NewKeeper, NewRedemption, NewShop, Redemption,
    ScanRequest, Settlements, Shop, StockChange,
};
use jifen_shared::shop::{LowStockGoods, NewShopPayment, ShopDetail, ShopSettlement, ShopSummary};
use jifen_shared::shop::{ShopUpdate, StockMovement};
use utoipa_actix_web::service_config::ServiceConfig;

use super::reports::{self};
use crate::auth::caller::Caller;
use crate::calendar::Calendar;
use crate::http::paging::{CheckPage, PageQuery};
use crate::http::{ApiError, Reply, idempotency};
use crate::startup::State;
use crate::storage::{now_ms, retry};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(shops)
        .service(create_shop)
        .service(add_keeper)
        .service(list_goods)
        .service(create_goods)
        .service(update_goods)
        .service(change_stock)
        .service(reserve)
        .service(mine)
        .service(cancel)
        .service(scan)
        .service(fulfil)
        .service(member_code)
        .service(kept)
        .service(identify)
        .service(today)
        .service(settlements)
        .service(pay)
        .service(admin_shops)
        .service(shop_detail)
        .service(update_shop)
        .service(remove_keeper)
        .service(low_stock)
        .service(movements);
}

/// The shops serving a village: its own and its township's, by id. Public.
#[utoipa::path(tag = "shop", params(ShopsQuery), responses(
    (status = 200, body = Vec<Shop>),
    (status = 400, description = "`invalid_input`: village_code", body = jifen_shared::ApiErrorBody),
))]
#[get("/shops")]
async fn shops(query: web::Query<ShopsQuery>, state: State) -> Reply {
    let village = RegionCode::parse(&query.village_code)
        .ok()
        .filter(|c| c.level() == RegionLevel::Village)
        .ok_or_else(|| ApiError::invalid_input("village_code: a village's 12-digit code"))?;
    Ok(HttpResponse::Ok().json(super::shops_for(&state.db, &village).await?))
}

/// Opens a shop of a village or township (its admins, or the county's), with its own ledger
/// account; audited.
#[utoipa::path(tag = "shop", security(("bearer" = [])), request_body = NewShop, responses(
    (status = 201, body = Created),
    (status = 400, description = "`invalid_input`: name or village_code", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of that region", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_exists`: the region has a shop of that name", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/shops")]
async fn create_shop(caller: Caller, body: web::Json<NewShop>, state: State) -> Reply {
    let created =
        retry(async || super::create_shop(&state.db, caller.id, &caller.roles, &body).await)
            .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Appoints a keeper of this shop: the `keeper` role over the shop's region, and keeper of
/// this shop only (keeper authority is per shop); audited.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NewKeeper, responses(
    (status = 200, body = Keepers),
    (status = 400, description = "`invalid_input`", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the shop's region, or the person is outside it", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop or person", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/shops/{id}/keepers")]
async fn add_keeper(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NewKeeper>,
    state: State,
) -> Reply {
    let keepers =
        retry(async || super::add_keeper(&state.db, caller.id, &caller.roles, *id, &body).await)
            .await?;
    Ok(HttpResponse::Ok().json(keepers))
}

/// The goods on offer at a shop (active ones), by id. Public.
#[utoipa::path(tag = "shop", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<Goods>),
    (status = 400, description = "`invalid_input`: id", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
))]
#[get("/shops/{id}/goods")]
async fn list_goods(id: web::Path<i64>, state: State) -> Reply {
    Ok(HttpResponse::Ok().json(super::goods_of(&state.db, *id).await?))
}

/// Adds goods to a shop (admins of its region). Points prices sit below market value:
/// `points_price × 10 ≤ market_price_fen` (a point reckoned at 10 fen).
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–100 printable ASCII characters: a retry adds the goods once")), request_body = NewGoods, responses(
    (status = 201, body = Goods),
    (status = 400, description = "`invalid_input`: name, prices, stock, per_person_limit or photo_id", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the shop's region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/shops/{id}/goods")]
async fn create_goods(
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<NewGoods>,
    state: State,
) -> Reply {
    let key = idempotency::key_of(&req)?;
    let request = ("POST /admin/shops/{id}/goods", *id, &*body);
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        let goods =
            super::create_goods(&state.db, tx, caller.id, &caller.roles, *id, &body).await?;
        Ok((201, goods))
    })
    .await?;
    Ok(stored.respond())
}

/// Changes the price and terms of goods from now on, or takes them off the shelf
/// (`active: false`); reservations already made keep their prices. Audited.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path)), request_body = GoodsUpdate, responses(
    (status = 200, body = Goods),
    (status = 400, description = "`invalid_input`: prices or per_person_limit", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the shop's region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such goods", body = jifen_shared::ApiErrorBody),
))]
#[put("/admin/goods/{id}")]
async fn update_goods(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<GoodsUpdate>,
    state: State,
) -> Reply {
    let goods =
        retry(async || super::update_goods(&state.db, caller.id, &caller.roles, *id, &body).await)
            .await?;
    Ok(HttpResponse::Ok().json(goods))
}

/// Changes stock: restock (+), write-off (−) or correction (either); recorded with who and
/// why, audited; never below zero.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–100 printable ASCII characters: a retry changes stock once")), request_body = StockChange, responses(
    (status = 200, body = Goods),
    (status = 400, description = "`invalid_input`: delta, reason or note", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the shop's region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such goods", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`out_of_stock`: the stock would go below zero", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/goods/{id}/stock")]
async fn change_stock(
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<StockChange>,
    state: State,
) -> Reply {
    let key = idempotency::key_of(&req)?;
    let request = ("POST /admin/goods/{id}/stock", *id, &*body);
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        let goods =
            super::change_stock(&state.db, tx, caller.id, &caller.roles, *id, &body).await?;
        Ok((200, goods))
    })
    .await?;
    Ok(stored.respond())
}

/// Reserves points and stock for goods of a shop serving the caller's village: answers the
/// QR token and short code to show at the counter, and each line at the price of this
/// moment. Send an `Idempotency-Key`: a retry replays the answer.
#[utoipa::path(
    tag = "shop",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–100 printable ASCII characters, e.g. a UUID")),
    request_body = NewRedemption,
    responses(
        (status = 201, body = Redemption),
        (status = 400, description = "`invalid_input`: items (qty 1–100, each goods once, sold at this shop)", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not a villager, or the shop does not serve the caller's village", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`insufficient_points`, `out_of_stock`, `limit_reached`, `goods_unavailable`, `idempotency_conflict`", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/redemptions")]
async fn reserve(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<NewRedemption>,
    state: State,
) -> Reply {
    let key = idempotency::key_of(&req)?;
    let request = ("POST /redemptions", &*body);
    let calendar = Calendar::new(state.settings.timezone.clone());
    let ttl_ms = i64::from(state.settings.redemption_ttl_hours) * 3_600_000;
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        let now = now_ms();
        let mut redemption =
            super::redemptions::reserve(tx, &state.keys, &calendar, ttl_ms, caller.id, &body, now)
                .await?;
        redemption.proxy = crate::proxy::record_if_acting(
            tx,
            &calendar,
            &caller,
            || crate::proxy::Done {
                kind: jifen_shared::proxy::ProxyActionKind::Redemption,
                subject: format!("redemption:{}", redemption.id),
                points: redemption.points,
                summary: redemption
                    .items
                    .iter()
                    .map(|i| format!("{} ×{}", i.name, i.qty))
                    .collect::<Vec<_>>()
                    .join("、"),
            },
            now,
        )
        .await?;
        Ok((201, redemption))
    })
    .await?;
    crate::proxy::after_act(&state, &caller, &stored);
    Ok(stored.respond())
}

/// The caller's redemptions, newest first, with status; the QR token and short code while
/// reserved.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Redemption>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/redemptions/mine")]
async fn mine(caller: Caller, page: web::Query<PageQuery>, state: State) -> Reply {
    let (limit, cursor) = page.parse()?;
    let page = super::redemptions::mine(&state.db, &state.keys, caller.id, cursor, limit, now_ms())
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Cancels the caller's reserved redemption: points and stock return.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Redemption),
    (status = 400, description = "`invalid_input`: id", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such redemption of the caller", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`not_cancellable`: fulfilled or expired", body = jifen_shared::ApiErrorBody),
))]
#[post("/redemptions/{id}/cancel")]
async fn cancel(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let redemption = retry(async || {
        super::redemptions::cancel(&state.db, &state.keys, caller.id, *id, now_ms()).await
    })
    .await?;
    Ok(HttpResponse::Ok().json(redemption))
}

/// The keeper's preview at the counter, by a reservation's QR token or short code, or by the
/// villager's member code or card number (their reservation to collect here that lapses
/// first): the villager's masked name, items and points (keepers of that shop only).
#[utoipa::path(tag = "shop", security(("bearer" = [])), request_body = ScanRequest, responses(
    (status = 200, body = Redemption),
    (status = 400, description = "`invalid_input`: not exactly one of qr_token, short_code and card_no; a card number without its check digit", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not a keeper of the redemption's shop; `own_proxy_action`: the keeper reserved it as the villager's 代办员", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: forged or tampered token, unknown code or card; the villager has nothing reserved to collect", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_fulfilled`; `card_revoked`: the member card was reported lost; `person_closed`: the card's account is closed", body = jifen_shared::ApiErrorBody),
    (status = 410, description = "`expired`: lapsed or cancelled; points and stock returned", body = jifen_shared::ApiErrorBody),
))]
#[post("/shop/scan")]
async fn scan(caller: Caller, body: web::Json<ScanRequest>, state: State) -> Reply {
    let redemption = retry(async || {
        let roles = &caller.roles;
        super::redemptions::scan(&state.db, &state.keys, caller.id, roles, &body, now_ms()).await
    })
    .await?;
    Ok(HttpResponse::Ok().json(redemption))
}

/// Hands the goods over: the reserved points go to the shop, exactly once whoever else
/// taps at the same moment.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Redemption),
    (status = 400, description = "`invalid_input`: id", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not a keeper of the redemption's shop; `own_proxy_action`: the keeper reserved it as the villager's 代办员", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_fulfilled`", body = jifen_shared::ApiErrorBody),
    (status = 410, description = "`expired`: lapsed or cancelled; points and stock returned", body = jifen_shared::ApiErrorBody),
))]
#[post("/shop/redemptions/{id}/fulfil")]
async fn fulfil(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let redemption = retry(async || {
        let roles = &caller.roles;
        super::redemptions::fulfil(&state.db, &state.keys, caller.id, roles, *id, now_ms()).await
    })
    .await?;
    Ok(HttpResponse::Ok().json(redemption))
}

/// The caller's member code (会员码): show it as a QR code at the counter to be credited for
/// recyclables. The same code every time.
#[utoipa::path(tag = "recycling", security(("bearer" = [])), responses(
    (status = 200, body = MemberCode),
))]
#[get("/me/member-code")]
async fn member_code(caller: Caller, state: State) -> Reply {
    let code = super::counter::member_code(&state.db, &state.keys, caller.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(code))
}

/// The shops the caller keeps (超市管理员), by id; empty for everyone else.
#[utoipa::path(tag = "shop", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Shop>),
))]
#[get("/shop/kept")]
async fn kept(caller: Caller, state: State) -> Reply {
    let kept = super::kept_shops(&state.db, caller.id, &caller.roles).await?;
    Ok(HttpResponse::Ok().json(kept))
}

/// Names the villager at the counter by member code or phone (keepers of that shop): the
/// masked name and village, to check before weighing.
#[utoipa::path(tag = "recycling", security(("bearer" = [])), request_body = IdentifyRequest, responses(
    (status = 200, body = IdentifiedVillager),
    (status = 400, description = "`invalid_input`: give one of member_code, phone and card_no; a card number without its check digit; `invalid_phone`", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not a keeper of the shop", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop; nobody the shop serves has the member code, card or phone", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`card_revoked`: the member card was reported lost; `person_closed`: the card's account is closed", body = jifen_shared::ApiErrorBody),
))]
#[post("/shop/identify")]
async fn identify(caller: Caller, body: web::Json<IdentifyRequest>, state: State) -> Reply {
    let villager =
        super::counter::preview(&state.db, &state.keys, caller.id, &caller.roles, &body).await?;
    Ok(HttpResponse::Ok().json(villager))
}

/// The shop's day so far in the county (今日汇总): redemptions handed over and their goods,
/// drop-offs weighed and their weights (the shop's keepers and the admins of its region).
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = DaySummary),
    (status = 403, description = "`forbidden`: neither keeper nor admin of the shop", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
))]
#[get("/shop/{id}/today")]
async fn today(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let calendar = Calendar::new(state.settings.timezone.clone());
    let day = reports::day(
        &state.db,
        &calendar,
        caller.id,
        &caller.roles,
        *id,
        now_ms(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(day))
}

/// The monthly statements (结算单) of every shop the caller keeps or manages: redemptions
/// handed over in the county month, points collected, goods and their market value — what the
/// township pays each shop. `format=csv` or `xlsx` downloads them as a file.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(SettlementsQuery), responses(
    (status = 200, description = "JSON; with `format=csv` a `text/csv` file, with `format=xlsx` an Excel workbook", content(
        (Settlements = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 400, description = "`invalid_input`: month or format", body = jifen_shared::ApiErrorBody),
))]
#[get("/shop/settlements")]
async fn settlements(caller: Caller, query: web::Query<SettlementsQuery>, state: State) -> Reply {
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(ApiError::invalid_input("format: json, csv or xlsx"));
    }
    let calendar = Calendar::new(state.settings.timezone.clone());
    let s = reports::settlements(
        &state.db,
        &calendar,
        (caller.id, &caller.roles),
        &query.month,
        now_ms(),
    )
    .await?;
    let (bytes, content_type) = match format {
        "csv" => (
            reports::to_csv(&s).map_err(|e| {
                ApiError::internal_because("the statement could not be written as CSV", e)
            })?,
            "text/csv; charset=utf-8",
        ),
        "xlsx" => (
            reports::to_xlsx(&s).map_err(|e| {
                ApiError::internal_because("the statement could not be written as XLSX", e)
            })?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return Ok(HttpResponse::Ok().json(s)),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"settlement-{}.{format}\"", s.month),
        ))
        .body(bytes))
}

/// Marks a shop's month paid (结算): township or county admins over the shop, a month that is
/// over, paid once and in order. Locks the month's statement and moves its points from the
/// shop's account to the township's settlement account (see `shop::payments`); answers the
/// statement as paid. Send an `Idempotency-Key`: a retry replays the answer.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–100 printable ASCII characters, e.g. a UUID")), request_body = NewShopPayment, responses(
    (status = 200, body = ShopSettlement),
    (status = 400, description = "`invalid_input`: month, reference or paid_on", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not a township or county admin over the shop", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_paid` (this month, or a later one that paid it); `month_not_over`; `earlier_month_unpaid` (the message names it); `wrong_state`: nothing to pay; `idempotency_conflict`", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/shops/{id}/payments")]
async fn pay(
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<NewShopPayment>,
    state: State,
) -> Reply {
    let key = idempotency::key_of(&req)?;
    let calendar = Calendar::new(state.settings.timezone.clone());
    let request = ("POST /admin/shops/{id}/payments", *id, &*body);
    let stored = idempotency::run(&state.db, caller.id, key.as_deref(), &request, async |tx| {
        let actor = (caller.id, caller.roles.as_slice());
        let paid = super::payments::pay(tx, &calendar, actor, *id, &body, now_ms()).await?;
        Ok((200, paid))
    })
    .await?;
    Ok(stored.respond())
}

/// The shops of a village, township or county the caller administers and of the regions
/// inside it, closed ones too, with their goods, low-stock and keeper counts; by region and id.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(AdminShopsQuery), responses(
    (status = 200, body = Vec<ShopSummary>),
    (status = 400, description = "`invalid_input`: region_code", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the region", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/shops")]
async fn admin_shops(caller: Caller, query: web::Query<AdminShopsQuery>, state: State) -> Reply {
    let list = super::admin_shops(&state.db, &caller.roles, &query.region_code).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A shop for its admins: all its goods (off the shelf too) with stock, photo and threshold,
/// and its keepers by name.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ShopDetail),
    (status = 403, description = "`forbidden`: not an admin of the shop's region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/shops/{id}")]
async fn shop_detail(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    let detail = super::shop_detail(&state.db, &caller.roles, *id).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Renames a shop, closes it (停业: not listed to villagers, no new reservations; those
/// already made are still handed over or cancelled) or opens it again. Audited.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ShopUpdate, responses(
    (status = 200, body = ShopSummary),
    (status = 400, description = "`invalid_input`: name", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the shop's region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_exists`: another shop of the region has the name", body = jifen_shared::ApiErrorBody),
))]
#[put("/admin/shops/{id}")]
async fn update_shop(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<ShopUpdate>,
    state: State,
) -> Reply {
    let shop =
        retry(async || super::update_shop(&state.db, caller.id, &caller.roles, *id, &body).await)
            .await?;
    Ok(HttpResponse::Ok().json(shop))
}

/// Removes a keeper of a shop (and their keeper role over the shop's region when they keep no
/// other shop there). Audited; removing someone who is not a keeper changes nothing.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path), ("user_id" = i64, Path)), responses(
    (status = 200, body = Keepers),
    (status = 403, description = "`forbidden`: not an admin of the shop's region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such shop", body = jifen_shared::ApiErrorBody),
))]
#[delete("/admin/shops/{id}/keepers/{user_id}")]
async fn remove_keeper(caller: Caller, path: web::Path<(i64, i64)>, state: State) -> Reply {
    let (id, user_id) = *path;
    let keepers = retry(async || {
        super::remove_keeper(&state.db, caller.id, &caller.roles, id, user_id).await
    })
    .await?;
    Ok(HttpResponse::Ok().json(keepers))
}

/// The goods on the shelf of the region's open shops at or below their low-stock threshold,
/// the emptiest first (at most 500).
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(AdminShopsQuery), responses(
    (status = 200, body = Vec<LowStockGoods>),
    (status = 400, description = "`invalid_input`: region_code", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the region", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/low-stock")]
async fn low_stock(caller: Caller, query: web::Query<AdminShopsQuery>, state: State) -> Reply {
    let list = super::low_stock(&state.db, &caller.roles, &query.region_code).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A goods item's stock changes by staff (initial stock, restocks, corrections, write-offs):
/// who, when, how many, why and the stock after; newest first.
#[utoipa::path(tag = "shop", security(("bearer" = [])), params(("id" = i64, Path), PageQuery), responses(
    (status = 200, body = Page<StockMovement>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the shop's region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such goods", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/goods/{id}/movements")]
async fn movements(
    caller: Caller,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
    state: State,
) -> Reply {
    let (limit, cursor) = page.parse()?;
    let page = super::movements(&state.db, &caller.roles, *id, cursor, limit).await?;
    Ok(HttpResponse::Ok().json(page))
}
