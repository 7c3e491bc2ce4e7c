//! `POST /auth/password`, `POST /auth/refresh`, `POST /auth/logout`, `GET /me`.

use actix_web::{HttpResponse, get, post, web};
use jifen_shared::ErrorCode;
use jifen_shared::auth::{Me, PasswordLogin, RefreshRequest, Tokens};
use utoipa_actix_web::service_config::ServiceConfig;

use super::AuthError;
use super::caller::Caller;
use crate::http::{ApiError, AppState};

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(password_login)
        .service(refresh)
        .service(logout)
        .service(me);
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidCredentials => {
                ApiError::new(ErrorCode::InvalidCredentials, e.to_string())
            }
            AuthError::InvalidToken => ApiError::new(ErrorCode::InvalidToken, e.to_string()),
            AuthError::Unauthenticated => ApiError::new(ErrorCode::Unauthenticated, e.to_string()),
            AuthError::Storage(e) => e.into(),
        }
    }
}

/// Staff sign-in with phone and password.
#[utoipa::path(tag = "auth", request_body = PasswordLogin, responses(
    (status = 200, body = Tokens),
    (status = 400, description = "`invalid_input`: malformed body", body = jifen_shared::ApiErrorBody),
    (status = 401, description = "`invalid_credentials`", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/password")]
async fn password_login(
    body: web::Json<PasswordLogin>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let tokens =
        super::login_with_password(&state.db, &state.keys, &body.phone, &body.password).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Trades a refresh token for a new session; the old token stops working.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = Tokens),
    (status = 401, description = "`invalid_token`", body = jifen_shared::ApiErrorBody),
))]
#[post("/auth/refresh")]
async fn refresh(
    body: web::Json<RefreshRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let tokens = super::refresh(&state.db, &state.keys, &body.refresh_token).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Ends the session of this refresh token.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses((status = 204)))]
#[post("/auth/logout")]
async fn logout(
    body: web::Json<RefreshRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    super::logout(&state.db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in person: name, masked phone, village, grid, roles, balance.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = Me),
    (status = 401, description = "`unauthenticated`", body = jifen_shared::ApiErrorBody),
))]
#[get("/me")]
async fn me(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(super::me(&state.db, caller.id).await?))
}
