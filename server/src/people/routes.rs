//! The registry over HTTP, for staff: `POST /api/v1/admin/villagers/import` (the villager
//! CSV), `GET /api/v1/admin/people` and `GET /api/v1/admin/people/{id}` (look people up) and `POST /api/v1/admin/grids/{code}/members`
//! (place villagers in a grid); one villager edited, their phone changed, their account closed
//! (`PUT /api/v1/admin/people/{id}`, `POST …/phone`, `GET …/closing`, `POST …/close`).

use actix_web::{HttpResponse, get, post, put, web};
use jifen_shared::Page;
use jifen_shared::people::PeopleQuery as PeopleParams;
use jifen_shared::people::{
    BalanceDestination, CloseAccount, ClosedAccount, PersonUpdate, PhoneChange,
};
use jifen_shared::people::{GridMembers, GridMembersAssigned, PersonListing, VillagerImportReport};
use jifen_shared::regions::RegionCode;
use utoipa_actix_web::service_config::ServiceConfig;

use super::directory::{self, PeopleQuery};
use super::import::import_villagers;
use super::phone::Phone;
use super::villager;
use crate::auth::caller::Caller;
use crate::http::paging::{CheckPage, PageQuery};
use crate::http::{ApiError, Reply};
use crate::policy::{self, Action};
use crate::startup::State;
use crate::storage::retry;

/// The largest CSV accepted: 16 MiB (a township's villagers are a few hundred KiB).
const CSV_LIMIT: usize = 16 * 1024 * 1024;

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(CSV_LIMIT))
        .service(import)
        .service(list)
        .service(get_person)
        .service(assign_grid_members)
        .service(create_person)
        .service(update_person)
        .service(change_phone)
        .service(closing_preview)
        .service(close_person);
}

/// Imports a villager CSV (columns name, phone, village_code, grid_code, household, tags).
/// Rows of villages outside the caller's admin regions are rejected with `outside_region`;
/// every other bad row with its own code; good rows are kept. Importing the same file twice
/// changes nothing.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = VillagerImportReport),
        (status = 400, description = "`invalid_input`: not a villager CSV", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of any village, township or county", body = jifen_shared::ApiErrorBody),
        (status = 413, description = "`too_large`: over 16 MiB", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/villagers/import")]
async fn import(caller: Caller, body: web::Bytes, state: State) -> Reply {
    if !policy::may_somewhere(&caller.roles, Action::ManagePeople) {
        return Err(ApiError::forbidden(
            "only village, township and county admins import villagers",
        ));
    }
    let within = |village: &jifen_shared::regions::RegionCode| {
        policy::may(&caller.roles, Action::ManagePeople, village)
    };
    let report = import_villagers(&state.db, &body, Some(caller.id), &within).await?;
    if let Some(region) = policy::admin_regions(&caller.roles).next() {
        let record = crate::audit::Record {
            actor_id: Some(caller.id),
            action: "villagers.import",
            region: &region,
            target: "villagers".into(),
            before: None,
            after: Some(serde_json::json!({
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": report.errors.len(),
            })),
        };
        crate::audit::record_alone(&state.db, record).await?;
    }
    Ok(HttpResponse::Ok().json(report))
}

/// Looks people up in the registry of a region, ordered by id: for admins of the region and
/// grid workers of the grid. Phone numbers are full only for the staff of the person's village
/// (see `phone_masked`).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(PeopleParams),
    responses(
        (status = 200, body = Page<PersonListing>),
        (status = 400, description = "`invalid_input` (region_code, q, limit, cursor) or `invalid_phone`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not staff of that region", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/admin/people")]
async fn list(
    caller: Caller,
    params: web::Query<PeopleParams>,
    page: web::Query<PageQuery>,
    state: State,
) -> Reply {
    let region = caller.region_for(
        Action::ReadPeople,
        params.region_code.as_deref(),
        "only staff look people up",
        "staff",
    )?;
    let phone = params.phone.as_deref().map(Phone::parse).transpose()?;
    let name_part = match params.q.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(q) => Some(
            crate::text::name(q, super::import::MAX_NAME_CHARS)
                .map_err(|e| ApiError::invalid_input(format!("q: {e}")))?,
        ),
    };
    let (limit, after_id) = page.parse()?;
    let query = PeopleQuery {
        region: &region,
        phone: phone.as_ref(),
        name_part: name_part.as_deref(),
        closed: params.closed.unwrap_or(false),
        after_id,
        limit,
    };
    let page = directory::list(&state.db, caller.id, &caller.roles, &query).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One person of the registry, to the staff who may find them with `GET /admin/people`: their
/// village, grid or one of their roles lies inside the caller's region. Phone numbers are
/// masked as in the list. Anyone else of the staff is told there is no such person.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person")),
    responses(
        (status = 200, body = PersonListing),
        (status = 403, description = "`forbidden`: not staff (grid worker or admin) anywhere", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such person inside the caller's regions", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/admin/people/{id}")]
async fn get_person(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    if !policy::may_somewhere(&caller.roles, Action::ReadPeople) {
        return Err(ApiError::forbidden("only staff look people up"));
    }
    let id = id.into_inner();
    let person = directory::get(&state.db, caller.id, &caller.roles, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no person {id}")))?;
    Ok(HttpResponse::Ok().json(person))
}

/// Places villagers of the grid's village in the grid (网格划分), all or none; for admins of
/// the village or above. People already in it count as unchanged, so repeating is harmless.
/// The grid's worker is appointed with `POST /admin/users/{id}/roles` (`grid_worker`).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The grid, `<village code>-<NNN>`", pattern = "^[0-9]{12}-[0-9]{3}$", example = "410783101201-001")),
    request_body = GridMembers,
    responses(
        (status = 200, body = GridMembersAssigned),
        (status = 400, description = "`invalid_input`: not a grid, no ids, over 1,000 ids, or people not of the grid's village", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of the grid's village", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such grid", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/grids/{code}/members")]
async fn assign_grid_members(
    caller: Caller,
    code: web::Path<String>,
    body: web::Json<GridMembers>,
    state: State,
) -> Reply {
    let grid =
        RegionCode::parse(&code).map_err(|e| ApiError::invalid_input(format!("code: {e}")))?;
    if !policy::may(&caller.roles, Action::ManageGrids, &grid) {
        return Err(ApiError::forbidden(format!(
            "you are not an admin of {grid}"
        )));
    }
    let assigned = retry(async || {
        directory::assign_to_grid(&state.db, caller.id, &grid, &body.person_ids).await
    })
    .await?;
    Ok(HttpResponse::Ok().json(assigned))
}

/// Registers one villager (201), for admins of the village and above; the phone may be absent
/// (a villager without a phone takes part by their member card). Audited (`person.create`).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body = jifen_shared::people::NewPerson,
    responses(
        (status = 201, body = PersonListing),
        (status = 400, description = "`invalid_input` (name, household — required without a phone —, tags, birth_year, village_code), `invalid_phone`, `unknown_grid`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of the village", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`phone_taken`; `already_exists`: a villager without a phone of that name in that household", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/people")]
async fn create_person(
    caller: Caller,
    body: web::Json<jifen_shared::people::NewPerson>,
    state: State,
) -> Reply {
    crate::proxy::may_manage_somewhere(&caller)?;
    let person =
        retry(async || villager::create(&state.db, caller.id, &caller.roles, &body).await).await?;
    Ok(HttpResponse::Created().json(person))
}

/// Replaces a villager's name, 户号, groups (tags), grid and birth year, for admins of their
/// village and above; audited with before and after. Checked as the villager CSV is.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person")),
    request_body = PersonUpdate,
    responses(
        (status = 200, body = PersonListing),
        (status = 400, description = "`invalid_input` (name, household, tags) or `unknown_grid` (not a grid of their village)", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of their village, or a staff account", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such villager inside the caller's regions", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`person_closed`: the account is closed", body = jifen_shared::ApiErrorBody),
    )
)]
#[put("/admin/people/{id}")]
async fn update_person(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<PersonUpdate>,
    state: State,
) -> Reply {
    crate::proxy::may_manage_somewhere(&caller)?;
    let person =
        retry(async || villager::update(&state.db, caller.id, &caller.roles, *id, &body).await)
            .await?;
    Ok(HttpResponse::Ok().json(person))
}

/// Gives a villager a new phone number (normalised to E.164); their sessions end. For admins
/// of their village and above; audited (numbers masked).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person")),
    request_body = PhoneChange,
    responses(
        (status = 200, body = PersonListing),
        (status = 400, description = "`invalid_phone`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of their village, or a staff account", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such villager inside the caller's regions", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`phone_taken` (another open account has it) or `person_closed`", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/people/{id}/phone")]
async fn change_phone(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<PhoneChange>,
    state: State,
) -> Reply {
    crate::proxy::may_manage_somewhere(&caller)?;
    let person = retry(async || {
        villager::change_phone(&state.db, caller.id, &caller.roles, *id, &body.phone).await
    })
    .await?;
    Ok(HttpResponse::Ok().json(person))
}

/// Where a villager's points would go if their account were closed now: to the open member
/// of their household with the lowest id, else back to their township's issuance account.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person")),
    responses(
        (status = 200, body = BalanceDestination),
        (status = 403, description = "`forbidden`: not an admin of their village, or a staff account", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such villager inside the caller's regions", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`already_closed`", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/admin/people/{id}/closing")]
async fn closing_preview(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    crate::proxy::may_manage_somewhere(&caller)?;
    let destination = villager::closing_preview(&state.db, &caller.roles, *id).await?;
    Ok(HttpResponse::Ok().json(destination))
}

/// Closes a villager's account (迁出 moved away, 去世 deceased), for admins of their village
/// and above: reservations cancelled (stock back), pending claims rejected, open orders
/// cancelled and claimed ones released, the points to the household or back to issuance (one
/// ledger transfer, never twice), roles revoked, sessions ended; the phone is free again.
/// Audited with before and after.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person")),
    request_body = CloseAccount,
    responses(
        (status = 200, body = ClosedAccount),
        (status = 403, description = "`forbidden`: not an admin of their village, or a staff account", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such villager inside the caller's regions", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`already_closed`, or `balance_changed` (not the `seen_points` any more)", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/people/{id}/close")]
async fn close_person(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<CloseAccount>,
    state: State,
) -> Reply {
    crate::proxy::may_manage_somewhere(&caller)?;
    let closed = villager::close(&state.db, caller.id, &caller.roles, *id, &body).await?;
    Ok(HttpResponse::Ok().json(closed))
}
