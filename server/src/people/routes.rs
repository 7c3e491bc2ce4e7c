//! `POST /api/v1/admin/villagers/import`: the villager CSV over HTTP, for admins.

use actix_web::{HttpResponse, post, web};
use jifen_shared::people::VillagerImportReport;
use utoipa_actix_web::service_config::ServiceConfig;

use super::import::{VillagerImportError, import_villagers};
use crate::auth::caller::Caller;
use crate::http::{ApiError, AppState};
use crate::policy::{self, Action};

/// The largest CSV accepted: 16 MiB (a township's villagers are a few hundred KiB).
const CSV_LIMIT: usize = 16 * 1024 * 1024;

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(CSV_LIMIT))
        .service(import);
}

impl From<VillagerImportError> for ApiError {
    fn from(e: VillagerImportError) -> Self {
        match e {
            VillagerImportError::Header(_) => ApiError::invalid_input(e.to_string()),
            VillagerImportError::Storage(e) => e.into(),
        }
    }
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
        (status = 401, description = "`unauthenticated`", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`: not an admin of any village, township or county", body = jifen_shared::ApiErrorBody),
        (status = 413, description = "`too_large`: over 16 MiB", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/villagers/import")]
async fn import(
    caller: Caller,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !policy::may_somewhere(&caller.roles, Action::ManagePeople) {
        return Err(ApiError::forbidden(
            "only village, township and county admins import villagers",
        ));
    }
    let within = |village: &jifen_shared::regions::RegionCode| {
        policy::may(&caller.roles, Action::ManagePeople, village)
    };
    let report = import_villagers(&state.db, &body, &within).await?;
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
