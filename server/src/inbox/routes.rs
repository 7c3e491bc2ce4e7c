//! Inbox routes: `GET /inbox`, `GET /inbox/unread`, `POST /inbox/{id}/read`,
//! `POST /inbox/read`.

use actix_web::{HttpResponse, get, post, web};
use jifen_shared::Page;
use jifen_shared::services::{Notification, Unread};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::Caller;
use crate::http::paging::{CheckPage, PageQuery};
use crate::http::{ApiError, Reply};
use crate::startup::State;
use crate::storage::{now_ms, retry};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(unread)
        .service(read_one)
        .service(read_all);
}

/// The caller's notifications (消息), newest first.
#[utoipa::path(tag = "inbox", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Notification>),
    (status = 400, description = "`invalid_input`: limit or cursor", body = jifen_shared::ApiErrorBody),
))]
#[get("/inbox")]
async fn list(caller: Caller, page: web::Query<PageQuery>, state: State) -> Reply {
    let (limit, cursor) = page.parse()?;
    Ok(HttpResponse::Ok().json(super::list(&state.db, caller.id, cursor, limit).await?))
}

/// How many of the caller's notifications are unread (the badge).
#[utoipa::path(tag = "inbox", security(("bearer" = [])), responses(
    (status = 200, body = Unread),
))]
#[get("/inbox/unread")]
async fn unread(caller: Caller, state: State) -> Reply {
    let count = super::unread(&state.db, caller.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(Unread { count }))
}

/// Marks one notification read.
#[utoipa::path(tag = "inbox", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Unread),
    (status = 404, description = "`not_found`: no such notification of the caller", body = jifen_shared::ApiErrorBody),
))]
#[post("/inbox/{id}/read")]
async fn read_one(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    if !retry(async || super::mark_read(&state.db, caller.id, Some(*id), now_ms()).await).await? {
        return Err(ApiError::not_found(format!("no notification {id}")));
    }
    let count = super::unread(&state.db, caller.id).await?;
    Ok(HttpResponse::Ok().json(Unread { count }))
}

/// Marks all the caller's notifications read.
#[utoipa::path(tag = "inbox", security(("bearer" = [])), responses(
    (status = 200, body = Unread),
))]
#[post("/inbox/read")]
async fn read_all(caller: Caller, state: State) -> Reply {
    retry(async || super::mark_read(&state.db, caller.id, None, now_ms()).await).await?;
    Ok(HttpResponse::Ok().json(Unread { count: 0 }))
}
