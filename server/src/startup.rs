//! The HTTP application: routes of every domain under `/api/v1` (each domain's
//! `routes::configure`, under the templates declared in `jifen_shared::api`), operational
//! endpoints, the PWA at `/`, and the cross-cutting layers (request ids, logs, metrics,
//! compression, request deadlines, the JSON error model of [`crate::http`], security
//! headers).
//!
//! Security headers, on every response that does not set its own ([`security_headers`]):
//! `Content-Security-Policy` ([`pwa::POLICY`]; `index.html` adds its inline scripts' hashes),
//! `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (with the policy's
//! `frame-ancestors 'none'`: no page may frame this one), and `Referrer-Policy: no-referrer`:
//! the WeChat sign-in comes back to the PWA with a one-time `code` in its URL, and nothing in
//! the product needs a `Referer`, so no request from the app ever names the page it came from
//! (stricter than `strict-origin-when-cross-origin`, which would still send our origin to
//! WeChat and the full URL to ourselves).
//!
//! [`Application::build`] is what `jifen serve` runs and what the black-box tests start on
//! `127.0.0.1:0`.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Server, Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, HttpServer, middleware, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::config::Settings;
use crate::http::{ApiError, Reply, error};
use crate::storage::Db;
use crate::{ops, pwa, regions};

/// What every handler can reach: the database, the settings, the metrics registry and the
/// token keys.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub metrics: ops::Metrics,
    /// The access-token keys.
    pub keys: crate::auth::keys::Keys,
    /// Where SMS codes go (`JIFEN_SMS_PROVIDER`).
    pub sms: Arc<dyn crate::auth::sms::SmsSender>,
    /// WeChat sign-in, when `JIFEN_WECHAT_APPID` and `JIFEN_WECHAT_SECRET` are set.
    pub wechat: Option<crate::auth::wechat::Wechat>,
    /// The photo uploads being received (places and memory, [`crate::media::routes`]).
    pub uploads: crate::media::routes::Uploads,
    /// Where photo files are kept (`JIFEN_MEDIA_S3_*`).
    pub photos: crate::media::storage::PhotoStore,
    /// Set while another live instance's key conflicts with this one's (`/readyz` 503).
    pub key_conflict: crate::cluster::Conflict,
}

/// How a handler reaches the [`AppState`].
pub type State = web::Data<AppState>;

/// The OpenAPI document's fixed parts; paths are collected from the routes as they are
/// registered (utoipa-actix-web), so a route cannot be served without being documented.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Jifen API",
        description = "积分制乡村治理 — points-based village governance. Errors are `{code, message}`; see API.md.",
    ),
    components(schemas(jifen_shared::ApiErrorBody, jifen_shared::ErrorCode)),
    tags(
        (name = "auth", description = "登录与会话 — sign-in and sessions"),
        (name = "people", description = "人员 — villagers and staff"),
        (name = "points", description = "积分 — balances, history, awards and deductions"),
        (name = "shop", description = "积分超市 — the points supermarket: shops, goods, redemptions at the counter"),
        (name = "recycling", description = "垃圾—积分—商品 — recyclables weighed at the counter for points"),
        (name = "services", description = "五单 and 好差评 — service orders volunteers claim, ratings, rectifications"),
        (name = "inbox", description = "消息 — the in-app inbox"),
        (name = "media", description = "照片 — photo evidence: upload, served only to those who may see it"),
        (name = "reports", description = "数据概览 — the officials' overview of a region"),
        (name = "proxy", description = "代办 — member cards, proxy agents and family delegates acting for villagers without a phone"),
        (name = "audit", description = "审计 — who did what, when"),
        (name = "regions", description = "行政区划与网格 — administrative divisions and grids"),
        (name = "ops", description = "Health, readiness, metrics"),
    )
)]
struct ApiDoc;

/// Declares the `bearer` security scheme (JWT access tokens) that protected routes name, and
/// gives every operation that names it the answer 401 `unauthenticated` (no, an expired or a
/// forged access token), so the routes' own lists need not repeat it. Applied to the document
/// once every route is registered ([`app`]).
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let bearer = SecurityRequirement::new("bearer", Vec::<String>::new());
        let unauthenticated = ResponseBuilder::new()
            .description("`unauthenticated`")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ApiErrorBody")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if operation.security.iter().flatten().any(|s| *s == bearer) {
                    let responses = &mut operation.responses.responses;
                    responses
                        .entry("401".into())
                        .or_insert_with(|| unauthenticated.clone().into());
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Body limit for JSON requests: 256 KiB (photos will not travel as JSON).
const JSON_LIMIT: usize = 256 * 1024;

/// Builds the actix `App` with every route; the OpenAPI document collected from them is served
/// at `/api/v1/openapi.json`.
fn app(
    state: State,
    prometheus: PrometheusMetrics,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    // Registered before the `/api/v1` scope (which would otherwise take the path), filled
    // in once every route has been registered.
    let openapi_json = Arc::new(ops::OpenApiJson::default());
    let (app, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(state)
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT)
                .error_handler(error::extractor_error),
        )
        .app_data(web::PathConfig::default().error_handler(error::extractor_error))
        .app_data(web::QueryConfig::default().error_handler(error::extractor_error))
        .app_data(web::Data::from(openapi_json.clone()))
        .service(ops::openapi_json)
        .service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(regions::routes::configure)
                .configure(crate::auth::routes::configure)
                .configure(crate::people::routes::configure)
                .configure(crate::points::routes::configure)
                .configure(crate::media::routes::configure)
                .configure(crate::shop::routes::configure)
                .configure(crate::recycling::routes::configure)
                .configure(crate::services::routes::configure)
                .configure(crate::inbox::routes::configure)
                .configure(crate::reports::routes::configure)
                .configure(crate::proxy::routes::configure)
                .configure(crate::audit::routes::configure),
        )
        .split_for_parts();
    // The paths exist only now: the modifier's second half (the 401s) needs them.
    utoipa::Modify::modify(&BearerAuth, &mut api);
    let json = crate::openapi::finish(&api);
    let _ = openapi_json.set(json);
    app.default_service(web::to(fallback))
        // Next to the router, inside the request's log span: see `http::deadline`.
        .wrap(middleware::from_fn(crate::http::deadline::enforce))
        .wrap(middleware::Compress::default())
        // `/readyz/` and `//api/v1/…` route like `/readyz` and `/api/v1/…`.
        .wrap(middleware::NormalizePath::trim())
        .wrap(prometheus)
        .wrap(middleware::from_fn(reject_unknown_methods))
        .wrap_fn(|req, srv| {
            let request_id = req.extensions().get::<RequestId>().copied();
            let response = srv.call(req);
            async move {
                let mut response = response.await?;
                if let Some(id) = request_id
                    && let Ok(value) = HeaderValue::from_str(&id.to_string())
                {
                    response
                        .headers_mut()
                        .insert(HeaderName::from_static("x-request-id"), value);
                }
                Ok(response)
            }
        })
        .wrap(security_headers())
        .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
}

/// The security headers of the module docs, added to each response that lacks them.
fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, pwa::POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
}

/// Anything no route matched: a JSON 404 under `/api/`, 405 for another method on an
/// operational path, else the PWA (files, or `index.html` for the app's own routes).
async fn fallback(req: HttpRequest, state: State) -> Reply {
    let path = req.path();
    if path == "/api" || path.starts_with("/api/") {
        let shown: String = path.chars().take(100).collect();
        return Err(ApiError::not_found(format!(
            "no API route {} {shown}",
            req.method()
        )));
    }
    if ops::PATHS.contains(&path) {
        // e.g. HEAD /readyz: never let a monitor mistake the PWA's index.html for health.
        return Ok(HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET"))
            .finish());
    }
    Ok(pwa::serve(&req, &state.settings.web_dir).await)
}

/// Answers 501 to methods outside RFC 9110's set (and PATCH) before anything else sees them:
/// the metrics label requests by method, and random methods must not grow them without bound.
async fn reject_unknown_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    use actix_web::http::Method;
    let known = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    if known.contains(req.method()) {
        Ok(next.call(req).await?.map_into_left_body())
    } else {
        let response = HttpResponse::NotImplemented().finish();
        Ok(req.into_response(response).map_into_right_body())
    }
}

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    addr: SocketAddr,
    db: Db,
    instance: crate::cluster::Instance,
    keys: crate::auth::keys::Keys,
    delays: crate::cluster::SweepDelays,
    sweep_ticks: prometheus::IntCounterVec,
    key_conflict: crate::cluster::Conflict,
}

/// Makes the settings' time zone the process's county calendar and brings the ledger's
/// monthly figures to it ([`crate::ledger::figures::ensure`]); refuses a second zone in one
/// process. Only `recount` (`jifen serve` and `jifen migrate`) recounts figures counted in
/// another zone; another command refuses to run on them (it would count in its own zone).
pub async fn count_figures(settings: &Settings, db: &Db, recount: bool) -> anyhow::Result<()> {
    if !crate::calendar::Calendar::set_county(&settings.timezone) {
        anyhow::bail!(
            "this process already counts the county's months in {}, not {:?}",
            crate::calendar::Calendar::county().zone_name(),
            settings.timezone.iana_name()
        );
    }
    if !recount && let Some(zone) = crate::ledger::figures::counted_elsewhere(db).await? {
        anyhow::bail!(
            "the ledger's monthly figures are counted in {zone}, not {}: set JIFEN_TIMEZONE as the \
             servers have it, or run `jifen migrate` with the new zone once every server is stopped",
            crate::calendar::Calendar::county().zone_name()
        );
    }
    crate::ledger::figures::ensure(db)
        .await
        .map_err(|e| anyhow::anyhow!("the ledger's figures cannot be counted: {e}"))
}

impl Application {
    /// Binds `settings.bind` and prepares the server over `db` (already migrated).
    ///
    /// Errors: the address cannot be bound (in use, not local, no permission); the SMS
    /// provider's client cannot be set up.
    pub async fn build(settings: Settings, db: Db) -> anyhow::Result<Application> {
        let sms = crate::auth::sms::from_settings(&settings.sms_provider)?;
        Application::build_with(settings, db, sms).await
    }

    /// [`Application::build`] with the SMS sender given (tests record the codes).
    pub async fn build_with(
        settings: Settings,
        db: Db,
        sms: Arc<dyn crate::auth::sms::SmsSender>,
    ) -> anyhow::Result<Application> {
        count_figures(&settings, &db, true).await?;
        let bind = settings.bind;
        let delays = settings.sweep_delays();
        let metrics = ops::Metrics::new();
        let sweep_ticks = metrics.sweep_ticks.clone();
        let prometheus = PrometheusMetricsBuilder::new("jifen")
            .registry(metrics.registry.clone())
            .mask_unmatched_patterns("UNMATCHED")
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up metrics: {e}"))?;
        let keys = crate::auth::keys::Keys::from_settings(&settings)?;
        let photos = crate::media::storage::PhotoStore::from_settings(&settings)?;
        photos
            .check()
            .await
            .map_err(|e| anyhow::anyhow!("the photo store cannot be used: {e}"))?;
        let secret_given = settings.jwt_secret.is_some();
        let key_conflict = crate::cluster::Conflict::default();
        let wechat = match &settings.wechat {
            Some(credentials) => Some(crate::auth::wechat::Wechat::new(
                &settings.wechat_api_base,
                credentials.clone(),
                settings.public_origin.as_deref().ok_or_else(|| {
                    anyhow::anyhow!("JIFEN_PUBLIC_ORIGIN must be set with WeChat sign-in")
                })?,
            )?),
            None => None,
        };
        let state = web::Data::new(AppState {
            wechat,
            db: db.clone(),
            settings: Arc::new(settings),
            metrics,
            keys: keys.clone(),
            sms,
            uploads: Default::default(),
            photos,
            key_conflict: key_conflict.clone(),
        });
        let server = HttpServer::new(move || app(state.clone(), prometheus.clone()))
            .bind(bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        let addr = server.addrs().first().copied().unwrap_or(bind);
        // Registered once the address is ours, before anything is served (a server that
        // cannot listen leaves no live row behind).
        let instance =
            crate::cluster::register(&db, &keys, secret_given, &crate::cluster::hostname()).await?;
        Ok(Application {
            server: server.run(),
            addr,
            db,
            instance,
            keys,
            delays,
            sweep_ticks,
            key_conflict,
        })
    }

    /// The address actually bound (the real port when `JIFEN_BIND` asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until SIGINT/SIGTERM (graceful shutdown) or a fatal error, with the background
    /// sweeps once a minute (lapsed redemptions, service orders' escalations and automatic
    /// ratings, overdue claims; on PostgreSQL one instance at a time) and this instance's
    /// heartbeat ([`crate::cluster::run`]); leaves the instances' registry at the end.
    pub async fn run(self) -> std::io::Result<()> {
        let db = self.db;
        let sweeper = tokio::spawn(crate::cluster::run(
            db.clone(),
            self.instance.clone(),
            self.keys,
            self.delays,
            self.sweep_ticks,
            self.key_conflict,
        ));
        let served = self.server.await;
        sweeper.abort();
        if let Err(e) = crate::cluster::leave(&db, &self.instance).await {
            tracing::warn!(error = %e, "could not leave the instances' registry");
        }
        served
    }
}
