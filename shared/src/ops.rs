//! Operational endpoints' bodies (`/healthz`, `/readyz`).

use serde::{Deserialize, Serialize};

/// Body of `GET /healthz` and `GET /readyz`: `{"status": "ok"}` (or `"unavailable"` with 503
/// from `/readyz` while the database does not answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthStatus {
    pub status: String,
}
