//! `GET /api/v1/admin/audit`: the audit log of a region, for its admins (JSON pages or CSV).

use actix_web::{HttpResponse, get, web};
use jifen_shared::Page;
use jifen_shared::audit::AuditEntry;
use jifen_shared::audit::{ACTIONS, AuditQuery, MAX_ACTOR_CHARS, MAX_CSV_ROWS, action_families};
use jifen_shared::regions::RegionCode;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::Caller;
use crate::calendar::{Calendar, Period, parse_date};
use crate::http::paging::{CheckPage, PageQuery};
use crate::http::{ApiError, Reply};
use crate::policy::Action;
use crate::startup::State;

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
}

/// The audit log of a region, newest first: who did what, when, to which villager or object,
/// before and after (小微权力监督), for its admins. Filters: the actor's name, an action or
/// action family, county days. `format=csv` downloads every matching entry (at most
/// 10,000; UTF-8 with a byte-order mark, formula-inert).
#[utoipa::path(tag = "audit", security(("bearer" = [])), params(AuditQuery), responses(
    (status = 200, description = "JSON; with `format=csv` a `text/csv` file", content(
        (Page<AuditEntry> = "application/json"),
        (String = "text/csv"),
    )),
    (status = 400, description = "`invalid_input`: region_code, actor, action, target (`kind:id` or a receipt number), from, to, format; a CSV of more than 10,000 entries", body = jifen_shared::ApiErrorBody),
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
    let calendar = Calendar::new(state.settings.timezone.clone());
    let filter = filter(region, &query, &calendar)?;
    match query.format.as_deref().unwrap_or("json") {
        "json" => {
            let (limit, cursor) = page.parse()?;
            let page = super::list(&state.db, &filter, cursor, limit).await?;
            Ok(HttpResponse::Ok().json(page))
        }
        "csv" => {
            let bytes = super::csv(&state.db, &filter, &calendar)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid_input(format!(
                        "more than {MAX_CSV_ROWS} entries match: narrow the dates or filters"
                    ))
                })?;
            let name = format!(
                "audit-{}-{}.csv",
                filter.region,
                calendar.date_label(crate::storage::now_ms())
            );
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(bytes))
        }
        _ => Err(ApiError::invalid_input("format: json or csv")),
    }
}

/// A query field's text, trimmed; `None` when absent or blank.
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The filter `query` asks for over `region`; 400 for a malformed field.
fn filter(
    region: RegionCode,
    query: &AuditQuery,
    calendar: &Calendar,
) -> Result<super::Filter, ApiError> {
    let actor = text(&query.actor)
        .map(|a| {
            if a.chars().count() > MAX_ACTOR_CHARS {
                Err(ApiError::invalid_input(format!(
                    "actor: at most {MAX_ACTOR_CHARS} characters"
                )))
            } else {
                Ok(a.to_owned())
            }
        })
        .transpose()?;
    let action = text(&query.action)
        .map(|a| {
            if ACTIONS.contains(&a) || action_families().contains(&a) {
                Ok(a.to_owned())
            } else {
                Err(ApiError::invalid_input(
                    "action: one of the recorded actions, or a family such as points",
                ))
            }
        })
        .transpose()?;
    let day = |field: &str, v: &Option<String>| {
        text(v)
            .map(|d| {
                parse_date(d).ok_or_else(|| {
                    ApiError::invalid_input(format!("{field}: a date written YYYY-MM-DD"))
                })
            })
            .transpose()
    };
    let (from, to) = (day("from", &query.from)?, day("to", &query.to)?);
    let during = match (from, to) {
        (None, None) => None,
        (Some(from), Some(to)) if to < from => {
            return Err(ApiError::invalid_input("to: not before from"));
        }
        (from, to) => {
            let start = from.map_or(i64::MIN, |d| calendar.days(d, d).start);
            let end = to.map_or(i64::MAX, |d| calendar.days(d, d).end);
            Some(Period { start, end })
        }
    };
    let target = text(&query.target)
        .map(|t| match t {
            t if t.chars().count() > 60 => {
                Err(ApiError::invalid_input("target: at most 60 characters"))
            }
            // A bare receipt number, as printed on a 代办 slip.
            t if !t.contains(':') => jifen_shared::proxy::normalize_receipt_no(t)
                .map(|no| format!("receipt:{no}"))
                .ok_or_else(|| {
                    ApiError::invalid_input(
                        "target: a receipt number (10 letters and digits) or kind:id",
                    )
                }),
            t => Ok(t.to_owned()),
        })
        .transpose()?;
    Ok(super::Filter {
        region,
        actor,
        action,
        target,
        during,
    })
}
