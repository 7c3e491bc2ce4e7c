//! Request deadlines: every request is answered within its deadline, at worst with 503
//! `unavailable` and `Retry-After` (module docs of [`crate::storage`], "Deadlines and
//! retries"). The database's own limits (acquire and statement timeouts) answer sooner when
//! they can; the deadline is what holds when the network to PostgreSQL drops packets silently
//! and a statement already sent never gets its answer.
//!
//! The deadline is `JIFEN_REQUEST_TIMEOUT_SECS` (10 s, below the PWA's 15 s, so the villager
//! reads a sentence rather than a network failure), and `JIFEN_UPLOAD_TIMEOUT_SECS` (300 s)
//! for the two requests that carry a file over what may be a slow line, a photo upload
//! (`POST /media`, whose body alone may take 120 s to arrive) and the villager CSV import
//! (`POST /admin/villagers/import`, thousands of rows). Downloads (`format=csv|xlsx`) run the
//! same queries as their JSON pages and keep the ordinary deadline.
//!
//! At the deadline the request's work is dropped: its transaction, not committed, rolls back.
//! If the commit had already reached the database the change stands although the answer is
//! 503; a retry with the same `Idempotency-Key` then replays the stored answer
//! ([`super::idempotency`]), and the other writes answer a retried tap with the state as it is.
//!
//! The 503 is built here, inside the request's log span (the log line carries the request id)
//! and with its `x-request-id`; it leaves as the service's error (the routed request is gone
//! with the dropped work), so the HTTP request metrics do not count it:
//! `jifen_http_deadline_exceeded_total` does.

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError};
use jifen_shared::api::{self, Endpoint};
use tracing_actix_web::RequestId;

use super::ApiError;
use crate::config::Settings;
use crate::startup::State;

/// The deadline of a request to `method` `path` (after path normalisation).
pub fn of(settings: &Settings, method: &Method, path: &str) -> Duration {
    let file_carrying = [
        (api::UploadMedia::METHOD, api::UploadMedia::TEMPLATE),
        (api::ImportVillagers::METHOD, api::ImportVillagers::TEMPLATE),
    ];
    let carries_file = path.strip_prefix(api::PREFIX).is_some_and(|route| {
        file_carrying
            .iter()
            .any(|(m, template)| m.as_str() == method.as_str() && route == *template)
    });
    if carries_file {
        settings.upload_timeout
    } else {
        settings.request_timeout
    }
}

/// The middleware (`actix_web::middleware::from_fn`), next to the router: runs the request
/// within its deadline ([`of`]), else answers 503 `unavailable` (see the module docs).
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = req.app_data::<State>().cloned() else {
        return next.call(req).await;
    };
    let deadline = of(&state.settings, req.method(), req.path());
    let request_id = req.extensions().get::<RequestId>().copied();
    match tokio::time::timeout(deadline, next.call(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                deadline_s = deadline.as_secs(),
                "request deadline passed: answered 503 unavailable"
            );
            state.metrics.deadline_exceeded.inc();
            let error = ApiError::deadline_passed();
            let mut response = error.error_response();
            if let Some(id) = request_id
                && let Ok(value) = HeaderValue::from_str(&id.to_string())
            {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static("x-request-id"), value);
            }
            Err(actix_web::error::InternalError::from_response(error, response).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_and_imports_get_the_long_deadline() {
        let settings = Settings::defaults();
        let long = settings.upload_timeout;
        let short = settings.request_timeout;
        assert_eq!(of(&settings, &Method::POST, "/api/v1/media"), long);
        assert_eq!(
            of(&settings, &Method::POST, "/api/v1/admin/villagers/import"),
            long
        );
        assert_eq!(of(&settings, &Method::GET, "/api/v1/media"), short);
        assert_eq!(of(&settings, &Method::POST, "/api/v1/claims"), short);
        assert_eq!(of(&settings, &Method::GET, "/api/v1/media/7"), short);
        assert_eq!(of(&settings, &Method::POST, "/media"), short);
    }
}
