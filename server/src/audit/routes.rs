//! `GET /api/v1/admin/audit`: the audit log of a region, for its admins.

use actix_web::{HttpResponse, get, web};
use jifen_shared::Page;
use jifen_shared::audit::AuditEntry;
use jifen_shared::audit::AuditQuery;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::Caller;
use crate::http::Reply;
use crate::http::paging::{CheckPage, PageQuery};
use crate::policy::Action;
use crate::startup::State;

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
}

/// The audit log of a region, newest first: who did what, when, before and after.
#[utoipa::path(tag = "audit", security(("bearer" = [])), params(AuditQuery), responses(
    (status = 200, body = Page<AuditEntry>),
    (status = 400, description = "`invalid_input`", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of that region", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/audit")]
async fn list(
    caller: Caller,
    query: web::Query<AuditQuery>,
    page: web::Query<PageQuery>,
    state: State,
) -> Reply {
    let region = caller.region_for(
        Action::ReadAudit,
        query.region_code.as_deref(),
        "only admins read the audit log",
        "an admin",
    )?;
    let (limit, cursor) = page.parse()?;
    Ok(HttpResponse::Ok().json(super::list(&state.db, &region, cursor, limit).await?))
}
