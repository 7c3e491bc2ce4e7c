//! Operational endpoints: `/healthz` (the process serves), `/readyz` (the database answers),
//! `/metrics` (Prometheus text format: HTTP request counts and latencies by route pattern,
//! database pool connections: `reader` and `writer` on SQLite, `shared` on PostgreSQL; the
//! requests cut off by their deadline, which the request counts do not include).

use actix_web::{HttpResponse, get, web};
use jifen_shared::ops::HealthStatus;
use prometheus::{Encoder, IntCounter, IntGaugeVec, Opts, Registry, TextEncoder};

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

/// Readiness: 200 `{"status":"ok"}` while the database answers within 2 s, else 503
/// `{"status":"unavailable"}`.
#[utoipa::path(tag = "ops", responses(
    (status = 200, body = HealthStatus),
    (status = 503, body = HealthStatus),
))]
#[get("/readyz")]
pub async fn readyz(state: State) -> HttpResponse {
    if tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await == Ok(true) {
        HttpResponse::Ok().json(HealthStatus {
            status: "ok".into(),
        })
    } else {
        HttpResponse::ServiceUnavailable().json(HealthStatus {
            status: "unavailable".into(),
        })
    }
}

/// Prometheus metrics in the text exposition format 0.0.4.
#[utoipa::path(tag = "ops", responses((status = 200, content_type = "text/plain; version=0.0.4", body = String)))]
#[get("/metrics")]
pub async fn metrics(state: State) -> HttpResponse {
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
    if let Err(e) = encoder.encode(&state.metrics.registry.gather(), &mut body) {
        tracing::error!(error = %e, "cannot encode metrics");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(body)
}
