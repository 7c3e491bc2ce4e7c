//! 代办 over HTTP: member cards, the county's assistance settings, family delegates, proxy
//! sessions and receipts (the declarations of `jifen_shared::api`, section 代办).

use actix_web::{HttpResponse, get, post, put, web};
use jifen_shared::auth::Role;
use jifen_shared::proxy::{
    AssistanceSettings, Delegation, MemberCard, NewDelegation, OpenProxySession, PrintCards,
    ProxyReceipt, ProxySession,
};
use jifen_shared::regions::{RegionCode, RegionLevel};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::Caller;
use crate::calendar::Calendar;
use crate::http::{ApiError, Reply};
use crate::startup::State;
use crate::storage::{now_ms, retry};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(print_cards)
        .service(replace_card)
        .service(assistance)
        .service(set_assistance)
        .service(person_delegations)
        .service(add_delegation)
        .service(end_delegation)
        .service(my_delegations)
        .service(open_session)
        .service(end_session)
        .service(receipt);
}

/// Member cards to print (会员卡): some villagers, or the open villagers of a grid; a card
/// number is given to whoever has none. Village admins and above, over the villagers'
/// village. Audited (`member_card.print`).
#[utoipa::path(tag = "proxy", security(("bearer" = [])), request_body = PrintCards, responses(
    (status = 200, body = Vec<MemberCard>),
    (status = 400, description = "`invalid_input`: not exactly one of person_ids (1–500) and grid_code; a grid that is not one the caller manages", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of any village, township or county", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: a person the caller does not manage, or a closed account", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/member-cards")]
async fn print_cards(caller: Caller, body: web::Json<PrintCards>, state: State) -> Reply {
    let cards =
        retry(async || super::cards::print(&state.db, &state.keys, &caller, &body).await).await?;
    Ok(HttpResponse::Ok().json(cards))
}

/// 挂失补卡: the villager's card is revoked (its QR and number answer `card_revoked` from now)
/// and a new one made. Audited (`member_card.replace`).
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("id" = i64, Path, description = "The villager")), responses(
    (status = 200, body = MemberCard),
    (status = 403, description = "`forbidden`: not an admin of any village, township or county", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: a person the caller does not manage, or a closed account", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/people/{id}/member-card/replace")]
async fn replace_card(caller: Caller, path: web::Path<i64>, state: State) -> Reply {
    let id = path.into_inner();
    let card =
        retry(async || super::cards::replace(&state.db, &state.keys, &caller, id).await).await?;
    Ok(HttpResponse::Ok().json(card))
}

/// The county in the path, when it is one.
fn county_of(code: &str) -> Result<RegionCode, ApiError> {
    RegionCode::parse(code)
        .ok()
        .filter(|c| c.level() == RegionLevel::County)
        .ok_or_else(|| ApiError::invalid_input("county_code: a county's 6-digit code"))
}

/// The county's settings for assisted villagers: proxies' daily limits per villager and the
/// age from which 长辈模式 is on by default. To staff of the county (admins, proxy agents).
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("county_code" = String, Path, description = "A county's 6-digit code", pattern = "^[0-9]{6}$", example = "410783")), responses(
    (status = 200, body = AssistanceSettings),
    (status = 400, description = "`invalid_input`: county_code", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: no staff role in the county", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/assistance/{county_code}")]
async fn assistance(caller: Caller, path: web::Path<String>, state: State) -> Reply {
    let county = county_of(&path)?;
    let staff = caller.roles.iter().any(|g| {
        g.role != Role::Villager
            && (g.region_code.is_within(&county) || county.is_within(&g.region_code))
    });
    if !staff {
        return Err(ApiError::forbidden(format!(
            "you are not staff of {county}"
        )));
    }
    Ok(HttpResponse::Ok().json(super::settings(&state.db, &county).await?))
}

/// Sets the county's settings for assisted villagers (its county admins). Audited
/// (`assistance.update`).
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("county_code" = String, Path, description = "A county's 6-digit code", pattern = "^[0-9]{6}$", example = "410783")), request_body = AssistanceSettings, responses(
    (status = 200, body = AssistanceSettings),
    (status = 400, description = "`invalid_input`: county_code, proxy_daily_actions (0–50), proxy_daily_points (0–10,000), elder_age (0–120)", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of the county", body = jifen_shared::ApiErrorBody),
))]
#[put("/admin/assistance/{county_code}")]
async fn set_assistance(
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<AssistanceSettings>,
    state: State,
) -> Reply {
    let county = county_of(&path)?;
    let admin = caller
        .roles
        .iter()
        .any(|g| g.role == Role::CountyAdmin && county.is_within(&g.region_code));
    if !admin {
        return Err(ApiError::forbidden(format!(
            "you are not an admin of {county}"
        )));
    }
    let set =
        retry(async || super::set_settings(&state.db, caller.id, &county, &body).await).await?;
    Ok(HttpResponse::Ok().json(set))
}

/// A villager's family delegates (家属代办), ended ones too, newest first: their village's
/// admins and above.
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("id" = i64, Path, description = "The villager")), responses(
    (status = 200, body = Vec<Delegation>),
    (status = 403, description = "`forbidden`: not an admin of any village, township or county", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: a person the caller does not manage", body = jifen_shared::ApiErrorBody),
))]
#[get("/admin/people/{id}/delegations")]
async fn person_delegations(caller: Caller, path: web::Path<i64>, state: State) -> Reply {
    Ok(HttpResponse::Ok().json(super::delegations(&state.db, &caller, path.into_inner()).await?))
}

/// Links a household member with a phone as the villager's delegate, recording how the
/// villager consented (201). Audited (`delegation.add`).
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("id" = i64, Path, description = "The villager")), request_body = NewDelegation, responses(
    (status = 201, body = Delegation),
    (status = 400, description = "`invalid_input`: consent (1–200 characters), delegate_id (an open member of the household with a phone, not the villager)", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: not an admin of any village, township or county", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: a person the caller does not manage", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`already_exists`: this delegate is linked already", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/people/{id}/delegations")]
async fn add_delegation(
    caller: Caller,
    path: web::Path<i64>,
    body: web::Json<NewDelegation>,
    state: State,
) -> Reply {
    let id = path.into_inner();
    let made = retry(async || super::add_delegation(&state.db, &caller, id, &body).await).await?;
    Ok(HttpResponse::Created().json(made))
}

/// Ends a family delegate's link (one tap); the delegate's open sessions stop at once.
/// Audited (`delegation.end`).
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("id" = i64, Path, description = "The delegation")), responses(
    (status = 200, body = Delegation),
    (status = 403, description = "`forbidden`: not an admin of any village, township or county", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such delegation, or of a person the caller does not manage", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/delegations/{id}/end")]
async fn end_delegation(caller: Caller, path: web::Path<i64>, state: State) -> Reply {
    let id = path.into_inner();
    let ended = retry(async || super::end_delegation(&state.db, &caller, id).await).await?;
    Ok(HttpResponse::Ok().json(ended))
}

/// The villagers the caller may act for as a family delegate.
#[utoipa::path(tag = "proxy", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Delegation>),
))]
#[get("/proxy/delegations")]
async fn my_delegations(caller: Caller, state: State) -> Reply {
    Ok(HttpResponse::Ok().json(super::mine(&state.db, caller.id).await?))
}

/// Opens a proxy session (代办) for a villager: by their member card (QR or number), by a
/// registry search (proxy agents of their village), or as their delegate (201). Send the
/// token as `X-Jifen-Acting-For` for 30 minutes. Audited (`proxy.open`).
#[utoipa::path(tag = "proxy", security(("bearer" = [])), request_body = OpenProxySession, responses(
    (status = 201, body = ProxySession),
    (status = 400, description = "`invalid_input`: not exactly one of member_code, card_no, person_id; a card number without its check digit", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: acting for oneself", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: nobody the caller may act for has this card or id", body = jifen_shared::ApiErrorBody),
    (status = 409, description = "`card_revoked`: the card was reported lost; `person_closed`", body = jifen_shared::ApiErrorBody),
))]
#[post("/proxy/sessions")]
async fn open_session(caller: Caller, body: web::Json<OpenProxySession>, state: State) -> Reply {
    let calendar = Calendar::new(state.settings.timezone.clone());
    let session = retry(async || {
        super::open(&state.db, &state.keys, &calendar, &caller, &body, now_ms()).await
    })
    .await?;
    Ok(HttpResponse::Created().json(session))
}

/// Ends the caller's proxy session (204); ending it again changes nothing.
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("id" = i64, Path, description = "The session")), responses(
    (status = 204, description = "Ended"),
    (status = 404, description = "`not_found`: no proxy session of the caller's has this id", body = jifen_shared::ApiErrorBody),
))]
#[post("/proxy/sessions/{id}/end")]
async fn end_session(caller: Caller, path: web::Path<i64>, state: State) -> Reply {
    let id = path.into_inner();
    retry(async || super::end(&state.db, caller.id, id).await).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A 代办 receipt (回执): to the agent who acted, the villager, their delegates and the staff
/// who may find the villager.
#[utoipa::path(tag = "proxy", security(("bearer" = [])), params(("receipt_no" = String, Path, description = "The receipt number (10 letters and digits, as printed)", example = "DB7K2M9QXA")), responses(
    (status = 200, body = ProxyReceipt),
    (status = 400, description = "`invalid_input`: not 10 letters and digits of the printed alphabet", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such receipt, or not the caller's to read", body = jifen_shared::ApiErrorBody),
))]
#[get("/proxy/receipts/{receipt_no}")]
async fn receipt(caller: Caller, path: web::Path<String>, state: State) -> Reply {
    Ok(HttpResponse::Ok().json(super::receipt(&state.db, &state.keys, &caller, &path).await?))
}
