//! Operational endpoints: `/healthz` (the process serves), `/readyz` (the database answers,
//! and no other live instance signs with another key: `crate::cluster`),
//! `/metrics` (Prometheus text format: HTTP request counts and latencies by route pattern,
//! database pool connections: `reader` and `writer` on SQLite, `shared` on PostgreSQL; the
//! requests cut off by their deadline, which the request counts do not include), only to a
//! scraper with `JIFEN_METRICS_TOKEN` ([`crate::config::Settings::metrics_token`]).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError as _, get, web};
use jifen_shared::ErrorCode;
use jifen_shared::ops::HealthStatus;
use prometheus::{Encoder, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

use sha2::{Digest, Sha256};

use crate::http::{ApiError, Reply};
use crate::startup::State;
use crate::storage::Backend;

/// The operational paths (GET only).
pub const PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// How long `/readyz` waits for the database before answering 503.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Prometheus collectors of one server.
#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    db_connections: IntGaugeVec,
    /// `jifen_http_deadline_exceeded_total`: requests answered 503 at their deadline
    /// (`crate::http::deadline`); the HTTP request counts never see them.
    pub deadline_exceeded: IntCounter,
    /// `jifen_sweep_ticks_total{outcome}`: the minute's sweep ticks of this instance,
    /// `swept`, `skipped` (another instance swept) or `failed` (`crate::cluster`).
    pub sweep_ticks: IntCounterVec,
}

impl Metrics {
    /// A fresh registry (one per server, so tests can run many servers in one process).
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let db_connections = IntGaugeVec::new(
            Opts::new(
                "jifen_db_connections",
                "Database pool connections by pool and state",
            ),
            &["pool", "state"],
        )
        .expect("valid metric definition");
        let deadline_exceeded = IntCounter::new(
            "jifen_http_deadline_exceeded_total",
            "Requests answered 503 unavailable because their deadline passed",
        )
        .expect("valid metric definition");
        let sweep_ticks = IntCounterVec::new(
            Opts::new(
                "jifen_sweep_ticks_total",
                "The minute's sweep ticks of this instance by outcome (swept, skipped, failed)",
            ),
            &["outcome"],
        )
        .expect("valid metric definition");
        registry
            .register(Box::new(sweep_ticks.clone()))
            .expect("metric registered once per registry");
        registry
            .register(Box::new(db_connections.clone()))
            .expect("metric registered once per registry");
        registry
            .register(Box::new(deadline_exceeded.clone()))
            .expect("metric registered once per registry");
        Metrics {
            registry,
            db_connections,
            deadline_exceeded,
            sweep_ticks,
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The OpenAPI document as JSON, set once the app's routes are registered.
pub type OpenApiJson = std::sync::OnceLock<String>;

/// This OpenAPI 3.1 document, generated from the code: every route the server serves.
#[utoipa::path(tag = "ops", responses((status = 200, content_type = "application/json", body = Object)))]
#[get("/api/v1/openapi.json")]
pub async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    match doc.get() {
        Some(json) => HttpResponse::Ok()
            .content_type("application/json")
            .body(json.clone()),
        None => HttpResponse::ServiceUnavailable().finish(),
    }
}

/// Liveness: 200 `{"status":"ok"}` while the process serves requests.
#[utoipa::path(tag = "ops", responses((status = 200, body = HealthStatus)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: "ok".into(),
    })
}

/// Readiness: 200 `{"status":"ok"}` while the database answers within 2 s and no other live
/// instance's key conflicts with this one's ([`crate::cluster::Conflict`]), else 503
/// `{"status":"unavailable"}`.
#[utoipa::path(tag = "ops", responses(
    (status = 200, body = HealthStatus),
    (status = 503, body = HealthStatus),
))]
#[get("/readyz")]
pub async fn readyz(state: State) -> HttpResponse {
    let conflict = state
        .key_conflict
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_some();
    if !conflict && tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await == Ok(true) {
        HttpResponse::Ok().json(HealthStatus {
            status: "ok".into(),
        })
    } else {
        HttpResponse::ServiceUnavailable().json(HealthStatus {
            status: "unavailable".into(),
        })
    }
}

/// Prometheus metrics in the text exposition format 0.0.4, for `Authorization: Bearer
/// <JIFEN_METRICS_TOKEN>`; without that setting the metrics are off (404).
#[utoipa::path(tag = "ops", responses(
    (status = 200, content_type = "text/plain; version=0.0.4", body = String),
    (status = 401, description = "`unauthenticated`: no or another bearer token than `JIFEN_METRICS_TOKEN` (`WWW-Authenticate: Bearer`)", body = jifen_shared::ApiErrorBody),
    (status = 404, description = "`not_found`: `JIFEN_METRICS_TOKEN` is not set", body = jifen_shared::ApiErrorBody),
))]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: State) -> Reply {
    let Some(token) = &state.settings.metrics_token else {
        return Err(ApiError::not_found(
            "metrics are off; set JIFEN_METRICS_TOKEN to scrape them",
        ));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Digests compared, so the time taken tells nothing about the token's characters.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(token.expose().as_bytes()) {
        let mut refused = ApiError::new(
            ErrorCode::Unauthenticated,
            "send Authorization: Bearer <JIFEN_METRICS_TOKEN>",
        )
        .error_response();
        refused
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Ok(refused);
    }
    let gauges = &state.metrics.db_connections;
    let pools = match state.db.backend() {
        Backend::Sqlite => vec![("reader", state.db.reader()), ("writer", state.db.writer())],
        // One pool serves both roles on PostgreSQL: count it once.
        Backend::Postgres => vec![("shared", state.db.writer())],
    };
    for (name, pool) in pools {
        let idle = pool.num_idle() as i64;
        gauges.with_label_values(&[name, "idle"]).set(idle);
        gauges
            .with_label_values(&[name, "in_use"])
            .set(i64::from(pool.size()) - idle);
    }
    let mut body = Vec::new();
    let encoder = TextEncoder::new();
    encoder
        .encode(&state.metrics.registry.gather(), &mut body)
        .map_err(|e| ApiError::internal_because("cannot encode metrics", e))?;
    Ok(HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(body))
}
