//! `GET /api/v1/regions`, `GET /api/v1/regions/{code}` and `POST /api/v1/admin/grids`: parse,
//! authorise, call the service, map.

use actix_web::{HttpResponse, get, post, web};
use jifen_shared::regions::{CreateGrid, CreatedGrid, Region, RegionCode};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::Caller;
use crate::http::{ApiError, Reply};
use crate::policy::{self, Action};
use crate::startup::State;
use crate::storage::retry;

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(home_region)
        .service(get_region)
        .service(create_grid);
}

/// The deployment's home region (`JIFEN_HOME_REGION`, 长垣市 by default) with its children:
/// where the PWA starts.
#[utoipa::path(tag = "regions", responses(
    (status = 200, body = Region),
    (status = 404, description = "the home region is not loaded yet (`jifen import-divisions`)", body = jifen_shared::ApiErrorBody),
))]
#[get("/regions")]
async fn home_region(state: State) -> Reply {
    let region = super::get_region(&state.db, &state.settings.home_region).await?;
    Ok(HttpResponse::Ok().json(region))
}

/// A region with its direct children (ordered by code) and its ancestors (top first).
#[utoipa::path(
    tag = "regions",
    params(("code" = String, Path, description = "NBS code (2, 4, 6, 9 or 12 digits) or grid code `<village>-<NNN>`", pattern = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$", example = "410783101")),
    responses(
        (status = 200, body = Region),
        (status = 400, description = "`invalid_input`: not a region code", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no region has this code", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/regions/{code}")]
async fn get_region(code: web::Path<String>, state: State) -> Reply {
    let code =
        RegionCode::parse(&code).map_err(|e| ApiError::invalid_input(format!("code: {e}")))?;
    let region = super::get_region(&state.db, &code).await?;
    Ok(HttpResponse::Ok().json(region))
}

/// Creates a grid (网格) under a village; for admins of the village or above. The code is the
/// village's next `<village>-<NNN>`. Recorded in the audit log.
#[utoipa::path(
    tag = "regions",
    security(("bearer" = [])),
    request_body = CreateGrid,
    responses(
        (status = 201, body = CreatedGrid),
        (status = 400, description = "`invalid_input`: bad name, or not a village", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of that village", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such village", body = jifen_shared::ApiErrorBody),
        (status = 409, description = "`already_exists`: the village has a grid of that name", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/grids")]
async fn create_grid(caller: Caller, body: web::Json<CreateGrid>, state: State) -> Reply {
    if !policy::may(&caller.roles, Action::ManageGrids, &body.village_code) {
        return Err(ApiError::forbidden(format!(
            "you are not an admin of {}",
            body.village_code
        )));
    }
    let code = retry(async || {
        super::create_grid(&state.db, Some(caller.id), &body.village_code, &body.name).await
    })
    .await?;
    Ok(HttpResponse::Created().json(CreatedGrid { code }))
}
