//! WeChat sign-in (微信公众号网页授权, scope `snsapi_base`): the PWA sends the user through
//! WeChat's authorisation page, WeChat redirects back with a one-time `code`, and
//! `POST /auth/wechat {code, state, verifier}` exchanges it here for the user's `openid`.
//!
//! # Bound to the browser that started it
//! A code alone must not sign anyone in: an attacker could start a sign-in with their own
//! WeChat, stop at the redirect and send the callback link to a victim, whose browser would
//! then bind the attacker's WeChat to the victim's account (login CSRF, RFC 6749 §10.12).
//! So `POST /auth/wechat/start` ([`Wechat::start`]) issues a random `state` (in the
//! authorisation URL, so it comes back in the redirect) and a random `verifier` that the
//! browser keeps and that never travels through WeChat; the server keeps the state with the
//! verifier's SHA-256 (`wechat_sign_ins`, in the database, so any instance can finish a
//! sign-in another started). `POST /auth/wechat` is refused with 401 `wechat_state_invalid`
//! — before WeChat is asked — unless the pair matches, within [`START_TTL`], and it is used
//! once (marked used after a successful exchange, so a retry after `wechat_unavailable` still
//! works). The PWA also compares the returned `state` with the one it kept and does not send
//! a code that does not match. Starts are limited to [`STARTS_PER_WINDOW`] per client address
//! per [`START_WINDOW`] (429 `rate_limited`).
//!
//! The authorisation URL is built here, every parameter encoded, in WeChat's documented
//! order, with `redirect_uri` = `{JIFEN_PUBLIC_ORIGIN}/login/wechat` (WeChat only redirects to
//! the domain registered as the Official Account's 网页授权域名, without a port).
//!
//! The exchange follows WeChat's "网页授权" documentation: `GET
//! {JIFEN_WECHAT_API_BASE}/sns/oauth2/access_token?appid=APPID&secret=SECRET&code=CODE&grant_type=authorization_code`
//! answers `{access_token, expires_in, refresh_token, openid, scope, unionid?}` or
//! `{errcode, errmsg}` (often with `Content-Type: text/plain`, so the body is parsed whatever
//! the header says). A code works once and for 5 minutes: errcode 40029 (invalid code) and
//! 40163 (code been used) become 401 `wechat_code_invalid`; every other errcode, HTTP failure,
//! timeout ([`EXCHANGE_TIMEOUT`]) or unreadable answer becomes 503 `wechat_unavailable`.
//!
//! WeChat sometimes delivers the same redirect twice, and a villager on a weak network taps
//! again: requests with the same code and verifier from the same client (address and browser)
//! within [`REPLAY_WINDOW`] share one exchange and get the same answer (the same session or bind
//! token) instead of WeChat's 40163. The same code from another client finds its sign-in used
//! (401 `wechat_state_invalid`): a callback URL seen over someone's shoulder or shared from
//! WeChat gives no session. The cache lives in this process: several instances behind a
//! balancer need sticky sessions for `POST /auth/wechat` (else a redirect delivered twice may
//! sign in on one instance and be refused, its sign-in used, on the other).
//!
//! A known openid starts a session for its person; an unknown one gets a bind token (a JWT
//! with audience [`BIND_AUDIENCE`], valid [`BIND_TTL`], naming the openid) to present with the
//! phone's SMS code at `POST /auth/wechat/bind`. A bind token is spent once its WeChat account
//! is bound (also when two binds race); a person who binds another WeChat account replaces
//! their earlier one.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jifen_shared::auth::{Tokens, WechatBindNeeded, WechatOutcome, WechatStarted};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use super::keys::Keys;
use super::otp::OtpError;
use super::{AuthError, storage};
use crate::config::WechatCredentials;
use crate::storage::{Db, now_ms};

/// How long WeChat's API may take to answer an exchange.
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an answered code is remembered, so a repeated redirect gets the same answer.
pub const REPLAY_WINDOW: Duration = Duration::from_secs(30);
/// How long a bind token is valid: 10 minutes (time to receive and type an SMS code).
pub const BIND_TTL: Duration = Duration::from_secs(10 * 60);
/// The `aud` of bind tokens, so they can never pass as access tokens (and back).
pub const BIND_AUDIENCE: &str = "jifen:wechat-bind";
/// How long a started sign-in may take, from `POST /auth/wechat/start` to `POST /auth/wechat`:
/// 10 minutes (WeChat's own codes last 5).
pub const START_TTL: Duration = Duration::from_secs(10 * 60);
/// Sign-ins one client address may start per [`START_WINDOW`] (a village behind one address
/// starts a few an hour; a script filling the table is stopped).
pub const STARTS_PER_WINDOW: i64 = 60;
/// The window of [`STARTS_PER_WINDOW`]: 10 minutes.
pub const START_WINDOW: Duration = Duration::from_secs(10 * 60);
/// WeChat's web authorisation page (公众号网页授权).
pub const AUTHORIZE_URL: &str = "https://open.weixin.qq.com/connect/oauth2/authorize";
/// The longest code accepted (WeChat's are 32 characters).
const MAX_CODE_LEN: usize = 128;
/// Remembered codes at most; beyond it, codes are exchanged without remembering.
const MAX_REMEMBERED: usize = 10_000;

/// Why a WeChat sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    #[error("WeChat sign-in is not enabled on this server")]
    Disabled,
    #[error("code: not a WeChat authorisation code")]
    MalformedCode,
    #[error("state, verifier: not those of a WeChat sign-in")]
    MalformedState,
    #[error(
        "this WeChat sign-in was not started in this browser, has expired or was used; start it again"
    )]
    StateInvalid,
    #[error("too many WeChat sign-ins started from this address; try again in a few minutes")]
    TooManyStarts,
    #[error("WeChat did not accept the code (errcode {0}); start the WeChat sign-in again")]
    CodeInvalid(i64),
    #[error("WeChat is not answering; please try again or sign in with an SMS code")]
    Unavailable,
    #[error("the bind token is not valid (expired, or not one this server gave)")]
    InvalidBindToken,
    #[error(transparent)]
    Otp(#[from] OtpError),
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl DomainError for WechatError {
    fn code(&self) -> ErrorCode {
        match self {
            WechatError::Disabled => ErrorCode::NotFound,
            WechatError::MalformedCode | WechatError::MalformedState => ErrorCode::InvalidInput,
            WechatError::StateInvalid => ErrorCode::WechatStateInvalid,
            WechatError::TooManyStarts => ErrorCode::RateLimited,
            WechatError::CodeInvalid(_) => ErrorCode::WechatCodeInvalid,
            WechatError::Unavailable => ErrorCode::WechatUnavailable,
            WechatError::InvalidBindToken => ErrorCode::InvalidToken,
            WechatError::Otp(_) | WechatError::Auth(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            WechatError::Otp(e) => Some(e),
            WechatError::Auth(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for WechatError {
    fn from(e: sqlx::Error) -> Self {
        WechatError::Auth(e.into())
    }
}

/// Who WeChat says the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WechatUser {
    pub openid: String,
    pub unionid: Option<String>,
}

/// WeChat's answer to the code exchange (success and error fields in one object).
#[derive(Debug, Deserialize)]
struct ExchangeAnswer {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    openid: Option<String>,
    unionid: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BindClaims {
    sub: String,
    #[serde(default)]
    unionid: Option<String>,
    aud: String,
    exp: u64,
}

type Shared = Arc<OnceCell<WechatOutcome>>;

/// The WeChat client of one server: credentials, HTTP client, and the codes recently answered.
pub struct Wechat {
    http: reqwest::Client,
    api_base: String,
    credentials: WechatCredentials,
    /// `{JIFEN_PUBLIC_ORIGIN}/login/wechat`, where WeChat sends the browser back.
    redirect_uri: String,
    recent: Mutex<HashMap<String, (Instant, Shared)>>,
}

impl std::fmt::Debug for Wechat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wechat")
            .field("api_base", &self.api_base)
            .field("appid", &self.credentials.appid)
            .finish_non_exhaustive()
    }
}

impl Wechat {
    /// A client for `api_base` (no trailing slash) with the Official Account's credentials,
    /// sending browsers back to `public_origin` (`https://host`, validated by the settings).
    pub fn new(
        api_base: &str,
        credentials: WechatCredentials,
        public_origin: &str,
    ) -> anyhow::Result<Wechat> {
        let http = reqwest::Client::builder()
            .timeout(EXCHANGE_TIMEOUT)
            .connect_timeout(EXCHANGE_TIMEOUT)
            .build()?;
        Ok(Wechat {
            http,
            api_base: api_base.to_owned(),
            credentials,
            redirect_uri: format!("{}/login/wechat", public_origin.trim_end_matches('/')),
            recent: Mutex::new(HashMap::new()),
        })
    }

    /// The Official Account's appid (public: it is in the authorisation URL).
    pub fn appid(&self) -> &str {
        &self.credentials.appid
    }

    /// Exchanges `code` at WeChat for the user's openid.
    ///
    /// Errors: [`WechatError::CodeInvalid`] for errcode 40029/40163,
    /// [`WechatError::Unavailable`] for anything else that is not an openid.
    pub async fn exchange(&self, code: &str) -> Result<WechatUser, WechatError> {
        let url = format!("{}/sns/oauth2/access_token", self.api_base);
        let response = self
            .http
            .get(url)
            .query(&[
                ("appid", self.credentials.appid.as_str()),
                ("secret", self.credentials.secret.expose()),
                ("code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(error = %e.without_url(), "WeChat code exchange failed");
                WechatError::Unavailable
            })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| {
            tracing::warn!(error = %e.without_url(), "WeChat code exchange failed");
            WechatError::Unavailable
        })?;
        let answer: ExchangeAnswer = match serde_json::from_slice(&body) {
            Ok(answer) if status.is_success() => answer,
            _ => {
                tracing::warn!(%status, "WeChat answered the code exchange with something unreadable");
                return Err(WechatError::Unavailable);
            }
        };
        match (answer.errcode, answer.openid) {
            (0, Some(openid)) if !openid.is_empty() => Ok(WechatUser {
                openid,
                unionid: answer.unionid.filter(|u| !u.is_empty()),
            }),
            (code @ (40029 | 40163), _) => Err(WechatError::CodeInvalid(code)),
            (errcode, _) => {
                tracing::error!(errcode, errmsg = %answer.errmsg, "WeChat refused the code exchange");
                Err(WechatError::Unavailable)
            }
        }
    }

    /// `POST /auth/wechat/start`: a new sign-in for the browser asking, from `client_ip`
    /// (see the module docs).
    ///
    /// Errors: [`WechatError::TooManyStarts`] beyond [`STARTS_PER_WINDOW`].
    pub async fn start(&self, db: &Db, client_ip: &str) -> Result<WechatStarted, WechatError> {
        let (state, verifier) = (super::random_token(), super::random_token());
        let now = now_ms();
        let started = storage::start_wechat_sign_in(
            db,
            &state,
            &super::token_hash(&verifier),
            client_ip,
            (now, now + START_TTL.as_millis() as i64),
            (now - START_WINDOW.as_millis() as i64, STARTS_PER_WINDOW),
        )
        .await?;
        if started >= STARTS_PER_WINDOW {
            return Err(WechatError::TooManyStarts);
        }
        // WeChat reads the parameters in this order only, and wants the fragment.
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("appid", self.appid())
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", "snsapi_base")
            .append_pair("state", &state)
            .finish();
        Ok(WechatStarted {
            authorize_url: format!("{AUTHORIZE_URL}?{query}#wechat_redirect"),
            state,
            verifier,
            expires_in: START_TTL.as_secs(),
        })
    }

    /// `POST /auth/wechat`: a session for the person bound to the WeChat user of `code`, or a
    /// bind token — only for the browser that started the sign-in of `state` (it alone knows
    /// `verifier`), once. The same code and verifier from the same `client` (its address and
    /// user agent) within [`REPLAY_WINDOW`] get the same answer without a second exchange;
    /// failures are not remembered, so a retry after `wechat_unavailable` exchanges again.
    ///
    /// Errors: [`WechatError::MalformedCode`], [`WechatError::MalformedState`],
    /// [`WechatError::StateInvalid`] (checked before WeChat is asked), then those of
    /// [`Wechat::exchange`].
    pub async fn login(
        &self,
        db: &Db,
        keys: &Keys,
        (code, state, verifier): (&str, &str, &str),
        client: &str,
    ) -> Result<WechatOutcome, WechatError> {
        let code = code.trim();
        if code.is_empty()
            || code.len() > MAX_CODE_LEN
            || !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        {
            return Err(WechatError::MalformedCode);
        }
        let random_token = |t: &str| {
            t.len() == 43
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if !random_token(state) || !random_token(verifier) {
            return Err(WechatError::MalformedState);
        }
        let verifier = super::token_hash(verifier);
        let key = format!("{}\n{code}\n{state}\n{verifier}", clip(client, 300));
        let shared = self.remembered(&key);
        let outcome = shared
            .get_or_try_init(|| async {
                if !storage::wechat_sign_in_open(db, state, &verifier, now_ms()).await? {
                    return Err(WechatError::StateInvalid);
                }
                let user = self.exchange(code).await?;
                if !storage::use_wechat_sign_in(db, state, &verifier, now_ms()).await? {
                    // Used a moment ago by another code (or expired during the exchange).
                    return Err(WechatError::StateInvalid);
                }
                self.outcome(db, keys, user).await
            })
            .await;
        match outcome {
            Ok(outcome) => Ok(outcome.clone()),
            Err(e) => {
                // Only answers are worth remembering; junk codes must not fill the cache.
                self.forget(&key);
                Err(e)
            }
        }
    }

    fn forget(&self, key: &str) {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent
            .get(key)
            .is_some_and(|(_, slot)| slot.get().is_none())
        {
            recent.remove(key);
        }
    }

    /// The shared answer slot for `key` (client and code), after forgetting older ones.
    fn remembered(&self, key: &str) -> Shared {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        recent.retain(|_, (at, _)| now.duration_since(*at) < REPLAY_WINDOW);
        if let Some((_, shared)) = recent.get(key) {
            return shared.clone();
        }
        let shared = Shared::default();
        if recent.len() < MAX_REMEMBERED {
            recent.insert(key.to_owned(), (now, shared.clone()));
        }
        shared
    }

    async fn outcome(
        &self,
        db: &Db,
        keys: &Keys,
        user: WechatUser,
    ) -> Result<WechatOutcome, WechatError> {
        if let Some(person_id) = storage::wechat_person(db, self.appid(), &user.openid).await? {
            return Ok(WechatOutcome::Session(
                super::start_session(db, keys, person_id).await?,
            ));
        }
        let claims = BindClaims {
            sub: user.openid,
            unionid: user.unionid,
            aud: BIND_AUDIENCE.into(),
            exp: (now_ms() / 1000) as u64 + BIND_TTL.as_secs(),
        };
        let bind_token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).map_err(
                |e| {
                    tracing::error!(error = %e, "cannot sign a bind token");
                    WechatError::Unavailable
                },
            )?;
        Ok(WechatOutcome::BindNeeded(WechatBindNeeded {
            bind_token,
            expires_in: BIND_TTL.as_secs(),
        }))
    }

    /// `POST /auth/wechat/bind`: checks the bind token and the phone's SMS code, binds the
    /// WeChat user to the person of that phone and starts their session.
    ///
    /// Errors: [`WechatError::InvalidBindToken`]; the errors of `POST /auth/otp/verify`
    /// ([`WechatError::Otp`]).
    pub async fn bind(
        &self,
        db: &Db,
        keys: &Keys,
        bind_token: &str,
        phone: &str,
        code: &str,
    ) -> Result<Tokens, WechatError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        validation.set_audience(&[BIND_AUDIENCE]);
        validation.leeway = 5;
        let claims = jsonwebtoken::decode::<BindClaims>(bind_token, &keys.decoding, &validation)
            .map_err(|_| WechatError::InvalidBindToken)?
            .claims;
        // A bind token works once: once its WeChat account is bound, it is spent (else whoever
        // saw it could re-point that account to their own phone for ten minutes).
        if storage::wechat_person(db, self.appid(), &claims.sub)
            .await?
            .is_some()
        {
            return Err(WechatError::InvalidBindToken);
        }
        let person_id = super::otp::check_code(db, keys, phone, code).await?;
        let now = now_ms();
        let mut tx = db.begin_write().await?;
        let bound = storage::bind_wechat(
            &mut tx,
            self.appid(),
            &claims.sub,
            claims.unionid.as_deref(),
            person_id,
            now,
        )
        .await?;
        if !bound {
            // Someone bound it with the same token a moment ago.
            return Err(WechatError::InvalidBindToken);
        }
        tx.commit().await?;
        tracing::info!(person_id, "WeChat account bound");
        Ok(super::start_session(db, keys, person_id).await?)
    }
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn clip(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
