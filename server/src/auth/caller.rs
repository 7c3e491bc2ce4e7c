//! `Caller`: the signed-in person behind a request, with the roles the database gives them
//! now. Extracting it from a request without a valid `Authorization: Bearer` access token
//! answers 401 `unauthenticated`.
//!
//! With the [`ACTING_FOR_HEADER`] (代办, [`crate::proxy`]) the caller is the villager the
//! signed-in agent acts for, with only their villager role and [`Caller::proxy`] naming the
//! agent — on the villager's own endpoints ([`jifen_shared::proxy::ACTING_ENDPOINTS`]) only: on any
//! other the header is refused (403), so an agent never borrows a villager's identity for
//! anything else, nor a villager an agent's powers.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use jifen_shared::api::{self, Endpoint as _};
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::proxy::ACTING_FOR_HEADER;
use jifen_shared::regions::RegionCode;

use crate::http::ApiError;
use crate::policy::{self, Action};
use crate::startup::AppState;

/// The authenticated person of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The person the request acts as: the signed-in person, or the villager a proxy acts for.
    pub id: i64,
    pub roles: Vec<RoleGrant>,
    /// Set when a proxy agent or family delegate acts for the villager `id`.
    pub proxy: Option<crate::proxy::Acting>,
}

impl Caller {
    /// The region a request asks about: `requested` (a region code; 400 `invalid_input` when
    /// malformed), or by default the first region where the caller may `action` (403 with
    /// `nowhere` when there is none). 403 "you are not `who` of …" when the caller may not
    /// `action` there.
    pub fn region_for(
        &self,
        action: Action,
        requested: Option<&str>,
        nowhere: &str,
        who: &str,
    ) -> Result<RegionCode, ApiError> {
        let region = match requested {
            Some(code) => RegionCode::parse(code)
                .map_err(|e| ApiError::invalid_input(format!("region_code: {e}")))?,
            None => policy::regions_where(&self.roles, action)
                .next()
                .ok_or_else(|| ApiError::forbidden(nowhere))?,
        };
        if !policy::may(&self.roles, action, &region) {
            return Err(ApiError::forbidden(format!(
                "you are not {who} of {region}"
            )));
        }
        Ok(region)
    }
}

/// The only requests answered after a password reset until the person sets their own
/// (signing out needs no Caller): `GET /me` and the change. Their paths, built once.
static BEFORE_A_NEW_PASSWORD: std::sync::LazyLock<[(api::Method, String); 2]> =
    std::sync::LazyLock::new(|| {
        [
            (api::GetMe::METHOD, api::GetMe.url_path()),
            (
                api::ChangeOwnPassword::METHOD,
                api::ChangeOwnPassword.url_path(),
            ),
        ]
    });

fn answered_before_a_new_password(req: &HttpRequest) -> bool {
    BEFORE_A_NEW_PASSWORD
        .iter()
        .any(|(method, path)| req.method().as_str() == method.as_str() && req.path() == path)
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let before_a_new_password = answered_before_a_new_password(req);
        let acting_for = req
            .headers()
            .get(ACTING_FOR_HEADER)
            .map(|v| v.to_str().map(|t| t.trim().to_owned()));
        let may_act_for = crate::proxy::accepts_acting(req);
        Box::pin(async move {
            let state = state.ok_or_else(ApiError::internal)?;
            let token = token.ok_or(super::AuthError::Unauthenticated)?;
            let id = super::verify_access(&state.keys, &token)?;
            let account = super::storage::account_by_id(&state.db, id)
                .await?
                .ok_or(super::AuthError::Unauthenticated)?;
            if account.password_reset_at.is_some() && !before_a_new_password {
                return Err(super::AuthError::PasswordChangeRequired.into());
            }
            let Some(acting_for) = acting_for else {
                let roles = super::storage::roles(&state.db, id).await?;
                return Ok(Caller {
                    id,
                    roles,
                    proxy: None,
                });
            };
            if !may_act_for {
                return Err(ApiError::forbidden(
                    "nobody may act for another person here (代办 covers the villager's own claims, goods, orders and ratings)",
                ));
            }
            let token = acting_for.map_err(|_| crate::proxy::ProxyError::NotYourSession)?;
            let acting = crate::proxy::resolve(&state.db, &state.keys, id, &token).await?;
            let mut roles = super::storage::roles(&state.db, acting.person_id).await?;
            roles.retain(|g| g.role == Role::Villager);
            Ok(Caller {
                id: acting.person_id,
                roles,
                proxy: Some(acting),
            })
        })
    }
}
