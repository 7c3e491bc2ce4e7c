//! `GET /api/v1/regions` and `GET /api/v1/regions/{code}`: parse, call the service, map.

use actix_web::{HttpResponse, get, web};
use jifen_shared::ErrorCode;
use jifen_shared::regions::{Region, RegionCode};
use utoipa_actix_web::service_config::ServiceConfig;

use super::RegionError;
use crate::http::{ApiError, AppState};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(home_region).service(get_region);
}

impl From<RegionError> for ApiError {
    fn from(e: RegionError) -> Self {
        match e {
            RegionError::NotFound(code) => ApiError::new(
                ErrorCode::NotFound,
                format!("no region has the code {code}"),
            ),
            RegionError::Storage(e) => e.into(),
        }
    }
}

/// The deployment's home region (`JIFEN_HOME_REGION`, 长垣市 by default) with its children:
/// where the PWA starts.
#[utoipa::path(tag = "regions", responses(
    (status = 200, body = Region),
    (status = 404, description = "the home region is not loaded yet (`jifen import-divisions`)", body = jifen_shared::ApiErrorBody),
))]
#[get("/regions")]
async fn home_region(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let region = super::get_region(&state.db, &state.settings.home_region).await?;
    Ok(HttpResponse::Ok().json(region))
}

/// A region with its direct children (ordered by code) and its ancestors (top first).
#[utoipa::path(
    tag = "regions",
    params(("code" = String, Path, description = "NBS code (2, 4, 6, 9 or 12 digits) or grid code `<village>-<NNN>`", example = "410783101")),
    responses(
        (status = 200, body = Region),
        (status = 400, description = "`invalid_input`: not a region code", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no region has this code", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/regions/{code}")]
async fn get_region(
    code: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code =
        RegionCode::parse(&code).map_err(|e| ApiError::invalid_input(format!("code: {e}")))?;
    let region = super::get_region(&state.db, &code).await?;
    Ok(HttpResponse::Ok().json(region))
}
