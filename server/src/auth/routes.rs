//! The HTTP face of sign-in and sessions: SMS codes, staff passwords, WeChat, refresh, logout,
//! `GET /me`, role grants.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use jifen_shared::auth::{
    ChangePassword, LoginMethods, Me, OneTimePassword, OtpSend, OtpSent, OtpVerify, PasswordLogin,
    PersonRoles, RefreshRequest, Role, RoleGrant, Tokens, WechatBind, WechatLogin, WechatOutcome,
    WechatStarted,
};
use jifen_shared::regions::RegionCode;
use utoipa_actix_web::service_config::ServiceConfig;

use super::AuthError;
use super::caller::Caller;
use super::wechat::WechatError;
use crate::http::{ApiError, Reply};
use crate::startup::{AppState, State};
use crate::storage::retry;

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(otp_send)
        .service(otp_verify)
        .service(password_login)
        .service(change_password)
        .service(reset_password)
        .service(methods)
        .service(wechat_start)
        .service(wechat_login)
        .service(wechat_bind)
        .service(refresh)
        .service(logout)
        .service(me)
        .service(grant_role)
        .service(revoke_role);
}

/// The sign-ins this server offers besides SMS codes and passwords (the PWA shows the WeChat
/// button only when `wechat_appid` is set and it runs inside WeChat).
#[utoipa::path(tag = "auth", responses((status = 200, body = LoginMethods)))]
#[get("/auth/methods")]
async fn methods(state: State) -> HttpResponse {
    HttpResponse::Ok().json(LoginMethods {
        wechat_appid: state.wechat.as_ref().map(|w| w.appid().to_owned()),
    })
}

/// Starts a WeChat sign-in bound to the asking browser: WeChat's authorisation URL (its
/// `state` inside), and the `verifier` the browser keeps for `POST /auth/wechat`. At most 60
/// per client address per 10 minutes.
#[utoipa::path(tag = "auth", responses(
    (status = 200, body = WechatStarted),
    (status = 404, description = "`not_found`: WeChat sign-in is not configured", body = jifen_shared::ApiErrorBody),
    (status = 429, description = "`rate_limited`: too many sign-ins started from this address", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/wechat/start")]
async fn wechat_start(req: HttpRequest, state: State) -> Reply {
    let wechat = state.wechat.as_ref().ok_or(WechatError::Disabled)?;
    let started = wechat.start(&state.db, &client_ip(&req, &state)).await?;
    Ok(HttpResponse::Ok().json(started))
}

/// Signs in with the `code` of WeChat's web authorisation (snsapi_base), with the `state` and
/// `verifier` of `POST /auth/wechat/start`: a session when the WeChat account is bound to a
/// person, else a `bind_token` for `POST /auth/wechat/bind`. The same request sent again by
/// the same client within 30 s gets the same answer.
#[utoipa::path(tag = "auth", request_body = WechatLogin, responses(
    (status = 200, body = WechatOutcome),
    (status = 400, description = "`invalid_input`: not a WeChat code, state or verifier", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`wechat_state_invalid`: the sign-in was not started by this browser, expired or was used (WeChat is not asked); `wechat_code_invalid`: WeChat errcode 40029 or 40163", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: WeChat sign-in is not configured", body = jifen_shared::ApiErrorBody),
    (status = 503, description = "`wechat_unavailable`: WeChat did not answer", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/wechat")]
async fn wechat_login(req: HttpRequest, body: web::Json<WechatLogin>, state: State) -> Reply {
    let wechat = state.wechat.as_ref().ok_or(WechatError::Disabled)?;
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let client = format!("{} {user_agent}", client_ip(&req, &state));
    let WechatLogin {
        code,
        state: sign_in,
        verifier,
    } = &*body;
    let outcome = wechat
        .login(&state.db, &state.keys, (code, sign_in, verifier), &client)
        .await?;
    Ok(match outcome {
        WechatOutcome::Session(tokens) => session_response(tokens),
        bind @ WechatOutcome::BindNeeded(_) => HttpResponse::Ok().json(bind),
    })
}

/// Binds the WeChat account of a `bind_token` to the registered person whose phone the SMS
/// code proves, and signs them in. Send the code first with `POST /auth/otp/send`.
#[utoipa::path(tag = "auth", request_body = WechatBind, responses(
    (status = 200, body = Tokens),
    (status = 400, description = "`invalid_phone`", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`invalid_token` (bind token expired or forged) or `invalid_code`", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`not_registered`", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: WeChat sign-in is not configured", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/wechat/bind")]
async fn wechat_bind(body: web::Json<WechatBind>, state: State) -> Reply {
    let wechat = state.wechat.as_ref().ok_or(WechatError::Disabled)?;
    let tokens = wechat
        .bind(
            &state.db,
            &state.keys,
            &body.bind_token,
            &body.phone,
            &body.code,
        )
        .await?;
    Ok(session_response(tokens))
}

/// Sends a 6-digit sign-in code by SMS to a registered phone (the answer is the same for
/// unregistered phones). One per minute per phone; hourly and daily limits per phone and per
/// client address.
#[utoipa::path(tag = "auth", request_body = OtpSend, responses(
    (status = 202, body = OtpSent),
    (status = 400, description = "`invalid_phone`", body = jifen_shared::ApiErrorBody),
    (status = 429, description = "`rate_limited`; `Retry-After` says when", body = jifen_shared::ApiErrorBody),
    (status = 503, description = "`sms_unavailable`: the SMS gateway refused the message or did not answer; nothing was sent and nothing counted, ask again", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/otp/send")]
async fn otp_send(req: HttpRequest, body: web::Json<OtpSend>, state: State) -> Reply {
    let client = client_ip(&req, &state);
    let resend_after_s = retry(async || {
        super::otp::send_code(
            &state.db,
            &state.keys,
            state.sms.as_ref(),
            state.settings.otp_limits,
            &body.phone,
            &client,
        )
        .await
    })
    .await?;
    Ok(HttpResponse::Accepted().json(OtpSent { resend_after_s }))
}

/// Signs in with the SMS code.
#[utoipa::path(tag = "auth", request_body = OtpVerify, responses(
    (status = 200, body = Tokens),
    (status = 400, description = "`invalid_phone`", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`invalid_code`: wrong, expired, used or tried too often", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`not_registered`", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/otp/verify")]
async fn otp_verify(body: web::Json<OtpVerify>, state: State) -> Reply {
    let tokens = super::otp::verify_code(&state.db, &state.keys, &body.phone, &body.code).await?;
    Ok(session_response(tokens))
}

/// Staff sign-in with phone and password.
#[utoipa::path(tag = "auth", request_body = PasswordLogin, responses(
    (status = 200, body = Tokens),
    (status = 400, description = "`invalid_input`: malformed body", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`invalid_credentials`", body = jifen_shared::ApiErrorBody),
    (status = 429, description = "`rate_limited`: too many failed sign-ins", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/password")]
async fn password_login(req: HttpRequest, body: web::Json<PasswordLogin>, state: State) -> Reply {
    let tokens = super::login_with_password(
        &state.db,
        &state.keys,
        &body.phone,
        &body.password,
        &client_ip(&req, &state),
    )
    .await?;
    Ok(session_response(tokens))
}

/// Replaces the caller's password (also a one-time password after a reset): every other
/// session ends and a new one starts — its tokens are the answer, as at sign-in.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = ChangePassword, responses(
    (status = 200, body = Tokens),
    (status = 400, description = "`invalid_input`: new_password is under 8 or over 128 characters, the current one, or the phone number", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`invalid_credentials`: the current password is wrong", body = jifen_shared::ApiErrorBody),
    (status = 429, description = "`rate_limited`: too many wrong passwords (counted with the sign-ins)", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/password/change")]
async fn change_password(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<ChangePassword>,
    state: State,
) -> Reply {
    let ip = client_ip(&req, &state);
    let tokens = super::change_password(&state.db, &state.keys, caller.id, &body, &ip).await?;
    Ok(session_response(tokens))
}

/// Gives a staff person below the caller a one-time password (10 characters, shown once) and
/// ends their sessions; they sign in with it and must then set their own (until then every
/// request but `GET /me` and `POST /auth/password/change` answers 403
/// `password_change_required`). Audited as `password.reset`.
#[utoipa::path(tag = "people", security(("bearer" = [])), params(("id" = i64, Path, description = "The person's id")), responses(
    (status = 200, body = OneTimePassword),
    (status = 400, description = "`invalid_input`: the person holds no staff role", body = jifen_shared::ApiErrorBody),
    (status = 403, description = "`forbidden`: the person is outside the caller's region, or the caller is not an admin above every role they hold (or is the person)", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: no such person", body = jifen_shared::ApiErrorBody),
))]
#[post("/admin/users/{id}/password/reset")]
async fn reset_password(caller: Caller, id: web::Path<i64>, state: State) -> Reply {
    person_in_reach(&state, &caller, *id).await?;
    let answer =
        retry(async || super::reset_password(&state.db, caller.id, &caller.roles, *id).await)
            .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(answer))
}

/// Trades a refresh token (in the body, or the PWA's `jifen_refresh` cookie with no body) for
/// a new session; the old token stops working.
#[utoipa::path(tag = "auth", request_body = Option<RefreshRequest>, responses(
    (status = 200, body = Tokens),
    (status = 400, description = "`invalid_input`: a body that is not `{\"refresh_token\": \"…\"}`", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`invalid_token`", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/refresh")]
async fn refresh(req: HttpRequest, body: web::Bytes, state: State) -> Reply {
    let token = refresh_token(&req, &body)?.ok_or(AuthError::InvalidToken)?;
    let tokens = retry(async || super::refresh(&state.db, &state.keys, &token).await).await?;
    Ok(session_response(tokens))
}

/// Ends the session of this refresh token (in the body, or the PWA's cookie with no body) and
/// clears the cookie.
#[utoipa::path(tag = "auth", request_body = Option<RefreshRequest>, responses(
    (status = 204),
    (status = 400, description = "`invalid_input`: a body that is not `{\"refresh_token\": \"…\"}`", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/logout")]
async fn logout(req: HttpRequest, body: web::Bytes, state: State) -> Reply {
    if let Some(token) = refresh_token(&req, &body)? {
        retry(async || super::logout(&state.db, &token).await).await?;
    }
    let mut gone = refresh_cookie(String::new());
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// The client's address for rate limits (see [`crate::http::client_ip`]).
fn client_ip(req: &HttpRequest, state: &AppState) -> String {
    crate::http::client_ip(req, &state.settings.trusted_proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// The refresh token's cookie for the PWA: `HttpOnly` (no script can read it), `Secure`,
/// `SameSite=Strict`, sent only to `/api/v1/auth`, kept as long as the token lives.
const REFRESH_COOKIE: &str = "jifen_refresh";

fn refresh_cookie(value: String) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path("/api/v1/auth")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::seconds(
            super::REFRESH_TTL.as_secs() as i64,
        ))
        .finish()
}

/// 200 with the tokens in the body (for scripts and apps) and the refresh token also in the
/// PWA's cookie.
fn session_response(tokens: Tokens) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(refresh_cookie(tokens.refresh_token.clone()))
        .json(tokens)
}

/// The refresh token of the body, else of the PWA's cookie (the PWA sends no body; `null` is
/// no body too). A body that is there must be a [`RefreshRequest`] (400 `invalid_input`
/// otherwise), so a client's mistake is not taken for "no token" (issue 22: logout took any
/// body).
fn refresh_token(req: &HttpRequest, body: &[u8]) -> Result<Option<String>, ApiError> {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<Option<RefreshRequest>>(body)
            .map_err(|e| ApiError::invalid_input(format!("body: {e}")))?
            .map(|request| request.refresh_token)
    };
    Ok(from_body
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty()))
}

/// The signed-in person: name, masked phone, village, grid, roles, balance.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = Me),
))]
#[get("/me")]
async fn me(caller: Caller, state: State) -> Reply {
    let mut me = super::me(&state.db, caller.id).await?;
    if caller.proxy.is_some() {
        // Acting for a villager: only as a villager, whatever else they hold (as `Caller`).
        me.roles = caller.roles.clone();
    }
    Ok(HttpResponse::Ok().json(me))
}

/// Grants a role over a region to a person. Admins grant the roles below their own inside
/// their region (see the policy); recorded in the audit log.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    request_body = RoleGrant,
    responses(
        (status = 200, body = PersonRoles),
        (status = 400, description = "`invalid_input`: unknown region, the wrong level for the role, or a staff role for someone without a phone", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such person", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/admin/users/{id}/roles")]
async fn grant_role(
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<RoleGrant>,
    state: State,
) -> Reply {
    if !crate::policy::may_grant(&caller.roles, body.role, &body.region_code) {
        return Err(ApiError::forbidden(format!(
            "you may not make anyone {} of {}",
            body.role, body.region_code
        )));
    }
    let id = id.into_inner();
    person_in_reach(&state, &caller, id).await?;
    let roles =
        retry(async || super::grant_role(&state.db, Some(caller.id), id, &body).await).await?;
    Ok(HttpResponse::Ok().json(roles))
}

/// 404 for an unknown person, 403 for one the caller may not manage (see
/// [`crate::policy::may_manage_person`]).
async fn person_in_reach(state: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    let account = super::storage::account_by_id(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no person has the id {id}")))?;
    let village = account
        .village_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok());
    let roles = super::storage::roles(&state.db, id).await?;
    if !crate::policy::may_manage_person(&caller.roles, village.as_ref(), &roles) {
        return Err(ApiError::forbidden(format!(
            "person {id} is outside your region"
        )));
    }
    Ok(())
}

/// Takes a role over a region away from a person (e.g. a grid worker who steps down).
/// Whoever may grant the role there may revoke it; recorded in the audit log. Revoking a role
/// the person does not hold answers 200 with their roles unchanged.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The person's id"),
        ("role" = Role, Path, description = "e.g. `grid_worker`"),
        ("region_code" = String, Path, description = "The region the role is held over", pattern = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$", example = "410783101201"),
    ),
    responses(
        (status = 200, body = PersonRoles),
        (status = 400, description = "`invalid_input`: unknown role, malformed region, or the villager role (the registry's)", body = jifen_shared::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such person", body = jifen_shared::ApiErrorBody),
    )
)]
#[delete("/admin/users/{id}/roles/{role}/{region_code}")]
async fn revoke_role(
    caller: Caller,
    path: web::Path<(i64, String, String)>,
    state: State,
) -> Reply {
    let (id, role, region) = path.into_inner();
    let grant = RoleGrant {
        role: Role::parse(&role)
            .ok_or_else(|| ApiError::invalid_input(format!("role: no role is called {role:?}")))?,
        region_code: RegionCode::parse(&region)
            .map_err(|e| ApiError::invalid_input(format!("region_code: {e}")))?,
    };
    if !crate::policy::may_grant(&caller.roles, grant.role, &grant.region_code) {
        return Err(ApiError::forbidden(format!(
            "you may not revoke {} of {}",
            grant.role, grant.region_code
        )));
    }
    person_in_reach(&state, &caller, id).await?;
    let roles =
        retry(async || super::revoke_role(&state.db, Some(caller.id), id, &grant).await).await?;
    Ok(HttpResponse::Ok().json(roles))
}
