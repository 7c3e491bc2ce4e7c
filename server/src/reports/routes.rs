//! Report routes: `GET /admin/reports/overview` (JSON, or one table as CSV).

use actix_web::{HttpResponse, get, web};
use jifen_shared::reports::OverviewQuery;
use jifen_shared::reports::{Overview, TABLES};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Ask;
use crate::auth::caller::Caller;
use crate::calendar::Calendar;
use crate::http::{ApiError, Reply};
use crate::startup::State;
use crate::storage::now_ms;

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(overview);
}

/// The officials' overview (数据概览) of a county, township or village: points issued, spent
/// and outstanding, participation, claims, service orders and their SLA, ratings, recycling,
/// top rules, and the points of each region one level down (admins of the region).
/// `format=csv&table=…` downloads one table as CSV (UTF-8 with a byte-order mark).
#[utoipa::path(tag = "reports", security(("bearer" = [])), params(OverviewQuery), responses(
    (status = 200, description = "JSON; with `format=csv` a `text/csv` file of one table", content(
        (Overview = "application/json"),
        (String = "text/csv"),
    )),
    (status = 400, description = "`invalid_input`: region_code, from, to (malformed, from after to, over 366 days), format, table", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the region", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such region", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/reports/overview")]
async fn overview(caller: Caller, query: web::Query<OverviewQuery>, state: State) -> Reply {
    let csv_table = match (query.format.as_deref().unwrap_or("json"), &query.table) {
        ("json", _) => None,
        ("csv", Some(t)) if TABLES.contains(&t.as_str()) => Some(t.as_str()),
        ("csv", _) => {
            return Err(ApiError::invalid_input(format!(
                "table: one of {}",
                TABLES.join(", ")
            )));
        }
        _ => return Err(ApiError::invalid_input("format: json or csv")),
    };
    let calendar = Calendar::new(state.settings.timezone.clone());
    let ask = Ask {
        region_code: &query.region_code,
        from: query.from.as_deref(),
        to: query.to.as_deref(),
    };
    let o = super::overview(
        &state.db,
        &calendar,
        &caller.roles,
        &ask,
        state.settings.service_sla_hours,
        now_ms(),
    )
    .await?;
    let Some(table) = csv_table else {
        return Ok(HttpResponse::Ok().json(o));
    };
    let bytes = super::to_csv(&o, table)
        .unwrap_or_else(|| Ok(Vec::new()))
        .map_err(|e| ApiError::internal_because("the overview could not be written as CSV", e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"overview-{}-{table}-{}-{}.csv\"",
                o.region_code, o.from, o.to
            ),
        ))
        .body(bytes))
}
